// The ledger: whether its hash chain and the records still agree (for all staff), and its events
// page by page (for the roles that may read them: admin, legal, oversight).

import { api, query } from '../api.js';
import { badge, emptyState, errorBox, fields, h, replace, section, table } from '../dom.js';
import { dateTime, number } from '../format.js';
import { can } from '../session.js';

const PAGE_SIZES = [25, 50, 100, 250];

export async function ledgerView(ctx) {
  ctx.root.append(h('p', { class: 'intro' },
    'Every change in moat — and every sign-in, refused request and supplier read — is an event in a hash-chained ledger. ',
    'Verifying it recomputes the chain and checks the records against it, so a change made behind moat’s back shows up.'));
  const verifyBox = h('div', {});
  ctx.root.append(section('Integrity', verifyBox));
  let verify = null;
  try {
    verify = await api('/api/audit/verify');
    replace(verifyBox, verifyResult(verify));
  } catch (error) {
    replace(verifyBox, errorBox(error));
  }
  if (!can('ledger:events')) {
    ctx.root.append(h('p', { class: 'hint' }, 'Your role can verify the ledger but not read its events.'));
    return;
  }
  const limit = PAGE_SIZES.includes(Number(ctx.params.get('limit'))) ? Number(ctx.params.get('limit')) : 50;
  const after = ctx.params.has('after') ? Math.max(0, Number(ctx.params.get('after')) || 0)
    : Math.max(0, ((verify && verify.events_checked) || 0) - limit);
  const eventsBox = h('div', {});
  ctx.root.append(section('Events', eventsBox));
  try {
    const page = await api(`/api/audit/log${query({ after: after || null, limit })}`);
    replace(eventsBox, eventsPage(ctx, page, { after, limit, total: verify && verify.events_checked }));
  } catch (error) {
    replace(eventsBox, errorBox(error));
  }
}

function verifyResult(v) {
  return h('div', {},
    h('div', { class: `verdict ${v.ok ? 'verdict-go' : 'verdict-nogo'}`, 'data-verdict': v.ok ? 'ok' : 'broken' },
      h('strong', { class: 'verdict-word' }, v.ok ? 'INTACT' : 'BROKEN'),
      h('span', {}, v.ok ? 'The hash chain is whole and every record matches it.' : 'The ledger does not match: see the problem below.')),
    fields([
      ['Events checked', number(v.events_checked)],
      ['Records checked', number(v.records_checked)],
      ['First bad event', v.first_bad_event === null || v.first_bad_event === undefined ? 'none' : String(v.first_bad_event)],
      ['Problem', v.problem || 'none'],
      ['Records that disagree', v.state_problems && v.state_problems.length
        ? h('ul', { class: 'plain' }, v.state_problems.map((p) => h('li', {}, typeof p === 'string' ? p : JSON.stringify(p))))
        : 'none'],
      ['Witness', v.witness === undefined ? null : v.witness ? 'matches the chain' : 'does not match'],
    ], 'fields inline-fields'));
}

function eventsPage(ctx, page, { after, limit, total }) {
  const items = page.items || [];
  const nextAfter = page.next ? new URL(page.next, location.origin).searchParams.get('after') : null;
  const go = (params) => ctx.navigate(`#/ledger${query({ limit, ...params })}`);
  const sizeSelect = h('select', { id: 'ledger-limit' }, PAGE_SIZES.map((n) => h('option', { value: n }, String(n))));
  sizeSelect.value = String(limit);
  sizeSelect.addEventListener('change', () => ctx.navigate(`#/ledger${query({ after, limit: sizeSelect.value })}`));
  const first = items.length ? items[0].seq : null;
  const last = items.length ? items[items.length - 1].seq : null;
  const pager = h('nav', { class: 'pager', 'aria-label': 'Ledger pages' },
    h('button', { type: 'button', disabled: after <= 0, onclick: () => go({ after: 0 }) }, '« Oldest'),
    h('button', { type: 'button', disabled: after <= 0, onclick: () => go({ after: Math.max(0, after - limit) }) }, '‹ Earlier'),
    h('span', { class: 'pager-info' }, items.length
      ? `Events ${first}–${last}${total ? ` of ${number(total)}` : ''}` : 'No events on this page'),
    h('button', { type: 'button', disabled: !nextAfter, onclick: () => go({ after: nextAfter }) }, 'Later ›'),
    h('button', { type: 'button', onclick: () => go({}) }, 'Newest »'),
    h('label', { for: 'ledger-limit' }, 'Per page'), sizeSelect);
  if (!items.length) return h('div', {}, pager, emptyState('No events here.'));
  return h('div', {}, pager,
    h('div', { class: 'table-scroll' }, table({
      caption: 'Ledger events, oldest first',
      captionHidden: true,
      columns: ['#', 'When', 'Who', 'Action', 'Entity', 'Key', 'Change'],
      rows: items.map((e) => h('tr', { 'data-seq': String(e.seq), 'data-entity': e.entity, 'data-key': e.key },
        h('th', { scope: 'row', class: 'num' }, String(e.seq)),
        h('td', { class: 'nowrap' }, dateTime(e.at)),
        h('td', {}, e.actor),
        h('td', {}, actionBadge(e.action)),
        h('td', {}, e.entity),
        h('td', {}, h('code', {}, e.key)),
        h('td', { class: 'change' }, changeSummary(e)))),
    })),
    pagerCopy(pager));
}

// The same pager under the table; its buttons run the same handlers.
function pagerCopy(pager) {
  const copy = h('nav', { class: 'pager', 'aria-label': 'Ledger pages (bottom)' });
  for (const child of pager.children) {
    if (child.tagName === 'BUTTON') {
      const button = h('button', { type: 'button', disabled: child.disabled }, child.textContent);
      button.addEventListener('click', () => child.click());
      copy.append(button);
    } else if (child.classList.contains('pager-info')) {
      copy.append(h('span', { class: 'pager-info' }, child.textContent));
    }
  }
  return copy;
}

function actionBadge(action) {
  const kind = action === 'denied' ? 'fail' : action === 'sign-in' || action === 'read' ? 'info' : 'neutral';
  return badge(action, kind);
}

// What changed: the fields whose values differ between before and after, then the whole record.
function changeSummary(e) {
  const before = e.before || {};
  const after = e.after || {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const shown = (e.before ? changed : keys).slice(0, 4);
  const line = shown.map((k) => (e.before ? `${k}: ${short(before[k])} → ${short(after[k])}` : `${k}: ${short(after[k])}`));
  return h('div', {},
    h('ul', { class: 'plain' }, line.map((text) => h('li', {}, text))),
    (e.before || e.after) ? h('details', {}, h('summary', {}, 'Full record'),
      h('pre', {}, JSON.stringify({ before: e.before, after: e.after }, null, 2))) : null);
}

function short(value) {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
