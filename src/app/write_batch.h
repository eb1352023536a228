// SPDX-License-Identifier: Apache-2.0
// What a server needs to write for many callers at once and to keep its caches by table: group
// commit over one workspace (several writes, each with its own checks and ledger events, in one
// transaction committed once), and which tables the ledger says changed between two of its
// sequence numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

// Between begin_write_batch and commit_write_batch every write on `workspace` (edit_record and
// the rest) joins one transaction, each in a savepoint: a write that fails leaves no trace and
// does not affect the others. Nothing is durable or visible to others before the commit; when the
// commit fails none of the batch's writes happened.
Status begin_write_batch(Workspace& workspace);
// Commits the batch: the number of ledger events it appended.
Result<std::int64_t> commit_write_batch(Workspace& workspace);
void abandon_write_batch(Workspace& workspace) noexcept;

// The tables whose records the events after `after` up to `upto` put or removed; nothing when one
// of those events changed something else (a decision, an account, a note), or when there are
// more than `limit` of them: then anything may have changed.
Result<std::optional<std::set<std::string>>> tables_changed(Workspace& workspace, std::int64_t after,
                                                            std::int64_t upto, std::int64_t limit);

// While `names` is set, the names of the tables (and columns) every query on `workspace` reads
// are added to it: what a cached answer depends on.
void record_tables_read(Workspace& workspace, std::set<std::string>* names);

}  // namespace moat::app
