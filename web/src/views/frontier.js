// The price of protection: what the cheapest plan costs as protection rises — resisting larger
// colluding groups, or capping each party's share tighter — drawn with chart.js and listed in a
// table. The server solves every point on request (up to 20 s), so the section loads on its own.

import {
  CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';
import { api, enc } from '../api.js';
import { badge, errorBox, h, loading, replace, table } from '../dom.js';
import { money, percent } from '../format.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily || 'system-ui, sans-serif';
Chart.defaults.color = '#374151';

const EPSILON = 1e-9;
const BLUE = '#2563a8';
const RED = '#b42318';

// `ctx` is the page's: its charts are destroyed when the page is left.
export function frontierSection(product, ctx) {
  const box = h('div', { 'aria-busy': 'true' },
    loading('Solving the plan at each protection level — this can take up to 20 seconds…'));
  const sectionEl = h('section', { class: 'panel', id: 'frontier', 'aria-labelledby': 'frontier-title' },
    h('h2', { id: 'frontier-title' }, 'Price of protection'),
    h('p', { class: 'hint' }, 'What the cheapest valid plan costs as protection rises: resisting larger groups of colluding ',
      'parties, or capping how much of the secrets any one party may hold. A point marked ✕ cannot be reached with the ',
      'suppliers and quotes on file: no plan meets that level.'),
    box);
  api(`/api/products/${enc(product.id)}/frontier`)
    .then((data) => {
      replace(box, ...renderFrontier(data, ctx));
      box.setAttribute('aria-busy', 'false');
    })
    .catch((error) => {
      replace(box, errorBox(error));
      box.setAttribute('aria-busy', 'false');
    });
  return sectionEl;
}

function renderFrontier(data, ctx) {
  const points = data.points || [];
  if (!points.length) return [h('p', { class: 'empty' }, 'The planner returned no points.')];
  const baseK = data.collusion;
  const baseCap = data.max_exposure_share;
  const isBase = (p) => p.collusion === baseK && Math.abs(p.max_exposure_share - baseCap) < EPSILON;
  const byK = points.filter((p) => p.collusion === 0 || Math.abs(p.max_exposure_share - baseCap) < EPSILON);
  const byCap = points.filter((p) => p.collusion === baseK && p.collusion !== 0);
  const rest = points.filter((p) => !byK.includes(p) && !byCap.includes(p));
  byK.push(...rest);
  byK.sort((a, b) => a.collusion - b.collusion || b.max_exposure_share - a.max_exposure_share);
  byCap.sort((a, b) => b.max_exposure_share - a.max_exposure_share);

  const charts = h('div', { class: 'charts' });
  charts.append(chartBox(ctx, 'frontier-collusion', 'Resisting larger colluding groups',
    `Colluding parties resisted (cap ${percent(baseCap)})`, byK,
    (p) => `${p.collusion === 0 ? '0 (none)' : p.collusion}${isBase(p) ? ' ★' : ''}${p.cost === null ? ' ✕' : ''}`));
  if (byCap.length > 1) {
    charts.append(chartBox(ctx, 'frontier-cap', 'Capping each party’s share',
      `Exposure cap per party (groups of ${baseK})`, byCap,
      (p) => `${percent(p.max_exposure_share)}${isBase(p) ? ' ★' : ''}${p.cost === null ? ' ✕' : ''}`));
  }
  const noProtection = points.find((p) => p.collusion === 0 && p.cost !== null);
  return [charts, h('p', { class: 'hint' }, '★ the policy the approved plan was made for.'),
    frontierTable(points, noProtection ? noProtection.cost : null, isBase, data.currency || '')];
}

function chartBox(ctx, id, title, axisTitle, points, label) {
  const canvas = h('canvas', { id, role: 'img',
    'aria-label': `${title}: ${points.map((p) => `${label(p)}: ${p.cost === null ? 'no plan' : money(p.cost)}`).join('; ')}` });
  const box = h('figure', { class: 'chart' }, h('figcaption', {}, title), h('div', { class: 'chart-box' }, canvas));
  const costs = points.map((p) => p.cost).filter((c) => c !== null);
  const top = costs.length ? Math.max(...costs) : 1;
  const bottom = costs.length ? Math.min(...costs) : 0;
  const pad = Math.max((top - bottom) * 0.15, top * 0.002, 1);
  const ceiling = top + pad;
  // Drawn once the canvas is in the document, so chart.js can measure it (unless the page was left
  // by then), and destroyed when the page is left.
  requestAnimationFrame(() => {
    if (!ctx.isCurrent()) return;
    const chart = new Chart(canvas, {
      type: 'line',
      data: {
        labels: points.map(label),
        datasets: [
          {
            label: 'Cheapest plan',
            data: points.map((p) => p.cost),
            borderColor: BLUE, backgroundColor: BLUE, pointRadius: 5, pointHoverRadius: 7, borderWidth: 2, spanGaps: false,
          },
          {
            label: 'No plan possible',
            data: points.map((p) => (p.cost === null ? ceiling : null)),
            borderColor: RED, backgroundColor: RED, pointStyle: 'crossRot', pointRadius: 9, pointHoverRadius: 10,
            borderWidth: 3, showLine: false,
          },
        ],
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: 'nearest', intersect: false, axis: 'x' },
        plugins: {
          legend: { position: 'bottom', labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: (item) => (item.datasetIndex === 1
                ? `No plan possible (${points[item.dataIndex].status})`
                : `Cost ${money(item.parsed.y)}`),
            },
          },
        },
        scales: {
          x: { title: { display: true, text: axisTitle } },
          y: {
            title: { display: true, text: 'Cost of the cheapest plan' },
            suggestedMin: bottom - pad, max: ceiling + pad * 0.2,
            ticks: { callback: (value) => compact(value) },
          },
        },
      },
    });
    ctx.onLeave(() => chart.destroy());
  });
  return box;
}

function compact(value) {
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(3).replace(/\.?0+$/, '')}M`;
  if (Math.abs(value) >= 1e3) return `${(value / 1e3).toFixed(1).replace(/\.0$/, '')}k`;
  return String(value);
}

function frontierTable(points, baseCost, isBase, currency) {
  const unit = currency ? ` (${currency})` : '';
  return table({
    caption: 'Every point of the frontier',
    columns: ['Colluding parties resisted', 'Exposure cap', 'Result', `Cost${unit}`, 'Extra over no protection', `Lower bound${unit}`],
    rows: points.map((p) => h('tr', { 'data-collusion': String(p.collusion), 'data-cap': String(p.max_exposure_share), 'data-status': p.status, class: isBase(p) ? 'highlight' : null },
      h('th', { scope: 'row' }, p.collusion === 0 ? '0 (no protection)' : String(p.collusion), isBase(p) ? ' ★' : ''),
      h('td', {}, percent(p.max_exposure_share)),
      h('td', {}, p.cost === null ? badge(p.status === 'infeasible' ? '✕ Infeasible' : `✕ ${p.status}`, 'fail') : badge(p.status, p.status === 'optimal' ? 'pass' : 'info')),
      h('td', { class: 'num' }, p.cost === null ? 'no plan' : money(p.cost)),
      h('td', { class: 'num' }, p.cost === null || baseCost === null ? '—' : `+${money(p.cost - baseCost)} (${percent((p.cost - baseCost) / baseCost, 2)})`),
      h('td', { class: 'num' }, money(p.lower_bound)))),
  });
}
