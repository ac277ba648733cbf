// The desk console's shell: login, the routes (#/queue, #/incidents/{id}, #/deadLetters for
// administrators when the server has OperationsService.ListDeadLetters), the one live
// WatchQueue stream every page listens to, and the catalogues the pages share (categories,
// departments, areas). See api.js for the session and the server connection.
import * as api from './api.js';
import { h, fill, field, uid, announce } from './dom.js';
import { renderQueue } from './queue.js';
import { renderIncident } from './incident.js';
import { renderDeadLetters } from './deadletters.js';

// What every page shares while logged in.
export const desk = {
  // Latest known state of each incident seen (ListIncidents or the queue stream), by name.
  incidents: new Map(),
  // Queue events received on this page load, newest first (at most 200).
  events: [],
  // Reasons that stay with an incident (OVERDUE, REOPEN_REQUESTED), by name.
  flags: new Map(),
  // 'connecting' | 'live' | 'reconnecting' | 'ended'
  streamState: 'connecting',
  listeners: new Set(),
  abort: null,
  catalogues: null,
};

// Records an incident state unless an equal or newer version is known; true when it is news.
export function remember(incident) {
  const known = desk.incidents.get(incident.name);
  if (known && Number(known.version) >= Number(incident.version)) return false;
  desk.incidents.set(incident.name, incident);
  return true;
}

// Follows WatchQueue from the queue's position now (ListIncidentsResponse.watch_cursor), so
// the log is not replayed from its start; a server without it is followed from the start.
async function startStream() {
  desk.abort = new AbortController();
  const { signal } = desk.abort;
  let from = '';
  try {
    from = (await api.call('GET', '/v1/incidents?pageSize=1')).watchCursor || '';
  } catch {
    // The stream reports its own refusal.
  }
  if (signal.aborted) return;
  api.stream('/v1/incidents:watch', {
    signal,
    resumeId: from,
    onState: (state, detail) => {
      desk.streamState = state;
      for (const l of desk.listeners) l({ state, detail });
    },
    onMessage: (event) => {
      if (!event.incident) return;
      const news = remember(event.incident);
      if (event.reason === 'OVERDUE' || event.reason === 'REOPEN_REQUESTED') {
        if (!desk.flags.has(event.incident.name)) desk.flags.set(event.incident.name, new Set());
        desk.flags.get(event.incident.name).add(event.reason);
      }
      desk.events.unshift({ ...event, news, received: new Date().toISOString() });
      desk.events.length = Math.min(desk.events.length, 200);
      for (const l of desk.listeners) l({ event, news });
    },
  });
}

function stopStream() {
  if (desk.abort) desk.abort.abort();
  desk.abort = null;
  desk.incidents.clear();
  desk.events = [];
  desk.flags.clear();
  desk.catalogues = null;
}

// Categories, departments and the gemeente's wijken and buurten, read once per login.
export async function catalogues() {
  if (desk.catalogues) return desk.catalogues;
  const config = await fetch('/api/config').then((r) => r.json()).catch(() => ({}));
  const gemeente = String(config.gemeente_code || '');
  const ofGemeente = (code) => !gemeente || code.slice(2, 6) === gemeente.slice(2, 6);
  const [categories, departments, wijken, buurten] = await Promise.all([
    api.call('GET', '/v1/categories?pageSize=1000'),
    api.call('GET', '/v1/departments'),
    api.call('GET', '/v1/areas?level=WIJK&pageSize=1000'),
    api.call('GET', '/v1/areas?level=BUURT&pageSize=1000'),
  ]);
  const areas = [...(wijken.areas || []), ...(buurten.areas || [])].filter((a) => ofGemeente(a.code));
  desk.catalogues = {
    categories: categories.categories || [],
    categoryName: new Map((categories.categories || []).map((c) => [c.code, c.displayName])),
    departments: departments.departments || [],
    departmentName: new Map((departments.departments || []).map((d) => [d.name, d.displayName])),
    areas,
    areaName: new Map(areas.map((a) => [a.code, a.displayName])),
  };
  return desk.catalogues;
}

let cleanup = () => {};

function setTitle(text) {
  document.title = `${text} — Meldkamer wijkwacht Beverwijk`;
}

// Focuses the page's heading after a route change (screen readers hear where they are).
export function focusHeading(main) {
  const h1 = main.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus();
  }
}

function renderLogin(main) {
  setTitle('Aanmelden');
  const user = h('input', { id: uid('user'), name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: uid('pass'), name: 'password', type: 'password',
                            autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert', id: 'login-error' });
  const button = h('button', { type: 'submit' }, 'Aanmelden');
  const form = h('form', { class: 'login', novalidate: true, 'aria-describedby': 'login-error' },
    field('Gebruikersnaam', user), field('Wachtwoord', pass), error, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    button.disabled = true;
    try {
      await api.login(user.value.trim(), pass.value);
      pass.value = '';
      if (!location.hash || location.hash === '#/login') location.hash = '#/queue';
      else route();
    } catch (err) {
      error.textContent = api.describe(err);
      pass.focus();
    } finally {
      button.disabled = false;
    }
  });
  fill(main, h('h1', {}, 'Aanmelden bij de meldkamer'), form);
  user.focus();
  return () => {};
}

function route() {
  cleanup();
  cleanup = () => {};
  const main = document.getElementById('main');
  const s = api.session();
  const nav = document.getElementById('nav');
  if (!s) {
    nav.hidden = true;
    stopStream();
    cleanup = renderLogin(main);
    return;
  }
  nav.hidden = false;
  document.getElementById('who').textContent = `Aangemeld als ${s.username}`;
  // The dead letters' menu item: for a role the server lets list them (administrators).
  api.operation('OperationsService_ListDeadLetters')
    .then((op) => { document.getElementById('nav-dead-item').hidden = !op; })
    .catch(() => { document.getElementById('nav-dead-item').hidden = true; });
  if (!desk.abort) startStream();
  const hash = location.hash || '#/queue';
  const incident = hash.match(/^#\/incidents\/([a-z0-9-]+)$/);
  if (incident) {
    setTitle(`Incident ${incident[1]}`);
    cleanup = renderIncident(main, incident[1]);
  } else if (hash === '#/deadLetters') {
    setTitle('Niet afgeleverde meldingen');
    cleanup = renderDeadLetters(main);
  } else {
    setTitle('Wachtrij');
    cleanup = renderQueue(main);
  }
}

// The skip link focuses the content without touching the route (the hash holds the route).
document.querySelector('.skip').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
document.getElementById('logout').addEventListener('click', () => {
  api.logout();
  stopStream();
  announce('Afgemeld.');
  location.hash = '#/login';
  route();
});
api.setOnSessionEnd(() => {
  stopStream();
  route();
});
window.addEventListener('hashchange', route);
route();
