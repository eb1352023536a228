// SPDX-License-Identifier: Apache-2.0
// ZIP archives read whole (libzip, in the module moat-xlsx.so with the workbooks, which are ZIP
// archives too: xlsx_module.h): a fabrication set of Gerber files, a folder of listings' photos.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace moat::sheet {

struct ArchiveMember {
  std::string path;  // inside the archive, '/'-separated: "Base/Gerber/Base.GTL"
  std::string content;
};

// The files of a ZIP archive (folders left out), in archive order. Errors (kInput, naming
// `where`): not a readable ZIP, an encrypted member, a path that is absolute, climbs out with
// "..", has an empty or "." folder, or is not UTF-8, two members with one path, a member whose
// path is another's folder, or members larger in total than `max_bytes` (refused before they are
// inflated).
Result<std::vector<ArchiveMember>> zip_members(std::string_view zip, std::string_view where,
                                               std::uint64_t max_bytes = 4ULL << 30);

}  // namespace moat::sheet
