// SPDX-License-Identifier: Apache-2.0
#include "app/write_batch.h"

#include "store/schema.h"

namespace moat::app {

Status begin_write_batch(Workspace& workspace) {
  return workspace.store().begin_batch();
}

Result<std::int64_t> commit_write_batch(Workspace& workspace) {
  return workspace.store().commit_batch();
}

void abandon_write_batch(Workspace& workspace) noexcept {
  workspace.store().abandon_batch();
}

Result<std::optional<std::set<std::string>>> tables_changed(Workspace& workspace, std::int64_t after,
                                                            std::int64_t upto, std::int64_t limit) {
  using Changed = std::optional<std::set<std::string>>;
  if (upto - after > limit) return Changed();
  const store::SqlValue params[] = {after, upto};
  MOAT_TRY(const auto rows,
           workspace.store().database().query(
               R"(SELECT "action", "entity" FROM "ledger" WHERE "seq" > ? AND "seq" <= ?)", params));
  std::set<std::string> tables;
  for (const store::SqlRow& row : rows) {
    const auto* action = std::get_if<std::string>(&row[0]);
    const auto* entity = std::get_if<std::string>(&row[1]);
    // Only a record's put or removal names exactly the table it changed.
    if (!action || !entity || (*action != "put" && *action != "remove") || !store::find_table(*entity))
      return Changed();
    tables.insert(*entity);
  }
  return Changed(std::move(tables));
}

void record_tables_read(Workspace& workspace, std::set<std::string>* names) {
  workspace.store().database().record_names(names);
}

}  // namespace moat::app
