// SPDX-License-Identifier: Apache-2.0
// Putting a finished file into place: whole or not at all, and without replacing what may be there.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace moat {

// kConflict (at `path`) when anything is at `path` — a file, a folder, a link even one that leads
// nowhere: for refusing early, before the work whose result would go there; the move below checks
// again, at once with the move.
Status refuse_if_taken(const std::filesystem::path& path);

// Moves `from` to `to` unless something is at `to` — a file, a folder, a link even one that leads
// nowhere, or one that appeared meanwhile (kConflict, at `to`). On a file system without the
// no-replace rename, what is at `to` is checked first, then `from` renamed.
Status move_without_overwriting(const std::filesystem::path& from, const std::filesystem::path& to);

// Writes all of `bytes` to `fd` (again after an interrupted write), then syncs it when `sync`;
// false on any failure (errno says why).
bool write_all(int fd, std::string_view bytes, bool sync = false);

// How write_file_atomically treats what it writes over.
struct AtomicWrite {
  mode_t mode = 0666;   // of a new file, less the umask (an existing file keeps its own)
  bool replace = true;  // false: a path that exists is refused, even one made while writing
};

// Writes `path` whole or not at all: a new temporary file beside it (a name of its own, made
// exclusively, never through a link, with `mode` from the start), synced, renamed into place, and
// the folder synced. A symbolic link is followed and the file it names replaced (a link that leads
// nowhere is replaced itself, never written through); a path that names no file (a device such as
// /dev/null or /dev/stdout, a pipe) is written to as it is; a folder is refused (kInput, at `path`,
// as is every failure, with the step that failed). A file written over keeps its mode.
Status write_file_atomically(const std::string& path, const std::string& content,
                             const AtomicWrite& how = {});

}  // namespace moat
