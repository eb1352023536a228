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

// Reads blob `id` through and checks it as load_blob does, without keeping it in memory.
Status check_blob(const Workspace& workspace, std::string_view id);

// Writes blob `id` to `path` in chunks, owner-only, whole or not at all (checked as load_blob does).
Status copy_blob_to_file(const Workspace& workspace, std::string_view id, const std::filesystem::path& path);

// The SHA-256 of `content`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view content);

}  // namespace moat::app
