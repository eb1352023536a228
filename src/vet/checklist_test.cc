// SPDX-License-Identifier: Apache-2.0
#include "vet/checklist.h"

#include <gtest/gtest.h>

namespace moat::vet {
namespace {

Checklist ip_checklist() {
  return {"ip-protection",
          "IP-protection audit",
          0.75,
          {{"document-control", "files", true},
           {"sample-control", "samples", false},
           {"visitor-logs", "visitors", false},
           {"camera-policy", "cameras", false}}};
}

TEST(ScoreAudit, PassesWhenEveryItemPasses) {
  const auto audit = score_audit(ip_checklist(), {{"document-control", ItemResult::kPass},
                                                  {"sample-control", ItemResult::kPass},
                                                  {"visitor-logs", ItemResult::kPass},
                                                  {"camera-policy", ItemResult::kPass}});
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->passed);
  EXPECT_DOUBLE_EQ(audit->share, 1.0);
}

TEST(ScoreAudit, FailedCriticalItemFailsTheAuditWhateverTheShare) {
  const auto audit = score_audit(ip_checklist(), {{"document-control", ItemResult::kFail},
                                                  {"sample-control", ItemResult::kPass},
                                                  {"visitor-logs", ItemResult::kPass},
                                                  {"camera-policy", ItemResult::kPass}});
  ASSERT_TRUE(audit.ok());
  EXPECT_FALSE(audit->passed);
  EXPECT_DOUBLE_EQ(audit->share, 0.75);  // 3 of 4 passed: the share alone would pass
  EXPECT_EQ(audit->failed_critical, std::vector<std::string>{"document-control"});
}

TEST(ScoreAudit, ShareCountsOnlyApplicableItems) {
  // 2 of 3 applicable passed: 0.667 < 0.75, and the failure is not critical.
  const auto audit = score_audit(ip_checklist(), {{"document-control", ItemResult::kPass},
                                                  {"sample-control", ItemResult::kFail},
                                                  {"visitor-logs", ItemResult::kNotApplicable},
                                                  {"camera-policy", ItemResult::kPass}});
  ASSERT_TRUE(audit.ok());
  EXPECT_NEAR(audit->share, 2.0 / 3.0, 1e-12);
  EXPECT_FALSE(audit->passed);
  EXPECT_TRUE(audit->failed_critical.empty());
}

TEST(ScoreAudit, UnscoredItemsCountAsFailed) {
  const auto audit = score_audit(ip_checklist(), {{"sample-control", ItemResult::kPass},
                                                  {"visitor-logs", ItemResult::kPass},
                                                  {"camera-policy", ItemResult::kPass}});
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->unscored, std::vector<std::string>{"document-control"});
  EXPECT_FALSE(audit->passed);
}

TEST(ScoreAudit, RejectsUnknownAndRepeatedItems) {
  const auto audit = score_audit(ip_checklist(), {{"mold-storage", ItemResult::kPass},
                                                  {"visitor-logs", ItemResult::kPass},
                                                  {"visitor-logs", ItemResult::kFail}});
  ASSERT_FALSE(audit.ok());
  ASSERT_EQ(audit.error().diagnostics().size(), 2u);
  EXPECT_EQ(audit.error().diagnostics()[0].where, "mold-storage");
  EXPECT_EQ(audit.error().diagnostics()[1].where, "visitor-logs");
  // The unknown item's error names the items there are, and where to list them.
  EXPECT_NE(audit.error().diagnostics()[0].message.find("its items: "), std::string::npos);
  EXPECT_NE(audit.error().diagnostics()[0].message.find("moat visit checklist"), std::string::npos);
}

}  // namespace
}  // namespace moat::vet
