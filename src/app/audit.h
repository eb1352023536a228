// SPDX-License-Identifier: Apache-2.0
// Auditing the ledger: recompute the hash chain from the first event, check it reaches the
// witness kept beside the database, rebuild the Merkle tree and compare it with the stored one,
// check every signed checkpoint against the tree (a tree rolled back below its last checkpoint is
// named), and check that every stored record is exactly what the ledger says it was last set
// to — so that an edit made to the database behind moat's back is found as surely as an edit to
// the ledger itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/checkpoints.h"
#include "app/workspace.h"
#include "core/progress.h"
#include "core/result.h"
#include "ledger/chain.h"

namespace moat::app {

struct AuditReport {
  ledger::Verdict chain;  // the hash chain (and the witness)
  bool witness_present = false;
  std::int64_t records_checked = 0;         // records compared with the ledger
  std::vector<std::string> state_problems;  // records that differ from the ledger's account
  std::optional<TreeAudit> tree;            // the Merkle tree and checkpoints (workspace audits)
  bool tree_ok() const { return !tree || (tree->tree.ok && tree->problems.empty()); }
  bool ok() const { return chain.ok && tree_ok() && state_problems.empty(); }
};

// The chain, the witness, the tree and its checkpoints, and the records. `progress` is told the
// events read, then verified, then the records compared: of twice the events plus the records.
Result<AuditReport> verify_ledger(Workspace& workspace, const Progress& progress = {});
// The chain, the witness and the records of a store (no tree: a copy being proved).
Result<AuditReport> verify_store(store::Store& store);

// A record's text as the ledger recorded it (canonical JSON), as it reads today: a field added by a
// later migration is absent from the events written before it, and stands at its default (null
// when it has none). Text that is not a JSON object is returned as it is.
std::string recorded_as_current(const store::Table& table, std::string_view recorded);

// Which events a listing shows: every field given must match exactly, but the actor, which matches
// by its name alone ("ada" matches "ada (token 3f2a9c1b7d0e)": the ledger records how an actor
// was established beside the name), and whatever the case of its ASCII letters (names differing
// only in case are one name). `about` matches a key one of whose '/'-separated parts it is: "F03"
// keeps the supplier F03's own events and those of its assessments (F03/A1), quotes
// (aurora/WP01/F03) and affiliations (F03/F04/owner), a record's history with what hangs on it;
// the records whose subject names it the same way (the flags raised on supplier/F03, a gate
// waiver for it); and the records that hold it in a field of ids (an agreement, a person, a
// release, a tool's move of the supplier F03).
// Empty fields match any event.
struct EventFilter {
  std::string entity;
  std::string key;
  std::string actor;
  std::string action;
  std::string about = {};

  bool any() const {
    return !entity.empty() || !key.empty() || !actor.empty() || !action.empty() || !about.empty();
  }
  bool matches(const ledger::Event& event) const;
};

// Events from `from_seq` that match `filter`, at most `limit` (negative: all). With a filter the
// database chooses by entity, key and action, and the events are read one at a time until `limit`
// match, never held whole.
Result<std::vector<ledger::Event>> ledger_events(Workspace& workspace, std::int64_t from_seq,
                                                 std::int64_t limit, const EventFilter& filter = {});

// The sequence number of the ledger's last event, 0 when it has none (one indexed read).
Result<std::int64_t> ledger_last_seq(Workspace& workspace);

// Every kind of entity the ledger's events name, sorted: what --entity can be.
Result<std::vector<std::string>> ledger_entities(Workspace& workspace);
// Every action the ledger's events name, sorted: what --action can be.
Result<std::vector<std::string>> ledger_actions(Workspace& workspace);
// Every actor's name the ledger's events name, without how it was established ("ada", not "ada
// (token 3f2a9c1b7d0e)"), each once, sorted: what --actor can be.
Result<std::vector<std::string>> ledger_actor_names(Workspace& workspace);

// What an event changed, for a person: the fields of the record whose values differ between before
// and after ("capacity, status"), "(created)" and "(removed)" for a record put first and removed,
// the fields of a note's detail (a user added: "display_name, role"); empty for a note without.
std::string changed_fields(const ledger::Event& event);
// The same from the record before and after already parsed (null where there is none; anything but
// an object counts as none), for `action`.
std::string changed_fields(const nlohmann::json& before, const nlohmann::json& after,
                           std::string_view action);

}  // namespace moat::app
