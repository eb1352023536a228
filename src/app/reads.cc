// SPDX-License-Identifier: Apache-2.0
#include "app/reads.h"

#include <string>

#include "store/ledger_head.h"

namespace moat::app {
namespace {

Result<const store::Table*> known_kind(std::string_view kind) {
  const store::Table* table = store::find_table(kind);
  if (!table) return Error(ErrorCode::kNotFound, "kind", "no kind of record '" + std::string(kind) + "'");
  return table;
}

}  // namespace

const store::Table* record_kind(std::string_view kind) {
  return store::find_table(kind);
}

Result<std::optional<store::Record>> read_record(Workspace& workspace, std::string_view kind,
                                                 const store::Key& key) {
  MOAT_TRY(const store::Table* table, known_kind(kind));
  return workspace.store().get(*table, key);
}

Result<std::vector<store::Record>> read_records(Workspace& workspace, std::string_view kind) {
  MOAT_TRY(const store::Table* table, known_kind(kind));
  return workspace.store().list(*table);
}

Result<std::vector<store::Record>> read_records_where(Workspace& workspace, std::string_view kind,
                                                      std::string_view field, const std::string& value) {
  MOAT_TRY(const store::Table* table, known_kind(kind));
  return workspace.store().list_where(*table, field, store::SqlValue(value));
}

Result<std::vector<store::Record>> read_page(Workspace& workspace, std::string_view kind,
                                             const store::PageQuery& query) {
  MOAT_TRY(const store::Table* table, known_kind(kind));
  return workspace.store().page(*table, query);
}

Result<std::int64_t> count_page(Workspace& workspace, std::string_view kind, const store::PageQuery& query) {
  MOAT_TRY(const store::Table* table, known_kind(kind));
  return workspace.store().count_page(*table, query);
}

Result<std::int64_t> count_records(Workspace& workspace, std::string_view kind,
                                   const std::vector<std::pair<std::string, store::SqlValue>>& where) {
  MOAT_TRY(const store::Table* table, known_kind(kind));
  return workspace.store().count(*table, where);
}

Result<std::int64_t> ledger_head(Workspace& workspace) {
  return store::ledger_head(workspace.store().database());
}

}  // namespace moat::app
