// SPDX-License-Identifier: Apache-2.0
#include "legal/calendar.h"

#include <array>
#include <chrono>
#include <optional>

#include "legal/toml_reader.h"

namespace moat::legal {
namespace {

using detail::TableReader;

constexpr std::array<std::string_view, 7> kWeekdayNames = {"sunday",   "monday", "tuesday", "wednesday",
                                                           "thursday", "friday", "saturday"};
constexpr std::string_view kRangeSeparator = "..";
// A closed spell never lasts this long; the bound only stops a runaway loop on broken data.
constexpr int kMaxClosedRun = 366;

std::optional<unsigned> weekday_number(std::string_view name) {
  for (unsigned i = 0; i < kWeekdayNames.size(); ++i) {
    if (kWeekdayNames[i] == name) return i;
  }
  return std::nullopt;
}

// "2024-02-10" or "2024-02-10..2024-02-17" (inclusive); nullopt when malformed or reversed.
std::optional<std::vector<Date>> expand(std::string_view text) {
  const std::size_t dots = text.find(kRangeSeparator);
  const auto first = Date::parse(text.substr(0, dots));
  if (!first) return std::nullopt;
  if (dots == std::string_view::npos) return std::vector<Date>{*first};
  const auto last = Date::parse(text.substr(dots + kRangeSeparator.size()));
  if (!last || *last < *first) return std::nullopt;
  std::vector<Date> days;
  for (Date day = *first; day <= *last; day = add_days(day, 1)) days.push_back(day);
  return days;
}

struct Days {
  std::vector<Date> dates;
  std::vector<Diagnostic> problems;
};

Days read_days(const toml::table& table, std::string_view key, int year, std::string_view file) {
  Days out;
  const toml::array* items = table[key].as_array();
  if (!items) return out;
  for (const toml::node& item : *items) {
    const auto text = item.value<std::string>();
    const auto days = text ? expand(*text) : std::nullopt;
    if (!days) {
      out.problems.push_back(
          {detail::place(file, item), "expected \"YYYY-MM-DD\" or \"YYYY-MM-DD..YYYY-MM-DD\""});
      continue;
    }
    for (const Date day : *days) {
      if (day.year() != year) {
        out.problems.push_back(
            {detail::place(file, item), day.to_string() + " is not in " + std::to_string(year)});
        break;
      }
      out.dates.push_back(day);
    }
  }
  return out;
}

std::set<unsigned> read_weekend(TableReader& reader) {
  std::set<unsigned> weekend;
  if (!reader.array("weekend")) return {0, 6};
  for (const std::string& name : reader.texts("weekend")) {
    if (const auto number = weekday_number(name)) {
      weekend.insert(*number);
    } else {
      reader.fail("weekend", "unknown weekday '" + name + "' (use sunday .. saturday)");
    }
  }
  return weekend;
}

void check_working(const Calendar& calendar, const std::vector<Date>& working, const std::string& where,
                   std::vector<Diagnostic>& problems) {
  for (const Date day : working) {
    if (!calendar.weekend.contains(weekday(day))) {
      problems.push_back({where, day.to_string() + " is listed as a working day but is not a weekend day"});
    }
    if (calendar.closed.contains(day))
      problems.push_back({where, day.to_string() + " is both closed and working"});
  }
}

void read_year(const toml::table& table, Calendar& calendar, std::string_view file,
               std::vector<Diagnostic>& problems) {
  TableReader reader(table, file);
  const auto year = reader.integer("year");
  CalendarYear info{reader.flag("verified", false), reader.text("source")};
  reader.array("closed");
  reader.array("working");
  if (!year) reader.fail("year", "each [[years]] entry needs 'year'");
  if (year && calendar.years.contains(static_cast<int>(*year))) reader.fail("year", "year listed twice");
  reader.reject_unknown_keys();
  detail::append(problems, reader.diagnostics());
  if (!year) return;
  const int number = static_cast<int>(*year);
  Days closed = read_days(table, "closed", number, file);
  Days working = read_days(table, "working", number, file);
  calendar.closed.insert(closed.dates.begin(), closed.dates.end());
  check_working(calendar, working.dates, reader.where("working"), problems);
  calendar.working.insert(working.dates.begin(), working.dates.end());
  detail::append(problems, closed.problems);
  detail::append(problems, working.problems);
  calendar.years.emplace(number, std::move(info));
}

}  // namespace

Date add_days(Date date, long days) {
  return Date::from_days(date.days_since_epoch() + days);
}

unsigned weekday(Date date) {
  return std::chrono::weekday{std::chrono::sys_days{std::chrono::days{date.days_since_epoch()}}}.c_encoding();
}

bool is_closed(const Calendar& calendar, Date date) {
  if (calendar.closed.contains(date)) return true;
  if (!covers(calendar, date.year()) && calendar.fixed.contains({date.month(), date.day()})) return true;
  return calendar.weekend.contains(weekday(date)) && !calendar.working.contains(date);
}

Date next_open_day(const Calendar& calendar, Date date) {
  for (int i = 0; i < kMaxClosedRun && is_closed(calendar, date); ++i) date = add_days(date, 1);
  return date;
}

bool covers(const Calendar& calendar, int year) {
  return calendar.years.contains(year);
}

const Calendar& calendar_for(const Calendars& calendars, std::string_view office) {
  static const Calendar kWeekendsOnly{"default", "Saturdays and Sundays only", {0, 6}, {}, {}, {}};
  const Calendar* fallback = &kWeekendsOnly;
  for (const Calendar& calendar : calendars.offices) {
    if (calendar.office == office) return calendar;
    if (calendar.office == "default") fallback = &calendar;
  }
  return *fallback;
}

Result<Calendar> parse_calendar(std::string_view toml, std::string_view file) {
  MOAT_TRY(const toml::table document, detail::parse_toml(toml, file));
  TableReader reader(document, file);
  Calendar calendar;
  calendar.office = reader.text("office", true);
  calendar.name = reader.text("name");
  calendar.weekend = read_weekend(reader);
  std::vector<Diagnostic> problems;
  for (const std::string& text : reader.texts("fixed")) {
    // A leap year's calendar parses every month-day, 29 February included.
    const std::optional<Date> day = Date::parse("2000-" + text);
    if (text.size() == 5 && day) {
      calendar.fixed.insert({day->month(), day->day()});
    } else {
      reader.fail("fixed", "'" + text + "' is not a day of the year written MM-DD");
    }
  }
  if (const toml::array* years = reader.array("years")) {
    for (const toml::node& node : *years) {
      if (const toml::table* year = node.as_table()) {
        read_year(*year, calendar, file, problems);
      } else {
        problems.push_back({detail::place(file, node), "[[years]] entries must be tables"});
      }
    }
  }
  MOAT_CHECK(detail::finish(reader, problems));
  return calendar;
}

}  // namespace moat::legal
