// moat's dashboard: sign-in, the navigation each role may use, and a hash router that renders one
// page at a time into <main>, moving focus to the page's heading so keyboard and screen-reader
// users know where they are.

import { api, ApiError, onSessionEnded, setCsrfToken } from './api.js';
import { errorBox, h, replace } from './dom.js';
import { can, isSupplier, ROLE_NAMES, session, setSession, STAFF } from './session.js';
import { agreementsView } from './views/agreements.js';
import { flagsView } from './views/flags.js';
import { ipView } from './views/ip.js';
import { launchView } from './views/launch.js';
import { ledgerView } from './views/ledger.js';
import { planView } from './views/plan.js';
import { portalView } from './views/portal.js';
import { releasesView } from './views/releases.js';
import { suppliersView } from './views/suppliers.js';
import { watchView } from './views/watch.js';

// One row per page: the first path segment, its title, who may open it, and how it renders.
const PAGES = [
  { path: 'launch', title: 'Launch readiness', roles: STAFF, view: launchView },
  { path: 'flags', title: 'Red flags', roles: STAFF, view: flagsView },
  { path: 'ip', title: 'IP deadlines', roles: STAFF, view: ipView },
  { path: 'suppliers', title: 'Suppliers', roles: STAFF, view: suppliersView },
  { path: 'plan', title: 'Sourcing plan', roles: STAFF, view: planView },
  { path: 'agreements', title: 'Agreements and orders', roles: STAFF, view: agreementsView },
  { path: 'ledger', title: 'Ledger', roles: STAFF, view: ledgerView },
  { path: 'releases', title: 'Releases', roles: STAFF, view: releasesView },
  { path: 'watch', title: 'Counterfeit watch', roles: STAFF, view: watchView },
  { path: 'portal', title: 'Overview', roles: ['supplier'], view: portalView },
];

const PORTAL_TITLES = { '': 'Overview', findings: 'Findings to answer', agreements: 'Agreements and orders', downloads: 'Design files for you' };

const NAV = [
  { href: '#/launch', label: 'Launch readiness', roles: STAFF, match: 'launch' },
  { href: '#/flags', label: 'Red flags', roles: STAFF, match: 'flags' },
  { href: '#/ip', label: 'IP deadlines', roles: STAFF, match: 'ip' },
  { href: '#/suppliers', label: 'Suppliers', roles: STAFF, match: 'suppliers' },
  { href: '#/plan', label: 'Sourcing plan', roles: STAFF, match: 'plan' },
  { href: '#/agreements', label: 'Agreements and orders', roles: STAFF, match: 'agreements' },
  { href: '#/ledger', label: 'Ledger', roles: STAFF, match: 'ledger' },
  { href: '#/releases', label: 'Releases', roles: STAFF, match: 'releases' },
  { href: '#/watch', label: 'Counterfeit watch', roles: STAFF, match: 'watch' },
  { href: '#/portal', label: 'Overview', roles: ['supplier'], match: 'portal' },
  { href: '#/portal/findings', label: 'Findings to answer', roles: ['supplier'], match: 'portal/findings' },
  { href: '#/portal/agreements', label: 'Agreements and orders', roles: ['supplier'], match: 'portal/agreements' },
  { href: '#/portal/downloads', label: 'Design files for you', roles: ['supplier'], match: 'portal/downloads' },
];

const el = {};
let renderCount = 0;
let signInShown = false;

function landing() {
  return isSupplier() ? '#/portal' : '#/launch';
}

// "#/suppliers/F04?q=x" → {segments: ['suppliers', 'F04'], params}
function parseHash() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const [path, search = ''] = hash.split('?');
  return { segments: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}

function pageFor(segments) {
  const page = PAGES.find((p) => p.path === segments[0]);
  return page && page.roles.includes(session().role) ? page : null;
}

function navigate(hash) {
  if (location.hash === hash) route({ focus: true });
  else location.hash = hash;
}

async function route({ focus = true } = {}) {
  if (!session()) {
    showSignIn();
    return;
  }
  const { segments, params } = parseHash();
  const page = pageFor(segments);
  if (!page) {
    location.replace(landing());
    return;
  }
  const count = ++renderCount;
  const rest = segments.slice(1);
  const title = page.path === 'portal' ? PORTAL_TITLES[rest[0] || ''] || 'Overview' : page.title;
  const heading = h('h1', { id: 'page-title', tabindex: '-1' }, title);
  const root = h('div', { class: 'page', 'data-page': page.path });
  replace(el.main, heading, root);
  el.main.setAttribute('aria-busy', 'true');
  document.title = `${title} · moat`;
  markNav(segments.join('/'));
  if (focus) heading.focus();
  const ctx = {
    root, params, rest, navigate,
    isCurrent: () => count === renderCount,
    setTitle: (text) => {
      heading.textContent = text;
      document.title = `${text} · moat`;
    },
    refresh: () => route({ focus: false }),
    beforeHeading: (node) => el.main.insertBefore(node, heading),
  };
  try {
    await page.view(ctx);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401) && ctx.isCurrent()) root.append(errorBox(error));
  } finally {
    if (ctx.isCurrent()) el.main.setAttribute('aria-busy', 'false');
  }
}

function markNav(path) {
  for (const a of el.navList.querySelectorAll('a')) {
    const match = a.dataset.match;
    const current = path === match || (match !== 'portal' && path.startsWith(`${match}/`));
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function renderChrome() {
  const who = session();
  el.nav.hidden = !who;
  el.userBox.hidden = !who;
  if (!who) {
    replace(el.navList);
    return;
  }
  el.userName.textContent = who.name;
  el.userRole.textContent = ROLE_NAMES[who.role] || who.role;
  el.userSupplier.textContent = who.supplier ? ` · ${who.supplier}` : '';
  replace(el.navList, ...NAV.filter((item) => item.roles.includes(who.role))
    .map((item) => h('li', {}, h('a', { href: item.href, 'data-match': item.match }, item.label))));
  el.navRole.textContent = can('staff') ? '' : 'Supplier portal';
}

function startSession(me) {
  setSession(me);
  setCsrfToken(me.csrf_token);
  signInShown = false;
  renderChrome();
}

function endSession() {
  setSession(null);
  setCsrfToken(null);
  renderChrome();
}

function showSignIn(message = '') {
  if (signInShown && !message) return;
  signInShown = true;
  document.title = 'Sign in · moat';
  const error = h('p', { class: 'form-error', id: 'signin-error', role: 'alert' }, message);
  const name = h('input', { id: 'signin-name', name: 'name', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'signin', id: 'signin-form', method: 'post', action: '/api/login', 'aria-describedby': 'signin-error' },
    h('div', { class: 'field' }, h('label', { for: 'signin-name' }, 'User name'), name),
    h('div', { class: 'field' }, h('label', { for: 'signin-password' }, 'Password'), password),
    error, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      const me = await api('/api/login', { method: 'POST', body: { name: name.value.trim(), password: password.value } });
      startSession(me);
      const { segments } = parseHash();
      if (!pageFor(segments)) location.replace(landing());
      route({ focus: true });
    } catch (err) {
      submit.disabled = false;
      password.value = '';
      error.textContent = err.status === 429
        ? 'Too many failed sign-ins from here. Wait a minute, then try again.'
        : err.message;
      (name.value ? password : name).focus();
    }
  });
  const heading = h('h1', { id: 'page-title', tabindex: '-1' }, 'Sign in');
  replace(el.main, h('div', { class: 'signin-page' }, heading,
    h('p', { class: 'intro' }, 'moat keeps your product’s design safe across its suppliers in China: launch readiness, ',
      'red flags, IP deadlines, suppliers and the sourcing plan. Sign in with the account your administrator gave you.'),
    form));
  el.main.setAttribute('aria-busy', 'false');
  if (message) heading.focus();
}

async function signOut() {
  try {
    await api('/api/logout', { method: 'POST' });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      el.status.textContent = `Signing out failed: ${error.message}`;
      return;
    }
  }
  endSession();
  signInShown = false;
  showSignIn();
  el.main.querySelector('h1').focus();
}

async function boot() {
  for (const id of ['main', 'nav', 'nav-list', 'nav-role', 'user-box', 'user-name', 'user-role', 'user-supplier', 'sign-out', 'status', 'skip-link']) {
    el[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = document.getElementById(id);
  }
  el.signOut.addEventListener('click', signOut);
  el.skipLink.addEventListener('click', (event) => {
    event.preventDefault();
    (el.main.querySelector('h1') || el.main).focus();
  });
  onSessionEnded(() => {
    if (!session()) return;
    endSession();
    showSignIn('Your session has ended. Sign in again to continue where you were.');
  });
  window.addEventListener('hashchange', () => {
    if (location.hash.startsWith('#/') || location.hash === '') route({ focus: true });
  });
  try {
    startSession(await api('/api/me'));
    route({ focus: false });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      endSession();
      showSignIn();
    } else {
      replace(el.main, h('h1', { id: 'page-title', tabindex: '-1' }, 'moat is not available'), errorBox(error));
    }
  }
}

boot();
