// SPDX-License-Identifier: Apache-2.0
#include "core/memory.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace moat {
namespace {

// glibc serves blocks below this from the heap (keep_freed_memory's threshold).
constexpr std::size_t kLargestHeapBlock = std::size_t{32} << 20;
constexpr std::size_t kTrimmedAbove = std::size_t{256} << 20;
constexpr std::size_t kDefaultTopPad = std::size_t{128} << 10;  // glibc's
constexpr std::uintptr_t kPage = 4096;

std::uintptr_t heap_end() {
  return reinterpret_cast<std::uintptr_t>(::sbrk(0));
}

bool set_pad_and_trim(std::size_t pad, std::size_t trimmed_above) {
  return mallopt(M_TOP_PAD, static_cast<int>(pad)) == 1 &&
         mallopt(M_TRIM_THRESHOLD, static_cast<int>(trimmed_above)) == 1;
}

}  // namespace

bool keep_freed_memory() {
  // Blocks up to 32 MiB (the most glibc allows on the heap) from the heap; up to 256 MiB of
  // freed memory at its top kept.
  const bool mapped = mallopt(M_MMAP_THRESHOLD, static_cast<int>(kLargestHeapBlock)) == 1;
  const bool trimmed = mallopt(M_TRIM_THRESHOLD, static_cast<int>(kTrimmedAbove)) == 1;
  return mapped && trimmed;
}

bool heap_on_huge_pages(std::size_t bytes) {
  constexpr std::size_t kMost = std::size_t{512} << 20;  // twice it still fits mallopt's int
  if (bytes == 0 || bytes > kMost) return false;
  // The free memory at the heap's top (glibc's "keepcost") is where the next blocks come from:
  // it is advised too, with all the heap adds beyond it.
  const struct mallinfo2 before = ::mallinfo2();
  const std::uintptr_t end_before = heap_end();
  const std::size_t probe = before.keepcost + kPage;
  // The heap grows by the pad each time, and keeps it however much is freed.
  if (probe >= kLargestHeapBlock || !set_pad_and_trim(bytes, 2 * bytes)) return false;
  // A block larger than the top's free memory makes glibc grow the heap, by the block and the
  // pad; freed at once, it joins the top again.
  void* block = std::malloc(probe);
  std::free(block);
  const std::uintptr_t end_after = heap_end();
  if (block == nullptr || end_after <= end_before) {
    set_pad_and_trim(kDefaultTopPad, kTrimmedAbove);  // the heap could not grow (or was not asked to)
    return false;
  }
  const std::uintptr_t top = end_before - std::min<std::uintptr_t>(before.keepcost, end_before);
  const std::uintptr_t begin = (top + kPage - 1) & ~(kPage - 1);
  return ::madvise(reinterpret_cast<void*>(begin), end_after - begin, MADV_HUGEPAGE) == 0;
}

}  // namespace moat
