// SPDX-License-Identifier: Apache-2.0
#include "core/memory.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

namespace moat {
namespace {

// The C library takes both settings (glibc refuses a heap threshold above 32 MiB), and memory
// still works after them: a 48 MiB block (mapped) and a 1 MiB one (from the heap).
TEST(Memory, TheAllocatorTakesTheSettings) {
  EXPECT_TRUE(keep_freed_memory());
  std::string big(48u << 20, 'x'), small(1u << 20, 'y');
  EXPECT_EQ(big[big.size() - 1], 'x');
  EXPECT_EQ(small[12345], 'y');
}

// The heap grows by what was asked at once (huge pages or not, the kernel's to give), and blocks
// from it hold what is written; nothing is asked for a size of nothing or past 512 MiB.
TEST(Memory, TheHeapGrowsAtOnceForHugePages) {
  ASSERT_TRUE(keep_freed_memory());
  EXPECT_FALSE(heap_on_huge_pages(0));
  EXPECT_FALSE(heap_on_huge_pages(std::size_t{1} << 40));
  const auto end = [] { return reinterpret_cast<std::uintptr_t>(::sbrk(0)); };
  const std::uintptr_t before = end();
  constexpr std::size_t kAsked = std::size_t{24} << 20;
  if (heap_on_huge_pages(kAsked)) {
    EXPECT_GE(end() - before, kAsked);
  }
  std::vector<std::string> blocks;
  for (int i = 0; i < 20000; ++i) blocks.emplace_back(100 + i % 900, static_cast<char>('a' + i % 26));
  for (std::size_t i = 0; i < blocks.size(); i += 997)
    EXPECT_EQ(blocks[i].back(), static_cast<char>('a' + i % 26));
  EXPECT_LT(end() - before, 2 * kAsked);  // no growth in small steps past it
}

}  // namespace
}  // namespace moat
