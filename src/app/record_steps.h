// SPDX-License-Identifier: Apache-2.0
// Internal to src/app: the steps every use case takes with records, written once: the schema's
// table by name, all records of a table, a record by id, their ids, writing a new record (kConflict
// when its id is taken), one write transaction as the session's author, numbering a new record,
// and checking that a referenced record exists (kInput at the flag that named it).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/session.h"
#include "app/workspace.h"
#include "core/result.h"
#include "store/store.h"

namespace moat::app {

const store::Table& table(std::string_view name);
Result<std::vector<store::Record>> all_of(Workspace& workspace, std::string_view name);
const nlohmann::json* find_by_id(const std::vector<store::Record>& records, const std::string& id);
std::vector<std::string> ids_of(const std::vector<store::Record>& records);
// Writes one new record keyed by id, failing (kConflict) when the id is taken.
Status put_new(Workspace& workspace, store::Writer& writer, std::string_view table_name,
               nlohmann::json record);
// Runs `body` in one write transaction as the session's author.
Status in_transaction(Workspace& workspace, const Session& session,
                      const std::function<Status(store::Writer&)>& body);
// Numbers the record when it has no id: `prefix`N after the largest N in `table_name`.
Result<std::string> id_or_next(Workspace& workspace, const std::string& id, std::string_view table_name,
                               std::string_view prefix);
// kInput at `flag` unless `table_name` holds a record keyed `key`.
Status must_exist(Workspace& workspace, std::string_view table_name, const store::Key& key,
                  const std::string& flag);

}  // namespace moat::app
