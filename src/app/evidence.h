// SPDX-License-Identifier: Apache-2.0
// The evidence bundle: a folder that lets a third party — a court, counsel, a counterparty —
// check some of the ledger's events with nothing but the folder, Python 3's standard library and
// the openssl command line. It holds the events (canonical encoding and readable JSON), an
// inclusion proof of each (c2sp.org/tlog-proof@v1) against the newest signed checkpoint with its
// cosignatures, the earlier checkpoints with the consistency proofs that chain them, the log's
// and the witnesses' public keys, the hashes of the files and copies the events concern, a short
// procedure in English and Chinese, and the verifier (verify.py). Its layout is written down in
// docs/ledger.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

// Which events go into a bundle: all of them when nothing is set.
struct BundleSelection {
  std::optional<std::string> release;   // the events of one release (its records and decisions)
  std::optional<std::string> events;    // "A..B": events A to B, both included
  std::optional<std::string> supplier;  // the events that concern one supplier
};

struct BundleReport {
  std::filesystem::path dir;
  std::vector<std::int64_t> events;   // the seqs written
  std::uint64_t checkpoint_size = 0;  // the tree size of the checkpoint the proofs lead to
  std::size_t checkpoints = 0;        // checkpoints in the bundle (the newest included)
  std::size_t files = 0;              // file and copy hashes listed
};

// Writes the bundle into `dir`, which must not exist or be empty; signs a checkpoint first when
// the newest does not cover the events. Errors: kInput for a malformed selection or a folder
// that holds files, kNotFound when the selection matches no event; nothing is left behind on
// failure.
Result<BundleReport> export_bundle(Workspace& workspace, const Session& session,
                                   const std::filesystem::path& dir, const BundleSelection& selection);

}  // namespace moat::app
