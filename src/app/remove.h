// SPDX-License-Identifier: Apache-2.0
// Deleting records: `moat remove KIND KEY...` and its API route. All or nothing, in one
// transaction whose events the ledger keeps (each removed record's last state is its `before`).
// A record others refer to is not removed unless the caller cascades, and then every record that
// goes or changes with it is listed first (the dry run shows exactly what would happen).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/import.h"
#include "app/session.h"
#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

struct RemoveOptions {
  bool cascade = false;                    // remove (or unlink from lists) what refers to the removed records
  bool dry_run = false;                    // show what would be removed, remove nothing
  std::optional<std::int64_t> if_version;  // with one key: the version the caller read
  // The actor's role: each kind of record removed or changed needs its right (app/actors.h,
  // edit_capability); nullopt in a workspace without accounts.
  std::optional<Role> role = std::nullopt;
};

struct RemoveReport {
  Difference difference;  // removed (with why) and unlinked records
  std::int64_t events = 0;
};

// `kind` is a table name (or `bom`); each key as the ledger writes it ("aurora/C1").
// Errors: an unknown kind or key (kNotFound), a stale --if-version (kConflict), records that
// refer to the removed ones without `cascade` (kInput, each named).
Result<RemoveReport> remove_records(Workspace& workspace, const Session& session, std::string_view kind,
                                    const std::vector<std::string>& keys, const RemoveOptions& options);

}  // namespace moat::app
