// SPDX-License-Identifier: Apache-2.0
#include "app/ledger_head.h"

#include <filesystem>
#include <optional>
#include <vector>

#include "app/checkpoints.h"
#include "ledger/chain.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "store/tree.h"

namespace moat::app {
namespace {

namespace fs = std::filesystem;

Status fault(HeadCheck& check, std::string problem) {
  check.ok = false;
  check.problem = std::move(problem);
  return {};
}

std::string event_name(std::int64_t seq) {
  return "event " + std::to_string(seq);
}

Result<std::int64_t> ledger_length(store::Database& db) {
  MOAT_TRY(const auto rows, db.query(R"(SELECT MAX("seq") FROM "ledger")"));
  const auto* last = rows.empty() ? nullptr : std::get_if<std::int64_t>(&rows.front().front());
  return last ? *last : 0;
}

// The log's public keys, without making a key where the log has never signed.
Result<std::vector<ledger::VerifierKey>> verifier_keys(Workspace& workspace, bool signed_before) {
  if (!signed_before && !fs::exists(workspace.keys_dir() / "ledger.key"))
    return std::vector<ledger::VerifierKey>{};
  MOAT_TRY(const LogKeys keys, log_keys(workspace));
  return keys.all;
}

// The newest stored checkpoint: signed by the log, and the stored tree's edge at its size has
// its root. Returns that edge, from which the events after it are rebuilt.
Result<ledger::TreeEdge> checkpoint_edge(store::Database& db, const store::StoredCheckpoint& stored,
                                         std::span<const ledger::VerifierKey> keys, HeadCheck& check) {
  const std::string name =
      "checkpoint " + std::to_string(stored.id) + " (" + std::to_string(stored.size) + " events)";
  const ledger::CheckpointCheck signature = ledger::check_checkpoint(stored.note, keys);
  if (!signature.ok) {
    MOAT_CHECK(fault(check, name + ": " + signature.problem));
    return ledger::TreeEdge{};
  }
  if (signature.checkpoint.size != stored.size || signature.checkpoint.root != stored.root) {
    MOAT_CHECK(fault(
        check, name + ": its signed note differs from its stored size and root (altered in the database)"));
    return ledger::TreeEdge{};
  }
  MOAT_TRY(const ledger::TreeEdge edge, store::load_tree_edge(db, stored.size));
  if (edge.root() != stored.root) {
    MOAT_CHECK(fault(check, name + " does not match the tree's first " + std::to_string(stored.size) +
                                " events: the tree was rewritten after it was signed"));
  }
  return edge;
}

// The checkpoint's last event is in its tree (an inclusion proof from the stored tree) and has
// the hash it is stored with: the anchor the events after it link to.
Status check_anchor(store::Database& db, const ledger::Event& anchor, const store::StoredCheckpoint& stored,
                    HeadCheck& check) {
  const std::uint64_t index = stored.size - 1;
  const std::vector<ledger::Range> ranges = ledger::inclusion_ranges(index, stored.size);
  MOAT_TRY(const std::vector<ledger::Hash> path, store::tree_range_hashes(db, ranges));
  if (!ledger::verify_inclusion(index, stored.size, ledger::event_leaf(anchor), path, stored.root)) {
    return fault(check,
                 event_name(anchor.seq) + " is not the event its signed checkpoint holds: it was altered");
  }
  if (ledger::compute_hash(anchor) != anchor.hash) {
    return fault(check, event_name(anchor.seq) + " was altered: its contents no longer match its hash");
  }
  return {};
}

// Each event after the anchor: in sequence, linked to the one before, with the hash it carries.
void check_links(std::span<const ledger::Event> tail, std::int64_t first_seq, std::string_view prev,
                 HeadCheck& check) {
  std::int64_t expected = first_seq;
  for (const ledger::Event& event : tail) {
    if (event.seq != expected) {
      check.ok = false;
      check.problem = event_name(expected) + " is missing or out of place";
      return;
    }
    if (event.prev_hash != prev) {
      check.ok = false;
      check.problem = (event_name(event.seq) + " does not follow " + event_name(event.seq - 1) +
                       ": its previous-hash differs (an event was removed, inserted or reordered)");
      return;
    }
    if (ledger::compute_hash(event) != event.hash) {
      check.ok = false;
      check.problem = event_name(event.seq) + " was altered: its contents no longer match its hash";
      return;
    }
    prev = event.hash;
    ++expected;
    ++check.events_rehashed;
  }
}

// The stored tree's head is the checkpoint's tree grown by the events after it.
Status check_tree_head(store::Database& db, ledger::TreeEdge edge, std::span<const ledger::Event> tail,
                       HeadCheck& check) {
  for (const ledger::Event& event : tail) edge.append(ledger::event_leaf(event));
  MOAT_TRY(const store::TreeHead head, store::tree_head(db));
  if (head.size != edge.size()) {
    return fault(check, "the ledger's tree holds " + std::to_string(head.size) + " events but the ledger " +
                            std::to_string(edge.size()) + ": run 'moat audit verify'");
  }
  if (head.root != edge.root()) {
    return fault(
        check,
        "the ledger's tree does not match the events after its last checkpoint: run 'moat audit verify'");
  }
  return {};
}

// The witness beside the database names an event that is there, with the hash it recorded.
Status check_witness(store::Store& store, const std::optional<ledger::Witness>& witness, HeadCheck& check) {
  if (!witness || witness->seq <= 0) return {};
  if (witness->seq > check.events) {
    return fault(check, "the ledger ends at " + event_name(check.events) + " but its witness records " +
                            event_name(witness->seq) + ": events were removed from the end");
  }
  MOAT_TRY(const auto events, store.events(witness->seq, 1));
  if (events.empty() || events.front().hash != witness->hash) {
    return fault(check, event_name(witness->seq) + " differs from the witness: the chain was rewritten");
  }
  return {};
}

// The newest checkpoint kept beside the database: not newer than the ledger, and its root is the
// stored tree's at its size (a database restored to an older state is caught here).
Status check_checkpoint_on_file(Workspace& workspace, std::span<const ledger::VerifierKey> keys,
                                HeadCheck& check) {
  const auto text = latest_checkpoint_note(workspace);
  if (!text) return {};
  const ledger::CheckpointCheck on_file = ledger::check_checkpoint(*text, keys);
  const std::string name = "the last checkpoint (" + std::string(kLatestCheckpointFile) + ")";
  if (!on_file.ok) return fault(check, name + ": " + on_file.problem);
  if (on_file.checkpoint.size > static_cast<std::uint64_t>(check.events)) {
    return fault(check, name + " signed " + std::to_string(on_file.checkpoint.size) +
                            " events but the ledger holds " + std::to_string(check.events) +
                            ": the ledger was rolled back");
  }
  MOAT_TRY(const ledger::TreeEdge edge,
           store::load_tree_edge(workspace.store().database(), on_file.checkpoint.size));
  if (edge.root() != on_file.checkpoint.root) {
    return fault(check, name + " does not match the tree: the tree was rewritten after it was signed");
  }
  return {};
}

Status check_head(Workspace& workspace, const std::optional<ledger::Witness>& witness, HeadCheck& check) {
  store::Store& store = workspace.store();
  store::Database& db = store.database();
  MOAT_TRY(check.events, ledger_length(db));
  MOAT_TRY(const auto checkpoints, store::stored_checkpoints(db));
  MOAT_TRY(const auto keys, verifier_keys(workspace, !checkpoints.empty()));
  ledger::TreeEdge edge;
  std::string prev(ledger::genesis_hash());
  const std::uint64_t covered = checkpoints.empty() ? 0 : checkpoints.back().size;
  if (covered > static_cast<std::uint64_t>(check.events)) {
    return fault(check, "checkpoint " + std::to_string(checkpoints.back().id) +
                            " covers more events than the ledger holds (" + std::to_string(check.events) +
                            "): the ledger was rolled back");
  }
  if (covered > 0) {
    MOAT_TRY(edge, checkpoint_edge(db, checkpoints.back(), keys, check));
    if (!check.ok) return {};
    MOAT_TRY(const auto anchor, store.events(static_cast<std::int64_t>(covered), 1));
    if (anchor.empty()) return fault(check, event_name(static_cast<std::int64_t>(covered)) + " is missing");
    MOAT_CHECK(check_anchor(db, anchor.front(), checkpoints.back(), check));
    if (!check.ok) return {};
    prev = anchor.front().hash;
    check.checkpoint_size = covered;
    check.checkpoint_root = checkpoints.back().root;
  }
  MOAT_TRY(const auto tail, store.events(static_cast<std::int64_t>(covered) + 1, -1));
  check_links(tail, static_cast<std::int64_t>(covered) + 1, prev, check);
  if (!check.ok) return {};
  MOAT_CHECK(check_tree_head(db, std::move(edge), tail, check));
  if (!check.ok) return {};
  MOAT_CHECK(check_witness(store, witness, check));
  if (!check.ok) return {};
  return check_checkpoint_on_file(workspace, keys, check);
}

}  // namespace

Result<HeadCheck> check_ledger_head(Workspace& workspace) {
  HeadCheck check;
  // The witness first: it is written after each commit, so the snapshot read next is at least as
  // new as it.
  MOAT_TRY(const auto witness, workspace.store().read_witness());
  check.witness_present = witness.has_value();
  MOAT_CHECK(workspace.store().read_snapshot([&] { return check_head(workspace, witness, check); }));
  return check;
}

}  // namespace moat::app
