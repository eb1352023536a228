// moat's dashboard: sign-in, the navigation each role may use, and a hash router that renders one
// page at a time into <main>, moving focus to the page's heading so keyboard and screen-reader
// users know where they are.

import { api, ApiError, onSessionEnded, setCsrfToken } from './api.js';
import { errorBox, h, onSubmit, replace } from './dom.js';
import { can, isSupplier, ROLE_NAMES, session, setMeta, setSession } from './session.js';
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

// One row per page: the first path segment, its title, who may open it (staff: the owner's
// people, as the route table says), how it renders, and its sub-pages. The navigation is these
// rows, each page and sub-page a link, for those who may open them.
const staff = () => can('staff');
const PAGES = [
  { path: 'launch', title: 'Launch readiness', open: staff, view: launchView },
  { path: 'flags', title: 'Red flags', open: staff, view: flagsView },
  { path: 'ip', title: 'IP deadlines', open: staff, view: ipView },
  { path: 'suppliers', title: 'Suppliers', open: staff, view: suppliersView },
  { path: 'plan', title: 'Sourcing plan', open: staff, view: planView },
  { path: 'agreements', title: 'Agreements and orders', open: staff, view: agreementsView },
  { path: 'ledger', title: 'Ledger', open: staff, view: ledgerView },
  { path: 'releases', title: 'Releases', open: staff, view: releasesView },
  { path: 'watch', title: 'Counterfeit watch', open: staff, view: watchView },
  {
    path: 'portal', title: 'Overview', open: () => isSupplier(), view: portalView,
    pages: { findings: 'Findings to answer', agreements: 'Agreements and orders', downloads: 'Design files for you' },
  },
];

function navItems() {
  return PAGES.filter((page) => page.open()).flatMap((page) => [
    { href: `#/${page.path}`, label: page.title, match: page.path },
    ...Object.entries(page.pages || {}).map(([sub, title]) =>
      ({ href: `#/${page.path}/${sub}`, label: title, match: `${page.path}/${sub}` })),
  ]);
}

function titleOf(page, rest) {
  return (page.pages && page.pages[rest[0]]) || page.title;
}

// What the page being left asked to be done then (charts destroyed, timers stopped).
const leaving = [];

function leavePage() {
  for (const done of leaving.splice(0)) done();
}

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
  return page && page.open() ? page : null;
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
  leavePage();
  const count = ++renderCount;
  const rest = segments.slice(1);
  const title = titleOf(page, rest);
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
    onLeave: (done) => leaving.push(done),
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
  // The name as people write it beside the one signed in with: the latter is who the ledger names.
  // Isolated (<bdi>), so that a name written right to left cannot reorder the parenthesis after it.
  if (who.display_name) replace(el.userName, h('bdi', {}, who.display_name), ` (${who.name})`);
  else el.userName.textContent = who.name;
  el.userRole.textContent = ROLE_NAMES[who.role] || who.role;
  el.userSupplier.textContent = who.supplier ? ` · ${who.supplier}` : '';
  replace(el.navList, ...navItems()
    .map((item) => h('li', {}, h('a', { href: item.href, 'data-match': item.match }, item.label))));
  el.navRole.textContent = can('staff') ? '' : 'Supplier portal';
}

async function startSession(me) {
  setMeta(await api('/api/meta'));
  setSession(me);
  setCsrfToken(me.csrf_token);
  signInShown = false;
  renderChrome();
}

function endSession() {
  leavePage();
  setSession(null);
  setMeta(null);
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
  onSubmit(form, {
    submit, error,
    send: async () => {
      const me = await api('/api/login', { method: 'POST', body: { name: name.value.trim(), password: password.value } });
      await startSession(me);
      const { segments } = parseHash();
      if (!pageFor(segments)) location.replace(landing());
      route({ focus: true });
    },
    failed: (err) => {
      password.value = '';
      // The server's own words: for a sign-in that must wait, how long (its Retry-After).
      error.textContent = err.message;
      (name.value ? password : name).focus();
    },
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
    await startSession(await api('/api/me'));
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
