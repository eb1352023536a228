// SPDX-License-Identifier: Apache-2.0
#include "store/database.h"

namespace moat::store {

bool is_postgresql_url(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
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
