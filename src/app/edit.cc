// SPDX-License-Identifier: Apache-2.0
#include "app/edit.h"

#include "app/accounts.h"
#include "app/actors.h"
#include "app/approval_fields.h"
#include "app/fields.h"
#include "app/records.h"
#include "core/text.h"
#include "store/versioned.h"

namespace moat::app {
namespace {

Result<const store::Table*> table_named(std::string_view name) {
  const store::Table* table = store::find_table(name == "bom" ? "parts" : name);
  if (!table) return input_error("KIND", "unknown kind '" + std::string(name) + "'");
  return table;
}

Result<store::Versioned> load(Workspace& workspace, const store::Table& table, std::string_view key) {
  const std::vector<std::string> parts = split_list(key, "/");
  if (parts.size() != table.key_size) {
    return input_error("KEY", std::string(table.singular) + " keys have " + std::to_string(table.key_size) +
                                  " parts joined by '/', not '" + std::string(key) + "'");
  }
  MOAT_TRY(auto found, workspace.store().get_versioned(table, parts));
  if (!found)
    return Error(ErrorCode::kNotFound, "KEY",
                 "no " + std::string(table.singular) + " '" + std::string(key) + "'");
  return std::move(*found);
}

Status apply(const store::Table& table, const CapabilityCatalog& catalog, const FieldChange& change,
             store::Record& record) {
  const store::Field* field = table.field(change.field);
  if (!field)
    return input_error(change.field, "no field '" + change.field + "' in " + std::string(table.name));
  for (const store::Field& key : table.key_fields()) {
    if (key.name == field->name) return input_error(change.field, "is part of the key and cannot be edited");
  }
  Result<nlohmann::json> value = parse_cell(*field, change.value, catalog);
  if (!value.ok()) return input_error(change.field, value.error().message());
  if (value->is_null()) *value = default_value(*field);
  if (value->is_null() && field->required) return input_error(change.field, "is required");
  record[change.field] = std::move(*value);
  return {};
}

// An edit of a supplier may not write what only the approval of an assessment writes, nor an edit
// of a plan what only its approval writes (app/approval_fields.h).
Status check_approval_fields(Workspace& workspace, const store::Table& table, const store::Record& before,
                             const store::Record& after) {
  if (table.name == "plans") {
    std::vector<Diagnostic> problems = saved_plan_changes(&before, after, nullptr);
    if (problems.empty()) return {};
    return Error(ErrorCode::kInput, std::move(problems));
  }
  if (table.name != "suppliers") return {};
  std::vector<Diagnostic> problems = approval_field_changes(&before, after, nullptr);
  if (problems.empty()) return {};
  MOAT_TRY(const std::vector<User> users, list_users(workspace));
  const std::string supplier = after.value("id", "");
  MOAT_TRY(
      const std::int64_t assessments,
      workspace.store().count(*store::find_table("assessments"), {{"supplier", store::SqlValue(supplier)}}));
  if (!approval_fields_locked(!users.empty(), assessments > 0)) return {};
  return Error(ErrorCode::kInput, std::move(problems));
}

}  // namespace

Result<EditResult> edit_record(Workspace& workspace, const Session& session, std::string_view table_name,
                               std::string_view key, const std::vector<FieldChange>& changes,
                               std::optional<std::int64_t> if_version, std::optional<Role> role) {
  MOAT_TRY(const store::Table* table, table_named(table_name));
  // A refusal is evidence too: recorded under the actor.
  const auto recorded = [&](Status allowed) -> Status {
    if (!allowed.ok()) {
      (void)record_denial(workspace, session, "edit " + std::string(table->name) + "/" + std::string(key),
                          allowed.error().message());
    }
    return allowed;
  };
  MOAT_CHECK(recorded(authorize_edit(role, session.actor, "editing", {std::string(table->name)})));
  MOAT_TRY(store::Versioned current, load(workspace, *table, key));
  store::Record record = current.record;
  const CapabilityCatalog catalog = workspace.capabilities();
  for (const FieldChange& change : changes) MOAT_CHECK(apply(*table, catalog, change, record));
  MOAT_CHECK(recorded(authorize_edit(role, session.actor, "editing", {},
                                     guarded_field_changes(*table, &current.record, record, nullptr))));

  const Origin origin{"edit", 0, {}, "/" + std::string(table->name) + "/" + std::string(key), {}};
  EditResult result{false, current.version};
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             MOAT_CHECK(check_approval_fields(workspace, *table, current.record, record));
             // Checked inside the write transaction: no other writer can change what the check saw. Only
             // the records the edit can involve are read (problems_added), not the whole workspace.
             MOAT_TRY(std::vector<Diagnostic> problems,
                      problems_added(workspace.store(), {{table, record, &origin}}));
             if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
             MOAT_TRY(result.changed, writer.put(*table, record, if_version.value_or(current.version)));
             return {};
           }));
  if (events > 0) ++result.version;
  return result;
}

bool is_stale_edit(const Error& error, std::string_view table, std::string_view key) {
  // The store names the record it found at another version; a refusal names the kind or the field.
  return error.code() == ErrorCode::kConflict && error.where() == std::string(table) + "/" + std::string(key);
}

Result<ShownRecord> show_record(Workspace& workspace, std::string_view table_name, std::string_view key) {
  MOAT_TRY(const store::Table* table, table_named(table_name));
  MOAT_TRY(store::Versioned current, load(workspace, *table, key));
  return ShownRecord{store::canonical_json(current.record), current.version};
}

}  // namespace moat::app
