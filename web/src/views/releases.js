// Releases: who holds which design files, since when, until when, and whether files of revoked or
// expired releases came back; what each person knows from them (a heatmap per person); and the
// release form, which shows the gate's verdict and what the release would do to exposure (a dry
// run) before anything leaves.

import { api, apiAll, enc, query } from '../api.js';
import { append, badge, emptyState, errorBox, fields, h, loading, onSubmit, replace, table } from '../dom.js';
import { daysBetween, isoDate, percent } from '../format.js';
import { can } from '../session.js';
import { pickProduct, productPicker } from './common.js';

const EXPIRING_DAYS = 14;
const CELL = {
  D: { className: 'cell-held', text: 'D', title: 'released to them' },
  I: { className: 'cell-inferred', text: 'I', title: 'inferred from what they were given' },
  ' ': { className: 'cell-none', text: '·', title: 'not held' },
};

export async function releasesView(ctx) {
  ctx.root.append(h('p', { class: 'intro' },
    'Every release of design files: to whom, since when and until when. A revoked or expired release whose files ',
    'were not confirmed returned or destroyed is a red flag and blocks the supplier at the gate until someone confirms it.'));
  const products = (await api('/api/products')).items || [];
  if (!products.length) {
    ctx.root.append(emptyState('There are no products yet.'));
    return;
  }
  const product = pickProduct(products, ctx.params.get('product'));
  append(ctx.root, [productPicker(products, product, (id) => ctx.navigate(`#/releases${query({ product: id })}`))]);
  const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite', id: 'release-status' });
  const listBox = h('div', {}, loading('Loading the releases…'));
  const heatBox = h('div', {}, loading('Working out what each person knows…'));
  const formBox = h('div', {});
  ctx.root.append(status, formBox,
    h('section', { class: 'panel', 'aria-labelledby': 'releases-title' }, h('h2', { id: 'releases-title' }, 'Who has what'), listBox),
    h('section', { class: 'panel', 'aria-labelledby': 'people-title' },
      h('h2', { id: 'people-title' }, 'What each person knows'), heatBox));
  const reload = async (message) => {
    const [releases, knowledge] = await Promise.all([
      apiAll(`/api/releases?limit=500&product=${enc(product.id)}`),
      api(`/api/products/${enc(product.id)}/knowledge?holders=people`),
    ]);
    if (!ctx.isCurrent()) return;
    replace(listBox, releasesTable(releases, reload, status));
    replace(heatBox, personHeatmap(knowledge));
    if (message) status.textContent = message;
  };
  if (can('releases:make')) await releaseForm(product, formBox, reload);
  await reload();
}

// ---- Who has what ---------------------------------------------------------------------------------

function stateBadge(r) {
  if (r.state === 'revoked') return badge(r.returned ? 'Revoked, returned' : 'Revoked, not returned', r.returned ? 'pass' : 'fail');
  if (r.state === 'expired') return badge(r.returned ? 'Expired, returned' : 'Expired, not returned', r.returned ? 'pass' : 'fail');
  const left = r.expires ? daysBetween(isoDate(new Date()), r.expires) : null;
  if (left !== null && left <= EXPIRING_DAYS) return badge(`Expiring in ${Math.max(0, left)} days`, 'warn');
  return badge('Active', 'pass');
}

function releasesTable(releases, reload, status) {
  if (!releases.length) return emptyState('Nothing has been released yet.');
  return table({
    caption: 'Releases, newest first', captionHidden: true,
    columns: ['Release', 'Package', 'Supplier', 'Recipients', 'Files', 'Since', 'Expires', 'State', ''],
    rows: releases.map((r) => ({ r, cells: [{ th: r.id }, r.package, `${r.supplier} ${r.supplier_name || ''}`,
      r.recipients.join(', '), String(r.files.length), r.date, r.expires || '—', stateBadge(r),
      actions(r, reload, status)] })).map(({ r, cells }) => {
      const row = h('tr', { 'data-release': r.id, class: r.flagged ? 'flagged' : null });
      cells.forEach((cell, i) => row.append(i === 0 ? h('th', { scope: 'row' }, cell.th) : h('td', {}, cell)));
      return row;
    }),
  });
}

function actions(r, reload, status) {
  const out = [];
  if (r.state !== 'revoked' && can('releases:revoke')) out.push(reasonButton(r, 'Revoke…', 'revoke', 'Why is it revoked?', reload, status));
  if (r.flagged && can('releases:returned')) {
    out.push(reasonButton(r, 'Confirm returned…', 'returned', 'How do you know the files came back or were destroyed?', reload, status));
  }
  return out;
}

function reasonButton(r, label, action, question, reload, status) {
  const box = h('span', { class: 'inline-form' });
  const button = h('button', { type: 'button', 'data-action': `${action}-${r.id}` }, label);
  button.addEventListener('click', () => {
    const input = h('input', { type: 'text', required: true, 'aria-label': question, placeholder: question, id: `${action}-reason-${r.id}` });
    const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
    const form = h('form', { class: 'inline-form' }, input, send);
    onSubmit(form, {
      submit: send,
      send: async () => {
        await api(`/api/releases/${enc(r.id)}/${action}`, { method: 'POST', body: { reason: input.value.trim() } });
        await reload(action === 'revoke' ? `Release ${r.id} revoked: its copies are no longer served.` : `Return of ${r.id} confirmed.`);
      },
      failed: (error) => { status.textContent = error.message; },
    });
    replace(box, form);
    input.focus();
  });
  box.append(button);
  return box;
}

// ---- What each person knows ---------------------------------------------------------------------

function personHeatmap(k) {
  const rows = k.rows || [];
  if (!rows.length) return emptyState('Nobody has received any design file of this product yet.');
  const tbl = h('table', { class: 'data heatmap', id: 'person-heatmap' },
    h('caption', {}, 'What each person holds from releases: people (rows) × secrets (columns)'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Person'), h('th', { scope: 'col' }, 'Supplier'),
      h('th', { scope: 'col' }, 'Share / cap'), k.secrets.map((s) => h('th', { scope: 'col', class: 'secret-col' }, s)))),
    h('tbody', {}, rows.map((p) => h('tr', { 'data-person': p.person, class: p.trusted ? 'trusted' : null },
      h('th', { scope: 'row' }, `${p.label || ''} (${p.person})`),
      h('td', {}, p.supplier, p.trusted ? [' ', badge('Trusted', 'trusted')] : null),
      h('td', { class: `share ${p.share > p.cap + 1e-9 ? 'over' : ''}` }, `${percent(p.share)} / ${percent(p.cap)}`),
      k.secrets.map((s, i) => {
        const c = CELL[p.cells[i]] || CELL[' '];
        return h('td', { class: `cell ${c.className}`, 'data-cell': p.cells[i], 'data-secret': s },
          h('abbr', { title: `${p.person}: ${s} ${c.title}` }, c.text));
      })))));
  const recipes = table({
    caption: `Recipes: the smallest group of people at one supplier that could complete each (policy: ${k.person_collusion})`,
    columns: ['Recipe', 'Smallest group', 'People'],
    rows: (k.recipes || []).map((r) => [{ th: r.recipe }, r.min_coalition === null ? 'None can' : String(r.min_coalition),
      (r.holders || []).join(' + ') || '—']),
  });
  return h('div', {}, h('p', { class: 'hint' }, 'D: released to the person. I: they can infer it. ',
    'No person, even at our own factory, may hold a whole recipe.'), h('div', { class: 'table-scroll' }, tbl), recipes);
}

// ---- The release form -----------------------------------------------------------------------------

async function releaseForm(product, box, reload) {
  const [packages, plan, files] = await Promise.all([
    api(`/api/products/${enc(product.id)}/packages`).then((r) => r.items || []),
    api(`/api/products/${enc(product.id)}/plan`).catch(() => null),
    apiAll(`/api/files?limit=500&product=${enc(product.id)}`),
  ]);
  const assigned = {};
  for (const a of (plan && plan.assignments) || []) (assigned[a.package] ||= []).push(a.supplier);
  const withFiles = packages.filter((p) => files.some((f) => f.package === p.id) && assigned[p.id]);
  const panel = h('section', { class: 'panel release', 'aria-labelledby': 'release-form-title' },
    h('h2', { id: 'release-form-title' }, 'Release design files'));
  replace(box, panel);
  if (!withFiles.length) {
    panel.append(emptyState('No work package of the approved plan has design files yet (moat file add).'));
    return;
  }
  const packageSelect = h('select', { id: 'release-form-package', name: 'package' },
    withFiles.map((p) => h('option', { value: p.id }, `${p.id} ${p.name}`)));
  const supplierSelect = h('select', { id: 'release-form-supplier', name: 'supplier' });
  const people = h('fieldset', { id: 'release-form-people' }, h('legend', {}, 'Recipients'));
  const expires = h('input', { id: 'release-form-expires', type: 'date', name: 'expires' });
  const reason = h('input', { id: 'release-form-reason', type: 'text', name: 'reason' });
  const check = h('button', { type: 'button', id: 'release-form-check' }, 'Check (dry run)');
  const send = h('button', { type: 'submit', class: 'primary', id: 'release-form-send', disabled: true }, 'Release');
  const result = h('div', { id: 'release-form-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'release-form' },
    h('div', { class: 'field' }, h('label', { for: 'release-form-package' }, 'Work package'), packageSelect),
    h('div', { class: 'field' }, h('label', { for: 'release-form-supplier' }, 'Supplier (as the plan assigns)'), supplierSelect),
    people,
    h('div', { class: 'field' }, h('label', { for: 'release-form-expires' }, 'Expires'), expires),
    h('div', { class: 'field' }, h('label', { for: 'release-form-reason' }, 'Reason'), reason),
    h('div', { class: 'actions' }, check, send), result);
  panel.append(form);
  const fillPeople = async () => {
    const list = (await api(`/api/suppliers/${enc(supplierSelect.value)}/people`)).items || [];
    replace(people, h('legend', {}, 'Recipients'), list.length ? list.map((p) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'recipient', value: p.id }), ` ${p.name} (${p.id})${p.role ? ` — ${p.role}` : ''}`))
      : emptyState('Nobody is on file at this supplier.'));
    send.disabled = true;
  };
  const fillSuppliers = async () => {
    replace(supplierSelect, (assigned[packageSelect.value] || []).map((s) => h('option', { value: s }, s)));
    await fillPeople();
  };
  packageSelect.addEventListener('change', fillSuppliers);
  supplierSelect.addEventListener('change', fillPeople);
  const body = (dryRun) => ({
    product: product.id, package: packageSelect.value, supplier: supplierSelect.value,
    recipients: [...people.querySelectorAll('input[name=recipient]:checked')].map((i) => i.value),
    expires: expires.value || undefined, reason: reason.value.trim() || undefined, dry_run: dryRun,
  });
  check.addEventListener('click', async () => {
    replace(result, loading('Checking the gate and what the release would let people know…'));
    try {
      const outcome = await api('/api/releases', { method: 'POST', body: body(true) });
      replace(result, outcomeView(outcome));
      send.disabled = !outcome.go;
    } catch (error) {
      replace(result, errorBox(error));
    }
  });
  onSubmit(form, {
    submit: send,
    send: async () => {
      const outcome = await api('/api/releases', { method: 'POST', body: body(false) });
      replace(result, outcomeView(outcome));
      await reload(`Released ${outcome.release}: ${outcome.copies.length} copies made.`);
    },
    failed: (error) => {
      send.disabled = true;  // a refused release is sent again only after a new check says go
      replace(result, outcomeView(error.problem && error.problem.refusals ? error.problem : null) || errorBox(error));
    },
  });
  await fillSuppliers();
  expires.value = isoDate(new Date(Date.now() + 90 * 86400000));
}

function outcomeView(o) {
  if (!o) return null;
  const verdict = o.verdict || {};
  const failing = (verdict.checks || []).filter((c) => c.status === 'fail');
  return h('div', { class: 'outcome', 'data-go': String(o.go) },
    h('p', {}, h('strong', {}, 'Gate: '), badge(verdict.verdict === 'go' ? 'GO' : 'NO-GO', verdict.verdict === 'go' ? 'pass' : 'fail'),
      failing.length ? ` — ${failing.map((c) => `${c.id} (${c.subject})`).join(', ')} fail` : ''),
    h('p', {}, h('strong', {}, o.go ? (o.release ? `Released as ${o.release}.` : 'It may go.') : 'It would be refused:')),
    o.refusals.length ? h('ul', { class: 'refusals' }, o.refusals.map((r) => h('li', { 'data-rule': r.rule }, h('strong', {}, `${r.rule}: `), r.message))) : null,
    o.exposure.length ? table({
      caption: 'What it does to exposure',
      columns: ['Holder', 'Before', 'After', 'Share', 'Cap'],
      rows: o.exposure.map((c) => [{ th: `${c.kind} ${c.label}` }, c.before.join(' ') || '—', c.after.join(' '),
        `${percent(c.share_before)} → ${percent(c.share_after)}`, percent(c.cap)]),
    }) : null,
    o.copies.length ? fields(o.copies.map((c) => [c.id, `${c.recipient}: ${c.name} (${c.copy_hash.slice(0, 12)}…)`])) : null);
}
