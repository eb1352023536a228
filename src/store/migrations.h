// SPDX-License-Identifier: Apache-2.0
// Schema migrations, versioned in code and applied in order when a workspace's database is
// opened. A migration is never edited once released: changes to the schema are new
// migrations. Statements are portable SQL that SQLite and PostgreSQL both accept.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace moat::store {

struct Migration {
  int version;
  std::string_view description;
  std::vector<std::string_view> statements;
  // Data the new schema needs, derived from what is stored, in the same transaction (optional).
  Status (*populate)(Database& db) = nullptr;
};

std::span<const Migration> migrations();

// Brings `db` to the newest version, one transaction per migration. Fails (kConflict) when the
// database was made by a newer moat than this one.
Status migrate(Database& db);

// The version `db` is at (0 for an empty database).
Result<int> schema_version(Database& db);

}  // namespace moat::store
