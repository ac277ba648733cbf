// Small DOM helpers of the desk console. Text always goes in as text (never as HTML), so
// nothing a reporter writes can become markup.

// h('p', {class: 'x', onclick: fn}, 'text', child, ...): an element. Attributes starting with
// "on" become listeners; null/false attributes and children are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Replaces the children of `el`.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// Says `text` to screen readers (the page's polite live region).
export function announce(text) {
  const region = document.getElementById('announce');
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

// A labelled form control: <div class="field"><label for=id>label</label>control</div>.
export function field(label, control) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

let ids = 0;
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

const dateTime = new Intl.DateTimeFormat('nl-NL', {
  dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Amsterdam',
});
// An RFC 3339 time as Dutch local date and time; '' for none.
export function when(rfc3339) {
  if (!rfc3339) return '';
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? rfc3339 : dateTime.format(d);
}

// Words for the API's enum values.
export const STATUS = {
  INCIDENT_NEW: 'Nieuw', INCIDENT_TRIAGED: 'Beoordeeld', INCIDENT_DISPATCHED: 'Uitgezet',
  INCIDENT_IN_PROGRESS: 'In behandeling', INCIDENT_RESOLVED: 'Afgehandeld',
  INCIDENT_REJECTED: 'Afgewezen', INCIDENT_CLOSED: 'Gesloten',
};
export const THEME = {
  LIVEABILITY: 'Leefbaarheid', YOUTH: 'Jeugd', SUBVERSION: 'Ondermijning',
  PHYSICAL_BUSINESS: 'Fysieke veiligheid en bedrijvigheid', OTHER: 'Overig',
};
export const REASON = {
  NEW: 'Nieuw', NEEDS_REVIEW: 'Nieuw, thema nakijken', EARLY_WARNING: 'Vroegsignaal',
  ESCALATED: 'Geëscaleerd', UPDATED: 'Gewijzigd', OVERDUE: 'Over tijd',
  REOPEN_REQUESTED: 'Verzoek om heropenen', REPORTER_ANSWERED: 'Antwoord van de melder',
};

// The department an incident is assigned to ("departments/{id}"; `department` on servers
// with routing, `assignedDepartment` before).
export function departmentOf(incident) {
  return incident.department || incident.assignedDepartment || '';
}

// "incidents/abc" -> "abc".
export function idOf(name) {
  return String(name || '').replace(/^[a-z]+\//, '');
}
