// The supplier portal: what a supplier user may see of its own file — its record and
// qualification, the work packages it makes, the findings of our visits it must answer, its
// agreements and purchase orders. It calls only routes open to the supplier role.

import { api, apiAll, enc } from '../api.js';
import { emptyState, errorBox, fields, h, onSubmit, replace, section, table } from '../dom.js';
import { number } from '../format.js';
import { session } from '../session.js';
import {
  answerText, certificateList, ordersTable, severityBadge, statusBadge, supplierRecordFields, visitSummary,
} from './common.js';
import { agreementsTable } from './agreements.js';

export async function portalView(ctx) {
  const me = session();
  if (!me.supplier) {
    ctx.root.append(errorBox('This account is not bound to a supplier. Ask your contact to fix the account.'));
    return;
  }
  const record = (await api(`/api/suppliers/${enc(me.supplier)}`)).supplier;
  const page = ctx.rest[0] || '';
  const lead = h('p', { class: 'lead supplier-name' }, h('strong', {}, record.name), ` (${record.id})`);
  ctx.root.prepend(lead);
  if (page === 'findings') return findingsPage(ctx, record);
  if (page === 'agreements') return agreementsPage(ctx);
  if (page === 'downloads') return downloadsPage(ctx, me);
  return overviewPage(ctx, record);
}

async function overviewPage(ctx, record) {
  ctx.root.append(h('p', { class: 'intro' },
    'Your company’s file with us: your qualification, the work you make for us, and the details we hold. ',
    'If anything here is wrong, tell your contact.'));
  const [qualification, products] = await Promise.all([
    apiAll('/api/qualification?limit=500').then((items) => items.find((q) => q.supplier === record.id)),
    api('/api/products').then((r) => r.items || []),
  ]);
  const packages = await Promise.all(products.map((p) =>
    api(`/api/products/${enc(p.id)}/packages`).then((r) => [p, r.items || []])));
  ctx.root.append(
    section('Qualification', qualification ? fields([
      ['Status', statusBadge(qualification.status)],
      ['Risk tier', qualification.tier],
      ['Qualified until', qualification.qualified_until],
      ['Certificates', certificateList(qualification.certificates)],
      ['Last assessment', qualification.last_assessment],
    ]) : emptyState('You have not been assessed yet.')),
    section('Your work packages', packages.some(([, items]) => items.length)
      ? h('div', {}, h('p', { class: 'hint' }, 'The confidential design secrets each package exposes to you are named: ',
        'keep them within your company, as your agreement requires.'),
      packages.filter(([, items]) => items.length).map(([product, items]) => table({
        caption: `${product.name}`,
        columns: ['Package', 'Name', 'Process', 'Units', 'Confidential secrets'],
        rows: items.map((p) => [{ th: p.id }, p.name, p.step || '—',
          number(p.units ?? p.volume),
          p.secrets && p.secrets.length ? p.secrets.map((s) => s.name).join(', ') : h('span', { class: 'muted' }, 'none')]),
      })))
      : emptyState('No work is assigned to you in an approved plan yet.')),
    section('Your record', supplierRecordFields(record)),
    section('People we have on file', await peopleTable(record.id)));
}

async function peopleTable(id) {
  const people = (await api(`/api/suppliers/${enc(id)}/people`)).items || [];
  if (!people.length) return emptyState('No people on file.');
  return table({
    caption: 'People on file', captionHidden: true,
    columns: ['Name', 'Role', 'Email', 'Phone'],
    rows: people.map((p) => [{ th: p.name }, p.role || '—', p.email || '—', p.phone || '—']),
  });
}

async function findingsPage(ctx, record) {
  ctx.root.append(h('p', { class: 'intro' },
    'What our visits and audits found at your sites. Answer each open finding with what you did about it; ',
    'we close a finding once we have checked your answer.'));
  const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
  const box = h('div', {});
  ctx.root.append(status, box);
  const render = async (message, focusId) => {
    const visits = await apiAll('/api/visits?limit=500');
    const open = visits.flatMap((v) => v.findings || []).filter((f) => f.state === 'open').length;
    replace(box,
      h('p', { class: 'summary' }, open ? `${open} finding${open === 1 ? '' : 's'} to answer.` : 'No finding is waiting for your answer.'),
      visits.length ? visits.map((v) => h('section', { class: 'panel visit', 'data-visit': v.id },
        h('h2', {}, `${v.id} · `, visitSummary(v)),
        v.findings && v.findings.length
          ? h('ol', { class: 'cards findings' }, v.findings.map((f) => findingCard(v, f, render)))
          : emptyState('No findings were recorded on this visit.')))
        : emptyState(`No visits to ${record.name} are on file.`));
    if (message) status.textContent = message;
    if (focusId) box.querySelector(`[data-finding="${CSS.escape(focusId)}"]`)?.focus();
  };
  await render();
}

// One finding: what was found, what we ask for, and the answer form while it is not closed.
function findingCard(visit, f, render) {
  const key = `${visit.id}-${f.id}`;
  return h('li', { class: `card finding finding-${f.state}`, 'data-finding': key, tabindex: '-1' },
    h('div', { class: 'card-head' }, severityBadge(f.severity), ' ', statusBadge(f.state),
      h('h3', {}, `Finding ${f.id}`), f.due ? h('span', { class: 'subject' }, `Due ${f.due}`) : null),
    h('p', {}, h('span', { class: 'label' }, 'What was found: '), f.description),
    f.action ? h('p', {}, h('span', { class: 'label' }, 'Action required: '), f.action) : null,
    f.state === 'closed' ? answerText(f) : answerForm(visit, f, key, render));
}

function answerForm(visit, f, key, render) {
  const id = `answer-${key}`;
  const textarea = h('textarea', { id, name: 'answer', rows: 3, required: true, maxlength: 4000 });
  if (f.answer) textarea.value = f.answer;
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, f.answer ? 'Update answer' : 'Send answer');
  const form = h('form', { class: 'answer-form', 'data-finding-form': key },
    f.state === 'answered' ? h('p', { class: 'hint' }, 'Answered — waiting for us to check it. You can still update your answer.') : null,
    h('label', { for: id }, `Your answer to finding ${f.id} of visit ${visit.id}`), textarea, error, submit);
  return onSubmit(form, {
    submit, error,
    check: () => (textarea.value.trim() ? null
      : { message: 'Write what you did about this finding before sending.', focus: textarea }),
    send: async () => {
      const answer = textarea.value.trim();
      await api(`/api/visits/${enc(visit.id)}/findings/${enc(f.id)}/answer`, { method: 'POST', body: { answer } });
      await render(`Your answer to finding ${f.id} of visit ${visit.id} was sent.`, key);
    },
  });
}

async function agreementsPage(ctx) {
  ctx.root.append(h('p', { class: 'intro' },
    'The agreements that bind you and your purchase orders. Where an agreement misses something, the points to amend are listed.'));
  const [agreements, orders] = await Promise.all([
    apiAll('/api/agreements?limit=500'),
    apiAll('/api/orders?limit=500'),
  ]);
  ctx.root.append(
    section('Agreements', agreementsTable(agreements, { showSupplier: false })),
    section('Purchase orders', ordersTable(orders, { showSupplier: false })));
}


// The copies made for this user's own person, from releases to its supplier; those of a revoked or
// expired release are listed without a link (the server answers 410 for them anyway).
async function downloadsPage(ctx, me) {
  ctx.root.append(h('p', { class: 'intro' },
    'The design files released to you, each copy made for you alone. Keep them within your company as your agreement ',
    'requires, and return or destroy them when the release ends. Every download is recorded.'));
  if (!me.person) {
    ctx.root.append(emptyState('This account is not linked to a person on file at your company, so no copy is yours to download. Ask your contact.'));
    return;
  }
  const releases = await apiAll('/api/releases?limit=500');
  const rows = [];
  for (const r of releases) {
    for (const c of r.copies || []) rows.push([r, c]);
  }
  if (!rows.length) {
    ctx.root.append(emptyState('Nothing has been released to you.'));
    return;
  }
  ctx.root.append(table({
    caption: 'Design files released to you', captionHidden: true,
    columns: ['File', 'Release', 'Package', 'Since', 'Until', 'Download'],
    rows: rows.map(([r, c]) => [{ th: c.name }, r.id, r.package, r.date, r.expires || '—',
      r.state === 'active'
        ? h('a', { href: `/api/copies/${enc(c.id)}/download`, download: c.name.split('/').pop(), 'data-copy': c.id }, 'Download')
        : h('span', { class: 'muted' }, r.state === 'revoked' ? 'Revoked' : 'Expired')]),
  }));
}
