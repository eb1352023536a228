// The one way the dashboard talks to moat serve: JSON over fetch with the session cookie, the
// CSRF token on every write, and errors turned into ApiError carrying the problem's detail.
// A 401 on anything but sign-in means the session ended: the handler set by onSessionEnded runs.

let csrfToken = null;
let sessionEnded = () => {};

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem || {};
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

export function onSessionEnded(handler) {
  sessionEnded = handler;
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { detail: 'moat could not be reached. Check that the server is running, then try again.' });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && path !== '/api/login' && path !== '/api/me') sessionEnded(error);
    throw error;
  }
  return data;
}

// A list's first page with the items of every page after it (its other members kept): for lists
// the dashboard shows whole, following each page's `next` link.
export async function allPages(path) {
  const first = await api(path);
  const items = [...(first.items || [])];
  for (let next = first.next; next;) {
    const page = await api(next);
    items.push(...(page.items || []));
    next = page.next || null;
  }
  return { ...first, items, next: null };
}

// Every item of a paginated list.
export async function apiAll(path) {
  return (await allPages(path)).items;
}

// A query string from an object, leaving out empty values.
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const enc = encodeURIComponent;
