// SPDX-License-Identifier: Apache-2.0
// Vault: the workspace's encrypted files (audit photos, certificates, signed agreements), one file
// per content at dir/<id>. An id names the content ("v" + keyed BLAKE2b-256 of it), so storing
// the same content twice stores it once, and an id proves nothing to anyone without the key. Files
// are encrypted and authenticated (docs/decisions/0009-vault.md): a byte changed, a file cut
// short or moved onto another id's name is reported as kIntegrity, never returned as content.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace moat::store {

// 32 bytes of key material, zeroed when destroyed or moved from; never copied.
class SecretKey {
 public:
  static constexpr std::size_t kBytes = 32;

  SecretKey() = default;
  ~SecretKey();
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;

  unsigned char* data() { return bytes_.data(); }
  const unsigned char* data() const { return bytes_.data(); }

 private:
  std::array<unsigned char, kBytes> bytes_{};
};

struct VaultEntry {
  std::string id;
  std::uint64_t size = 0;  // of the plaintext
};

// Whether `id` has the shape of a vault id: "v" followed by 64 lowercase hex digits.
bool is_vault_id(std::string_view id);

class Vault {
 public:
  // Opens the vault in the existing folder `dir` with the 32-byte key in `key_file`. Fails with
  // kInternal, naming the file, when the key file is missing, unreadable or not 32 bytes, or
  // when `dir` is not a folder.
  static Result<Vault> open(std::filesystem::path dir, const std::filesystem::path& key_file);

  // Stores `content` encrypted and returns its id and size; content already stored is not
  // written again. The file appears whole or not at all (a temporary file in the same folder,
  // flushed to disk, then renamed), readable by the owner only. Fails with kInternal on I/O.
  Result<VaultEntry> put(std::string_view content);

  // The content stored under `id`. Fails with kNotFound for an id not stored or not shaped like
  // one (checked before the file system is touched), kIntegrity when the file fails
  // authentication or its content does not hash to `id`, kInternal when it cannot be read.
  Result<std::string> get(std::string_view id) const;

  // Whether a file for `id` exists (it is not decrypted: get() verifies).
  bool contains(std::string_view id) const;

  // Every stored id, sorted; other files in the folder are ignored. kInternal when the folder
  // cannot be read.
  Result<std::vector<std::string>> list() const;

  const std::filesystem::path& dir() const { return dir_; }

  Vault(Vault&&) noexcept = default;
  Vault& operator=(Vault&&) noexcept = default;
  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;
  ~Vault() = default;

 private:
  Vault(std::filesystem::path dir, SecretKey id_key, SecretKey stream_key)
      : dir_(std::move(dir)), id_key_(std::move(id_key)), stream_key_(std::move(stream_key)) {}

  std::string id_of(std::string_view content) const;
  Status encrypt_to(int fd, const std::string& id, std::string_view content) const;
  Result<std::string> decrypt(const std::string& id, std::string_view sealed,
                              const std::filesystem::path& path) const;

  std::filesystem::path dir_;
  SecretKey id_key_;      // keys the ids' BLAKE2b MAC
  SecretKey stream_key_;  // encrypts the files
};

}  // namespace moat::store
