// SPDX-License-Identifier: Apache-2.0
// Importing records into a workspace: CSV files (one record kind each) and workspace documents
// (JSON from `moat export`), all given files in one transaction. All or nothing: when any
// cell, record or cross-reference is wrong, the error lists every problem found with its
// place and nothing is written — not a record, not a ledger event.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

struct SourceFile {
  std::string name;     // as given by the user, for messages
  std::string content;  // the bytes
};

struct ImportOptions {
  std::optional<std::string> kind;     // a table name; else from each file's name
  std::optional<std::string> product;  // for product files without a product column
  bool dry_run = false;                // check everything, write nothing
};

struct ImportReport {
  std::map<std::string, std::size_t> records_read;  // per table
  std::size_t records_changed = 0;
  std::int64_t events = 0;
};

Result<ImportReport> import_files(Workspace& workspace, const Session& session,
                                  const std::vector<SourceFile>& files, const ImportOptions& options);

}  // namespace moat::app
