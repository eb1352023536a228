// SPDX-License-Identifier: Apache-2.0
#include "flags/rules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <tuple>

#include "core/number_text.h"
#include "core/text.h"
#include "flags/rule_functions.h"

namespace moat::flags {
namespace detail {

// ---- Wording ---------------------------------------------------------------------------------

// Whole numbers without decimals, others with at most two (2.999 is "3", not "3.").
std::string number(double value) {
  return format_number(value);
}

std::string percent(double share) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f%%", share * 100);
  return text;
}

std::string listing(const std::vector<std::string>& items) {
  return items.empty() ? "none" : join(items, ", ");
}

std::string supplier_subject(std::string_view id) {
  return "supplier/" + std::string(id);
}
std::string tool_subject(std::string_view id) {
  return "tooling/" + std::string(id);
}

Raised flag(const RuleSetting& setting, std::string subject, std::string cause, std::string summary,
            std::vector<Evidence> evidence) {
  return {
      "", setting.severity, std::move(subject), std::move(cause), std::move(summary), std::move(evidence)};
}

// ---- Lookups ---------------------------------------------------------------------------------

Date add_days(Date date, double days) {
  return Date::from_days(date.days_since_epoch() + std::lround(days));
}

// Names typed by people (sites, subcontractors) match trimmed and case-insensitively.
std::string normalized(std::string_view name) {
  return to_lower_ascii(trim(name));
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
  const std::string wanted = normalized(name);
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return normalized(n) == wanted; });
}

const SupplierFacts* find_supplier(const Facts& facts, std::string_view id) {
  const auto it = std::find_if(facts.suppliers.begin(), facts.suppliers.end(),
                               [&](const SupplierFacts& s) { return s.id == id; });
  return it == facts.suppliers.end() ? nullptr : &*it;
}

// "Dongguan Hengtai Precision (S07)", or the id alone when moat has no name for it.
std::string supplier_label(const Facts& facts, std::string_view id) {
  const SupplierFacts* supplier = find_supplier(facts, id);
  if (!supplier || supplier->name.empty()) return std::string(id);
  return supplier->name + " (" + std::string(id) + ")";
}

// "F04" of "supplier/F04"; the rest after the first slash.
std::string_view id_of(std::string_view subject) {
  const std::size_t slash = subject.find('/');
  return slash == std::string_view::npos ? subject : subject.substr(slash + 1);
}

// Why a supplier-level duty ended without the duty being done: the supplier is gone, no
// longer active, or the company's own facility.
std::optional<std::string> supplier_gone(const Facts& facts, std::string_view id) {
  const SupplierFacts* supplier = find_supplier(facts, id);
  if (!supplier) return std::string(id) + " is no longer on record";
  if (supplier->trusted) return supplier_label(facts, id) + " is a trusted (own) facility";
  if (supplier->status == "rejected") return supplier_label(facts, id) + " was rejected";
  if (!supplier->active)
    return supplier_label(facts, id) + " has no purchase order and no approved assignment";
  return std::nullopt;
}

}  // namespace detail

namespace {

// ---- The table -------------------------------------------------------------------------------

using namespace detail;

const Rule kRules[] = {
    {"requalification-overdue",
     "Supplier's qualification has expired",
     Severity::kHigh,
     {},
     requalification_overdue,
     requalification_cleared},
    {"certificate-expired",
     "Supplier's certificate has expired",
     Severity::kHigh,
     {},
     certificate_expired,
     certificate_cleared},
    {"audit-overdue",
     "Active supplier is due for an audit",
     Severity::kMedium,
     {{"interval_days", 180}},
     audit_overdue,
     audit_cleared},
    {"critical-finding-overdue",
     "Critical finding still open past its due date",
     Severity::kCritical,
     {},
     critical_finding_overdue,
     finding_cleared},
    {"unapproved-subcontractor",
     "Visit saw a subcontractor that is not approved",
     Severity::kCritical,
     {},
     unapproved_subcontractor},
    {"unknown-site", "Visit saw a site the supplier never declared", Severity::kHigh, {}, unknown_site},
    {"capacity-swing",
     "Capacity seen changed sharply between visits",
     Severity::kMedium,
     {{"max_change", 0.3}},
     capacity_swing},
    {"unaccounted-units",
     "Units could have been built that were not accounted for",
     Severity::kCritical,
     {{"min_units", 50}, {"min_share", 0.02}},
     unaccounted_units,
     unaccounted_cleared},
    {"tooling-unapproved-location",
     "Tool is somewhere it was not approved to be",
     Severity::kHigh,
     {},
     tooling_unapproved_location},
    {"tooling-moved-unrecorded",
     "Tool was seen where its passport does not put it",
     Severity::kHigh,
     {},
     tooling_moved_unrecorded},
    {"tooling-shots-unexplained",
     "Tool molded more than was shipped or scrapped",
     Severity::kHigh,
     {{"min_units", 50}, {"min_share", 0.02}},
     tooling_shots_unexplained},
    {"tooling-change-unapproved",
     "Tool was changed without approval",
     Severity::kMedium,
     {},
     tooling_change_unapproved},
    {"affiliated-collusion",
     "Affiliated suppliers together can complete a recipe",
     Severity::kCritical,
     {},
     affiliated_collusion},
    {"owner-visit-missing",
     "No owner's visit before production starts",
     Severity::kHigh,
     {{"lead_days", 14}},
     owner_visit_missing,
     owner_visit_cleared},
    {"agreement-missing",
     "Active supplier without an NNN in force covering the product",
     Severity::kHigh,
     {},
     agreement_missing,
     agreement_missing_cleared},
    {"agreement-quality",
     "Agreement fails its quality check",
     Severity::kHigh,
     {},
     agreement_quality,
     agreement_quality_cleared},
    {"agreement-expiring",
     "Agreement expires within the policy window",
     Severity::kMedium,
     {},
     agreement_expiring},
    {"ip-owned-by-other",
     "IP right owned by someone other than the company",
     Severity::kHigh,
     {},
     ip_owned_by_other},
    {"trademark-not-filed-cn",
     "Product in production with a mark not filed in China",
     Severity::kHigh,
     {},
     trademark_not_filed_cn},
    {"disclosure-before-filing",
     "Secret made public before any filing covering it",
     Severity::kHigh,
     {},
     disclosure_before_filing},
    {"release-not-returned",
     "Files of a revoked or expired release not confirmed returned",
     Severity::kHigh,
     {},
     release_not_returned},
    {"confidentiality-missing",
     "Own facility's staff received design data without a confidentiality agreement",
     Severity::kHigh,
     {},
     confidentiality_missing,
     confidentiality_cleared},
    {"access-control-unverified",
     "Own facility's access control not verified by a recent audit",
     Severity::kHigh,
     {},
     access_control_unverified,
     access_control_cleared},
    {"counterfeit-traced",
     "Confirmed counterfeit points back to a supplier that held what it copies",
     Severity::kCritical,
     {},
     counterfeit_traced},
    {"complaint-relisted",
     "A listing taken down after a complaint is back",
     Severity::kHigh,
     {},
     complaint_relisted},
    {"complaint-unanswered",
     "Takedown complaint unanswered past the expected time",
     Severity::kMedium,
     {{"days", 14}},
     complaint_unanswered},
};

// ---- Settings --------------------------------------------------------------------------------

const Rule* find_rule(std::string_view id) {
  for (const Rule& rule : kRules) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

RuleSetting defaults_of(const Rule& rule) {
  RuleSetting setting{rule.severity, true, {}};
  for (const auto& [name, value] : rule.thresholds) setting.thresholds.emplace(std::string(name), value);
  return setting;
}

std::string known_rules() {
  std::vector<std::string> ids;
  for (const Rule& rule : kRules) ids.emplace_back(rule.id);
  return join(ids, ", ");
}

std::string known_thresholds(const Rule& rule) {
  std::vector<std::string> names;
  for (const auto& threshold : rule.thresholds) names.emplace_back(threshold.first);
  return names.empty() ? "it has none" : "it has " + join(names, ", ");
}

struct Applied {
  RuleSetting setting;
  std::vector<Diagnostic> problems;
};

Applied apply_override(const Rule& rule, const Override& change) {
  Applied applied{defaults_of(rule), {}};
  if (change.severity) applied.setting.severity = *change.severity;
  if (change.enabled) applied.setting.enabled = *change.enabled;
  const std::string where = "flags." + std::string(rule.id);
  for (const auto& [name, value] : change.thresholds) {
    const auto it = applied.setting.thresholds.find(name);
    if (it == applied.setting.thresholds.end()) {
      applied.problems.push_back({where + "." + name, "unknown threshold (" + known_thresholds(rule) + ")"});
    } else if (!std::isfinite(value) || value < 0) {
      applied.problems.push_back({where + "." + name, "must be a number of 0 or more"});
    } else {
      it->second = value;
    }
  }
  return applied;
}

bool ranks_before(const Raised& a, const Raised& b) {
  if (a.severity != b.severity) return a.severity > b.severity;
  return std::tie(a.rule, a.subject, a.cause) < std::tie(b.rule, b.subject, b.cause);
}

bool same_flag(const Raised& a, const Raised& b) {
  return std::tie(a.rule, a.subject, a.cause) == std::tie(b.rule, b.subject, b.cause);
}

}  // namespace

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "medium";
}

std::optional<Severity> parse_severity(std::string_view name) {
  for (const Severity severity :
       {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (severity_name(severity) == name) return severity;
  }
  return std::nullopt;
}

double RuleSetting::threshold(std::string_view name) const {
  const auto it = thresholds.find(name);
  return it == thresholds.end() ? 0 : it->second;
}

std::span<const Rule> builtin_rules() {
  return kRules;
}

std::string cleared_reason(const Facts& facts, std::string_view rule, std::string_view subject,
                           std::string_view cause) {
  const Rule* found = find_rule(rule);
  if (found && found->cleared) return found->cleared(facts, subject, cause);
  return std::string(rule) + ": the cause no longer holds on " + facts.today.to_string();
}

Result<Settings> settings(const Overrides& overrides) {
  Settings result;
  for (const Rule& rule : kRules) result.emplace(std::string(rule.id), defaults_of(rule));
  std::vector<Diagnostic> problems;
  for (const auto& [id, change] : overrides) {
    const Rule* rule = find_rule(id);
    if (!rule) {
      problems.push_back({"flags." + id, "unknown rule (known: " + known_rules() + ")"});
      continue;
    }
    Applied applied = apply_override(*rule, change);
    problems.insert(problems.end(), applied.problems.begin(), applied.problems.end());
    result[id] = std::move(applied.setting);
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return result;
}

std::vector<Raised> evaluate(const Facts& facts, const Settings& settings) {
  std::vector<Raised> raised;
  for (const Rule& rule : kRules) {
    const auto it = settings.find(rule.id);
    const RuleSetting setting = it == settings.end() ? defaults_of(rule) : it->second;
    if (!setting.enabled) continue;
    for (Raised& r : rule.evaluate(facts, setting)) {
      r.rule = std::string(rule.id);
      r.severity = setting.severity;
      raised.push_back(std::move(r));
    }
  }
  std::sort(raised.begin(), raised.end(), ranks_before);
  // One flag per cause even when a visit lists the same name twice.
  raised.erase(std::unique(raised.begin(), raised.end(), same_flag), raised.end());
  return raised;
}

}  // namespace moat::flags
