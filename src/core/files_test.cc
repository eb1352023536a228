// SPDX-License-Identifier: Apache-2.0
// Putting a finished file into place: what is written over keeps its mode, a link is followed or
// replaced but never written through into a file it does not name, and nothing is left beside the
// target when a write fails.
#include "core/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace moat {
namespace {

namespace fs = std::filesystem;

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "moat-files-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    folder_ = pattern;
    old_mask_ = ::umask(022);
  }
  void TearDown() override {
    ::umask(old_mask_);
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
  }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static mode_t mode_of(const fs::path& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 ? info.st_mode & 07777 : 0;
  }
  // Every name in the folder (a temporary file left behind would be one more).
  std::size_t names() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(folder_), fs::directory_iterator()));
  }

  fs::path folder_;
  mode_t old_mask_ = 0;
};

TEST_F(FilesTest, ANewFileGetsItsModeLessTheUmask) {
  const fs::path key = folder_ / "key";
  ASSERT_TRUE(write_file_atomically(key.string(), "secret\n", {.mode = 0600}).ok());
  EXPECT_EQ(read(key), "secret\n");
  EXPECT_EQ(mode_of(key), 0600u);
  const fs::path report = folder_ / "report.csv";
  ASSERT_TRUE(write_file_atomically(report.string(), "a,b\n").ok());
  EXPECT_EQ(mode_of(report), 0644u);  // 0666 less the umask of 022
  EXPECT_EQ(names(), 2u);
}

TEST_F(FilesTest, AFileWrittenOverKeepsItsMode) {
  const fs::path shared = folder_ / "plan.json";
  ASSERT_TRUE(write_file_atomically(shared.string(), "old").ok());
  fs::permissions(shared, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  ASSERT_TRUE(write_file_atomically(shared.string(), "new", {.mode = 0600}).ok());
  EXPECT_EQ(read(shared), "new");
  EXPECT_EQ(mode_of(shared), 0640u);
  EXPECT_EQ(names(), 1u);
}

TEST_F(FilesTest, ALinkIsFollowedToTheFileItNamesAndStaysALink) {
  const fs::path file = folder_ / "real.txt";
  const fs::path link = folder_ / "link.txt";
  ASSERT_TRUE(write_file_atomically(file.string(), "before").ok());
  fs::create_symlink(file.filename(), link);
  ASSERT_TRUE(write_file_atomically(link.string(), "after").ok());
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read(file), "after");
  EXPECT_EQ(names(), 2u);
}

// A link that leads nowhere is not written through (it could name any file the one who made it
// chose): it is replaced by the file written.
TEST_F(FilesTest, ALinkThatLeadsNowhereIsReplacedNotWrittenThrough) {
  const fs::path nowhere = folder_ / "elsewhere" / "target.txt";
  const fs::path link = folder_ / "out.txt";
  fs::create_symlink(nowhere, link);
  ASSERT_TRUE(write_file_atomically(link.string(), "written").ok());
  EXPECT_FALSE(fs::is_symlink(link));
  EXPECT_EQ(read(link), "written");
  EXPECT_FALSE(fs::exists(nowhere));
}

TEST_F(FilesTest, WithoutReplacingAnythingThereIsRefusedEvenALinkThatLeadsNowhere) {
  const fs::path taken = folder_ / "key";
  ASSERT_TRUE(write_file_atomically(taken.string(), "first", {.mode = 0600, .replace = false}).ok());
  const Status again = write_file_atomically(taken.string(), "second", {.mode = 0600, .replace = false});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().where(), taken.string());
  EXPECT_EQ(read(taken), "first");
  const fs::path dangling = folder_ / "dangling";
  fs::create_symlink(folder_ / "none", dangling);
  EXPECT_FALSE(write_file_atomically(dangling.string(), "x", {.mode = 0600, .replace = false}).ok());
  EXPECT_TRUE(fs::is_symlink(dangling));
  EXPECT_FALSE(fs::exists(folder_ / "none"));
  EXPECT_EQ(names(), 2u);
}

TEST_F(FilesTest, ANameIsTakenByAnythingEvenALinkThatLeadsNowhere) {
  const fs::path name = folder_ / "copy.pdf";
  EXPECT_TRUE(refuse_if_taken(name).ok());
  fs::create_symlink(folder_ / "none", name);
  const Status taken = refuse_if_taken(name);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(taken.error().where(), name.string());
  EXPECT_FALSE(refuse_if_taken(folder_).ok());
}

TEST_F(FilesTest, AFolderOrAPathInNoFolderIsRefusedAndNothingIsLeft) {
  const Status folder = write_file_atomically(folder_.string(), "x");
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().code(), ErrorCode::kInput);
  EXPECT_NE(folder.error().message().find("folder"), std::string::npos) << folder.error().to_string();
  const fs::path nowhere = folder_ / "missing" / "out.txt";
  const Status refused = write_file_atomically(nowhere.string(), "x");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInput);
  EXPECT_EQ(refused.error().where(), nowhere.string());
  EXPECT_EQ(names(), 0u);
}

}  // namespace
}  // namespace moat
