// SPDX-License-Identifier: Apache-2.0
// Moving a workspace to PostgreSQL: copy every record (with its version) and the whole ledger
// into an empty database, prove the copy by comparing the two exports byte for byte and
// verifying the copied ledger, and only then point moat.toml at the new database. The old
// SQLite file stays where it was, as a backup.
#pragma once

#include <cstdint>
#include <string>

#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

struct MigrationReport {
  std::size_t export_bytes = 0;  // the size of the identical exports
  std::int64_t events = 0;       // ledger events copied
  // The target held this very workspace already (a migration killed after its copy committed):
  // checked as a copy is, and named in moat.toml.
  bool resumed = false;
  // The database moat.toml named before: a SQLite file (kept as a backup) or a PostgreSQL URL.
  std::string source = {};
  bool source_is_file = false;
};

// Fails (kConflict) when the target already holds records or events other than this workspace's,
// (kInput) when it cannot be reached; in every failure moat.toml is left as it was.
Result<MigrationReport> migrate_workspace(Workspace& workspace, const std::string& url);

// A database URL as moat shows it: its password left out.
std::string redacted_url(const std::string& url);

}  // namespace moat::app
