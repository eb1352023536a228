// SPDX-License-Identifier: Apache-2.0
// IP deadlines as data, in the shape docketing tools use (phpIP's task_rules): each rule says
// which rights it applies to, the event it runs from, the offset, whether it recurs, what
// cancels it, the condition that must hold, and the law it comes from (rules/deadlines.toml).
// `deadlines` turns rules and rights into dated actions: pure, with "today" passed in as
// `as_of`. It never tells whether a right is valid, only when something must be done.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "legal/calendar.h"

namespace moat::legal {

enum class Kind {
  kInvention,
  kUtilityModel,
  kDesign,
  kTrademark,
  kCopyright,
  kSoftwareCopyright,
  kCustomsRecordation
};
std::string_view kind_name(Kind kind);  // "invention", "utility-model", ..., "customs-recordation"
std::optional<Kind> parse_kind(std::string_view name);

// A dated fact about a right: "filed-in-cn" (a Chinese or PCT filing claiming its priority was
// made), "entered-cn-national-phase", "renewed", "confidentiality-cleared", "abandoned", ...
struct Event {
  std::string name;
  Date on;
};

struct Right {
  std::string id;
  Kind kind = Kind::kInvention;
  std::string jurisdiction;  // office code: "CN", "US", "EP"; "WO" for a PCT application
  std::optional<Date> filed, priority, registered, published, expires;
  bool pct = false;            // filed under the PCT (a right filed at "WO" is, flag or not)
  bool made_in_china = false;  // its substance was completed in mainland China
  std::vector<Event> events;
};

// The right's dates a rule can run from. kPriority is the priority date in PCT Art. 2(xi)'s
// sense: the earliest claimed priority, or the filing date when none is claimed.
enum class DateField { kFiling, kPriority, kRegistration, kPublication, kExpiry };

enum class Category { kPriority, kNationalPhase, kClearance, kRenewal, kTerm };
std::string_view category_name(Category category);  // "priority", "national-phase", ...

struct Offset {
  int years = 0;
  int months = 0;
  int days = 0;
};

struct FlagCondition {
  enum class Flag { kPct, kMadeInChina, kHasPriority } flag = Flag::kPct;
  bool expected = true;
};
struct DateCondition {
  enum class Op { kBefore, kOnOrBefore, kOn, kOnOrAfter, kAfter } op = Op::kOn;
  DateField field = DateField::kFiling;
  Date value = *Date::from_ymd(2000, 1, 1);
};
// Written in rule files as "pct", "!has_priority" or "filing >= 2021-06-01".
using Condition = std::variant<FlagCondition, DateCondition>;

enum class ClosedDays { kNextWorkingDay, kKeep };

struct DeadlineRule {
  std::string id;
  std::string title;
  Category category = Category::kPriority;
  std::vector<Kind> kinds;
  // Office codes, "any", "home", "foreign", or "!XX" (any but XX); one match is enough.
  std::vector<std::string> jurisdictions;
  std::optional<DateField> trigger;  // the right's date it runs from, or
  std::string after_rule;            // the id of an earlier rule whose dates it runs from
  Offset offset;
  // The trigger day is the first day of the period (a term "from the filing date"): the period
  // ends the day before the corresponding day, or on the month's last day when there is none.
  bool includes_trigger_day = false;
  bool end_of_month = false;              // a trigger on a month's last day gives the target month's last day
  std::optional<Offset> recurring;        // repeats from each occurrence (a renewed term)
  std::optional<Offset> opens;            // when acting becomes possible, from the nominal date
  std::vector<Condition> conditions;      // all must hold
  std::vector<std::string> cancelled_by;  // events that, on or before the due date, discharge it
  // An earlier rule this one is the late chance for (a grace period): once this rule's
  // occurrence is discharged, a miss of the same occurrence of that rule is no longer reported.
  std::string cures;
  std::string office;  // whose closed days count; "" = the right's jurisdiction
  ClosedDays closed_days = ClosedDays::kNextWorkingDay;
  std::string action;
  std::string source;
};

struct DeadlineRules {
  std::vector<DeadlineRule> rules;
  // Events that end a right: nothing falls due on or after the first of them.
  std::vector<std::string> ends_right = {"abandoned", "withdrawn", "refused", "lapsed", "invalidated"};
};

// Errors (kInput) locate each bad field at "file:line:column": unknown keys, kinds, categories,
// triggers or conditions, duplicate ids, an `after` naming a rule not defined earlier.
Result<DeadlineRules> parse_deadline_rules(std::string_view toml, std::string_view file);

struct Deadline {
  std::string right;  // Right::id
  std::string rule;   // DeadlineRule::id
  std::string title;
  Category category = Category::kPriority;
  std::string action;
  std::string source;
  std::string office;                 // whose calendar moved the due date
  std::optional<Date> opens;          // first day to act, for windows (renewals)
  Date nominal = Date::from_days(0);  // the offset alone
  Date due = Date::from_days(0);      // the last day to act, after moving off closed days
  bool missed = false;                // due before as_of and not discharged in time
  std::string note;                   // e.g. the calendar lacks that year's holidays
};

// The deadlines of `rights` that are open on `as_of` (due on or after it) or were missed
// before it; discharged ones and past terms are left out. Sorted by due date, right, rule.
// `home` is the owner's home office code, for the "home" and "foreign" selectors.
std::vector<Deadline> deadlines(const DeadlineRules& rules, const Calendars& calendars,
                                const std::vector<Right>& rights, Date as_of, std::string_view home);

// The deadlines of `right` missed by `as_of` whose miss costs it protection in China (empty when
// none): a priority deadline, the PCT's entry into the Chinese national phase once its last day
// (with the late-entry fee) has passed too, and the confidentiality examination of an invention
// made in China and filed abroad (category clearance: China grants no patent for it). The gate's
// `priority-deadline`.
std::vector<Deadline> missed_protection_deadlines(const DeadlineRules& rules, const Calendars& calendars,
                                                  const Right& right, Date as_of, std::string_view home);

// `from` moved by `offset`, counted as the rule says (see DeadlineRule).
Date apply_offset(Date from, const Offset& offset, bool includes_trigger_day, bool end_of_month);

}  // namespace moat::legal
