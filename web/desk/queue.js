// The live queue: incidents of the chosen selection (ListIncidents, 200 a page, newest first;
// "Volgende 200 incidenten laden" reads the next page with the server's page token; department
// filtered by the server when its API has the filter), updated without a reload by the WatchQueue
// stream (app.js). Views: all, new, overdue and reopen requests; the last two only when the
// server's API has them (ListIncidentsRequest.overdue, QueueEvent reasons OVERDUE and
// REOPEN_REQUESTED in /v1/openapi.json). The search box (ListIncidentsRequest.text, when the
// server has it) searches titles and report descriptions on the server; while a search is on,
// the live stream updates the incidents found but adds none (it cannot tell what matches).
// Bulk actions: incidents ticked in the table can be assigned to a department or moved to a
// status in one go; each incident is its own call (read for its version, then AssignIncident or
// TransitionIncident), so each is authorized and audited on its own, and the outcome — done, or
// the server's refusal in words — is listed per incident.
import * as api from './api.js';
import { h, fill, field, uid, announce, when, idOf, departmentOf, STATUS, THEME, REASON } from './dom.js';
import { desk, remember, catalogues, focusHeading } from './app.js';

// Filters of this page load (kept when the desk comes back from an incident).
const filters = { view: 'all', status: '', theme: '', area: '', department: '', text: '' };

// Which parts of the issue-18 desk workflow this server has (feature detection).
async function features() {
  const [list, event] = await Promise.all([
    api.operation('DispatchService_ListIncidents'),
    api.schema('wijkwacht.v1.QueueEvent'),
  ]);
  const reasons = (((event || {}).properties || {}).reason || {}).enum || [];
  const params = list ? (list.op.parameters || []).map((p) => p.name) : [];
  return {
    overdue: params.includes('overdue'),
    text: params.includes('text'),
    department: params.includes('department'),
    reopen: reasons.includes('REOPEN_REQUESTED'),
    overdueEvents: reasons.includes('OVERDUE'),
  };
}

function matches(incident, f) {
  if (f.status && incident.status !== f.status) return false;
  if (f.theme && incident.theme !== f.theme) return false;
  if (f.department && departmentOf(incident) !== f.department) return false;
  if (f.area) {
    const a = incident.area || {};
    const codes = [a.gemeenteCode, a.wijkCode, a.buurtCode, ...(a.focusAreas || [])];
    if (!codes.includes(f.area)) return false;
  }
  const flags = desk.flags.get(incident.name) || new Set();
  if (f.view === 'new' && incident.status !== 'INCIDENT_NEW') return false;
  if (f.view === 'reopen' && !flags.has('REOPEN_REQUESTED')) return false;
  return true;
}

function options(select, entries, none) {
  fill(select, h('option', { value: '' }, none),
    entries.map(([value, label]) => h('option', { value, selected: value === filters[select.name] }, label)));
}

export function renderQueue(main) {
  const abort = new AbortController();
  const shown = new Map();  // name -> incident, the selection as listed and updated live
  let overdueNames = new Set();
  const error = h('p', { class: 'error', role: 'alert' });
  const state = h('p', { class: 'state', id: 'stream-state', 'data-state': desk.streamState });
  const view = h('select', { id: uid('view'), name: 'view' });
  const status = h('select', { id: uid('status'), name: 'status' });
  const theme = h('select', { id: uid('theme'), name: 'theme' });
  const area = h('select', { id: uid('area'), name: 'area' });
  const department = h('select', { id: uid('department'), name: 'department' });
  const text = h('input', { id: uid('text'), name: 'text', type: 'search', value: filters.text,
                            maxlength: '200', autocomplete: 'off' });
  const search = field('Zoeken in titel en meldingen', text);
  search.hidden = true;  // until the server is known to search
  options(status, Object.entries(STATUS), 'Alle statussen');
  options(theme, Object.entries(THEME), 'Alle thema\'s');
  const form = h('form', { 'aria-label': 'Selectie' },
    h('fieldset', {}, h('legend', {}, 'Selectie'),
      h('div', { class: 'row' }, field('Weergave', view), field('Status', status),
        field('Thema', theme), field('Gebied', area), field('Afdeling', department), search,
        h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Toon')))));
  const tbody = h('tbody', { id: 'queue-rows' });
  const selected = new Set();  // incident names ticked for a bulk action
  const bulkAction = h('select', { id: uid('bulk-action'), name: 'bulk-action' },
    h('option', { value: 'transition' }, 'Status wijzigen naar'),
    h('option', { value: 'assign' }, 'Toewijzen aan afdeling'));
  const bulkStatus = h('select', { id: uid('bulk-status'), name: 'bulk-status' },
    Object.entries(STATUS).map(([v, label]) => h('option', { value: v }, label)));
  const bulkDepartment = h('select', { id: uid('bulk-department'), name: 'bulk-department' });
  const bulkDepartmentField = field('Naar afdeling', bulkDepartment);
  bulkDepartmentField.hidden = true;
  const bulkStatusField = field('Nieuwe status', bulkStatus);
  const bulkButton = h('button', { type: 'submit', id: 'bulk-run', disabled: true }, 'Uitvoeren op 0 geselecteerd');
  const bulkResults = h('ul', { id: 'bulk-results', 'aria-live': 'polite' });
  const bulk = h('form', { id: 'bulk-form', 'aria-label': 'Actie op geselecteerde incidenten' },
    h('fieldset', {}, h('legend', {}, 'Actie op geselecteerde incidenten'),
      h('div', { class: 'row' }, field('Actie', bulkAction), bulkStatusField, bulkDepartmentField,
        h('div', { class: 'field' }, bulkButton))),
    bulkResults);
  bulkAction.addEventListener('change', () => {
    bulkStatusField.hidden = bulkAction.value !== 'transition';
    bulkDepartmentField.hidden = bulkAction.value !== 'assign';
  });
  function renderSelection() {
    bulkButton.textContent = `Uitvoeren op ${selected.size} geselecteerd`;
    bulkButton.disabled = selected.size === 0;
  }
  const count = h('p', { id: 'queue-count', class: 'state', tabindex: '-1' });
  const table = h('table', { id: 'queue' },
    h('caption', {}, 'Incidenten in de selectie, hoogste prioriteit eerst'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Selectie')),
      ['Incident', 'Signaal', 'Status', 'Thema', 'Gebied', 'Prioriteit', 'Afdeling', 'Geclaimd door', 'Geopend']
        .map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
  // ListIncidents pages (newest first); the rest of the selection on request.
  const PAGE = 200;
  let next = '';
  const more = h('button', { type: 'button', id: 'queue-more', class: 'secondary', hidden: true },
    `Volgende ${PAGE} incidenten laden`);
  const log = h('ol', { id: 'queue-events' });
  const logBox = h('div', { class: 'events', tabindex: '0', role: 'log',
                            'aria-label': 'Laatste gebeurtenissen in de wachtrij' }, log);
  fill(main, h('h1', {}, 'Wachtrij'), state, form, error, count, bulk, table, more,
    h('h2', {}, 'Laatste gebeurtenissen'), logBox);
  focusHeading(main);

  const names = () => desk.catalogues || { categoryName: new Map(), areaName: new Map(), departmentName: new Map() };

  function renderState() {
    const words = { connecting: 'Verbinden met de live wachtrij…', live: 'Live: de wachtrij werkt zichzelf bij.',
                    reconnecting: 'Verbinding onderbroken; opnieuw verbinden…', ended: 'Live wachtrij gestopt.' };
    state.dataset.state = desk.streamState;
    state.textContent = words[desk.streamState] || '';
  }

  // Overdue by the server's list (?overdue=true), the incident's own flag or an OVERDUE event.
  function isOverdue(incident) {
    return incident.overdue === true || overdueNames.has(incident.name) ||
      (desk.flags.get(incident.name) || new Set()).has('OVERDUE');
  }

  function row(incident) {
    const c = names();
    const flags = desk.flags.get(incident.name) || new Set();
    const badges = [];
    if (incident.status === 'INCIDENT_NEW') badges.push(h('span', { class: 'badge new' }, 'nieuw'));
    if (isOverdue(incident)) badges.push(h('span', { class: 'badge overdue' }, 'over tijd'));
    if (flags.has('REOPEN_REQUESTED')) badges.push(h('span', { class: 'badge reopen' }, 'heropenen gevraagd'));
    const a = incident.area || {};
    const tick = h('input', { type: 'checkbox', class: 'select', checked: selected.has(incident.name),
                              'aria-label': `Selecteer incident ${idOf(incident.name).slice(0, 8)}` });
    tick.addEventListener('change', () => {
      if (tick.checked) selected.add(incident.name);
      else selected.delete(incident.name);
      renderSelection();
    });
    return h('tr', { 'data-incident': incident.name, 'data-status': incident.status },
      h('td', {}, tick),
      h('td', {}, h('a', { href: `#/incidents/${idOf(incident.name)}` },
        c.categoryName.get(incident.category) || incident.category || 'Incident', ` (${idOf(incident.name).slice(0, 8)})`)),
      h('td', {}, badges),
      h('td', {}, STATUS[incident.status] || incident.status),
      h('td', {}, THEME[incident.theme] || incident.theme || ''),
      h('td', {}, c.areaName.get(a.buurtCode) || a.buurtCode || ''),
      h('td', {}, String(incident.priority || 0)),
      h('td', {}, c.departmentName.get(departmentOf(incident)) || departmentOf(incident) || '—'),
      h('td', {}, incident.claimedBy || '—'),
      h('td', {}, when(incident.createTime)));
  }

  function renderRows() {
    const list = [...shown.values()].filter((i) => matches(i, filters))
      .filter((i) => filters.view !== 'overdue' || isOverdue(i))
      .sort((x, y) => (y.priority || 0) - (x.priority || 0) || String(y.createTime).localeCompare(String(x.createTime)));
    fill(tbody, list.length ? list.map(row) : h('tr', {}, h('td', { colspan: 10 }, 'Geen incidenten in deze selectie.')));
    count.textContent = `${list.length} incident${list.length === 1 ? '' : 'en'} in de selectie` +
      (next ? ' (er zijn er meer: zie de knop onder de tabel)' : '');
    more.hidden = !next;
  }

  function renderLog() {
    fill(log, desk.events.slice(0, 20).map((e) => h('li', {},
      `${REASON[e.reason] || e.reason}: `,
      h('a', { href: `#/incidents/${idOf(e.incident.name)}` }, idOf(e.incident.name).slice(0, 8)),
      ` (nu ${STATUS[e.incident.status] || e.incident.status}), ontvangen ${when(e.received)}`,
      e.detail ? ` — ${e.detail}` : '')));
  }

  function listParams(f) {
    return { pageSize: PAGE, status: filters.status, theme: filters.theme, areaCode: filters.area,
             department: f.department ? filters.department : '', text: f.text ? filters.text : '' };
  }

  // Every page of the overdue list (it marks rows; a selection rarely has many).
  async function overdueList(params) {
    const names = new Set();
    let token = '';
    for (let page = 0; page < 20; page += 1) {
      const r = await api.call('GET', `/v1/incidents${api.query({ ...params, overdue: true, pageToken: token })}`);
      for (const i of r.incidents || []) names.add(i.name);
      token = r.nextPageToken || '';
      if (!token) break;
    }
    return names;
  }

  function show(incidents) {
    for (const i of incidents || []) {
      remember(i);
      shown.set(i.name, i);
    }
  }

  async function load() {
    error.textContent = '';
    try {
      const f = await features();
      shown.clear();
      const params = listParams(f);
      const [all, overdue] = await Promise.all([
        api.call('GET', `/v1/incidents${api.query(params)}`),
        f.overdue ? overdueList(params) : Promise.resolve(new Set()),
      ]);
      overdueNames = overdue;
      next = all.nextPageToken || '';
      show(all.incidents);
      if (abort.signal.aborted) return;
      renderRows();
      renderLog();
    } catch (e) {
      error.textContent = api.describe(e);
    }
  }

  // The next page of the same selection (the server's token is bound to its filters).
  more.addEventListener('click', async () => {
    error.textContent = '';
    try {
      const f = await features();
      const r = await api.call('GET', `/v1/incidents${api.query({ ...listParams(f), pageToken: next })}`);
      if (abort.signal.aborted) return;
      next = r.nextPageToken || '';
      show(r.incidents);
      renderRows();
      announce(`${(r.incidents || []).length} incidenten meer geladen`);
      if (!next) count.focus();
    } catch (e) {
      error.textContent = api.describe(e);
    }
  });

  (async () => {
    try {
      const [c, f] = await Promise.all([catalogues(), features()]);
      const views = [['all', 'Alle incidenten'], ['new', 'Nieuw']];
      if (f.overdue || f.overdueEvents) views.push(['overdue', 'Over tijd']);
      if (f.reopen) views.push(['reopen', 'Verzoeken om heropenen']);
      fill(view, views.map(([v, label]) => h('option', { value: v, selected: v === filters.view }, label)));
      options(area, c.areas.map((a) => [a.code, `${a.displayName} (${a.level === 'WIJK' ? 'wijk' : 'buurt'})`]), 'Alle gebieden');
      options(department, c.departments.map((d) => [d.name, d.displayName]), 'Alle afdelingen');
      fill(bulkDepartment, c.departments.map((d) => h('option', { value: d.name }, d.displayName)));
      search.hidden = !f.text;
    } catch (e) {
      error.textContent = api.describe(e);
    }
    await load();
  })();

  // One call per incident, one after the other; each outcome in words.
  bulk.addEventListener('submit', async (e) => {
    e.preventDefault();
    const names = [...selected];
    const action = bulkAction.value;
    const what = action === 'assign'
      ? `toewijzen aan ${bulkDepartment.selectedOptions[0] ? bulkDepartment.selectedOptions[0].textContent : ''}`
      : `status ${STATUS[bulkStatus.value]}`;
    bulkButton.disabled = true;
    fill(bulkResults);
    let done = 0;
    for (const name of names) {
      const line = h('li', { 'data-incident': name }, `${idOf(name).slice(0, 8)}: bezig…`);
      bulkResults.append(line);
      try {
        const current = await api.call('GET', `/v1/${name}`);
        const changed = action === 'assign'
          ? await api.call('POST', `/v1/${name}:assign`, { version: current.version, department: bulkDepartment.value })
          : await api.call('POST', `/v1/${name}:transition`, { version: current.version, targetStatus: bulkStatus.value });
        remember(changed);
        if (shown.has(changed.name)) shown.set(changed.name, changed);
        line.dataset.outcome = 'done';
        line.textContent = `${idOf(name).slice(0, 8)}: ${what} — gelukt`;
        done += 1;
        selected.delete(name);
      } catch (err) {
        line.dataset.outcome = 'refused';
        line.textContent = `${idOf(name).slice(0, 8)}: ${what} — ${api.describe(err)}`;
      }
    }
    renderRows();
    renderSelection();
    announce(`${done} van ${names.length} gelukt`);
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(filters, { view: view.value, status: status.value, theme: theme.value,
                             area: area.value, department: department.value, text: text.value.trim() });
    load();
  });

  const listener = ({ event, news, state: s }) => {
    if (s) return renderState();
    if (!event || abort.signal.aborted) return;
    const incident = desk.incidents.get(event.incident.name);
    if (!matches(incident, filters)) shown.delete(incident.name);
    else if (!filters.text || shown.has(incident.name)) shown.set(incident.name, incident);
    renderRows();
    renderLog();
    // New incidents once (a replayed event is no news); the desk's signals every time.
    if ((news && ['NEW', 'NEEDS_REVIEW'].includes(event.reason)) ||
        ['OVERDUE', 'REOPEN_REQUESTED', 'REPORTER_ANSWERED'].includes(event.reason)) {
      announce(`${REASON[event.reason]}: incident ${idOf(incident.name).slice(0, 8)}`);
    }
  };
  desk.listeners.add(listener);
  renderState();
  return () => {
    abort.abort();
    desk.listeners.delete(listener);
  };
}
