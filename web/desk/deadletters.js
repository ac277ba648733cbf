// Dead letters (#/deadLetters, administrators): the notifications the webhook gave up on
// (OperationsService.ListDeadLetters, 100 a page, oldest change first) — what each is about,
// never the device or the text — each to be sent again, or all at once (ResendDeadLetters:
// the same idempotency key, so a receiver that took an earlier attempt ignores the repeat).
// A refusal is shown in the server's words.
import * as api from './api.js';
import { h, fill, announce, when, idOf } from './dom.js';
import { focusHeading } from './app.js';

const KIND = {
  status_changed: 'Statuswijziging', feedback: 'Terugkoppeling', question: 'Vraag', alert: 'Alert',
};
const PAGE = 100;

export function renderDeadLetters(main) {
  const abort = new AbortController();
  const error = h('p', { class: 'error', role: 'alert', id: 'dead-error' });
  const result = h('p', { class: 'state', id: 'dead-result', role: 'status' });
  const count = h('p', { class: 'state', id: 'dead-count' });
  const tbody = h('tbody', { id: 'dead-rows' });
  const table = h('table', { id: 'dead-letters' },
    h('caption', {}, 'Meldingen die niet konden worden afgeleverd, oudste eerst'),
    h('thead', {}, h('tr', {},
      ['Soort', 'Over', 'Wijziging', 'Opgegeven', 'Mislukte pogingen', 'Sleutel', 'Actie']
        .map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
  const all = h('button', { type: 'button', id: 'resend-all' }, 'Alles opnieuw versturen');
  const more = h('button', { type: 'button', id: 'dead-more', class: 'secondary', hidden: true },
    `Volgende ${PAGE} laden`);
  fill(main, h('h1', {}, 'Niet afgeleverde meldingen'),
    h('p', {}, 'Deze berichten aan de app (via de webhook) zijn na de maximale wachttijd opgegeven. ',
      'Opnieuw versturen zet ze terug in de wachtrij van de webhook; elke keer wordt vastgelegd in het auditlog.'),
    error, result, count, h('p', {}, all), table, more);
  focusHeading(main);
  let next = '';
  let total = 0;
  const shown = [];

  function about(d) {
    return [d.incident, d.report, d.question, d.alert].filter(Boolean).join(', ') || '—';
  }

  function row(d) {
    const id = idOf(d.name);
    const button = h('button', { type: 'button', class: 'secondary', 'data-name': d.name,
                                 'aria-label': `Melding ${id} opnieuw versturen` }, 'Opnieuw versturen');
    button.addEventListener('click', () => resend({ names: [d.name] }, `Melding ${id}`));
    return h('tr', { 'data-dead-letter': d.name },
      h('td', {}, KIND[d.kind] || d.kind, d.status ? ` (${d.status})` : '', d.forDevice ? ', aan een app' : ''),
      h('td', {}, about(d)),
      h('td', {}, when(d.changeTime)),
      h('td', {}, when(d.giveUpTime)),
      h('td', {}, String(d.failedAttempts || 0)),
      h('td', {}, h('code', {}, d.idempotencyKey || '')),
      h('td', {}, button));
  }

  function render() {
    fill(tbody, shown.length ? shown.map(row)
      : h('tr', {}, h('td', { colspan: 7 }, 'Er zijn geen niet afgeleverde meldingen.')));
    count.textContent = `${total} niet afgeleverd${next ? `, ${shown.length} getoond` : ''}`;
    all.disabled = total === 0;
    more.hidden = !next;
  }

  async function load(reset) {
    try {
      if (reset) {
        shown.length = 0;
        next = '';
      }
      const r = await api.call('GET', `/v1/deadLetters${api.query({ pageSize: PAGE, pageToken: next })}`);
      if (abort.signal.aborted) return;
      shown.push(...(r.deadLetters || []));
      next = r.nextPageToken || '';
      total = Number(r.total || 0);
      render();
    } catch (e) {
      error.textContent = api.describe(e);
    }
  }

  async function resend(body, label) {
    error.textContent = '';
    result.textContent = '';
    try {
      const r = await api.call('POST', '/v1/deadLetters:resend', body);
      if (abort.signal.aborted) return;
      const n = (r.names || []).length;
      result.textContent = `${label}: ${n} opnieuw verstuurd; nog ${Number(r.remaining || 0)} niet afgeleverd.`;
      announce(result.textContent);
      await load(true);
    } catch (e) {
      error.textContent = `${label} — ${api.describe(e)}`;
    }
  }

  all.addEventListener('click', () => resend({ all: true }, 'Alles'));
  more.addEventListener('click', () => load(false));
  load(true);
  return () => abort.abort();
}
