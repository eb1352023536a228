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

namespace {

// Why an import may not bring `now` into `field` of the saved plan `before` (whose `state` it is).
std::string imported_change(const store::Record& before, const std::string& state, std::string_view field,
                            const nlohmann::json& was, const nlohmann::json& now) {
  const std::string values = field == "plan" ? "" : " (" + now.dump() + ", saved " + was.dump() + ")";
  return "differs from the saved " + state + " plan " + before.value("id", std::string()) + values +
         ": where there are accounts an import changes no saved plan (moat plan --save writes them, moat "
         "plan approve approves them); export again, or leave the plans out of the file (a whole workspace "
         "is restored into one without accounts yet)";
}

// Why no edit may change the saved plan `before`, and what to do instead.
std::string edited_change(const store::Record& before, const std::string& state) {
  const std::string product = before.value("product", std::string());
  const std::string id = before.value("id", std::string());
  const std::string again = "plan again (moat plan --product " + product + " --save)";
  return "plan " + id + " is " + state +
         ": a saved plan is written by moat plan --save and approved by moat plan approve, not changed by "
         "hand; " +
         (state == "draft"
              ? "approve it (moat plan approve --product " + product + " --plan " + id + ") or " + again
              : again);
}

}  // namespace

std::vector<Diagnostic> saved_plan_changes(const store::Record* before, const store::Record& after,
                                           const Origin* origin) {
  const store::Table& plans = *store::find_table("plans");
  const auto value = [&](const store::Record& record, std::string_view name) {  // absent or null: a draft's
    const auto found = record.find(std::string(name));
    return found == record.end() || found->is_null() ? default_value(*plans.field(name)) : *found;
  };
  std::vector<Diagnostic> problems;
  if (before) {
    const std::string state = value(*before, "state").get<std::string>();
    for (const store::Field& field : plans.fields) {
      const nlohmann::json was = value(*before, field.name), now = value(after, field.name);
      if (was == now) continue;
      problems.push_back(origin ? Diagnostic{origin->where(field.name),
                                             imported_change(*before, state, field.name, was, now)}
                                : Diagnostic{std::string(field.name), edited_change(*before, state)});
    }
    return problems;
  }
  for (const std::string_view name : {"state", "approved_by", "approved_at"}) {
    if (default_value(*plans.field(name)) == value(after, name)) continue;
    problems.push_back(
        {origin ? origin->where(name) : std::string(name),
         "a plan comes in as a draft where there are accounts: its approval is moat plan approve's, "
         "which checks the plan against today's workspace and records who approved it (a whole "
         "workspace is restored into one without accounts yet, its approvals with it)"});
  }
  return problems;
}

}  // namespace moat::app
