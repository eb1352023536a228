// SPDX-License-Identifier: Apache-2.0
// The ledger's Merkle tree (ledger/merkle.h) and its signed checkpoints, as rows of the
// workspace's database: every complete subtree's hash under its NodeId key, written in the
// transaction that appends the event completing it (Store::write does), so that the tree never
// lags the ledger and appending never rewrites a row. Checkpoints are stored as the signed notes
// they are, cosignatures included. Callers hold the transaction.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "ledger/chain.h"
#include "ledger/merkle.h"
#include "store/database.h"

namespace moat::store {

struct TreeHead {
  std::uint64_t size = 0;  // leaves: the tree of events 1..size
  ledger::Hash root{};
};

// The number of leaves the stored tree holds (from its newest node).
Result<std::uint64_t> tree_size(Database& db);
// The stored tree's right edge at `size` leaves. kIntegrity when one of its nodes is missing.
Result<ledger::TreeEdge> load_tree_edge(Database& db, std::uint64_t size);
Result<TreeHead> tree_head(Database& db);
Status insert_tree_nodes(Database& db, std::span<const ledger::StoredNode> nodes);
// The hash of each range (a proof's ranges, ledger/merkle.h), from the stored subtrees in one
// query. kIntegrity when a node is missing.
Result<std::vector<ledger::Hash>> tree_range_hashes(Database& db, std::span<const ledger::Range> ranges);
// Every stored node, by key (the order appends make them in).
Result<std::vector<ledger::StoredNode>> tree_nodes(Database& db);
// Builds the tree of a ledger that has none yet (a workspace made before the tree existed).
Status build_tree(Database& db);

struct StoredCheckpoint {
  std::int64_t id = 0;  // 1, 2, 3, ... in signing order
  std::uint64_t size = 0;
  ledger::Hash root{};
  std::string note;  // the signed note, with any cosignatures
  std::string at;    // when it was signed
};

Result<std::vector<StoredCheckpoint>> stored_checkpoints(Database& db);
// Stores a new checkpoint and returns its id.
Result<std::int64_t> insert_checkpoint(Database& db, const StoredCheckpoint& checkpoint);
Status update_checkpoint_note(Database& db, std::int64_t id, const std::string& note);

// The rows of the ledger table as events (the columns Store reads, in that order).
Result<ledger::Event> event_of_row(const SqlRow& row);
// The same, taking the row's texts rather than copying them.
Result<ledger::Event> event_of_row(SqlRow&& row);
// The same from a streamed row, written over `event` (its strings' capacity kept).
Status assign_event(std::span<const SqlValueView> row, ledger::Event& event);
std::string_view event_columns();

}  // namespace moat::store
