// IP deadlines: priority, national-phase and term deadlines on a month calendar and in a list, the
// missed ones marked; and the launch gate's checks on secrets and trademarks, so a failing
// "secret/S11" check from the launch page lands on what it is about.

import { allPages, api, apiAll, enc, query } from '../api.js';
import { badge, emptyState, errorBox, h, loading, replace, section, table } from '../dom.js';
import { capitalize, daysBetween } from '../format.js';
import { checkTitle } from '../session.js';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];
const IP_SUBJECTS = ['secret/', 'trademark/', 'package/', 'product/'];
const IP_CHECKS = ['ip-filed', 'priority-deadline', 'trademark-cn'];

export async function ipView(ctx) {
  const subject = ctx.params.get('subject') || '';
  const right = subject.startsWith('ip/') ? subject.slice(3) : '';
  const gateSubject = IP_SUBJECTS.some((s) => subject.startsWith(s)) ? subject : '';
  ctx.root.append(h('p', { class: 'intro' },
    'Deadlines that keep our patents, designs and trademarks in China: priority periods (miss one and a ',
    'copy filed meanwhile can win), national-phase entries, renewals and terms. Missed deadlines are marked.'));
  const checksBox = h('div', {}, loading('Loading the launch checks on IP…'));
  const calendarBox = h('div', {}, loading('Loading deadlines…'));
  const listBox = h('div', {});
  const rightsBox = h('div', {}, loading('Loading IP rights…'));
  const checksSection = section('Launch checks on secrets and trademarks', checksBox);
  checksSection.id = 'ip-checks';
  const rightsSection = section('IP rights', rightsBox);
  rightsSection.id = 'ip-rights';
  if (gateSubject) ctx.root.append(checksSection);
  ctx.root.append(section('Calendar', calendarBox), section('All deadlines', listBox));
  if (!gateSubject) ctx.root.append(checksSection);
  ctx.root.append(rightsSection);

  const rights = apiAll('/api/ip/rights?limit=500');
  const [deadlines] = await Promise.all([
    allPages('/api/ip/deadlines?limit=500').catch((error) => ({ error })),
    renderChecks(checksBox, gateSubject, rights.catch(() => null)),
    rights.then((items) => replace(rightsBox, rightsTable(items, right)), (error) => replace(rightsBox, errorBox(error))),
  ]);
  if (deadlines.error) {
    replace(calendarBox, errorBox(deadlines.error));
    return;
  }
  const items = [...(deadlines.items || [])].sort((a, b) => a.due.localeCompare(b.due));
  const today = deadlines.as_of;
  const wanted = ctx.params.get('month');
  let month = /^\d{4}-\d{2}$/.test(wanted || '') ? wanted : today.slice(0, 7);
  const show = (next, focusSelector) => {
    month = next;
    history.replaceState(null, '', `#/ip${query({ subject, month })}`);
    replace(calendarBox, calendar(items, today, month, show));
    if (focusSelector) calendarBox.querySelector(focusSelector)?.focus();
  };
  replace(calendarBox, calendar(items, today, month, show));
  replace(listBox, deadlineList(items, today, right));
}

async function renderChecks(box, subject, rightsPromise) {
  try {
    const rights = await rightsPromise;
    const products = (await api('/api/products')).items || [];
    const gates = await Promise.all(products.map((p) => api(`/api/products/${enc(p.id)}/gate`).then((g) => [p, g])));
    const rows = [];
    for (const [product, gate] of gates) {
      for (const check of gate.checks || []) {
        if (!IP_CHECKS.includes(check.id) && !IP_SUBJECTS.some((s) => check.subject.startsWith(s))) continue;
        if (check.id === 'collusion-margin') continue;
        rows.push({ product, check });
      }
    }
    rows.sort((a, b) => rank(a.check, subject) - rank(b.check, subject));
    if (!rows.length) {
      replace(box, emptyState('The launch gate has no checks on secrets or trademarks.'));
      return;
    }
    const shown = subject ? rows.filter((r) => r.check.subject === subject) : rows;
    replace(box, 
      subject ? h('p', { class: 'hint' }, 'Showing the checks on ', h('code', {}, subject), '. ',
        h('a', { href: '#/ip' }, 'Show all deadlines and checks')) : null,
      shown.length ? table({
        caption: subject ? `Checks on ${subject}` : 'IP checks of the launch gate',
        columns: ['Status', 'Subject', 'Check', 'Why', 'How to fix', 'Rights covering it'],
        rows: shown.map(({ product, check }) => h('tr', {
          class: check.subject === subject ? 'highlight' : null, 'data-subject': check.subject, 'data-check': check.id,
        },
        h('td', {}, badge(capitalize(check.status), check.status)),
        h('th', { scope: 'row' }, h('code', {}, check.subject), gates.length > 1 ? h('span', { class: 'subject-name' }, product.name) : null),
        h('td', {}, checkTitle(check.id)),
        h('td', { class: 'reason' }, check.reason),
        h('td', { class: 'fix' }, check.fix || h('span', { class: 'muted' }, '—')),
        h('td', { class: 'covering' }, coveringRights(check.subject, rights)))),
      }) : emptyState(`No launch check is about ${subject}.`));
  } catch (error) {
    replace(box, errorBox(error));
  }
}

// Which rights protect a secret named by a "secret/S11" subject: those whose `secrets` hold it.
function coveringRights(subject, rights) {
  if (!subject.startsWith('secret/')) return h('span', { class: 'muted' }, '—');
  if (!rights) return h('span', { class: 'muted' }, 'rights could not be loaded');
  const secret = subject.split('/')[1];
  const covering = rights.filter((r) => (r.secrets || []).includes(secret));
  if (!covering.length) return h('span', { class: 'warn-text', 'data-covered': 'none' }, 'no right covers it');
  return h('ul', { class: 'plain', 'data-covered': covering.map((r) => r.id).join(' ') }, covering.map((r) =>
    h('li', {}, h('code', {}, r.id), ` ${capitalize(r.kind || '')} · ${r.jurisdiction || '—'}${r.registered ? ' · registered' : r.filed ? ` · filed ${r.filed}` : ''}`)));
}

function rightsTable(rights, focus) {
  if (!rights.length) return emptyState('No IP right is on file. Filed patents, designs and trademarks show here.');
  return table({
    caption: `${rights.length} IP right${rights.length === 1 ? '' : 's'} on file`,
    columns: ['Right', 'Kind', 'Jurisdiction', 'Title', 'Number', 'Filed', 'Priority', 'Registered', 'Secrets covered'],
    rows: rights.map((r) => h('tr', { 'data-right': r.id, class: r.id === focus ? 'highlight' : null },
      h('th', { scope: 'row' }, h('code', {}, r.id)),
      h('td', {}, capitalize(r.kind || '') || '—'),
      h('td', {}, r.jurisdiction || '—'),
      h('td', {}, r.title || r.mark || '—'),
      h('td', {}, r.registration_number || r.application_number || '—',
        r.registration_number && r.application_number ? h('span', { class: 'subject-name' }, `application ${r.application_number}`) : null),
      h('td', {}, r.filed || '—'),
      h('td', {}, r.priority || '—'),
      h('td', {}, r.registered || h('span', { class: 'muted' }, 'not yet')),
      h('td', {}, r.secrets && r.secrets.length ? r.secrets.join(', ') : h('span', { class: 'muted' }, 'none')))),
  });
}

function rank(check, subject) {
  if (check.subject === subject) return 0;
  return check.status === 'fail' ? 1 : check.status === 'waived' ? 2 : 3;
}

function shiftMonth(month, delta) {
  const [y, m] = month.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1 + delta, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

function shortMonth(month) {
  const [y, m] = month.split('-').map(Number);
  return `${MONTHS[m - 1].slice(0, 3)} ${y}`;
}

function monthName(month) {
  const [y, m] = month.split('-').map(Number);
  return `${MONTHS[m - 1]} ${y}`;
}

// A month as a table: weeks are rows, Monday first; each day lists the deadlines due on it.
function calendar(items, today, month, show) {
  const [y, m] = month.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1));
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7;
  const byDay = {};
  for (const item of items) if (item.due.startsWith(month)) (byDay[Number(item.due.slice(8, 10))] ||= []).push(item);

  const cells = [];
  for (let i = 0; i < lead; i += 1) cells.push(h('td', { class: 'day outside' }));
  for (let d = 1; d <= days; d += 1) {
    const date = `${month}-${String(d).padStart(2, '0')}`;
    const due = byDay[d] || [];
    const isToday = date === today;
    cells.push(h('td', {
      class: ['day', isToday ? 'today' : null, due.some((x) => x.missed) ? 'has-missed' : null, due.length ? 'has-due' : null].filter(Boolean).join(' '),
      'aria-current': isToday ? 'date' : null,
      'data-date': date,
    },
    h('span', { class: 'day-number' }, d, h('span', { class: 'visually-hidden' }, ` ${MONTHS[m - 1]}, ${WEEKDAY_NAMES[(lead + d - 1) % 7]}`)),
    isToday ? h('span', { class: 'today-label' }, 'Today') : null,
    due.map((item) => h('span', { class: `event ${item.missed ? 'event-missed' : ''}`, title: `${item.title}: ${item.action}` },
      item.missed ? h('strong', {}, 'MISSED ') : null, `${item.right}: ${item.title}`))));
  }
  while (cells.length % 7) cells.push(h('td', { class: 'day outside' }));
  const weeks = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(h('tr', {}, cells.slice(i, i + 7)));

  const dueMonths = [...new Set(items.map((x) => x.due.slice(0, 7)))];
  const later = dueMonths.find((x) => x > month);
  const earlier = [...dueMonths].reverse().find((x) => x < month);
  const count = Object.values(byDay).flat().length;
  return h('div', { class: 'calendar' },
    h('div', { class: 'calendar-nav' },
      h('button', { type: 'button', class: 'cal-prev', onclick: () => show(shiftMonth(month, -1), '.cal-prev') }, '‹ Previous'),
      h('h3', { class: 'calendar-title', 'aria-live': 'polite' }, monthName(month)),
      h('button', { type: 'button', class: 'cal-next', onclick: () => show(shiftMonth(month, 1), '.cal-next') }, 'Next ›'),
      h('button', { type: 'button', class: 'cal-today', onclick: () => show(today.slice(0, 7), '.cal-today') }, 'This month'),
      earlier ? h('button', { type: 'button', class: 'cal-earlier', onclick: () => show(earlier, '.cal-earlier') }, `‹ Earlier deadline: ${shortMonth(earlier)}`) : null,
      later ? h('button', { type: 'button', class: 'cal-later', onclick: () => show(later, '.cal-later') }, `Next deadline: ${shortMonth(later)} ›`) : null),
    h('p', { class: 'hint' }, count ? `${count} deadline${count === 1 ? '' : 's'} this month.` : 'No deadline falls in this month.'),
    h('table', { class: 'month' },
      h('caption', { class: 'visually-hidden' }, `Deadlines in ${monthName(month)}`),
      h('thead', {}, h('tr', {}, WEEKDAYS.map((d, i) => h('th', { scope: 'col', abbr: WEEKDAY_NAMES[i] }, d)))),
      h('tbody', {}, weeks)));
}

function deadlineList(items, today, right) {
  if (!items.length) return emptyState('No IP deadline is open or missed. New filings add their deadlines here.');
  return table({
    caption: `Deadlines open on ${today} and those missed`,
    columns: ['Due', 'Status', 'Right', 'What', 'Action', 'Office', 'Source'],
    rows: items.map((item) => h('tr', { class: [item.missed ? 'missed' : '', item.right === right ? 'highlight' : ''].join(' ').trim() || null, 'data-right': item.right },
      h('th', { scope: 'row' }, item.due, item.nominal && item.nominal !== item.due ? h('span', { class: 'subject-name' }, `nominally ${item.nominal}`) : null),
      h('td', {}, item.missed ? badge('Missed', 'fail') : dueBadge(item, today)),
      h('td', {}, h('code', {}, item.right)),
      h('td', {}, item.title, h('span', { class: 'subject-name' }, capitalize(item.category || ''))),
      h('td', {}, item.action, item.note ? h('p', { class: 'note' }, `Note: ${item.note}`) : null,
        item.opens ? h('p', { class: 'note' }, `Opens ${item.opens}`) : null),
      h('td', {}, item.office || '—'),
      h('td', { class: 'source' }, item.source || '—'))),
  });
}

function dueBadge(item, today) {
  const days = daysBetween(today, item.due);
  if (days <= 30) return badge(`Due in ${days} day${days === 1 ? '' : 's'}`, 'warn');
  if (days <= 365) return badge(`In ${Math.round(days / 30.4)} months`, 'info');
  return badge(`In ${(days / 365.25).toFixed(1)} years`, 'neutral');
}

