// Red flags: what moat's rules raised, most severe first, with the evidence behind each; staff
// who may act acknowledge, resolve or reopen a flag with a reason that the ledger records.

import { api, apiAll, enc, query } from '../api.js';
import { badge, emptyState, errorBox, h, loading, onSubmit, replace } from '../dom.js';
import { capitalize, dateTime, SEVERITY_ORDER } from '../format.js';
import { flagSubjectTarget } from '../links.js';
import { can } from '../session.js';
import { severityBadge } from './common.js';

const STATES = [
  ['', 'Open and acknowledged'],
  ['open', 'Open'],
  ['acknowledged', 'Acknowledged'],
  ['resolved', 'Resolved'],
  ['all', 'All'],
];

const ACTIONS = {
  open: [['acknowledged', 'Acknowledge'], ['resolved', 'Resolve']],
  acknowledged: [['resolved', 'Resolve'], ['open', 'Reopen']],
  resolved: [['open', 'Reopen']],
};

const VERB = { acknowledged: 'acknowledging', resolved: 'resolving', open: 'reopening' };

export async function flagsView(ctx) {
  const state = ctx.params.get('state') || '';
  const severity = ctx.params.get('severity') || '';
  const subject = ctx.params.get('subject') || '';
  ctx.root.append(h('p', { class: 'intro' },
    'moat’s rules raise a red flag when something points to copying or leaking: overruns, unapproved ',
    'subcontractors, missing agreements, overdue findings. Acknowledge a flag when you are looking into it, ',
    'resolve it once dealt with; each change is recorded in the ledger with your reason.'));
  ctx.root.append(filterForm(ctx, { state, severity, subject }));
  const status = h('div', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
  const listBox = h('div', {}, loading('Loading red flags…'));
  ctx.root.append(status, listBox);

  // The rules are evaluated as of today first (a flag is raised once per cause, resolves itself when
  // its cause clears; nothing is written when nothing changed), so the list is current even if
  // nobody ran `moat flags` today.
  if (can('flags:change')) {
    try {
      const { raised, cleared = [], reopened = [] } = await api('/api/flags/refresh', { method: 'POST' });
      const plural = (n, one) => `${n} ${one}${n === 1 ? '' : 's'}`;
      status.textContent = [
        raised.length ? `${plural(raised.length, 'new red flag')} raised today.` : '',
        cleared.length ? `${plural(cleared.length, 'flag')} resolved itself because its cause cleared: ${cleared.map((f) => f.id).join(', ')}.` : '',
        reopened.length ? `${plural(reopened.length, 'flag')} reopened because its cause returned: ${reopened.map((f) => f.id).join(', ')}.` : '',
      ].filter(Boolean).join(' ');
    } catch (error) {
      status.textContent = `The rules could not be evaluated now: ${error.message}`;
    }
  }
  const visits = await apiAll('/api/visits?limit=500').catch(() => []);
  const visitSupplier = Object.fromEntries(visits.map((v) => [v.id, v.supplier]));
  const reload = async (message, focusId) => {
    try {
      const flags = await apiAll(`/api/flags${query({ state, severity, subject, limit: 500 })}`);
      replace(listBox, renderFlags(flags, { state, subject, visitSupplier, reload }));
      if (message) status.textContent = message;
      if (focusId) {
        const card = listBox.querySelector(`[data-flag="${CSS.escape(focusId)}"] h3`);
        if (card) card.focus();
      }
    } catch (error) {
      replace(listBox, errorBox(error));
    }
  };
  await reload();
}

function filterForm(ctx, { state, severity, subject }) {
  const stateSelect = h('select', { id: 'flag-state', name: 'state' },
    STATES.map(([value, label]) => h('option', { value }, label)));
  stateSelect.value = state;
  const severitySelect = h('select', { id: 'flag-severity', name: 'severity' },
    h('option', { value: '' }, 'Any severity'),
    SEVERITY_ORDER.map((s) => h('option', { value: s }, capitalize(s))));
  severitySelect.value = severity;
  const subjectInput = h('input', { id: 'flag-subject', name: 'subject', type: 'text', value: subject,
    placeholder: 'e.g. supplier/F04', 'aria-describedby': 'flag-subject-hint' });
  const form = h('form', { class: 'inline-form filters', id: 'flag-filters' },
    h('div', { class: 'field' }, h('label', { for: 'flag-state' }, 'State'), stateSelect),
    h('div', { class: 'field' }, h('label', { for: 'flag-severity' }, 'Severity'), severitySelect),
    h('div', { class: 'field' }, h('label', { for: 'flag-subject' }, 'Subject'), subjectInput,
      h('span', { id: 'flag-subject-hint', class: 'hint' }, 'exactly, as shown on a flag')),
    h('button', { type: 'submit' }, 'Show'),
    subject || state || severity ? h('a', { href: '#/flags', class: 'reset' }, 'Clear filters') : null);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`#/flags${query({ state: stateSelect.value, severity: severitySelect.value, subject: subjectInput.value.trim() })}`);
  });
  return form;
}

function renderFlags(flags, { state, subject, visitSupplier, reload }) {
  if (!flags.length) {
    const what = subject ? ` on ${subject}` : '';
    return emptyState(state === '' || state === 'open'
      ? `No open red flags${what}. Nothing needs attention right now.`
      : `No red flags${what} match these filters.`);
  }
  const counts = SEVERITY_ORDER.map((s) => [s, flags.filter((f) => f.severity === s).length]).filter(([, n]) => n);
  return h('div', {},
    h('p', { class: 'summary' }, `${flags.length} red flag${flags.length === 1 ? '' : 's'}: `,
      counts.map(([s, n], i) => [i ? ', ' : '', `${n} ${s}`])),
    can('flags:change') ? null : h('p', { class: 'hint' }, 'Your role can read red flags but not change them.'),
    h('ol', { class: 'cards', id: 'flag-list' }, flags.map((flag) => flagCard(flag, visitSupplier, reload))));
}

function flagCard(flag, visitSupplier, reload) {
  const target = flagSubjectTarget(flag.subject, visitSupplier);
  const actionsBox = h('div', { class: 'actions' });
  const card = h('li', { class: `card flag flag-${flag.severity}`, 'data-flag': flag.id, 'data-state': flag.state },
    h('div', { class: 'card-head' },
      severityBadge(flag.severity), ' ', badge(capitalize(flag.state), flag.state),
      h('h3', { tabindex: '-1' }, `${flag.id} · ${capitalize(flag.rule.replace(/-/g, ' '))}`),
      h('span', { class: 'subject' }, 'Subject: ',
        target ? h('a', { href: target.href }, flag.subject) : h('code', {}, flag.subject))),
    h('p', { class: 'flag-summary' }, flag.summary),
    evidenceList(flag.evidence, flag.severity === 'critical'),
    h('p', { class: 'meta' }, `Raised ${dateTime(flag.raised_at)}`,
      flag.updated_at ? ` · ${capitalize(flag.state)} by ${flag.updated_by || 'someone'} on ${dateTime(flag.updated_at)}` : ''),
    flag.reason ? h('p', { class: 'flag-reason' }, h('span', { class: 'label' }, 'Reason: '), flag.reason) : null,
    actionsBox);
  if (can('flags:change')) renderActions(flag, actionsBox, reload);
  return card;
}

function evidenceList(evidence, open) {
  if (!evidence || !evidence.length) return null;
  return h('details', { class: 'evidence', open },
    h('summary', {}, `Evidence (${evidence.length})`),
    h('dl', { class: 'fields compact' }, evidence.map((e) => [h('dt', {}, e.name), h('dd', {}, e.value)])));
}

function renderActions(flag, box, reload) {
  replace(box, ...(ACTIONS[flag.state] || []).map(([to, label]) =>
    h('button', { type: 'button', 'data-action': to, onclick: () => openReasonForm(flag, to, label, box, reload) }, label)));
}

// Asks for the reason in a real form (not prompt()): the ledger keeps it with the change.
function openReasonForm(flag, to, label, box, reload) {
  const id = `reason-${flag.id}`;
  const textarea = h('textarea', { id, name: 'reason', rows: 2, required: true, maxlength: 2000 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, label);
  const form = h('form', { class: 'reason-form' },
    h('label', { for: id }, `Reason for ${VERB[to]} ${flag.id} (recorded in the ledger)`),
    textarea, error,
    h('div', { class: 'buttons' }, submit,
      h('button', { type: 'button', onclick: () => renderActions(flag, box, reload) }, 'Cancel')));
  onSubmit(form, {
    submit, error,
    check: () => (textarea.value.trim() ? null
      : { message: 'Give a reason: the ledger records why the flag changed.', focus: textarea }),
    send: async () => {
      await api(`/api/flags/${enc(flag.id)}`, { method: 'POST', body: { state: to, reason: textarea.value.trim() } });
      await reload(`${flag.id} is now ${to}.`, flag.id);
    },
  });
  replace(box, form);
  textarea.focus();
}
