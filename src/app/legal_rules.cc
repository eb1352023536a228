// SPDX-License-Identifier: Apache-2.0
#include "app/legal_rules.h"

#include "app/embedded.h"
#include "app/toml_text.h"
#include "gate/gate.h"

// rules/calendars/*.toml, embedded on their own (src/app/CMakeLists.txt): every file is a calendar.
namespace moat::rules::calendars {
std::span<const moat::app::EmbeddedFile> embedded_files();
}  // namespace moat::rules::calendars

namespace moat::app {
namespace {

std::string_view embedded_rule_file(std::string_view name) {
  for (const EmbeddedFile& file : rules::embedded_files()) {
    if (file.name == name) return file.content;
  }
  return {};
}

Result<legal::Calendars> embedded_calendars() {
  legal::Calendars calendars;
  for (const EmbeddedFile& file : rules::calendars::embedded_files()) {
    MOAT_TRY(legal::Calendar calendar,
             legal::parse_calendar(file.content, "rules/calendars/" + std::string(file.name)));
    calendars.offices.push_back(std::move(calendar));
  }
  return calendars;
}

Result<std::vector<std::string>> texts(const toml::node& node, std::string_view file, std::string_view key) {
  const toml::array* array = node.as_array();
  if (!array) return input_error(toml_place(file, node), std::string(key) + " must be a list of texts");
  std::vector<std::string> out;
  for (const toml::node& item : *array) {
    const auto value = item.value<std::string>();
    if (!value) return input_error(toml_place(file, item), std::string(key) + " must hold texts");
    out.push_back(*value);
  }
  return out;
}

// moat.toml [gate]: audit_window_days, registrable, company_names.
Status read_gate(std::string_view text, std::string_view file, LegalRules& rules) {
  MOAT_TRY(const toml::table root, parse_toml(text, file));
  const toml::table* gate = root["gate"].as_table();
  if (!gate) return {};
  for (const auto& [key, node] : *gate) {
    if (key.str() == "audit_window_days") {
      const auto days = node.value<std::int64_t>();
      if (!days)
        return input_error(toml_place(file, node), "gate.audit_window_days must be a whole number of days");
      rules.gate.audit_window_days = static_cast<int>(*days);
    } else if (key.str() == "registrable") {
      MOAT_TRY(rules.gate.registrable, texts(node, file, "gate.registrable"));
    } else if (key.str() == "company_names") {
      MOAT_TRY(const std::vector<std::string> names, texts(node, file, "gate.company_names"));
      rules.company_names.insert(rules.company_names.end(), names.begin(), names.end());
    } else {
      return input_error(toml_place(file, node),
                         "unknown setting gate." + std::string(key.str()) +
                             " (known: audit_window_days, registrable, company_names)");
    }
  }
  return {};
}

}  // namespace

Result<LegalRules> legal_rules(const Workspace& workspace) {
  LegalRules rules;
  MOAT_TRY(rules.deadlines,
           legal::parse_deadline_rules(embedded_rule_file("deadlines.toml"), "rules/deadlines.toml"));
  MOAT_TRY(rules.agreements,
           legal::parse_agreement_rules(embedded_rule_file("agreements.toml"), "rules/agreements.toml"));
  MOAT_TRY(rules.calendars, embedded_calendars());
  rules.gate.nnn_clauses = legal::required_clauses(rules.agreements, legal::AgreementKind::kNnn);
  const Config& config = workspace.config();
  rules.agreement_policy.min_liquidated_damages = config.agreements.min_liquidated_damages;
  rules.expiry_warning_days = config.agreements.expiry_warning_days;
  rules.gate.collusion = config.policy.collusion;
  rules.gate.allow_conditional = config.policy.allow_conditional;
  rules.gate.home_jurisdiction = config.home_jurisdiction;
  if (!config.company.empty()) rules.company_names.push_back(config.company);
  MOAT_CHECK(read_gate(config.text, (workspace.dir() / "moat.toml").string(), rules));
  MOAT_CHECK(gate::check_settings(rules.gate));
  return rules;
}

}  // namespace moat::app
