// SPDX-License-Identifier: Apache-2.0
#include "app/record_steps.h"

#include <algorithm>

#include "app/record_fields.h"
#include "app/records.h"

namespace moat::app {

using nlohmann::json;
using namespace fields_of;
using Records = std::vector<store::Record>;

const store::Table& table(std::string_view name) {
  return *store::find_table(name);
}

Result<Records> all_of(Workspace& workspace, std::string_view name) {
  return workspace.store().list(table(name));
}

const json* find_by_id(const Records& records, const std::string& id) {
  const auto it =
      std::find_if(records.begin(), records.end(), [&](const json& r) { return text(r, "id") == id; });
  return it == records.end() ? nullptr : &*it;
}

std::vector<std::string> ids_of(const Records& records) {
  std::vector<std::string> ids;
  for (const json& r : records) ids.push_back(text(r, "id"));
  return ids;
}

// Writes one new record keyed by id, failing (kConflict) when the id is taken.
Status put_new(Workspace& workspace, store::Writer& writer, std::string_view table_name, json record) {
  const std::string id = text(record, "id");
  MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(table(table_name), {id}));
  if (found) {
    return Error(ErrorCode::kConflict, std::string(table_name) + "/" + id,
                 "a " + std::string(table(table_name).singular) + " with this id exists already");
  }
  MOAT_CHECK(put_checked(workspace, writer, {{&table(table_name), std::move(record)}}));
  return {};
}

// Runs `body` in one write transaction as the session's author.
Status in_transaction(Workspace& workspace, const Session& session,
                      const std::function<Status(store::Writer&)>& body) {
  MOAT_CHECK(workspace.store().write(session.author(), body));
  return {};
}

// Numbers the record when it has no id: `prefix`N after the largest N in `table_name`.
Result<std::string> id_or_next(Workspace& workspace, const std::string& id, std::string_view table_name,
                               std::string_view prefix) {
  if (!id.empty()) return id;
  MOAT_TRY(const Records records, all_of(workspace, table_name));
  return next_id(ids_of(records), prefix);
}

// kInput at `flag` unless `table_name` holds a record keyed `key`.
Status must_exist(Workspace& workspace, std::string_view table_name, const store::Key& key,
                  const std::string& flag) {
  MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(table(table_name), key));
  if (found) return {};
  return input_error(
      flag, "unknown " + std::string(table(table_name).singular) + " '" + store::key_text(key) + "'");
}

}  // namespace moat::app
