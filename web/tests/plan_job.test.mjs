// Browser test of a planning job on the dashboard: a product whose planning runs to its time limit
// (a generated workspace of size M, bench/workspace_generator.py), planned from the Sourcing plan
// page. The page shows the running job's progress (best cost so far, bound, gap, time) read from
// the server, and its Cancel button stops the job: the API says cancelled and no plan was saved.
//
//   MOAT=…/moat MOAT_WEB_DIR=…/build/web MOAT_ARTIFACTS=…/artifacts node web/tests/plan_job.test.mjs
//
// Fails on any page error or console error. Exit 0 when it passes, 1 otherwise.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { ARTIFACTS, CHROMIUM, moat, newWorld, REPO, serve } from './harness.mjs';

const PYTHON = process.env.SYSTEM_PYTHON || '/usr/bin/python3';
const TIMEOUT = 20000;
const USER = { name: 'sam', role: 'sourcing', password: 'correct-horse-sam-2026' };

function makeWorkspace(dir) {
  const csv = path.join(dir, 'csv');
  const made = spawnSync(PYTHON, [path.join(REPO, 'bench', 'workspace_generator.py'), 'M', csv], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`workspace_generator.py: ${made.stderr}`);
  const ws = path.join(dir, 'ws');
  moat(['init', ws, '--company', 'Generated Devices Inc.']);
  moat(['-w', ws, 'import', ...readdirSync(csv).filter((f) => f.endsWith('.csv')).map((f) => path.join(csv, f))]);
  moat(['-w', ws, 'user', 'add', USER.name, '--role', USER.role], `${USER.password}\n`);
  return ws;
}

async function apiGet(base, cookie, route) {
  const response = await fetch(new URL(route, base), { headers: { Cookie: cookie, Accept: 'application/json' } });
  assert.equal(response.status, 200, `GET ${route}: ${response.status}`);
  return response.json();
}

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'moat-plan-job-'));
  const world = newWorld();
  let browser = null;
  try {
    const ws = makeWorkspace(dir);
    await serve(world, ws);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // HTTP errors are checked by their responses (the browser's console names no URL for them).
    page.on('console', (message) => {
      if (message.type() === 'error' && !/^Failed to load resource/.test(message.text())) problems.push(message.text());
    });
    // Expected: the first /api/me signed out (401), and p1's approved plan, which it has none of (404).
    page.on('response', (response) => {
      const { pathname } = new URL(response.url());
      const expected = (pathname === '/api/me' && response.status() === 401)
        || (pathname === '/api/products/p1/plan' && response.status() === 404);
      if (response.status() >= 400 && !expected) problems.push(`${response.status()} ${pathname}`);
    });

    await page.goto(world.base);
    await page.locator('#signin-form').waitFor({ timeout: TIMEOUT });
    await page.fill('#signin-name', USER.name);
    await page.fill('#signin-password', USER.password);
    await page.click('#signin-form button[type=submit]');
    await page.locator('main h1').waitFor({ timeout: TIMEOUT });
    await page.goto(`${world.base}#/plan?product=p1`);
    await page.locator('#new-plan-form').waitFor({ timeout: TIMEOUT });
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

    await page.click('#new-plan-form button[type=submit]');
    await page.locator('#plan-job').waitFor({ timeout: TIMEOUT });
    // The heuristic's plan comes first: the page shows its cost while the search goes on.
    await page.locator('#plan-job-facts', { hasText: /Best plan so far\s*[\d,]+/ }).waitFor({ timeout: TIMEOUT });
    const jobs = (await apiGet(world.base, cookie, '/api/products/p1/plan-jobs')).items;
    assert.equal(jobs.length, 1, 'one job was started');
    const job = jobs[0];
    assert.equal(job.state, 'running');
    assert.ok(job.cost > 0, 'the API has a best cost');
    assert.match(await page.textContent('#plan-job-facts'), /Elapsed\s*\d+ s of 20 s/);
    assert.equal(await page.locator('#new-plan-form button[type=submit]').isDisabled(), true, 'no second plan while one runs');
    await page.screenshot({ path: path.join(ARTIFACTS, '40-plan-job-running.png'), fullPage: true });

    await page.click('#cancel-plan-job');
    await page.locator('#plan-job-cancelled').waitFor({ timeout: 5000 });
    const ended = await apiGet(world.base, cookie, `/api/products/p1/plan-jobs/${job.id}`);
    assert.equal(ended.state, 'cancelled');
    assert.equal(ended.plan, null, 'a cancelled job saves no plan');
    assert.ok(ended.elapsed < 20, 'the job stopped before its time limit');
    assert.match(await page.textContent('#plan-job-cancelled'), /nothing was saved/);
    assert.equal(await page.locator('#new-plan-form button[type=submit]').isDisabled(), false, 'planning can start again');
    await page.screenshot({ path: path.join(ARTIFACTS, '41-plan-job-cancelled.png'), fullPage: true });
    assert.deepEqual(problems, [], 'no page or console errors');
    console.log('ok: a planning job shows its progress and is cancelled from the dashboard');
  } finally {
    if (browser) await browser.close();
    if (world.server) world.server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
