// SPDX-License-Identifier: Apache-2.0
#include "app/fields.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

#include "app/json_text.h"
#include "core/currency.h"
#include "core/date.h"
#include "core/text.h"
#include "core/uscc.h"

namespace moat::app {
namespace {

using nlohmann::json;
using store::Bound;
using store::Field;
using store::FieldType;

Error problem(std::string message) {
  return input_error("", std::move(message));
}

std::string name_of(const Field& field) {
  return std::string(field.name);
}

std::string quote(std::string_view text) {
  return "'" + cut_short(text) + "'";
}

// Whether `text` is a number with thousands separators ("1,234.50", "150,000"): what to say
// when it is refused.
bool grouped_number(std::string_view text) {
  if (text.starts_with('-')) text.remove_prefix(1);
  const std::size_t point = std::min(text.find('.'), text.size());
  const std::string_view whole = text.substr(0, point);
  if (whole.find(',') == std::string_view::npos || whole.empty() || whole.front() == ',') return false;
  std::size_t digits = 0;
  for (std::size_t i = whole.size(); i-- > 0;) {
    const char c = whole[i];
    if (c == ',') {
      if (digits != 3) return false;
      digits = 0;
    } else if (c >= '0' && c <= '9') {
      ++digits;
    } else {
      return false;
    }
  }
  return digits >= 1 && digits <= 3;
}

std::string number_hint(std::string_view text) {
  return grouped_number(text) ? " (write it without thousands separators, and a decimal comma as a point: "
                                "1234.5 or 1.2345)"
                              : "";
}

Result<double> parse_number(const Field& field, std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
      text.starts_with('+')) {
    return problem(name_of(field) + " must be a number, not " + quote(text) + number_hint(text));
  }
  return value;
}

Result<std::int64_t> parse_integer(const Field& field, std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return problem(name_of(field) + " must be a whole number, not " + quote(text) + number_hint(text));
  }
  return value;
}

// Fields that hold a code of digits, which a spreadsheet turns into a number and, past 11 digits,
// writes in scientific notation with the last digits lost.
bool holds_a_code(const Field& field) {
  if (field.type == FieldType::kUscc) return true;
  if (field.type != FieldType::kText) return false;
  const std::string_view name = field.name;
  return name == "listing_id" || name == "number" || name == "phone" || name.ends_with("_number");
}

// "7.38120E+11", "9.14419E+17": a long number as a spreadsheet shows it in scientific notation.
bool scientific_notation(std::string_view text) {
  const std::size_t e = text.find_first_of("Ee");
  if (e == std::string_view::npos || e == 0 || e + 2 >= text.size() || text[e + 1] != '+') return false;
  const std::string_view mantissa = text.substr(0, e), exponent = text.substr(e + 2);
  const auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const std::size_t point = mantissa.find('.');
  return digits(exponent) && (point == std::string_view::npos
                                  ? digits(mantissa)
                                  : digits(mantissa.substr(0, point)) && digits(mantissa.substr(point + 1)));
}

Result<bool> parse_bool(const Field& field, std::string_view text) {
  const std::string lower = to_lower_ascii(text);
  if (lower == "true" || lower == "yes" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "0") return false;
  return problem(name_of(field) + " must be true or false (or yes/no, 1/0), not " + quote(text));
}

std::string allowed(std::span<const std::string_view> values) {
  std::string out;
  for (std::string_view value : values) out += (out.empty() ? "" : ", ") + std::string(value);
  return out;
}

Status check_bound(const Field& field, double value) {
  switch (field.bound) {
    case Bound::kPositive:
      if (!(value > 0))
        return problem(name_of(field) + " must be greater than 0, not " + quoted_json(json(value)));
      break;
    case Bound::kNonNegative:
      if (value < 0)
        return problem(name_of(field) + " must not be negative, not " + quoted_json(json(value)));
      break;
    case Bound::kAtLeastOne:  // a count: a tool's cavities, an order's quantity, a revision
      if (!(value >= 1))
        return problem(name_of(field) + " must be at least 1, not " + quoted_json(json(value)));
      break;
    case Bound::kPercent:  // a score: a visit's audit, an assessment's weighted total
      if (!(value >= 0 && value <= 100))
        return problem(name_of(field) + " is a percent: it must be between 0 and 100, not " +
                       quoted_json(json(value)));
      break;
    default:
      break;
  }
  return {};
}

Status check_id(const Field& field, std::string_view id) {
  if (const std::string why = id_problem(id); !why.empty()) {
    return problem(name_of(field) + " " + quote(id) + " is not a valid id: it " + why);
  }
  return {};
}

Status check_capability(const Field& field, std::string_view capability, const CapabilityCatalog& catalog) {
  if (catalog.contains(capability)) return {};
  return problem(name_of(field) + ": unknown capability " + quote(capability) +
                 " (see docs/formats.md, or add it under [catalog] in moat.toml)");
}

// Control characters other than tab and line breaks have no place in a record: NUL cannot be
// stored by every backend, and escape sequences would reach the terminals that show the text.
Status check_characters(const Field& field, const json& value) {
  const auto check = [&](const std::string& text) -> Status {
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7F) {
        char code[8];
        std::snprintf(code, sizeof code, "U+%04X", byte);
        return problem(name_of(field) + " holds the control character " + code);
      }
    }
    return {};
  };
  if (value.is_string()) return check(value.get<std::string>());
  if (value.is_array()) {
    for (const json& item : value) {
      if (item.is_string()) MOAT_CHECK(check(item.get<std::string>()));
    }
  }
  return {};
}

// Checks a typed, non-null value against everything but its JSON type.
Status check_semantics(const Field& field, const json& value, const CapabilityCatalog& catalog) {
  MOAT_CHECK(check_characters(field, value));
  switch (field.type) {
    case FieldType::kId:
      return check_id(field, value.get<std::string>());
    case FieldType::kText:
      return {};
    case FieldType::kNumber:
    case FieldType::kInteger:
      return check_bound(field, value.get<double>());
    case FieldType::kShare: {
      const double share = value.get<double>();
      if (share < 0 || share > 1)
        return problem(name_of(field) + " must be between 0 and 1, not " + quoted_json(value));
      return {};
    }
    case FieldType::kBool:
      return {};
    case FieldType::kDate:
      if (!Date::parse(value.get<std::string>())) {
        return problem(name_of(field) + " must be a date YYYY-MM-DD that exists, not " +
                       quote(value.get<std::string>()));
      }
      return {};
    case FieldType::kCurrency: {
      const std::string code = value.get<std::string>();
      if (!is_currency_code(currency_code(code)))
        return problem(name_of(field) + " must be an ISO 4217 code such as CNY or USD, not " + quote(code));
      return {};
    }
    case FieldType::kEnum: {
      const std::string text = value.get<std::string>();
      for (std::string_view allowed_value : field.values) {
        if (allowed_value == text) return {};
      }
      return problem(name_of(field) + " must be one of " + allowed(field.values) + ", not " + quote(text));
    }
    case FieldType::kIdList:
    case FieldType::kTextList:
    case FieldType::kNameList:
    case FieldType::kCapabilityList: {
      if (field.bound == Bound::kAtLeastOne && value.empty()) {
        return problem(name_of(field) + " must name at least one item");
      }
      for (const json& item : value) {
        if (field.type == FieldType::kIdList) MOAT_CHECK(check_id(field, item.get<std::string>()));
        if (field.type == FieldType::kCapabilityList) {
          MOAT_CHECK(check_capability(field, item.get<std::string>(), catalog));
        }
      }
      return {};
    }
    case FieldType::kCapability:
      return check_capability(field, value.get<std::string>(), catalog);
    case FieldType::kUscc:
      if (const std::string why = uscc_problem(value.get<std::string>()); !why.empty()) {
        return problem(name_of(field) + ": " + why);
      }
      return {};
  }
  return {};
}

bool has_json_type(const Field& field, const json& value) {
  switch (field.type) {
    case FieldType::kNumber:
    case FieldType::kShare:
      return value.is_number();
    case FieldType::kInteger:
      return value.is_number_integer() &&
             !(value.is_number_unsigned() &&
               value.get<std::uint64_t>() >
                   static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
    case FieldType::kBool:
      return value.is_boolean();
    case FieldType::kIdList:
    case FieldType::kTextList:
    case FieldType::kNameList:
    case FieldType::kCapabilityList:
      return value.is_array() &&
             std::all_of(value.begin(), value.end(), [](const json& item) { return item.is_string(); });
    default:
      return value.is_string();
  }
}

std::string_view json_type_name(const Field& field) {
  switch (field.type) {
    case FieldType::kNumber:
    case FieldType::kShare:
      return "a number";
    case FieldType::kInteger:
      return "a whole number (of at most 19 digits)";
    case FieldType::kBool:
      return "true or false";
    case FieldType::kIdList:
    case FieldType::kTextList:
    case FieldType::kNameList:
    case FieldType::kCapabilityList:
      return "an array of strings";
    default:
      return "a string";
  }
}

// A date as a spreadsheet on Chinese Windows writes it, year first and so unambiguous
// ("2026/12/7", "2026.12.07", "2026年12月7日"), as YYYY-MM-DD; anything else, and a date that does
// not exist, as it is (refused then as written). Day-first and month-first dates ("07/12/2026")
// are left alone: they are ambiguous.
std::string iso_date(std::string_view text) {
  const auto number = [&](std::string_view& rest, std::size_t most) -> std::optional<int> {
    std::size_t n = 0;
    while (n < rest.size() && n < most && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 0) return std::nullopt;
    int value = 0;
    std::from_chars(rest.data(), rest.data() + n, value);
    rest.remove_prefix(n);
    return value;
  };
  const auto separator = [&](std::string_view& rest, std::initializer_list<std::string_view> any) {
    for (const std::string_view s : any) {
      if (rest.starts_with(s)) {
        rest.remove_prefix(s.size());
        return true;
      }
    }
    return false;
  };
  std::string_view rest = text;
  const std::optional<int> year = number(rest, 4);
  if (!year || text.size() - rest.size() != 4 || !separator(rest, {"/", ".", "年"})) return std::string(text);
  const std::optional<int> month = number(rest, 2);
  if (!month || !separator(rest, {"/", ".", "月"})) return std::string(text);
  const std::optional<int> day = number(rest, 2);
  if (!day || !(rest.empty() || rest == "日")) return std::string(text);
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", *year, *month, *day);
  return Date::parse(iso) ? std::string(iso) : std::string(text);  // else refused as written
}

Result<json> typed_cell(const Field& field, std::string_view text) {
  switch (field.type) {
    case FieldType::kNumber:
    case FieldType::kShare: {
      // A percentage as spreadsheets show one: a share's "50%" is 0.5, a percent's "87.5%" 87.5.
      const bool percent = text.size() > 1 && text.back() == '%' &&
                           (field.type == FieldType::kShare || field.bound == Bound::kPercent);
      MOAT_TRY(const double value,
               parse_number(field, percent ? trim(text.substr(0, text.size() - 1)) : text));
      return json(percent && field.type == FieldType::kShare ? value / 100 : value);
    }
    case FieldType::kInteger: {
      MOAT_TRY(const std::int64_t value, parse_integer(field, text));
      return json(value);
    }
    case FieldType::kBool: {
      MOAT_TRY(const bool value, parse_bool(field, text));
      return json(value);
    }
    case FieldType::kIdList:
    case FieldType::kCapabilityList:
      return json(split_list(text, ";"));
    case FieldType::kTextList:
      return json(split_list(ascii_separators(text), ",; "));
    case FieldType::kNameList:
      return json(split_list(text, ";"));
    case FieldType::kEnum:
      return json(to_lower_ascii(text));
    case FieldType::kCurrency:
      return json(std::string(currency_code(text)));
    case FieldType::kDate:
      return json(iso_date(text));
    default:
      return json(std::string(text));
  }
}

}  // namespace

json default_value(const Field& field) {
  return field.default_json.empty() ? json(nullptr) : json::parse(field.default_json);
}

Result<json> parse_cell(const Field& field, std::string_view text, const CapabilityCatalog& catalog) {
  text = trim(text);
  if (text.empty()) return json(nullptr);
  if (holds_a_code(field) && scientific_notation(text)) {
    return problem(name_of(field) + " " + quote(text) +
                   " is a long number a spreadsheet wrote in scientific notation, its last digits lost: "
                   "format the column as text and enter the codes again");
  }
  MOAT_TRY(json value, typed_cell(field, text));
  MOAT_CHECK(check_semantics(field, value, catalog));
  return value;
}

Result<json> check_value(const Field& field, const json& value, const CapabilityCatalog& catalog) {
  if (value.is_null()) return json(nullptr);
  if (!has_json_type(field, value)) {
    return problem(name_of(field) + " must be " + std::string(json_type_name(field)) + ", not " +
                   quoted_json(value));
  }
  if (value.is_string() && value.get<std::string>().empty() && field.type == FieldType::kText) {
    return json(nullptr);  // empty text is stored as absent, as in CSV
  }
  MOAT_CHECK(check_semantics(field, value, catalog));
  if (field.type == FieldType::kNumber || field.type == FieldType::kShare) {
    return json(value.get<double>());  // one representation, whatever the writer chose
  }
  if (field.type == FieldType::kCurrency) return json(std::string(currency_code(value.get<std::string>())));
  return value;
}

}  // namespace moat::app
