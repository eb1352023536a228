// SPDX-License-Identifier: Apache-2.0
// Internal to src/app: the one place design files and the copies made of them go into and come out
// of the workspace's vault (store/vault.h), so that how they travel (whole strings today) changes
// here alone. The vault authenticates every read: a blob that was changed, cut short or swapped is
// an error (kIntegrity), never content.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

struct Blob {
  std::string id;  // the vault id
  std::uint64_t size = 0;
};

// Encrypts `content` into the workspace's vault (stored once per content).
Result<Blob> store_blob(const Workspace& workspace, std::string_view content);

// The content of blob `id`: kNotFound when it is missing, kIntegrity when it fails authentication.
Result<std::string> load_blob(const Workspace& workspace, std::string_view id);

// A file on disk as it went into the vault: read in chunks, never held in memory whole.
struct StoredFile {
  Blob blob;
  std::string sha256;  // 64 lowercase hex digits
  std::string head;    // its first bytes (up to head_bytes), to tell its kind from
};

// kInput naming `path` when it is missing, unreadable, a folder or not a regular file.
Status regular_file(const std::filesystem::path& path);

// A file's SHA-256 and its first bytes, read in chunks: memory stays bounded whatever its size.
struct FileDigest {
  std::string sha256;  // 64 lowercase hex digits
  std::string head;    // its first bytes (up to head_bytes), to tell its kind from
};

// kInput naming `path` when it cannot be read.
Result<FileDigest> digest_file(const std::filesystem::path& path, std::size_t head_bytes);

// Stores the regular file at `path` in the vault, its SHA-256 computed on the way. kInput naming
// the path when it is not a readable regular file; kConflict when it changed while it was read.
Result<StoredFile> store_file_blob(const Workspace& workspace, const std::filesystem::path& path,
                                   std::size_t head_bytes);

// Reads blob `id` through and checks it as load_blob does, without keeping it in memory.
Status check_blob(const Workspace& workspace, std::string_view id);

// Writes blob `id` to `path` in chunks, owner-only, whole or not at all (checked as load_blob does).
Status copy_blob_to_file(const Workspace& workspace, std::string_view id, const std::filesystem::path& path);

// The SHA-256 of `content`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view content);

}  // namespace moat::app
