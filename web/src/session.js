// Who is signed in, and what their role may use (docs/api.md, "Roles and what they reach").
// The dashboard hides what a role may not use rather than letting the server answer 403.

export const STAFF = ['admin', 'sourcing', 'legal', 'oversight', 'viewer'];

const PERMISSIONS = {
  staff: STAFF,
  'flags:change': ['admin', 'sourcing', 'legal', 'oversight'],
  'ledger:events': ['admin', 'legal', 'oversight'],
  'findings:close': ['admin', 'oversight'],
  'findings:answer': ['admin', 'oversight', 'supplier'],
  'plans:change': ['admin', 'sourcing'],
  'visits:record': ['admin', 'oversight'],
  'gate:waive': ['admin', 'legal'],
  'releases:make': ['admin', 'sourcing'],
  'releases:revoke': ['admin', 'sourcing', 'legal'],
  'releases:returned': ['admin', 'sourcing', 'legal', 'oversight'],
  'watch:decide': ['admin', 'sourcing', 'legal'],
};

export const ROLE_NAMES = {
  admin: 'Administrator',
  sourcing: 'Sourcing',
  legal: 'Legal',
  oversight: 'Oversight (on-site)',
  viewer: 'Viewer',
  supplier: 'Supplier',
};

let current = null;

export function session() {
  return current;
}

export function setSession(value) {
  current = value ? { name: value.name, role: value.role, supplier: value.supplier || null, person: value.person || null } : null;
}

export function can(permission, who = current) {
  if (!who) return false;
  const roles = PERMISSIONS[permission];
  return Boolean(roles && roles.includes(who.role));
}

export function isSupplier(who = current) {
  return Boolean(who && who.role === 'supplier');
}
