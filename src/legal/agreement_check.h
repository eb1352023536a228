// SPDX-License-Identifier: Apache-2.0
// The quality check of an agreement with a Chinese supplier (NNN, NDA, manufacturing, tooling,
// PO terms) against what makes one enforceable in China: PRC law, the Chinese text controlling,
// a PRC court over the supplier, liquidated damages, the clauses that matter, chop and legal
// representative, the counterparty exactly as registered, in force. Which checks apply to which
// kind, their severity, fix and source are data (rules/agreements.toml); the tests themselves
// are a fixed table here. Pure: the date checked is passed in. Not legal advice.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"

namespace moat::legal {

// kConfidentiality: an employee confidentiality agreement (保密协议) binding named staff of the
// company's own facility.
enum class AgreementKind { kNnn, kNda, kManufacturing, kTooling, kPoTerms, kConfidentiality };
std::string_view agreement_kind_name(
    AgreementKind kind);  // "nnn", "nda", "manufacturing", "tooling", "po-terms", "confidentiality"
std::optional<AgreementKind> parse_agreement_kind(std::string_view name);

enum class ForumKind { kCourt, kArbitration };

// The clauses an agreement can be checked for.
std::span<const std::string_view> agreement_clauses();  // "non-disclosure", "non-use", ...

// What the signed agreement says, as recorded.
struct Agreement {
  std::string id;
  AgreementKind kind = AgreementKind::kNnn;
  std::string counterparty_name;       // the Chinese legal name as written in the agreement
  std::string counterparty_uscc;       // the unified social credit code as written
  std::string governing_law;           // country code of the law chosen: "CN" for PRC law
  std::vector<std::string> languages;  // "zh", "en", ...
  std::string controlling_language;    // "" when the text names none
  ForumKind forum = ForumKind::kCourt;
  std::string forum_country;                       // where the court (or arbitration) sits: "CN"
  std::string forum_division;                      // GB/T 2260 code of the court's area: "440300" (Shenzhen)
  std::string forum_name;                          // "深圳市中级人民法院", for messages
  std::optional<std::int64_t> liquidated_damages;  // whole units of `currency`
  std::string currency;                            // "CNY"
  std::vector<std::string> clauses;                // from agreement_clauses()
  bool chop = false;                               // sealed with the counterparty's company chop
  std::string signed_by;                           // who signed for the counterparty
  std::optional<Date> effective, expires;
};

// The supplier as registered (its business licence).
struct SupplierIdentity {
  std::string legal_name;
  std::string uscc;
  std::string legal_representative;
  std::string division;  // GB/T 2260 code of its domicile; "" = positions 3-8 of the credit code
};

struct AgreementPolicy {
  std::map<std::string, std::int64_t> min_liquidated_damages;  // by currency: {"CNY", 1000000}
};

enum class Severity { kLow, kMedium, kHigh, kCritical };
std::string_view severity_name(Severity severity);  // "low", "medium", "high", "critical"
std::optional<Severity> parse_severity(std::string_view name);

// Whether `name` is one of the built-in tests a rule can name.
bool is_agreement_test(std::string_view name);

// One row of rules/agreements.toml.
struct AgreementRule {
  std::string id;
  std::string title;
  std::string test;                  // a built-in test: "governing-law-prc", "clauses", ... (docs/legal.md)
  std::vector<AgreementKind> kinds;  // the agreement kinds it applies to
  Severity severity = Severity::kHigh;
  std::vector<std::string> clauses;  // for test "clauses": the clauses that must be present
  std::string fix;
  std::string source;
};

struct AgreementRules {
  std::vector<AgreementRule> rules;
};

// Errors (kInput) at "file:line:column": unknown tests, kinds, severities or clauses, a
// duplicate id, a "clauses" test without clauses, unknown keys.
Result<AgreementRules> parse_agreement_rules(std::string_view toml, std::string_view file);

struct CheckResult {
  std::string id;
  std::string title;
  Severity severity = Severity::kHigh;
  bool passed = false;
  std::string reason;  // what was found, in either case
  std::string fix;     // the rule's fix text, when failed
  std::string source;
  std::vector<std::string> missing_clauses;  // test "clauses", when failed: the clauses it lacks
};

// One result per rule that applies to the agreement's kind, in rule order. `on` is the date
// the agreement must be in force.
std::vector<CheckResult> check_agreement(const AgreementRules& rules, const Agreement& agreement,
                                         const SupplierIdentity& supplier, Date on,
                                         const AgreementPolicy& policy);

bool all_passed(const std::vector<CheckResult>& results);

// The clauses the rules' "clauses" tests require of an agreement of `kind`, in rule order, each
// once: for an NNN under rules/agreements.toml, non-use, non-circumvention,
// subcontractor-flow-down and related-companies-liability.
std::vector<std::string> required_clauses(const AgreementRules& rules, AgreementKind kind);

}  // namespace moat::legal
