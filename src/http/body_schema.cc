// SPDX-License-Identifier: Apache-2.0
// Request bodies checked against the route table's JSON Schemas, so that a handler only ever sees
// the types its route declares.
#include "http/body_schema.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "app/json_text.h"
#include "core/date.h"
#include "core/text.h"

namespace moat::http {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxProblems = 20;

bool has_type(const json& value, std::string_view type) {
  if (type == "null") return value.is_null();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "number") return value.is_number();
  if (type == "integer") {
    return value.is_number_integer() ||
           (value.is_number_float() &&
            value.get<double>() == static_cast<double>(static_cast<std::int64_t>(value.get<double>())));
  }
  return false;
}

std::string type_words(const json& types) {
  const auto word = [](const std::string& type) {
    if (type == "string") return std::string("a string");
    if (type == "integer") return std::string("a whole number");
    if (type == "number") return std::string("a number");
    if (type == "boolean") return std::string("true or false");
    if (type == "object") return std::string("an object");
    if (type == "array") return std::string("a list");
    return type;
  };
  if (types.is_string()) return word(types.get<std::string>());
  std::string out;
  for (std::size_t i = 0; i < types.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == types.size() ? " or " : ", ") + word(types[i].get<std::string>());
  }
  return out;
}

std::string value_type(const json& value) {
  if (value.is_null()) return "null";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_array()) return "a list";
  return "an object";
}

class Checker {
 public:
  std::vector<Diagnostic> problems;

  void check(const json& schema, const json& value, const std::string& pointer) {
    if (problems.size() >= kMaxProblems) return;
    if (!check_type(schema, value, pointer)) return;
    if (const auto allowed = schema.find("enum"); allowed != schema.end()) {
      if (std::find(allowed->begin(), allowed->end(), value) == allowed->end()) {
        std::string list;
        for (const json& each : *allowed) list += (list.empty() ? "" : ", ") + each.dump();
        return add(pointer, app::quoted_json(value) + " is not one of " + list);
      }
    }
    if (value.is_string()) return check_string(schema, value.get<std::string>(), pointer);
    if (value.is_number()) return check_number(schema, value.get<double>(), pointer);
    if (value.is_array()) {
      const auto items = schema.find("items");
      for (std::size_t i = 0; items != schema.end() && i < value.size(); ++i) {
        check(*items, value[i], pointer + "/" + std::to_string(i));
      }
    }
    if (value.is_object()) check_object(schema, value, pointer);
  }

 private:
  void add(const std::string& pointer, std::string message) {
    if (problems.size() < kMaxProblems)
      problems.push_back({"body#" + cut_short(pointer, 200), std::move(message)});
  }

  bool check_type(const json& schema, const json& value, const std::string& pointer) {
    const auto type = schema.find("type");
    if (type == schema.end()) return true;
    bool ok = false;
    if (type->is_string()) ok = has_type(value, type->get<std::string>());
    for (std::size_t i = 0; type->is_array() && i < type->size(); ++i)
      ok = ok || has_type(value, (*type)[i].get<std::string>());
    if (!ok) add(pointer, "must be " + type_words(*type) + ", not " + value_type(value));
    return ok;
  }

  void check_string(const json& schema, const std::string& text, const std::string& pointer) {
    const auto size = static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // characters, not bytes
    }));
    if (size < schema.value("minLength", std::size_t{0})) {
      return add(pointer, text.empty() ? "must not be empty" : "is too short");
    }
    if (const auto most = schema.find("maxLength"); most != schema.end() && size > most->get<std::size_t>()) {
      return add(pointer, "is longer than " + most->dump() + " characters");
    }
    if (schema.value("format", "") == "date" && !Date::parse(text)) {
      add(pointer, "'" + cut_short(text) + "' is not a date (YYYY-MM-DD)");
    }
  }

  void check_number(const json& schema, double number, const std::string& pointer) {
    const auto bound = [&](const char* name) -> std::optional<double> {
      const auto found = schema.find(name);
      return found == schema.end() ? std::nullopt : std::optional<double>(found->get<double>());
    };
    if (const auto low = bound("minimum"); low && number < *low)
      add(pointer, "must be at least " + json(*low).dump());
    if (const auto low = bound("exclusiveMinimum"); low && number <= *low)
      add(pointer, "must be more than " + json(*low).dump());
    if (const auto high = bound("maximum"); high && number > *high)
      add(pointer, "must be at most " + json(*high).dump());
    if (const auto high = bound("exclusiveMaximum"); high && number >= *high)
      add(pointer, "must be less than " + json(*high).dump());
  }

  void check_object(const json& schema, const json& value, const std::string& pointer) {
    const json empty = json::object();
    const auto found = schema.find("properties");
    const json& properties = found == schema.end() ? empty : *found;
    const bool open = schema.value("additionalProperties", false);
    for (const auto& [name, member] : value.items()) {
      const std::string where = pointer + "/" + app::pointer_segment(name);
      if (const auto property = properties.find(name); property != properties.end()) {
        check(*property, member, where);
      } else if (!open) {
        add(where, "unknown field '" + cut_short(name) + "'");
      }
    }
    if (const auto required = schema.find("required"); required != schema.end()) {
      for (const json& name : *required) {
        if (!value.contains(name.get<std::string>())) {
          add(pointer + "/" + app::pointer_segment(name.get<std::string>()), "is required");
        }
      }
    }
  }
};

}  // namespace

Result<json> parse_body(std::string_view text) {
  return app::parse_json_text(text, "body", app::JsonLimits{kMaxBodyDepth, kMaxBodyBytes});
}

Status check_body(const json& schema, const json& body) {
  Checker checker;
  checker.check(schema, body, "");
  if (checker.problems.empty()) return {};
  return Error(ErrorCode::kInput, std::move(checker.problems));
}

bool has_media_type(std::string_view header, std::string_view type) {
  const auto lower = [](std::string_view text) {
    std::string out(trim(text));
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
  };
  const std::size_t semicolon = header.find(';');
  if (lower(header.substr(0, semicolon)) != type) return false;
  std::string_view rest =
      semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
  while (!rest.empty()) {
    const std::size_t next = rest.find(';');
    const std::string parameter = lower(rest.substr(0, next));
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    if (parameter.starts_with("charset=") && parameter != "charset=utf-8" &&
        parameter != "charset=\"utf-8\"") {
      return false;
    }
  }
  return true;
}

}  // namespace moat::http
