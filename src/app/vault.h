// SPDX-License-Identifier: Apache-2.0
// The vault as a whole (store/vault.h keeps one file at a time): checking that every stored file
// is whole, authentic and where the records expect it, and rotating the vault's key with the
// rotation recorded in the ledger. docs/vault.md describes the format and the rotation.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "core/result.h"
#include "store/vault.h"

namespace moat::app {

// The workspace's vault: vault/ with keys/vault.key. kInternal when either is missing or broken.
Result<store::Vault> open_vault(const Workspace& workspace);

// Told after each file: (files done, files in all).
using VaultProgress = std::function<void(std::size_t, std::size_t)>;

struct MissingFile {
  std::string record;  // "documents/<id>", "files/<id>", "copies/<id>": the record naming the file
  std::string id;      // the vault id it names
};

struct VaultReport {
  std::size_t files = 0;                      // files checked
  std::vector<store::VaultProblem> problems;  // files that fail: never served
  // For each file that fails, the records naming it ("files/D29 (ScrollWheel.stp)"): what is lost.
  std::map<std::string, std::vector<std::string>> named_by;
  std::vector<MissingFile> missing;        // files records name that the vault lacks
  std::string key;                         // the current key's fingerprint
  std::optional<std::string> pending_key;  // an unfinished rotation's new key
  bool ok() const { return problems.empty() && missing.empty(); }
};

// Decrypts and checks every stored file to its end (kIntegrity problems name each bad one), and
// checks that each file a record names is stored. kInternal when the vault cannot be read.
Result<VaultReport> verify_vault(Workspace& workspace, const VaultProgress& progress = {});

struct KeyRotationReport {
  std::string from_key;  // fingerprints
  std::string to_key;
  std::size_t files = 0;
  bool resumed = false;  // an interrupted rotation was finished
};

// Re-encrypts every stored file under a new key, all or nothing (store::VaultRotation): killed at
// any point, every file stays readable and the next call finishes the same rotation. Recorded in
// the ledger as the event "rotate-key" of "vault" keyed by the new key's fingerprint, written once
// every file is under the new key and before the old key is removed (and not again when a resumed
// rotation finds it there). kConflict when another process is rotating the key, kIntegrity naming
// a file that fails authentication (the rotation stays unfinished, both keys kept).
Result<KeyRotationReport> rotate_vault_key(Workspace& workspace, const Session& session,
                                           const VaultProgress& progress = {});

}  // namespace moat::app
