// SPDX-License-Identifier: Apache-2.0
#include "http/caches.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/testing.h"

namespace moat::http {
namespace {

// Writes the witness as the store does: a new file renamed into place.
void commit_witness(const std::filesystem::path& witness, std::int64_t seq) {
  const std::filesystem::path temporary = witness.string() + ".tmp";
  std::ofstream(temporary) << seq << " " << std::string(64, 'a') << "\n";
  std::filesystem::rename(temporary, witness);
}

TEST(DataVersionTest, TrustsWhatItReadUntilALocalWrite) {
  DataVersion versions;
  EXPECT_FALSE(versions.fresh()) << "nothing read yet";
  versions.observed(7, versions.reading());
  ASSERT_TRUE(versions.fresh());
  EXPECT_EQ(*versions.fresh(), 7);
  versions.changed();
  EXPECT_FALSE(versions.fresh()) << "this server wrote";
}

TEST(DataVersionTest, AWriteDuringTheReadLeavesItStale) {
  DataVersion versions;
  const DataVersion::Reading before = versions.reading();
  versions.changed();  // a local write commits while the version is being read
  versions.observed(7, before);
  EXPECT_FALSE(versions.fresh());
}

TEST(DataVersionTest, AnotherProcesssCommitMakesItStaleAtOnce) {
  const testing::TempDir dir;
  const std::filesystem::path witness = dir.path() / "ledger.head";
  DataVersion versions(witness);
  versions.observed(0, versions.reading());
  EXPECT_TRUE(versions.fresh()) << "no witness yet, none since";
  commit_witness(witness, 1);
  EXPECT_FALSE(versions.fresh()) << "a witness appeared";
  versions.observed(1, versions.reading());
  EXPECT_TRUE(versions.fresh());
  for (std::int64_t seq = 2; seq < 6; ++seq) {  // quick commits: inodes reused within the clock's tick
    commit_witness(witness, seq);
    EXPECT_FALSE(versions.fresh()) << "commit " << seq;
    versions.observed(seq, versions.reading());
    EXPECT_TRUE(versions.fresh());
  }
}

}  // namespace
}  // namespace moat::http
