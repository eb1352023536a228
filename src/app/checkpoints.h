// SPDX-License-Identifier: Apache-2.0
// Signed checkpoints of the ledger's Merkle tree, and proofs against them: the evidence an
// outsider checks with moat's public key alone. The workspace's log key (Ed25519) lives in
// keys/ledger.key, owner-only; keys/ledger.vkeys keeps every public key the log has signed with
// (rotation retires a key, never forgets it) and keys/witnesses.vkeys the witnesses' keys. The
// newest checkpoint is also kept beside the database (ledger.checkpoint), so that a database
// restored to an older state is caught. moat never signs a tree that is inconsistent with a
// checkpoint it signed before: it refuses and says why.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "core/result.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"

namespace moat::app {

struct LogKeys {
  ledger::SignerKey current;
  std::vector<ledger::VerifierKey> all;  // oldest first; the current key last
};

// The log's keys, made on first use (with a new origin, the key's name). Errors: kInternal when
// the key files cannot be read or written, kIntegrity when they are malformed.
Result<LogKeys> log_keys(Workspace& workspace);
// A new signing key under the same origin; the old public key stays in keys/ledger.vkeys.
Result<ledger::VerifierKey> rotate_log_key(Workspace& workspace);
// The witnesses' verifier keys recorded by cosign_checkpoint.
Result<std::vector<ledger::VerifierKey>> witness_keys(Workspace& workspace);

struct SignedCheckpoint {
  std::int64_t id = 0;
  std::uint64_t size = 0;
  ledger::Hash root{};
  std::string note;  // the signed note, with its cosignatures
  std::string at;
  bool made = false;  // false: the newest checkpoint already covered the tree
};

// The file beside the database that holds the newest checkpoint's note, so that a database
// restored to an older state is caught against it.
inline constexpr std::string_view kLatestCheckpointFile = "ledger.checkpoint";
// That file's text, or nullopt when there is none.
std::optional<std::string> latest_checkpoint_note(Workspace& workspace);

// Signs the current tree head, unless the newest checkpoint already covers it (then returns
// that one). Refuses (kIntegrity) a tree rolled back below, or inconsistent with, a checkpoint
// signed before, and a tree that does not cover the whole ledger. Called after every gate
// verdict, waiver and release.
Result<SignedCheckpoint> checkpoint_now(Workspace& workspace, const Session& session);
// Every stored checkpoint, oldest first.
Result<std::vector<SignedCheckpoint>> list_checkpoints(Workspace& workspace);

// A witness's cosignature (c2sp.org/tlog-cosignature) on a signed checkpoint: the checkpoint must
// verify with the log's keys (the workspace's, and `log_keys`) and, when `workspace` is given,
// be consistent with its tree, where the cosignature is then stored and the witness's public key
// recorded. Returns the checkpoint with the cosignature added.
Result<std::string> cosign_checkpoint(Workspace* workspace, const std::string& checkpoint_note,
                                      const ledger::SignerKey& witness,
                                      std::span<const ledger::VerifierKey> log_keys,
                                      std::uint64_t now_seconds);

// A new key for a witness (type 0x04, cosignatures) or a log (type 0x01) named `name`.
Result<ledger::SignerKey> generate_key(const std::string& name, ledger::KeyType type);

// The c2sp.org/tlog-proof@v1 of event `seq` (leaf index seq - 1) against the newest checkpoint,
// signing one first when none covers the event. kNotFound for an event that does not exist;
// kIntegrity when the stored tree does not prove it.
Result<std::string> prove_event(Workspace& workspace, const Session& session, std::int64_t seq);

// The same against a given checkpoint (which must cover `seq`), for the evidence bundle.
Result<ledger::Proof> inclusion_proof(Workspace& workspace, const SignedCheckpoint& checkpoint,
                                      std::int64_t seq);
// The consistency proof between two stored checkpoints' sizes.
Result<std::vector<ledger::Hash>> consistency_proof(Workspace& workspace, std::uint64_t old_size,
                                                    std::uint64_t new_size);

// What `moat audit verify` adds to the chain's check: the stored tree against the events, every
// stored checkpoint against the tree, and the newest checkpoint's signature (also the copy kept
// beside the database).
struct TreeAudit {
  ledger::TreeVerdict tree;
  std::int64_t checkpoints_checked = 0;
  std::optional<SignedCheckpoint> last_checkpoint;
  std::vector<std::string> problems;  // checkpoints refused or a tree rolled back, for a person
};
// `tree` is the stored tree (`nodes`, store::tree_nodes) checked against the events
// (ledger::TreeCheck); when it holds, the checkpoints are checked against it.
Result<TreeAudit> audit_tree(Workspace& workspace, const ledger::TreeVerdict& tree,
                             std::span<const ledger::StoredNode> nodes);

}  // namespace moat::app
