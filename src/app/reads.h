// SPDX-License-Identifier: Apache-2.0
// Reading stored records as they are, for the adapters: one record by its key, every record of
// a kind, and a kind's schema (its fields, for `moat list`'s columns). A kind is a table's name
// ("suppliers", "findings"); an unknown one is kNotFound. What a supplier user may see is the
// adapter's narrowing over these reads (http's scopes). Writes go through the use cases.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/workspace.h"
#include "core/result.h"
#include "store/schema.h"
#include "store/store.h"

namespace moat::app {

// The schema of a kind of record; nullptr when there is none.
const store::Table* record_kind(std::string_view kind);

// The record of `kind` keyed `key` (its key fields in order), or nullopt.
Result<std::optional<store::Record>> read_record(Workspace& workspace, std::string_view kind,
                                                 const store::Key& key);

// Every record of `kind`, in key order.
Result<std::vector<store::Record>> read_records(Workspace& workspace, std::string_view kind);

// The records of `kind` whose scalar field `field` holds `value`, in key order: read in the database.
Result<std::vector<store::Record>> read_records_where(Workspace& workspace, std::string_view kind,
                                                      std::string_view field, const std::string& value);

// One page of `kind` in key order, read and counted in the database (store::PageQuery).
Result<std::vector<store::Record>> read_page(Workspace& workspace, std::string_view kind,
                                             const store::PageQuery& query);
// How many records of `kind` the page's filters select (its `where` and `condition`), on every page.
Result<std::int64_t> count_page(Workspace& workspace, std::string_view kind, const store::PageQuery& query);
// How many records of `kind` match `where` (scalar field = value, all of them).
Result<std::int64_t> count_records(Workspace& workspace, std::string_view kind,
                                   const std::vector<std::pair<std::string, store::SqlValue>>& where);

// The ledger's last sequence number (0 when it is empty): it changes with every write, so the
// API's caches key on it.
Result<std::int64_t> ledger_head(Workspace& workspace);

}  // namespace moat::app
