// SPDX-License-Identifier: Apache-2.0
#include "app/columns.h"

#include <nlohmann/json.hpp>

namespace moat::app::columns_of {

Result<std::vector<Row>> read(store::Store& store, std::string_view table,
                              std::span<const std::string_view> fields) {
  const store::Table* found = store::find_table(table);
  if (!found) return Error(ErrorCode::kInternal, std::string(table), "no such table");
  return store.columns(*found, fields);
}

std::string text(const store::SqlValue& value) {
  const auto* s = std::get_if<std::string>(&value);
  return s ? *s : std::string();
}

std::optional<Date> date(const store::SqlValue& value) {
  const auto* s = std::get_if<std::string>(&value);
  return s ? Date::parse(*s) : std::nullopt;
}

std::optional<std::int64_t> integer(const store::SqlValue& value) {
  const auto* i = std::get_if<std::int64_t>(&value);
  return i ? std::optional(*i) : std::nullopt;
}

std::optional<double> number(const store::SqlValue& value) {
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
  return std::nullopt;
}

bool boolean(const store::SqlValue& value) {
  const auto* i = std::get_if<std::int64_t>(&value);
  return i && *i != 0;
}

std::vector<std::string> list(const store::SqlValue& value) {
  std::vector<std::string> out;
  const auto* s = std::get_if<std::string>(&value);
  if (!s || *s == "[]") return out;
  const nlohmann::json items = nlohmann::json::parse(*s, nullptr, false);
  if (!items.is_array()) return out;
  for (const nlohmann::json& item : items) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace moat::app::columns_of
