// SPDX-License-Identifier: Apache-2.0
// Reads rules/agreements.toml into AgreementRules (the grammar is in docs/legal.md).
#include <algorithm>

#include "core/text.h"
#include "legal/agreement_check.h"
#include "legal/toml_reader.h"

namespace moat::legal {
namespace {

using detail::TableReader;

constexpr std::string_view kClausesTest = "clauses";

std::vector<AgreementKind> read_kinds(TableReader& reader) {
  std::vector<AgreementKind> kinds;
  const std::vector<std::string> names = reader.texts("kinds", true);
  for (const std::string& name : names) {
    if (const auto kind = parse_agreement_kind(name)) {
      kinds.push_back(*kind);
    } else {
      reader.fail("kinds", "unknown agreement kind '" + name +
                               "' (nnn, nda, manufacturing, tooling, po-terms, confidentiality)");
    }
  }
  if (names.empty() && reader.diagnostics().empty())
    reader.fail("kinds", "a check needs at least one agreement kind");
  return kinds;
}

std::vector<std::string> read_clauses(TableReader& reader, const std::string& test) {
  std::vector<std::string> clauses = reader.texts("clauses");
  const std::span<const std::string_view> known = agreement_clauses();
  for (const std::string& clause : clauses) {
    if (std::find(known.begin(), known.end(), clause) == known.end()) {
      reader.fail("clauses", "unknown clause '" + clause + "'");
    }
  }
  if (test == kClausesTest && clauses.empty()) reader.fail("clauses", "test \"clauses\" needs 'clauses'");
  if (test != kClausesTest && !clauses.empty())
    reader.fail("clauses", "'clauses' is only for test \"clauses\"");
  return clauses;
}

std::optional<AgreementRule> read_rule(const toml::table& table, std::string_view file,
                                       const std::vector<AgreementRule>& earlier,
                                       std::vector<Diagnostic>& problems) {
  TableReader reader(table, file);
  AgreementRule rule;
  rule.id = reader.text("id", true);
  if (!rule.id.empty() && !is_valid_id(rule.id)) reader.fail("id", id_problem(rule.id));
  const auto same = [&](const AgreementRule& other) { return other.id == rule.id; };
  if (std::any_of(earlier.begin(), earlier.end(), same))
    reader.fail("id", "duplicate check id '" + rule.id + "'");
  rule.title = reader.text("title", true);
  rule.test = reader.text("test", true);
  if (!rule.test.empty() && !is_agreement_test(rule.test))
    reader.fail("test", "unknown test '" + rule.test + "'");
  rule.kinds = read_kinds(reader);
  const std::string severity = reader.text("severity", true);
  if (const auto value = parse_severity(severity)) {
    rule.severity = *value;
  } else if (!severity.empty()) {
    reader.fail("severity", "severity is low, medium, high or critical");
  }
  rule.clauses = read_clauses(reader, rule.test);
  rule.fix = reader.text("fix", true);
  rule.source = reader.text("source", true);
  if (!detail::finish_entry(reader, problems)) return std::nullopt;
  return rule;
}

}  // namespace

Result<AgreementRules> parse_agreement_rules(std::string_view toml, std::string_view file) {
  MOAT_TRY(const toml::table document, detail::parse_toml(toml, file));
  TableReader reader(document, file);
  AgreementRules rules;
  std::vector<Diagnostic> problems;
  detail::read_entries(reader, file, "checks", rules.rules, problems, [&](const toml::table& table) {
    return read_rule(table, file, rules.rules, problems);
  });
  MOAT_CHECK(detail::finish(reader, problems));
  return rules;
}

}  // namespace moat::legal
