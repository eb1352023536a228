// SPDX-License-Identifier: Apache-2.0
// Signed checkpoints on both backends: made once per tree head, refused for a tree rolled back
// below or rewritten under a checkpoint signed before, still verifiable after the key is
// rotated; and an event's tlog-proof that an independent reading verifies.
#include "app/checkpoints.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "app/audit.h"
#include "app/demo.h"
#include "app/demo_testing.h"
#include "store/tree.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

class CheckpointTest : public DemoTest {
 protected:
  CheckpointTest() : DemoTest("tester") {}
  void sql(const std::string& statement) {
    ASSERT_TRUE(workspace_->store().database().execute(statement).ok()) << statement;
  }
  void note(const std::string& key) {
    auto written = workspace_->store().write(
        session_.author(), [&](store::Writer& w) { return w.note("test", "notes", key, std::nullopt); });
    ASSERT_TRUE(written.ok()) << written.error().to_string();
  }
  std::int64_t events() { return *workspace_->store().event_count(); }
};

INSTANTIATE_TEST_SUITE_P(Backends, CheckpointTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(CheckpointTest, SignsEachTreeHeadOnceWithAnOwnerOnlyKey) {
  auto first = checkpoint_now(*workspace_, session_);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(first->size, static_cast<std::uint64_t>(events()));
  auto again = checkpoint_now(*workspace_, session_);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->made);
  EXPECT_EQ(again->id, first->id);
  note("n1");
  auto next = checkpoint_now(*workspace_, session_);
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->made);
  EXPECT_EQ(next->size, first->size + 1);
  const auto perms = std::filesystem::status(workspace_->keys_dir() / "ledger.key").permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto keys = log_keys(*workspace_);
  ASSERT_TRUE(keys.ok());
  const std::vector<ledger::VerifierKey> trusted = {keys->current.verifier()};
  EXPECT_TRUE(ledger::check_checkpoint(next->note, trusted).ok);
}

TEST_P(CheckpointTest, RefusesATreeRewrittenUnderASignedCheckpoint) {
  auto signed_head = checkpoint_now(*workspace_, session_);
  ASSERT_TRUE(signed_head.ok());
  // A forger rewrites early events and the subtree above them, then appends.
  const ledger::NodeId peak = ledger::range_nodes({0, signed_head->size}).front();
  sql("UPDATE \"ledger_tree\" SET \"hash\" = '" + std::string(63, '0') +
      "f' WHERE \"node\" = " + std::to_string(peak.key()));
  auto refused = checkpoint_now(*workspace_, session_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kIntegrity);
  EXPECT_NE(refused.error().to_string().find("moat will not sign this tree"), std::string::npos)
      << refused.error().to_string();
}

TEST_P(CheckpointTest, RefusesATreeRolledBackBelowTheLastCheckpoint) {
  auto signed_head = checkpoint_now(*workspace_, session_);
  ASSERT_TRUE(signed_head.ok());
  const std::int64_t last = events();
  sql("DELETE FROM \"ledger\" WHERE \"seq\" = " + std::to_string(last));
  sql("DELETE FROM \"ledger_tree\" WHERE \"node\" >= " + std::to_string((last - 1) * 64));
  sql(R"(DELETE FROM "checkpoints")");  // the database restored from before the checkpoint
  auto refused = checkpoint_now(*workspace_, session_);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().to_string().find("the tree was rolled back"), std::string::npos)
      << refused.error().to_string();
  auto report = verify_ledger(*workspace_);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->ok());
}

TEST_P(CheckpointTest, RotatedKeysKeepOldCheckpointsVerifiable) {
  auto before = checkpoint_now(*workspace_, session_);
  ASSERT_TRUE(before.ok());
  auto rotated = rotate_log_key(*workspace_);
  ASSERT_TRUE(rotated.ok());
  note("after rotation");
  auto after = checkpoint_now(*workspace_, session_);
  ASSERT_TRUE(after.ok());
  auto keys = log_keys(*workspace_);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->all.size(), 2u);
  EXPECT_EQ(keys->current.verifier(), *rotated);
  auto report = verify_ledger(*workspace_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << (report->tree && !report->tree->problems.empty()
                                    ? report->tree->problems.front()
                                    : "");
  auto stored = list_checkpoints(*workspace_);  // the demo's, and those before and after the rotation
  ASSERT_TRUE(stored.ok());
  ASSERT_GE(stored->size(), 2u);
  EXPECT_EQ(report->tree->checkpoints_checked, static_cast<std::int64_t>(stored->size()));
}

TEST_P(CheckpointTest, ProvesAnEventAgainstTheNewestCheckpoint) {
  auto text = prove_event(*workspace_, session_, 17);
  ASSERT_TRUE(text.ok()) << text.error().to_string();
  auto proof = ledger::parse_proof(*text);
  ASSERT_TRUE(proof.ok()) << proof.error().to_string();
  EXPECT_EQ(proof->index, 16u);
  auto keys = log_keys(*workspace_);
  const auto check = ledger::check_checkpoint(proof->checkpoint, keys->all);
  ASSERT_TRUE(check.ok) << check.problem;
  auto event = workspace_->store().events(17, 1);
  ASSERT_TRUE(event.ok());
  EXPECT_TRUE(ledger::verify_inclusion(16, check.checkpoint.size, ledger::event_leaf(event->front()),
                                       proof->path, check.checkpoint.root));
  EXPECT_FALSE(prove_event(*workspace_, session_, 0).ok());
  auto beyond = prove_event(*workspace_, session_, events() + 1);
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace moat::app
