// SPDX-License-Identifier: Apache-2.0
// The shipped rules (rules/deadlines.toml) and calendars (rules/calendars/) against worked
// examples: the conventions of Paris Art. 4C, PCT Rule 80 and CNIPA's Guidelines, the State
// Council's holiday notices, and the terms of the Patent and Trademark Laws.
#include "legal/deadlines.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "legal/legal_testing.h"

namespace moat::legal {
namespace {

using testing::day;
using testing::shipped_calendars;
using testing::shipped_deadline_rules;

constexpr std::string_view kHome = "US";

Right right(Kind kind, std::string jurisdiction, const char* filed) {
  Right r;
  r.id = std::string(kind_name(kind)) + "-" + jurisdiction;
  r.kind = kind;
  r.jurisdiction = std::move(jurisdiction);
  r.filed = day(filed);
  return r;
}

Right pct(const char* priority) {
  Right r = right(Kind::kInvention, "WO", priority);
  r.pct = true;
  return r;
}

Right registered(Kind kind, const char* registration) {
  Right r;
  r.id = std::string(kind_name(kind)) + "-CN";
  r.kind = kind;
  r.jurisdiction = "CN";
  r.registered = day(registration);
  return r;
}

Right with_event(Right r, std::string name, const char* on) {
  r.events.push_back({std::move(name), day(on)});
  return r;
}

std::vector<Deadline> run(const Right& r, const char* as_of) {
  return deadlines(shipped_deadline_rules(), shipped_calendars(), {r}, day(as_of), kHome);
}

std::vector<Deadline> of_rule(const std::vector<Deadline>& all, std::string_view rule) {
  std::vector<Deadline> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out),
               [&](const Deadline& d) { return d.rule == rule; });
  return out;
}

struct Case {
  std::string name;
  Right right;
  const char* as_of;
  std::string rule;
  const char* nominal;
  const char* due;
  friend void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }
};

class WorkedExample : public ::testing::TestWithParam<Case> {};

TEST_P(WorkedExample, GivesTheNominalAndDueDates) {
  const Case& c = GetParam();
  const std::vector<Deadline> found = of_rule(run(c.right, c.as_of), c.rule);
  ASSERT_EQ(found.size(), 1U) << c.rule;
  EXPECT_EQ(found[0].nominal.to_string(), c.nominal);
  EXPECT_EQ(found[0].due.to_string(), c.due);
  EXPECT_FALSE(found[0].missed);
}

INSTANTIATE_TEST_SUITE_P(
    Deadlines, WorkedExample,
    ::testing::Values(
        // Paris Art. 4C(2): the filing day is not counted; 12 months end on the same day number.
        Case{"ParisTwelveMonths", right(Kind::kInvention, "US", "2024-01-15"), "2024-02-01",
             "paris-priority-cn-patent", "2025-01-15", "2025-01-15"},
        Case{"ParisUtilityModel", right(Kind::kUtilityModel, "DE", "2024-06-12"), "2024-07-01",
             "paris-priority-cn-patent", "2025-06-12", "2025-06-12"},
        // Month-end: August 31st + 6 months has no 31st: February's last day.
        Case{"MonthEnd", right(Kind::kDesign, "US", "2024-08-31"), "2024-09-01", "paris-priority-cn-design",
             "2025-02-28", "2025-02-28"},
        // Leap day into a common year.
        Case{"LeapDay", right(Kind::kInvention, "US", "2024-02-29"), "2024-03-01", "paris-priority-cn-patent",
             "2025-02-28", "2025-02-28"},
        // Paris Art. 4C(3): a Saturday at CNIPA moves to Monday.
        Case{"WeekendMovesToMonday", right(Kind::kInvention, "US", "2024-03-15"), "2024-04-01",
             "paris-priority-cn-patent", "2025-03-15", "2025-03-17"},
        // 2025 Spring Festival, 01-28..02-04 (国办发明电〔2024〕12号): past the whole break.
        Case{"SpringFestival2025", right(Kind::kInvention, "US", "2024-01-28"), "2024-02-01",
             "paris-priority-cn-patent", "2025-01-28", "2025-02-05"},
        Case{"SpringFestival2025Design", right(Kind::kDesign, "US", "2024-07-31"), "2024-08-01",
             "paris-priority-cn-design", "2025-01-31", "2025-02-05"},
        // 2026 Spring Festival, 02-15..02-23: a Sunday inside the break moves to 02-24.
        Case{"SpringFestival2026Pct", pct("2023-08-15"), "2024-01-01", "pct-cn-national-phase", "2026-02-15",
             "2026-02-24"},
        // 2025 National Day and Mid-Autumn, 10-01..10-08.
        Case{"NationalDay2025", right(Kind::kDesign, "US", "2025-04-01"), "2025-04-02",
             "paris-priority-cn-design", "2025-10-01", "2025-10-09"},
        // Adjusted working days (调休): these weekend days are working days and do not move.
        Case{"AdjustedSundayIsWorking", right(Kind::kInvention, "US", "2024-01-26"), "2024-02-01",
             "paris-priority-cn-patent", "2025-01-26", "2025-01-26"},
        Case{"AdjustedSaturdayIsWorking", right(Kind::kTrademark, "US", "2025-03-28"), "2025-04-01",
             "paris-priority-cn-trademark", "2025-09-28", "2025-09-28"},
        // PCT Rule 80.2 month-end, landing on 2026-02-28, an adjusted working Saturday.
        Case{"PctMonthEndOnAdjustedSaturday", pct("2023-08-31"), "2024-01-01", "pct-cn-national-phase",
             "2026-02-28", "2026-02-28"},
        Case{"PctLateEntry32Months", pct("2023-08-31"), "2024-01-01", "pct-cn-national-phase-late",
             "2026-04-30", "2026-04-30"},
        // CNIPA Guidelines V-9 §2.1: a utility model filed 1999-09-06 runs to 2009-09-05.
        Case{"UtilityModelTermCnipaExample", right(Kind::kUtilityModel, "CN", "1999-09-06"), "2000-01-01",
             "cn-term-utility-model", "2009-09-05", "2009-09-05"},
        // Terms are not moved off closed days: 2025-10-01 is a holiday.
        Case{"TermEndsOnAHoliday", right(Kind::kInvention, "CN", "2005-10-02"), "2025-01-01",
             "cn-term-invention", "2025-10-01", "2025-10-01"},
        // Design term: 10 years before 2021-06-01, 15 years from it.
        Case{"DesignFiledBeforeJune2021", right(Kind::kDesign, "CN", "2021-05-31"), "2022-01-01",
             "cn-term-design-10", "2031-05-30", "2031-05-30"},
        Case{"DesignFiledFromJune2021", right(Kind::kDesign, "CN", "2021-06-01"), "2022-01-01",
             "cn-term-design-15", "2036-05-31", "2036-05-31"},
        // Trademark term: registered 2018-03-01, no 2028-02-30: the day before 03-01 is the leap day.
        Case{"TrademarkTermEndsOnLeapDay", registered(Kind::kTrademark, "2018-03-01"), "2027-06-01",
             "cn-trademark-renewal", "2028-02-29", "2028-02-29"},
        // GACC recordation: no closed-day rule is known, so a holiday is kept.
        Case{"GaccRenewalKeepsAHoliday", registered(Kind::kCustomsRecordation, "2015-10-02"), "2025-01-01",
             "gacc-recordation-renewal", "2025-10-01", "2025-10-01"}),
    testing::ByName());

TEST(Deadlines, DesignTermRulesAreExclusive) {
  const auto before = run(right(Kind::kDesign, "CN", "2021-05-31"), "2022-01-01");
  const auto after = run(right(Kind::kDesign, "CN", "2021-06-01"), "2022-01-01");
  EXPECT_TRUE(of_rule(before, "cn-term-design-15").empty());
  EXPECT_TRUE(of_rule(after, "cn-term-design-10").empty());
}

TEST(Deadlines, TrademarkRenewalOpensTwelveMonthsBeforeTheTermEnds) {
  const auto found = run(registered(Kind::kTrademark, "2015-03-07"), "2024-06-01");
  const auto renewal = of_rule(found, "cn-trademark-renewal");
  const auto grace = of_rule(found, "cn-trademark-renewal-grace");
  ASSERT_EQ(renewal.size(), 1U);
  ASSERT_EQ(grace.size(), 1U);
  EXPECT_EQ(renewal[0].due.to_string(), "2025-03-06");  // term 2015-03-07 .. 2025-03-06
  ASSERT_TRUE(renewal[0].opens.has_value());
  EXPECT_EQ(renewal[0].opens->to_string(), "2024-03-06");
  EXPECT_EQ(grace[0].nominal.to_string(), "2025-09-06");  // a plain Saturday
  EXPECT_EQ(grace[0].due.to_string(), "2025-09-08");
}

TEST(Deadlines, RenewedTrademarkRecursTenYearsFromTheDayAfterTheOldTerm) {
  const Right renewed = with_event(registered(Kind::kTrademark, "2015-03-07"), "renewed", "2024-12-01");
  const auto found = run(renewed, "2030-01-01");
  const auto renewal = of_rule(found, "cn-trademark-renewal");
  ASSERT_EQ(renewal.size(), 1U);
  EXPECT_EQ(renewal[0].due.to_string(), "2035-03-06");  // second term 2025-03-07 .. 2035-03-06
  EXPECT_FALSE(renewal[0].missed);
  EXPECT_NE(renewal[0].note.find("lacks 2035"), std::string::npos) << renewal[0].note;
}

TEST(Deadlines, UnrenewedTrademarkIsMissedWhileTheGraceRunsOn) {
  const auto found = run(registered(Kind::kTrademark, "2015-03-07"), "2025-04-01");
  const auto renewal = of_rule(found, "cn-trademark-renewal");
  const auto grace = of_rule(found, "cn-trademark-renewal-grace");
  ASSERT_EQ(renewal.size(), 1U);
  EXPECT_TRUE(renewal[0].missed);
  ASSERT_EQ(grace.size(), 1U);
  EXPECT_FALSE(grace[0].missed);
}

TEST(Deadlines, RenewingInTheGracePeriodForgivesTheMissedWindow) {
  const Right late = with_event(registered(Kind::kTrademark, "2015-03-07"), "renewed", "2025-05-01");
  const auto found = run(late, "2025-06-01");
  const auto renewal = of_rule(found, "cn-trademark-renewal");
  const auto grace = of_rule(found, "cn-trademark-renewal-grace");
  ASSERT_EQ(renewal.size(), 1U);  // the 2025 miss is forgiven; the next term's renewal is open
  EXPECT_EQ(renewal[0].due.to_string(), "2035-03-06");
  EXPECT_FALSE(renewal[0].missed);
  ASSERT_EQ(grace.size(), 1U);
  EXPECT_EQ(grace[0].nominal.to_string(), "2035-09-06");
}

TEST(Deadlines, RenewalBeforeItsWindowDischargesNeitherTheRenewalNorTheGrace) {
  // A renewal is filed within the 12 months before the term ends (2024-03-07 on) or in the grace
  // period after it: one recorded the day before the window opens, or years before, is none.
  for (const char* early : {"2024-03-05", "2015-04-01"}) {
    const auto found =
        run(with_event(registered(Kind::kTrademark, "2015-03-07"), "renewed", early), "2026-01-01");
    const auto renewal = of_rule(found, "cn-trademark-renewal");
    const auto grace = of_rule(found, "cn-trademark-renewal-grace");
    ASSERT_EQ(renewal.size(), 1U) << early;
    EXPECT_TRUE(renewal[0].missed) << early;
    ASSERT_EQ(grace.size(), 1U) << early;
    EXPECT_TRUE(grace[0].missed) << early;
  }
}

TEST(Deadlines, LateNationalPhaseEntryForgivesThe30Months) {
  const Right entered = with_event(pct("2023-01-10"), "entered-cn-national-phase", "2025-08-01");
  const auto found = run(entered, "2025-12-01");
  EXPECT_TRUE(of_rule(found, "pct-cn-national-phase").empty());
  EXPECT_TRUE(of_rule(found, "pct-cn-national-phase-late").empty());
}

TEST(Deadlines, CancellingEventInTimeDischargesTheDeadline) {
  const Right filed = with_event(right(Kind::kInvention, "US", "2024-01-15"), "filed-in-cn", "2024-12-20");
  EXPECT_TRUE(of_rule(run(filed, "2024-02-01"), "paris-priority-cn-patent").empty());
  EXPECT_TRUE(of_rule(run(filed, "2026-01-01"), "paris-priority-cn-patent").empty());
}

TEST(Deadlines, CancellingEventAfterTheDueDateLeavesItMissed) {
  const Right late = with_event(right(Kind::kInvention, "US", "2024-01-15"), "filed-in-cn", "2025-02-01");
  const auto found = of_rule(run(late, "2025-03-01"), "paris-priority-cn-patent");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_TRUE(found[0].missed);
}

TEST(Deadlines, OpenDeadlineIsNotMissedOnItsDueDate) {
  const auto found =
      of_rule(run(right(Kind::kInvention, "US", "2024-03-15"), "2025-03-17"), "paris-priority-cn-patent");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_FALSE(found[0].missed);  // the nominal day passed, but the period runs to Monday
  const auto next_day =
      of_rule(run(right(Kind::kInvention, "US", "2024-03-15"), "2025-03-18"), "paris-priority-cn-patent");
  ASSERT_EQ(next_day.size(), 1U);
  EXPECT_TRUE(next_day[0].missed);
}

TEST(Deadlines, PriorityDeadlineMissedIsReportedForTheGate) {
  const Right home = right(Kind::kInvention, "US", "2023-01-10");
  const auto missed = missed_protection_deadlines(shipped_deadline_rules(), shipped_calendars(), home,
                                                  day("2024-06-01"), kHome);
  ASSERT_EQ(missed.size(), 1U);
  EXPECT_EQ(missed[0].rule, "paris-priority-cn-patent");
  EXPECT_EQ(missed[0].due.to_string(), "2024-01-10");
  const Right filed = with_event(home, "filed-in-cn", "2023-12-01");
  EXPECT_TRUE(missed_protection_deadlines(shipped_deadline_rules(), shipped_calendars(), filed,
                                          day("2024-06-01"), kHome)
                  .empty());
  // An open priority deadline is not missed yet.
  EXPECT_TRUE(missed_protection_deadlines(shipped_deadline_rules(), shipped_calendars(), home,
                                          day("2023-06-01"), kHome)
                  .empty());
}

TEST(Deadlines, ClaimedPriorityOrPctFilingGetsNoParisDeadline) {
  Right claiming = right(Kind::kInvention, "EP", "2024-05-01");
  claiming.priority = day("2024-01-15");
  EXPECT_TRUE(of_rule(run(claiming, "2024-06-01"), "paris-priority-cn-patent").empty());
  EXPECT_TRUE(of_rule(run(pct("2024-01-15"), "2024-06-01"), "paris-priority-cn-patent").empty());
  EXPECT_EQ(of_rule(run(pct("2024-01-15"), "2024-06-01"), "pct-cn-national-phase").size(), 1U);
}

TEST(Deadlines, PriorityOnTheFilingDateClaimsNothing) {
  // PCT Art. 2(xi): with no priority claimed, the priority date is the filing date itself.
  Right first = right(Kind::kDesign, "US", "2025-09-10");
  first.priority = day("2025-09-10");
  const auto found = of_rule(run(first, "2025-10-01"), "paris-priority-cn-design");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].due.to_string(), "2026-03-10");
}

TEST(Deadlines, ApplicationFiledAtWoIsAPctApplication) {
  const Right international = right(Kind::kInvention, "WO", "2025-03-15");  // no pct flag
  const auto found = run(international, "2025-06-01");
  EXPECT_TRUE(of_rule(found, "paris-priority-cn-patent").empty());
  const auto entry = of_rule(found, "pct-cn-national-phase");
  ASSERT_EQ(entry.size(), 1U);
  EXPECT_EQ(entry[0].nominal.to_string(), "2027-09-15");
}

TEST(Deadlines, PctEntryIntoChinaLostOnlyOnceTheLateEntryHasPassed) {
  const Right application = pct("2023-01-10");  // 30 months: 2025-07-10; 32 months: 2025-09-10
  const auto lost = [&](const char* as_of) {
    std::vector<std::string> rules;
    for (const Deadline& d : missed_protection_deadlines(shipped_deadline_rules(), shipped_calendars(),
                                                         application, day(as_of), kHome))
      rules.push_back(d.rule);
    return rules;
  };
  EXPECT_TRUE(lost("2025-08-01").empty());  // the 30 months missed, the late entry still open
  const std::vector<std::string> after = lost("2025-10-01");
  EXPECT_NE(std::find(after.begin(), after.end(), "pct-cn-national-phase-late"), after.end());
  const Right entered = with_event(application, "entered-cn-national-phase", "2025-08-20");
  EXPECT_TRUE(missed_protection_deadlines(shipped_deadline_rules(), shipped_calendars(), entered,
                                          day("2025-10-01"), kHome)
                  .empty());
}

TEST(Deadlines, PctPeriodRunsFromTheEarliestPriority) {
  Right application = pct("2024-01-15");
  application.priority = day("2023-03-31");
  const auto found = of_rule(run(application, "2024-06-01"), "pct-cn-national-phase");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].nominal.to_string(), "2025-09-30");  // 2023-03-31 + 30 months: no 31st
}

TEST(Deadlines, InventionMadeInChinaNeedsClearanceBeforeFilingAbroad) {
  Right made_here = right(Kind::kInvention, "US", "2025-05-10");
  made_here.made_in_china = true;
  const auto missed = of_rule(run(made_here, "2025-06-01"), "cn-confidentiality-exam");
  ASSERT_EQ(missed.size(), 1U);
  EXPECT_EQ(missed[0].due.to_string(), "2025-05-09");
  EXPECT_TRUE(missed[0].missed);
  // No Chinese patent can come of it now: the gate counts the miss, and the Paris deadline, still
  // open, says so.
  const auto lost = missed_protection_deadlines(shipped_deadline_rules(), shipped_calendars(), made_here,
                                                day("2025-06-01"), kHome);
  ASSERT_EQ(lost.size(), 1U);
  EXPECT_EQ(lost[0].rule, "cn-confidentiality-exam");
  const auto paris = of_rule(run(made_here, "2025-06-01"), "paris-priority-cn-patent");
  ASSERT_EQ(paris.size(), 1U);
  EXPECT_FALSE(paris[0].missed);
  EXPECT_NE(paris[0].note.find("China grants no patent for this invention"), std::string::npos)
      << paris[0].note;
  const Right cleared = with_event(made_here, "confidentiality-cleared", "2025-03-01");
  EXPECT_TRUE(of_rule(run(cleared, "2025-06-01"), "cn-confidentiality-exam").empty());
  EXPECT_TRUE(of_rule(run(cleared, "2025-06-01"), "paris-priority-cn-patent")[0].note.empty());
  Right design = right(Kind::kDesign, "US", "2025-05-10");
  design.made_in_china = true;
  EXPECT_TRUE(of_rule(run(design, "2025-01-01"), "cn-confidentiality-exam").empty());
}

TEST(Deadlines, AbandonedRightHasNothingMoreDue) {
  const Right dropped = with_event(right(Kind::kInvention, "US", "2024-01-15"), "abandoned", "2024-06-01");
  EXPECT_TRUE(run(dropped, "2024-07-01").empty());
}

TEST(Deadlines, PastTermIsNotListed) {
  EXPECT_TRUE(
      of_rule(run(right(Kind::kUtilityModel, "CN", "1999-09-06"), "2010-01-01"), "cn-term-utility-model")
          .empty());
}

TEST(Deadlines, YearBeyondTheCalendarIsFlagged) {
  const auto found =
      of_rule(run(right(Kind::kInvention, "US", "2030-03-01"), "2030-03-02"), "paris-priority-cn-patent");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_NE(found[0].note.find("lacks 2031"), std::string::npos) << found[0].note;
}

TEST(Deadlines, SortedByDueDateAcrossRights) {
  const std::vector<Right> rights = {right(Kind::kInvention, "US", "2024-06-01"),
                                     right(Kind::kDesign, "US", "2024-03-01"),
                                     right(Kind::kTrademark, "US", "2024-01-10")};
  const auto found =
      deadlines(shipped_deadline_rules(), shipped_calendars(), rights, day("2024-02-01"), kHome);
  ASSERT_EQ(found.size(), 3U);
  EXPECT_TRUE(std::is_sorted(found.begin(), found.end(),
                             [](const Deadline& a, const Deadline& b) { return a.due < b.due; }));
  EXPECT_EQ(found.front().rule, "paris-priority-cn-trademark");
}

}  // namespace
}  // namespace moat::legal
