// SPDX-License-Identifier: Apache-2.0
#include "core/memory.h"

#include <malloc.h>

namespace moat {

bool keep_freed_memory() {
  constexpr int kMiB = 1 << 20;
  // Blocks up to 32 MiB (the most glibc allows on the heap) from the heap; up to 256 MiB of
  // freed memory at its top kept.
  const bool mapped = mallopt(M_MMAP_THRESHOLD, 32 * kMiB) == 1;
  const bool trimmed = mallopt(M_TRIM_THRESHOLD, 256 * kMiB) == 1;
  return mapped && trimmed;
}

}  // namespace moat
