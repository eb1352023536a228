// Building DOM nodes without innerHTML: every text from the API goes in as a text node, so no
// record can inject markup or script (and the CSP forbids inline script and style anyway).

// h('a', {href: '#/x', class: 'link', onclick: fn}, 'text', child, [more]) → an element.
// Attributes whose value is null, undefined or false are left out; true sets an empty attribute.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// A status badge: the text says what the colour says, so it never relies on colour alone.
export function badge(text, kind = text) {
  return h('span', { class: `badge badge-${String(kind).replace(/[^a-z0-9-]/gi, '-').toLowerCase()}` }, text);
}

// A table with a caption, column headers (<th scope="col">) and rows of cells. A cell is a node, a
// string, or {th: content} for a row header (<th scope="row">), or {td: content, class, colspan}.
export function table({ caption, columns, rows, className = 'data', captionHidden = false }) {
  const head = h('thead', {}, h('tr', {}, columns.map((c) =>
    typeof c === 'string' ? h('th', { scope: 'col' }, c) : h('th', { scope: 'col', class: c.class, title: c.title }, c.label))));
  const body = h('tbody', {}, rows.map((row) => row instanceof Node ? row : tableRow(row)));
  return h('table', { class: className },
    caption ? h('caption', { class: captionHidden ? 'visually-hidden' : null }, caption) : null, head, body);
}

export function tableRow(cells, attrs = {}) {
  return h('tr', attrs, cells.map((cell) => {
    if (cell && typeof cell === 'object' && !(cell instanceof Node) && !Array.isArray(cell)) {
      if ('th' in cell) return h('th', { scope: 'row', class: cell.class }, cell.th);
      return h('td', { class: cell.class, colspan: cell.colspan, title: cell.title }, cell.td);
    }
    return h('td', {}, cell);
  }));
}

// A definition list from [label, value] pairs; pairs with an empty value show a dash.
export function fields(pairs, className = 'fields') {
  return h('dl', { class: className }, pairs.map(([label, value]) => [
    h('dt', {}, label),
    h('dd', {}, isEmpty(value) ? h('span', { class: 'muted' }, '—') : value),
  ]));
}

export function isEmpty(value) {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

export function section(title, ...children) {
  return h('section', { class: 'panel' }, h('h2', {}, title), children);
}

export function emptyState(text) {
  return h('p', { class: 'empty' }, text);
}

export function errorBox(error) {
  return h('div', { class: 'error-box', role: 'alert' },
    h('strong', {}, 'Could not load this. '), error && error.message ? error.message : String(error));
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

// A link inside the app: hash routes keep the browser's back button working.
export function link(href, ...children) {
  return h('a', { href }, children);
}

// Replaces an element's children, skipping null, undefined and false (replaceChildren would
// write them out as text).
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// The one way a dashboard form is sent. The browser's own submission is stopped; `check` may
// refuse it with {message, focus} (the message shown in `error`, the field focused); the submit
// button is disabled while `send` runs; a failure enables it again and shows its message in
// `error`, or goes to `failed` when the form shows failures its own way. After a success the
// button stays disabled (the page redraws the form) unless `reenable`.
export function onSubmit(form, { submit, error, check, send, failed, reenable = false }) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (error) error.textContent = '';
    const refusal = check ? check() : null;
    if (refusal) {
      if (error) error.textContent = refusal.message;
      if (refusal.focus) refusal.focus.focus();
      return;
    }
    if (submit) submit.disabled = true;
    try {
      await send();
      if (submit && reenable) submit.disabled = false;
    } catch (err) {
      if (submit) submit.disabled = false;
      if (failed) failed(err);
      else if (error) error.textContent = err.message;
    }
  });
  return form;
}
