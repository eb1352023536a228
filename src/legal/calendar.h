// SPDX-License-Identifier: Apache-2.0
// When an IP office is closed: its weekend, its public holidays and — for China — the weekend
// days made working days (调休), year by year, as published (rules/calendars/*.toml). A period
// whose last day falls on a closed day runs to the next open day; this header answers "is it
// closed" and "when does it next open". A year the data does not cover counts weekends only,
// and `covers` says so, so that callers can warn instead of trusting a guess.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"

namespace moat::legal {

struct CalendarYear {
  bool verified = false;  // checked against `source`; false marks a year taken on trust
  std::string source;     // the notice that fixed the year's holidays
};

struct Calendar {
  std::string office;                   // "CN", "US", or "default"
  std::string name;                     // for people
  std::set<unsigned> weekend = {0, 6};  // weekday numbers, 0 = Sunday .. 6 = Saturday
  std::set<Date> closed;                // holidays and closures (weekdays or not)
  std::set<Date> working;               // weekend days on which the office works
  std::map<int, CalendarYear> years;    // the years whose holidays are listed
  // Holidays the law fixes by date ({month, day}: China's 1 January, 1-2 May, 1-3 October), closed
  // in a year whose notice is not listed yet, so that a deadline never lands on New Year's Day
  // because next year's notice was missing.
  std::set<std::pair<unsigned, unsigned>> fixed;
};

// All calendars known; an office without its own falls back to the one named "default",
// and without that to Saturdays and Sundays.
struct Calendars {
  std::vector<Calendar> offices;
};

// A calendar file: office, name, weekend, fixed ("MM-DD" days closed every year not listed),
// then [[years]] each with year, verified, source,
// closed and working (dates "YYYY-MM-DD" or ranges "YYYY-MM-DD..YYYY-MM-DD"). Errors (kInput)
// are located "file:line:column": dates outside their year, a working day that is not a weekend
// day, a day both closed and working, a year listed twice, unknown keys.
Result<Calendar> parse_calendar(std::string_view toml, std::string_view file);

// The calendar of `office`, or the fallback described at Calendars.
const Calendar& calendar_for(const Calendars& calendars, std::string_view office);

bool is_closed(const Calendar& calendar, Date date);
// `date` itself when the office is open on it, else the first open day after it.
Date next_open_day(const Calendar& calendar, Date date);
// Whether the holidays of `year` are listed (otherwise only weekends and the fixed holidays are known).
bool covers(const Calendar& calendar, int year);

Date add_days(Date date, long days);
unsigned weekday(Date date);  // 0 = Sunday .. 6 = Saturday

}  // namespace moat::legal
