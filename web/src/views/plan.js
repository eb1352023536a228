// The sourcing plan: who makes which work package, what each party then holds (the exposure
// heatmap), how many parties must collude to complete each recipe, and the price of protection.

import { api, apiAll, enc, query } from '../api.js';
import { append, badge, emptyState, fields, h, onSubmit, replace, section, table } from '../dom.js';
import { dateTime, money, number, percent } from '../format.js';
import { can } from '../session.js';
import { productPicker, pickProduct } from './common.js';
import { frontierSection } from './frontier.js';

const CELL = {
  D: { text: 'D', title: 'held directly: handed over with its work packages', className: 'cell-held' },
  I: { text: 'I', title: 'inferred: can be worked out from what it holds', className: 'cell-inferred' },
  ' ': { text: '·', title: 'not held', className: 'cell-none' },
};

export async function planView(ctx) {
  ctx.root.append(h('p', { class: 'intro' },
    'A plan splits the product’s work packages over suppliers so that no party — a supplier with its affiliates — ',
    'and no small group of colluding parties holds enough of the design secrets to copy the product.'));
  const products = (await api('/api/products')).items || [];
  if (!products.length) {
    ctx.root.append(emptyState('There are no products yet.'));
    return;
  }
  const product = pickProduct(products, ctx.params.get('product'));
  append(ctx.root, [productPicker(products, product, (id) => ctx.navigate(`#/plan${query({ product: id })}`))]);

  const [plan, packages, suppliers] = await Promise.all([
    api(`/api/products/${enc(product.id)}/plan`).catch((error) => (error.status === 404 ? null : Promise.reject(error))),
    api(`/api/products/${enc(product.id)}/packages`).then((r) => r.items || []),
    apiAll('/api/suppliers?limit=500'),
  ]);
  const names = Object.fromEntries(suppliers.map((s) => [s.id, s.name]));
  const secretNames = {};
  for (const p of packages) for (const s of p.secrets || []) secretNames[s.id] = s.name;
  for (const s of (plan && plan.secrets) || []) secretNames[s.id] = s.name;

  const approved = ctx.params.get('approved');
  if (approved && plan && plan.plan === approved) {
    ctx.root.append(h('p', { class: 'status-line notice', role: 'status', id: 'plan-approved' },
      badge('Approved', 'pass'), ` ${approved} is now the approved plan for ${product.name}.`));
  }
  const jobs = can('staff') ? await api(`/api/products/${enc(product.id)}/plan-jobs`).then((r) => r.items || []) : [];
  const running = jobs.find((j) => j.state === 'running' || j.state === 'cancelling');
  const maker = can('plans:change') ? newPlanSection(ctx, product, plan, names, secretNames, running) : null;
  if (!plan) {
    ctx.root.append(emptyState(`No plan has been approved for ${product.name} yet. Once one is approved, `
      + 'its exposure and recipes show here.'), maker);
  } else {
    const breaks = plan.breaks || [];
    const replan = breaks.length ? h('div', { class: 'status-line warn', role: 'alert', id: 'plan-breaks' },
      h('strong', {}, 'Re-plan: '), `${plan.plan} no longer holds against today’s inputs:`,
      h('ul', {}, breaks.map((b) => h('li', {}, b))),
      'Make a new plan and approve it: the launch gate fails plan-valid until then.') : null;
    ctx.root.append(...[
      replan,
      section('Approved plan', planSummary(plan)),
      maker,
      heatmapSection(plan, names, secretNames),
      recipesSection(plan, ctx.params.get('recipe')),
      assignmentsSection(plan, packages, names)].filter(Boolean));
  }
  ctx.root.append(frontierSection(product, ctx));
  const recipe = ctx.params.get('recipe');
  if (recipe) ctx.root.querySelector(`[data-recipe="${CSS.escape(recipe)}"]`)?.scrollIntoView({ block: 'center' });
}

function collusionText(k) {
  if (!k) return 'none: each party alone must not be able to copy the product';
  return `groups of up to ${k} part${k === 1 ? 'y' : 'ies'}`;
}

function planSummary(plan) {
  return fields([
    ['Plan', `${plan.plan} (${plan.state || 'approved'}${plan.approved_by ? `, approved by ${plan.approved_by}` : ''})`],
    ['Solver result', plan.status],
    ['Total cost', money(plan.cost, plan.currency || '')],
    ['Collusion resisted', collusionText(plan.collusion)],
    ['Exposure cap', `no untrusted party holds more than ${percent(plan.max_exposure_share)} of the secrets’ weight`],
    ['Created', dateTime(plan.created_at)],
  ], 'fields inline-fields');
}

// "Make a new plan": solve with the chosen protection, save it as a draft, show it next to the
// approved one, and approve it on request (it then supersedes the approved plan).
function newPlanSection(ctx, product, approved, names, secretNames, running) {
  const collusion = h('input', { id: 'new-plan-collusion', name: 'collusion', type: 'number', min: 0, max: 3, step: 1, required: true,
    value: approved ? approved.collusion : 1, 'aria-describedby': 'new-plan-collusion-hint' });
  const cap = h('input', { id: 'new-plan-cap', name: 'max_exposure_share', type: 'number', min: 1, max: 100, step: 1, required: true,
    value: Math.round((approved ? approved.max_exposure_share : 0.5) * 100), 'aria-describedby': 'new-plan-cap-hint' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Make plan');
  const error = h('p', { class: 'form-error', role: 'alert' });
  const progress = h('div', { role: 'status', 'aria-live': 'polite' });
  const draftBox = h('div', { id: 'draft-box' });
  const form = h('form', { class: 'inline-form', id: 'new-plan-form' },
    h('div', { class: 'field' }, h('label', { for: 'new-plan-collusion' }, 'Collusion to resist (0–3)'), collusion,
      h('span', { id: 'new-plan-collusion-hint', class: 'hint' }, 'largest group of parties that must not be able to copy it')),
    h('div', { class: 'field' }, h('label', { for: 'new-plan-cap' }, 'Exposure cap (%)'), cap,
      h('span', { id: 'new-plan-cap-hint', class: 'hint' }, 'most of the secrets’ weight one untrusted party may hold')),
    submit);
  const k = () => Number(collusion.value);
  const share = () => Number(cap.value) / 100;
  onSubmit(form, {
    submit, error, reenable: true,
    check: () => {
      if (!Number.isInteger(k()) || k() < 0 || k() > 3) return { message: 'Collusion is a whole number from 0 to 3.', focus: collusion };
      if (!(share() > 0 && share() <= 1)) return { message: 'The exposure cap is a percentage from 1 to 100.', focus: cap };
      return null;
    },
    send: async () => {
      replace(draftBox);
      const job = await api(`/api/products/${enc(product.id)}/plan-jobs`, {
        method: 'POST', body: { collusion: k(), max_exposure_share: share(), time_limit: PLAN_SECONDS },
      });
      await follow(job);
    },
    failed: (err) => {
      replace(progress);
      error.textContent = err.message;
    },
  });
  // Shows the job's progress until it ends, then its draft (or why there is none).
  const follow = async (job) => {
    submit.disabled = true;
    try {
      const ended = await watchJob(ctx, product, job, progress, (approved && approved.currency) || '');
      if (ended.state === 'done') {
        const draft = await api(`/api/products/${enc(product.id)}/plan${query({ plan: ended.plan })}`);
        replace(progress);
        replace(draftBox, draftPanel(ctx, product, draft, approved, names, secretNames));
        draftBox.querySelector('h2')?.focus();
      } else if (ended.state === 'cancelled') {
        replace(progress, h('p', { class: 'status-line notice', role: 'status', id: 'plan-job-cancelled' },
          `Planning ${ended.id} was cancelled after ${seconds(ended.elapsed)}: nothing was saved.`));
      } else if (ended.state === 'failed') {
        replace(progress);
        error.textContent = `Planning failed: ${ended.error}`;
      }
    } finally {
      submit.disabled = false;
    }
  };
  if (running) follow(running).catch((err) => { error.textContent = err.message; });
  return h('section', { class: 'panel', 'aria-labelledby': 'new-plan-title' },
    h('h2', { id: 'new-plan-title' }, 'Make a new plan'),
    h('p', { class: 'hint' }, 'Plan again with more or less protection. The result is saved as a draft: compare it with the ',
      'approved plan below, then approve it to make it the plan suppliers are held to.'),
    form, error, progress, draftBox);
}

// A planning job's time limit (seconds): the server plans in the background, so the page need
// not wait on one request; the job can be cancelled meanwhile.
const PLAN_SECONDS = 20;
const POLL_MS = 500;

function seconds(value) {
  return `${number(Math.round(value || 0))} s`;
}

// The running job's progress in `box` (best cost so far, proven bound, gap, time), refreshed
// until the job ends, with a Cancel button for whoever may cancel it; resolves with the ended job.
function watchJob(ctx, product, job, box, currency) {
  const path = `/api/products/${enc(product.id)}/plan-jobs/${enc(job.id)}`;
  const bar = h('progress', { id: 'plan-job-bar', max: 1, value: 0, 'aria-label': 'time used of the limit' });
  const facts = h('div', { id: 'plan-job-facts' });
  const cancelError = h('p', { class: 'form-error', role: 'alert' });
  const cancel = can('plans:cancel') ? h('button', { type: 'button', id: 'cancel-plan-job' }, 'Cancel') : null;
  const panel = h('div', { class: 'status-line notice', id: 'plan-job', role: 'status', 'aria-live': 'polite' },
    h('p', { class: 'loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), `Planning ${job.id}, started by ${job.started_by}…`),
    bar, facts, cancel, cancelError);
  const show = (now) => {
    bar.value = Math.min(1, (now.elapsed || 0) / (now.time_limit || 1));
    replace(facts, fields([
      ['Best plan so far', now.cost === null ? 'none yet' : money(now.cost, currency)],
      ['Proven lower bound', now.lower_bound === null ? 'not yet' : money(now.lower_bound, currency)],
      ['Gap', now.gap === null ? '—' : percent(now.gap)],
      ['Elapsed', `${seconds(now.elapsed)} of ${seconds(now.time_limit)}`],
    ], 'fields inline-fields'));
    if (cancel && now.state === 'cancelling') {
      cancel.disabled = true;
      cancel.textContent = 'Cancelling…';
    }
  };
  show(job);
  replace(box, panel);
  return new Promise((resolve, reject) => {
    let timer = null;
    let left = false;
    ctx.onLeave(() => { left = true; clearTimeout(timer); });
    if (cancel) {
      cancel.addEventListener('click', async () => {
        cancel.disabled = true;
        cancelError.textContent = '';
        try {
          show(await api(`${path}/cancel`, { method: 'POST', body: {} }));
        } catch (err) {
          cancelError.textContent = err.message;
        }
      });
    }
    const poll = async () => {
      if (left) return;
      try {
        const now = await api(path);
        if (now.state === 'running' || now.state === 'cancelling') {
          show(now);
          timer = setTimeout(poll, POLL_MS);
        } else {
          resolve(now);
        }
      } catch (err) {
        reject(err);
      }
    };
    timer = setTimeout(poll, POLL_MS);
  });
}

function draftPanel(ctx, product, draft, approved, names, secretNames) {
  const feasible = draft.cost !== null && draft.cost !== undefined;
  const approveError = h('p', { class: 'form-error', role: 'alert' });
  const approve = h('button', { type: 'button', class: 'primary', id: 'approve-plan' }, 'Approve this plan');
  approve.addEventListener('click', async () => {
    approve.disabled = true;
    approveError.textContent = '';
    try {
      await api(`/api/products/${enc(product.id)}/plans/${enc(draft.plan)}/approve`, { method: 'POST', body: {} });
      ctx.navigate(`#/plan${query({ product: product.id, approved: draft.plan })}`);
    } catch (err) {
      approve.disabled = false;
      approveError.textContent = err.message;
    }
  });
  return h('section', { class: 'panel draft', 'data-plan': draft.plan, 'aria-labelledby': 'draft-title' },
    h('h2', { id: 'draft-title', tabindex: '-1' }, badge('DRAFT', 'draft'), ` Plan ${draft.plan} — not approved`),
    costComparison(draft, approved),
    fields([
      ['Solver result', draft.status],
      ['Total cost', money(draft.cost, draft.currency || (approved && approved.currency) || '')],
      ['Collusion resisted', collusionText(draft.collusion)],
      ['Exposure cap', `no untrusted party holds more than ${percent(draft.max_exposure_share)} of the secrets’ weight`],
      ['Created', dateTime(draft.created_at)],
    ], 'fields inline-fields'),
    h('div', { class: 'buttons' }, approve), approveError,
    feasible ? [heatmapSection(draft, names, secretNames, 'draft-heatmap', 'Draft: exposure heatmap'),
      recipesSection(draft, null, 'Draft: recipes')]
      : emptyState('The solver found no plan that meets this protection: it cannot be approved. Try less collusion or a higher cap.'));
}

function costComparison(draft, approved) {
  const currency = draft.currency || (approved && approved.currency) || '';
  if (draft.cost === null || draft.cost === undefined) {
    return h('p', { class: 'compare', id: 'draft-compare' }, `No feasible plan (${draft.status}).`);
  }
  if (!approved || approved.cost === null || approved.cost === undefined) {
    return h('p', { class: 'compare', id: 'draft-compare' }, `Costs ${money(draft.cost, currency)}; no plan is approved yet.`);
  }
  const diff = draft.cost - approved.cost;
  const share = approved.cost ? diff / approved.cost : 0;
  const what = Math.abs(diff) < 0.5 ? h('span', {}, 'the same as')
    : diff < 0 ? h('span', { class: 'cheaper' }, `${money(-diff, currency)} (${percent(-share, 1)}) less than`)
      : h('span', { class: 'dearer' }, `${money(diff, currency)} (${percent(share, 1)}) more than`);
  return h('p', { class: 'compare', id: 'draft-compare' },
    `Costs ${money(draft.cost, currency)}: `, what, ` the approved plan ${approved.plan} (${money(approved.cost, currency)}).`);
}

function heatmapSection(plan, names, secretNames, id = 'heatmap', title = 'Exposure heatmap') {
  const exposure = plan.exposure || {};
  const secrets = exposure.secrets || [];
  const parties = exposure.parties || [];
  const legend = h('ul', { class: 'legend' },
    h('li', {}, h('span', { class: 'cell cell-held' }, 'D'), ' held directly — handed over with its work packages'),
    h('li', {}, h('span', { class: 'cell cell-inferred' }, 'I'), ' inferred — the party can work it out from what it holds'),
    h('li', {}, h('span', { class: 'cell cell-none' }, '·'), ' not held'));
  if (!parties.length) return section('Exposure', legend, emptyState('No party holds any secret in this plan.'));
  const tbl = h('table', { class: 'data heatmap', id },
    h('caption', {}, 'What each party holds: parties (rows) × secrets (columns)'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Party'),
      h('th', { scope: 'col' }, 'Suppliers'),
      h('th', { scope: 'col', title: 'share of the total secret weight the party holds, against its cap' }, 'Share / cap'),
      secrets.map((s) => h('th', { scope: 'col', class: 'secret-col', title: secretNames[s] || s },
        h('abbr', { title: secretNames[s] || s }, s))))),
    h('tbody', {}, parties.map((p) => partyRow(p, secrets, names))));
  const key = h('details', { class: 'secret-key' }, h('summary', {}, 'Secret names'),
    h('dl', { class: 'fields compact' }, secrets.map((s) => [h('dt', {}, s), h('dd', {}, secretNames[s] || '(not exposed by any work package)')])));
  return section(title,
    h('p', { class: 'hint' }, 'Each row is a party: a supplier together with its affiliated companies, which we assume share what they know. ',
      'A cell says whether the party holds a secret. The share is the part of the total secret weight the party holds; ',
      'it must stay under its cap. Trusted parties (our own sites) may hold more.'),
    legend, h('div', { class: 'table-scroll' }, tbl), key);
}

function partyRow(p, secrets, names) {
  const cells = p.cells || '';
  const over = !p.trusted && p.cap !== null && p.cap !== undefined && p.share > p.cap + 1e-9;
  return h('tr', { 'data-party': p.party, class: p.trusted ? 'trusted' : null },
    h('th', { scope: 'row' }, p.party, p.trusted ? [' ', badge('Trusted', 'trusted')] : null),
    h('td', { class: 'party-suppliers' }, (p.suppliers || []).map((id, i) => [i ? h('br') : null,
      h('a', { href: `#/suppliers/${enc(id)}`, title: names[id] || id }, id), names[id] ? ` ${shortName(names[id])}` : ''])),
    h('td', { class: `share ${over ? 'over' : ''}` },
      h('span', {}, `${percent(p.share)} / ${p.cap === null || p.cap === undefined ? '—' : percent(p.cap)}`),
      shareBar(p.share, p.cap, over),
      over ? h('span', { class: 'warn-text' }, ' over cap') : null),
    secrets.map((s, i) => {
      const c = CELL[cells[i]] || CELL[' '];
      return h('td', { class: `cell ${c.className}`, 'data-cell': cells[i] || ' ', 'data-secret': s },
        h('abbr', { title: `${p.party}: ${s} ${c.title}` }, c.text));
    }));
}

function shareBar(share, cap, over) {
  const bar = h('span', { class: 'bar', 'aria-hidden': 'true' });
  const fill = h('span', { class: `bar-fill ${over ? 'over' : ''}` });
  fill.style.width = `${Math.min(100, (share || 0) * 100)}%`;
  bar.append(fill);
  if (cap !== null && cap !== undefined) {
    const mark = h('span', { class: 'bar-cap' });
    mark.style.left = `${Math.min(100, cap * 100)}%`;
    bar.append(mark);
  }
  return bar;
}

function shortName(name) {
  return name.replace(/\s*(Co\.,? Ltd\.?|Co\.|Ltd\.?|Technology|Products|Manufacturing)\s*/gi, ' ').trim();
}

function recipesSection(plan, focus, title = 'Recipes: what it takes to copy the product') {
  const exposure = plan.exposure || {};
  const recipes = exposure.recipes || [];
  const k = exposure.collusion ?? plan.collusion;
  return section(title,
    h('p', { class: 'hint' }, 'A recipe is a set of secrets that together let someone make a copy (a look-alike, a functional clone…). ',
      'The minimum coalition is the smallest number of untrusted parties that, pooling what they hold, complete the recipe. ',
      `The plan must keep it above ${k}: no group of ${k} part${k === 1 ? 'y' : 'ies'} can copy the product.`),
    recipes.length ? table({
      caption: 'Recipes and the smallest coalition that completes each',
      captionHidden: true,
      columns: ['Recipe', 'Minimum coalition', 'Smallest coalition', 'Verdict'],
      rows: recipes.map((r) => {
        const safe = r.min_coalition === null || r.min_coalition > k;
        return h('tr', { 'data-recipe': r.recipe, 'data-min': r.min_coalition === null ? 'none' : String(r.min_coalition),
          class: r.recipe === focus ? 'highlight' : null },
        h('th', { scope: 'row' }, r.recipe, r.name ? h('span', { class: 'subject-name' }, r.name) : null,
          r.secrets && r.secrets.length ? h('span', { class: 'muted recipe-secrets' }, ` needs ${r.secrets.join(' + ')}`) : null),
        h('td', { class: 'min-coalition' }, r.min_coalition === null ? 'None' : String(r.min_coalition)),
        h('td', {}, r.coalition && r.coalition.length ? r.coalition.join(' + ') : h('span', { class: 'muted' }, 'no group of untrusted parties can')),
        h('td', {}, safe ? badge('Protected', 'pass') : badge('At risk', 'fail'),
          ' ', r.min_coalition === null ? 'cannot be completed without a trusted site'
            : safe ? `takes ${r.min_coalition} parties colluding` : `${r.min_coalition} part${r.min_coalition === 1 ? 'y' : 'ies'} could copy it`));
      }),
    }) : emptyState('This product has no recipes: the whole set of secrets counts as one.'));
}

function assignmentsSection(plan, packages, names) {
  const byPackage = Object.fromEntries(packages.map((p) => [p.id, p]));
  const rows = (plan.assignments || []).map((a) => {
    const p = byPackage[a.package] || {};
    return [{ th: a.package }, p.name || '—',
      h('span', {}, h('a', { href: `#/suppliers/${enc(a.supplier)}` }, a.supplier), names[a.supplier] ? h('span', { class: 'subject-name' }, names[a.supplier]) : null),
      number(a.units), (p.exposes || []).join(', ') || h('span', { class: 'muted' }, 'none')];
  });
  return h('section', { class: 'panel' },
    h('details', {}, h('summary', { class: 'h2-summary' }, `Who makes what (${rows.length} assignments)`),
      rows.length ? table({
        caption: 'Assignments of work packages to suppliers', captionHidden: true,
        columns: ['Package', 'Name', 'Supplier', 'Units', 'Secrets exposed'], rows,
      }) : emptyState('The plan assigns nothing.')));
}

