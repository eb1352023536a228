// SPDX-License-Identifier: Apache-2.0
#include "core/files.h"

#include <fcntl.h>
#include <stdio.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace moat {

namespace fs = std::filesystem;

Status move_without_overwriting(const fs::path& from, const fs::path& to) {
  const auto there = [&] {
    return Error(ErrorCode::kConflict, to.string(), "a file is there already: moat does not overwrite it");
  };
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return {};
  const int error = errno;
  if (error == EEXIST) return there();
  if (error != EINVAL && error != ENOSYS) {
    return internal_error("cannot move " + from.string() + " into place: " + std::strerror(error));
  }
  std::error_code failed;
  if (fs::symlink_status(to, failed).type() != fs::file_type::not_found) return there();
  fs::rename(from, to, failed);
  if (failed) return internal_error("cannot move " + from.string() + " into place: " + failed.message());
  return {};
}

}  // namespace moat
