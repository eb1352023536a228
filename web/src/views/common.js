// Pieces several pages share: the product picker, supplier names, visits and findings.

import { badge, emptyState, fields, h, table } from '../dom.js';
import { capitalize, number, money } from '../format.js';

export function pickProduct(products, wanted) {
  return products.find((p) => p.id === wanted) || products[0];
}

// A product chooser, shown only when there is a choice to make.
export function productPicker(products, product, onChange) {
  if (products.length < 2) return null;
  const select = h('select', { id: 'product-picker' },
    products.map((p) => h('option', { value: p.id }, `${p.name} (${p.id})`)));
  select.value = product.id;
  select.addEventListener('change', () => onChange(select.value));
  return h('div', { class: 'field picker' }, h('label', { for: 'product-picker' }, 'Product'), select);
}

export function statusBadge(status) {
  return status ? badge(capitalize(status), status) : h('span', { class: 'muted' }, '—');
}

export function severityBadge(severity) {
  return badge(capitalize(severity), `sev-${severity}`);
}

// "ISO 9001:2015 expired 2026-05-31" is shown as a warning, the others as plain text.
export function certificateList(certificates) {
  if (!certificates || !certificates.length) return h('span', { class: 'muted' }, 'none on file');
  return h('ul', { class: 'plain' }, certificates.map((c) =>
    h('li', { class: /expired/i.test(c) ? 'warn-text' : null }, /expired/i.test(c) ? '⚠ ' : null, c)));
}

export function list(values) {
  if (!values || !values.length) return null;
  return values.join(', ');
}

// The findings of one visit as a table; answerCell(finding) may add a form per open finding.
export function findingsTable(visit, answerCell) {
  if (!visit.findings || !visit.findings.length) return emptyState('No findings were recorded on this visit.');
  return table({
    caption: `Findings of visit ${visit.id}`,
    captionHidden: true,
    columns: ['Finding', 'Severity', 'State', 'What was found', 'Action required', 'Due', answerCell ? 'Answer' : 'Answer / closed'],
    rows: visit.findings.map((f) => [
      { th: f.id },
      severityBadge(f.severity),
      statusBadge(f.state),
      f.description,
      f.action || '—',
      f.due || '—',
      answerCell ? answerCell(visit, f) : answerText(f),
    ]),
  });
}

export function answerText(f) {
  return h('div', {},
    f.answer ? h('p', {}, h('span', { class: 'label' }, 'Answer: '), f.answer) : h('p', { class: 'muted' }, 'Not answered yet'),
    f.closed_on ? h('p', { class: 'muted' }, `Closed on ${f.closed_on}${f.closed_by ? ` by ${f.closed_by}` : ''}`) : null);
}

export function visitSummary(visit) {
  const kind = visit.kind === 'owner-visit' ? 'Owner visit' : capitalize(visit.kind || 'visit');
  const bits = [`${kind} on ${visit.date}`];
  if (visit.score !== null && visit.score !== undefined) bits.push(`score ${number(visit.score)}%`);
  return h('span', {}, bits.join(' · '), ' ', visit.result ? statusBadge(visit.result) : null);
}

export function ordersTable(orders, { showSupplier = true, names = {} } = {}) {
  if (!orders.length) return emptyState('No purchase orders on file.');
  const columns = ['Order', showSupplier ? 'Supplier' : null, 'Product / package', 'Issued', 'Quantity',
    'IP clause', 'Penalty', 'Check'].filter(Boolean);
  return table({
    caption: 'Purchase orders',
    captionHidden: true,
    columns,
    rows: orders.map((o) => [
      { th: o.id },
      showSupplier ? h('span', {}, h('a', { href: `#/suppliers/${encodeURIComponent(o.supplier)}` }, o.supplier),
        names[o.supplier] ? h('span', { class: 'subject-name' }, names[o.supplier]) : null) : null,
      `${o.product}${o.package ? ` / ${o.package}` : ''}`,
      o.issued || '—',
      number(o.quantity),
      o.ip_clause || h('span', { class: 'warn-text' }, 'none'),
      o.penalty ? money(o.penalty, o.currency || '') : h('span', { class: 'warn-text' }, 'none'),
      o.ok ? badge('OK', 'pass') : h('div', {}, badge('Problems', 'fail'),
        h('ul', { class: 'plain' }, (o.problems || []).map((p) => h('li', {}, p)))),
    ].filter((c) => c !== null)),
  });
}

export function supplierRecordFields(s) {
  return fields([
    ['Name', s.name],
    ['Legal name (business licence)', s.legal_name],
    ['Unified social credit code', s.uscc ? h('code', {}, s.uscc) : null],
    ['Legal representative', s.legal_rep],
    ['Registered address', s.address],
    ['City, province', [s.city, s.province].filter(Boolean).join(', ')],
    ['Sites', list(s.sites)],
    ['Capabilities', list(s.capabilities)],
    ['Capacity (units)', s.capacity !== null && s.capacity !== undefined ? number(s.capacity) : null],
    ['Headcount', s.headcount !== null && s.headcount !== undefined ? number(s.headcount) : null],
    ['Approved subcontractors', list(s.subcontractors)],
  ]);
}
