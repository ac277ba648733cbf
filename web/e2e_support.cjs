// What the browser tests' scripts share (desk_console_e2e.cjs, desk_media_e2e.cjs,
// map_page_e2e.cjs): Debian's Chromium launched headless through playwright-core, axe-core's
// WCAG run, the desk console's login, and the scripts' exit on failure. Modules come from
// WIJKWACHT_NODE_MODULES (the build's web/npm/node_modules); WIJKWACHT_CHROMIUM overrides
// /usr/bin/chromium.
'use strict';
const fs = require('fs');
const path = require('path');
const modules = process.env.WIJKWACHT_NODE_MODULES;
const { chromium } = require(path.join(modules, 'playwright-core'));

// The wait of every selector and function the scripts wait for.
const T = { timeout: 20000 };

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// Headless Chromium without the network chatter of a first run.
function launchChromium() {
  return chromium.launch({
    executablePath: process.env.WIJKWACHT_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

let axeSource = null;

// axe-core (WCAG 2.1 A/AA and best practice) on `page`, loaded into it once: writes
// OUT_DIR/axe-<name>.json, prints "AXE <name> <violations> <passes>" and returns the results.
async function runAxe(page, name, outDir) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    if (axeSource === null) {
      axeSource = fs.readFileSync(path.join(modules, 'axe-core', 'axe.min.js'), 'utf8');
    }
    await page.evaluate(`${axeSource}\n;undefined`);
  }
  const results = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  fs.writeFileSync(path.join(outDir, `axe-${name}.json`), JSON.stringify({
    url: results.url, violations: results.violations, passes: results.passes.map((p) => p.id),
    incomplete: results.incomplete.map((p) => p.id),
  }, null, 2));
  console.log(`AXE ${name} ${results.violations.length} ${results.passes.length}`);
  return results;
}

// Logs `user` in to the desk console at BASE/desk/ and waits until its live stream is up.
async function deskLogin(page, base, user, password) {
  await page.goto(`${base}/desk/`);
  await page.waitForSelector('form.login', T);
  await page.getByLabel('Gebruikersnaam').fill(user);
  await page.getByLabel('Wachtwoord').fill(password);
  await page.keyboard.press('Enter');  // keyboard, not a click
  await page.waitForSelector('#stream-state[data-state="live"]', T);
}

// Runs the script's main; a failure prints its stack and exits 1.
function runMain(main) {
  main().catch((e) => {
    console.error(e && e.stack ? e.stack : String(e));
    process.exit(1);
  });
}

module.exports = { T, check, launchChromium, runAxe, deskLogin, runMain };
