// SPDX-License-Identifier: Apache-2.0
#include "store/field_text.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "store/store.h"

namespace moat::store {
namespace {

bool is_list(FieldType type) {
  return type == FieldType::kIdList || type == FieldType::kTextList || type == FieldType::kNameList ||
         type == FieldType::kCapabilityList;
}

// Whether the JSON string of `text` is `text` in quotes: well-formed UTF-8 with nothing that
// nlohmann::json escapes (a control character, a quote, a backslash).
bool is_plain(std::string_view text) {
  bool ascii = true;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || c == '"' || c == '\\') return false;
    ascii = ascii && byte < 0x80;
  }
  return ascii || !first_invalid_utf8(text);
}

// Whether `text` is already the compact dump of a list of plain strings (["a","b"], []), which
// parsing and dumping it would give back unchanged.
bool is_plain_list(std::string_view text) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return false;
  std::string_view rest = text.substr(1, text.size() - 2);
  while (!rest.empty()) {
    if (rest.front() != '"') return false;
    const std::size_t close = rest.find('"', 1);
    if (close == std::string_view::npos || !is_plain(rest.substr(1, close - 1))) return false;
    rest.remove_prefix(close + 1);
    if (rest.empty()) break;
    if (rest.front() != ',' || rest.size() == 1) return false;
    rest.remove_prefix(1);
  }
  return true;
}

void append_double(double value, std::string& out) {
  char buffer[64];  // nlohmann::json's own number buffer
  out.append(buffer, nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, value));
}

void append_integer(std::int64_t value, std::string& out) {
  char buffer[24];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

// The value written without a JSON value, when it can be exactly; false otherwise.
bool append_directly(const Field& field, const SqlValueView& value, std::string& out) {
  if (std::holds_alternative<std::monostate>(value)) {
    out += "null";
    return true;
  }
  const auto* text = std::get_if<std::string_view>(&value);
  const auto* integer = std::get_if<std::int64_t>(&value);
  const auto* real = std::get_if<double>(&value);
  if (is_list(field.type)) {
    if (!text || !is_plain_list(*text)) return false;
    out += *text;
    return true;
  }
  switch (field.type) {
    case FieldType::kNumber:
    case FieldType::kShare: {
      if (!real && !integer) return false;
      const double number = real ? *real : static_cast<double>(*integer);
      if (!std::isfinite(number)) return false;  // dumped as null
      append_double(number, out);
      return true;
    }
    case FieldType::kInteger:
      if (!integer) return false;
      append_integer(*integer, out);
      return true;
    case FieldType::kBool:
      if (!integer) return false;
      out += *integer != 0 ? "true" : "false";
      return true;
    default:
      if (!text || !is_plain(*text)) return false;
      out += '"';
      out += *text;
      out += '"';
      return true;
  }
}

}  // namespace

SqlValue owned(const SqlValueView& value) {
  if (const auto* text = std::get_if<std::string_view>(&value)) return std::string(*text);
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
  if (const auto* real = std::get_if<double>(&value)) return *real;
  return std::monostate{};
}

Status append_field_json(const Table& table, const Field& field, const SqlValueView& value,
                         std::string& out) {
  if (append_directly(field, value, out)) return {};
  MOAT_TRY(const Record record, field_value(table, field, owned(value)));
  out += record.dump();
  return {};
}

}  // namespace moat::store
