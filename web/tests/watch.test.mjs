// Browser test of the counterfeit watch in the dashboard against a real `moat serve` over a fresh
// Aurora demo (moat demo --sign-ins): legal sees the Watch page with the Taobao copy's photos beside
// the product photo it matched, its reasons and the rights it touches, dismisses the 1688
// look-alike with a reason the API then shows, and sees the Alibaba complaint's state; the
// supplier user `shengda` reaches none of the watch's routes.
//
//   MOAT=…/moat MOAT_WEB_DIR=…/build/web MOAT_ARTIFACTS=…/artifacts node web/tests/watch.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { ARTIFACTS, CHROMIUM, TIMEOUT, browserSignIn, demoWorkspace, get, newWorld, serve, signIn } from './harness.mjs';

const world = newWorld();

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { ws, passwords } = demoWorkspace(world, 'watch', ['shengda', 'legal']);
  await serve(world, ws);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  try {
    // Supplier staff see none of it.
    const supplier = await signIn(world, 'shengda', passwords.shengda);
    for (const route of ['/api/watch/hits', '/api/watch/listings', '/api/watch/complaints', '/api/watch/references',
      '/api/watch/listings/L1/images/tb-7001-main.png']) {
      assert.equal((await get(world, supplier, route)).status, 403, `a supplier user is refused ${route}`);
    }
    const legal = await signIn(world, 'legal', passwords.legal);
    const hits = JSON.parse((await get(world, legal, '/api/watch/hits?limit=500')).body).items;
    const copy = hits.find((h) => h.listing.platform === 'taobao');
    const lookalike = hits.find((h) => h.listing.platform === '1688');
    assert.ok(copy && copy.status === 'confirmed', 'the demo confirmed the Taobao copy');
    assert.ok(lookalike && lookalike.status === 'new', 'the 1688 look-alike waits for a decision');
    const photo = await get(world, legal, `/api/watch/listings/${copy.listing.id}/images/${encodeURIComponent(copy.listing.images[0].name)}`);
    assert.equal(photo.status, 200);
    assert.equal(photo.body.subarray(1, 4).toString(), 'PNG', 'the listing photo is served as captured');

    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await browserSignIn(world, page, 'legal', passwords.legal, 'Launch readiness');
    await page.click('nav#nav a:has-text("Counterfeit watch")');
    await page.locator('main h1', { hasText: 'Counterfeit watch' }).waitFor();
    const card = page.locator(`li[data-hit="${lookalike.id}"]`);
    await card.waitFor();
    await page.selectOption('#hit-status', '');
    await page.click('#hit-filters button[type=submit]');
    const confirmed = page.locator(`li[data-hit="${copy.id}"][data-status="confirmed"]`);
    await confirmed.waitFor();
    // The listing's photos beside the reference it matched, all loaded.
    await confirmed.locator('.side-by-side img').first().waitFor();
    await page.waitForFunction((id) => [...document.querySelectorAll(`li[data-hit="${id}"] .side-by-side img`)]
      .every((img) => img.complete && img.naturalWidth > 0), copy.id);
    assert.ok(await confirmed.locator('.side-by-side figure').nth(1).locator('img').count() >= 1, 'a reference image beside the photos');
    assert.match(await confirmed.locator('.reasons').innerText(), /Mark/);
    assert.match(await confirmed.locator('.rights').innerText(), /IP07/);
    await page.locator('#complaints-title').waitFor();
    assert.match(await page.locator('main table').last().innerText(), /Nothing: ready to file/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'watch-page.png'), fullPage: true });

    // Dismiss the look-alike, with the reason the ledger keeps.
    const other = page.locator(`li[data-hit="${lookalike.id}"]`);
    await other.locator('button[data-action="dismissed"]').click();
    await other.locator('textarea').fill('Generic cylinder speaker, no mark of ours; watch the seller');
    await other.locator('form button[type=submit]').click();
    await page.locator(`li[data-hit="${lookalike.id}"][data-status="dismissed"]`).waitFor();
    const after = JSON.parse((await get(world, legal, `/api/watch/hits/${lookalike.id}`)).body);
    assert.equal(after.status, 'dismissed');
    assert.equal(after.decided_by, 'legal');
    assert.match(after.decision_reason, /Generic cylinder speaker/);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
  }
  console.log('watch test: passed');
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`watch test: FAILED: ${error.stack || error}\n${world.log.slice(-10).join('')}`);
} finally {
  if (world.server) world.server.kill('SIGTERM');
  if (world.dir) rmSync(world.dir, { recursive: true, force: true });
}
process.exit(code);
