// SPDX-License-Identifier: Apache-2.0
// The rule files and calendars the repository ships parse, and say what they promise.
#include <gtest/gtest.h>

#include <set>

#include "legal/legal_testing.h"

namespace moat::legal {
namespace {

TEST(RuleFiles, DeadlineRulesParseAndCiteTheirSources) {
  const DeadlineRules& rules = testing::shipped_deadline_rules();
  std::set<std::string> ids;
  for (const DeadlineRule& rule : rules.rules) {
    ids.insert(rule.id);
    EXPECT_FALSE(rule.source.empty()) << rule.id;
    if (rule.category == Category::kTerm) {
      EXPECT_EQ(rule.closed_days, ClosedDays::kKeep) << rule.id << ": terms never move";
    }
  }
  for (const char* id :
       {"paris-priority-cn-patent", "paris-priority-cn-design", "paris-priority-cn-trademark",
        "pct-cn-national-phase", "pct-cn-national-phase-late", "cn-confidentiality-exam", "cn-term-invention",
        "cn-term-utility-model", "cn-term-design-15", "cn-term-design-10", "cn-trademark-renewal",
        "cn-trademark-renewal-grace", "gacc-recordation-renewal"}) {
    EXPECT_TRUE(ids.contains(id)) << id;
  }
}

TEST(RuleFiles, ChinaCalendarCoversTheNoticesOf2024To2026) {
  const Calendar& cn = calendar_for(testing::shipped_calendars(), "CN");
  ASSERT_EQ(cn.office, "CN");
  for (const int year : {2024, 2025, 2026}) {
    ASSERT_TRUE(covers(cn, year)) << year;
    EXPECT_TRUE(cn.years.at(year).verified) << year;
    EXPECT_NE(cn.years.at(year).source.find("国务院办公厅"), std::string::npos) << year;
  }
}

TEST(RuleFiles, UsCalendarHasTheFederalHolidays) {
  const Calendar& us = calendar_for(testing::shipped_calendars(), "US");
  ASSERT_EQ(us.office, "US");
  EXPECT_TRUE(is_closed(us, testing::day("2026-07-03")));   // Independence Day observed
  EXPECT_TRUE(is_closed(us, testing::day("2025-12-26")));   // closed by Executive Order
  EXPECT_TRUE(is_closed(us, testing::day("2025-01-26")));   // a Sunday: working in China, not here
  EXPECT_FALSE(is_closed(us, testing::day("2025-01-29")));  // Spring Festival in China, open here
}

TEST(RuleFiles, AgreementRulesParse) {
  const AgreementRules& rules = testing::shipped_agreement_rules();
  EXPECT_EQ(rules.rules.size(), 13U);
}

}  // namespace
}  // namespace moat::legal
