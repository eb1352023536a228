// Browser test of releases in the dashboard against a real `moat serve` over a fresh Aurora demo
// (moat demo --sign-ins): the supplier user `shengda` downloads the copy made for it from the
// portal, and the bytes are the copy the ledger records; staff see the Releases page with the
// per-person heatmap and check a release with a dry run.
//
//   MOAT=…/moat MOAT_WEB_DIR=…/build/web MOAT_ARTIFACTS=…/artifacts node web/tests/releases.test.mjs

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const MOAT = path.resolve(process.env.MOAT || path.join(repo, 'build', 'src', 'cli', 'moat'));
const WEB_DIR = path.resolve(process.env.MOAT_WEB_DIR || path.join(repo, 'build', 'web'));
const ARTIFACTS = path.resolve(process.env.MOAT_ARTIFACTS || path.join(repo, 'build', 'web-test-artifacts'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = 15000;

const world = { dir: null, server: null, base: null, log: [] };

function demo() {
  world.dir = mkdtempSync(path.join(os.tmpdir(), 'moat-releases-'));
  const ws = path.join(world.dir, 'ws');
  const result = spawnSync(MOAT, ['demo', ws, '--sign-ins'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, `moat demo failed: ${result.stderr}`);
  const passwords = {};
  for (const line of result.stdout.split('\n')) {
    const match = /^(\w+)\s+([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})\s/.exec(line.trim());
    if (match) passwords[match[1]] = match[2];
  }
  assert.ok(passwords.shengda && passwords.admin, 'the demo prints the sign-ins of shengda and admin');
  return { ws, passwords };
}

function serve(ws) {
  return new Promise((resolve, reject) => {
    const child = spawn(MOAT, ['-w', ws, 'serve', '--listen', '127.0.0.1:0', '--static', WEB_DIR], { stdio: ['ignore', 'pipe', 'pipe'] });
    world.server = child;
    const timer = setTimeout(() => reject(new Error('moat serve did not start')), TIMEOUT);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match && !world.base) {
        clearTimeout(timer);
        world.base = match[1];
        resolve();
      }
    });
    child.stderr.on('data', (chunk) => world.log.push(String(chunk)));
  });
}

async function signIn(name, password) {
  const response = await fetch(new URL('/api/login', world.base), {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, password }),
  });
  assert.equal(response.status, 200, `sign-in of ${name}`);
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function get(cookie, route) {
  const response = await fetch(new URL(route, world.base), { headers: { Cookie: cookie } });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

async function browserSignIn(page, name, password, title) {
  await page.goto(world.base);
  await page.locator('#signin-form').waitFor();
  await page.fill('#signin-name', name);
  await page.fill('#signin-password', password);
  await page.click('#signin-form button[type=submit]');
  await page.locator('main h1', { hasText: title }).waitFor();
}

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { ws, passwords } = demo();
  await serve(ws);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  try {
    // What the API says shengda may download: its own copies only.
    const supplier = await signIn('shengda', passwords.shengda);
    const releases = JSON.parse((await get(supplier, '/api/releases')).body).items;
    const copies = releases.flatMap((r) => r.copies.map((c) => ({ ...c, release: r })));
    assert.ok(copies.length > 0, 'the demo released a copy to shengda');
    assert.ok(releases.every((r) => r.supplier === 'F04'), 'shengda sees only releases to its own supplier');
    assert.ok(copies.every((c) => c.recipient === 'P06'), 'shengda sees only its own copies');
    const admin = await signIn('admin', passwords.admin);
    const all = JSON.parse((await get(admin, '/api/releases?limit=500')).body).items;
    const other = all.flatMap((r) => r.copies).find((c) => c.recipient !== 'P06');
    assert.ok(other, 'the demo has copies for other people');
    assert.equal((await get(supplier, `/api/copies/${other.id}/download`)).status, 403, 'another person\'s copy is forbidden');

    // The portal's download list, and a real download through the browser.
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await browserSignIn(page, 'shengda', passwords.shengda, 'Overview');
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
    await browserSignIn(staffPage, 'admin', passwords.admin, 'Launch readiness');
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
