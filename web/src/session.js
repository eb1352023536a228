// Who is signed in, and what their role may use. The dashboard hides what a role may not use
// rather than letting the server answer 403; who may call each route comes from the route table
// itself (GET /api/meta), read once at sign-in, never from a copy kept here.

// What a page or a button needs, as the route it calls: "flags:change" is the right to call
// POST /api/flags/{id}. `staff` (the owner's people) is whoever may read the workspace summary.
const PERMISSIONS = {
  staff: 'GET /api/status',
  'flags:change': 'POST /api/flags/{id}',
  'ledger:events': 'GET /api/audit/log',
  'findings:close': 'POST /api/visits/{visit}/findings/{finding}/close',
  'findings:answer': 'POST /api/visits/{visit}/findings/{finding}/answer',
  'plans:change': 'POST /api/products/{id}/plan-jobs',
  'plans:cancel': 'POST /api/products/{id}/plan-jobs/{job}/cancel',
  'visits:record': 'POST /api/visits',
  'gate:waive': 'POST /api/waivers',
  'releases:make': 'POST /api/releases',
  'releases:revoke': 'POST /api/releases/{id}/revoke',
  'releases:returned': 'POST /api/releases/{id}/returned',
  'watch:decide': 'POST /api/watch/hits/{id}/decision',
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
let routeRoles = new Map();  // "POST /api/flags/{id}" → the roles the route admits
let checkTitles = new Map();  // gate check id → its title

export function session() {
  return current;
}

export function setSession(value) {
  current = value ? { name: value.name, display_name: value.display_name || null, role: value.role, supplier: value.supplier || null, person: value.person || null } : null;
}

// The server's vocabulary (GET /api/meta): the roles of every route and the gate's check titles.
export function setMeta(meta) {
  routeRoles = new Map((meta && meta.routes || []).map((r) => [`${r.method} ${r.path}`, r.roles]));
  checkTitles = new Map((meta && meta.checks || []).map((c) => [c.id, c.title]));
}

export function can(permission, who = current) {
  if (!who) return false;
  const roles = routeRoles.get(PERMISSIONS[permission]);
  return Boolean(roles && roles.includes(who.role));
}

// A gate check's title as the gate's table words it; its id when the server named none.
export function checkTitle(id) {
  return checkTitles.get(id) || id;
}

export function isSupplier(who = current) {
  return Boolean(who && who.role === 'supplier');
}
