// SPDX-License-Identifier: Apache-2.0
#include "app/gate.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "app/checkpoints.h"
#include "app/columns.h"
#include "app/legal.h"
#include "app/legal_rules.h"
#include "app/own_facilities.h"
#include "app/record_fields.h"
#include "app/record_steps.h"
#include "app/records.h"
#include "app/red_flags.h"
#include "app/releases.h"
#include "app/sourcing.h"
#include "core/text.h"
#include "vet/qualification.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;
using Records = std::vector<store::Record>;

constexpr std::string_view kNnn = "nnn";
constexpr std::string_view kTrademark = "trademark";
// Who counts as on site: our agents and engineers (a supplier-quality engineer too), not auditors.
constexpr std::string_view kOnSiteRoles[] = {"agent", "engineer", "quality"};

// What the gate reads of the workspace, from one snapshot: the product's own records (not every
// product's), the rights, and the supplier of each visit and tool (where a flag about a finding
// or a tool belongs). A supplier's own records are read with its facts (supplier_facts).
struct Snapshot {
  json product;
  Records secrets, recipes, rights;
  std::unordered_map<std::string, std::string> visit_supplier, tool_location;
};

Status read_places(store::Store& store, Snapshot& s) {
  static constexpr std::string_view kVisits[] = {"id", "supplier"};
  MOAT_CHECK(columns_of::for_each(store, "visits", kVisits, [&](columns_of::Row r) {
    s.visit_supplier.emplace(columns_of::text(r[0]), columns_of::text(r[1]));
  }));
  static constexpr std::string_view kTools[] = {"id", "location"};
  return columns_of::for_each(store, "tooling", kTools, [&](columns_of::Row r) {
    s.tool_location.emplace(columns_of::text(r[0]), columns_of::text(r[1]));
  });
}

Status read_product(store::Store& store, const std::string& product, std::optional<Snapshot>& out) {
  MOAT_TRY(std::optional<store::Record> record, store.get(table("products"), {product}));
  if (!record) return {};
  Snapshot s;
  s.product = std::move(*record);
  MOAT_TRY(s.secrets, store.list_where(table("secrets"), "product", product));
  MOAT_TRY(s.recipes, store.list_where(table("recipes"), "product", product));
  MOAT_TRY(s.rights, store.list(table("ip_rights")));
  MOAT_CHECK(read_places(store, s));
  out = std::move(s);
  return {};
}

// The snapshot of `product`; nullopt when there is no such product.
Result<std::optional<Snapshot>> snapshot(Workspace& workspace, const std::string& product) {
  std::optional<Snapshot> out;
  store::Store& store = workspace.store();
  MOAT_CHECK(store.read_snapshot([&] { return read_product(store, product, out); }));
  return out;
}

Result<std::optional<store::Record>> supplier_record(Workspace& workspace, const std::string& id) {
  return workspace.store().get(table("suppliers"), {id});
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// ---- The product and its IP ------------------------------------------------------------------

gate::Product product_of(const Snapshot& s) {
  gate::Product out{text(s.product, "id"), text(s.product, "name"), {}, {}};
  for (const json& secret : s.secrets) {
    out.secrets.push_back({text(secret, "id"), text(secret, "name"), text(secret, "strategy")});
  }
  return out;
}

gate::Package package_of(const json& package) {
  return {text(package, "id"), text(package, "name"), list(package, "exposes")};
}

// The rights that concern `product`: those naming it, and those naming no product (company-wide).
Result<std::vector<gate::IpRight>> rights_of(Workspace& workspace, const Snapshot& s,
                                             const std::string& product, Date today) {
  MOAT_TRY(const auto missed, missed_protection(workspace, today));
  std::vector<gate::IpRight> out;
  for (const json& r : s.rights) {
    const std::vector<std::string> products = list(r, "products");
    if (!products.empty() && !contains(products, product)) continue;
    gate::IpRight right;
    right.id = text(r, "id");
    right.kind = text(r, "kind");
    right.jurisdiction = text(r, "jurisdiction");
    right.number = text(r, "registration_number").empty() ? text(r, "application_number")
                                                          : text(r, "registration_number");
    right.filed = date(r, "filed");
    right.owner = text(r, "owner");
    right.secrets = list(r, "secrets");
    right.mark = text(r, "mark").empty() && right.kind == kTrademark ? text(r, "title") : text(r, "mark");
    for (const auto& [id, deadlines] : missed) {
      if (id != right.id) continue;
      for (const legal::Deadline& d : deadlines)
        right.missed_protection.push_back(
            {d.rule, d.due, d.action, d.category == legal::Category::kClearance});
    }
    out.push_back(std::move(right));
  }
  return out;
}

// ---- The approved plan ----------------------------------------------------------------------

Result<std::optional<gate::ApprovedPlan>> approved_plan(Workspace& workspace, const Snapshot& s,
                                                        const std::string& product, Date today) {
  MOAT_TRY(const std::optional<SavedPlan> saved, current_plan(workspace, product));
  if (!saved || saved->state != "approved") return std::optional<gate::ApprovedPlan>();
  gate::ApprovedPlan plan;
  plan.id = saved->id;
  for (const plan::Assignment& a : saved->plan.assignments)
    plan.assignments.push_back({a.package, a.supplier});
  MOAT_TRY(PlanReview review, review_plan(workspace, product, *saved, today));
  for (const plan::RecipeExposure& r : review.exposure.recipes) {
    std::string name;
    for (const json& recipe : s.recipes) {
      if (text(recipe, "product") == product && text(recipe, "id") == r.recipe) name = text(recipe, "name");
    }
    plan.recipes.push_back({r.recipe, name, r.min_coalition, r.coalition});
  }
  plan.broken = std::move(review.breaks);
  return std::optional<gate::ApprovedPlan>(std::move(plan));
}

// ---- One supplier ---------------------------------------------------------------------------

std::vector<gate::Agreement> nnns_of(const std::vector<AgreementReview>& agreements,
                                     const std::string& supplier) {
  std::vector<gate::Agreement> out;
  for (const AgreementReview& a : agreements) {
    if (a.kind != kNnn || !contains(a.suppliers, supplier)) continue;
    gate::Agreement nnn{a.id, a.products, a.products.empty(), a.effective, a.expires, {}};
    for (const legal::CheckResult& f : a.failures)
      nnn.quality_failures.push_back({f.id, f.reason, f.missing_clauses});
    if (a.supplier != supplier) {  // flowed down by the contract manufacturer that signed it
      nnn.counterparty = a.supplier;
      nnn.counterparty_name = a.supplier_name;
    }
    out.push_back(std::move(nnn));
  }
  return out;
}

void add_orders(const Records& orders, gate::SupplierFacts& f) {
  for (const json& o : orders) {
    f.purchase_orders.push_back({text(o, "id"), text(o, "product"), !trim(text(o, "ip_clause")).empty(),
                                 number(o, "penalty").value_or(0), text(o, "currency")});
  }
}

void add_assignments(const Records& assignments, gate::SupplierFacts& f) {
  for (const json& a : assignments) {
    const std::string role = text(a, "role");
    const std::optional<Date> from = date(a, "from");
    if (!from) continue;
    if (std::find(std::begin(kOnSiteRoles), std::end(kOnSiteRoles), role) == std::end(kOnSiteRoles)) continue;
    f.on_site.push_back({text(a, "person"), role, *from, date(a, "to")});
  }
}

Status add_visits(store::Store& store, gate::SupplierFacts& f) {
  MOAT_TRY(const Records visits, store.list_where(table("visits"), "supplier", f.id));
  for (const json& v : visits) {
    const std::optional<Date> on = date(v, "date");
    if (!on) continue;
    const std::string id = text(v, "id");
    if (text(v, "kind") == "owner-visit") f.owner_visits.push_back({id, *on, join(list(v, "by"), ", ")});
    if (text(v, "kind") != "audit") continue;
    gate::Audit audit{id, *on, {}};
    MOAT_TRY(const Records findings, store.list_where(table("findings"), "visit", id));
    for (const json& finding : findings) {
      audit.findings.push_back({text(finding, "id"), text(finding, "severity"), text(finding, "description"),
                                text(finding, "state") == "closed"});
    }
    f.audits.push_back(std::move(audit));
  }
  return {};
}

// The supplier a flag is about: "supplier/F04"; a finding's visit's; a tool's holder's; an
// agreement's counterparty's. Empty for flags about products, plans, rights or disclosures.
std::string flag_supplier(const Snapshot& s, const std::vector<AgreementReview>& agreements,
                          const std::string& subject) {
  const std::vector<std::string> parts = split_list(subject, "/");
  if (parts.size() < 2) return "";
  if (parts[0] == "supplier") return parts[1];
  if (parts[0] == "finding") {
    const auto visit = s.visit_supplier.find(parts[1]);
    return visit == s.visit_supplier.end() ? "" : visit->second;
  }
  if (parts[0] == "tooling") {
    const auto tool = s.tool_location.find(parts[1]);
    return tool == s.tool_location.end() ? "" : tool->second;
  }
  if (parts[0] == "agreement") {
    const auto it = std::find_if(agreements.begin(), agreements.end(),
                                 [&](const AgreementReview& a) { return a.id == parts[1]; });
    return it == agreements.end() ? "" : it->supplier;
  }
  return "";
}

struct Shared {
  const Snapshot* snapshot;
  std::vector<AgreementReview> agreements;
  std::vector<Flag> flags;                  // standing today
  std::vector<std::string> flag_suppliers;  // the supplier each flag is about (flag_supplier)
  std::vector<ReleaseView> unreturned;      // revoked or expired releases not confirmed returned
  std::vector<OwnFacility> own;             // the trusted suppliers' confidentiality and access control
};

void add_own_facility(const Shared& shared, gate::SupplierFacts& f) {
  const auto own = std::find_if(shared.own.begin(), shared.own.end(),
                                [&](const OwnFacility& o) { return o.supplier == f.id; });
  if (own == shared.own.end()) return;
  for (const DesignRecipient& r : own->recipients) {
    const std::string received = r.releases.empty() ? "this release" : join(r.releases, ", ");
    f.recipients.push_back({r.person, r.name, received, r.covered_by, r.gap});
  }
  f.access_control = {own->access_verified, own->access_evidence};
}

// "R3 (revoked on 2026-12-01: contract ended)", "R4 (expired on 2026-11-30)".
std::string ended_release(const ReleaseView& r) {
  if (r.state == "revoked")
    return r.id + " (revoked on " + r.revoked_at.substr(0, 10) + ": " + r.revoke_reason + ")";
  return r.id + " (expired on " + r.expires + ")";
}

Result<gate::SupplierFacts> supplier_facts(Workspace& workspace, const Shared& shared, const json& r,
                                           const std::string& product, Date today) {
  const Snapshot& s = *shared.snapshot;
  store::Store& store = workspace.store();
  gate::SupplierFacts f;
  f.id = text(r, "id");
  f.name = text(r, "name");
  f.legal_name = text(r, "legal_name");
  f.uscc = text(r, "uscc");
  f.legal_rep = text(r, "legal_rep");
  f.city = text(r, "city");
  f.qualified_until = date(r, "qualified_until");
  f.status = vet::effective_status(text(r, "status"), f.qualified_until, today);
  f.trusted = r.value("trusted", false) == true;
  if (f.trusted) add_own_facility(shared, f);
  MOAT_TRY(const Records orders, store.list_where(table("orders"), "supplier", f.id));
  f.production_start = production_start({s.product}, orders, product, f.id, today).day;
  f.nnns = nnns_of(shared.agreements, f.id);
  add_orders(orders, f);
  MOAT_TRY(const Records assignments, store.list_where(table("assignments"), "supplier", f.id));
  add_assignments(assignments, f);
  MOAT_CHECK(add_visits(store, f));
  for (std::size_t i = 0; i < shared.flags.size(); ++i) {
    const Flag& flag = shared.flags[i];
    if (shared.flag_suppliers[i] == f.id) f.open_flags.push_back({flag.rule, flag.severity, flag.summary});
  }
  for (const ReleaseView& ended : shared.unreturned) {
    if (ended.supplier == f.id) f.unreturned_releases.push_back(ended_release(ended));
  }
  return f;
}

Result<Shared> shared_facts(Workspace& workspace, const Snapshot& s, Date today,
                            const PendingRecipients& pending = {}) {
  Shared shared{&s, {}, {}, {}, {}, {}};
  MOAT_TRY(shared.own, own_facilities(workspace, today, pending));
  MOAT_TRY(shared.unreturned, unreturned_releases(workspace, today));
  MOAT_TRY(shared.agreements, review_agreements(workspace, today));
  // The flags that hold today, as `moat flags` would record them: never a flag whose cause has
  // cleared since it was last evaluated.
  MOAT_TRY(shared.flags, standing_flags(workspace, today));
  for (const Flag& flag : shared.flags)
    shared.flag_suppliers.push_back(flag_supplier(s, shared.agreements, flag.subject));
  return shared;
}

Result<std::vector<gate::Waiver>> waivers_of(Workspace& workspace, const std::string& product) {
  MOAT_TRY(const std::vector<WaiverRow> rows, list_waivers(workspace, product));
  std::vector<gate::Waiver> out;
  for (const WaiverRow& row : rows) out.push_back(row.waiver);
  return out;
}

Result<gate::Verdict> release(Workspace& workspace, const GateRequest& request, const Snapshot& s,
                              const LegalRules& rules) {
  MOAT_TRY(const std::optional<store::Record> supplier, supplier_record(workspace, request.supplier));
  if (!supplier)
    return Error(ErrorCode::kNotFound, "--supplier", "unknown supplier '" + request.supplier + "'");
  MOAT_TRY(const std::optional<store::Record> package,
           workspace.store().get(table("packages"), {request.product, request.package}));
  if (!package) {
    return Error(ErrorCode::kNotFound, "--package",
                 "unknown work package '" + request.package + "' of product '" + request.product + "'");
  }
  MOAT_TRY(const Shared shared,
           shared_facts(workspace, s, request.today, {request.supplier, request.recipients}));
  MOAT_TRY(gate::SupplierFacts at_supplier,
           supplier_facts(workspace, shared, *supplier, request.product, request.today));
  gate::ReleaseFacts facts{request.today,          rules.company_names,
                           product_of(s),          package_of(*package),
                           std::move(at_supplier), {},
                           std::nullopt,           {}};
  MOAT_TRY(facts.rights, rights_of(workspace, s, request.product, request.today));
  MOAT_TRY(facts.plan, approved_plan(workspace, s, request.product, request.today));
  MOAT_TRY(facts.waivers, waivers_of(workspace, request.product));
  return gate::gate_release(facts, rules.gate);
}

Result<gate::Verdict> launch(Workspace& workspace, const GateRequest& request, const Snapshot& s,
                             const LegalRules& rules) {
  MOAT_TRY(const Shared shared, shared_facts(workspace, s, request.today));
  gate::LaunchFacts facts{request.today,
                          date(s.product, "production_start"),
                          rules.company_names,
                          product_of(s),
                          {},
                          {},
                          std::nullopt,
                          {}};
  MOAT_TRY(facts.rights, rights_of(workspace, s, request.product, request.today));
  MOAT_TRY(facts.plan, approved_plan(workspace, s, request.product, request.today));
  MOAT_TRY(facts.waivers, waivers_of(workspace, request.product));
  if (facts.plan) {
    for (const gate::Assignment& a : facts.plan->assignments) {
      const bool known = std::any_of(facts.suppliers.begin(), facts.suppliers.end(),
                                     [&](const gate::SupplierFacts& f) { return f.id == a.supplier; });
      if (known) continue;
      MOAT_TRY(const std::optional<store::Record> supplier, supplier_record(workspace, a.supplier));
      if (!supplier) continue;
      MOAT_TRY(gate::SupplierFacts f,
               supplier_facts(workspace, shared, *supplier, request.product, request.today));
      facts.suppliers.push_back(std::move(f));
    }
  }
  return gate::gate_launch(facts, rules.gate);
}

// ---- Waivers --------------------------------------------------------------------------------

// check_waivers' "/waivers/0/<field>" as the flag that sets the field.
Error located_at_flags(const Error& error) {
  std::vector<Diagnostic> located;
  for (const Diagnostic& d : error.diagnostics()) {
    const std::size_t slash = d.where.find_last_of('/');
    const std::string field = slash == std::string::npos ? d.where : d.where.substr(slash + 1);
    located.push_back({"--" + field, d.message});
  }
  return Error(error.code(), std::move(located));
}

// Whether a record of `table` has the id `id` (in `product`, for a product's records, when given).
Result<bool> has_record(Workspace& workspace, std::string_view table, const std::string& id,
                        const std::string& product) {
  std::vector<std::pair<std::string, store::SqlValue>> where{{"id", store::SqlValue(id)}};
  if (!product.empty() && table != "suppliers" && table != "products")
    where.emplace_back("product", store::SqlValue(product));
  MOAT_TRY(const std::int64_t found, workspace.store().count(*store::find_table(table), where));
  return found > 0;
}

// A waiver's subject names what a check names (docs/gate.md): a subject the gate can never name
// (a supplier that does not exist, "supplier/F03 " with a space) would be a waiver that never applies.
Status check_subject(Workspace& workspace, const std::string& subject, const std::string& product) {
  const std::vector<std::string> parts = split_list(subject, "/");
  const auto bad = [&](const std::string& why) {
    return input_error("--subject",
                       "'" + subject + "' " + why +
                           " (the gate's subjects: supplier/F03, supplier/F03/package/WP01, "
                           "secret/S01, package/WP05, recipe/R1, product/aurora, trademark/aurora/CN)");
  };
  static const std::map<std::string, std::string_view, std::less<>> kTables{
      {"supplier", "suppliers"}, {"secret", "secrets"},   {"package", "packages"},
      {"recipe", "recipes"},     {"product", "products"}, {"trademark", "products"}};
  const auto kind = parts.empty() ? kTables.end() : kTables.find(parts[0]);
  const bool shaped =
      kind != kTables.end() && (parts.size() == 2 || (parts.size() == 3 && parts[0] == "trademark") ||
                                (parts.size() == 4 && parts[0] == "supplier" && parts[2] == "package"));
  if (!shaped || join(parts, "/") != subject) return bad("is not a subject the gate names");
  MOAT_TRY(const bool found, has_record(workspace, kind->second, parts[1], product));
  if (!found)
    return bad("names no " + std::string(store::find_table(kind->second)->singular) + " '" + parts[1] + "'");
  if (parts.size() == 4) {
    MOAT_TRY(const bool package, has_record(workspace, "packages", parts[3], product));
    if (!package) return bad("names no work package '" + parts[3] + "'");
  }
  return {};
}

gate::Waiver waiver_of(const json& r) {
  return {text(r, "check"),
          text(r, "subject"),
          text(r, "role"),
          text(r, "reason"),
          text(r, "by"),
          date(r, "expires"),
          date(r, "granted").value_or(Date::from_days(0))};
}

}  // namespace

Result<gate::Verdict> run_gate(Workspace& workspace, const GateRequest& request) {
  if (request.supplier.empty() != request.package.empty()) {
    return input_error(request.supplier.empty() ? "--supplier" : "--package",
                       "a release names both the supplier and the work package (or neither, for the launch)");
  }
  MOAT_TRY(const LegalRules rules, legal_rules(workspace));
  MOAT_TRY(const std::optional<Snapshot> s, snapshot(workspace, request.product));
  if (!s) return Error(ErrorCode::kNotFound, "--product", "unknown product '" + request.product + "'");
  if (request.supplier.empty()) return launch(workspace, request, *s, rules);
  return release(workspace, request, *s, rules);
}

Result<std::string> grant_waiver(Workspace& workspace, const Session& session, const WaiverInput& input,
                                 Date today) {
  const gate::Waiver waiver{input.check,
                            input.subject,
                            input.role,
                            input.reason,
                            input.by.empty() ? session.actor : input.by,
                            input.expires,
                            input.granted.value_or(today)};
  if (const Status valid = gate::check_waivers({waiver}); !valid.ok()) return located_at_flags(valid.error());
  std::string id;
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             if (!input.product.empty()) {
               MOAT_TRY(const std::optional<store::Record> product,
                        workspace.store().get(table("products"), {input.product}));
               if (!product) return input_error("--product", "unknown product '" + input.product + "'");
             }
             MOAT_CHECK(check_subject(workspace, waiver.subject, input.product));
             MOAT_TRY(const Records existing, workspace.store().list(table("waivers")));
             std::vector<std::string> ids;
             for (const json& r : existing) ids.push_back(text(r, "id"));
             id = next_id(ids, "W");
             json record = {{"id", id},
                            {"check", waiver.check},
                            {"subject", waiver.subject},
                            {"product", input.product.empty() ? json() : json(input.product)},
                            {"role", waiver.role},
                            {"reason", waiver.reason},
                            {"by", waiver.by},
                            {"granted", waiver.granted.to_string()},
                            {"expires", waiver.expires->to_string()}};
             MOAT_CHECK(put_checked(workspace, writer, {{&table("waivers"), std::move(record)}}));
             return {};
           }));
  (void)events;
  MOAT_CHECK(checkpoint_now(workspace, session));
  return id;
}

Result<gate::Verdict> run_gate(Workspace& workspace, const Session& session, const GateRequest& request,
                               const Progress& progress) {
  tell(progress, 0, kGateSteps);
  MOAT_TRY(gate::Verdict verdict, run_gate(workspace, request));
  tell(progress, 1, kGateSteps);
  MOAT_CHECK(checkpoint_now(workspace, session));
  tell(progress, kGateSteps, kGateSteps);
  return verdict;
}

Result<std::vector<WaiverRow>> list_waivers(Workspace& workspace, const std::string& product) {
  MOAT_TRY(const Records records, workspace.store().list(table("waivers")));
  std::vector<WaiverRow> out;
  for (const json& r : records) {
    const std::string of = text(r, "product");
    if (!product.empty() && !of.empty() && of != product) continue;
    out.push_back({text(r, "id"), of, waiver_of(r)});
  }
  return out;
}

WaiverRow waiver_row(const json& record) {
  return {text(record, "id"), text(record, "product"), waiver_of(record)};
}

}  // namespace moat::app
