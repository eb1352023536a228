// SPDX-License-Identifier: Apache-2.0
#include "app/blobs.h"

#include <sodium.h>

#include "store/vault.h"

namespace moat::app {
namespace {

Result<store::Vault> open_vault(const Workspace& workspace) {
  return store::Vault::open(workspace.vault_dir(), workspace.keys_dir() / "vault.key");
}

}  // namespace

Result<Blob> store_blob(const Workspace& workspace, std::string_view content) {
  MOAT_TRY(store::Vault vault, open_vault(workspace));
  MOAT_TRY(const store::VaultEntry entry, vault.put(content));
  return Blob{entry.id, entry.size};
}

Result<std::string> load_blob(const Workspace& workspace, std::string_view id) {
  MOAT_TRY(const store::Vault vault, open_vault(workspace));
  return vault.get(id);
}

Status check_blob(const Workspace& workspace, std::string_view id) {
  MOAT_TRY(const store::Vault vault, open_vault(workspace));
  return vault.check(id);
}

Status copy_blob_to_file(const Workspace& workspace, std::string_view id, const std::filesystem::path& path) {
  MOAT_TRY(const store::Vault vault, open_vault(workspace));
  return vault.copy_to_file(id, path);
}

std::string sha256_hex(std::string_view content) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(content.data()), content.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char byte : digest) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

}  // namespace moat::app
