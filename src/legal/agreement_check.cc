// SPDX-License-Identifier: Apache-2.0
#include "legal/agreement_check.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/text.h"
#include "core/uscc.h"

namespace moat::legal {
namespace {

constexpr std::string_view kPrc = "CN";
constexpr std::string_view kChinese = "zh";
constexpr std::size_t kDivisionStart = 2;  // credit code positions 3-8 (from 0: 2..7)
constexpr std::size_t kDivisionLength = 6;
constexpr std::size_t kProvinceDigits = 2;
constexpr std::string_view kClausesTest = "clauses";

constexpr std::array<std::string_view, 7> kClauses = {"non-disclosure",
                                                      "non-use",
                                                      "non-circumvention",
                                                      "subcontractor-flow-down",
                                                      "related-companies-liability",
                                                      "improvements-ownership",
                                                      "tooling-ownership"};

constexpr std::array<std::pair<AgreementKind, std::string_view>, 6> kKindNames = {{
    {AgreementKind::kNnn, "nnn"},
    {AgreementKind::kNda, "nda"},
    {AgreementKind::kManufacturing, "manufacturing"},
    {AgreementKind::kTooling, "tooling"},
    {AgreementKind::kPoTerms, "po-terms"},
    {AgreementKind::kConfidentiality, "confidentiality"},
}};

constexpr std::array<std::pair<Severity, std::string_view>, 4> kSeverityNames = {{
    {Severity::kLow, "low"},
    {Severity::kMedium, "medium"},
    {Severity::kHigh, "high"},
    {Severity::kCritical, "critical"},
}};

struct Facts {
  const AgreementRule& rule;
  const Agreement& agreement;
  const SupplierIdentity& supplier;
  Date on;
  const AgreementPolicy& policy;
};

struct Verdict {
  bool passed = false;
  std::string reason;
  std::vector<std::string> missing_clauses;  // test "clauses": the rule's clauses the agreement lacks
};

bool has(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

Verdict governing_law(const Facts& facts) {
  const std::string& law = facts.agreement.governing_law;
  if (law == kPrc) return {true, "governed by PRC law"};
  if (law.empty()) return {false, "the agreement chooses no governing law"};
  return {false, "governed by " + law +
                     " law, which a Chinese court will not readily apply against a Chinese supplier"};
}

// A language tag names Chinese when its primary subtag does, in any case: zh, zh-CN, zh-Hans, ZH
// (BCP 47 tags are case-insensitive).
bool is_chinese(std::string_view tag) {
  const std::string_view primary = tag.substr(0, tag.find('-'));
  return primary.size() == kChinese.size() &&
         std::equal(primary.begin(), primary.end(), kChinese.begin(),
                    [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b; });
}

Verdict chinese_controls(const Facts& facts) {
  const Agreement& agreement = facts.agreement;
  if (std::none_of(agreement.languages.begin(), agreement.languages.end(),
                   [](const std::string& tag) { return is_chinese(tag); })) {
    return {false, "there is no Chinese text"};
  }
  if (is_chinese(agreement.controlling_language)) return {true, "the Chinese text controls"};
  if (agreement.languages.size() == 1) return {true, "Chinese is the only text"};
  if (agreement.controlling_language.empty()) return {false, "several texts and none named as controlling"};
  return {false, "the " + agreement.controlling_language + " text controls, not the Chinese one"};
}

std::string supplier_division(const SupplierIdentity& supplier) {
  if (!supplier.division.empty()) return supplier.division;
  if (!is_valid_uscc(supplier.uscc)) return {};
  return supplier.uscc.substr(kDivisionStart, kDivisionLength);
}

// "440300" (a city) → "4403"; "440000" (a province) → "44": the area the court serves.
std::string_view court_area(std::string_view division) {
  while (division.size() > kProvinceDigits && division.ends_with("00")) division.remove_suffix(2);
  return division;
}

Verdict prc_court(const Facts& facts) {
  const Agreement& agreement = facts.agreement;
  if (agreement.forum == ForumKind::kArbitration) {
    return {false, "disputes go to arbitration, which invites fights over jurisdiction and enforcement"};
  }
  if (agreement.forum_country != kPrc) {
    return {false, "a court outside mainland China (" + agreement.forum_country + ") has jurisdiction"};
  }
  const std::string division = supplier_division(facts.supplier);
  const std::string_view area = court_area(agreement.forum_division);
  if (division.empty())
    return {false, "the supplier's domicile is unknown (no division, no valid credit code)"};
  if (agreement.forum_division.size() != kDivisionLength || !division.starts_with(area)) {
    return {false, "the court (" + agreement.forum_name + ", " + agreement.forum_division +
                       ") does not sit where the supplier is domiciled (" + division + ")"};
  }
  return {true, agreement.forum_name + " sits where the supplier is domiciled (" + division + ")"};
}

Verdict liquidated_damages(const Facts& facts) {
  const Agreement& agreement = facts.agreement;
  if (!agreement.liquidated_damages) return {false, "no liquidated damages are agreed"};
  const auto minimum = facts.policy.min_liquidated_damages.find(agreement.currency);
  if (minimum == facts.policy.min_liquidated_damages.end()) {
    return {false, "the policy sets no minimum for " + agreement.currency + "; set one to check the amount"};
  }
  const std::string amount = std::to_string(*agreement.liquidated_damages) + " " + agreement.currency;
  if (*agreement.liquidated_damages < minimum->second) {
    return {false, amount + " is below the policy minimum of " + std::to_string(minimum->second) + " " +
                       agreement.currency};
  }
  return {true, amount + " meets the policy minimum"};
}

Verdict clauses(const Facts& facts) {
  std::vector<std::string> missing;
  for (const std::string& clause : facts.rule.clauses) {
    if (!has(facts.agreement.clauses, clause)) missing.push_back(clause);
  }
  if (missing.empty()) return {true, "present: " + join(facts.rule.clauses, ", ")};
  return {false, "missing: " + join(missing, ", "), missing};
}

Verdict chop_and_legal_representative(const Facts& facts) {
  const Agreement& agreement = facts.agreement;
  const std::string& representative = facts.supplier.legal_representative;
  if (!agreement.chop) return {false, "not sealed with the company chop"};
  if (agreement.signed_by != representative) {
    return {false, "signed by " +
                       (agreement.signed_by.empty() ? std::string("nobody recorded") : agreement.signed_by) +
                       ", not by the legal representative " + representative};
  }
  return {true, "sealed with the chop and signed by the legal representative " + representative};
}

// Full-width brackets（） as their ASCII forms: the commonest near-miss in Chinese names.
std::string ascii_brackets(std::string_view name) {
  std::string out(name);
  for (const auto& [wide, ascii] : {std::pair<std::string_view, std::string_view>{"\xEF\xBC\x88", "("},
                                    std::pair<std::string_view, std::string_view>{"\xEF\xBC\x89", ")"}}) {
    for (std::size_t at = out.find(wide); at != std::string::npos; at = out.find(wide, at)) {
      out.replace(at, wide.size(), ascii);
    }
  }
  return out;
}

Verdict counterparty_identity(const Facts& facts) {
  const Agreement& agreement = facts.agreement;
  const SupplierIdentity& supplier = facts.supplier;
  if (agreement.counterparty_name != supplier.legal_name) {
    std::string reason = "the counterparty '" + agreement.counterparty_name +
                         "' is not the registered name '" + supplier.legal_name + "'";
    if (ascii_brackets(agreement.counterparty_name) == ascii_brackets(supplier.legal_name)) {
      reason += " (they differ in full-width and ASCII brackets)";
    }
    return {false, reason};
  }
  if (agreement.counterparty_uscc != supplier.uscc) {
    const std::string problem = uscc_problem(agreement.counterparty_uscc);
    return {false, "the credit code " + agreement.counterparty_uscc + " is not the supplier's " +
                       supplier.uscc + (problem.empty() ? "" : " (" + problem + ")")};
  }
  return {true, "name and credit code match the business licence"};
}

Verdict in_force(const Facts& facts) {
  const Agreement& agreement = facts.agreement;
  const std::string on = facts.on.to_string();
  if (!agreement.effective) return {false, "no effective date is recorded"};
  if (facts.on < *agreement.effective)
    return {false, "not yet in force on " + on + " (effective " + agreement.effective->to_string() + ")"};
  if (agreement.expires && *agreement.expires < facts.on) {
    return {false, "expired " + agreement.expires->to_string() + ", before " + on};
  }
  return {true, "in force on " + on};
}

using Test = Verdict (*)(const Facts&);

constexpr std::array<std::pair<std::string_view, Test>, 8> kTests = {{
    {"governing-law-prc", governing_law},
    {"chinese-controls", chinese_controls},
    {"prc-court-over-supplier", prc_court},
    {"liquidated-damages-minimum", liquidated_damages},
    {kClausesTest, clauses},
    {"chop-and-legal-representative", chop_and_legal_representative},
    {"counterparty-identity", counterparty_identity},
    {"in-force", in_force},
}};

Test find_test(std::string_view name) {
  for (const auto& entry : kTests) {
    if (entry.first == name) return entry.second;
  }
  return nullptr;
}

}  // namespace

std::span<const std::string_view> agreement_clauses() {
  return kClauses;
}

std::string_view agreement_kind_name(AgreementKind kind) {
  for (const auto& entry : kKindNames) {
    if (entry.first == kind) return entry.second;
  }
  return "";
}

std::optional<AgreementKind> parse_agreement_kind(std::string_view name) {
  for (const auto& entry : kKindNames) {
    if (entry.second == name) return entry.first;
  }
  return std::nullopt;
}

std::string_view severity_name(Severity severity) {
  for (const auto& entry : kSeverityNames) {
    if (entry.first == severity) return entry.second;
  }
  return "";
}

std::optional<Severity> parse_severity(std::string_view name) {
  for (const auto& entry : kSeverityNames) {
    if (entry.second == name) return entry.first;
  }
  return std::nullopt;
}

bool is_agreement_test(std::string_view name) {
  return find_test(name) != nullptr;
}

std::vector<CheckResult> check_agreement(const AgreementRules& rules, const Agreement& agreement,
                                         const SupplierIdentity& supplier, Date on,
                                         const AgreementPolicy& policy) {
  std::vector<CheckResult> results;
  for (const AgreementRule& rule : rules.rules) {
    const Test test = find_test(rule.test);
    if (!test || std::find(rule.kinds.begin(), rule.kinds.end(), agreement.kind) == rule.kinds.end())
      continue;
    Verdict verdict = test(Facts{rule, agreement, supplier, on, policy});
    results.push_back({rule.id, rule.title, rule.severity, verdict.passed, std::move(verdict.reason),
                       verdict.passed ? std::string() : rule.fix, rule.source,
                       std::move(verdict.missing_clauses)});
  }
  return results;
}

std::vector<std::string> required_clauses(const AgreementRules& rules, AgreementKind kind) {
  std::vector<std::string> out;
  for (const AgreementRule& rule : rules.rules) {
    if (rule.test != kClausesTest ||
        std::find(rule.kinds.begin(), rule.kinds.end(), kind) == rule.kinds.end())
      continue;
    for (const std::string& clause : rule.clauses) {
      if (!has(out, clause)) out.push_back(clause);
    }
  }
  return out;
}

bool all_passed(const std::vector<CheckResult>& results) {
  return std::all_of(results.begin(), results.end(), [](const CheckResult& result) { return result.passed; });
}

}  // namespace moat::legal
