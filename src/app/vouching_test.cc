// SPDX-License-Identifier: Apache-2.0
// Whether the ledger vouches for a record, on both backends, corrupted then detected: a record as
// moat wrote it is vouched for by its last event; a record changed or added in the database, an
// event rewritten and rehashed under a signed checkpoint, and a broken head are not, each named.
#include "app/vouching.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "app/checkpoints.h"
#include "app/workspace_testing.h"
#include "ledger/chain.h"
#include "store/database.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

// A workspace holding one product, then one more event, all under a signed checkpoint.
class VouchingTest : public EmptyWorkspaceTest {
 protected:
  void SetUp() override {
    EmptyWorkspaceTest::SetUp();
    if (HasFatalFailure()) return;
    auto written = workspace_->store().write(session_.author(), [](store::Writer& w) -> Status {
      MOAT_TRY(const bool put, w.put(*store::find_table("products"), {{"id", "gadget"}, {"name", "Gadget"}}));
      (void)put;
      return w.note("test", "notes", "n1", std::nullopt);
    });
    ASSERT_TRUE(written.ok()) << written.error().to_string();
    auto signed_head = checkpoint_now(*workspace_, session_);
    ASSERT_TRUE(signed_head.ok()) << signed_head.error().to_string();
  }
  std::string text(const std::string& query) {
    auto rows = workspace_->store().database().query(query);
    EXPECT_TRUE(rows.ok() && !rows->empty()) << query;
    const auto* value =
        rows.ok() && !rows->empty() ? std::get_if<std::string>(&rows->front().front()) : nullptr;
    return value ? *value : std::string();
  }
  void sql(const std::string& statement, std::span<const store::SqlValue> params = {}) {
    ASSERT_TRUE(workspace_->store().database().execute(statement, params).ok()) << statement;
  }
  RecordVouching vouch(const RecordRef& record) {
    const RecordRef asked[] = {record};
    auto vouching = vouch_for(*workspace_, asked);
    EXPECT_TRUE(vouching.ok()) << vouching.error().to_string();
    if (!vouching.ok() || vouching->records.size() != 1) return {};
    head_ok_ = vouching->head_ok;
    return vouching->records.front();
  }
  // The product's event, with its name changed in the event and in the row, rehashed so that the
  // event's own hash holds: only the signed tree can tell.
  void rewrite_product_and_its_event() {
    const std::string seq_text =
        text(R"(SELECT CAST(MAX("seq") AS TEXT) FROM "ledger" WHERE "entity" = 'products')");
    auto events = workspace_->store().events(std::stoll(seq_text), 1);
    ASSERT_TRUE(events.ok() && events->size() == 1);
    ledger::Event event = events->front();
    nlohmann::json after = nlohmann::json::parse(*event.after);
    after["name"] = "Forged";
    event.after = after.dump();
    event.hash = ledger::compute_hash(event);
    const store::SqlValue params[] = {*event.after, event.hash, event.seq};
    sql(R"(UPDATE "ledger" SET "after_json" = ?, "hash" = ? WHERE "seq" = ?)", params);
    sql(R"(UPDATE "products" SET "name" = 'Forged' WHERE "id" = 'gadget')");
  }

  const RecordRef product_{"products", "gadget"};
  bool head_ok_ = false;
};

INSTANTIATE_TEST_SUITE_P(Backends, VouchingTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(VouchingTest, VouchesForARecordAsItsLastEventRecordedIt) {
  const RecordVouching checked = vouch(product_);
  EXPECT_TRUE(head_ok_);
  EXPECT_TRUE(checked.vouched) << checked.problem;
  EXPECT_GT(checked.event, 0);
  EXPECT_EQ(checked.problem, "");
}

TEST_P(VouchingTest, NamesARecordChangedInTheDatabase) {
  sql(R"(UPDATE "products" SET "name" = 'Forged' WHERE "id" = 'gadget')");
  const RecordVouching checked = vouch(product_);
  EXPECT_FALSE(checked.vouched);
  EXPECT_NE(checked.problem.find(product_.name() + " differs from what the ledger last recorded"),
            std::string::npos)
      << checked.problem;
}

TEST_P(VouchingTest, NamesARecordTheLedgerNeverRecorded) {
  sql(R"(INSERT INTO "products" ("id", "name") VALUES ('ghost', 'Ghost'))");
  const RecordVouching checked = vouch({"products", "ghost"});
  EXPECT_FALSE(checked.vouched);
  EXPECT_NE(checked.problem.find("products/ghost was never recorded by the ledger"), std::string::npos)
      << checked.problem;
}

TEST_P(VouchingTest, NamesAnEventRewrittenAndRehashedUnderASignedCheckpoint) {
  rewrite_product_and_its_event();
  const RecordVouching checked = vouch(product_);
  EXPECT_TRUE(head_ok_);  // the head alone does not see it
  EXPECT_FALSE(checked.vouched);
  EXPECT_NE(checked.problem.find("is not the event the signed checkpoint of"), std::string::npos)
      << checked.problem;
}

TEST_P(VouchingTest, VouchesForNothingWhenTheHeadIsBroken) {
  const std::string last = text(R"(SELECT CAST(MAX("seq") AS TEXT) FROM "ledger")");
  sql(R"(UPDATE "ledger" SET "actor" = 'mallory' WHERE "seq" = )" + last);
  const RecordVouching checked = vouch(product_);
  EXPECT_FALSE(head_ok_);
  EXPECT_FALSE(checked.vouched);
}

}  // namespace
}  // namespace moat::app
