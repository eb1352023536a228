// SPDX-License-Identifier: Apache-2.0
// Auditing the ledger: recompute the hash chain from the first event, check it reaches the
// witness kept beside the database, and check that every stored record is exactly what the
// ledger says it was last set to — so that an edit made to the database behind moat's back
// is found as surely as an edit to the ledger itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/workspace.h"
#include "core/result.h"
#include "ledger/chain.h"

namespace moat::app {

struct AuditReport {
  ledger::Verdict chain;                // the hash chain (and the witness)
  bool witness_present = false;
  std::int64_t records_checked = 0;     // records compared with the ledger
  std::vector<std::string> state_problems;  // records that differ from the ledger's account
  bool ok() const { return chain.ok && state_problems.empty(); }
};

Result<AuditReport> verify_ledger(Workspace& workspace);
Result<AuditReport> verify_store(store::Store& store);

// Events from `from_seq`, at most `limit` (negative: all).
Result<std::vector<ledger::Event>> ledger_events(Workspace& workspace, std::int64_t from_seq,
                                                 std::int64_t limit);

}  // namespace moat::app
