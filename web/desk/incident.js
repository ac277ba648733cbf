// One incident: its facts, its reports (description, times, place) on a Leaflet map with the
// incident's centre, its history, the audit trail (GetIncidentHistory; on a server without it,
// administrators' GetAuditLog filtered here)
// and the desk's actions. Every action sends the version this page shows (optimistic
// concurrency): a change by someone else in between is refused by the server, and the
// refusal is shown in its words.
import * as api from './api.js';
import { h, fill, field, uid, announce, when, idOf, departmentOf, STATUS, THEME, REASON } from './dom.js';
import { desk, remember, catalogues, focusHeading } from './app.js';

// Pages of 1000 audit entries read at most, newest entries last.
const MAX_AUDIT_PAGES = 20;

const path = (incident, verb) => `/v1/${incident.name}:${verb}`;

export function renderIncident(main, id) {
  const abort = new AbortController();
  const name = `incidents/${id}`;
  let incident = null;
  let map = null;
  const liveChanges = [];
  const error = h('p', { class: 'error', role: 'alert', id: 'incident-error' });
  const done = h('p', { class: 'ok', role: 'status', id: 'action-result' });
  fill(main, h('h1', {}, `Incident ${id.slice(0, 8)}`), h('p', { class: 'state' }, 'Laden…'), error);
  focusHeading(main);

  async function act(what, method, url, body) {
    error.textContent = '';
    done.textContent = '';
    try {
      const answer = await api.call(method, url, body);
      const updated = answer.name === name ? answer : await api.call('GET', `/v1/${name}`);
      remember(updated);
      await render(updated, false);
      done.textContent = `${what}: gelukt.`;
      announce(`${what}: gelukt.`);
      return answer;
    } catch (e) {
      error.textContent = `${what} — ${api.describe(e)}`;
      return null;
    }
  }

  function facts(c) {
    const a = incident.area || {};
    const dl = h('dl', { class: 'facts', id: 'incident-facts' });
    const add = (k, v) => dl.append(h('dt', {}, k), h('dd', {}, v || '—'));
    add('Status', STATUS[incident.status] || incident.status);
    add('Thema', THEME[incident.theme] || incident.theme);
    add('Categorie', c.categoryName.get(incident.category) || incident.category);
    add('Buurt', [c.areaName.get(a.buurtCode) || a.buurtCode, c.areaName.get(a.wijkCode)].filter(Boolean).join(', '));
    add('Prioriteit', String(incident.priority || 0));
    add('Geclaimd door', incident.claimedBy);
    add('Afdeling', c.departmentName.get(departmentOf(incident)) || departmentOf(incident));
    if (incident.dueTime) add('Uiterlijk afgehandeld', `${when(incident.dueTime)}${incident.overdue ? ' (over tijd)' : ''}`);
    add('Thema nakijken', incident.needsReview ? 'ja' : 'nee');
    add('Eerst gezien', when(incident.firstObservedTime));
    add('Laatst gezien', when(incident.lastObservedTime));
    add('Versie', String(incident.version));
    const flags = desk.flags.get(name);
    if (flags && flags.size) add('Signalen', [...flags].map((r) => REASON[r] || r).join(', '));
    return dl;
  }

  function reportsTable(reports) {
    const splittable = reports.length > 1;
    return h('table', { id: 'reports' },
      h('caption', {}, `Meldingen (${reports.length})`),
      h('thead', {}, h('tr', {}, ['Nr.', 'Gezien', 'Ontvangen', 'Beschrijving', 'Plaats', splittable ? 'Actie' : null]
        .filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, reports.map((r, i) => h('tr', { 'data-report': r.name },
        h('td', {}, String(i + 1)),
        h('td', {}, when(r.observedTime)),
        h('td', {}, when(r.createTime)),
        h('td', { class: 'description' }, r.description || '(niet leesbaar)', mediaLink(r.mediaUrl)),
        h('td', {}, r.location ? `${Number(r.location.latitude).toFixed(5)}, ${Number(r.location.longitude).toFixed(5)}` : '—'),
        splittable ? h('td', {}, h('button', {
          type: 'button', class: 'secondary', 'aria-label': `Melding ${i + 1} afsplitsen tot een eigen incident`,
          onclick: () => act('Afsplitsen', 'POST', `/v1/${name}:splitReport`,
            { version: incident.version, report: r.name }),
        }, 'Afsplitsen')) : null))));
  }

  // A report's media_url: a link elsewhere the server never fetched; shown as its address, opened
  // only when the dispatcher follows it (no referrer, no opener).
  function mediaLink(url) {
    if (!url || !/^https:\/\//i.test(url)) return null;
    return h('p', { class: 'media' }, 'Foto of bijlage (externe link): ',
      h('a', { href: url, rel: 'noopener noreferrer nofollow', referrerpolicy: 'no-referrer', target: '_blank' }, url));
  }

  function drawMap(el, reports) {
    if (!window.L) {
      el.textContent = 'De kaart kan niet laden (Leaflet ontbreekt); de plaatsen staan in de tabel.';
      return;
    }
    map = window.L.map(el, { zoomControl: true });
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', 'Kaart: de meldingen (blauw) en het midden van het incident (rood)');
    const points = [];
    reports.forEach((r, i) => {
      if (!r.location) return;
      const p = [r.location.latitude, r.location.longitude];
      points.push(p);
      window.L.circleMarker(p, { radius: 7, color: '#0b4f8a', weight: 2, fillOpacity: 0.6, className: 'report-point' })
        .bindTooltip(`Melding ${i + 1}`).addTo(map);
    });
    if (incident.centroid) {
      const c = [incident.centroid.latitude, incident.centroid.longitude];
      points.push(c);
      window.L.circleMarker(c, { radius: 10, color: '#a01818', weight: 3, fillOpacity: 0.2, className: 'incident-centre' })
        .bindTooltip('Midden van het incident').addTo(map);
    }
    if (points.length) map.fitBounds(window.L.latLngBounds(points).pad(0.5), { maxZoom: 17 });
    else map.setView([52.487, 4.657], 14);
  }

  function history(reports) {
    const items = [];
    items.push([incident.createTime, 'Incident geopend']);
    reports.forEach((r, i) => items.push([r.createTime, `Melding ${i + 1} ontvangen (gezien ${when(r.observedTime)})`]));
    const seen = new Set();
    for (const e of liveChanges) {
      if (seen.has(e.incident.version)) continue;  // a version is one change
      seen.add(e.incident.version);
      items.push([e.received, `${REASON[e.reason] || e.reason}: status ${STATUS[e.incident.status] || e.incident.status}, versie ${e.incident.version}${e.detail ? ` — ${e.detail}` : ''}`]);
    }
    items.push([incident.updateTime, `Laatst gewijzigd (versie ${incident.version}, ${STATUS[incident.status] || incident.status})`]);
    items.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    return h('ol', { class: 'timeline', id: 'history' }, items.map(([t, text]) => h('li', {}, `${when(t)} — ${text}`)));
  }

  // The incident's audit entries: DispatchService.GetIncidentHistory (dispatchers and
  // administrators, paged by the server) when this server has it; otherwise the whole audit
  // log filtered here, which only administrators may read.
  async function auditEntries() {
    const history = await api.operation('DispatchService_GetIncidentHistory');
    const log = history ? null : await api.operation('DispatchService_GetAuditLog');
    if (!history && !log) return null;
    const url = history ? history.path.replace(/\{[^}]+\}/, id) : '/v1/auditLog';
    const entries = [];
    let token = '';
    for (let page = 0; page < MAX_AUDIT_PAGES; page += 1) {
      const r = await api.call('GET', `${url}${api.query({ pageSize: 1000, pageToken: token })}`);
      for (const e of r.entries || []) {
        if (history || e.target === name || String(e.detail || '').includes(name)) entries.push(e);
      }
      token = r.nextPageToken || '';
      if (!token) break;
    }
    return entries;
  }

  async function auditTrail(section) {
    const entries = await auditEntries();
    if (!entries) {
      fill(section, h('h2', {}, 'Audittrail'),
        h('p', {}, 'Het auditlog is voor beheerders; vraag een beheerder om de audittrail van dit incident.'));
      return;
    }
    fill(section, h('h2', {}, 'Audittrail'),
      h('table', { id: 'audit' }, h('caption', {}, `Auditregels over dit incident (${entries.length})`),
        h('thead', {}, h('tr', {}, ['Nr.', 'Tijd', 'Door', 'Handeling', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, entries.map((e) => h('tr', {},
          h('td', {}, String(e.sequence)), h('td', {}, when(e.time)), h('td', {}, e.actor),
          h('td', {}, e.action), h('td', {}, e.detail || ''))))));
  }

  async function askControl(others) {
    // Feature-detected (issue 18, desk workflow): DispatchService.AskReporter, when this
    // server's API has it and the session's role may call it. Its question field is read from
    // the request schema; without a recognisable one the control is left out.
    const op = await api.operation('DispatchService_AskReporter');
    if (!op) return null;
    const body = await api.requestSchema(op);
    const props = Object.keys((body || {}).properties || {});
    const text = ['question', 'message', 'text'].find((p) => props.includes(p));
    if (!text) return null;
    const question = h('textarea', { id: uid('ask'), rows: 3, maxlength: 1000, required: true });
    const form = h('form', { id: 'ask-form' }, h('fieldset', {}, h('legend', {}, 'Vraag aan de melder'),
      field('Vraag', question), h('button', { type: 'submit' }, 'Vraag stellen')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const payload = { [text]: question.value };
      if (props.includes('version')) payload.version = incident.version;
      // The document writes the route's `{name=incidents/*}` as `incidents/{name}`.
      const url = op.path.replace(/\{[^}]+\}/, id);
      if (await act('Vraag aan de melder', op.method, url, payload)) question.value = '';
    });
    others.push(form);
    return form;
  }

  function actions(c) {
    const forms = [];
    const claim = h('button', { type: 'button', id: 'claim',
      onclick: () => act('Claimen', 'POST', path(incident, 'claim'), { version: incident.version }) }, 'Claimen');
    forms.push(h('div', { class: 'field' }, claim));

    const dept = h('select', { id: uid('dept'), required: true },
      c.departments.map((d) => h('option', { value: d.name, selected: d.name === departmentOf(incident) }, d.displayName)));
    const assign = h('form', { id: 'assign-form' }, h('fieldset', {}, h('legend', {}, 'Toewijzen'),
      field('Afdeling', dept), h('button', { type: 'submit' }, 'Toewijzen')));
    assign.addEventListener('submit', (e) => {
      e.preventDefault();
      act('Toewijzen', 'POST', path(incident, 'assign'), { version: incident.version, department: dept.value });
    });
    forms.push(assign);

    const target = h('select', { id: uid('target') },
      Object.entries(STATUS).filter(([s]) => s !== incident.status && s !== 'INCIDENT_NEW')
        .map(([s, label]) => h('option', { value: s }, label)));
    const comment = h('textarea', { id: uid('comment'), rows: 2, maxlength: 2000 });
    const transition = h('form', { id: 'transition-form' }, h('fieldset', {}, h('legend', {}, 'Status wijzigen'),
      field('Nieuwe status', target), field('Toelichting (nodig bij afwijzen en heropenen)', comment),
      h('button', { type: 'submit' }, 'Status wijzigen')));
    transition.addEventListener('submit', (e) => {
      e.preventDefault();
      act('Status wijzigen', 'POST', path(incident, 'transition'),
        { version: incident.version, targetStatus: target.value, comment: comment.value });
    });
    forms.push(transition);

    const candidates = [...desk.incidents.values()]
      .filter((i) => i.name !== name && !['INCIDENT_CLOSED', 'INCIDENT_REJECTED'].includes(i.status));
    const other = h('select', { id: uid('merge') },
      candidates.map((i) => h('option', { value: i.name },
          `${c.categoryName.get(i.category) || i.category} (${idOf(i.name).slice(0, 8)}), ${c.areaName.get((i.area || {}).buurtCode) || ''}, ${when(i.createTime)}`)));
    const merge = h('form', { id: 'merge-form' }, h('fieldset', {}, h('legend', {}, 'Samenvoegen'),
      candidates.length
        ? [field('Incident om in dit incident op te nemen', other), h('button', { type: 'submit' }, 'Samenvoegen')]
        : h('p', {}, 'Geen ander open incident in de wachtrij om op te nemen.')));
    merge.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!other.value) return;
      act('Samenvoegen', 'POST', path(incident, 'merge'), { version: incident.version, merged: [other.value] });
    });
    forms.push(merge);

    const theme = h('select', { id: uid('theme') },
      Object.entries(THEME).map(([t, label]) => h('option', { value: t, selected: t === incident.theme }, label)));
    const category = h('select', { id: uid('category') },
      c.categories.map((k) => h('option', { value: k.code, selected: k.code === incident.category }, k.displayName)));
    const reclassify = h('form', { id: 'reclassify-form' }, h('fieldset', {}, h('legend', {}, 'Herclassificeren'),
      h('div', { class: 'row' }, field('Thema', theme), field('Categorie', category)),
      h('button', { type: 'submit' }, 'Herclassificeren')));
    reclassify.addEventListener('submit', (e) => {
      e.preventDefault();
      act('Herclassificeren', 'POST', path(incident, 'reclassify'),
        { version: incident.version, theme: theme.value, category: category.value });
    });
    forms.push(reclassify);

    const message = h('textarea', { id: uid('feedback'), rows: 3, maxlength: 2000 });
    const feedback = h('form', { id: 'feedback-form' }, h('fieldset', {}, h('legend', {}, 'Terugkoppeling aan de melders'),
      field('Bericht', message), h('button', { type: 'submit' }, 'Versturen')));
    feedback.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      done.textContent = '';
      try {
        const r = await api.call('POST', path(incident, 'sendFeedback'), { message: message.value });
        done.textContent = `Terugkoppeling verstuurd aan ${r.recipients || 0} melder(s).`;
        announce(done.textContent);
        message.value = '';
      } catch (err) {
        error.textContent = `Terugkoppeling — ${api.describe(err)}`;
      }
    });
    forms.push(feedback);
    return forms;
  }

  async function render(current, first) {
    incident = current;
    const c = await catalogues();
    const reports = await Promise.all((incident.reports || []).slice(0, 100).map((r) =>
      api.call('GET', `/v1/${r}`).catch(() => ({ name: r }))));
    if (abort.signal.aborted) return;
    if (map) {
      map.remove();
      map = null;
    }
    const forms = actions(c);
    await askControl(forms);
    const mapEl = h('div', { id: 'incident-map' });
    const audit = h('section', { 'aria-label': 'Audittrail', id: 'audit-section' }, h('h2', {}, 'Audittrail'), h('p', {}, 'Laden…'));
    const stale = h('div', { id: 'stale', role: 'status' });
    fill(main,
      h('p', {}, h('a', { href: '#/queue' }, '← Terug naar de wachtrij')),
      h('h1', { 'data-version': incident.version, 'data-status': incident.status },
        `${c.categoryName.get(incident.category) || incident.category || 'Incident'} (${id.slice(0, 8)})`),
      stale, error, done,
      h('div', { class: 'grid' },
        h('div', {},
          h('section', { 'aria-label': 'Gegevens' }, h('h2', {}, 'Gegevens'), facts(c)),
          h('section', { 'aria-label': 'Meldingen' }, h('h2', {}, 'Meldingen'), reportsTable(reports)),
          h('section', { 'aria-label': 'Kaart' }, h('h2', {}, 'Kaart'), mapEl,
            h('p', { class: 'state' }, 'Blauw: de meldingen; rood: het midden van het incident.')),
          h('section', { 'aria-label': 'Verloop' }, h('h2', {}, 'Verloop'), history(reports)),
          audit),
        h('section', { class: 'actions', 'aria-label': 'Acties' }, h('h2', {}, 'Acties'), forms)));
    drawMap(mapEl, reports);
    if (first) focusHeading(main);
    auditTrail(audit).catch((e) => fill(audit, h('h2', {}, 'Audittrail'), h('p', { class: 'error' }, api.describe(e))));
  }

  (async () => {
    try {
      const current = await api.call('GET', `/v1/${name}`);
      remember(current);
      await render(current, true);
    } catch (e) {
      fill(main, h('p', {}, h('a', { href: '#/queue' }, '← Terug naar de wachtrij')),
        h('h1', {}, `Incident ${id.slice(0, 8)}`), h('p', { class: 'error', role: 'alert' }, api.describe(e)));
      focusHeading(main);
    }
  })();

  const listener = ({ event, news }) => {
    if (!event || event.incident.name !== name || !incident || abort.signal.aborted) return;
    liveChanges.push({ ...event, received: new Date().toISOString() });
    if (news && Number(event.incident.version) > Number(incident.version)) {
      const stale = document.getElementById('stale');
      if (stale) {
        fill(stale, h('p', { class: 'error' },
          `Dit incident is intussen gewijzigd (${REASON[event.reason] || event.reason}: versie ${event.incident.version}, `,
          `${STATUS[event.incident.status] || event.incident.status}`,
          event.incident.claimedBy ? `, geclaimd door ${event.incident.claimedBy}` : '', '). ',
          h('button', { type: 'button', class: 'secondary', onclick: () => render(desk.incidents.get(name), false) },
            'Nieuwe versie tonen')));
      }
    }
  };
  desk.listeners.add(listener);
  return () => {
    abort.abort();
    desk.listeners.delete(listener);
    if (map) map.remove();
  };
}
