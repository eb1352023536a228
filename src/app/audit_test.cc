// SPDX-License-Identifier: Apache-2.0
#include "app/audit.h"

#include <gtest/gtest.h>

#include "app/demo.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto demo = create_demo(dir_.path() / "demo", testing::fixed_session());
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
  std::unique_ptr<Workspace> workspace_;
};

TEST_F(AuditTest, TheDemoVerifies) {
  const AuditReport report = audit();
  EXPECT_TRUE(report.ok()) << report.chain.problem;
  EXPECT_TRUE(report.witness_present);
  EXPECT_GT(report.records_checked, 150);
  EXPECT_EQ(report.chain.events_checked, report.records_checked);
}

TEST_F(AuditTest, FindsARecordChangedBehindTheLedger) {
  sql(R"(UPDATE "secrets" SET "weight" = 1 WHERE "id" = 'S01')");
  const AuditReport report = audit();
  EXPECT_TRUE(report.chain.ok);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.state_problems.front().find("secrets/aurora/S01 differs"), std::string::npos);
}

TEST_F(AuditTest, NamesTheFirstAlteredEvent) {
  sql(R"(UPDATE "ledger" SET "at" = '2000-01-01T00:00:00.000Z' WHERE "seq" = 42)");
  const AuditReport report = audit();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.chain.first_bad, 42);
}

TEST_F(AuditTest, FindsEventsCutOffTheEnd) {
  sql(R"(DELETE FROM "ledger" WHERE "seq" > 100)");
  const AuditReport report = audit();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.chain.first_bad, 101);
}

}  // namespace
}  // namespace moat::app
