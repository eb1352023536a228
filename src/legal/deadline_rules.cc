// SPDX-License-Identifier: Apache-2.0
// Reads rules/deadlines.toml into DeadlineRules (the grammar is in docs/legal.md).
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <utility>

#include "core/text.h"
#include "legal/deadlines.h"
#include "legal/toml_reader.h"

namespace moat::legal {
namespace {

using detail::TableReader;

// Offsets beyond a century are typing mistakes, not IP law.
constexpr std::int64_t kMaxOffsetMonths = 1200;
constexpr std::int64_t kMaxOffsetDays = 36600;

constexpr std::array<std::pair<DateField, std::string_view>, 5> kFieldNames = {{
    {DateField::kFiling, "filing"},
    {DateField::kPriority, "priority"},
    {DateField::kRegistration, "registration"},
    {DateField::kPublication, "publication"},
    {DateField::kExpiry, "expiry"},
}};

constexpr std::array<std::pair<FlagCondition::Flag, std::string_view>, 3> kFlagNames = {{
    {FlagCondition::Flag::kPct, "pct"},
    {FlagCondition::Flag::kMadeInChina, "made_in_china"},
    {FlagCondition::Flag::kHasPriority, "has_priority"},
}};

constexpr std::array<std::pair<DateCondition::Op, std::string_view>, 5> kOpNames = {{
    {DateCondition::Op::kBefore, "<"},
    {DateCondition::Op::kOnOrBefore, "<="},
    {DateCondition::Op::kOn, "=="},
    {DateCondition::Op::kOnOrAfter, ">="},
    {DateCondition::Op::kAfter, ">"},
}};

template <typename T, std::size_t N>
std::optional<T> lookup(const std::array<std::pair<T, std::string_view>, N>& table, std::string_view name) {
  for (const auto& entry : table) {
    if (entry.second == name) return entry.first;
  }
  return std::nullopt;
}

std::optional<Category> parse_category(std::string_view name) {
  for (const Category category : {Category::kPriority, Category::kNationalPhase, Category::kClearance,
                                  Category::kRenewal, Category::kTerm}) {
    if (category_name(category) == name) return category;
  }
  return std::nullopt;
}

bool is_office_code(std::string_view code) {
  return code.size() == 2 && std::isupper(static_cast<unsigned char>(code[0])) &&
         std::isupper(static_cast<unsigned char>(code[1]));
}

bool is_selector(std::string_view selector) {
  if (selector == "any" || selector == "home" || selector == "foreign") return true;
  return is_office_code(selector.starts_with('!') ? selector.substr(1) : selector);
}

std::optional<Condition> parse_condition(std::string_view text) {
  text = trim(text);
  const bool negated = text.starts_with('!');
  if (const auto flag = lookup(kFlagNames, negated ? text.substr(1) : text))
    return FlagCondition{*flag, !negated};
  const std::vector<std::string> words = split_list(text, " ");
  if (words.size() != 3) return std::nullopt;
  const auto field = lookup(kFieldNames, words[0]);
  const auto op = lookup(kOpNames, words[1]);
  const auto value = Date::parse(words[2]);
  if (!field || !op || !value) return std::nullopt;
  return DateCondition{*op, *field, *value};
}

int bounded(TableReader& reader, std::string_view key, std::int64_t limit) {
  const std::int64_t value = reader.integer(key).value_or(0);
  if (std::llabs(value) <= limit) return static_cast<int>(value);
  reader.fail(key, "'" + std::string(key) + "' is out of range");
  return 0;
}

std::optional<Offset> read_offset(TableReader& parent, std::string_view key, std::string_view file) {
  const toml::table* table = parent.table(key);
  if (!table) return std::nullopt;
  TableReader reader(*table, file);
  Offset offset{bounded(reader, "years", kMaxOffsetMonths / 12), bounded(reader, "months", kMaxOffsetMonths),
                bounded(reader, "days", kMaxOffsetDays)};
  reader.reject_unknown_keys();
  detail::append(parent.diagnostics(), reader.diagnostics());
  return offset;
}

std::vector<Kind> read_kinds(TableReader& reader) {
  std::vector<Kind> kinds;
  const std::vector<std::string> names = reader.texts("kinds", true);
  for (const std::string& name : names) {
    if (const auto kind = parse_kind(name)) {
      kinds.push_back(*kind);
    } else {
      reader.fail("kinds", "unknown kind '" + name + "'");
    }
  }
  if (names.empty() && reader.diagnostics().empty()) reader.fail("kinds", "a rule needs at least one kind");
  return kinds;
}

std::vector<std::string> read_jurisdictions(TableReader& reader) {
  std::vector<std::string> selectors = reader.texts("jurisdictions", true);
  for (const std::string& selector : selectors) {
    if (!is_selector(selector)) {
      reader.fail("jurisdictions", "'" + selector + "' is not an office code, \"!XX\", any, home or foreign");
    }
  }
  if (selectors.empty()) reader.fail("jurisdictions", "a rule needs at least one jurisdiction");
  return selectors;
}

std::vector<Condition> read_conditions(TableReader& reader) {
  std::vector<Condition> conditions;
  for (const std::string& text : reader.texts("when")) {
    if (const auto condition = parse_condition(text)) {
      conditions.push_back(*condition);
    } else {
      reader.fail("when", "cannot read condition '" + text +
                              "' (use pct, !made_in_china, has_priority, or "
                              "\"filing >= 2021-06-01\")");
    }
  }
  return conditions;
}

void read_trigger(TableReader& reader, DeadlineRule& rule, const std::vector<DeadlineRule>& earlier) {
  const std::string trigger = reader.text("trigger");
  rule.after_rule = reader.text("after");
  if (trigger.empty() == rule.after_rule.empty()) {
    reader.fail("trigger",
                "give exactly one of 'trigger' (a date of the right) or 'after' (an earlier rule)");
    return;
  }
  if (!trigger.empty()) {
    rule.trigger = lookup(kFieldNames, trigger);
    if (!rule.trigger) reader.fail("trigger", "unknown trigger '" + trigger + "'");
    return;
  }
  const auto named = [&](const DeadlineRule& other) { return other.id == rule.after_rule; };
  if (std::none_of(earlier.begin(), earlier.end(), named)) {
    reader.fail("after", "'" + rule.after_rule + "' is not a rule defined above this one");
  }
}

void read_cures(TableReader& reader, DeadlineRule& rule, const std::vector<DeadlineRule>& earlier) {
  rule.cures = reader.text("cures");
  if (rule.cures.empty()) return;
  const auto named = [&](const DeadlineRule& other) { return other.id == rule.cures; };
  if (std::none_of(earlier.begin(), earlier.end(), named)) {
    reader.fail("cures", "'" + rule.cures + "' is not a rule defined above this one");
  }
}

void read_id(TableReader& reader, DeadlineRule& rule, const std::vector<DeadlineRule>& earlier) {
  rule.id = reader.text("id", true);
  if (!rule.id.empty() && !is_valid_id(rule.id)) reader.fail("id", id_problem(rule.id));
  const auto same = [&](const DeadlineRule& other) { return other.id == rule.id; };
  if (std::any_of(earlier.begin(), earlier.end(), same))
    reader.fail("id", "duplicate rule id '" + rule.id + "'");
}

void read_category(TableReader& reader, DeadlineRule& rule) {
  const std::string name = reader.text("category", true);
  if (const auto category = parse_category(name)) {
    rule.category = *category;
  } else if (!name.empty()) {
    reader.fail("category", "unknown category '" + name + "'");
  }
}

void read_closed_days(TableReader& reader, DeadlineRule& rule) {
  const std::string text = reader.text("closed_days", true);
  if (text == "next-working-day") {
    rule.closed_days = ClosedDays::kNextWorkingDay;
  } else if (text == "keep") {
    rule.closed_days = ClosedDays::kKeep;
  } else if (!text.empty()) {
    reader.fail("closed_days", "closed_days is \"next-working-day\" or \"keep\"");
  }
}

void read_timing(TableReader& reader, DeadlineRule& rule, std::string_view file) {
  const std::optional<Offset> offset = read_offset(reader, "offset", file);
  if (!offset) reader.fail("offset", "'offset' is required, e.g. { months = 12 }");
  rule.offset = offset.value_or(Offset{});
  rule.includes_trigger_day = reader.flag("includes_trigger_day", false);
  rule.end_of_month = reader.flag("end_of_month", false);
  rule.recurring = read_offset(reader, "recurring", file);
  if (rule.recurring && rule.recurring->years * 12 + rule.recurring->months <= 0 &&
      rule.recurring->days <= 0) {
    reader.fail("recurring", "'recurring' must move forward");
  }
  rule.opens = read_offset(reader, "opens", file);
}

std::optional<DeadlineRule> read_rule(const toml::table& table, std::string_view file,
                                      const std::vector<DeadlineRule>& earlier,
                                      std::vector<Diagnostic>& problems) {
  TableReader reader(table, file);
  DeadlineRule rule;
  read_id(reader, rule, earlier);
  rule.title = reader.text("title", true);
  read_category(reader, rule);
  rule.kinds = read_kinds(reader);
  rule.jurisdictions = read_jurisdictions(reader);
  read_trigger(reader, rule, earlier);
  read_timing(reader, rule, file);
  rule.conditions = read_conditions(reader);
  rule.cancelled_by = reader.texts("cancelled_by");
  read_cures(reader, rule, earlier);
  rule.office = reader.text("office");
  if (!rule.office.empty() && !is_office_code(rule.office))
    reader.fail("office", "office is a code like \"CN\"");
  read_closed_days(reader, rule);
  rule.action = reader.text("action", true);
  rule.source = reader.text("source", true);
  if (!detail::finish_entry(reader, problems)) return std::nullopt;
  return rule;
}

}  // namespace

Result<DeadlineRules> parse_deadline_rules(std::string_view toml, std::string_view file) {
  MOAT_TRY(const toml::table document, detail::parse_toml(toml, file));
  TableReader reader(document, file);
  DeadlineRules rules;
  if (document.contains("ends_right")) rules.ends_right = reader.texts("ends_right");
  std::vector<Diagnostic> problems;
  detail::read_entries(reader, file, "rules", rules.rules, problems, [&](const toml::table& table) {
    return read_rule(table, file, rules.rules, problems);
  });
  MOAT_CHECK(detail::finish(reader, problems));
  return rules;
}

}  // namespace moat::legal
