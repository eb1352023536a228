// SPDX-License-Identifier: Apache-2.0
#include "core/files.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <system_error>

namespace moat {

namespace fs = std::filesystem;

namespace {

Error taken(const fs::path& path) {
  return Error(ErrorCode::kConflict, path.string(), "a file is there already: moat does not overwrite it");
}

}  // namespace

Status refuse_if_taken(const fs::path& path) {
  std::error_code error;
  if (fs::symlink_status(path, error).type() != fs::file_type::not_found) return taken(path);
  return {};
}

Status move_without_overwriting(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return {};
  const int error = errno;
  if (error == EEXIST) return taken(to);
  if (error != EINVAL && error != ENOSYS) {
    return internal_error("cannot move " + from.string() + " into place: " + std::strerror(error));
  }
  MOAT_CHECK(refuse_if_taken(to));
  std::error_code failed;
  fs::rename(from, to, failed);
  if (failed) return internal_error("cannot move " + from.string() + " into place: " + failed.message());
  return {};
}

namespace {

// Writes all of `content` to `fd`, then closes it; false on any failure.
bool write_all_and_close(int fd, const std::string& content, bool sync) {
  const bool ok = write_all(fd, content, sync);
  return ::close(fd) == 0 && ok;
}

}  // namespace

bool write_all(int fd, std::string_view bytes, bool sync) {
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return !sync || ::fsync(fd) == 0;
}

Status write_file_atomically(const std::string& path, const std::string& content, const AtomicWrite& how) {
  const auto failed = [&](const std::string& what) {
    return input_error(path,
                       what.empty() ? "cannot write this file: " + std::string(std::strerror(errno)) : what);
  };
  std::string target = path;
  std::optional<mode_t> kept_mode;
  struct stat found {};
  if (::stat(path.c_str(), &found) == 0) {  // through a link to what it names
    if (S_ISDIR(found.st_mode)) return failed("is a folder, not a file");
    if (!how.replace) return failed("exists already: not replacing it");
    if (!S_ISREG(found.st_mode)) {  // a device or a pipe: written to, never replaced
      const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0 || !write_all_and_close(fd, content, false)) return failed("");
      return {};
    }
    std::error_code error;
    const fs::path resolved = fs::canonical(path, error);
    if (!error) target = resolved.string();
    kept_mode = found.st_mode & 07777;
  }
  // A name of its own beside the target: made exclusively and never through a link, so that no
  // file or link prepared under a name moat would use is written through.
  static std::atomic<unsigned> made{0};
  std::string temporary;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 16; ++attempt) {
    char suffix[48];
    std::snprintf(suffix, sizeof suffix, ".moat-%ld-%u-%08lx", static_cast<long>(::getpid()), made++,
                  static_cast<unsigned long>(std::random_device{}()));
    temporary = target + suffix;
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, how.mode);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    return failed("cannot create a file beside it in " + fs::path(target).parent_path().string() + ": " +
                  std::strerror(errno));
  }
  if (kept_mode && ::fchmod(fd, *kept_mode) != 0) {
    ::close(fd);
    ::unlink(temporary.c_str());
    return failed("");
  }
  if (!write_all_and_close(fd, content, true)) {
    const int written_errno = errno;
    ::unlink(temporary.c_str());
    errno = written_errno;
    return failed("");
  }
  if (!how.replace) {
    Status moved = move_without_overwriting(temporary, target);
    if (!moved.ok()) {
      ::unlink(temporary.c_str());
      if (moved.error().code() == ErrorCode::kConflict) return failed("exists already: not replacing it");
      return moved;
    }
  } else if (::rename(temporary.c_str(), target.c_str()) != 0) {
    const int renamed_errno = errno;
    ::unlink(temporary.c_str());
    errno = renamed_errno;
    return failed("cannot put the file written beside it into place: " + std::string(std::strerror(errno)));
  }
  // The rename is kept only once the folder that records it is synced.
  const fs::path folder = fs::path(target).has_parent_path() ? fs::path(target).parent_path() : fs::path(".");
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

}  // namespace moat
