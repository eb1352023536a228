// SPDX-License-Identifier: Apache-2.0
#include "app/approval_fields.h"

#include <array>
#include <string>

#include "app/fields.h"
#include "store/schema.h"

namespace moat::app {

std::span<const std::string_view> approval_fields() {
  static constexpr std::array<std::string_view, 4> kFields = {"status", "tier", "max_exposure_share",
                                                              "qualified_until"};
  return kFields;
}

bool approval_fields_locked(bool workspace_has_accounts, bool supplier_assessed) {
  return workspace_has_accounts || supplier_assessed;
}

std::vector<Diagnostic> approval_field_changes(const store::Record* before, const store::Record& after,
                                               const Origin* origin) {
  const store::Table& suppliers = *store::find_table("suppliers");
  std::vector<Diagnostic> problems;
  for (const std::string_view name : approval_fields()) {
    const std::string field(name);
    const nlohmann::json was =
        before ? before->value(field, nlohmann::json()) : default_value(*suppliers.field(name));
    const nlohmann::json now = after.value(field, nlohmann::json());
    if (was == now) continue;
    problems.push_back({origin ? origin->where(name) : field,
                        field +
                            " is written by the approval of an assessment, not by hand: use moat supplier "
                            "assess, then moat supplier approve by another person"});
  }
  return problems;
}

std::vector<FieldEdit> guarded_field_changes(const store::Table& table, const store::Record* before,
                                             const store::Record& after, const Origin* origin) {
  std::vector<FieldEdit> changes;
  for (const GuardedField& guarded : guarded_fields()) {
    if (guarded.table != table.name) continue;
    const std::string field(guarded.field);
    const nlohmann::json fallback = default_value(*table.field(guarded.field));
    const auto value = [&](const store::Record& record) {  // absent or null: the default
      const auto found = record.find(field);
      return found == record.end() || found->is_null() ? fallback : *found;
    };
    if ((before ? value(*before) : fallback) == value(after)) continue;
    changes.push_back({std::string(table.name), field, origin ? origin->where(guarded.field) : field});
  }
  return changes;
}

std::vector<Diagnostic> plan_approval_changes(const store::Record* before, const store::Record& after,
                                              const Origin* origin) {
  const store::Table& plans = *store::find_table("plans");
  const auto value = [&](const store::Record& record, std::string_view name) {  // absent or null: a draft's
    const auto found = record.find(std::string(name));
    return found == record.end() || found->is_null() ? default_value(*plans.field(name)) : *found;
  };
  std::vector<Diagnostic> problems;
  if (before && value(*before, "state") != "draft") {
    for (const store::Field& field : plans.fields) {
      if (value(*before, field.name) == value(after, field.name)) continue;
      problems.push_back({origin ? origin->where(field.name) : std::string(field.name),
                          "plan " + before->value("id", std::string()) +
                              " was approved: it is the record of what was approved and is not changed; plan "
                              "again (moat plan --save) and approve the new plan"});
    }
    return problems;
  }
  for (const std::string_view name : {"state", "approved_by", "approved_at"}) {
    if ((before ? value(*before, name) : default_value(*plans.field(name))) == value(after, name)) continue;
    const std::string field(name);
    problems.push_back({origin ? origin->where(name) : field,
                        field + " is written by the plan's approval, which checks the plan against today's "
                                "workspace and records who approved it, not by hand: use moat plan approve"});
  }
  return problems;
}

}  // namespace moat::app
