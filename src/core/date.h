// SPDX-License-Identifier: Apache-2.0
// Calendar dates (no time zone): parsing and printing ISO 8601 `YYYY-MM-DD`, comparison and
// day and month arithmetic. Deadline rules build on this; engines receive "today" as a Date,
// never read a clock themselves.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace moat {

class Date {
 public:
  // nullopt unless `text` is exactly YYYY-MM-DD naming a day that exists (years 1000-9999).
  static std::optional<Date> parse(std::string_view text);
  static std::optional<Date> from_ymd(int year, unsigned month, unsigned day);
  static Date from_days(long days_since_epoch);  // 1970-01-01 is day 0

  int year() const { return year_; }
  unsigned month() const { return month_; }
  unsigned day() const { return day_; }
  long days_since_epoch() const;
  std::string to_string() const;
  // This date plus `months` calendar months (negative goes back): the same day number in the
  // target month, or that month's last day when it has none (2024-08-31 + 6 → 2025-02-28), as
  // PCT Rule 80.2 and CNIPA count periods.
  Date add_months(int months) const;

  friend auto operator<=>(const Date&, const Date&) = default;

 private:
  Date(int year, unsigned month, unsigned day) : year_(year), month_(month), day_(day) {}
  int year_;
  unsigned month_;
  unsigned day_;
};

// ISO 8601 UTC with milliseconds for a time in milliseconds since the epoch.
std::string iso8601_utc(long long milliseconds_since_epoch);

}  // namespace moat
