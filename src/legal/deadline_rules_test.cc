// SPDX-License-Identifier: Apache-2.0
// Rule files: what parses, how rules written as data behave (selectors, end of month), and
// every mistake reported at its line and column.
#include <gtest/gtest.h>

#include "legal/deadlines.h"
#include "legal/legal_testing.h"

namespace moat::legal {
namespace {

using testing::day;

constexpr std::string_view kRule = R"(
[[rules]]
id = "r"
title = "t"
category = "priority"
kinds = ["invention"]
jurisdictions = ["home"]
trigger = "filing"
offset = { months = 1 }
closed_days = "keep"
action = "a"
source = "s"
)";

DeadlineRules rules_with(std::string_view replace, std::string_view with) {
  std::string text(kRule);
  if (!replace.empty()) text.replace(text.find(replace), replace.size(), with);
  return testing::must(parse_deadline_rules(text, "d.toml"), "rules");
}

Right invention(std::string jurisdiction, const char* filed) {
  Right right;
  right.id = "R1";
  right.jurisdiction = std::move(jurisdiction);
  right.filed = day(filed);
  return right;
}

std::vector<Deadline> run(const DeadlineRules& rules, const Right& right, std::string_view home = "US") {
  return deadlines(rules, Calendars{}, {right}, day("2000-01-01"), home);
}

TEST(DeadlineRules, ParsesAMinimalRuleWithDefaults) {
  const DeadlineRules rules = rules_with("", "");
  ASSERT_EQ(rules.rules.size(), 1U);
  EXPECT_EQ(rules.rules[0].offset.months, 1);
  EXPECT_EQ(rules.rules[0].closed_days, ClosedDays::kKeep);
  EXPECT_EQ(rules.ends_right.size(), 5U);
}

TEST(DeadlineRules, HomeAndForeignSelectorsFollowTheHomeOffice) {
  const DeadlineRules home = rules_with("", "");
  const DeadlineRules foreign = rules_with("[\"home\"]", "[\"foreign\"]");
  EXPECT_EQ(run(home, invention("US", "2024-01-31")).size(), 1U);
  EXPECT_TRUE(run(home, invention("CN", "2024-01-31")).empty());
  EXPECT_EQ(run(foreign, invention("CN", "2024-01-31")).size(), 1U);
  EXPECT_EQ(run(foreign, invention("US", "2024-01-31"), "CN").size(), 1U);
}

TEST(DeadlineRules, NegatedOfficeSelectorExcludesThatOffice) {
  const DeadlineRules not_cn = rules_with("[\"home\"]", "[\"!CN\"]");
  EXPECT_TRUE(run(not_cn, invention("CN", "2024-01-31")).empty());
  EXPECT_EQ(run(not_cn, invention("EP", "2024-01-31")).size(), 1U);
}

TEST(DeadlineRules, EndOfMonthRuleKeepsTheMonthEnd) {
  const DeadlineRules plain = rules_with("", "");
  const DeadlineRules month_end = rules_with("closed_days", "end_of_month = true\nclosed_days");
  EXPECT_EQ(run(plain, invention("US", "2024-02-29"))[0].nominal.to_string(), "2024-03-29");
  EXPECT_EQ(run(month_end, invention("US", "2024-02-29"))[0].nominal.to_string(), "2024-03-31");
  EXPECT_EQ(run(month_end, invention("US", "2024-02-28"))[0].nominal.to_string(), "2024-03-28");
}

TEST(DeadlineRules, ApplyOffsetCountsTheTriggerDayWhenAsked) {
  // Trademark Law Implementing Regulations Art. 12(2): the day before the corresponding day,
  // or the month's last day when there is none.
  const Offset ten_years{10, 0, 0};
  EXPECT_EQ(apply_offset(day("2015-03-07"), ten_years, true, false).to_string(), "2025-03-06");
  EXPECT_EQ(apply_offset(day("2012-02-29"), ten_years, true, false).to_string(), "2022-02-28");
  EXPECT_EQ(apply_offset(day("2001-03-01"), {0, 1, 0}, true, false).to_string(), "2001-03-31");
  EXPECT_EQ(apply_offset(day("2001-01-31"), {0, 1, 0}, true, false).to_string(), "2001-02-28");
  EXPECT_EQ(apply_offset(day("2024-01-01"), {0, 0, 30}, true, false).to_string(), "2024-01-30");
  EXPECT_EQ(apply_offset(day("2024-01-01"), {0, 0, 30}, false, false).to_string(), "2024-01-31");
}

TEST(DeadlineRules, ConditionsCompareTheRightsDates) {
  const DeadlineRules after =
      rules_with("closed_days", "when = [\"filing >= 2021-06-01\", \"!pct\"]\nclosed_days");
  EXPECT_TRUE(run(after, invention("US", "2021-05-31")).empty());
  EXPECT_EQ(run(after, invention("US", "2021-06-01")).size(), 1U);
  Right filed_pct = invention("US", "2021-06-01");
  filed_pct.pct = true;
  EXPECT_TRUE(run(after, filed_pct).empty());
}

struct BadRule {
  std::string name;
  std::string replace;
  std::string with;
  std::string where;
  std::string message;
  friend void PrintTo(const BadRule& c, std::ostream* out) { *out << c.name; }
};

class RejectsRule : public ::testing::TestWithParam<BadRule> {};

TEST_P(RejectsRule, WithALocatedMessage) {
  const BadRule& c = GetParam();
  std::string text(kRule);
  text.replace(text.find(c.replace), c.replace.size(), c.with);
  const auto rules = parse_deadline_rules(text, "d.toml");
  ASSERT_FALSE(rules.ok());
  EXPECT_TRUE(testing::reports(rules.error(), c.where, c.message)) << rules.error().to_string();
}

INSTANTIATE_TEST_SUITE_P(
    DeadlineRules, RejectsRule,
    ::testing::Values(
        BadRule{"UnknownKind", "\"invention\"", "\"patent\"", "d.toml:6:9", "unknown kind 'patent'"},
        BadRule{"UnknownTrigger", "\"filing\"", "\"grant\"", "d.toml:8:11", "unknown trigger 'grant'"},
        BadRule{"MisspeltKey", "offset", "ofset", "d.toml:9:9", "unknown key 'ofset'"},
        BadRule{"MissingOffset", "offset = { months = 1 }", "", "d.toml:2:1", "'offset' is required"},
        BadRule{"UnknownOffsetUnit", "months = 1", "weeks = 1", "d.toml:9:20", "unknown key 'weeks'"},
        BadRule{"BadCondition", "closed_days", "when = [\"filing >= soon\"]\nclosed_days", "d.toml:10:8",
                "cannot read condition"},
        BadRule{"BadClosedDays", "\"keep\"", "\"roll\"", "d.toml:10:15", "next-working-day"},
        BadRule{"BadSelector", "[\"home\"]", "[\"china\"]", "d.toml:7:17", "not an office code"},
        BadRule{"AfterUnknownRule", "trigger = \"filing\"", "after = \"nope\"", "d.toml:8:9",
                "not a rule defined above"},
        BadRule{"BothTriggerAndAfter", "trigger = \"filing\"", "trigger = \"filing\"\nafter = \"r\"",
                "d.toml:8:11", "exactly one"},
        BadRule{"WrongType", "offset = { months = 1 }", "offset = { months = \"12\" }", "d.toml:9:21",
                "must be an integer"},
        BadRule{"BadId", "id = \"r\"", "id = \"r r\"", "d.toml:3:6", ""}),
    testing::ByName());

TEST(DeadlineRules, ReportsEveryBadRuleNotOnlyTheFirst) {
  std::string second(kRule);
  second.replace(second.find("id = \"r\""), 8, "id = \"s\"");
  second.replace(second.find("\"keep\""), 6, "\"roll\"");
  std::string first(kRule);
  first.replace(first.find("\"invention\""), 11, "\"patent\"");
  const auto rules = parse_deadline_rules(first + second, "d.toml");
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.error().diagnostics().size(), 2U) << rules.error().to_string();
}

}  // namespace
}  // namespace moat::legal
