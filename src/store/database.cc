// SPDX-License-Identifier: Apache-2.0
#include "store/database.h"

namespace moat::store {

bool is_postgresql_url(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

void Database::add_quoted_names(std::string_view sql, std::set<std::string>& names) {
  // Identifiers are double-quoted throughout moat's SQL; text literals are bound, never inlined
  // (a quote inside a '...' literal would only add a name too many: harmless here).
  for (std::size_t open = sql.find('"'); open != std::string_view::npos;) {
    const std::size_t close = sql.find('"', open + 1);
    if (close == std::string_view::npos) break;
    names.emplace(sql.substr(open + 1, close - open - 1));
    open = sql.find('"', close + 1);
  }
}

Status Database::copy_rows(std::string_view table, std::string_view, std::size_t, std::span<const SqlValue>) {
  return internal_error("the " + std::string(backend()) + " backend copies no rows (into " +
                        std::string(table) + ")");
}

Result<WriteTransaction> WriteTransaction::begin(Database& db) {
  MOAT_CHECK(db.begin_write());
  return WriteTransaction(db);
}

Status WriteTransaction::commit() {
  Database* db = db_;
  db_ = nullptr;
  Status status = db->commit();
  if (!status.ok()) db->rollback();  // e.g. a deferred foreign key failed: leave nothing open
  return status;
}

}  // namespace moat::store
