// SPDX-License-Identifier: Apache-2.0
// Checkpoints (c2sp.org/tlog-checkpoint) and offline proofs (c2sp.org/tlog-proof@v1): the tree
// head a log signs — origin, size, root — and the proof that one entry is in it. Pure text in and
// out; the signatures are ledger/note.h's. The formats are written down in docs/ledger.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ledger/merkle.h"
#include "ledger/note.h"

namespace moat::ledger {

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // extra lines, kept as they are
  // The note text: origin, size, base64 root and the extension lines, each ending in a newline.
  std::string text() const;
};

// Reads a checkpoint's note text. Errors (kInput) name the line at fault.
Result<Checkpoint> parse_checkpoint(std::string_view text);

// A checkpoint's note, signed by the log's key. Fails (kInput) for a bad origin.
Result<SignedNote> sign_checkpoint(const Checkpoint& checkpoint, const SignerKey& key);

struct CheckpointCheck {
  bool ok = false;
  Checkpoint checkpoint;
  std::vector<std::string> signed_by;    // key names (with their hash) whose signatures verify
  std::vector<std::string> cosigned_by;  // witnesses' cosignatures that verify
  std::string problem;                   // why it is refused, for a person
};

// Verifies a signed checkpoint: it must carry a valid signature from one of `log_keys` (with the
// origin as its name) and no invalid signature from a known key; cosignatures by
// `witness_keys` are checked too and reported.
CheckpointCheck check_checkpoint(std::string_view note, std::span<const VerifierKey> log_keys,
                                 std::span<const VerifierKey> witness_keys = {});

struct Proof {
  std::uint64_t index = 0;
  std::vector<Hash> path;
  std::optional<std::string> extra;  // base64 text, unauthenticated
  std::string checkpoint;            // the signed note, verbatim
  std::string format() const;
};

// Reads a c2sp.org/tlog-proof@v1. Errors (kInput) name the line at fault.
Result<Proof> parse_proof(std::string_view text);

}  // namespace moat::ledger
