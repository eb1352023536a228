// The sourcing plan: who makes which work package, what each party then holds (the exposure
// heatmap), how many parties must collude to complete each recipe, and the price of protection.

import { api, apiAll, enc, query } from '../api.js';
import { append, badge, emptyState, fields, h, section, table } from '../dom.js';
import { dateTime, money, number, percent } from '../format.js';
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

  if (!plan) {
    ctx.root.append(emptyState(`No plan has been approved for ${product.name} yet. Once one is approved, `
      + 'its exposure and recipes show here.'));
  } else {
    ctx.root.append(
      section('Approved plan', planSummary(plan)),
      heatmapSection(plan, names, secretNames),
      recipesSection(plan, ctx.params.get('recipe')),
      assignmentsSection(plan, packages, names));
  }
  ctx.root.append(frontierSection(product));
  const recipe = ctx.params.get('recipe');
  if (recipe) ctx.root.querySelector(`[data-recipe="${CSS.escape(recipe)}"]`)?.scrollIntoView({ block: 'center' });
}

function planSummary(plan) {
  return fields([
    ['Plan', `${plan.plan} (${plan.state || 'approved'}${plan.approved_by ? `, approved by ${plan.approved_by}` : ''})`],
    ['Solver result', plan.status],
    ['Total cost', money(plan.cost, plan.currency || '')],
    ['Collusion resisted', `groups of up to ${plan.collusion} part${plan.collusion === 1 ? 'y' : 'ies'}`],
    ['Exposure cap', `no untrusted party holds more than ${percent(plan.max_exposure_share)} of the secrets’ weight`],
    ['Created', dateTime(plan.created_at)],
  ], 'fields inline-fields');
}

function heatmapSection(plan, names, secretNames) {
  const exposure = plan.exposure || {};
  const secrets = exposure.secrets || [];
  const parties = exposure.parties || [];
  const legend = h('ul', { class: 'legend' },
    h('li', {}, h('span', { class: 'cell cell-held' }, 'D'), ' held directly — handed over with its work packages'),
    h('li', {}, h('span', { class: 'cell cell-inferred' }, 'I'), ' inferred — the party can work it out from what it holds'),
    h('li', {}, h('span', { class: 'cell cell-none' }, '·'), ' not held'));
  if (!parties.length) return section('Exposure', legend, emptyState('No party holds any secret in this plan.'));
  const tbl = h('table', { class: 'data heatmap', id: 'heatmap' },
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
  return section('Exposure heatmap',
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

function recipesSection(plan, focus) {
  const exposure = plan.exposure || {};
  const recipes = exposure.recipes || [];
  const k = exposure.collusion ?? plan.collusion;
  return section('Recipes: what it takes to copy the product',
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

