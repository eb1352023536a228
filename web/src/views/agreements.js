// Agreements and purchase orders: each agreement's quality check against what makes an NNN
// enforceable in China (each failed check with its reason and fix), those expiring soon, and each
// purchase order's IP clause and penalty.

import { apiAll, query } from '../api.js';
import { badge, emptyState, h, section } from '../dom.js';
import { capitalize } from '../format.js';
import { ordersTable, severityBadge } from './common.js';

export async function agreementsView(ctx) {
  const supplier = ctx.params.get('supplier') || '';
  const focusAgreement = ctx.params.get('agreement') || '';
  ctx.root.append(h('p', { class: 'intro' },
    'An NDA alone does not stop a factory from using or selling your design. moat checks each agreement for what ',
    'makes it enforceable in China — PRC law, the Chinese text controlling, a court where the supplier is, ',
    'liquidated damages, non-use and non-circumvention, chop and legal representative — and each purchase order ',
    'for its IP clause and penalty.'));
  const [agreements, orders, suppliers] = await Promise.all([
    apiAll(`/api/agreements${query({ supplier, limit: 500 })}`),
    apiAll(`/api/orders${query({ supplier, limit: 500 })}`),
    apiAll('/api/suppliers?limit=500'),
  ]);
  const names = Object.fromEntries(suppliers.map((s) => [s.id, s.name]));

  const select = h('select', { id: 'agreement-supplier' },
    h('option', { value: '' }, 'All suppliers'),
    suppliers.map((s) => h('option', { value: s.id }, `${s.id} · ${s.name}`)));
  select.value = supplier;
  select.addEventListener('change', () => ctx.navigate(`#/agreements${query({ supplier: select.value })}`));
  ctx.root.append(h('div', { class: 'field picker' }, h('label', { for: 'agreement-supplier' }, 'Supplier'), select));
  if (supplier) {
    ctx.root.append(h('p', { class: 'hint' }, 'Showing the agreements and orders of ',
      h('a', { href: `#/suppliers/${encodeURIComponent(supplier)}` }, `${supplier}${names[supplier] ? ` · ${names[supplier]}` : ''}`), '.'));
  }

  const failing = agreements.filter((a) => !a.passes).length;
  const expiring = agreements.filter((a) => a.expiring).length;
  const agreementsSection = section('Agreements',
    agreements.length ? h('p', { class: 'summary' },
      `${agreements.length} agreement${agreements.length === 1 ? '' : 's'}: ${failing} failing the quality check, ${expiring} expiring soon.`) : null,
    agreementsTable(agreements, { names, focus: focusAgreement }));
  const ordersSection = section('Purchase orders', ordersTable(orders, { names }));
  ordersSection.id = 'orders';
  ctx.root.append(agreementsSection, ordersSection);
  if (ctx.params.get('focus') === 'orders') ordersSection.scrollIntoView();
  if (focusAgreement) ctx.root.querySelector(`[data-agreement="${CSS.escape(focusAgreement)}"]`)?.scrollIntoView({ block: 'center' });
}

// Agreements as a table; a failing agreement gets a row listing each failed check's title,
// reason and fix under it.
export function agreementsTable(agreements, { showSupplier = true, names = {}, focus = '' } = {}) {
  if (!agreements.length) return emptyState('No agreements on file.');
  const columns = ['Agreement', 'Kind', showSupplier ? 'Binds' : null, 'Products', 'In force', 'Quality check']
    .filter(Boolean);
  const rows = [];
  for (const a of agreements) {
    const parties = a.suppliers && a.suppliers.length ? a.suppliers : [a.supplier].filter(Boolean);
    rows.push(h('tr', { 'data-agreement': a.id, class: a.id === focus ? 'highlight' : null },
      h('th', { scope: 'row' }, a.id),
      h('td', {}, a.kind === 'nnn' ? 'NNN' : capitalize(a.kind || '')),
      showSupplier ? h('td', {}, parties.map((id, i) => [i ? ', ' : '',
        h('a', { href: `#/suppliers/${encodeURIComponent(id)}` }, id),
        names[id] ? h('span', { class: 'subject-name' }, names[id]) : null]),
      a.contracted_by ? h('span', { class: 'subject-name' }, `contracted by ${a.contracted_by}`) : null) : null,
      h('td', {}, a.products && a.products.length ? a.products.join(', ') : h('span', { class: 'muted' }, 'all')),
      h('td', {}, `${a.effective || '?'} – ${a.expires || 'no end'}`, a.expiring ? [' ', badge('Expiring soon', 'warn')] : null),
      h('td', {}, a.passes ? badge('Pass', 'pass') : badge('Fail', 'fail'))));
    const failed = (a.checks || []).filter((c) => !c.passed);
    if (failed.length) {
      rows.push(h('tr', { class: 'subrow' },
        h('td', { colspan: columns.length },
          h('ul', { class: 'failed-checks' }, failed.map((c) => h('li', {},
            severityBadge(c.severity), ' ', h('strong', {}, c.title),
            h('p', {}, h('span', { class: 'label' }, 'Why: '), c.reason),
            c.fix ? h('p', {}, h('span', { class: 'label' }, 'Fix: '), c.fix) : null))))));
    }
  }
  return h('table', { class: 'data agreements' },
    h('caption', { class: 'visually-hidden' }, 'Agreements'),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows));
}
