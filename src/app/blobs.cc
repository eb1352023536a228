// SPDX-License-Identifier: Apache-2.0
#include "app/blobs.h"

#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <span>
#include <vector>

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

namespace {

std::string hex_of(std::span<const unsigned char> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char byte : bytes) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

// What tells that a file changed between two readings of it.
struct Stamp {
  std::uintmax_t size = 0;
  std::filesystem::file_time_type modified;
  bool operator==(const Stamp&) const = default;
};

Result<Stamp> stamp_of(const std::filesystem::path& path) {
  MOAT_CHECK(regular_file(path));
  std::error_code error;
  Stamp stamp{std::filesystem::file_size(path, error), std::filesystem::last_write_time(path, error)};
  if (error) return input_error(path.string(), "cannot read this file: " + error.message());
  return stamp;
}

}  // namespace

Status regular_file(const std::filesystem::path& path) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (error) return input_error(path.string(), "cannot read this file: " + error.message());
  if (std::filesystem::is_directory(status)) return input_error(path.string(), "is a folder, not a file");
  if (!std::filesystem::is_regular_file(status)) return input_error(path.string(), "is not a regular file");
  return {};
}

Result<FileDigest> digest_file(const std::filesystem::path& path, std::size_t head_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return input_error(path.string(), std::string("cannot read this file: ") + std::strerror(errno));
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::string head;
  std::vector<char> chunk(1 << 16);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    const auto got = static_cast<std::size_t>(in.gcount());
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(chunk.data()), got);
    if (head.size() < head_bytes) head.append(chunk.data(), std::min(got, head_bytes - head.size()));
  }
  if (in.bad())
    return input_error(path.string(), std::string("cannot read this file: ") + std::strerror(errno));
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return FileDigest{hex_of(digest), std::move(head)};
}

Result<StoredFile> store_file_blob(const Workspace& workspace, const std::filesystem::path& path,
                                   std::size_t head_bytes) {
  MOAT_TRY(const Stamp before, stamp_of(path));
  MOAT_TRY(FileDigest hashed, digest_file(path, head_bytes));
  MOAT_TRY(store::Vault vault, open_vault(workspace));
  MOAT_TRY(const store::VaultEntry entry, vault.put_file(path));
  MOAT_TRY(const Stamp after, stamp_of(path));
  if (!(before == after) || entry.size != before.size) {
    return Error(ErrorCode::kConflict, path.string(),
                 "the file changed while it was being added: add it again");
  }
  return StoredFile{{entry.id, entry.size}, std::move(hashed.sha256), std::move(hashed.head)};
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
  return hex_of(digest);
}

}  // namespace moat::app
