// Drives the desk console (/desk/) in headless Chromium (Debian's /usr/bin/chromium) with
// playwright-core, against a real wijkwachtd started by web/desk_console_test.cc:
//
//   log in -> the queue is live (200 incidents a page; the oldest is loaded with the next page)
//   -> a device submits a report over the JSON API -> it appears in the queue without a reload
//   -> the search box finds it by a word of its description (only when ListIncidents has
//   `text`; absent otherwise) -> open it (reports, map) -> two dispatchers click Claim at once:
//   one wins, the other sees the server's refusal in words -> merge the older incident into it
//   -> ask the reporter (only when /v1/openapi.json has DispatchService.AskReporter; the control
//   must be absent otherwise) -> send feedback -> resolve -> a bulk action on the resolved
//   incident and a new one (one moved, one refused in words) -> log out -> an administrator
//   sees the incident's audit trail (a dispatcher sees it too, from GetIncidentHistory) -> the
//   administrator opens the undelivered notifications (when /v1/openapi.json has
//   OperationsService.ListDeadLetters).
//
// axe-core runs on every page visited (WCAG 2.1 A/AA and best practice): any violation fails.
// Any Content-Security-Policy violation, page error, token in a URL or in localStorage fails.
// Screenshots and each page's axe results go to OUT_DIR. Prints, for the test:
//   LIVE_SEEN incidents/...     the new report's incident appeared in the queue
//   RACE <winner> <refusal>     the claim race
//   SEARCH <rows> | SEARCH absent
//   DEAD <count line> | DEAD absent       the administrator's undelivered notifications
//   BULK incidents/...          the new incident a bulk action moved to TRIAGED
//   ASK ran | ASK absent
//   AXE <page> <violations> <passes>
//   DONE incidents/...
//
//   WIJKWACHT_NODE_MODULES=... DESK_USER1=.. DESK_USER2=.. DESK_ADMIN=.. DESK_PASSWORD=..
//   DESK_ADMIN_PASSWORD=.. node desk_console_e2e.cjs BASE_URL OLDER_INCIDENT OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { T, check, launchChromium, runAxe, deskLogin, runMain } = require('./e2e_support.cjs');

const [base, olderIncident, outDir] = process.argv.slice(2);
const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};

// Watches one page for what must never happen (page errors, CSP violations) and records the
// URLs it requests.
function guard(page, label, problems) {
  page.on('pageerror', (e) => problems.push(`${label}: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) {
      problems.push(`${label}: ${m.text()}`);
    }
  });
  page.on('request', (r) => urls.push(r.url()));
}

// Every URL the browsers requested (checked against the session's tokens).
const urls = [];

// Fails when a token of `page`'s session appears in any URL requested so far.
async function checkNoTokenInUrls(page, label) {
  const tokens = await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('wijkwacht.desk.session') || '{}');
    return [s.accessToken, s.refreshToken].filter(Boolean);
  });
  check(tokens.length > 0, `${label}: no session to check`);
  for (const url of urls) {
    for (const t of tokens) check(!url.includes(t), `${label}: token in URL ${url}`);
  }
}

async function axe(page, name) {
  const results = await runAxe(page, name, outDir);
  if (results.violations.length) {
    const text = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    throw new Error(`axe-core on ${name}:\n  ${text.join('\n  ')}`);
  }
}

async function login(page, user, password) {
  await deskLogin(page, base, user, password);
  await page.waitForSelector('#queue-count', T);
}

async function openIncident(page, name) {
  await page.goto(`${base}/desk/#/incidents/${name.replace('incidents/', '')}`);
  await page.waitForSelector('#claim', T);
}

// The version the incident page shows.
async function version(page) {
  return Number(await page.locator('h1[data-version]').getAttribute('data-version'));
}

// Submits the form `formId` and waits for the page's answer (the action's outcome line or
// its refusal): true on success, false when refused (the refusal's text in `out.error`).
async function submit(page, formId, out = {}) {
  await page.locator(`#${formId} button[type="submit"]`).click();
  await page.waitForFunction(() => document.getElementById('action-result').textContent.trim() ||
    document.getElementById('incident-error').textContent.trim(), null, T);
  out.error = (await page.locator('#incident-error').textContent()).trim();
  return !out.error;
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const problems = [];
  const pages = [];
  const browser = await launchChromium();
  try {
    const viewport = { width: 1400, height: 1000 };
    const a = await (await browser.newContext({ viewport })).newPage();
    const b = await (await browser.newContext({ viewport })).newPage();
    pages.push(a, b);
    guard(a, 'desk 1', problems);
    guard(b, 'desk 2', problems);

    // Log in.
    await a.goto(`${base}/desk/`);
    await a.waitForSelector('form.login', T);
    check(!(await a.locator('#nav').isVisible()), 'the menu shows before login');
    await axe(a, 'login');
    await a.screenshot({ path: path.join(outDir, 'login.png') });
    // A wrong login is refused in words (an unknown name: the server's brake on guessing is
    // per username and must not slow down the real one).
    await a.getByLabel('Gebruikersnaam').fill('onbekende.gebruiker');
    await a.getByLabel('Wachtwoord').fill('not the password at all');
    await a.keyboard.press('Enter');
    await a.waitForFunction(() => document.getElementById('login-error').textContent.includes('Geweigerd'), null, T);
    await a.getByLabel('Gebruikersnaam').fill(env('DESK_USER1'));
    await a.getByLabel('Wachtwoord').fill(env('DESK_PASSWORD'));
    await a.keyboard.press('Enter');
    await a.waitForSelector('#stream-state[data-state="live"]', T);
    // 200 newer incidents fill the first page; the older one comes with the next page.
    await a.waitForSelector('#queue-more:not([hidden])', T);
    check(await a.locator('#queue-rows tr').count() === 200, 'the first page is not 200 incidents');
    check(await a.locator(`#queue-rows tr[data-incident="${olderIncident}"]`).count() === 0,
      'the oldest incident is on the first page');
    await a.locator('#queue-more').focus();
    await a.keyboard.press('Enter');
    await a.waitForSelector(`#queue-rows tr[data-incident="${olderIncident}"]`, T);
    check(await a.locator('#queue-rows tr').count() === 201, 'the second page did not add the last incident');
    check(await a.locator('#queue-more').isHidden(), 'more to load after the last page');
    console.log('PAGED 201');
    await axe(a, 'queue');
    await a.evaluate(() => { window.wijkwachtSameDocument = true; });

    // A device reports over the JSON API; the queue shows it live.
    const device = await (await fetch(`${base}/v1/devices`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).json();
    const token = device.access.accessToken;
    const report = {
      id: crypto.randomUUID(), location: { latitude: 52.4795, longitude: 4.6470 }, accuracyMeters: 10,
      category: 'winkeldiefstal', observedTime: new Date(Date.now() - 120000).toISOString(),
      description: 'Twee jongens stelen blikjes energiedrank bij de supermarkt aan de Plesmanweg',
    };
    const submitted = await fetch(`${base}/v1/reports`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(report),
    });
    const stored = await submitted.json();
    check(submitted.ok, `SubmitReport: ${JSON.stringify(stored)}`);
    const incident = stored.incidentId;
    check(incident && incident !== olderIncident, `the report joined ${incident}`);
    await a.waitForSelector(`#queue-rows tr[data-incident="${incident}"]`, T);
    check(await a.evaluate(() => window.wijkwachtSameDocument === true), 'the queue was reloaded');
    await a.waitForFunction((name) => [...document.querySelectorAll('#queue-events a')]
      .some((l) => l.getAttribute('href').endsWith(name.replace('incidents/', ''))), incident, T);
    console.log(`LIVE_SEEN ${incident}`);
    await a.screenshot({ path: path.join(outDir, 'queue.png'), fullPage: true });

    // Search the queue by a word of the description, accents and case aside, when the server
    // searches (ListIncidentsRequest.text); then back to the whole queue.
    const openapi = await (await fetch(`${base}/v1/openapi.json`)).json();
    const listOp = Object.values(openapi.paths['/v1/incidents'] || {}).find((o) => o.operationId === 'DispatchService_ListIncidents');
    if (listOp && (listOp.parameters || []).some((p) => p.name === 'text')) {
      const box = a.getByLabel('Zoeken in titel en meldingen');
      await box.fill('ENERGIEDRÄNK plesmanweg');
      await box.press('Enter');
      await a.waitForFunction(() => document.querySelectorAll('#queue-rows tr[data-incident]').length === 1, null, T);
      check(await a.locator(`#queue-rows tr[data-incident="${incident}"]`).count() === 1, 'the search did not find the new report');
      await axe(a, 'queue-search');
      await a.screenshot({ path: path.join(outDir, 'queue-search.png'), fullPage: true });
      console.log(`SEARCH ${await a.locator('#queue-rows tr[data-incident]').count()}`);
      await box.fill('');
      await box.press('Enter');
      await a.waitForFunction(() => document.querySelectorAll('#queue-rows tr[data-incident]').length >= 200, null, T);
    } else {
      check(await a.locator('input[name="text"]:visible').count() === 0, 'a search box without the filter');
      console.log('SEARCH absent');
    }

    // Open it from the queue, by keyboard.
    await a.locator(`#queue-rows tr[data-incident="${incident}"] a`).focus();
    await a.keyboard.press('Enter');
    await a.waitForSelector('#claim', T);
    await a.waitForSelector('#reports tbody tr', T);
    check((await a.locator('#reports .description').first().textContent()).includes('energiedrank'),
      'the report text is not shown');
    check(await a.locator('path.report-point').count() === 1, 'the report point is not on the map');
    check(await a.locator('path.incident-centre').count() === 1, 'the incident centre is not on the map');

    // Two dispatchers claim at once.
    await login(b, env('DESK_USER2'), env('DESK_PASSWORD'));
    await openIncident(b, incident);
    const before = await version(a);
    check(before === await version(b), 'both desks should show the same version');
    await Promise.all([a.locator('#claim').click(), b.locator('#claim').click()]);
    const outcome = async (page) => {
      await page.waitForFunction((before) => {
        const h1 = document.querySelector('h1[data-version]');
        const error = document.getElementById('incident-error');
        return (h1 && Number(h1.dataset.version) > before) || (error && error.textContent.trim());
      }, before, T);
      return (await page.locator('#incident-error').textContent()).trim();
    };
    const [errorA, errorB] = await Promise.all([outcome(a), outcome(b)]);
    check(Boolean(errorA) !== Boolean(errorB), `exactly one claim must win: "${errorA}" / "${errorB}"`);
    const loser = errorA ? a : b;
    const refusal = errorA || errorB;
    check(/^Claimen — Geweigerd \(.+\): incidents\/\S+ (has changed|is already claimed)/.test(refusal),
      `the refusal is not in the server's words: ${refusal}`);
    console.log(`RACE ${errorA ? 'desk2' : 'desk1'} ${refusal}`);
    await loser.screenshot({ path: path.join(outDir, 'claim-refused.png'), fullPage: true });
    await axe(loser, 'incident-claim-refused');
    if (loser === a) {  // the page offers the newer version the stream brought
      await a.locator('#stale button').click();
      await a.waitForFunction((before) => Number(document.querySelector('h1[data-version]').dataset.version) > before, before, T);
    }

    // Merge the older incident into this one.
    await a.locator('#merge-form select').selectOption(olderIncident);
    const merged = {};
    check(await submit(a, 'merge-form', merged), `merge refused: ${merged.error}`);
    await a.waitForFunction(() => document.querySelectorAll('#reports tbody tr').length === 2, null, T);
    check(await a.locator('path.report-point').count() === 2, 'the merged report is not on the map');

    // Ask the reporter, when this server has the RPC.
    const doc = await (await fetch(`${base}/v1/openapi.json`)).json();
    const hasAsk = JSON.stringify(doc).includes('"DispatchService_AskReporter"');
    if (hasAsk) {
      await a.locator('#ask-form textarea').fill('Weet u hoe laat dit ongeveer was, en welke kant zij op liepen?');
      const out = {};
      check(await submit(a, 'ask-form', out), `ask refused: ${out.error}`);
      console.log('ASK ran');
    } else {
      check(await a.locator('#ask-form').count() === 0, 'an ask control without the RPC');
      console.log('ASK absent');
    }

    // Feedback to the reporters, then resolve.
    await a.locator('#feedback-form textarea').fill('Dank voor uw melding; handhaving gaat erop af.');
    await a.locator('#feedback-form button[type="submit"]').click();
    await a.waitForFunction(() => /verstuurd aan [1-9]/.test(document.getElementById('action-result').textContent), null, T);
    for (const target of ['INCIDENT_TRIAGED', 'INCIDENT_IN_PROGRESS', 'INCIDENT_RESOLVED']) {
      await a.locator('#transition-form select').selectOption(target);
      const out = {};
      check(await submit(a, 'transition-form', out), `transition to ${target} refused: ${out.error}`);
      await a.waitForSelector(`h1[data-status="${target}"]`, T);
    }
    // A refused transition is shown in words too (the server names what is allowed).
    await a.locator('#transition-form select').selectOption('INCIDENT_DISPATCHED');
    const refused = {};
    check(!(await submit(a, 'transition-form', refused)), 'RESOLVED -> DISPATCHED was accepted');
    check(refused.error.includes('allowed: '), `the refusal does not name the allowed: ${refused.error}`);
    // The dispatcher reads the incident's audit trail (GetIncidentHistory) with what was done.
    await a.waitForFunction(() => [...document.querySelectorAll('#audit tbody tr td:nth-child(4)')]
      .some((td) => td.textContent === 'TransitionIncident'), null, T);
    const trail = await a.locator('#audit tbody tr td:nth-child(4)').allTextContents();
    for (const want of ['ClaimIncident', 'MergeIncidents', 'SendFeedback', 'TransitionIncident',
      ...(hasAsk ? ['AskReporter'] : [])]) {
      check(trail.includes(want), `the dispatcher's audit trail lacks ${want}: ${trail}`);
    }
    console.log(`HISTORY ${trail.length} entries`);
    await axe(a, 'incident');
    await a.screenshot({ path: path.join(outDir, 'incident.png'), fullPage: true });

    // Bulk: the resolved incident and a new one ticked in the queue, both to TRIAGED: one call
    // each, the new one moved, the resolved one refused in the server's words.
    await a.locator('#nav-queue').focus();
    await a.keyboard.press('Enter');
    await a.waitForSelector(`#queue-rows tr[data-incident="${incident}"]`, T);
    const fresh = await a.locator('#queue-rows tr[data-status="INCIDENT_NEW"]').first().getAttribute('data-incident');
    check(fresh && fresh !== incident, 'no new incident to move in bulk');
    await a.locator(`#queue-rows tr[data-incident="${incident}"] input.select`).check();
    await a.locator(`#queue-rows tr[data-incident="${fresh}"] input.select`).check();
    await a.locator('select[name="bulk-action"]').selectOption('transition');
    await a.locator('select[name="bulk-status"]').selectOption('INCIDENT_TRIAGED');
    await a.locator('#bulk-run').click();
    await a.waitForFunction(() => document.querySelectorAll('#bulk-results li[data-outcome]').length === 2, null, T);
    const moved = await a.locator(`#bulk-results li[data-incident="${fresh}"]`).getAttribute('data-outcome');
    const kept = a.locator(`#bulk-results li[data-incident="${incident}"]`);
    check(moved === 'done', `the new incident was not moved: ${await a.locator('#bulk-results').innerText()}`);
    check(await kept.getAttribute('data-outcome') === 'refused', 'the resolved incident was moved back');
    const keptText = (await kept.textContent()).trim();
    check(keptText.includes('Geweigerd') && keptText.includes('allowed: '), `the refusal is not in words: ${keptText}`);
    await a.waitForSelector(`#queue-rows tr[data-incident="${fresh}"][data-status="INCIDENT_TRIAGED"]`, T);
    await axe(a, 'queue-bulk');
    await a.screenshot({ path: path.join(outDir, 'queue-bulk.png'), fullPage: true });
    console.log(`BULK ${fresh}`);

    // The session lives in sessionStorage only, never in a URL; logout ends it.
    await checkNoTokenInUrls(a, 'desk 1');
    await checkNoTokenInUrls(b, 'desk 2');
    check(await a.evaluate(() => localStorage.length === 0), 'something in localStorage');
    check(await a.evaluate(() => sessionStorage.length === 1), 'no session in sessionStorage');
    await a.locator('#logout').click();
    await a.waitForSelector('form.login', T);
    check(await a.evaluate(() => sessionStorage.length === 0), 'logout left the session');
    check(!(await a.locator('#nav').isVisible()), 'the menu shows after logout');

    // An administrator sees the incident's audit trail.
    await login(a, env('DESK_ADMIN'), env('DESK_ADMIN_PASSWORD'));
    await openIncident(a, incident);
    await a.waitForSelector('#audit tbody tr', T);
    const actions = await a.locator('#audit tbody tr td:nth-child(4)').allTextContents();
    for (const want of ['ClaimIncident', 'MergeIncidents', 'TransitionIncident']) {
      check(actions.includes(want), `audit trail without ${want}: ${actions}`);
    }
    await axe(a, 'incident-admin');
    await a.screenshot({ path: path.join(outDir, 'incident-audit.png'), fullPage: true });

    // The administrator's page of undelivered notifications (when the server lists them).
    await a.waitForFunction(() => document.getElementById('nav-dead-item') !== null, null, T);
    const hasDead = JSON.stringify(doc).includes('"OperationsService_ListDeadLetters"');
    if (hasDead) {
      await a.waitForSelector('#nav-dead-item:not([hidden])', T);
      await a.locator('#nav-dead').focus();
      await a.keyboard.press('Enter');
      await a.waitForFunction(() => /niet afgeleverd/.test((document.getElementById('dead-count') || {}).textContent || ''), null, T);
      check(await a.locator('#resend-all').isDisabled(), 'resend all offered with nothing to resend');
      await axe(a, 'dead-letters');
      await a.screenshot({ path: path.join(outDir, 'dead-letters.png'), fullPage: true });
      console.log(`DEAD ${(await a.locator('#dead-count').textContent()).trim()}`);
    } else {
      check(await a.locator('#nav-dead-item').isHidden(), 'a dead-letters menu item without the RPC');
      console.log('DEAD absent');
    }

    check(problems.length === 0, problems.join('\n'));
    console.log(`DONE ${incident}`);
  } catch (e) {
    for (const [label, page] of [['desk 1', pages[0]], ['desk 2', pages[1]]]) {
      if (!page) continue;
      const text = await page.locator('main').innerText().catch(() => '(none)');
      console.error(`--- ${label} at ${page.url()}:\n${text.slice(0, 3000)}`);
      await page.screenshot({ path: path.join(outDir, `failure-${label.replace(' ', '')}.png`), fullPage: true }).catch(() => {});
    }
    throw e;
  } finally {
    await browser.close();
  }
}

runMain(main);
