// SPDX-License-Identifier: Apache-2.0
#include "app/audit.h"

#include <gtest/gtest.h>

#include "app/demo.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

class AuditTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_EQ(database_.error(), "");
    auto demo = create_demo(dir_.path() / "demo", testing::fixed_session(), database_.url());
    ASSERT_TRUE(demo.ok()) << demo.error().to_string();
    workspace_ = std::move(demo->workspace);
  }
  AuditReport audit() {
    auto report = verify_ledger(*workspace_);
    EXPECT_TRUE(report.ok());
    return *report;
  }
  void sql(const std::string& statement) {
    ASSERT_TRUE(workspace_->store().database().execute(statement).ok()) << statement;
  }

  testing::TempDir dir_;
  testing::TestDatabase database_{GetParam()};
  std::unique_ptr<Workspace> workspace_;
};

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(AuditTest, TheDemoVerifies) {
  const AuditReport report = audit();
  EXPECT_TRUE(report.ok()) << report.chain.problem;
  EXPECT_TRUE(report.witness_present);
  EXPECT_GT(report.records_checked, 150);
  EXPECT_GE(report.chain.events_checked, report.records_checked);  // the plan was saved, then approved
}

TEST_P(AuditTest, FindsARecordChangedBehindTheLedger) {
  sql(R"(UPDATE "secrets" SET "weight" = 1 WHERE "id" = 'S01')");
  const AuditReport report = audit();
  EXPECT_TRUE(report.chain.ok);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.state_problems.front().find("secrets/aurora/S01 differs"), std::string::npos);
}

TEST_P(AuditTest, NamesTheFirstAlteredEvent) {
  sql(R"(UPDATE "ledger" SET "at" = '2000-01-01T00:00:00.000Z' WHERE "seq" = 42)");
  const AuditReport report = audit();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.chain.first_bad, 42);
}

TEST_P(AuditTest, FindsEventsCutOffTheEnd) {
  sql(R"(DELETE FROM "ledger" WHERE "seq" > 100)");
  const AuditReport report = audit();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.chain.first_bad, 101);
}

}  // namespace
}  // namespace moat::app
