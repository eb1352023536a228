// SPDX-License-Identifier: Apache-2.0
// Vault: the workspace's encrypted files (design files, audit photos, certificates, signed
// agreements), one file per content at dir/<id>. An id names the content ("v" + keyed BLAKE2b-256
// of it), so storing the same content twice stores it once, and an id proves nothing to anyone
// without the key. Files are encrypted and authenticated in 64 KiB chunks (docs/vault.md): a byte
// changed, a file cut short, a file moved onto another id's name or read with another key is
// reported as kIntegrity naming the id, never returned as content. Files of any size stream in
// and out in chunks, never held in memory whole. The key can be rotated (VaultRotation): every
// file is re-encrypted under a new key, all or nothing, safe against a crash at any point.
// Several processes may use one vault at once (they coordinate with flock on its folders).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
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

// The most plaintext one chunk of a vault file holds (and VaultReader::next hands out).
inline constexpr std::size_t kVaultChunkBytes = std::size_t{64} * 1024;

// Whether `id` has the shape of a vault id: "v" followed by 64 lowercase hex digits.
bool is_vault_id(std::string_view id);

// Where put_stream reads plaintext from: fills the front of `buffer` and returns how many bytes
// it wrote, 0 only at the end of the data. An error ends the put; nothing is stored.
using ByteSource = std::function<Result<std::size_t>(std::span<unsigned char> buffer)>;

// A ByteSource reading the open file descriptor `fd` to its end (`what` names it in errors).
ByteSource fd_source(int fd, std::string what);

// One stored file's plaintext, chunk by chunk, each chunk authenticated before it is handed out.
// The content is complete and authentic only once next() has returned the empty chunk that
// marks the end: that is when the final tag and the content's hash have been checked. Any error
// before it (kIntegrity naming the id: the file was cut short, changed, swapped or is under
// another key) means that what was handed out so far must be discarded, not used.
class VaultReader {
 public:
  struct State;

  // The next chunk (1 to kVaultChunkBytes bytes; empty at the end, and from then on). The view
  // stays valid until the next call. kIntegrity on a chunk that fails authentication, a
  // missing final chunk, bytes after it, or content that does not hash to the id; kInternal
  // when the file cannot be read.
  Result<std::span<const unsigned char>> next();
  bool finished() const;
  // The plaintext's size as the file's length announces it (for a Content-Length): trusted
  // only once the end has been reached.
  std::uint64_t size() const;
  const std::string& id() const;

  explicit VaultReader(std::unique_ptr<State> state);
  VaultReader(VaultReader&&) noexcept;
  VaultReader& operator=(VaultReader&&) noexcept;
  ~VaultReader();

 private:
  std::unique_ptr<State> state_;
};

struct VaultProblem {
  std::string id;
  std::string problem;  // why the file cannot be served
};

class VaultRotation;

class Vault {
 public:
  // Opens the vault in the existing folder `dir` with the key in `key_file` (32 bytes as `moat
  // init` writes it, 64 after a rotation; docs/vault.md). A rotation that a crash interrupted
  // (`key_file` + ".next" present) is picked up: both keys read, new files are written under the
  // new one, and the next rotate_key() finishes it. Fails with kInternal, naming the file, when a
  // key file is missing, unreadable or of the wrong length, or when `dir` is not a folder.
  static Result<Vault> open(std::filesystem::path dir, const std::filesystem::path& key_file);

  // Stores `content` encrypted and returns its id and size; content already stored is not
  // written again. The file appears whole or not at all (a temporary file in the same folder,
  // flushed to disk, then renamed), readable by the owner only. Fails with kInternal on I/O.
  Result<VaultEntry> put(std::string_view content);
  // The same for the file at `path`, read twice in chunks (once for its id, once to encrypt it)
  // and never held in memory: kNotFound when it cannot be opened, kConflict when it changed
  // between the two readings (nothing is stored then).
  Result<VaultEntry> put_file(const std::filesystem::path& path);
  // The same for data read once from `source`: it is spooled, encrypted under a throw-away key,
  // to an unnamed temporary file in the vault's folder while its id is computed, then sealed.
  Result<VaultEntry> put_stream(const ByteSource& source);

  // The content stored under `id`, streamed (see VaultReader). Fails with kNotFound for an id
  // not stored or not shaped like one (checked before the file system is touched), kIntegrity
  // when the file's first chunk fails authentication under every key, kInternal when it cannot
  // be read. Later chunks are checked as next() reaches them.
  Result<VaultReader> open_reader(std::string_view id) const;
  // The content stored under `id`, whole, in memory: for small files. Fails as open_reader and
  // next() do.
  Result<std::string> get(std::string_view id) const;
  // Writes the content stored under `id` to `fd` in chunks. On any error (the same as get's),
  // part of the content may have been written: the caller must discard it (a stream must be
  // aborted, not ended normally).
  Status copy_to_fd(std::string_view id, int fd) const;
  // Writes the content stored under `id` to the file `path`, owner-only, whole or not at all: a
  // temporary file beside it, renamed into place only after the final chunk and the content's
  // hash have been checked.
  Status copy_to_file(std::string_view id, const std::filesystem::path& path) const;
  // Reads the whole file for `id` and checks it as get() would, without keeping the content.
  Status check(std::string_view id) const;
  // check() for every stored id: the ones that fail, with why (kInternal only when the folder
  // cannot be listed). `progress` is told after each file: (checked, total).
  Result<std::vector<VaultProblem>> verify(
      const std::function<void(std::size_t, std::size_t)>& progress = {}) const;

  // Whether a file for `id` exists (it is not decrypted: get() verifies).
  bool contains(std::string_view id) const;

  // Every stored id, sorted; other files in the folder are ignored. kInternal when the folder
  // cannot be read.
  Result<std::vector<std::string>> list() const;

  // Starts a key rotation, or resumes the one a crash interrupted; see VaultRotation. kConflict
  // when another process is rotating this vault's key now.
  Result<VaultRotation> rotate_key();
  // When a rotation is under way or was interrupted: the fingerprints of its old and new keys.
  Result<std::optional<std::pair<std::string, std::string>>> pending_rotation() const;
  // The current key's fingerprint: 16 hex digits that name the key without revealing it.
  Result<std::string> key_fingerprint() const;

  const std::filesystem::path& dir() const { return dir_; }

  Vault(Vault&&) noexcept = default;
  Vault& operator=(Vault&&) noexcept = default;
  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;
  ~Vault() = default;

 private:
  friend class VaultRotation;
  struct Keys;
  Vault(std::filesystem::path dir, std::filesystem::path key_file, SecretKey id_key)
      : dir_(std::move(dir)), key_file_(std::move(key_file)), id_key_(std::move(id_key)) {}

  std::filesystem::path next_key_file() const;
  Result<Keys> load_keys() const;
  Status check_marker(const Keys& keys) const;
  Result<VaultEntry> seal_new(const std::string& id, std::uint64_t size, const ByteSource& source,
                              const std::array<unsigned char, 32>& expected_hash);
  Result<VaultReader> open_reader_with(const std::string& id, const Keys& keys) const;

  std::filesystem::path dir_;
  std::filesystem::path key_file_;
  SecretKey id_key_;  // keys the ids' BLAKE2b MAC; the same across rotations
};

// A key rotation in three steps, each safe to interrupt:
//   rotate_key()   writes the new key beside the old one (keys/vault.key.next, owner-only);
//                  from then on both keys read and new files are written under the new key;
//   reencrypt()    re-encrypts each file not yet under the new key (decrypted and checked under
//                  the old one, sealed to a temporary file, flushed, renamed over it);
//   commit()       re-encrypts any file stored meanwhile, then replaces the old key with the new.
// Killed at any point, nothing is lost: every file is under one of the two keys kept, and the
// next rotate_key() resumes with the same new key. The ids do not change: the id key is kept
// (docs/vault.md says why). While it lives the rotation holds a lock that keeps a second rotation
// of the same vault out.
class VaultRotation {
 public:
  // Fingerprints of the key being retired and of its successor.
  const std::string& from_key() const { return from_key_; }
  const std::string& to_key() const { return to_key_; }
  // Whether this rotation picked up one that was interrupted.
  bool resumed() const { return resumed_; }

  // Re-encrypts every file not yet under the new key; returns how many files the vault holds.
  // kIntegrity naming the first file that fails authentication under both keys (the rotation
  // stays pending, both keys kept); kInternal on I/O. `progress` is told (done, total).
  Result<std::size_t> reencrypt(const std::function<void(std::size_t, std::size_t)>& progress = {});
  // Ends the rotation: afterwards only the new key exists. Fails as reencrypt() does.
  Status commit();

  VaultRotation(VaultRotation&&) noexcept;
  VaultRotation& operator=(VaultRotation&&) = delete;
  VaultRotation(const VaultRotation&) = delete;
  VaultRotation& operator=(const VaultRotation&) = delete;
  ~VaultRotation();

 private:
  friend class Vault;
  VaultRotation(Vault& vault, int lock_fd, std::string from_key, std::string to_key, bool resumed)
      : vault_(&vault),
        lock_fd_(lock_fd),
        from_key_(std::move(from_key)),
        to_key_(std::move(to_key)),
        resumed_(resumed) {}
  Status reencrypt_one(const std::string& id);

  Vault* vault_;
  int lock_fd_;  // the keys folder, flock'ed exclusively while the rotation lives
  std::string from_key_;
  std::string to_key_;
  bool resumed_;
  std::set<std::string> done_;  // ids known to be under the new key
};

}  // namespace moat::store
