// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the request bodies of the API's write routes: any bytes, parsed as moat
// serve parses a JSON body (strictly, within its depth and size limits) and checked against
// every request body schema the route table uses (http/request_bodies.h) — never a crash or a
// sanitizer report; every refusal names its place in the body, and a body a schema accepts has
// exactly the types that schema declares.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/body_schema.h"
#include "http/request_bodies.h"

namespace {

using nlohmann::json;

// Whether `value` has the type `schema` declares (the property the handlers rely on).
bool typed(const json& schema, const json& value) {
  const auto type = schema.find("type");
  if (type != schema.end() && type->is_string()) {
    const std::string name = type->get<std::string>();
    if ((name == "string" && !value.is_string()) || (name == "object" && !value.is_object()) ||
        (name == "array" && !value.is_array()) || (name == "boolean" && !value.is_boolean()) ||
        (name == "number" && !value.is_number()) || (name == "integer" && !value.is_number())) {
      return false;
    }
  }
  if (value.is_object()) {
    const auto properties = schema.find("properties");
    for (const auto& [key, member] : value.items()) {
      if (properties != schema.end() && properties->contains(key) && !typed((*properties)[key], member))
        return false;
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (const json& item : value) {
      if (!typed(schema["items"], item)) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::vector<json> schemas = [] {
    std::vector<json> out;
    for (const std::string_view schema : moat::http::kRequestBodies) out.push_back(json::parse(schema));
    return out;
  }();
  const auto body = moat::http::parse_body(text);
  if (!body.ok()) {
    const std::string& where = body.error().where();
    if (where.rfind("body", 0) != 0) std::abort();  // every error names its place
    return 0;
  }
  for (const json& schema : schemas) {
    const moat::Status checked = moat::http::check_body(schema, *body);
    if (checked.ok()) {
      if (!typed(schema, *body)) std::abort();  // accepted, yet of another type than declared
      continue;
    }
    for (const moat::Diagnostic& d : checked.error().diagnostics()) {
      if (d.where.rfind("body#", 0) != 0) std::abort();
    }
  }
  return 0;
}
