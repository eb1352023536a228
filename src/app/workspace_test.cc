// SPDX-License-Identifier: Apache-2.0
#include "app/workspace.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include "testing/testing.h"

namespace moat::app {
namespace {

class WorkspaceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ASSERT_EQ(database_.error(), ""); }
  testing::TestDatabase database_{GetParam()};
};
INSTANTIATE_TEST_SUITE_P(Backends, WorkspaceTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(WorkspaceTest, InitMakesOwnerOnlyFoldersAndAKey) {
  testing::TempDir dir;
  auto made = Workspace::init(dir.path() / "ws", {"Co", "DE", database_.url()});
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  namespace fs = std::filesystem;
  for (const char* sub : {"vault", "keys"}) {
    EXPECT_EQ(fs::status(dir.path() / "ws" / sub).permissions() & fs::perms::all, fs::perms::owner_all)
        << sub;
  }
  EXPECT_EQ(fs::file_size(dir.path() / "ws" / "keys" / "vault.key"), 32U);
  EXPECT_EQ(fs::status(dir.path() / "ws" / "keys" / "vault.key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  made->reset();
  auto opened = Workspace::open(dir.path() / "ws");
  ASSERT_TRUE(opened.ok()) << opened.error().to_string();
  EXPECT_EQ((*opened)->on_postgresql(), GetParam() == "postgresql");
  EXPECT_EQ((*opened)->config().company, "Co");
  EXPECT_EQ((*opened)->config().home_jurisdiction, "DE");
}

TEST_P(WorkspaceTest, RefusesToInitTwiceOrWithABadJurisdiction) {
  testing::TempDir dir;
  ASSERT_TRUE(Workspace::init(dir.path() / "ws", {"", "US", database_.url()}).ok());
  auto twice = Workspace::init(dir.path() / "ws", {"", "US", database_.url()});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code(), ErrorCode::kConflict);
  auto bad = Workspace::init(dir.path() / "other", {"Co", "Germany"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().exit_code(), 1);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "other"));
}

TEST(PostgresWorkspaceTest, RefusesADatabaseThatHoldsAWorkspaceAlready) {
  testing::TestDatabase database("postgresql");
  if (!std::getenv("MOAT_TEST_POSTGRES") && !std::getenv("CI")) GTEST_SKIP() << "no PostgreSQL server";
  ASSERT_EQ(database.error(), "");
  testing::TempDir dir;
  auto first = Workspace::init(dir.path() / "a", {"Co", "US", database.url()});
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  auto session = testing::fixed_session();
  ASSERT_TRUE(
      (*first)
          ->store()
          .write(session.author(), [](store::Writer& w) { return w.note("test", "x", "y", std::nullopt); })
          .ok());
  auto second = Workspace::init(dir.path() / "b", {"Co", "US", database.url()});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kConflict);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "b"));
}

TEST(PostgresWorkspaceTest, HidesThePasswordWhenItCannotConnect) {
  testing::TempDir dir;
  auto made = Workspace::init(dir.path() / "ws",
                              {"Co", "US", "postgresql://moat:s3cret@127.0.0.1:1/none?connect_timeout=2"});
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().exit_code(), 1);
  EXPECT_EQ(made.error().to_string().find("s3cret"), std::string::npos) << made.error().to_string();
  EXPECT_NE(made.error().to_string().find("moat:***@127.0.0.1"), std::string::npos)
      << made.error().to_string();
}

TEST(WorkspaceFolderTest, OpeningAFolderWithoutWorkspaceSaysSo) {
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

TEST(ConfigTest, AnUnknownKeyIsAnErrorAtItsLineWithTheNearestSetting) {
  auto typo = parse_config("company = \"x\"\n[policy]\ncolusion = 2\n", "moat.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().where().rfind("moat.toml:3:", 0), 0U) << typo.error().where();
  EXPECT_NE(typo.error().message().find("policy.colusion"), std::string::npos) << typo.error().message();
  EXPECT_NE(typo.error().message().find("did you mean collusion"), std::string::npos)
      << typo.error().message();
  auto top = parse_config("company = \"x\"\ncompnay = \"y\"\n", "moat.toml");
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().where().rfind("moat.toml:2:", 0), 0U) << top.error().where();
  auto gate = parse_config("[gate]\nallow_conditional = true\n", "moat.toml");
  ASSERT_FALSE(gate.ok());
  EXPECT_NE(gate.error().message().find("gate.allow_conditional"), std::string::npos);
  auto serve = parse_config("[serve]\nlisten = \"127.0.0.1:1\"\nthread = 2\n", "moat.toml");
  ASSERT_FALSE(serve.ok());
  EXPECT_NE(serve.error().message().find("did you mean threads"), std::string::npos)
      << serve.error().message();
  EXPECT_TRUE(
      parse_config("[policy]\ncollusion = 2\nallow_conditional = true\n[gate]\naudit_window_days = 200\n",
                   "moat.toml")
          .ok());
}

TEST(ConfigTest, TheRenderedDefaultsUseOnlyKnownSettings) {
  Config config;
  config.company = "Aurora Audio Inc.";
  config.serve.threads = 3;
  EXPECT_TRUE(parse_config(render_config(config), "moat.toml").ok());
}

}  // namespace
}  // namespace moat::app
