// SPDX-License-Identifier: Apache-2.0
#include "app/workspace.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include "testing/testing.h"

namespace moat::app {
namespace {

TEST(WorkspaceTest, InitMakesOwnerOnlyFoldersAndAKey) {
  testing::TempDir dir;
  auto made = Workspace::init(dir.path() / "ws", {"Co", "DE"});
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  namespace fs = std::filesystem;
  for (const char* sub : {"vault", "keys"}) {
    EXPECT_EQ(fs::status(dir.path() / "ws" / sub).permissions() & fs::perms::all, fs::perms::owner_all) << sub;
  }
  EXPECT_EQ(fs::file_size(dir.path() / "ws" / "keys" / "vault.key"), 32U);
  EXPECT_EQ(fs::status(dir.path() / "ws" / "keys" / "vault.key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto opened = Workspace::open(dir.path() / "ws");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ((*opened)->config().company, "Co");
  EXPECT_EQ((*opened)->config().home_jurisdiction, "DE");
}

TEST(WorkspaceTest, RefusesToInitTwiceOrWithABadJurisdiction) {
  testing::TempDir dir;
  ASSERT_TRUE(Workspace::init(dir.path() / "ws", {}).ok());
  auto twice = Workspace::init(dir.path() / "ws", {});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code(), ErrorCode::kConflict);
  auto bad = Workspace::init(dir.path() / "other", {"Co", "Germany"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().exit_code(), 1);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "other"));
}

TEST(WorkspaceTest, OpeningAFolderWithoutWorkspaceSaysSo) {
  testing::TempDir dir;
  auto opened = Workspace::open(dir.path());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().exit_code(), 1);
  EXPECT_NE(opened.error().message().find("not a moat workspace"), std::string::npos);
}

TEST(ConfigTest, RoundTripsThroughItsText) {
  Config config;
  config.company = "奥罗拉 \"Audio\"";
  config.home_jurisdiction = "CN";
  config.policy = {2, 0.25, true};
  config.extra_capabilities = {"ultrasonic-welding"};
  auto parsed = parse_config(render_config(config), "moat.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->company, config.company);
  EXPECT_EQ(parsed->policy.collusion, 2);
  EXPECT_DOUBLE_EQ(parsed->policy.max_exposure_share, 0.25);
  EXPECT_TRUE(parsed->policy.allow_conditional);
  EXPECT_EQ(parsed->extra_capabilities, config.extra_capabilities);
}

TEST(ConfigTest, NamesTheLineAndColumnOfASyntaxError) {
  auto parsed = parse_config("company = \"x\"\n[policy]\ncollusion = = 2\n", "moat.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().where().rfind("moat.toml:3:", 0), 0U) << parsed.error().where();
}

TEST(ConfigTest, RejectsOutOfRangePolicy) {
  EXPECT_FALSE(parse_config("[policy]\nmax_exposure_share = 1.5\n", "moat.toml").ok());
  EXPECT_FALSE(parse_config("[policy]\ncollusion = -1\n", "moat.toml").ok());
  EXPECT_FALSE(parse_config("[policy]\ncollusion = \"two\"\n", "moat.toml").ok());
}

}  // namespace
}  // namespace moat::app
