// SPDX-License-Identifier: Apache-2.0
// Whether the ledger vouches for stored records, for evidence that names someone (moat trace):
// such evidence must rest on what the ledger recorded, not on rows that whoever can write the
// database could have changed behind moat's back. A record is vouched for when the ledger's head
// verifies (app/ledger_head.h, as `moat status` checks it), every event that recorded the record
// is intact — proven included in the newest signed checkpoint from the stored tree, or, after
// that checkpoint, rehashed and linked by the head check — and the last of them recorded exactly
// what is stored now. Copies and releases are fixed when made: a copy is vouched for only when it
// was recorded once, with its release, and a release only while its fields but its state are
// those it was made with (an edit through moat is in the ledger, but is not the disclosure). The
// rest of the ledger is not read: `moat audit verify` checks it whole.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

// A record: its table and its key as the ledger names it (parts joined by '/').
struct RecordRef {
  std::string table;
  std::string key;
  std::string name() const { return table + "/" + key; }
};

struct RecordVouching {
  RecordRef record;
  bool vouched = false;
  std::int64_t event = 0;  // the event that last recorded it (0: none)
  std::string problem;     // why it is not vouched for, for a person (empty when it is)
};

struct Vouching {
  bool head_ok = false;
  std::string head_problem;  // the ledger's head check's fault (empty when it holds)
  std::uint64_t checkpoint_size = 0;
  std::vector<RecordVouching> records;  // as asked, each once
  bool all_vouched() const;
  // Every fault, the head's first, for a person.
  std::vector<std::string> problems() const;
};

// Checks `records` against the ledger: the head, then the records and their events in one read
// snapshot. Errors: kInternal for the database.
Result<Vouching> vouch_for(Workspace& workspace, std::span<const RecordRef> records);

// The record as the ledger had it after event `seq`: the canonical JSON the last event up to `seq`
// that put it recorded, in today's form; nullopt when none had, or the last removed it. (vouch_for
// checks every event of a record, so for a record it vouched for this is vouched for too.)
// Errors: kInternal for the database or an unknown table.
Result<std::optional<std::string>> recorded_by(Workspace& workspace, const RecordRef& record,
                                               std::int64_t seq);

}  // namespace moat::app
