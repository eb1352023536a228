// SPDX-License-Identifier: Apache-2.0
// Editing one record field by field, as a person at a terminal (or a form) does: the values are
// checked like CSV cells, the workspace is checked as a whole afterwards, and the write is
// optimistic — it names the version it was read at, and fails with kConflict when someone else
// changed the record in between, so that no update is silently lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/accounts.h"
#include "app/session.h"
#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

struct FieldChange {
  std::string field;
  std::string value;  // as in a CSV cell; empty clears an optional field
};

struct EditResult {
  bool changed = false;
  std::int64_t version = 0;  // the record's version after the edit
};

// `key` is the record's key as the ledger writes it ("aurora/S01"). `if_version`: the version
// the caller read (default: the one read now, just before writing). `role`: the actor's, which
// must hold the right to edit the table (app/actors.h, edit_capability) and to change each
// guarded field the edit changes (guarded_fields); nullopt in a workspace without accounts.
// Errors: kConflict when the record changed since `if_version` (is_stale_edit), or when the role
// may not make the edit (recorded in the ledger); kInput for a bad value or an inconsistent
// workspace; kNotFound for a record that is not there.
Result<EditResult> edit_record(Workspace& workspace, const Session& session, std::string_view table,
                               std::string_view key, const std::vector<FieldChange>& changes,
                               std::optional<std::int64_t> if_version,
                               std::optional<Role> role = std::nullopt);

// Whether `error`, from edit_record of `table`/`key`, says that the record changed since the
// version named (HTTP's failed precondition), not that the edit was refused.
bool is_stale_edit(const Error& error, std::string_view table, std::string_view key);

struct ShownRecord {
  std::string json;  // the record as canonical JSON
  std::int64_t version = 0;
};

Result<ShownRecord> show_record(Workspace& workspace, std::string_view table, std::string_view key);

}  // namespace moat::app
