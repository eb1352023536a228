// SPDX-License-Identifier: Apache-2.0
// Internal to src/app: reading a stored record's fields (nlohmann::json objects shaped by the
// schema) without repeating null checks, and numbering new records (V1, V2, ...).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/date.h"

namespace moat::app::fields_of {

using nlohmann::json;

inline std::string text(const json& record, std::string_view field) {
  const auto it = record.find(field);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline std::vector<std::string> list(const json& record, std::string_view field) {
  std::vector<std::string> out;
  const auto it = record.find(field);
  if (it == record.end() || !it->is_array()) return out;
  for (const json& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// A boolean field: false when absent or not a boolean.
inline bool flag_of(const json& record, std::string_view field) {
  const auto it = record.find(field);
  return it != record.end() && it->is_boolean() && it->get<bool>();
}

inline std::optional<double> number(const json& record, std::string_view field) {
  const auto it = record.find(field);
  if (it == record.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

inline std::optional<std::int64_t> integer(const json& record, std::string_view field) {
  const auto it = record.find(field);
  if (it == record.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

inline std::optional<Date> date(const json& record, std::string_view field) {
  return Date::parse(text(record, field));
}

// N of an id shaped `prefix`N (A12 -> 12), or 0 for any other id: orders records numbered per owner.
inline long id_number(std::string_view id, std::string_view prefix) {
  if (!id.starts_with(prefix) || id.size() == prefix.size() || id.size() > prefix.size() + 9) return 0;
  const std::string_view digits = id.substr(prefix.size());
  if (digits.find_first_not_of("0123456789") != std::string_view::npos) return 0;
  return std::stol(std::string(digits));
}

// The next id `prefix`N after the largest N among `ids` that look like `prefix`<digits>.
inline std::string next_id(const std::vector<std::string>& ids, std::string_view prefix) {
  long largest = 0;
  for (const std::string& id : ids) largest = std::max(largest, id_number(id, prefix));
  return std::string(prefix) + std::to_string(largest + 1);
}

// Optional values as JSON: null when absent (an empty text is absent).
inline json optional_text(const std::string& value) {
  return value.empty() ? json() : json(value);
}
inline json optional_date(const std::optional<Date>& value) {
  return value ? json(value->to_string()) : json();
}
inline json optional_number(const std::optional<double>& value) {
  return value ? json(*value) : json();
}
inline json optional_integer(const std::optional<std::int64_t>& value) {
  return value ? json(*value) : json();
}

inline Date plus_days(Date date, long days) {
  return Date::from_days(date.days_since_epoch() + days);
}

// A two-letter office or country code: "CN", "US", "EP".
inline bool is_office_code(std::string_view code) {
  return code.size() == 2 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// A language tag's primary subtag in lower case: "zh-CN" → "zh" (BCP 47 tags ignore case).
inline std::string primary_language(std::string_view tag) {
  std::string out(tag.substr(0, tag.find('-')));
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

// Whether `controlling` names one of `languages` (by primary subtag: zh-CN is zh); an empty one
// or no languages at all say nothing to check.
inline bool controls_one_of(std::string_view controlling, const std::vector<std::string>& languages) {
  if (controlling.empty() || languages.empty()) return true;
  return std::any_of(languages.begin(), languages.end(), [&](const std::string& language) {
    return primary_language(language) == primary_language(controlling);
  });
}

}  // namespace moat::app::fields_of
