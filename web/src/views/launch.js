// Launch readiness: the go / no-go gate for each product's production launch, every failing check
// with its reason, its fix and a link to where it is fixed; and a release check for one work
// package going to one supplier.

import { api, apiAll, enc, query } from '../api.js';
import { append, badge, emptyState, errorBox, h, loading, onSubmit, replace } from '../dom.js';
import { capitalize, isoDate } from '../format.js';
import { checkFixTarget, supplierHref } from '../links.js';
import { can, checkTitle } from '../session.js';
import { productPicker, pickProduct } from './common.js';

export async function launchView(ctx) {
  ctx.root.append(h('p', { class: 'intro' },
    'Before production starts and before design files leave, every check below must pass — or be waived by someone ',
    'accountable. A failing check says why it fails and how to fix it; its link opens the page where it is fixed.'));
  const products = (await api('/api/products')).items || [];
  if (products.length === 0) {
    ctx.root.append(emptyState('There are no products yet. Once a product is imported, its launch readiness shows here.'));
    return;
  }
  const product = pickProduct(products, ctx.params.get('product'));
  append(ctx.root, [productPicker(products, product, (id) => ctx.navigate(`#/launch${query({ product: id })}`))]);

  const suppliers = await apiAll('/api/suppliers?limit=500');
  const names = Object.fromEntries(suppliers.map((s) => [s.id, s.name]));
  const releaseBox = h('div', {});
  const launchBox = h('div', {}, loading('Running the gate for the launch…'));
  ctx.root.append(
    h('section', { class: 'panel release', 'aria-labelledby': 'release-title' },
      h('h2', { id: 'release-title' }, 'Check a release of design files'),
      h('p', { class: 'hint' }, 'Before sending a work package’s design data to a supplier, check that this release may go ahead.'),
      releaseBox),
    h('section', { class: 'panel', 'aria-labelledby': 'launch-title' },
      h('h2', { id: 'launch-title' }, `Production launch of ${product.name}`), launchBox));

  renderReleaseForm(ctx, product, suppliers, names, releaseBox);
  const status = h('p', { class: 'status-line', role: 'status', 'aria-live': 'polite', id: 'waiver-status' });
  launchBox.before(status);
  const reload = async (message, focus) => {
    try {
      const gate = await api(`/api/products/${enc(product.id)}/gate`);
      replace(launchBox, gateResult(gate, product.id, names, { launch: true, reload }));
      status.textContent = message || '';
      if (focus) launchBox.querySelector(`tr[data-check="${CSS.escape(focus.id)}"][data-subject="${CSS.escape(focus.subject)}"] th`)?.focus();
    } catch (error) {
      replace(launchBox, errorBox(error));
    }
  };
  await reload();
}

async function renderReleaseForm(ctx, product, suppliers, names, box) {
  const [packages, plan] = await Promise.all([
    api(`/api/products/${enc(product.id)}/packages`).then((r) => r.items || []),
    api(`/api/products/${enc(product.id)}/plan`).catch(() => null),
  ]);
  const assigned = {};
  for (const a of (plan && plan.assignments) || []) (assigned[a.package] ||= []).push(a.supplier);

  const packageSelect = h('select', { id: 'release-package', name: 'package', required: true },
    h('option', { value: '' }, 'Choose a work package…'),
    packages.map((p) => h('option', { value: p.id },
      `${p.id} · ${p.name}${assigned[p.id] ? ` (plan: ${assigned[p.id].join(', ')})` : ''}`)));
  const supplierSelect = h('select', { id: 'release-supplier', name: 'supplier', required: true },
    h('option', { value: '' }, 'Choose a supplier…'),
    suppliers.map((s) => h('option', { value: s.id }, `${s.id} · ${s.name}`)));
  packageSelect.value = ctx.params.get('package') || '';
  supplierSelect.value = ctx.params.get('supplier') || '';
  packageSelect.addEventListener('change', () => {
    const planned = assigned[packageSelect.value];
    if (planned && !supplierSelect.value) supplierSelect.value = planned[0];
  });

  const result = h('div', { class: 'release-result' });
  const form = h('form', { class: 'inline-form', id: 'release-form' },
    h('div', { class: 'field' }, h('label', { for: 'release-package' }, 'Work package'), packageSelect),
    h('div', { class: 'field' }, h('label', { for: 'release-supplier' }, 'Supplier'), supplierSelect),
    h('button', { type: 'submit', class: 'primary' }, 'Check release'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!packageSelect.value || !supplierSelect.value) {
      replace(result, h('p', { class: 'form-error', role: 'alert' }, 'Choose both a work package and a supplier.'));
      return;
    }
    history.replaceState(null, '', `#/launch${query({ product: product.id, supplier: supplierSelect.value, package: packageSelect.value })}`);
    await checkRelease(product.id, supplierSelect.value, packageSelect.value, names, result, true);
  });
  replace(box, form, result);
  if (packageSelect.value && supplierSelect.value) {
    await checkRelease(product.id, supplierSelect.value, packageSelect.value, names, result, false);
  }
}

async function checkRelease(product, supplier, pkg, names, box, focus) {
  replace(box, loading('Checking the release…'));
  try {
    const gate = await api(`/api/products/${enc(product)}/gate${query({ supplier, package: pkg })}`);
    const heading = h('h3', { tabindex: '-1' }, `Release of ${pkg} to ${supplier}${names[supplier] ? ` · ${names[supplier]}` : ''}`);
    replace(box, heading, gateResult(gate, product, names, { launch: false }));
    if (focus) heading.focus();
  } catch (error) {
    replace(box, errorBox(error));
  }
}

// The verdict and its checks: first what blocks (one line per subject), then each failing or
// waived check grouped by subject with its reason and fix; the passing ones on request.
function gateResult(gate, product, names, { launch, reload = null }) {
  const checks = gate.checks || [];
  const failing = checks.filter((c) => c.status === 'fail');
  const waived = checks.filter((c) => c.status === 'waived');
  const passing = checks.filter((c) => c.status !== 'fail' && c.status !== 'waived');
  const go = gate.verdict === 'go';
  const verdict = h('div', { class: `verdict ${go ? 'verdict-go' : 'verdict-nogo'}`, 'data-verdict': gate.verdict },
    h('strong', { class: 'verdict-word' }, go ? 'GO' : 'NO-GO'),
    h('span', {}, go
      ? `Every check passes${waived.length ? ` (${waived.length} waived)` : ''}.`
      : `${failing.length} of ${checks.length} checks fail${waived.length ? `, ${waived.length} waived` : ''}.`),
    h('span', { class: 'muted' }, ` As of ${gate.as_of}.`));

  const parts = [verdict];
  if (failing.length) {
    if (launch) parts.push(blockers(failing, product, names));
    parts.push(checksTable(launch ? 'Failing checks and how to fix them' : 'Checks that fail for this release',
      failing, product, names, 'failing-checks', reload));
  }
  if (waived.length) parts.push(checksTable('Waived checks', waived, product, names, 'waived-checks'));
  if (passing.length) {
    parts.push(h('details', { class: 'passing' },
      h('summary', {}, `Checks that pass (${passing.length})`),
      checksTable('Checks that pass', passing, product, names, 'passing-checks')));
  }
  if (!checks.length) parts.push(emptyState('The gate ran no checks.'));
  return h('div', {}, parts);
}

function groupBySubject(checks) {
  const groups = new Map();
  for (const check of checks) {
    if (!groups.has(check.subject)) groups.set(check.subject, []);
    groups.get(check.subject).push(check);
  }
  return [...groups.entries()];
}

function subjectLabel(subject, names) {
  const supplier = subject.startsWith('supplier/') ? subject.split('/')[1] : null;
  if (!supplier) return h('code', {}, subject);
  return h('span', {}, h('a', { href: supplierHref(supplier) }, subject),
    names[supplier] ? h('span', { class: 'subject-name' }, names[supplier]) : null);
}

// One row per subject: what fails for it, at a glance.
function blockers(failing, product, names) {
  const groups = groupBySubject(failing);
  return h('table', { class: 'data blockers' },
    h('caption', {}, `What blocks the launch (${groups.length} subject${groups.length === 1 ? '' : 's'})`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Subject'), h('th', { scope: 'col' }, 'Failing checks'))),
    h('tbody', {}, groups.map(([subject, checks]) => h('tr', { 'data-subject': subject },
      h('th', { scope: 'row' }, subjectLabel(subject, names)),
      h('td', {}, h('ul', { class: 'chips' }, checks.map((c) => h('li', {}, chip(c, product)))))))));
}

// A failing check as a badge that links to where it is fixed.
function chip(check, product) {
  const target = checkFixTarget(check, product);
  if (!target) return badge(checkTitle(check.id), 'fail');
  return h('a', { class: 'badge badge-fail chip-link', href: target.href, title: `${target.label}` }, checkTitle(check.id));
}

function checksTable(caption, checks, product, names, className, reload = null) {
  return h('table', { class: `data checks ${className}` },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {},
      ['Status', 'Check', 'Why', 'How to fix'].map((c) => h('th', { scope: 'col' }, c)))),
    groupBySubject(checks).map(([subject, group]) => h('tbody', { 'data-subject': subject },
      h('tr', { class: 'group-head' }, h('th', { scope: 'rowgroup', colspan: 4 }, subjectLabel(subject, names))),
      group.map((check) => checkRow(check, product, reload)))));
}

function checkRow(check, product, reload = null) {
  const target = check.status === 'pass' ? null : checkFixTarget(check, product);
  return h('tr', { 'data-check': check.id, 'data-subject': check.subject, 'data-status': check.status },
    h('td', {}, badge(capitalize(check.status), check.status)),
    h('th', { scope: 'row', tabindex: '-1' }, checkTitle(check.id), h('span', { class: 'check-id' }, check.id)),
    h('td', { class: 'reason' }, check.reason),
    h('td', { class: 'fix' },
      check.fix ? h('p', {}, check.fix) : null,
      target ? h('a', { class: 'fix-link', href: target.href }, `${target.label} →`) : null,
      reload && check.status === 'fail' && can('gate:waive') ? waiveBox(check, product, reload) : null));
}

// Waiving a failing check: someone accountable (named by role) accepts the risk until a date; the
// ledger records the waiver with the caller's name, and the gate then shows the check "waived".
function waiveBox(check, product, reload) {
  const box = h('div', { class: 'waive' });
  const key = `${check.id}-${check.subject}`.replace(/[^a-z0-9-]/gi, '-');
  const open = () => {
    const role = h('input', { id: `waive-role-${key}`, name: 'role', type: 'text', required: true, placeholder: 'e.g. IP counsel' });
    const reason = h('textarea', { id: `waive-reason-${key}`, name: 'reason', rows: 2, required: true, maxlength: 2000 });
    const expires = h('input', { id: `waive-expires-${key}`, name: 'expires', type: 'date', required: true, min: isoDate(new Date()) });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Waive');
    const field = (input, label) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
    const form = h('form', { class: 'waive-form', 'data-waive': `${check.id} ${check.subject}` },
      h('p', { class: 'hint' }, `Waive “${checkTitle(check.id)}” for ${check.subject}: the launch may go ahead despite it until the waiver expires.`),
      field(role, 'Role of who grants it'), field(reason, 'Reason'), field(expires, 'Expires on'),
      error, h('div', { class: 'buttons' }, submit, h('button', { type: 'button', onclick: reset }, 'Cancel')));
    onSubmit(form, {
      submit, error,
      check: () => {
        const missing = [[role, 'the role of who grants it'], [reason, 'a reason'], [expires, 'an expiry date']]
          .filter(([input]) => !input.value.trim());
        return missing.length ? { message: `Give ${missing.map(([, what]) => what).join(', ')}.`, focus: missing[0][0] } : null;
      },
      send: async () => {
        const waiver = await api('/api/waivers', { method: 'POST', body: {
          check: check.id, subject: check.subject, product, role: role.value.trim(), reason: reason.value.trim(), expires: expires.value,
        } });
        await reload(`Waiver ${waiver.id}: ${checkTitle(check.id)} for ${check.subject} is waived until ${waiver.expires}.`, check);
      },
    });
    replace(box, form);
    role.focus();
  };
  const reset = () => replace(box, h('button', { type: 'button', class: 'small', 'data-waive-button': '' }, 'Waive…'));
  reset();
  box.addEventListener('click', (event) => {
    if (event.target.matches('[data-waive-button]')) open();
  });
  return box;
}
