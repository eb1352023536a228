// Browser test of releases in the dashboard against a real `moat serve` over a fresh Aurora demo
// (moat demo --sign-ins): the supplier user `shengda` downloads the copy made for it from the
// portal, and the bytes are the copy the ledger records; staff see the Releases page with the
// per-person heatmap and check a release with a dry run.
//
//   MOAT=…/moat MOAT_WEB_DIR=…/build/web MOAT_ARTIFACTS=…/artifacts node web/tests/releases.test.mjs

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { ARTIFACTS, CHROMIUM, TIMEOUT, browserSignIn, demoWorkspace, get, newWorld, serve, signIn } from './harness.mjs';

const world = newWorld();

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { ws, passwords } = demoWorkspace(world, 'releases', ['shengda', 'admin']);
  await serve(world, ws);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  try {
    // What the API says shengda may download: its own copies only.
    const supplier = await signIn(world, 'shengda', passwords.shengda);
    const releases = JSON.parse((await get(world, supplier, '/api/releases')).body).items;
    const copies = releases.flatMap((r) => r.copies.map((c) => ({ ...c, release: r })));
    assert.ok(copies.length > 0, 'the demo released a copy to shengda');
    assert.ok(releases.every((r) => r.supplier === 'F04'), 'shengda sees only releases to its own supplier');
    assert.ok(copies.every((c) => c.recipient === 'P06'), 'shengda sees only its own copies');
    const admin = await signIn(world, 'admin', passwords.admin);
    const all = JSON.parse((await get(world, admin, '/api/releases?limit=500')).body).items;
    const other = all.flatMap((r) => r.copies).find((c) => c.recipient !== 'P06');
    assert.ok(other, 'the demo has copies for other people');
    assert.equal((await get(world, supplier, `/api/copies/${other.id}/download`)).status, 403, 'another person\'s copy is forbidden');

    // The portal's download list, and a real download through the browser.
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await browserSignIn(world, page, 'shengda', passwords.shengda, 'Overview');
    await page.click('nav#nav a:has-text("Design files for you")');
    await page.locator('main h1', { hasText: 'Design files for you' }).waitFor();
    const link = page.locator(`a[data-copy="${copies[0].id}"]`);
    await link.waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'releases-portal-downloads.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const saved = path.join(world.dir, 'downloaded');
    await download.saveAs(saved);
    const hash = createHash('sha256').update(readFileSync(saved)).digest('hex');
    assert.equal(hash, copies[0].copy_hash, 'the downloaded bytes are the copy the ledger records');
    assert.deepEqual(problems, []);
    await context.close();

    // Staff: the Releases page with who has what and the per-person heatmap.
    const staff = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const staffPage = await staff.newPage();
    staffPage.setDefaultTimeout(TIMEOUT);
    await browserSignIn(world, staffPage, 'admin', passwords.admin, 'Launch readiness');
    await staffPage.click('nav#nav a:has-text("Releases")');
    await staffPage.locator('main h1', { hasText: 'Releases' }).waitFor();
    await staffPage.locator(`tr[data-release="${copies[0].release.id}"]`).waitFor();
    await staffPage.locator('#person-heatmap tr[data-person="P06"]').waitFor();
    await staffPage.screenshot({ path: path.join(ARTIFACTS, 'releases-page.png'), fullPage: true });
    await staff.close();
  } finally {
    await browser.close();
  }
  console.log('releases test: passed');
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`releases test: FAILED: ${error.stack || error}\n${world.log.slice(-10).join('')}`);
} finally {
  if (world.server) world.server.kill('SIGTERM');
  if (world.dir) rmSync(world.dir, { recursive: true, force: true });
}
process.exit(code);
