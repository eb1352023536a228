// SPDX-License-Identifier: Apache-2.0
#include "legal/deadlines.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <utility>

namespace moat::legal {
namespace {

constexpr int kMonthsPerYear = 12;
// Recurring rules repeat until they pass as_of; this bounds the loop on absurd data only.
constexpr int kMaxOccurrences = 200;

constexpr std::array<std::pair<Kind, std::string_view>, 7> kKindNames = {{
    {Kind::kInvention, "invention"},
    {Kind::kUtilityModel, "utility-model"},
    {Kind::kDesign, "design"},
    {Kind::kTrademark, "trademark"},
    {Kind::kCopyright, "copyright"},
    {Kind::kSoftwareCopyright, "software-copyright"},
    {Kind::kCustomsRecordation, "customs-recordation"},
}};

constexpr std::array<std::pair<Category, std::string_view>, 5> kCategoryNames = {{
    {Category::kPriority, "priority"},
    {Category::kNationalPhase, "national-phase"},
    {Category::kClearance, "clearance"},
    {Category::kRenewal, "renewal"},
    {Category::kTerm, "term"},
}};

Date month_end(Date date) {
  const Date first = add_days(date, 1 - static_cast<long>(date.day()));
  return add_days(first.add_months(1), -1);
}

std::optional<Date> field_date(const Right& right, DateField field) {
  switch (field) {
    case DateField::kFiling:
      return right.filed;
    case DateField::kPriority:
      return right.priority ? right.priority : right.filed;
    case DateField::kRegistration:
      return right.registered;
    case DateField::kPublication:
      return right.published;
    case DateField::kExpiry:
      return right.expires;
  }
  return std::nullopt;
}

// A PCT application is filed at the International Bureau's office code, WO, whether or not the
// record also says `pct`.
constexpr std::string_view kPctOffice = "WO";

// A priority claim needs an earlier filing: a priority date on (or after) the filing date is the
// right's own filing date, the priority date of PCT Art. 2(xi) when none is claimed.
bool claims_priority(const Right& right) {
  return right.priority && (!right.filed || *right.priority < *right.filed);
}

bool holds(const FlagCondition& condition, const Right& right) {
  bool value = false;
  switch (condition.flag) {
    case FlagCondition::Flag::kPct:
      value = right.pct || right.jurisdiction == kPctOffice;
      break;
    case FlagCondition::Flag::kMadeInChina:
      value = right.made_in_china;
      break;
    case FlagCondition::Flag::kHasPriority:
      value = claims_priority(right);
      break;
  }
  return value == condition.expected;
}

bool holds(const DateCondition& condition, const Right& right) {
  const std::optional<Date> date = field_date(right, condition.field);
  if (!date) return false;
  switch (condition.op) {
    case DateCondition::Op::kBefore:
      return *date < condition.value;
    case DateCondition::Op::kOnOrBefore:
      return *date <= condition.value;
    case DateCondition::Op::kOn:
      return *date == condition.value;
    case DateCondition::Op::kOnOrAfter:
      return *date >= condition.value;
    case DateCondition::Op::kAfter:
      return *date > condition.value;
  }
  return false;
}

bool matches(const std::string& selector, const Right& right, std::string_view home) {
  if (selector == "any") return true;
  if (selector == "home") return right.jurisdiction == home;
  if (selector == "foreign") return right.jurisdiction != home;
  if (selector.starts_with('!')) return right.jurisdiction != std::string_view(selector).substr(1);
  return right.jurisdiction == selector;
}

bool applies(const DeadlineRule& rule, const Right& right, std::string_view home) {
  if (std::find(rule.kinds.begin(), rule.kinds.end(), right.kind) == rule.kinds.end()) return false;
  const auto in_jurisdiction = [&](const std::string& selector) { return matches(selector, right, home); };
  if (std::none_of(rule.jurisdictions.begin(), rule.jurisdictions.end(), in_jurisdiction)) return false;
  return std::all_of(rule.conditions.begin(), rule.conditions.end(), [&](const Condition& condition) {
    return std::visit([&](const auto& clause) { return holds(clause, right); }, condition);
  });
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The earliest event that ends the right, if any.
std::optional<Date> end_of_right(const Right& right, const std::vector<std::string>& ending) {
  std::optional<Date> end;
  for (const Event& event : right.events) {
    if (contains(ending, event.name) && (!end || event.on < *end)) end = event.on;
  }
  return end;
}

bool is_cancelling(const DeadlineRule& rule, const Event& event) {
  return contains(rule.cancelled_by, event.name);
}

// The first day an event counts for an occurrence: the day its window opens (a renewal window),
// else the day after the previous occurrence's due date, and never before the window of the
// occurrence it follows (`after`: a grace period is no window for acting before the renewal's
// opened). nullopt: no start.
std::optional<Date> window_start(const Deadline& deadline, const std::optional<Date>& previous_due,
                                 const std::optional<Date>& followed_from) {
  std::optional<Date> from = deadline.opens;
  if (!from && previous_due) from = add_days(*previous_due, 1);
  if (followed_from && (!from || *followed_from > *from)) from = followed_from;
  return from;
}

// Discharged by a cancelling event inside the occurrence's window, from `from` up to its own due date.
bool discharged(const DeadlineRule& rule, const Right& right, const Deadline& deadline,
                const std::optional<Date>& from) {
  return std::any_of(right.events.begin(), right.events.end(), [&](const Event& event) {
    return is_cancelling(rule, event) && event.on <= deadline.due && (!from || event.on >= *from);
  });
}

// A recurring right goes on only if it was renewed at some point since the occurrence's window
// opened (`since`: its window_start), in time or late; a renewal before the window is none.
bool renewed_since(const DeadlineRule& rule, const Right& right, const std::optional<Date>& since) {
  return std::any_of(right.events.begin(), right.events.end(), [&](const Event& event) {
    return is_cancelling(rule, event) && (!since || event.on >= *since);
  });
}

Date next_occurrence(const DeadlineRule& rule, Date nominal) {
  // A renewed term starts the day after the old one ends (Trademark Law Art. 40).
  const Date start = rule.includes_trigger_day ? add_days(nominal, 1) : nominal;
  return apply_offset(start, *rule.recurring, rule.includes_trigger_day, rule.end_of_month);
}

std::string calendar_note(const Calendar& calendar, std::string_view office, Date nominal) {
  const int year = nominal.year();
  if (calendar.office != office) {
    return "no holiday calendar for " + std::string(office) + ": only weekends were skipped";
  }
  const auto found = calendar.years.find(year);
  if (found == calendar.years.end()) {
    const std::string skipped = calendar.fixed.empty()
                                    ? "only weekends were skipped"
                                    : "only weekends and the holidays fixed by date were skipped";
    return "the " + std::string(office) + " calendar lacks " + std::to_string(year) + ": " + skipped +
           "; check the office's holidays";
  }
  if (!found->second.verified)
    return "the " + std::string(office) + " holidays of " + std::to_string(year) + " are unverified";
  return {};
}

Deadline make_deadline(const DeadlineRule& rule, const Right& right, const Calendars& calendars,
                       Date nominal) {
  Deadline deadline;
  deadline.right = right.id;
  deadline.rule = rule.id;
  deadline.title = rule.title;
  deadline.category = rule.category;
  deadline.action = rule.action;
  deadline.source = rule.source;
  deadline.office = rule.office.empty() ? right.jurisdiction : rule.office;
  deadline.nominal = nominal;
  deadline.due = nominal;
  if (rule.opens) deadline.opens = apply_offset(nominal, *rule.opens, false, rule.end_of_month);
  if (rule.closed_days == ClosedDays::kNextWorkingDay) {
    const Calendar& calendar = calendar_for(calendars, deadline.office);
    deadline.due = next_open_day(calendar, nominal);
    deadline.note = calendar_note(calendar, deadline.office, nominal);
  }
  return deadline;
}

// What one rule gave for one right, by occurrence: for later rules (`after`, `cures`).
struct Run {
  std::vector<Date> dates;
  std::vector<std::optional<Date>> from;  // each occurrence's window_start
  std::vector<bool> discharged;
  std::vector<std::optional<std::size_t>> listed;  // index into the right's listed deadlines
};

std::vector<Date> triggers_of(const DeadlineRule& rule, const Right& right,
                              const std::map<std::string, Run>& earlier) {
  if (rule.trigger) {
    const std::optional<Date> date = field_date(right, *rule.trigger);
    return date ? std::vector<Date>{*date} : std::vector<Date>{};
  }
  const auto found = earlier.find(rule.after_rule);
  return found == earlier.end() ? std::vector<Date>{} : found->second.dates;
}

struct Occurrences {
  const DeadlineRule& rule;
  const Right& right;
  const Calendars& calendars;
  Date as_of;
  std::optional<Date> end;     // of the right
  const Run* after = nullptr;  // the run of the rule it runs `after`, one occurrence per trigger
};

// Records one occurrence in `run` (and in `listed` when open or missed); returns its due date.
Date add_occurrence(const Occurrences& context, Date nominal, const std::optional<Date>& previous_due,
                    const std::optional<Date>& followed_from, Run& run, std::vector<Deadline>& listed) {
  const DeadlineRule& rule = context.rule;
  Deadline deadline = make_deadline(rule, context.right, context.calendars, nominal);
  const Date due = deadline.due;
  run.dates.push_back(nominal);
  run.from.push_back(window_start(deadline, previous_due, followed_from));
  run.discharged.push_back(discharged(rule, context.right, deadline, run.from.back()));
  run.listed.emplace_back();
  if (run.discharged.back() || (context.end && due >= *context.end)) return due;
  if (due < context.as_of && rule.category == Category::kTerm) return due;  // a term just ends
  deadline.missed = due < context.as_of;
  run.listed.back() = listed.size();
  listed.push_back(std::move(deadline));
  return due;
}

// One occurrence per trigger; a recurring rule repeats while renewed, until one reaches as_of.
Run run_rule(const Occurrences& context, const std::vector<Date>& triggers, std::vector<Deadline>& listed) {
  const DeadlineRule& rule = context.rule;
  Run run;
  std::optional<Date> previous_due;
  for (std::size_t t = 0; t < triggers.size(); ++t) {
    const std::optional<Date> followed_from =
        context.after && t < context.after->from.size() ? context.after->from[t] : std::nullopt;
    Date nominal = apply_offset(triggers[t], rule.offset, rule.includes_trigger_day, rule.end_of_month);
    for (int i = 0; i < kMaxOccurrences; ++i) {
      previous_due = add_occurrence(context, nominal, previous_due, followed_from, run, listed);
      if (!rule.recurring || nominal >= context.as_of || !renewed_since(rule, context.right, run.from.back()))
        break;
      nominal = next_occurrence(rule, nominal);
    }
  }
  return run;
}

// A grace period used in time forgives the miss of the period it extends.
void forgive(const Run& grace, const Run& cured, const std::vector<Deadline>& listed,
             std::vector<bool>& dropped) {
  for (std::size_t i = 0; i < grace.discharged.size() && i < cured.listed.size(); ++i) {
    const auto index = cured.listed[i];
    if (grace.discharged[i] && index && listed[*index].missed) dropped[*index] = true;
  }
}

// A confidentiality examination missed means China grants no patent for the invention (Patent Law
// Art. 19(4)): the deadlines for taking the right into China still run, but the filing they ask for
// can no longer give a patent, which each of them says.
void note_lost_clearance(std::vector<Deadline>& listed) {
  const auto missed = std::find_if(listed.begin(), listed.end(), [](const Deadline& d) {
    return d.missed && d.category == Category::kClearance;
  });
  if (missed == listed.end()) return;
  const std::string note =
      "China grants no patent for this invention, with or without priority: " + missed->rule +
      " was missed (due " + missed->due.to_string() + ")";
  for (Deadline& d : listed) {
    if (d.category != Category::kPriority && d.category != Category::kNationalPhase) continue;
    d.note = d.note.empty() ? note : d.note + "; " + note;
  }
}

void add_right(const DeadlineRules& rules, const Calendars& calendars, const Right& right, Date as_of,
               std::string_view home, std::vector<Deadline>& out) {
  std::map<std::string, Run> runs;
  std::vector<Deadline> listed;
  const std::optional<Date> end = end_of_right(right, rules.ends_right);
  for (const DeadlineRule& rule : rules.rules) {
    if (!applies(rule, right, home)) continue;
    const std::vector<Date> triggers = triggers_of(rule, right, runs);
    const auto followed = rule.trigger ? runs.end() : runs.find(rule.after_rule);
    const Run* after = followed == runs.end() ? nullptr : &followed->second;
    Run run = run_rule(Occurrences{rule, right, calendars, as_of, end, after}, triggers, listed);
    runs.insert_or_assign(rule.id, std::move(run));
  }
  std::vector<bool> dropped(listed.size(), false);
  for (const DeadlineRule& rule : rules.rules) {
    const auto grace = runs.find(rule.id);
    const auto cured = runs.find(rule.cures);
    if (!rule.cures.empty() && grace != runs.end() && cured != runs.end()) {
      forgive(grace->second, cured->second, listed, dropped);
    }
  }
  note_lost_clearance(listed);
  for (std::size_t i = 0; i < listed.size(); ++i) {
    if (!dropped[i]) out.push_back(std::move(listed[i]));
  }
}

}  // namespace

std::string_view kind_name(Kind kind) {
  for (const auto& [value, name] : kKindNames) {
    if (value == kind) return name;
  }
  return "";
}

std::optional<Kind> parse_kind(std::string_view name) {
  for (const auto& [value, text] : kKindNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

std::string_view category_name(Category category) {
  for (const auto& [value, name] : kCategoryNames) {
    if (value == category) return name;
  }
  return "";
}

Date apply_offset(Date from, const Offset& offset, bool includes_trigger_day, bool end_of_month) {
  const int months = offset.years * kMonthsPerYear + offset.months;
  Date date = from.add_months(months);
  if (months != 0 && end_of_month && month_end(from) == from) date = month_end(date);
  // Counting the trigger day: the day before the corresponding day, or the month's last day
  // when there is none (Trademark Law Implementing Regulations Art. 12(2)).
  if (months != 0 && includes_trigger_day && date.day() == from.day()) date = add_days(date, -1);
  if (offset.days != 0)
    date = add_days(date, months == 0 && includes_trigger_day ? offset.days - 1 : offset.days);
  return date;
}

std::vector<Deadline> deadlines(const DeadlineRules& rules, const Calendars& calendars,
                                const std::vector<Right>& rights, Date as_of, std::string_view home) {
  std::vector<Deadline> out;
  for (const Right& right : rights) add_right(rules, calendars, right, as_of, home, out);
  std::sort(out.begin(), out.end(), [](const Deadline& a, const Deadline& b) {
    return std::tie(a.due, a.right, a.rule, a.nominal) < std::tie(b.due, b.right, b.rule, b.nominal);
  });
  return out;
}

std::vector<Deadline> missed_protection_deadlines(const DeadlineRules& rules, const Calendars& calendars,
                                                  const Right& right, Date as_of, std::string_view home) {
  std::vector<Deadline> missed = deadlines(rules, calendars, {right}, as_of, home);
  // A missed national-phase entry counts only once the last one (with the late-entry fee) has
  // passed too: while one is open, the right can still enter China.
  const bool phase_open = std::any_of(missed.begin(), missed.end(), [](const Deadline& d) {
    return d.category == Category::kNationalPhase && !d.missed;
  });
  std::erase_if(missed, [&](const Deadline& d) {
    if (!d.missed) return true;
    if (d.category == Category::kNationalPhase) return phase_open;
    return d.category != Category::kPriority && d.category != Category::kClearance;
  });
  return missed;
}

}  // namespace moat::legal
