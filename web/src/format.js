// How numbers, dates and moat's ids read on screen, in one place.

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const moneyFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function number(value) {
  return value === null || value === undefined ? '—' : numberFormat.format(value);
}

export function money(value, currency = '') {
  if (value === null || value === undefined) return '—';
  return currency ? `${moneyFormat.format(value)} ${currency}` : moneyFormat.format(value);
}

export function percent(share, digits = 0) {
  if (share === null || share === undefined) return '—';
  return `${(share * 100).toFixed(digits)}%`;
}

// "2026-11-29T14:58:43.381Z" → "2026-11-29 14:58" (UTC, as the ledger records it).
export function dateTime(text) {
  if (!text) return '—';
  return text.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

export function isoDate(date) {
  const y = date.getUTCFullYear();
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  const d = String(date.getUTCDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

export function parseDate(text) {
  const [y, m, d] = text.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

export function daysBetween(from, to) {
  return Math.round((parseDate(to) - parseDate(from)) / 86400000);
}

export function capitalize(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

export const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];
