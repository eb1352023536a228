// SPDX-License-Identifier: Apache-2.0
#include "legal/calendar.h"

#include <gtest/gtest.h>

#include "legal/legal_testing.h"

namespace moat::legal {
namespace {

using testing::day;

// CNIPA's own examples (Guidelines V-7 §2.3, 2008 amendment), with the State Council's closures
// of 2007-12-30..2008-01-01 and 2008-02-06..02-12.
constexpr std::string_view kCnipaExampleCalendar = R"(
office = "CN"
name = "CNIPA example years"
[[years]]
year = 2007
verified = true
source = "CNIPA Guidelines V-7 2.3"
closed = ["2007-12-30..2007-12-31"]
[[years]]
year = 2008
verified = true
source = "CNIPA Guidelines V-7 2.3"
closed = ["2008-01-01", "2008-02-06..2008-02-12"]
)";

Calendar cnipa_example() {
  return testing::must(parse_calendar(kCnipaExampleCalendar, "example.toml"), "example calendar");
}

TEST(Calendar, CnipaWorkedExamplesMoveToTheFirstWorkingDay) {
  const Calendar calendar = cnipa_example();
  // Filed 2007-10-30, 2 months: 2007-12-30 is closed → 2008-01-02.
  EXPECT_EQ(next_open_day(calendar, day("2007-10-30").add_months(2)).to_string(), "2008-01-02");
  // Filed 2007-12-06, 2 months: 2008-02-06 is closed through 02-12 → 2008-02-13.
  EXPECT_EQ(next_open_day(calendar, day("2007-12-06").add_months(2)).to_string(), "2008-02-13");
}

// A year whose notice is not listed yet: the holidays fixed by date are closed all the same, so a
// deadline does not land on New Year's Day; a listed year follows its notice alone.
TEST(Calendar, HolidaysFixedByDateCloseYearsNotListedYet) {
  const Calendar calendar =
      testing::must(parse_calendar(std::string(kCnipaExampleCalendar) + "", "example.toml"), "x");
  Calendar with_fixed = calendar;
  with_fixed.fixed = {{1, 1}, {10, 1}};
  EXPECT_TRUE(is_closed(with_fixed, day("2027-01-01")));  // a Friday
  EXPECT_EQ(next_open_day(with_fixed, day("2027-01-01")).to_string(), "2027-01-04");
  EXPECT_FALSE(is_closed(calendar, day("2027-01-01")));    // without them, only weekends
  EXPECT_FALSE(is_closed(with_fixed, day("2008-10-02")));  // 2008 is listed: its notice alone
  const auto parsed = parse_calendar("office = \"CN\"\nfixed = [\"01-01\", \"13-01\"]\n", "bad.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().to_string().find("'13-01' is not a day of the year"), std::string::npos);
}

TEST(Calendar, OpenDayIsItsOwnNextOpenDay) {
  EXPECT_EQ(next_open_day(cnipa_example(), day("2008-02-13")).to_string(), "2008-02-13");
}

TEST(Calendar, WorkingWeekendDayIsOpenAndOtherWeekendDaysAreClosed) {
  const Calendar& cn = calendar_for(testing::shipped_calendars(), "CN");
  EXPECT_FALSE(is_closed(cn, day("2025-01-26")));  // Sunday, 调休 working day
  EXPECT_FALSE(is_closed(cn, day("2025-02-08")));  // Saturday, 调休 working day
  EXPECT_TRUE(is_closed(cn, day("2025-02-09")));   // an ordinary Sunday
  EXPECT_TRUE(is_closed(cn, day("2025-01-29")));   // Spring Festival, a Wednesday
  EXPECT_FALSE(is_closed(cn, day("2025-02-05")));
}

TEST(Calendar, UnknownOfficeFallsBackToTheDefault) {
  const Calendar& jp = calendar_for(testing::shipped_calendars(), "JP");
  EXPECT_EQ(jp.office, "default");
  EXPECT_TRUE(is_closed(jp, day("2025-02-08")));  // a Saturday everywhere but China that day
  EXPECT_FALSE(is_closed(jp, day("2025-01-29")));
  EXPECT_EQ(calendar_for(Calendars{}, "JP").office, "default");  // built in when no file is given
}

TEST(Calendar, WeekdaysAreComputed) {
  EXPECT_EQ(weekday(day("1970-01-01")), 4U);  // a Thursday
  EXPECT_EQ(weekday(day("2025-01-26")), 0U);
  EXPECT_EQ(weekday(day("2026-02-28")), 6U);
}

TEST(Calendar, CustomWeekendIsHonoured) {
  const auto calendar = parse_calendar("office = \"XX\"\nweekend = [\"friday\", \"saturday\"]\n", "xx.toml");
  ASSERT_TRUE(calendar.ok()) << calendar.error().to_string();
  EXPECT_TRUE(is_closed(*calendar, day("2025-01-24")));   // Friday
  EXPECT_FALSE(is_closed(*calendar, day("2025-01-26")));  // Sunday
}

struct BadCalendar {
  std::string name;
  std::string text;
  std::string where;    // expected location
  std::string message;  // a fragment of the message
  friend void PrintTo(const BadCalendar& c, std::ostream* out) { *out << c.name; }
};

class RejectsCalendar : public ::testing::TestWithParam<BadCalendar> {};

TEST_P(RejectsCalendar, WithALocatedMessage) {
  const BadCalendar& c = GetParam();
  const auto calendar = parse_calendar(c.text, "cal.toml");
  ASSERT_FALSE(calendar.ok());
  EXPECT_TRUE(testing::reports(calendar.error(), c.where, c.message)) << calendar.error().to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Calendar, RejectsCalendar,
    ::testing::Values(
        BadCalendar{"WorkingDayNotAWeekend",
                    "office = \"CN\"\n[[years]]\nyear = 2025\nworking = [\"2025-01-27\"]\n", "cal.toml:4:11",
                    "not a weekend day"},
        BadCalendar{"DateOutsideItsYear",
                    "office = \"CN\"\n[[years]]\nyear = 2025\nclosed = [\"2024-12-31\"]\n", "cal.toml:4:11",
                    "not in 2025"},
        BadCalendar{"BackwardsRange",
                    "office = \"CN\"\n[[years]]\nyear = 2025\nclosed = [\"2025-02-04..2025-01-28\"]\n",
                    "cal.toml:4:11", "YYYY-MM-DD"},
        BadCalendar{"UnknownKey", "office = \"CN\"\nholidays = []\n", "cal.toml:2:12",
                    "unknown key 'holidays'"},
        BadCalendar{"MissingOffice", "name = \"x\"\n", "cal.toml:1:1", "'office' is required"},
        BadCalendar{"YearTwice", "office = \"CN\"\n[[years]]\nyear = 2025\n[[years]]\nyear = 2025\n",
                    "cal.toml:5:8", "listed twice"},
        BadCalendar{"NotToml", "office = \n", "cal.toml:1:10", ""}),
    testing::ByName());

}  // namespace
}  // namespace moat::legal
