// SPDX-License-Identifier: Apache-2.0
#include "gate/gate.h"

#include <algorithm>

#include "core/catalog.h"
#include "gate/checks.h"

namespace moat::gate {
namespace {

using detail::Context;

struct Row {
  CheckInfo info;
  detail::Evaluate evaluate;
};

// ---- The table: one row per check, in the order verdicts list them ----------------------------

const Row kRows[] = {
    {{"supplier-qualified", "Supplier qualified and in date", Applies::kBoth, Level::kSupplier,
      "The supplier's effective status is qualified (or conditional where policy.allow_conditional) and its "
      "qualification runs at least until today."},
     detail::supplier_qualified},
    {{"nnn", "Valid NNN covering the product", Applies::kBoth, Level::kSupplier,
      "An NNN binding the supplier covers the product, is in force today (effective <= today <= expiry) and "
      "passes the agreement quality check. Not asked of the company's own facility."},
     detail::nnn},
    {{"po-ip-clause", "Purchase orders carry the IP clause", Applies::kBoth, Level::kSupplier,
      "The supplier has purchase orders for the product and every one carries an IP clause with liquidated "
      "damages. Not asked of the company's own facility."},
     detail::po_ip_clause},
    {{"employee-confidentiality", "Own facility: staff bound to confidentiality", Applies::kBoth,
      Level::kSupplier,
      "At the company's own facility (a trusted supplier), every person who receives design data is bound by "
      "an "
      "employee confidentiality agreement in force."},
     detail::employee_confidentiality},
    {{"access-control", "Own facility: access control verified", Applies::kBoth, Level::kSupplier,
      "At the company's own facility, the latest audit that scored access-control passed it and is at most "
      "gate.audit_window_days old."},
     detail::access_control},
    {{"ip-filed", "Registrable secrets filed in China and at home", Applies::kBoth, Level::kProduct,
      "Every secret in scope (the package's, or the product's for a launch) whose strategy is registrable "
      "has "
      "a filing in CN and in the home jurisdiction, filed by today and owned by the company."},
     detail::ip_filed},
    {{"priority-deadline", "No priority deadline missed", Applies::kBoth, Level::kProduct,
      "No right covering a registrable secret in scope has missed a priority deadline."},
     detail::priority_deadline},
    {{"trademark-cn", "Trademarks filed in China, Chinese mark too", Applies::kBoth, Level::kProduct,
      "Every mark of the product is filed in CN and owned by the company (not an agent or the manufacturer), "
      "and one of them is in Chinese characters."},
     detail::trademark_cn},
    {{"onsite-agent", "On-site agent assigned", Applies::kBoth, Level::kSupplier,
      "An on-site agent or engineer is assigned to the supplier today."},
     detail::onsite_agent},
    {{"recent-audit", "Recent audit, no open critical finding", Applies::kBoth, Level::kSupplier,
      "The supplier's latest audit is at most gate.audit_window_days old and no critical finding of any of "
      "its "
      "audits is open."},
     detail::recent_audit},
    {{"owner-visit", "Owner's visit before production", Applies::kLaunch, Level::kSupplier,
      "Someone from the owner visited the supplier on or before the production start (and by today). Not "
      "asked "
      "of the company's own facility."},
     detail::owner_visit},
    {{"plan-assignment", "Package assigned to the supplier", Applies::kRelease, Level::kSupplier,
      "The product's approved plan assigns the package to the supplier."},
     detail::plan_assignment},
    {{"collusion-margin", "No small coalition completes a recipe", Applies::kBoth, Level::kProduct,
      "In the approved plan every recipe's min_coalition is above policy.collusion (or no coalition can "
      "complete "
      "it)."},
     detail::collusion_margin},
    {{"plan-valid", "Approved plan still valid", Applies::kBoth, Level::kProduct,
      "The approved plan still holds against today's inputs: every assigned supplier is eligible "
      "(qualification, "
      "capability, a valid quote), within its capacity, each package's sources in distinct parties, and no "
      "untrusted party above its exposure cap."},
     detail::plan_valid},
    {{"red-flags", "No open critical red flag", Applies::kBoth, Level::kSupplier,
      "The supplier has no open red flag of severity critical."},
     detail::red_flags},
    {{"files-returned", "Files of ended releases returned", Applies::kBoth, Level::kSupplier,
      "Every release to the supplier that was revoked or has expired has its files confirmed returned or "
      "destroyed."},
     detail::files_returned},
};

// ---- Running ---------------------------------------------------------------------------------

bool applies_to(Applies applies, Applies gate) {
  return applies == Applies::kBoth || applies == gate;
}

// The checks of every row for `gate` at `level` (or at every level when nullopt), waivers applied.
std::vector<Check> run(const Context& context, const std::vector<Waiver>& waivers, Applies gate,
                       std::optional<Level> level) {
  std::vector<Check> checks;
  for (const Row& row : kRows) {
    if (!applies_to(row.info.applies, gate) || (level && row.info.level != *level)) continue;
    for (Check& check : row.evaluate(context)) {
      check.id = std::string(row.info.id);
      checks.push_back(detail::apply_waivers(std::move(check), waivers, context.today));
    }
  }
  return checks;
}

Verdict verdict_of(std::vector<Check> checks) {
  const bool go = std::none_of(checks.begin(), checks.end(),
                               [](const Check& c) { return c.status == CheckStatus::kFail; });
  return {go, std::move(checks)};
}

// The package's secrets as the product describes them (an id the product lacks keeps just its id).
std::vector<Secret> package_secrets(const Product& product, const Package& package) {
  std::vector<Secret> secrets;
  for (const std::string& id : package.secrets) {
    const auto it = std::find_if(product.secrets.begin(), product.secrets.end(),
                                 [&](const Secret& s) { return s.id == id; });
    secrets.push_back(it == product.secrets.end() ? Secret{id, "", ""} : *it);
  }
  return secrets;
}

// The suppliers the approved plan assigns, sorted, each once.
std::vector<std::string> planned_suppliers(const std::optional<ApprovedPlan>& plan) {
  std::vector<std::string> ids;
  if (!plan) return ids;
  for (const Assignment& a : plan->assignments) ids.push_back(a.supplier);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// The facts given for `id`, or a record that knows nothing but the id.
SupplierFacts supplier_facts(const LaunchFacts& facts, const std::string& id) {
  const auto it = std::find_if(facts.suppliers.begin(), facts.suppliers.end(),
                               [&](const SupplierFacts& s) { return s.id == id; });
  if (it != facts.suppliers.end()) return *it;
  SupplierFacts unknown;
  unknown.id = id;
  return unknown;
}

}  // namespace

std::string_view status_name(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass:
      return "pass";
    case CheckStatus::kFail:
      return "fail";
    case CheckStatus::kWaived:
      return "waived";
  }
  return "fail";
}

std::string_view verdict_name(const Verdict& verdict) {
  return verdict.go ? "go" : "no-go";
}

std::span<const CheckInfo> check_table() {
  static const std::vector<CheckInfo> table = [] {
    std::vector<CheckInfo> infos;
    for (const Row& row : kRows) infos.push_back(row.info);
    return infos;
  }();
  return table;
}

Status check_settings(const Settings& settings) {
  std::vector<Diagnostic> problems;
  if (settings.audit_window_days < 0) problems.push_back({"gate.audit_window_days", "must be 0 or more"});
  if (settings.collusion < 0) problems.push_back({"gate.collusion", "must be 0 or more"});
  if (settings.home_jurisdiction.empty())
    problems.push_back({"gate.home_jurisdiction", "must name a jurisdiction"});
  const std::span<const std::string_view> known = protection_strategies();
  for (const std::string& strategy : settings.registrable) {
    if (std::find(known.begin(), known.end(), strategy) != known.end()) continue;
    problems.push_back({"gate.registrable", "unknown protection strategy \"" + strategy + "\""});
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return {};
}

Verdict gate_release(const ReleaseFacts& facts, const Settings& settings) {
  const Context context{.today = facts.today,
                        .settings = &settings,
                        .company_names = &facts.company_names,
                        .product = &facts.product,
                        .package = &facts.package,
                        .secrets = package_secrets(facts.product, facts.package),
                        .rights = &facts.rights,
                        .plan = &facts.plan,
                        .supplier = &facts.supplier,
                        .production_start = facts.today};
  return verdict_of(run(context, facts.waivers, Applies::kRelease, std::nullopt));
}

Verdict gate_launch(const LaunchFacts& facts, const Settings& settings) {
  Context context{.today = facts.today,
                  .settings = &settings,
                  .company_names = &facts.company_names,
                  .product = &facts.product,
                  .package = nullptr,
                  .secrets = facts.product.secrets,
                  .rights = &facts.rights,
                  .plan = &facts.plan,
                  .supplier = nullptr,
                  .production_start = facts.production_start.value_or(facts.today)};
  std::vector<Check> checks = run(context, facts.waivers, Applies::kLaunch, Level::kProduct);
  for (const std::string& id : planned_suppliers(facts.plan)) {
    const SupplierFacts supplier = supplier_facts(facts, id);
    context.supplier = &supplier;
    std::vector<Check> more = run(context, facts.waivers, Applies::kLaunch, Level::kSupplier);
    checks.insert(checks.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  return verdict_of(std::move(checks));
}

}  // namespace moat::gate
