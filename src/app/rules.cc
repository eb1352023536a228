// SPDX-License-Identifier: Apache-2.0
#include "app/rules.h"

#include "app/embedded.h"
#include "app/toml_text.h"

namespace moat::app {
namespace {

std::string_view embedded(std::string_view name) {
  for (const EmbeddedFile& file : rules::embedded_files()) {
    if (file.name == name) return file.content;
  }
  return {};
}

// Reads `key` of `table` into `out` when present; an error names where the value has the wrong type.
template <typename T>
Status read(const toml::table& table, std::string_view key, T& out, std::string_view file) {
  const toml::node* node = table.get(key);
  if (!node) return {};
  if (const auto value = node->value<T>()) {
    out = *value;
    return {};
  }
  return input_error(toml_place(file, *node), std::string(key) + " has the wrong type");
}

Status read_optional(const toml::table& table, std::string_view key, std::optional<double>& out,
                     std::string_view file) {
  double value = 0;
  if (!table.get(key)) return {};
  MOAT_CHECK(read(table, key, value, file));
  out = value;
  return {};
}

Status read_criterion(const toml::table& table, vet::Criterion& criterion, std::string_view file) {
  MOAT_CHECK(read(table, "group", criterion.group, file));
  MOAT_CHECK(read(table, "title", criterion.title, file));
  MOAT_CHECK(read(table, "weight", criterion.weight, file));
  MOAT_CHECK(read_optional(table, "knockout_below", criterion.knockout_below, file));
  if (criterion.title.empty()) criterion.title = criterion.id;
  return {};
}

// Criteria with a known id change the fields given; new ids are added; `enabled = false` drops one.
Status merge_criteria(const toml::array& array, std::vector<vet::Criterion>& criteria,
                      std::string_view file) {
  for (const toml::node& node : array) {
    const toml::table* table = node.as_table();
    if (!table) return input_error(toml_place(file, node), "criteria entries must be tables");
    std::string id;
    MOAT_CHECK(read(*table, "id", id, file));
    if (id.empty()) return input_error(toml_place(file, node), "a criterion needs an id");
    auto found =
        std::find_if(criteria.begin(), criteria.end(), [&](const vet::Criterion& c) { return c.id == id; });
    bool enabled = true;
    MOAT_CHECK(read(*table, "enabled", enabled, file));
    if (!enabled) {
      if (found != criteria.end()) criteria.erase(found);
      continue;
    }
    if (found == criteria.end())
      found = criteria.insert(criteria.end(), vet::Criterion{id, "", "", 1, std::nullopt});
    MOAT_CHECK(read_criterion(*table, *found, file));
  }
  return {};
}

Result<std::vector<vet::Band>> read_bands(const toml::array& array, std::string_view file) {
  std::vector<vet::Band> bands;
  for (const toml::node& node : array) {
    const toml::table* table = node.as_table();
    if (!table) return input_error(toml_place(file, node), "bands entries must be tables");
    vet::Band band;
    std::int64_t months = band.valid_months;
    MOAT_CHECK(read(*table, "result", band.result, file));
    MOAT_CHECK(read(*table, "min_score", band.min_score, file));
    MOAT_CHECK(read(*table, "tier", band.tier, file));
    MOAT_CHECK(read(*table, "max_exposure_share", band.max_exposure_share, file));
    MOAT_CHECK(read(*table, "valid_months", months, file));
    band.valid_months = static_cast<int>(months);
    bands.push_back(std::move(band));
  }
  return bands;
}

Status merge_qualification(const toml::table& table, vet::QualificationRules& rules, std::string_view file) {
  MOAT_CHECK(read(table, "max_score", rules.max_score, file));
  MOAT_CHECK(read(table, "require_every_criterion", rules.require_every_criterion, file));
  if (const toml::array* criteria = table["criteria"].as_array())
    MOAT_CHECK(merge_criteria(*criteria, rules.criteria, file));
  if (const toml::array* bands = table["bands"].as_array()) {
    MOAT_TRY(rules.bands, read_bands(*bands, file));  // bands are replaced as a set
  }
  return {};
}

Result<vet::Checklist> read_checklist(std::string id, const toml::table& table, std::string_view file) {
  vet::Checklist checklist{std::move(id), "", 0.75, {}};
  MOAT_CHECK(read(table, "title", checklist.title, file));
  MOAT_CHECK(read(table, "pass_share", checklist.pass_share, file));
  if (const toml::array* items = table["items"].as_array()) {
    for (const toml::node& node : *items) {
      const toml::table* item = node.as_table();
      if (!item) return input_error(toml_place(file, node), "checklist items must be tables");
      vet::ChecklistItem entry;
      MOAT_CHECK(read(*item, "id", entry.id, file));
      MOAT_CHECK(read(*item, "topic", entry.topic, file));
      MOAT_CHECK(read(*item, "critical", entry.critical, file));
      if (entry.id.empty()) return input_error(toml_place(file, node), "a checklist item needs an id");
      checklist.items.push_back(std::move(entry));
    }
  }
  if (checklist.items.empty())
    return input_error(std::string(file), "checklist '" + checklist.id + "' has no items");
  if (checklist.pass_share < 0 || checklist.pass_share > 1) {
    return input_error(std::string(file),
                       "checklist '" + checklist.id + "': pass_share must be between 0 and 1");
  }
  return checklist;
}

Status merge_checklists(const toml::table& table, VettingRules& rules, std::string_view file) {
  for (const auto& [key, node] : table) {
    const toml::table* body = node.as_table();
    if (!body)
      return input_error(toml_place(file, node),
                         "checklist '" + std::string(key.str()) + "' must be a table");
    MOAT_TRY(vet::Checklist checklist, read_checklist(std::string(key.str()), *body, file));
    rules.checklists.insert_or_assign(checklist.id, std::move(checklist));
  }
  return {};
}

Result<flags::Overrides> read_flag_overrides(const toml::table& table, std::string_view file) {
  flags::Overrides overrides;
  for (const auto& [key, node] : table) {
    const toml::table* body = node.as_table();
    if (!body)
      return input_error(toml_place(file, node), "flags." + std::string(key.str()) + " must be a table");
    flags::Override entry;
    for (const auto& [name, value] : *body) {
      if (name.str() == "severity") {
        const auto severity = value.value<std::string>();
        entry.severity = severity ? flags::parse_severity(*severity) : std::nullopt;
        if (!entry.severity)
          return input_error(toml_place(file, value), "severity must be info, low, medium, high or critical");
      } else if (name.str() == "enabled") {
        if (!value.is_boolean()) return input_error(toml_place(file, value), "enabled must be true or false");
        entry.enabled = value.value<bool>();
      } else if (const auto number = value.value<double>()) {
        entry.thresholds.emplace(std::string(name.str()), *number);
      } else {
        return input_error(toml_place(file, value), std::string(name.str()) + " must be a number");
      }
    }
    overrides.emplace(std::string(key.str()), std::move(entry));
  }
  return overrides;
}

Result<VettingRules> defaults() {
  VettingRules rules;
  constexpr std::string_view kQualification = "rules/qualification.toml";
  constexpr std::string_view kChecklists = "rules/checklists.toml";
  MOAT_TRY(const toml::table qualification, parse_toml(embedded("qualification.toml"), kQualification));
  MOAT_CHECK(merge_qualification(qualification, rules.qualification, kQualification));
  MOAT_TRY(const toml::table checklists, parse_toml(embedded("checklists.toml"), kChecklists));
  MOAT_CHECK(merge_checklists(checklists, rules, kChecklists));
  return rules;
}

}  // namespace

Result<VettingRules> load_vetting_rules(std::string_view moat_toml, std::string_view file) {
  MOAT_TRY(VettingRules rules, defaults());
  MOAT_TRY(const toml::table root, parse_toml(moat_toml, file));
  if (const toml::table* qualification = root["qualification"].as_table()) {
    MOAT_CHECK(merge_qualification(*qualification, rules.qualification, file));
  }
  MOAT_CHECK(vet::check_rules(rules.qualification));
  if (const toml::table* checklists = root["checklists"].as_table())
    MOAT_CHECK(merge_checklists(*checklists, rules, file));
  flags::Overrides overrides;
  if (const toml::table* table = root["flags"].as_table()) {
    MOAT_TRY(overrides, read_flag_overrides(*table, file));
  }
  MOAT_TRY(rules.flags, flags::settings(overrides));
  return rules;
}

Result<VettingRules> vetting_rules(const Workspace& workspace) {
  return load_vetting_rules(workspace.config().text, (workspace.dir() / "moat.toml").string());
}

}  // namespace moat::app
