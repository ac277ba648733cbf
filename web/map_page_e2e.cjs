// Drives the map page in headless Chromium (Debian's /usr/bin/chromium) with playwright-core
// from the build tree: waits until `area` shows as withheld ("< k", hatched), prints
// SUPPRESSED_SEEN (the test then submits more reports over gRPC), waits until the same row
// shows a number through the live stream without a reload, takes a screenshot and prints
// COUNT_SEEN <value>.
//   WIJKWACHT_NODE_MODULES=build/web/npm/node_modules node map_page_e2e.cjs URL AREA PNG K
'use strict';
const { launchChromium, runMain } = require('./e2e_support.cjs');

async function main() {
  const [url, area, screenshot, k] = process.argv.slice(2);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') console.error(`console: ${m.text()}`); });
    await page.goto(url);
    await page.waitForSelector('#status[data-state="live"]', { timeout: 20000 });
    const row = `tr[data-area="${area}"]`;
    await page.waitForFunction(([row, k]) => {
      const r = document.querySelector(row);
      return r && r.dataset.state === 'suppressed' && r.querySelector('.value').textContent === `< ${k}`;
    }, [row, k], { timeout: 20000 });
    const hatched = await page.locator('path[fill="url(#hatch)"]').count();
    if (hatched < 1) throw new Error('the withheld buurt is not drawn hatched');
    const focus = await page.locator('.focus-label').allTextContents();
    if (!focus.includes('De Drie Straatjes') || !focus.includes('Oosterwijk')) {
      throw new Error(`focus areas not labelled: ${JSON.stringify(focus)}`);
    }
    await page.evaluate(() => { window.wijkwachtSameDocument = true; });
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-suppressed.png') });
    console.log('SUPPRESSED_SEEN');

    await page.waitForFunction((row) => {
      const r = document.querySelector(row);
      return r && r.dataset.state === 'count';
    }, row, { timeout: 30000 });
    if (!(await page.evaluate(() => window.wijkwachtSameDocument === true))) {
      throw new Error('the page was reloaded');
    }
    const value = (await page.locator(`${row} .value`).textContent()).trim();
    const filled = await page.locator('path[fill="url(#hatch)"]').count();
    if (filled !== hatched - 1) throw new Error(`hatched polygons: ${hatched} before, ${filled} after`);
    await page.screenshot({ path: screenshot });
    console.log(`COUNT_SEEN ${value}`);
  } finally {
    await browser.close();
  }
}

runMain(main);
