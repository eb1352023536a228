// SPDX-License-Identifier: Apache-2.0
#include "core/memory.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace moat
