// SPDX-License-Identifier: Apache-2.0
// Progress of long work, told by the code that does it to whoever shows it: `done` of `total`
// units so far (records, events, files), called as the work goes and once more when it ends
// (done == total). An empty function shows nothing; the work must not depend on it being called.
// The CLI draws it on a terminal (cli/progress.h); JSON and piped output get none.
#pragma once

#include <cstddef>
#include <functional>

namespace moat {

using Progress = std::function<void(std::size_t done, std::size_t total)>;

// Tells `progress`, when there is one.
inline void tell(const Progress& progress, std::size_t done, std::size_t total) {
  if (progress) progress(done, total);
}

}  // namespace moat
