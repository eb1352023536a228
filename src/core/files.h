// SPDX-License-Identifier: Apache-2.0
// Putting a finished file into place without replacing what may be there.
#pragma once

#include <filesystem>

#include "core/result.h"

namespace moat {

// Moves `from` to `to` unless something is at `to` — a file, a folder, a link even one that leads
// nowhere, or one that appeared meanwhile (kConflict, at `to`). On a file system without the
// no-replace rename, what is at `to` is checked first, then `from` renamed.
Status move_without_overwriting(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace moat
