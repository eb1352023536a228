// SPDX-License-Identifier: Apache-2.0
#include "app/columns.h"

#include <nlohmann/json.hpp>

namespace moat::app::columns_of {

Status for_each(store::Store& store, std::string_view table, std::span<const std::string_view> fields,
                const std::function<void(Row)>& visit) {
  const store::Table* found = store::find_table(table);
  if (!found) return Error(ErrorCode::kInternal, std::string(table), "no such table");
  return store.for_each_columns(*found, fields, [&](Row row) -> Result<bool> {
    visit(row);
    return true;
  });
}

std::string text(const store::SqlValueView& value) {
  const auto* s = std::get_if<std::string_view>(&value);
  return s ? std::string(*s) : std::string();
}

std::optional<Date> date(const store::SqlValueView& value) {
  const auto* s = std::get_if<std::string_view>(&value);
  return s ? Date::parse(*s) : std::nullopt;
}

std::optional<std::int64_t> integer(const store::SqlValueView& value) {
  const auto* i = std::get_if<std::int64_t>(&value);
  return i ? std::optional(*i) : std::nullopt;
}

std::optional<double> number(const store::SqlValueView& value) {
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
  return std::nullopt;
}

bool boolean(const store::SqlValueView& value) {
  const auto* i = std::get_if<std::int64_t>(&value);
  return i && *i != 0;
}

std::vector<std::string> list(const store::SqlValueView& value) {
  std::vector<std::string> out;
  const auto* s = std::get_if<std::string_view>(&value);
  if (!s || *s == "[]") return out;
  const nlohmann::json items = nlohmann::json::parse(*s, nullptr, false);
  if (!items.is_array()) return out;
  for (const nlohmann::json& item : items) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace moat::app::columns_of
