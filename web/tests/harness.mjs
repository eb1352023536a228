// What the browser tests share: where moat, the built dashboard, the artifacts and Chromium are
// (each can be given in the environment), running moat, a demo workspace with its sign-ins, and
// `moat serve` on a free loopback port with the API and browser sign-ins against it.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..');
export const MOAT = path.resolve(process.env.MOAT || path.join(REPO, 'build', 'src', 'cli', 'moat'));
export const WEB_DIR = path.resolve(process.env.MOAT_WEB_DIR || path.join(REPO, 'build', 'web'));
export const ARTIFACTS = path.resolve(process.env.MOAT_ARTIFACTS || path.join(REPO, 'build', 'web-test-artifacts'));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const TIMEOUT = 15000;

// Runs moat and returns what it printed; throws with its error output when it fails.
export function moat(args, input) {
  const result = spawnSync(MOAT, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error) throw new Error(`cannot run ${MOAT}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`moat ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  return result.stdout;
}

// A test's server and its folder: `dir` to remove, `server` to stop, `base` its address, `log`
// what it wrote on stderr.
export function newWorld() {
  return { dir: null, server: null, base: null, log: [] };
}

// `moat demo` in a new folder of `world` (named after `prefix`), with the sign-ins it prints;
// `users` must be among them.
export function demoWorkspace(world, prefix, users) {
  world.dir = mkdtempSync(path.join(os.tmpdir(), `moat-${prefix}-`));
  const ws = path.join(world.dir, 'ws');
  const printed = moat(['demo', ws, '--sign-ins']);
  const passwords = {};
  for (const line of printed.split('\n')) {
    const match = /^(\w+)\s+([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})\s/.exec(line.trim());
    if (match) passwords[match[1]] = match[2];
  }
  for (const user of users) assert.ok(passwords[user], `the demo prints the sign-in of ${user}`);
  return { ws, passwords };
}

// `moat serve` over `ws` and the built dashboard; resolves with its address once it listens, and
// fails if it exits first (with the last lines of its log). Its log is kept in world.log (the
// last 400 lines).
export function serve(world, ws) {
  return new Promise((resolve, reject) => {
    const child = spawn(MOAT, ['-w', ws, 'serve', '--listen', '127.0.0.1:0', '--static', WEB_DIR], { stdio: ['ignore', 'pipe', 'pipe'] });
    world.server = child;
    const timer = setTimeout(() => reject(new Error('moat serve did not say where it listens in time')), TIMEOUT);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match && !world.base) {
        clearTimeout(timer);
        world.base = match[1];
        resolve(world.base);
      }
    });
    child.stderr.on('data', (chunk) => {
      world.log.push(...String(chunk).split('\n').filter(Boolean).map((line) => `${line}\n`));
      if (world.log.length > 400) world.log.splice(0, world.log.length - 400);
    });
    child.on('exit', (code, signal) => {
      if (!world.base) {
        clearTimeout(timer);
        reject(new Error(`moat serve exited (${code ?? signal}) before listening: ${world.log.slice(-5).join('')}`));
      }
    });
  });
}

// Signs in through the API; the session's cookies.
export async function signIn(world, name, password) {
  const response = await fetch(new URL('/api/login', world.base), {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, password }),
  });
  assert.equal(response.status, 200, `sign-in of ${name}`);
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

export async function get(world, cookie, route) {
  const response = await fetch(new URL(route, world.base), { headers: { Cookie: cookie } });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

// Signs in on the dashboard's page and waits for the page titled `title`.
export async function browserSignIn(world, page, name, password, title) {
  await page.goto(world.base);
  await page.locator('#signin-form').waitFor();
  await page.fill('#signin-name', name);
  await page.fill('#signin-password', password);
  await page.click('#signin-form button[type=submit]');
  await page.locator('main h1', { hasText: title }).waitFor();
}
