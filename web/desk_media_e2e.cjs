// The desk console's media link (a report's media_url, web/desk/incident.js mediaLink) in
// headless Chromium (Debian's /usr/bin/chromium) with playwright-core, against a real
// wijkwachtd started by web/desk_console_test.cc:
//
//   log in -> open the incident of a report whose stored media_url is an https address with
//   markup in its query -> the report's row shows it as one link: href and text exactly the
//   address (the markup stays text: no element, no script ran), target _blank, rel noopener
//   noreferrer, no referrer -> then the same page with the report's media_url replaced, in
//   the JSON the server answered, by values the server itself refuses (javascript:, data:,
//   vbscript:, plain http, protocol-relative, a javascript: with a control character or a
//   leading space): the console must make no link and show no address for any of them.
//
// axe-core runs on the page with the link (WCAG 2.1 A/AA and best practice). A page error, a
// dialog (alert) or a Content-Security-Policy violation fails. Prints, for the test:
//   MEDIA link <href> | <rel> | <target>
//   MEDIA refused <count>
//   AXE <page> <violations> <passes>
//   DONE
//
//   WIJKWACHT_NODE_MODULES=... DESK_USER=.. DESK_PASSWORD=.. \
//   node desk_media_e2e.cjs BASE_URL INCIDENT REPORT MEDIA_URL OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const { T, check, launchChromium, runAxe, deskLogin, runMain } = require('./e2e_support.cjs');

const [base, incident, report, mediaUrl, outDir] = process.argv.slice(2);

// What the server refuses as media_url (domain/report/media_url.h), and so must never come
// from it; should one come all the same, the console must not make it a link.
const HOSTILE = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(document.domain)',
  ' javascript:alert(1)',
  'java\nscript:alert(1)',
  '\u0000javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'http://beeldbank.beverwijk-meldt.nl/fiets.jpg',
  '//beeldbank.beverwijk-meldt.nl/fiets.jpg',
  'https:alert(1)',
];

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const problems = [];
  const browser = await launchChromium();
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`a dialog opened: ${d.message()}`); d.dismiss(); });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  try {
    await deskLogin(page, base, process.env.DESK_USER, process.env.DESK_PASSWORD);

    // The report as the server stored it.
    const row = `#reports tr[data-report="${report}"]`;
    const cell = `${row} td.description`;
    await page.goto(`${base}/desk/#/incidents/${incident.replace('incidents/', '')}`);
    await page.waitForSelector(`${cell} a`, T);
    const links = await page.locator(`${cell} a`).evaluateAll((as) => as.map((a) => ({
      href: a.getAttribute('href'), text: a.textContent, rel: a.getAttribute('rel'),
      target: a.getAttribute('target'), referrerpolicy: a.getAttribute('referrerpolicy'),
      children: a.children.length,
    })));
    check(links.length === 1, `one link expected, got ${JSON.stringify(links)}`);
    const [link] = links;
    check(link.href === mediaUrl, `href ${JSON.stringify(link.href)} is not the stored address`);
    check(link.text === mediaUrl, `the link's text ${JSON.stringify(link.text)} is not the address as text`);
    check(link.children === 0, 'the address became markup inside the link');
    const rel = (link.rel || '').split(/\s+/);
    check(rel.includes('noopener') && rel.includes('noreferrer'), `rel is "${link.rel}"`);
    check(link.target === '_blank', `target is "${link.target}"`);
    check(link.referrerpolicy === 'no-referrer', `referrerpolicy is "${link.referrerpolicy}"`);
    check(await page.locator('#reports img').count() === 0, 'markup from the address made an element');
    console.log(`MEDIA link ${link.href} | ${link.rel} | ${link.target}`);
    await runAxe(page, 'incident-media', outDir);
    await page.screenshot({ path: path.join(outDir, 'incident-media.png'), fullPage: true });

    // The same report with a media_url the server would never give: answered by the route.
    let hostile = null;
    await page.route(`**/v1/${report}`, async (route) => {
      const response = await route.fetch();
      const json = await response.json();
      json.mediaUrl = hostile;
      await route.fulfill({ response, json });
    });
    let refused = 0;
    for (const value of HOSTILE) {
      hostile = value;
      await page.reload();
      await page.waitForSelector(cell, T);
      const anchors = await page.locator('#reports a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      check(anchors.length === 0, `${JSON.stringify(value)} became a link: ${JSON.stringify(anchors)}`);
      check(await page.locator(`${cell} .media`).count() === 0, `${JSON.stringify(value)} is shown`);
      check(!(await page.locator(cell).textContent()).includes('script:'), `${JSON.stringify(value)} is shown as text`);
      refused += 1;
    }
    console.log(`MEDIA refused ${refused}`);
    check(problems.length === 0, problems.join('\n'));
    console.log('DONE');
  } catch (e) {
    const text = await page.locator('main').innerText().catch(() => '(none)');
    console.error(`--- at ${page.url()}:\n${text.slice(0, 3000)}`);
    await page.screenshot({ path: path.join(outDir, 'failure-media.png'), fullPage: true }).catch(() => {});
    throw e;
  } finally {
    await browser.close();
  }
}

runMain(main);
