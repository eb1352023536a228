// SPDX-License-Identifier: Apache-2.0
#include "core/date.h"

#include <gtest/gtest.h>

#include <string>

namespace moat {
namespace {

TEST(DateTest, ParsesValidDates) {
  for (const std::string text :
       {"2024-02-29", "2000-02-29", "2026-11-25", "1000-01-01", "9999-12-31", "2024-12-31", "2023-04-30"}) {
    const std::optional<Date> date = Date::parse(text);
    ASSERT_TRUE(date.has_value()) << text;
    EXPECT_EQ(date->to_string(), text);
  }
}

TEST(DateTest, ParsesIntoFields) {
  const std::optional<Date> date = Date::parse("2024-02-29");
  ASSERT_TRUE(date.has_value());
  EXPECT_EQ(date->year(), 2024);
  EXPECT_EQ(date->month(), 2U);
  EXPECT_EQ(date->day(), 29U);
}

TEST(DateTest, RejectsMalformedOrNonexistentDates) {
  for (const std::string text : {"",           "2023-02-29", "1900-02-29",  "2024-13-01",  "2024-00-10",
                                 "2024-01-00", "2024-04-31", "2024-01-32",  "2024-1-01",   "2024-01-1",
                                 "24-01-01",   "2024/01/01", "2024-01-01 ", " 2024-01-01", "2024-01-01T00:00",
                                 "2024-0a-01", "+024-01-01", "2024--1-01",  "0999-12-31",  "10000-01-01",
                                 "abcd-ef-gh"}) {
    EXPECT_FALSE(Date::parse(text).has_value()) << "'" << text << "'";
  }
}

TEST(DateTest, FromYmdChecksTheDayExists) {
  EXPECT_TRUE(Date::from_ymd(2024, 2, 29).has_value());
  EXPECT_FALSE(Date::from_ymd(2023, 2, 29).has_value());
  EXPECT_FALSE(Date::from_ymd(2024, 13, 1).has_value());
  EXPECT_FALSE(Date::from_ymd(2024, 0, 1).has_value());
  EXPECT_FALSE(Date::from_ymd(999, 1, 1).has_value());
}

TEST(DateTest, PrintsWithZeroPadding) {
  EXPECT_EQ(Date::from_ymd(2024, 1, 5)->to_string(), "2024-01-05");
  EXPECT_EQ(Date::from_ymd(1001, 10, 10)->to_string(), "1001-10-10");
}

struct EpochCase {
  std::string date;
  long days;
};

class DaysSinceEpochTest : public testing::TestWithParam<EpochCase> {};

TEST_P(DaysSinceEpochTest, CountsDaysBothWays) {
  const EpochCase& c = GetParam();
  const std::optional<Date> date = Date::parse(c.date);
  ASSERT_TRUE(date.has_value());
  EXPECT_EQ(date->days_since_epoch(), c.days);
  EXPECT_EQ(Date::from_days(c.days).to_string(), c.date);
  EXPECT_EQ(Date::from_days(c.days), *date);
}

INSTANTIATE_TEST_SUITE_P(Cases, DaysSinceEpochTest,
                         testing::Values(EpochCase{"1970-01-01", 0}, EpochCase{"1970-01-02", 1},
                                         EpochCase{"1969-12-31", -1}, EpochCase{"1969-01-01", -365},
                                         EpochCase{"1900-01-01", -25567}, EpochCase{"1000-01-01", -354285},
                                         EpochCase{"2000-01-01", 10957}, EpochCase{"2000-03-01", 11017},
                                         EpochCase{"2024-02-29", 19782}, EpochCase{"9999-12-31", 2932896}));

TEST(DateTest, DayArithmeticRoundTripsAcrossYears) {
  const Date start = *Date::parse("1960-12-25");
  for (long offset = 0; offset < 25000; offset += 37) {
    const Date date = Date::from_days(start.days_since_epoch() + offset);
    EXPECT_EQ(date.days_since_epoch(), start.days_since_epoch() + offset);
    EXPECT_EQ(Date::parse(date.to_string()), date);
  }
}

TEST(DateTest, OrdersByCalendar) {
  const Date a = *Date::parse("2023-12-31");
  const Date b = *Date::parse("2024-01-01");
  const Date c = *Date::parse("2024-01-02");
  const Date d = *Date::parse("2024-02-01");
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, d);
  EXPECT_GT(d, a);
  EXPECT_EQ(b, *Date::parse("2024-01-01"));
  EXPECT_NE(b, c);
  EXPECT_LE(b, b);
  // Month outweighs day, year outweighs month.
  EXPECT_LT(*Date::parse("2024-01-31"), *Date::parse("2024-02-01"));
  EXPECT_LT(*Date::parse("2023-12-31"), *Date::parse("2024-01-01"));
}

TEST(DateTest, OrderAgreesWithDayCount) {
  const Date dates[] = {*Date::parse("1969-06-30"), *Date::parse("1970-01-01"), *Date::parse("2024-02-28"),
                        *Date::parse("2024-02-29"), *Date::parse("2024-03-01")};
  for (const Date& x : dates) {
    for (const Date& y : dates) {
      EXPECT_EQ(x < y, x.days_since_epoch() < y.days_since_epoch())
          << x.to_string() << " vs " << y.to_string();
    }
  }
}

struct MonthCase {
  std::string from;
  int months;
  std::string expected;
};

class AddMonthsTest : public testing::TestWithParam<MonthCase> {};

TEST_P(AddMonthsTest, KeepsTheDayNumberOrTakesTheMonthsLastDay) {
  const MonthCase& c = GetParam();
  EXPECT_EQ(Date::parse(c.from)->add_months(c.months).to_string(), c.expected)
      << c.from << " + " << c.months << " months";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AddMonthsTest,
    testing::Values(MonthCase{"2024-01-15", 12, "2025-01-15"},  // Paris Convention: same day number
                    MonthCase{"2024-08-31", 6, "2025-02-28"},   // month-end: February has no 31st
                    MonthCase{"2024-02-29", 12, "2025-02-28"},  // leap day into a common year
                    MonthCase{"2024-02-29", 48, "2028-02-29"},  // leap day into a leap year
                    MonthCase{"1999-12-31", 2, "2000-02-29"},   // CNIPA Guidelines V-7 2.3 example
                    MonthCase{"1998-06-01", 36, "2001-06-01"},  // CNIPA Guidelines V-7 2.3 example
                    MonthCase{"2024-01-31", 1, "2024-02-29"}, MonthCase{"2023-01-31", 1, "2023-02-28"},
                    MonthCase{"2024-03-31", 1, "2024-04-30"}, MonthCase{"2024-12-15", 1, "2025-01-15"},
                    MonthCase{"2024-11-30", 30, "2027-05-30"}, MonthCase{"2024-05-31", 0, "2024-05-31"},
                    MonthCase{"2025-03-31", -1, "2025-02-28"}, MonthCase{"2025-01-15", -1, "2024-12-15"},
                    MonthCase{"2025-03-06", -12, "2024-03-06"}, MonthCase{"2000-01-01", -13, "1998-12-01"}));

TEST(DateTest, AddMonthsIsNotAlwaysReversible) {
  // The month-end clamp loses the day number: going back does not restore it.
  const Date end_of_august = *Date::parse("2024-08-31");
  EXPECT_EQ(end_of_august.add_months(6).add_months(-6).to_string(), "2024-08-28");
}

}  // namespace
}  // namespace moat
