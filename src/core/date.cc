// SPDX-License-Identifier: Apache-2.0
#include "core/date.h"

#include <chrono>
#include <cstdio>

namespace moat {
namespace {

constexpr int kMinYear = 1000;
constexpr int kMaxYear = 9999;

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

std::optional<Date> Date::parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const std::string_view y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
  return from_ymd(to_int(y), static_cast<unsigned>(to_int(m)), static_cast<unsigned>(to_int(d)));
}

std::optional<Date> Date::from_ymd(int year, unsigned month, unsigned day) {
  if (year < kMinYear || year > kMaxYear) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                        std::chrono::day{day}};
  if (!ymd.ok()) return std::nullopt;
  return Date(year, month, day);
}

Date Date::from_days(long days_since_epoch) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days_since_epoch}}};
  return Date(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
              static_cast<unsigned>(ymd.day()));
}

long Date::days_since_epoch() const {
  const std::chrono::year_month_day ymd{std::chrono::year{year_}, std::chrono::month{month_},
                                        std::chrono::day{day_}};
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

Date Date::add_months(int months) const {
  constexpr int kMonthsPerYear = 12;
  const int index = year_ * kMonthsPerYear + static_cast<int>(month_) - 1 + months;
  const int year = index >= 0 ? index / kMonthsPerYear : (index - kMonthsPerYear + 1) / kMonthsPerYear;
  const auto month = static_cast<unsigned>(index - year * kMonthsPerYear + 1);
  const std::chrono::year_month_day_last last{std::chrono::year{year},
                                              std::chrono::month_day_last{std::chrono::month{month}}};
  const auto last_day = static_cast<unsigned>(last.day());
  return Date(year, month, day_ < last_day ? day_ : last_day);
}

std::string Date::to_string() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", year_, month_, day_);
  return buffer;
}

std::string iso8601_utc(long long milliseconds_since_epoch) {
  constexpr long long kMsPerDay = 86'400'000;
  long long days = milliseconds_since_epoch / kMsPerDay;
  long long rest = milliseconds_since_epoch % kMsPerDay;
  if (rest < 0) rest += kMsPerDay, --days;
  const Date date = Date::from_days(static_cast<long>(days));
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%sT%02lld:%02lld:%02lld.%03lldZ", date.to_string().c_str(),
                rest / 3'600'000, rest / 60'000 % 60, rest / 1000 % 60, rest % 1000);
  return buffer;
}

}  // namespace moat
