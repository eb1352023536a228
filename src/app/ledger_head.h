// SPDX-License-Identifier: Apache-2.0
// The ledger's head checked from its newest signed checkpoint, for views that need to know the
// ledger is intact without auditing it whole (`moat status`): the checkpoint's signature, the
// stored tree's root at its size, every event after it (hash and link) and the tree's head over
// them, and the witness kept beside the database. What it does not check — the events the
// checkpoint covers, one by one, and the records against the ledger — `moat audit verify`
// (app/audit.h) does; `HeadCheck` says which events were rehashed so that nothing more is claimed.
#pragma once

#include <cstdint>
#include <string>

#include "app/workspace.h"
#include "core/result.h"
#include "ledger/merkle.h"

namespace moat::app {

struct HeadCheck {
  std::int64_t events = 0;            // the ledger's length
  std::uint64_t checkpoint_size = 0;  // events covered by the newest signed checkpoint (0: none)
  ledger::Hash checkpoint_root{};     // its root, signed and the stored tree's at its size
  std::int64_t events_rehashed = 0;   // events after the checkpoint, rehashed and relinked
  bool witness_present = false;
  bool ok = true;
  std::string problem;  // the first fault found, for a person (empty when ok)
};

// Checks the head as described above, in one read snapshot. Errors: kInternal for the database.
Result<HeadCheck> check_ledger_head(Workspace& workspace);

}  // namespace moat::app
