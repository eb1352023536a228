// Counterfeit watch: hits on marketplace listings, each with the listing's photos beside the
// company's reference images, the reasons it matched and the rights it touches; staff who record
// rights confirm or dismiss a hit with a reason the ledger keeps. Below, the takedown complaints
// with their state and what each still lacks.

import { api, apiAll, enc, query } from '../api.js';
import { badge, emptyState, errorBox, h, loading, replace, table } from '../dom.js';
import { capitalize, dateTime, money } from '../format.js';
import { can } from '../session.js';

const STATUSES = [['new', 'New'], ['confirmed', 'Confirmed'], ['dismissed', 'Dismissed'],
  ['unmatched', 'No longer matching'], ['', 'All']];

export async function watchView(ctx) {
  const status = ctx.params.has('status') ? ctx.params.get('status') : 'new';
  ctx.root.append(h('p', { class: 'intro' },
    'Marketplace listings that match the company’s marks, photos, design figures, model names or fall below the ',
    'product’s cost. Confirm a copy to trace it to the suppliers that held what it shows and to package a ',
    'complaint; dismiss what is not one. Each decision is recorded in the ledger with your reason.'));
  ctx.root.append(filterForm(ctx, status));
  const statusLine = h('div', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
  const hitsBox = h('div', {}, loading('Loading hits…'));
  const complaintsBox = h('section', { 'aria-labelledby': 'complaints-title' },
    h('h2', { id: 'complaints-title' }, 'Takedown complaints'), loading('Loading complaints…'));
  ctx.root.append(statusLine, hitsBox, complaintsBox);
  const reload = async (message) => {
    try {
      const hits = await apiAll(`/api/watch/hits${query({ status, limit: 500 })}`);
      replace(hitsBox, renderHits(hits, status, reload));
      if (message) statusLine.textContent = message;
    } catch (error) {
      replace(hitsBox, errorBox(error));
    }
    try {
      const complaints = await apiAll('/api/watch/complaints?limit=500');
      replace(complaintsBox, h('h2', { id: 'complaints-title' }, 'Takedown complaints'), renderComplaints(complaints));
    } catch (error) {
      replace(complaintsBox, errorBox(error));
    }
  };
  await reload();
}

function filterForm(ctx, status) {
  const select = h('select', { id: 'hit-status', name: 'status' },
    STATUSES.map(([value, label]) => h('option', { value }, label)));
  select.value = status;
  const form = h('form', { class: 'inline-form filters', id: 'hit-filters' },
    h('div', { class: 'field' }, h('label', { for: 'hit-status' }, 'Hits'), select),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(`#/watch?status=${encodeURIComponent(select.value)}`);
  });
  return form;
}

function renderHits(hits, status, reload) {
  if (!hits.length) {
    return emptyState(status === 'new' ? 'No new hits: every match has been decided.' : 'No hits match this filter.');
  }
  return h('div', {},
    h('p', { class: 'summary' }, `${hits.length} hit${hits.length === 1 ? '' : 's'}, strongest first.`),
    can('watch:decide') ? null : h('p', { class: 'hint' }, 'Your role can read hits but not decide them.'),
    h('ol', { class: 'cards', id: 'hit-list' }, hits.map((hit) => hitCard(hit, reload))));
}

function hitCard(hit, reload) {
  const l = hit.listing;
  const actions = h('div', { class: 'actions' });
  const card = h('li', { class: 'card hit', 'data-hit': hit.id, 'data-status': hit.status },
    h('div', { class: 'card-head' },
      badge(capitalize(hit.status), hit.status), ' ', h('span', { class: 'score' }, `score ${hit.score.toFixed(2)}`),
      h('h3', { tabindex: '-1' }, `${hit.id} · ${l.title}`)),
    h('p', { class: 'meta' },
      `${l.platform} · `, h('a', { href: l.url, rel: 'noopener noreferrer', target: '_blank' }, l.listing_id || l.url),
      l.price !== null ? ` · ${money(l.price, l.currency)}` : '',
      l.seller ? ` · ${l.seller}` : '', l.seller_location ? ` (${l.seller_location})` : '',
      ` · product ${hit.product}`),
    h('div', { class: 'side-by-side' },
      h('figure', {}, h('figcaption', {}, 'The listing’s photos'),
        l.images.length ? l.images.map((image) => h('img', {
          src: `/api/watch/listings/${enc(l.id)}/images/${enc(image.name)}`,
          alt: `${l.id} photo ${image.name}`, title: `SHA-256 ${image.sha256}, captured ${image.captured_at}`, loading: 'lazy',
        })) : h('p', { class: 'hint' }, 'No photo captured')),
      h('figure', {}, h('figcaption', {}, 'Our references it matched'),
        hit.reference_images.length ? hit.reference_images.map((id) => h('img', {
          src: `/api/watch/references/${enc(id)}/image`, alt: `reference ${id}`, loading: 'lazy',
        })) : h('p', { class: 'hint' }, 'No image matched'))),
    h('h4', {}, 'Why it matched'),
    h('ul', { class: 'reasons' }, hit.reasons.map((r) =>
      h('li', {}, h('strong', {}, capitalize(r.kind)), ` ${r.detail} `, h('span', { class: 'hint' }, `(${r.score.toFixed(2)})`)))),
    hit.rights.length ? h('p', { class: 'rights' }, h('span', { class: 'label' }, 'Rights: '),
      hit.rights.map((r, i) => [i ? '; ' : '', `${r.id} ${r.jurisdiction} ${r.kind} ${r.mark || r.title} (${r.status})`])) : null,
    hit.decided_at ? h('p', { class: 'flag-reason' }, h('span', { class: 'label' }, `${capitalize(hit.status)} by ${hit.decided_by} on ${dateTime(hit.decided_at)}: `),
      hit.decision_reason) : null,
    actions);
  if (can('watch:decide')) renderActions(hit, actions, reload);
  return card;
}

function renderActions(hit, box, reload) {
  const choices = hit.status === 'new' ? [['confirmed', 'Confirm copy'], ['dismissed', 'Dismiss']]
    : hit.status === 'confirmed' ? [['dismissed', 'Dismiss']]
    : hit.status === 'unmatched' ? [['dismissed', 'Dismiss']] : [['confirmed', 'Confirm copy']];
  replace(box, ...choices.map(([to, label]) =>
    h('button', { type: 'button', 'data-action': to, onclick: () => openReasonForm(hit, to, label, box, reload) }, label)));
}

function openReasonForm(hit, to, label, box, reload) {
  const id = `reason-${hit.id}`;
  const textarea = h('textarea', { id, name: 'reason', rows: 2, required: true, maxlength: 2000 });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, label);
  const form = h('form', { class: 'reason-form' },
    h('label', { for: id }, `Why ${hit.id} is ${to === 'confirmed' ? 'a copy' : 'not one'} (recorded in the ledger)`),
    textarea, error,
    h('div', { class: 'buttons' }, submit, h('button', { type: 'button', onclick: () => renderActions(hit, box, reload) }, 'Cancel')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = textarea.value.trim();
    if (!reason) {
      error.textContent = 'Give a reason: the ledger records why.';
      textarea.focus();
      return;
    }
    submit.disabled = true;
    try {
      const decided = await api(`/api/watch/hits/${enc(hit.id)}/decision`, { method: 'POST', body: { status: to, reason } });
      const flags = decided.flags && decided.flags.length ? ` It points back to a supplier: red flag ${decided.flags.join(', ')}.` : '';
      await reload(`${hit.id} is now ${to}.${flags}`);
    } catch (err) {
      submit.disabled = false;
      error.textContent = err.message;
    }
  });
  replace(box, form);
  textarea.focus();
}

function renderComplaints(complaints) {
  if (!complaints.length) return emptyState('No complaint yet: `moat watch package PLATFORM` writes one per confirmed copy.');
  return table({
    caption: 'Takedown complaints',
    captionHidden: true,
    columns: ['Complaint', 'Platform', 'Status', 'Hits', 'Right', 'Filed', 'Removed', 'Counter-notice', 'Relisted', 'Still missing'],
    rows: complaints.map((c) => [c.id, c.platform, badge(capitalize(c.status), c.status), c.hits.join(', '), c.rights.join(', '),
      c.filed_on || '', c.removed_on || '', c.counter_notice_on || '', c.relisted_on || '',
      c.ready ? 'Nothing: ready to file' : c.missing.join('; ')]),
  });
}
