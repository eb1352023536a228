// Suppliers: every supplier with its qualification, last audit and unresolved red flags, and one
// supplier's whole file — record, people, visits and findings, agreements, orders and flags.

import { api, apiAll, enc, query } from '../api.js';
import { badge, emptyState, errorBox, h, onSubmit, replace, section, table } from '../dom.js';
import { capitalize, isoDate, number, percent } from '../format.js';
import { can } from '../session.js';
import {
  answerText, certificateList, findingsTable, ordersTable, severityBadge, statusBadge, supplierRecordFields, visitSummary,
} from './common.js';
import { agreementsTable } from './agreements.js';

export async function suppliersView(ctx) {
  if (ctx.rest[0]) return supplierDetail(ctx, ctx.rest[0]);
  ctx.root.append(h('p', { class: 'intro' },
    'Every supplier on file, with its qualification, its latest on-site audit and its unresolved red flags. ',
    'Open a supplier for its people, visits, agreements and orders.'));
  const [suppliers, qualification, flags, visits] = await Promise.all([
    apiAll('/api/suppliers?limit=500'),
    apiAll('/api/qualification?limit=500'),
    apiAll('/api/flags?limit=500'),
    apiAll('/api/visits?limit=500'),
  ]);
  if (!suppliers.length) {
    ctx.root.append(emptyState('No suppliers yet. Imported suppliers show here with their qualification.'));
    return;
  }
  const qual = Object.fromEntries(qualification.map((q) => [q.supplier, q]));
  const lastAudit = {};
  for (const v of visits) {
    if (v.kind !== 'audit') continue;
    if (!lastAudit[v.supplier] || v.date > lastAudit[v.supplier].date) lastAudit[v.supplier] = v;
  }
  const flagCount = countFlags(flags, visits);

  const filter = h('input', { id: 'supplier-filter', type: 'search', value: ctx.params.get('q') || '',
    placeholder: 'id, name, city, status, tier…', 'aria-controls': 'supplier-table' });
  const counter = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const rows = suppliers.map((s) => supplierRow(s, qual[s.id], lastAudit[s.id], flagCount[s.id] || 0));
  const tbl = table({
    caption: 'Suppliers',
    captionHidden: true,
    columns: ['Id', 'Name', 'City', 'Status', 'Risk tier', 'Qualified until', 'Certificates', 'Last audit',
      { label: 'Open flags', title: 'Red flags not yet resolved' }],
    rows,
  });
  tbl.id = 'supplier-table';
  const apply = () => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    rows.forEach((row) => {
      const visible = words.every((w) => row.dataset.search.includes(w));
      row.hidden = !visible;
      shown += visible ? 1 : 0;
    });
    counter.textContent = `${shown} of ${rows.length} suppliers shown.`;
    history.replaceState(null, '', `#/suppliers${query({ q: filter.value.trim() })}`);
  };
  filter.addEventListener('input', apply);
  ctx.root.append(
    h('div', { class: 'field filter' }, h('label', { for: 'supplier-filter' }, 'Filter suppliers'), filter),
    counter, h('div', { class: 'table-scroll' }, tbl));
  apply();
}

// Unresolved flags per supplier: on the supplier itself or on a finding of a visit to it.
function countFlags(flags, visits) {
  const visitSupplier = Object.fromEntries(visits.map((v) => [v.id, v.supplier]));
  const counts = {};
  for (const f of flags) {
    if (f.state === 'resolved') continue;
    const [kind, id] = f.subject.split('/');
    const supplier = kind === 'supplier' ? id : kind === 'finding' ? visitSupplier[id] : null;
    if (supplier) counts[supplier] = (counts[supplier] || 0) + 1;
  }
  return counts;
}

function supplierRow(s, q, audit, flags) {
  const status = (q && q.status) || s.status;
  const until = (q && q.qualified_until) || s.qualified_until;
  const tier = (q && q.tier) || s.tier;
  const search = [s.id, s.name, s.legal_name, s.city, s.province, status, tier].filter(Boolean).join(' ').toLowerCase();
  return h('tr', { 'data-supplier': s.id, 'data-search': search },
    h('th', { scope: 'row' }, h('a', { href: `#/suppliers/${enc(s.id)}` }, s.id)),
    h('td', {}, h('a', { href: `#/suppliers/${enc(s.id)}` }, s.name), s.trusted ? [' ', badge('Trusted', 'trusted')] : null),
    h('td', {}, s.city || '—'),
    h('td', {}, statusBadge(status)),
    h('td', {}, tier || '—'),
    h('td', {}, until || '—'),
    h('td', {}, certificateList(q && q.certificates)),
    h('td', {}, audit ? h('span', {}, audit.date, h('br'), `${number(audit.score)}% `, statusBadge(audit.result))
      : h('span', { class: 'muted' }, 'never audited')),
    h('td', { class: 'num' }, flags
      ? h('a', { href: `#/flags${query({ subject: `supplier/${s.id}` })}`, title: 'Red flags on this supplier' }, String(flags))
      : '0'));
}

async function supplierDetail(ctx, id) {
  ctx.beforeHeading(h('p', { class: 'breadcrumb' }, h('a', { href: '#/suppliers' }, '← All suppliers')));
  let record;
  try {
    record = (await api(`/api/suppliers/${enc(id)}`)).supplier;
  } catch (error) {
    ctx.setTitle(`Supplier ${id}`);
    ctx.root.append(errorBox(error));
    return;
  }
  ctx.setTitle(`${record.id} · ${record.name}`);
  const [people, qualification, visits, agreements, orders, flags] = await Promise.all([
    api(`/api/suppliers/${enc(id)}/people`).then((r) => r.items || []),
    apiAll('/api/qualification?limit=500').then((items) => items.find((q) => q.supplier === id)),
    apiAll(`/api/visits${query({ supplier: id, limit: 500 })}`),
    apiAll(`/api/agreements${query({ supplier: id, limit: 500 })}`),
    apiAll(`/api/orders${query({ supplier: id, limit: 500 })}`),
    apiAll('/api/flags?limit=500'),
  ]);
  const visitIds = new Set(visits.map((v) => v.id));
  const ownFlags = flags.filter((f) => f.subject === `supplier/${id}`
    || (f.subject.startsWith('finding/') && visitIds.has(f.subject.split('/')[1])));

  ctx.root.append(
    h('p', { class: 'lead' }, statusBadge((qualification && qualification.status) || record.status), ' ',
      record.trusted ? badge('Trusted', 'trusted') : null, ' ',
      record.legal_name ? h('span', { lang: 'zh' }, record.legal_name) : null),
    h('div', { class: 'columns' },
      section('Record', supplierRecordFields(record)),
      section('Qualification', qualificationFields(qualification, record))),
    section(`Red flags (${ownFlags.length})`, ownFlags.length
      ? table({
        caption: 'Unresolved red flags', captionHidden: true,
        columns: ['Flag', 'Severity', 'State', 'What'],
        rows: ownFlags.map((f) => [{ th: h('a', { href: `#/flags${query({ subject: f.subject })}` }, f.id) },
          severityBadge(f.severity), statusBadge(f.state), f.summary]),
      })
      : emptyState('No unresolved red flag on this supplier.')),
    section('People', people.length
      ? table({
        caption: 'People on file', captionHidden: true,
        columns: ['Name', 'Role', 'Email', 'Phone', 'Contact'],
        rows: people.map((p) => [{ th: p.name }, p.role || '—', p.email || '—', p.phone || '—', p.contact ? 'Yes' : 'No']),
      })
      : emptyState('No people on file.')),
    visitsSection(ctx, id, visits),
    section('Agreements', agreementsTable(agreements, { showSupplier: false })),
    section('Purchase orders', ordersTable(orders, { showSupplier: false })));
}

function qualificationFields(q, record) {
  const pairs = [
    ['Status', statusBadge((q && q.status) || record.status)],
    ['Risk tier', (q && q.tier) || record.tier],
    ['Qualified until', (q && q.qualified_until) || record.qualified_until],
    ['Certificates', certificateList(q && q.certificates)],
    ['Last assessment', q && q.last_assessment],
    ['Exposure cap', percent(q && q.max_exposure_share !== undefined ? q.max_exposure_share : record.max_exposure_share)],
  ];
  return h('dl', { class: 'fields' }, pairs.map(([label, value]) => [h('dt', {}, label),
    h('dd', {}, value === null || value === undefined || value === '' ? h('span', { class: 'muted' }, '—') : value)]));
}

// The visits with their findings; oversight records a visit, and a finding on any visit, here.
function visitsSection(ctx, supplier, visits) {
  const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { id: 'visit-list' });
  const reload = async (message, focusSelector) => {
    try {
      const fresh = await apiAll(`/api/visits${query({ supplier, limit: 500 })}`);
      show(fresh);
      status.textContent = message || '';
      if (focusSelector) list.querySelector(focusSelector)?.focus();
    } catch (error) {
      replace(list, errorBox(error));
    }
  };
  const show = (items) => replace(list, items.length
    ? items.map((v) => visitBlock(v, ctx, reload))
    : emptyState('Nobody has visited or audited this supplier yet.'));
  show(visits);
  return section('Visits and findings', status,
    can('visits:record') ? visitForm(supplier, reload) : null, list);
}

function inputField(id, label, input, hint) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input,
    hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null);
}

function visitForm(supplier, reload) {
  const kind = h('select', { id: 'visit-kind', name: 'kind', required: true },
    [['audit', 'Audit'], ['visit', 'Visit'], ['owner-visit', 'Owner visit']].map(([value, label]) => h('option', { value }, label)));
  kind.value = 'visit';
  const date = h('input', { id: 'visit-date', name: 'date', type: 'date', required: true, value: isoDate(new Date()) });
  const by = h('input', { id: 'visit-by', name: 'by', type: 'text', required: true, 'aria-describedby': 'visit-by-hint' });
  const note = h('textarea', { id: 'visit-note', name: 'note', rows: 2, maxlength: 4000 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Record visit');
  const form = h('form', { class: 'record-form', id: 'visit-form' },
    h('h3', {}, 'Record a visit'),
    h('div', { class: 'inline-form' },
      inputField('visit-kind', 'Kind', kind),
      inputField('visit-date', 'Date', date),
      inputField('visit-by', 'Who visited', by, 'names, separated by commas')),
    inputField('visit-note', 'Note', note),
    error, h('div', { class: 'buttons' }, submit));
  const names = () => by.value.split(',').map((n) => n.trim()).filter(Boolean);
  return onSubmit(form, {
    submit, error, reenable: true,
    check: () => (!date.value || !names().length
      ? { message: 'Give the date and who visited.', focus: date.value ? by : date } : null),
    send: async () => {
      const made = await api('/api/visits', { method: 'POST', body: {
        supplier, kind: kind.value, date: date.value, by: names(), note: note.value.trim() || undefined,
      } });
      by.value = '';
      note.value = '';
      await reload(`Visit ${made.visit} recorded.`, `[data-visit="${CSS.escape(made.visit)}"] h3`);
    },
  });
}

const SEVERITIES = ['critical', 'major', 'minor', 'observation'];

// "Add a finding" opens a form under the visit's findings.
function findingForm(visit, reload) {
  const box = h('div', { class: 'add-finding' });
  const open = () => {
    const p = `finding-${visit.id}`;
    const severity = h('select', { id: `${p}-severity`, name: 'severity', required: true },
      SEVERITIES.map((s) => h('option', { value: s }, capitalize(s))));
    severity.value = 'major';
    const description = h('textarea', { id: `${p}-description`, name: 'description', rows: 2, required: true, maxlength: 4000 });
    const action = h('input', { id: `${p}-action`, name: 'action', type: 'text' });
    const owner = h('input', { id: `${p}-owner`, name: 'owner', type: 'text' });
    const due = h('input', { id: `${p}-due`, name: 'due', type: 'date' });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Add finding');
    const form = h('form', { class: 'record-form', 'data-finding-form': visit.id },
      h('h4', {}, `New finding on ${visit.id}`),
      inputField(`${p}-description`, 'What was found', description),
      h('div', { class: 'inline-form' },
        inputField(`${p}-severity`, 'Severity', severity),
        inputField(`${p}-action`, 'Corrective action', action),
        inputField(`${p}-owner`, 'Owner', owner),
        inputField(`${p}-due`, 'Due', due)),
      error,
      h('div', { class: 'buttons' }, submit, h('button', { type: 'button', onclick: reset }, 'Cancel')));
    onSubmit(form, {
      submit, error,
      check: () => (description.value.trim() ? null : { message: 'Say what was found.', focus: description }),
      send: async () => {
        const body = { severity: severity.value, description: description.value.trim() };
        if (action.value.trim()) body.action = action.value.trim();
        if (owner.value.trim()) body.owner = owner.value.trim();
        if (due.value) body.due = due.value;
        const finding = await api(`/api/visits/${enc(visit.id)}/findings`, { method: 'POST', body });
        await reload(`Finding ${finding.id} added to ${visit.id}.`, `[data-visit="${CSS.escape(visit.id)}"] h3`);
      },
    });
    replace(box, form);
    description.focus();
  };
  const reset = () => replace(box, h('button', { type: 'button', class: 'small', 'data-add-finding': visit.id, onclick: open }, 'Add a finding'));
  reset();
  return box;
}

function visitBlock(v, ctx, reload) {
  const closeCell = can('findings:close')
    ? (visit, f) => h('div', {}, answerText(f), f.state !== 'closed' ? closeButton(visit, f, ctx) : null)
    : null;
  return h('article', { class: 'visit', 'data-visit': v.id },
    h('h3', { tabindex: '-1' }, `${v.id} · `, visitSummary(v)),
    h('p', { class: 'meta' },
      v.by && v.by.length ? `By ${v.by.join(', ')}. ` : '',
      v.checklist ? `Checklist: ${v.checklist}. ` : '',
      v.headcount_seen ? `Headcount seen: ${number(v.headcount_seen)}. ` : '',
      v.capacity_seen ? `Capacity seen: ${number(v.capacity_seen)}. ` : ''),
    v.note ? h('p', {}, h('span', { class: 'label' }, 'Note: '), v.note) : null,
    v.sites_seen && v.sites_seen.length ? h('p', {}, h('span', { class: 'label' }, 'Sites seen: '), v.sites_seen.join('; ')) : null,
    v.subcontractors_seen && v.subcontractors_seen.length
      ? h('p', { class: 'warn-text' }, h('span', { class: 'label' }, 'Subcontractors seen: '), v.subcontractors_seen.join('; ')) : null,
    findingsTable(v, closeCell),
    can('visits:record') ? findingForm(v, reload) : null);
}

// Closing a finding asks for a second click, so a stray click closes nothing.
function closeButton(visit, f, ctx) {
  const box = h('div', { class: 'close-finding' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const ask = () => {
    const confirm = h('button', { type: 'button', class: 'small primary' }, `Confirm: close ${f.id}`);
    const cancel = h('button', { type: 'button', class: 'small', onclick: () => { reset(); } }, 'Cancel');
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try {
        await api(`/api/visits/${enc(visit.id)}/findings/${enc(f.id)}/close`, { method: 'POST', body: {} });
        ctx.refresh();
      } catch (err) {
        confirm.disabled = false;
        error.textContent = err.message;
      }
    });
    replace(box, h('p', { class: 'hint' }, 'Close it once the answer is checked on site.'), confirm, ' ', cancel, error);
    confirm.focus();
  };
  const reset = () => replace(box, h('button', { type: 'button', class: 'small', onclick: ask }, `Close finding ${f.id}`), error);
  reset();
  return box;
}
