// SPDX-License-Identifier: Apache-2.0
#include "http/routes.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "http/handlers.h"
#include "http/request_bodies.h"

namespace moat::http {
namespace {

using app::Role;

constexpr Roles kEditors{Role::kAdmin, Role::kSourcing};
constexpr Roles kAuditors{Role::kAdmin, Role::kLegal, Role::kOversight};
// Who acts on red flags: the owner's people but viewers.
constexpr Roles kFlagHandlers{Role::kAdmin, Role::kSourcing, Role::kLegal, Role::kOversight};
// Who records a supplier's answer to a finding: the supplier itself, or our people on site for it.
constexpr Roles kAnswerers{Role::kAdmin, Role::kOversight, Role::kSupplier};
// Who records visits and findings and closes them: our people on site.
constexpr Roles kOnSite{Role::kAdmin, Role::kOversight};
// Who may waive a gate check: those accountable for the risk it accepts.
constexpr Roles kWaivers{Role::kAdmin, Role::kLegal};

// Who releases design files (and revokes releases): those who source, and administrators.
constexpr Roles kReleasers{Role::kAdmin, Role::kSourcing};
constexpr Roles kRevokers{Role::kAdmin, Role::kSourcing, Role::kLegal};
// Who confirms that a release's files came back or were destroyed: our people but viewers.
constexpr Roles kReturnConfirmers{Role::kAdmin, Role::kSourcing, Role::kLegal, Role::kOversight};
// Who downloads a copy: its recipient (a supplier user bound to that person), or an administrator.
constexpr Roles kCopyTakers{Role::kAdmin, Role::kSupplier};

// Who acts on the counterfeit watch (decides hits, records complaints): those who record rights.
constexpr Roles kWatchers{Role::kAdmin, Role::kSourcing, Role::kLegal};

// The one route table. Order matters only for the OpenAPI document's order.
const Route kRoutes[] = {
    {Method::kPost,
     "/api/login",
     "sign in with a name and password (JSON or form): sets the session cookie, returns the CSRF token",
     kEveryone,
     Scope::kPublic,
     handlers::login,
     {},
     kLoginBody,
     false,
     true},
    {Method::kPost, "/api/logout", "end the browser session", kEveryone, Scope::kAll, handlers::logout},
    {Method::kGet, "/api/me", "who is signed in, with which role (and the CSRF token of a cookie session)",
     kEveryone, Scope::kAll, handlers::me},
    {Method::kGet, "/api/meta", "the gate's checks with their titles, and the roles each route admits",
     kEveryone, Scope::kAll, handlers::meta},
    {Method::kGet,
     "/api/status",
     "the workspace summary: products, suppliers, parties, ledger",
     kStaff,
     Scope::kAll,
     handlers::status,
     {},
     {},
     true},
    {Method::kGet,
     "/api/suppliers",
     "suppliers, paginated and filtered (a supplier user sees only its own)",
     kEveryone,
     Scope::kOwnRows,
     handlers::list_suppliers,
     "limit,offset,after,status,city,capability",
     {},
     true},
    {Method::kGet,
     "/api/suppliers/{id}",
     "one supplier with its version (the ETag)",
     kEveryone,
     Scope::kOwnSupplier,
     handlers::get_supplier,
     {},
     {},
     true},
    {Method::kPatch,
     "/api/suppliers/{id}",
     "change a supplier's fields; If-Match: the version read",
     kEditors,
     Scope::kAll,
     handlers::patch_supplier,
     {},
     kSupplierPatchBody,
     false,
     false,
     true},
    {Method::kGet,
     "/api/suppliers/{id}/people",
     "the people on file at a supplier",
     kEveryone,
     Scope::kOwnSupplier,
     handlers::supplier_people,
     {},
     {},
     true},
    {Method::kGet,
     "/api/products",
     "products (a supplier user: those it has work packages of)",
     kEveryone,
     Scope::kAssignedWork,
     handlers::list_products,
     {},
     {},
     true},
    {Method::kGet,
     "/api/products/{id}/packages",
     "a product's work packages with the secrets each exposes",
     kEveryone,
     Scope::kAssignedWork,
     handlers::product_packages,
     {},
     {},
     true},
    {Method::kGet,
     "/api/products/{id}/plan",
     "the approved sourcing plan (or with plan= a saved draft): assignments, exposure (parties x secrets), "
     "each "
     "recipe's minimum coalition",
     kStaff,
     Scope::kAll,
     handlers::product_plan,
     "plan",
     {},
     true},
    {Method::kPost,
     "/api/products/{id}/plans",
     "plan the product's sourcing (at the workspace's policy, or the collusion and cap given) and save it as "
     "a draft",
     kEditors,
     Scope::kAll,
     handlers::create_plan,
     {},
     kPlanBody,
     false,
     true},
    {Method::kPost,
     "/api/products/{id}/plan-jobs",
     "start planning the product's sourcing as a background job (one per product at a time); its plan is "
     "saved as a draft when it ends",
     kEditors,
     Scope::kAll,
     handlers::start_plan_job,
     {},
     kPlanJobBody},
    {Method::kGet, "/api/products/{id}/plan-jobs",
     "the product's planning jobs, newest first: state, best cost so far, bound, gap, elapsed", kStaff,
     Scope::kAll, handlers::list_plan_jobs},
    {Method::kGet, "/api/products/{id}/plan-jobs/{job}",
     "a planning job: state, best cost so far, proven bound, gap, elapsed; once done the saved plan", kStaff,
     Scope::kAll, handlers::get_plan_job},
    {Method::kPost, "/api/products/{id}/plan-jobs/{job}/cancel",
     "cancel a running planning job: it stops within moments and saves nothing", kEditors, Scope::kAll,
     handlers::cancel_plan_job},
    {Method::kPost, "/api/products/{id}/plans/{plan}/approve",
     "approve a saved plan (it supersedes the plan approved before); only a valid plan can be approved",
     kEditors, Scope::kAll, handlers::approve_plan},
    {Method::kGet,
     "/api/products/{id}/gate",
     "the go / no-go gate: the production launch, or with supplier and package the release of that package "
     "to that "
     "supplier; each check with its reason and fix",
     kStaff,
     Scope::kAll,
     handlers::product_gate,
     "supplier,package",
     {},
     true},
    {Method::kGet,
     "/api/products/{id}/frontier",
     "the price of protection: the plan's cost at collusion 0 to 3 and under tighter exposure caps",
     kStaff,
     Scope::kAll,
     handlers::product_frontier,
     {},
     {},
     true,
     true},
    {Method::kGet,
     "/api/qualification",
     "each supplier's qualification: status, tier, validity, last assessment, certificates (a supplier user: "
     "its own)",
     kEveryone,
     Scope::kOwnRows,
     handlers::qualification,
     "limit,offset,status",
     {},
     true},
    {Method::kGet,
     "/api/visits",
     "visits and audits with their findings, newest first (a supplier user: those at its own sites, with the "
     "findings to answer)",
     kEveryone,
     Scope::kOwnRows,
     handlers::list_visits,
     "limit,offset,after,supplier,state",
     {},
     true},
    {Method::kPost,
     "/api/visits",
     "record a visit or an audit (scored against a checklist; failed items raise findings)",
     kOnSite,
     Scope::kAll,
     handlers::record_visit,
     {},
     kVisitBody},
    {Method::kPost,
     "/api/visits/{visit}/findings",
     "record a finding with its corrective action, owner and due date",
     kOnSite,
     Scope::kAll,
     handlers::add_finding,
     {},
     kFindingBody},
    {Method::kPost,
     "/api/visits/{visit}/findings/{finding}/answer",
     "answer a finding: what was done about it (the finding becomes answered)",
     kAnswerers,
     Scope::kOwnVisit,
     handlers::answer_finding,
     {},
     kAnswerBody},
    {Method::kPost,
     "/api/visits/{visit}/findings/{finding}/close",
     "close a finding (on closed_on, default today)",
     kOnSite,
     Scope::kAll,
     handlers::close_finding,
     {},
     kCloseBody},
    {Method::kGet,
     "/api/flags",
     "red flags, most severe first: by default those open or acknowledged",
     kStaff,
     Scope::kAll,
     handlers::list_flags,
     "limit,offset,state,severity,subject",
     {},
     true},
    {Method::kPost,
     "/api/flags/{id}",
     "acknowledge, resolve or reopen a red flag, with the reason",
     kFlagHandlers,
     Scope::kAll,
     handlers::update_flag,
     {},
     kFlagBody},
    {Method::kPost,
     "/api/flags",
     "acknowledge, resolve or reopen several red flags at once (all or none)",
     kFlagHandlers,
     Scope::kAll,
     handlers::update_flags,
     {},
     kFlagsBody},
    {Method::kPost, "/api/flags/refresh",
     "evaluate the red-flag rules as of today: record the flags not raised before, resolve those whose cause "
     "cleared, reopen those whose cause returned (answered with each)",
     kFlagHandlers, Scope::kAll, handlers::refresh_flags},
    {Method::kGet,
     "/api/ip/rights",
     "IP rights (patents, designs, trademarks, ...) with their events",
     kStaff,
     Scope::kAll,
     handlers::ip_rights,
     "limit,offset,after,product,secret",
     {},
     true},
    {Method::kGet,
     "/api/waivers",
     "the gate's waivers (of a product, and those for every product)",
     kStaff,
     Scope::kAll,
     handlers::list_waivers,
     "limit,offset,after,product",
     {},
     true},
    {Method::kPost,
     "/api/waivers",
     "waive a failing gate check for a subject, with a role, a reason and an expiry",
     kWaivers,
     Scope::kAll,
     handlers::grant_waiver,
     {},
     kWaiverBody},
    {Method::kGet,
     "/api/ip/deadlines",
     "IP deadlines open today (within days, when given) and those missed",
     kStaff,
     Scope::kAll,
     handlers::ip_deadlines,
     "limit,offset,within,right",
     {},
     true},
    {Method::kGet,
     "/api/agreements",
     "NNN and other agreements with their quality check (a supplier user: those binding it)",
     kEveryone,
     Scope::kOwnRows,
     handlers::list_agreements,
     "limit,offset,supplier",
     {},
     true},
    {Method::kGet,
     "/api/orders",
     "purchase orders with their IP clause and penalty (a supplier user: its own)",
     kEveryone,
     Scope::kOwnRows,
     handlers::list_orders,
     "limit,offset,after,supplier,product",
     {},
     true},
    {Method::kGet,
     "/api/parties",
     "parties: suppliers grouped by affiliation",
     kStaff,
     Scope::kAll,
     handlers::list_parties,
     {},
     {},
     true},
    {Method::kGet,
     "/api/audit/log",
     "ledger events, oldest first, paginated by sequence number",
     kAuditors,
     Scope::kAll,
     handlers::audit_log,
     "after,limit,entity,key,actor,action,about",
     {},
     true},
    {Method::kGet,
     "/api/audit/verify",
     "verify the ledger's hash chain and the records against it",
     kStaff,
     Scope::kAll,
     handlers::audit_verify,
     {},
     {},
     true},
    {Method::kPost,
     "/api/records/{kind}/remove",
     "remove records by key (as moat remove): refused while others refer to them, unless cascade; dry_run "
     "shows what would go",
     kEditors,
     Scope::kAll,
     handlers::remove_records,
     {},
     kRemoveBody},
    {Method::kGet,
     "/api/watch/hits",
     "counterfeit watch hits, strongest first: listing, score, reasons, rights matched",
     kStaff,
     Scope::kAll,
     handlers::watch_hits,
     "limit,offset,after,status",
     {},
     true},
    {Method::kGet,
     "/api/watch/hits/{id}",
     "one hit with its listing, reasons and the rights it touches",
     kStaff,
     Scope::kAll,
     handlers::watch_hit,
     {},
     {},
     true},
    {Method::kPost,
     "/api/watch/hits/{id}/decision",
     "confirm or dismiss a hit, with the reason (a confirmed hit that points back to a supplier raises a red "
     "flag)",
     kWatchers,
     Scope::kAll,
     handlers::decide_watch_hit,
     {},
     kHitDecisionBody},
    {Method::kPost, "/api/watch/match", "match every listing again against the current references", kWatchers,
     Scope::kAll, handlers::watch_match},
    {Method::kGet,
     "/api/watch/listings",
     "marketplace listings with their captured images (hashes, capture times)",
     kStaff,
     Scope::kAll,
     handlers::watch_listings,
     "limit,offset,after",
     {},
     true},
    {Method::kGet,
     "/api/watch/listings/{id}/images/{name}",
     "a listing's captured image",
     kStaff,
     Scope::kAll,
     handlers::watch_listing_image,
     {},
     {},
     true},
    {Method::kGet,
     "/api/watch/references",
     "what each product is recognised by: marks, designs, images, models, price floor",
     kStaff,
     Scope::kAll,
     handlers::watch_references,
     {},
     {},
     true},
    {Method::kGet,
     "/api/watch/references/{id}/image",
     "a reference image or design figure",
     kStaff,
     Scope::kAll,
     handlers::watch_reference_image,
     {},
     {},
     true},
    {Method::kGet,
     "/api/watch/complaints",
     "takedown complaints, their state with its dates, and what they still lack",
     kStaff,
     Scope::kAll,
     handlers::watch_complaints,
     "limit,offset,after",
     {},
     true},
    {Method::kPost,
     "/api/watch/complaints/{id}/status",
     "record a complaint's new status with its date",
     kWatchers,
     Scope::kAll,
     handlers::set_watch_complaint,
     {},
     kComplaintStatusBody},
    {Method::kGet,
     "/api/openapi.json",
     "this API as an OpenAPI 3.1 document",
     kEveryone,
     Scope::kPublic,
     handlers::openapi,
     {},
     {},
     true},
    {Method::kGet, "/api/files",
     "design files, each name's current revision (a supplier user: the files of the copies made for it)",
     kEveryone, Scope::kOwnRelease, handlers::list_files, "limit,offset,product,package"},
    {Method::kGet, "/api/files/{id}", "one design file with its revisions", kEveryone, Scope::kOwnRelease,
     handlers::get_file},
    {Method::kGet, "/api/files/{id}/master", "download a file's unmarked master (recorded in the ledger)",
     Roles{Role::kAdmin}, Scope::kAll, handlers::file_master},
    {Method::kGet, "/api/releases",
     "releases, newest first, with their copies and state (a supplier user: those to its supplier, its own "
     "copies)",
     kEveryone, Scope::kOwnRelease, handlers::list_releases,
     "limit,offset,after,supplier,product,person,state"},
    {Method::kPost,
     "/api/releases",
     "release a work package's files to people at a supplier through the gate and the knowledge rules; 201 "
     "released, 422 refused with the reasons; with dry_run what it would do (200)",
     kReleasers,
     Scope::kAll,
     handlers::create_release,
     {},
     kReleaseBody},
    {Method::kGet, "/api/releases/{id}", "one release with its copies", kEveryone, Scope::kOwnRelease,
     handlers::get_release},
    {Method::kPost,
     "/api/releases/{id}/revoke",
     "revoke a release: its copies are no longer served",
     kRevokers,
     Scope::kAll,
     handlers::revoke_release,
     {},
     kReasonBody},
    {Method::kPost,
     "/api/releases/{id}/returned",
     "confirm that a release's files were returned or destroyed",
     kReturnConfirmers,
     Scope::kAll,
     handlers::confirm_return,
     {},
     kReasonBody},
    {Method::kGet, "/api/copies/{id}/download",
     "download a copy (a supplier user: only those made for its own person); 410 once its release is revoked "
     "or "
     "expired; recorded in the ledger",
     kCopyTakers, Scope::kOwnRelease, handlers::download_copy},
    {Method::kGet,
     "/api/products/{id}/knowledge",
     "what releases gave out, per party (or with holders=people per person), and each recipe's smallest "
     "coalition",
     kStaff,
     Scope::kAll,
     handlers::product_knowledge,
     "holders",
     {},
     true},
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view next_segment(std::string_view& rest) {
  const std::size_t slash = rest.find('/');
  const std::string_view segment = rest.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  return segment;
}

}  // namespace

std::span<const Route> routes() {
  return kRoutes;
}

std::string_view method_name(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kPost:
      return "POST";
    case Method::kPatch:
      return "PATCH";
  }
  return "GET";
}

std::optional<Method> parse_method(std::string_view name) {
  for (const Method method : {Method::kGet, Method::kPost, Method::kPatch}) {
    if (method_name(method) == name) return method;
  }
  return std::nullopt;
}

std::string_view scope_name(Scope scope) {
  switch (scope) {
    case Scope::kPublic:
      return "public";
    case Scope::kAll:
      return "all";
    case Scope::kOwnSupplier:
      return "own-supplier";
    case Scope::kOwnRows:
      return "own-rows";
    case Scope::kAssignedWork:
      return "assigned-work";
    case Scope::kOwnVisit:
      return "own-visit";
    case Scope::kOwnRelease:
      return "own-release";
  }
  return "all";
}

std::string Call::param(std::string_view name) const {
  for (const PathParam& p : params) {
    if (p.name == name) return p.value;
  }
  return {};
}

std::optional<std::string> Call::query_value(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_digit(text[i + 1]), low = hex_digit(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out += c;
  }
  return out;
}

std::optional<std::vector<PathParam>> match(std::string_view pattern, std::string_view path) {
  if (std::count(pattern.begin(), pattern.end(), '/') != std::count(path.begin(), path.end(), '/'))
    return std::nullopt;
  std::vector<PathParam> params;
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty()) return std::nullopt;
    const std::string_view want = next_segment(pattern);
    const std::string_view have = next_segment(path);
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      auto value = percent_decode(have, false);
      if (!value || value->empty() || value->find('/') != std::string::npos) return std::nullopt;
      params.push_back({want.substr(1, want.size() - 2), std::move(*value)});
    } else if (want != have) {
      return std::nullopt;
    }
  }
  return params;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    const std::string_view item = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (item.empty()) continue;
    const std::size_t equals = item.find('=');
    auto key = percent_decode(item.substr(0, equals), true);
    auto value =
        percent_decode(equals == std::string_view::npos ? std::string_view() : item.substr(equals + 1), true);
    if (!key || !value) return std::nullopt;
    pairs.emplace_back(std::move(*key), std::move(*value));
  }
  return pairs;
}

const nlohmann::json& body_schema(const Route& route) {
  static std::mutex mutex;
  static std::unordered_map<const Route*, nlohmann::json> parsed;
  std::lock_guard lock(mutex);
  auto [it, added] = parsed.try_emplace(&route);
  if (added)
    it->second = route.request_body.empty() ? nlohmann::json() : nlohmann::json::parse(route.request_body);
  return it->second;
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t semicolon = header.find(';');
    std::string_view item = header.substr(0, semicolon);
    header = semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.starts_with(name) && item[name.size()] == '=') {
      return item.substr(name.size() + 1);
    }
  }
  return {};
}

}  // namespace moat::http
