// Browser tests of moat's dashboard against a real `moat serve` over a fresh Aurora demo
// workspace, driven by Chromium through playwright-core (no browser is downloaded).
//
//   MOAT=…/moat MOAT_WEB_DIR=…/build/web MOAT_ARTIFACTS=…/artifacts node web/tests/dashboard.test.mjs
//
// Every scenario asserts against the API read independently, saves a full-page screenshot in
// MOAT_ARTIFACTS, and fails on any console error, page error, failed request, HTTP error or CSP
// violation it did not provoke on purpose. Exit 0 when all pass, 1 otherwise.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { ARTIFACTS, CHROMIUM, moat, newWorld, serve, TIMEOUT, WEB_DIR } from './harness.mjs';

const VIEWPORT = { width: 1366, height: 768 };

const USERS = {
  admin: { name: 'ada', role: 'admin' },
  sourcing: { name: 'sam', role: 'sourcing', displayName: '孙明' },
  legal: { name: 'lee', role: 'legal' },
  oversight: { name: 'otto', role: 'oversight' },
  viewer: { name: 'vic', role: 'viewer' },
  supplier: { name: 'sup', role: 'supplier' },
};
const password = (user) => `correct-horse-${user.name}-2026`;
const STAFF_NAV = ['Launch readiness', 'Red flags', 'IP deadlines', 'Suppliers', 'Sourcing plan', 'Agreements and orders', 'Ledger', 'Releases', 'Counterfeit watch'];
// A day `days` from today (UTC), as YYYY-MM-DD: dates the server checks against today stay valid
// whenever the test runs.
const dayFromNow = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
const PORTAL_NAV = ['Overview', 'Findings to answer', 'Agreements and orders', 'Design files for you'];

const world = { ...newWorld(), browser: null };

// ---------------------------------------------------------------- the world: workspace and server

function makeWorkspace() {
  world.dir = mkdtempSync(path.join(os.tmpdir(), 'moat-dashboard-'));
  const ws = path.join(world.dir, 'ws');
  moat(['demo', ws]);
  for (const user of Object.values(USERS)) {
    const extra = user.role === 'supplier' ? ['--supplier', 'F04'] : [];
    if (user.displayName) extra.push('--display-name', user.displayName);
    moat(['-w', ws, 'user', 'add', user.name, '--role', user.role, ...extra], `${password(user)}\n`);
  }
  return ws;
}

async function stopServer() {
  const child = world.server;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------- the API, read independently

async function apiSignIn(user) {
  const response = await fetch(new URL('/api/login', world.base), {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: user.name, password: password(user) }),
  });
  assert.equal(response.status, 200, `API sign-in of ${user.name} answered ${response.status}`);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const body = await response.json();
  return { cookie, csrf: body.csrf_token, name: user.name };
}

async function apiGet(session, route) {
  const response = await fetch(new URL(route, world.base), { headers: { Cookie: session.cookie, Accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  assert.equal(response.status, 200, `GET ${route} as ${session.name} answered ${response.status}: ${body && body.detail}`);
  return body;
}

async function ledgerEvents(admin, after) {
  const events = [];
  let next = `/api/audit/log?after=${after}&limit=1000`;
  while (next) {
    const page = await apiGet(admin, next);
    events.push(...page.items);
    next = page.next;
  }
  return events;
}

// ---------------------------------------------------------------- the browser, watched

async function newPage(label) {
  const context = await world.browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const watch = { label, problems: [], allowed: [], requests: [] };
  const allowed = (url, status) => watch.allowed.some((a) => url.includes(a.path) && a.status === status);
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = (message.location() && message.location().url) || '';
    const status = /status of (\d+)/.exec(message.text());
    if (status && allowed(url, Number(status[1]))) return;
    watch.problems.push(`console error: ${message.text()} ${url}`);
  });
  page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => watch.problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure() && request.failure().errorText})`));
  page.on('request', (request) => watch.requests.push(new URL(request.url()).pathname));
  page.on('response', (response) => {
    if (response.status() >= 400 && !allowed(response.url(), response.status())) {
      watch.problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return { page, context, watch };
}

// Fails when anything went wrong in the page that the scenario did not provoke on purpose.
async function assertClean({ page, watch }) {
  const csp = await page.evaluate(() => window.__cspViolations || []);
  const problems = [...watch.problems, ...csp.map((v) => `CSP violation: ${v}`)];
  watch.problems.length = 0;
  assert.deepEqual(problems, [], `the page (${watch.label}) reported problems:\n  ${problems.join('\n  ')}`);
}

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function heading(page) {
  return (await page.locator('main h1').first().textContent()).trim();
}

async function waitForPage(page, hashPrefix, title) {
  await page.waitForFunction((prefix) => location.hash.startsWith(prefix), hashPrefix);
  if (title) await page.locator('main h1', { hasText: title }).waitFor();
  await page.waitForFunction(() => document.querySelector('main').getAttribute('aria-busy') === 'false');
}

async function signInWithForm(page, user, expectTitle) {
  await page.locator('#signin-form').waitFor();
  await page.fill('#signin-name', user.name);
  await page.fill('#signin-password', password(user));
  await page.click('#signin-form button[type=submit]');
  await page.locator('main h1', { hasText: expectTitle }).waitFor();
}

// Opens the app signed out: the first /api/me is a deliberate 401.
async function openSignedOut(label) {
  const tab = await newPage(label);
  tab.watch.allowed.push({ path: '/api/me', status: 401 });
  await tab.page.goto(world.base);
  return tab;
}

async function navTexts(page) {
  return (await page.locator('nav#nav a').allTextContents()).map((t) => t.trim());
}

// ---------------------------------------------------------------- scenarios

const scenarios = [];
const scenario = (name, run) => scenarios.push({ name, run });
const shared = {};

scenario('sign in through the form; a wrong password shows the error', async () => {
  const tab = await openSignedOut('sourcing');
  const { page, watch } = tab;
  await page.locator('#signin-form').waitFor();
  assert.equal(await heading(page), 'Sign in');
  assert.equal(await page.locator('nav#nav').isVisible(), false, 'the navigation shows before sign-in');
  watch.allowed.push({ path: '/api/login', status: 401 });
  await page.fill('#signin-name', USERS.sourcing.name);
  await page.fill('#signin-password', 'not-the-password-at-all');
  await page.click('#signin-form button[type=submit]');
  const error = page.locator('#signin-error');
  await page.waitForFunction(() => document.querySelector('#signin-error').textContent.trim() !== '');
  assert.match(await error.textContent(), /wrong name or password/, 'the sign-in error shows the problem\'s detail');
  await screenshot(page, '01-sign-in-wrong-password');
  watch.allowed.length = 0;
  await page.fill('#signin-password', password(USERS.sourcing));
  await page.click('#signin-form button[type=submit]');
  await waitForPage(page, '#/launch', 'Launch readiness');
  // The name as people write it first, then the name signed in with (the one the ledger names).
  assert.equal((await page.textContent('#user-name')).trim(), `${USERS.sourcing.displayName} (${USERS.sourcing.name})`);
  // The display name isolated, so that one written right to left cannot turn the parenthesis after it.
  assert.equal(await page.textContent('#user-name bdi'), USERS.sourcing.displayName);
  assert.equal((await page.textContent('#user-role')).trim(), 'Sourcing');
  assert.deepEqual(await navTexts(page), STAFF_NAV);
  await assertClean(tab);
  shared.sourcing = tab;
});

scenario('failed sign-ins in a row: the form says how long to wait, as the server does', async () => {
  const tab = await openSignedOut('throttled');
  const { page, watch } = tab;
  watch.allowed.push({ path: '/api/login', status: 401 }, { path: '/api/login', status: 429 });
  await page.locator('#signin-form').waitFor();
  // From the fifth failure on, the name waits (1 s, doubling with each failure): on a slow machine
  // a try may come after the wait, so keep trying until one comes within it.
  let status = 0;
  for (let attempt = 0; attempt < 10 && status !== 429; attempt += 1) {
    await page.fill('#signin-name', 'nobody-by-this-name');
    await page.fill('#signin-password', `not-a-password-${attempt}`);
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/login'));
    await page.click('#signin-form button[type=submit]');
    status = (await answered).status();
  }
  assert.equal(status, 429, 'failed sign-ins in a row make the name wait');
  await page.waitForFunction(() => /try again in \d+ s/.test(document.querySelector('#signin-error').textContent));
  assert.doesNotMatch(await page.textContent('#signin-error'), /minute/, 'the form says the wait the server asks for');
  await assertClean(tab);
  await tab.context.close();
});

scenario('launch shows NO-GO; a failing check\'s fix link leads to its subject', async () => {
  const { page } = shared.sourcing;
  const gate = await apiGet(shared.api.sourcing, '/api/products/aurora/gate');
  assert.equal(gate.verdict, 'no-go', 'the demo launch is expected to be no-go');
  const failing = gate.checks.filter((c) => c.status === 'fail');
  await page.locator('.verdict[data-verdict]').first().waitFor();
  const verdict = page.locator('section[aria-labelledby="launch-title"] .verdict');
  assert.equal(await verdict.getAttribute('data-verdict'), 'no-go');
  assert.match(await verdict.textContent(), /NO-GO/);
  assert.equal(await page.locator('table.failing-checks tr[data-status="fail"]').count(), failing.length,
    'every failing check of the API has a row');
  await screenshot(page, '02-launch-no-go');

  // A supplier check → that supplier's page.
  const supplierCheck = failing.find((c) => c.subject.startsWith('supplier/') && ['recent-audit', 'onsite-agent', 'owner-visit', 'supplier-qualified'].includes(c.id));
  assert.ok(supplierCheck, 'a failing supplier check exists');
  const supplierId = supplierCheck.subject.split('/')[1];
  const supplier = (await apiGet(shared.api.sourcing, `/api/suppliers/${supplierId}`)).supplier;
  await page.locator(`table.failing-checks tr[data-check="${supplierCheck.id}"][data-subject="${supplierCheck.subject}"] a.fix-link`).click();
  await waitForPage(page, `#/suppliers/${supplierId}`);
  await page.locator('main h1', { hasText: supplier.name }).waitFor();
  assert.ok((await heading(page)).includes(supplierId), 'the supplier page names the subject');
  await screenshot(page, '03-fix-link-to-supplier');

  // A secret check → the IP page, showing that subject.
  await page.goBack();
  await waitForPage(page, '#/launch', 'Launch readiness');
  const secretCheck = failing.find((c) => c.subject.startsWith('secret/'));
  assert.ok(secretCheck, 'a failing secret check exists');
  await page.locator(`table.failing-checks tr[data-check="${secretCheck.id}"][data-subject="${secretCheck.subject}"] a.fix-link`).first().click();
  await waitForPage(page, '#/ip', 'IP deadlines');
  const row = page.locator(`tr.highlight[data-subject="${secretCheck.subject}"]`).first();
  await row.waitFor();
  assert.match(await row.textContent(), /Fail/);
  assert.ok(await row.isVisible(), `the IP page shows ${secretCheck.subject}`);
  await screenshot(page, '04-fix-link-to-ip');

  // A red-flags check → the red flags of that supplier.
  await page.goBack();
  await waitForPage(page, '#/launch', 'Launch readiness');
  const flagCheck = failing.find((c) => c.id === 'red-flags');
  assert.ok(flagCheck, 'a failing red-flags check exists');
  await page.locator(`table.failing-checks tr[data-check="red-flags"][data-subject="${flagCheck.subject}"] a.fix-link`).click();
  await waitForPage(page, '#/flags', 'Red flags');
  await page.locator('#flag-list').waitFor();
  const subjects = await page.locator('#flag-list .subject a, #flag-list .subject code').allTextContents();
  assert.ok(subjects.length > 0 && subjects.every((s) => s === flagCheck.subject), `the flags page shows only ${flagCheck.subject}: ${subjects}`);

  // A release check of one package to one supplier.
  await page.goto(`${world.base}#/launch`);
  await waitForPage(page, '#/launch', 'Launch readiness');
  const plan = await apiGet(shared.api.sourcing, '/api/products/aurora/plan');
  const assignment = plan.assignments[0];
  const release = await apiGet(shared.api.sourcing, `/api/products/aurora/gate?supplier=${assignment.supplier}&package=${assignment.package}`);
  await page.locator(`#release-package option[value="${assignment.package}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#release-package', assignment.package);
  await page.selectOption('#release-supplier', assignment.supplier);
  await page.click('#release-form button[type=submit]');
  const releaseVerdict = page.locator('.release-result .verdict');
  await releaseVerdict.waitFor();
  assert.equal(await releaseVerdict.getAttribute('data-verdict'), release.verdict);
  assert.ok(page.url().includes(`supplier=${assignment.supplier}`) && page.url().includes(`package=${assignment.package}`));
  await assertClean(shared.sourcing);
});

scenario('the exposure heatmap and recipes match the approved plan', async () => {
  const { page } = shared.sourcing;
  await page.click('nav#nav a:text-is("Sourcing plan")');
  await waitForPage(page, '#/plan', 'Sourcing plan');
  await page.locator('#heatmap').waitFor();
  const plan = await apiGet(shared.api.sourcing, '/api/products/aurora/plan');
  const { secrets, parties, recipes } = plan.exposure;
  const headers = (await page.locator('#heatmap thead th.secret-col').allTextContents()).map((t) => t.trim());
  assert.deepEqual(headers, secrets, 'the heatmap columns are the plan\'s secrets in order');
  assert.equal(await page.locator('#heatmap tbody tr').count(), parties.length, 'one row per party');
  const shown = { D: 'D', I: 'I', ' ': '·' };
  for (const party of parties) {
    const row = page.locator(`#heatmap tr[data-party="${party.party}"]`);
    const cells = await row.locator('td.cell').evaluateAll((tds) => tds.map((td) => [td.dataset.cell, td.textContent.trim()]));
    assert.equal(cells.length, secrets.length, `${party.party} has a cell per secret`);
    cells.forEach(([data, text], i) => {
      assert.equal(data, party.cells[i], `${party.party} × ${secrets[i]}: the cell's kind`);
      assert.equal(text, shown[party.cells[i]], `${party.party} × ${secrets[i]}: the cell's visible text`);
    });
    assert.equal(await row.locator('th .badge-trusted').count(), party.trusted ? 1 : 0, `${party.party} trusted mark`);
    assert.ok((await row.locator('td.share').textContent()).includes(`${Math.round(party.share * 100)}%`), `${party.party} share`);
  }
  for (const recipe of recipes) {
    const cell = page.locator(`tr[data-recipe="${recipe.recipe}"] td.min-coalition`);
    const expected = recipe.min_coalition === null ? 'None' : String(recipe.min_coalition);
    assert.equal((await cell.textContent()).trim(), expected, `recipe ${recipe.recipe}: minimum coalition`);
  }
  await screenshot(page, '05-plan-heatmap');
  await assertClean(shared.sourcing);
});

scenario('the price-of-protection chart renders with a row per point', async () => {
  const { page } = shared.sourcing;
  const frontier = apiGet(shared.api.sourcing, '/api/products/aurora/frontier');
  await page.locator('#frontier canvas').first().waitFor({ timeout: 40000 });
  await page.locator('#frontier table tbody tr').first().waitFor();
  const { points } = await frontier;
  const canvases = page.locator('#frontier canvas');
  assert.ok(await canvases.count() >= 1, 'a chart canvas');
  await page.waitForFunction(() => [...document.querySelectorAll('#frontier canvas')].every((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i]) return true;
    return false;
  }), null, { timeout: TIMEOUT });
  for (const canvas of await canvases.all()) {
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `the chart has a size: ${JSON.stringify(box)}`);
  }
  assert.equal(await page.locator('#frontier table tbody tr').count(), points.length, 'a table row per frontier point');
  const infeasible = points.filter((p) => p.cost === null).length;
  assert.equal(await page.locator('#frontier table tbody tr[data-status="infeasible"]').count(), points.filter((p) => p.status === 'infeasible').length);
  if (infeasible) assert.ok((await page.locator('#frontier table').textContent()).includes('Infeasible'), 'infeasible points say so');
  await page.locator('#frontier').scrollIntoViewIfNeeded();
  await screenshot(page, '06-plan-frontier');
  await assertClean(shared.sourcing);
});

scenario('acknowledging a red flag records the state and the reason', async () => {
  const { page } = shared.sourcing;
  const flags = (await apiGet(shared.api.sourcing, '/api/flags')).items;
  const flag = flags.find((f) => f.state === 'open' && f.severity !== 'critical') || flags.find((f) => f.state === 'open');
  assert.ok(flag, 'an open flag to acknowledge');
  const before = (await apiGet(shared.api.admin, '/api/audit/verify')).events_checked;
  const reason = `Checked with the plant manager on site (${Date.now()})`;
  await page.click('nav#nav a:text-is("Red flags")');
  await waitForPage(page, '#/flags', 'Red flags');
  const card = page.locator(`#flag-list li[data-flag="${flag.id}"]`);
  await card.locator('button[data-action="acknowledged"]').click();
  const textarea = page.locator(`#reason-${flag.id}`);
  assert.ok(await textarea.evaluate((el) => el === document.activeElement), 'focus moves to the reason field');
  assert.ok(await page.locator(`label[for="reason-${flag.id}"]`).isVisible(), 'the reason field has a visible label');
  await textarea.fill(reason);
  await card.locator('form button[type=submit]').click();
  await page.locator(`#flag-list li[data-flag="${flag.id}"][data-state="acknowledged"]`).waitFor();
  assert.ok((await page.locator(`#flag-list li[data-flag="${flag.id}"]`).textContent()).includes(reason), 'the list shows the reason');

  const after = (await apiGet(shared.api.sourcing, `/api/flags?state=all`)).items.find((f) => f.id === flag.id);
  assert.equal(after.state, 'acknowledged');
  assert.equal(after.reason, reason);
  assert.equal(after.updated_by, USERS.sourcing.name);
  const events = await ledgerEvents(shared.api.admin, before);
  const recorded = events.find((e) => e.entity === 'flags' && e.key === flag.id && e.actor === USERS.sourcing.name);
  assert.ok(recorded, `the ledger records the change of ${flag.id}`);
  assert.equal(recorded.after.state, 'acknowledged');
  assert.equal(recorded.after.reason, reason);
  await screenshot(page, '07-flag-acknowledged');
  await assertClean(shared.sourcing);
});

scenario('a supplier user sees only its own data and answers a finding', async () => {
  const admin = shared.api.admin;
  const me = await apiGet(shared.api.supplier, '/api/me');
  const own = (await apiGet(admin, `/api/suppliers/${me.supplier}`)).supplier;
  // What the supplier should find in its portal, read as staff.
  const plan = await apiGet(admin, '/api/products/aurora/plan');
  assert.ok(plan.assignments.some((a) => a.supplier === own.id), `${own.id} has work in the approved plan`);
  const ownVisits = (await apiGet(admin, `/api/visits?supplier=${own.id}`)).items;
  const openFinding = ownVisits.flatMap((v) => v.findings.map((f) => ({ visit: v.id, ...f }))).find((f) => f.state === 'open');
  assert.ok(openFinding, `${own.id} has an open finding`);
  assert.ok((await apiGet(admin, `/api/orders?supplier=${own.id}`)).items.length > 0, `${own.id} has orders`);
  assert.ok((await apiGet(admin, `/api/agreements?supplier=${own.id}`)).items.length > 0, `${own.id} has agreements`);
  const others = (await apiGet(admin, '/api/suppliers?limit=500')).items.filter((s) => s.id !== own.id);
  const before = (await apiGet(admin, '/api/audit/verify')).events_checked;

  const tab = await openSignedOut('supplier');
  const { page, watch } = tab;
  await signInWithForm(page, USERS.supplier, 'Overview');
  await waitForPage(page, '#/portal', 'Overview');
  assert.deepEqual(await navTexts(page), PORTAL_NAV, 'the supplier sees only the portal in the navigation');
  const pages = [['#/portal', 'Overview'], ['#/portal/findings', 'Findings to answer'], ['#/portal/agreements', 'Agreements and orders']];
  for (const [hash, title] of pages) {
    await page.click(`nav#nav a[href="${hash}"]`);
    await waitForPage(page, hash, title);
    await page.waitForFunction(() => !document.querySelector('main .loading'));
    const text = await page.locator('body').innerText();
    assert.ok(text.includes(own.name), `${hash} shows the supplier's own name`);
    for (const other of others) {
      assert.ok(!text.includes(other.name), `${hash} shows another supplier's name: ${other.name}`);
      assert.ok(!new RegExp(`\\b${other.id}\\b`).test(text), `${hash} shows another supplier's id: ${other.id}`);
    }
    for (const label of STAFF_NAV.filter((l) => !PORTAL_NAV.includes(l))) {
      assert.equal(await page.locator(`nav#nav a:text-is("${label}")`).count(), 0, `staff page "${label}" is in the supplier's navigation`);
    }
    await screenshot(page, `08-supplier-${title.toLowerCase().replace(/\W+/g, '-')}`);
  }
  // A staff page typed into the address bar falls back to the portal.
  await page.evaluate(() => { location.hash = '#/flags'; });
  await waitForPage(page, '#/portal', 'Overview');

  // Answer the open finding.
  await page.click('nav#nav a[href="#/portal/findings"]');
  await waitForPage(page, '#/portal/findings', 'Findings to answer');
  const key = `${openFinding.visit}-${openFinding.id}`;
  const answer = `Shot counter logged every shift since ${new Date().toISOString().slice(0, 10)}; weekly reconciliation sent.`;
  await page.fill(`#answer-${key}`, answer);
  await page.locator(`form[data-finding-form="${key}"] button[type=submit]`).click();
  await page.locator(`li[data-finding="${key}"].finding-answered`).waitFor();
  await page.locator('.status-line', { hasText: 'was sent' }).waitFor();
  const visits = (await apiGet(admin, `/api/visits?supplier=${own.id}`)).items;
  const answered = visits.find((v) => v.id === openFinding.visit).findings.find((f) => f.id === openFinding.id);
  assert.equal(answered.state, 'answered');
  assert.equal(answered.answer, answer);
  await screenshot(page, '09-supplier-finding-answered');

  // Nothing staff-only was asked for, and nothing was refused.
  const staffOnly = /^\/api\/(flags|status|parties|audit|ip\/|products\/[^/]+\/(plan|gate|frontier))/;
  const asked = watch.requests.filter((p) => staffOnly.test(p));
  assert.deepEqual(asked, [], 'the portal requested staff-only routes');
  const denied = (await ledgerEvents(admin, before)).filter((e) => e.actor === USERS.supplier.name && e.action === 'denied');
  assert.deepEqual(denied.map((e) => e.key), [], 'the ledger recorded refused requests of the supplier user');
  await assertClean(tab);
  await tab.context.close();
});

scenario('keyboard only: tab to the form, sign in, reach the navigation', async () => {
  const tab = await openSignedOut('keyboard');
  const { page } = tab;
  await page.locator('#signin-form').waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'skip-link', 'the first Tab reaches the skip link');
  for (let i = 0; i < 8 && await page.evaluate(() => document.activeElement.id) !== 'signin-name'; i += 1) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'signin-name', 'Tab reaches the user name field');
  await page.keyboard.type(USERS.legal.name);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'signin-password');
  await page.keyboard.type(password(USERS.legal));
  await page.keyboard.press('Enter');
  await waitForPage(page, '#/launch', 'Launch readiness');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'page-title', 'focus moves to the page heading');

  // From the top of the page, the first Tab reaches the skip link, which jumps to the heading.
  await page.reload();
  await waitForPage(page, '#/launch', 'Launch readiness');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'skip-link', 'the first Tab reaches the skip link');
  assert.ok(await page.locator('#skip-link').isVisible(), 'the skip link shows when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'page-title', 'the skip link moves focus to the heading');

  // Tab reaches the navigation, with a visible focus ring; Enter on a link opens its page.
  await page.reload();
  await waitForPage(page, '#/launch', 'Launch readiness');
  let inNav = false;
  for (let i = 0; i < 6 && !inNav; i += 1) {
    await page.keyboard.press('Tab');
    inNav = await page.evaluate(() => Boolean(document.activeElement.closest('nav#nav')));
  }
  assert.ok(inNav, 'Tab reaches the navigation');
  const ring = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  assert.ok(ring.style !== 'none' && ring.width >= 2, `the focused link shows an outline: ${JSON.stringify(ring)}`);
  while (!(await page.evaluate(() => document.activeElement.textContent.trim() === 'Red flags'))) {
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => Boolean(document.activeElement.closest('nav#nav'))), 'Tab stays in the navigation until Red flags');
  }
  await screenshot(page, '10-keyboard-focus-in-nav');
  await page.keyboard.press('Enter');
  await waitForPage(page, '#/flags', 'Red flags');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'page-title', 'focus moves to the new page\'s heading');
  await assertClean(tab);
  await tab.context.close();
});

scenario('each staff role sees what it may use, and no 403', async () => {
  const expect = {
    admin: { flagActions: true, ledgerEvents: true },
    oversight: { flagActions: true, ledgerEvents: true },
    viewer: { flagActions: false, ledgerEvents: false },
  };
  for (const [role, can] of Object.entries(expect)) {
    const tab = await openSignedOut(role);
    const { page } = tab;
    await signInWithForm(page, USERS[role], 'Launch readiness');
    assert.deepEqual(await navTexts(page), STAFF_NAV, `${role}: navigation`);
    await page.click('nav#nav a:text-is("Red flags")');
    await waitForPage(page, '#/flags', 'Red flags');
    await page.locator('#flag-list').waitFor();
    assert.equal(await page.locator('#flag-list button[data-action]').count() > 0, can.flagActions, `${role}: flag buttons`);
    await page.click('nav#nav a:text-is("Ledger")');
    await waitForPage(page, '#/ledger', 'Ledger');
    assert.equal(await page.locator('.verdict[data-verdict="ok"]').count(), 1, `${role}: the ledger verifies`);
    assert.equal(await page.locator('tr[data-seq]').count() > 0, can.ledgerEvents, `${role}: ledger events`);
    if (role === 'admin') {
      assert.ok(await page.locator('tr[data-entity="flags"]').count() >= 0);
      await screenshot(page, '11-ledger-admin');
    }
    if (role === 'viewer') await screenshot(page, '12-ledger-viewer');
    await page.click('nav#nav a:text-is("Suppliers")');
    await waitForPage(page, '#/suppliers', 'Suppliers');
    await page.fill('#supplier-filter', 'F04');
    assert.equal(await page.locator('#supplier-table tbody tr:not([hidden])').count(), 1, `${role}: the filter narrows the table`);
    if (role === 'admin') {
      await page.click('#supplier-table a:text-is("F04")');
      await waitForPage(page, '#/suppliers/F04');
      await page.locator('article.visit').first().waitFor();
      await screenshot(page, '13-supplier-detail');
      await page.click('nav#nav a:text-is("IP deadlines")');
      await waitForPage(page, '#/ip', 'IP deadlines');
      await page.locator('table.month').waitFor();
      assert.equal(await page.locator('table.month td.today').count(), 1, 'today is marked on the calendar');
      await screenshot(page, '14-ip-deadlines');
      await page.click('nav#nav a:text-is("Agreements and orders")');
      await waitForPage(page, '#/agreements', 'Agreements and orders');
      await screenshot(page, '15-agreements');
    }
    await assertClean(tab);
    await tab.context.close();
  }
});

scenario('an ended session returns to the sign-in form', async () => {
  const tab = await openSignedOut('expiry');
  const { page, context, watch } = tab;
  await signInWithForm(page, USERS.viewer, 'Launch readiness');
  await page.locator('section[aria-labelledby="launch-title"] .verdict').waitFor();
  await page.locator('#release-form').waitFor();
  // End the session behind the page's back, as a timeout would.
  const cookies = await context.cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const me = await (await fetch(new URL('/api/me', world.base), { headers: { Cookie: cookie } })).json();
  const out = await fetch(new URL('/api/logout', world.base), { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': me.csrf_token } });
  assert.equal(out.status, 204);
  watch.allowed.push({ path: '/api/', status: 401 });
  await page.click('nav#nav a:text-is("Suppliers")');
  await page.locator('#signin-form').waitFor();
  assert.match(await page.textContent('#signin-error'), /session has ended/);
  assert.equal(await page.locator('nav#nav').isVisible(), false);
  await screenshot(page, '16-session-ended');
  watch.allowed.length = 0;
  await signInWithForm(page, USERS.viewer, 'Suppliers');
  // And signing out shows the form again.
  await page.click('#sign-out');
  await page.locator('#signin-form').waitFor();
  await assertClean(tab);
  await tab.context.close();
});

scenario('oversight records a visit and adds a finding on a supplier page', async () => {
  const admin = shared.api.admin;
  const supplier = 'F05';
  const before = (await apiGet(admin, `/api/visits?supplier=${supplier}&limit=500`)).items.map((v) => v.id);
  const tab = await openSignedOut('oversight');
  const { page } = tab;
  await signInWithForm(page, USERS.oversight, 'Launch readiness');
  await page.goto(`${world.base}#/suppliers/${supplier}`);
  await waitForPage(page, `#/suppliers/${supplier}`);
  await page.locator('#visit-form').waitFor();
  const note = `Unannounced walk-through of the SMT line (${Date.now()})`;
  await page.selectOption('#visit-kind', 'owner-visit');
  assert.match(await page.inputValue('#visit-date'), /^\d{4}-\d{2}-\d{2}$/, 'the date defaults to today');
  await page.fill('#visit-by', 'Otto Weber, 李明');
  await page.fill('#visit-note', note);
  await page.click('#visit-form button[type=submit]');
  await page.locator('.status-line', { hasText: 'recorded' }).waitFor();
  const visits = (await apiGet(admin, `/api/visits?supplier=${supplier}&limit=500`)).items;
  const visit = visits.find((v) => !before.includes(v.id));
  assert.ok(visit, 'the API lists the new visit');
  assert.equal(visit.kind, 'owner-visit');
  assert.deepEqual(visit.by, ['Otto Weber', '李明']);
  assert.equal(visit.note, note);
  await page.locator(`article[data-visit="${visit.id}"]`).waitFor();

  await page.click(`button[data-add-finding="${visit.id}"]`);
  const form = page.locator(`form[data-finding-form="${visit.id}"]`);
  await form.waitFor();
  const description = 'Scrap PCBs stored in an open bin next to the loading dock';
  await page.selectOption(`#finding-${visit.id}-severity`, 'critical');
  await page.fill(`#finding-${visit.id}-description`, description);
  await page.fill(`#finding-${visit.id}-action`, 'Lock the scrap cage; shred under our engineer\'s eye');
  await page.fill(`#finding-${visit.id}-owner`, 'Plant manager');
  const due = dayFromNow(40);
  await page.fill(`#finding-${visit.id}-due`, due);
  await form.locator('button[type=submit]').click();
  await page.locator('.status-line', { hasText: `to ${visit.id}` }).waitFor();
  const after = (await apiGet(admin, `/api/visits?supplier=${supplier}&limit=500`)).items.find((v) => v.id === visit.id);
  assert.equal(after.findings.length, 1, 'the API lists the finding');
  const finding = after.findings[0];
  assert.deepEqual([finding.severity, finding.description, finding.owner, finding.due, finding.state],
    ['critical', description, 'Plant manager', due, 'open']);
  assert.ok((await page.locator(`article[data-visit="${visit.id}"]`).textContent()).includes(description), 'the page shows the finding');
  await page.locator(`article[data-visit="${visit.id}"]`).scrollIntoViewIfNeeded();
  await screenshot(page, '17-visit-and-finding-recorded');
  await assertClean(tab);
  await tab.context.close();
});

scenario('legal waives a failing launch check', async () => {
  const admin = shared.api.admin;
  const gate = await apiGet(admin, '/api/products/aurora/gate');
  const check = gate.checks.find((c) => c.status === 'fail' && c.id === 'onsite-agent')
    || gate.checks.find((c) => c.status === 'fail');
  assert.ok(check, 'a failing check to waive');
  const tab = await openSignedOut('legal');
  const { page } = tab;
  await signInWithForm(page, USERS.legal, 'Launch readiness');
  const row = page.locator(`table.failing-checks tr[data-check="${check.id}"][data-subject="${check.subject}"]`);
  await row.locator('[data-waive-button]').click();
  const form = row.locator('form.waive-form');
  await form.waitFor();
  const reason = `Agent starts on site next month; the board accepts the risk (${Date.now()})`;
  await form.locator('input[name=role]').fill('IP counsel');
  await form.locator('textarea[name=reason]').fill(reason);
  const expires = dayFromNow(115);
  await form.locator('input[name=expires]').fill(expires);
  await row.scrollIntoViewIfNeeded();
  await page.locator(`table.failing-checks tbody[data-subject="${check.subject}"]`).screenshot({ path: path.join(ARTIFACTS, '18-waive-form.png') });
  await form.locator('button[type=submit]').click();
  const waivedRow = page.locator(`table.waived-checks tr[data-check="${check.id}"][data-subject="${check.subject}"][data-status="waived"]`);
  await waivedRow.waitFor();
  await page.locator('#waiver-status', { hasText: 'is waived' }).waitFor();
  assert.equal(await page.locator(`table.failing-checks tr[data-check="${check.id}"][data-subject="${check.subject}"]`).count(), 0,
    'the check no longer shows as failing');
  const after = (await apiGet(admin, '/api/products/aurora/gate')).checks.find((c) => c.id === check.id && c.subject === check.subject);
  assert.equal(after.status, 'waived', 'the API gate shows the check waived');
  const waiver = (await apiGet(admin, '/api/waivers?product=aurora')).items.find((w) => w.check === check.id && w.subject === check.subject);
  assert.ok(waiver, 'the API lists the waiver');
  assert.deepEqual([waiver.role, waiver.reason, waiver.expires, waiver.by], ['IP counsel', reason, expires, USERS.legal.name]);
  await waivedRow.scrollIntoViewIfNeeded();
  await page.locator('section[aria-labelledby="launch-title"] .verdict').screenshot({ path: path.join(ARTIFACTS, '19-check-waived-verdict.png') });
  await page.locator('table.waived-checks').screenshot({ path: path.join(ARTIFACTS, '19-check-waived.png') });
  await assertClean(tab);
  await tab.context.close();
});

scenario('the IP page lists the rights and which cover each secret; a viewer sees no write forms', async () => {
  const admin = shared.api.admin;
  const rights = (await apiGet(admin, '/api/ip/rights?limit=500')).items;
  const tab = await openSignedOut('viewer-ip');
  const { page } = tab;
  await signInWithForm(page, USERS.viewer, 'Launch readiness');
  await page.locator('section[aria-labelledby="launch-title"] .verdict').waitFor();
  assert.equal(await page.locator('[data-waive-button]').count(), 0, 'a viewer has no Waive button');
  await page.click('nav#nav a:text-is("IP deadlines")');
  await waitForPage(page, '#/ip', 'IP deadlines');
  await page.locator('#ip-rights table').waitFor();
  assert.equal(await page.locator('#ip-rights tbody tr[data-right]').count(), rights.length, 'a row per right of the API');
  await page.locator('#ip-checks table').waitFor();
  const secretRows = page.locator('#ip-checks tr[data-subject^="secret/"]');
  assert.ok(await secretRows.count() > 0, 'gate checks on secrets are listed');
  for (const row of await secretRows.all()) {
    const secret = (await row.getAttribute('data-subject')).split('/')[1];
    const covering = rights.filter((r) => (r.secrets || []).includes(secret)).map((r) => r.id);
    const shown = await row.locator('td.covering [data-covered]').getAttribute('data-covered');
    assert.equal(shown, covering.length ? covering.join(' ') : 'none', `the rights covering ${secret}`);
    if (!covering.length) assert.match(await row.locator('td.covering').textContent(), /no right covers it/);
  }
  await page.locator('#ip-rights').scrollIntoViewIfNeeded();
  await screenshot(page, '20-ip-rights');
  await page.click('nav#nav a:text-is("Sourcing plan")');
  await waitForPage(page, '#/plan', 'Sourcing plan');
  await page.locator('#heatmap').waitFor();
  assert.equal(await page.locator('#new-plan-form').count(), 0, 'a viewer cannot make a plan');
  await page.goto(`${world.base}#/suppliers/F04`);
  await waitForPage(page, '#/suppliers/F04');
  await page.locator('article.visit').first().waitFor();
  assert.equal(await page.locator('#visit-form, [data-add-finding]').count(), 0, 'a viewer cannot record visits');
  await assertClean(tab);
  await tab.context.close();
});

async function apiPost(session, route, body) {
  const response = await fetch(new URL(route, world.base), {
    method: 'POST', body: JSON.stringify(body),
    headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'application/json', Accept: 'application/json' },
  });
  const answer = await response.json().catch(() => null);
  assert.ok(response.status === 200 || response.status === 201, `POST ${route} as ${session.name} answered ${response.status}: ${answer && answer.detail}`);
  return answer;
}

// Last: it replaces the approved plan (and puts one at the default policy back afterwards).
scenario('sourcing makes a plan at collusion 0, sees the draft and approves it', async () => {
  const admin = shared.api.admin;
  const original = await apiGet(admin, '/api/products/aurora/plan');
  const tab = await openSignedOut('sourcing-plan');
  const { page } = tab;
  await signInWithForm(page, USERS.sourcing, 'Launch readiness');
  await page.click('nav#nav a:text-is("Sourcing plan")');
  await waitForPage(page, '#/plan', 'Sourcing plan');
  await page.locator('#new-plan-form').waitFor();
  assert.equal(await page.inputValue('#new-plan-collusion'), String(original.collusion), 'collusion defaults to the approved plan\'s');
  assert.equal(await page.inputValue('#new-plan-cap'), String(Math.round(original.max_exposure_share * 100)), 'the cap defaults to the approved plan\'s');
  // A plan no supplier set can meet: the draft says so, and approving it shows the server's reason.
  const { watch } = tab;
  await page.fill('#new-plan-collusion', '3');
  await page.fill('#new-plan-cap', '20');
  await page.click('#new-plan-form button[type=submit]');
  const infeasible = page.locator('section.draft[data-plan]');
  await infeasible.waitFor({ timeout: 40000 });
  const infeasibleId = await infeasible.getAttribute('data-plan');
  assert.match(await page.textContent('#draft-compare'), /No feasible plan/);
  watch.allowed.push({ path: '/approve', status: 400 });
  await page.click('#approve-plan');
  await page.locator('section.draft .form-error', { hasText: 'cannot be approved' }).waitFor();
  await screenshot(page, '21-plan-draft-infeasible');
  watch.allowed.length = 0;
  assert.equal((await apiGet(admin, '/api/products/aurora/plan')).plan, original.plan, 'the infeasible plan was not approved');

  await page.fill('#new-plan-collusion', '0');
  await page.fill('#new-plan-cap', String(Math.round(original.max_exposure_share * 100)));
  await page.click('#new-plan-form button[type=submit]');
  await page.locator(`section.draft[data-plan]:not([data-plan="${infeasibleId}"])`).waitFor({ timeout: 40000 });
  const draft = page.locator('section.draft[data-plan]');
  await draft.waitFor({ timeout: 40000 });
  assert.equal(await page.locator('#new-plan-form button[type=submit]').isDisabled(), false, 'the button is enabled again');
  const id = await draft.getAttribute('data-plan');
  assert.notEqual(id, original.plan);
  assert.match(await draft.locator('h2').first().textContent(), /DRAFT/);
  const saved = await apiGet(admin, `/api/products/aurora/plan?plan=${id}`);
  assert.equal(saved.state, 'draft');
  assert.equal(saved.collusion, 0);
  assert.equal(await draft.locator('#draft-heatmap tbody tr').count(), saved.exposure.parties.length, 'the draft\'s heatmap has a row per party');
  assert.match(await page.textContent('#draft-compare'), new RegExp(`approved plan ${original.plan}`), 'the draft is compared with the approved plan');
  assert.equal((await apiGet(admin, '/api/products/aurora/plan')).plan, original.plan, 'making a draft approves nothing');
  await screenshot(page, '21-plan-draft');
  await page.click('#approve-plan');
  await page.locator('#plan-approved').waitFor();
  await page.locator('#heatmap').waitFor();
  const approved = await apiGet(admin, '/api/products/aurora/plan');
  assert.equal(approved.plan, id, 'the API\'s approved plan is the new one');
  assert.equal(approved.state, 'approved');
  assert.equal(approved.approved_by, USERS.sourcing.name);
  assert.match(await page.locator('main').textContent(), new RegExp(`${id} \\(approved, approved by ${USERS.sourcing.name}\\)`));
  assert.equal(await page.locator('section.draft').count(), 0, 'no draft shows after approval');
  await screenshot(page, '22-plan-approved');
  await assertClean(tab);
  await tab.context.close();

  // Put back a plan at the workspace's default policy, as the demo had.
  const made = await apiPost(shared.api.sourcing, '/api/products/aurora/plans',
    { collusion: original.collusion, max_exposure_share: original.max_exposure_share, time_limit: 20 });
  await apiPost(shared.api.sourcing, `/api/products/aurora/plans/${made.plan}/approve`, {});
  assert.equal((await apiGet(admin, '/api/products/aurora/plan')).plan, made.plan);
});

// ---------------------------------------------------------------- run

async function main() {
  const started = Date.now();
  mkdirSync(ARTIFACTS, { recursive: true });
  // Screenshots of an earlier run would mislead: remove this test's own files (only those).
  for (const file of readdirSync(ARTIFACTS)) {
    if (/^(\d\d-[\w-]+|failed-\d+-\d+)\.png$/.test(file)) rmSync(path.join(ARTIFACTS, file));
  }
  const ws = makeWorkspace();
  await serve(world, ws);
  world.browser = await chromium.launch({
    executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'], headless: true,
  });
  shared.api = {
    admin: await apiSignIn(USERS.admin),
    sourcing: await apiSignIn(USERS.sourcing),
    supplier: await apiSignIn(USERS.supplier),
  };
  console.log(`dashboard test: ${world.base} serving ${WEB_DIR}; screenshots in ${ARTIFACTS}`);
  const failures = [];
  for (const { name, run } of scenarios) {
    const t = Date.now();
    try {
      await run();
      console.log(`ok   ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failures.push(name);
      console.log(`FAIL ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)\n     ${String(error.stack || error).split('\n').slice(0, 6).join('\n     ')}`);
      for (const context of world.browser.contexts()) {
        for (const [i, page] of context.pages().entries()) {
          await page.screenshot({ path: path.join(ARTIFACTS, `failed-${scenarios.findIndex((s) => s.name === name)}-${i}.png`), fullPage: true }).catch(() => {});
        }
      }
      if (name.startsWith('sign in')) break;
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failures.length) {
    console.log(`\nthe last lines of the server's log:\n  ${world.log.slice(-15).join('  ')}`);
    console.log(`\ndashboard test: ${failures.length} of ${scenarios.length} scenarios FAILED in ${seconds} s`);
    return 1;
  }
  console.log(`dashboard test: all ${scenarios.length} scenarios passed in ${seconds} s`);
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    if (world.server) world.server.kill('SIGTERM');
    if (world.dir) rmSync(world.dir, { recursive: true, force: true });
    process.exit(130);
  });
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`dashboard test: error: ${error.stack || error}`);
  if (world.log.length) console.error(`server log:\n  ${world.log.slice(-15).join('  ')}`);
} finally {
  if (world.browser) await world.browser.close().catch(() => {});
  await stopServer();
  if (world.dir) rmSync(world.dir, { recursive: true, force: true });
}
process.exit(code);
