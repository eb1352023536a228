// SPDX-License-Identifier: Apache-2.0
// The OpenAPI 3.1 document, generated from the route table so that it cannot drift from what is
// served. Each operation carries x-moat-roles (who may call it) and x-moat-scope (which objects a
// supplier user reaches); the authorization matrix test reads them. No example holds workspace data.
#include <map>

#include "http/routes.h"

namespace moat::http {
namespace {

using nlohmann::json;

json problem_reference(std::string_view description) {
  return {
      {"description", description},
      {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

std::vector<std::string_view> path_params(std::string_view pattern) {
  std::vector<std::string_view> names;
  for (std::size_t open = pattern.find('{'); open != std::string_view::npos;
       open = pattern.find('{', open + 1)) {
    const std::size_t close = pattern.find('}', open);
    names.push_back(pattern.substr(open + 1, close - open - 1));
  }
  return names;
}

json parameters(const Route& route) {
  json out = json::array();
  for (const std::string_view name : path_params(route.pattern)) {
    out.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  std::string_view rest = route.query;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    out.push_back({{"name", rest.substr(0, comma)},
                   {"in", "query"},
                   {"required", false},
                   {"schema", {{"type", "string"}}}});
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return out;
}

json roles_of(const Route& route) {
  json roles = json::array();
  for (const app::Role role : app::kRoles) {
    if (route.roles.has(role)) roles.push_back(app::role_name(role));
  }
  return roles;
}

json responses(const Route& route) {
  json out = {
      {"200",
       {{"description", "OK"}, {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}}};
  if (route.pattern == "/api/logout") out = {{"204", {{"description", "signed out"}}}};
  if (route.cacheable) out["304"] = {{"description", "not modified since the ETag given in If-None-Match"}};
  out["400"] = problem_reference("the request is not valid");
  if (route.scope != Scope::kPublic) {
    out["401"] = problem_reference("no valid bearer token or session cookie");
    out["403"] =
        problem_reference("the caller's role may not do this, or a cookie-session write lacks X-CSRF-Token");
  }
  if (route.scope == Scope::kPublic && route.method == Method::kPost) {
    out["401"] = problem_reference("wrong name or password, or locked after too many failures");
    out["429"] = problem_reference("too many attempts from this address");
  }
  if (route.pattern.find('{') != std::string_view::npos)
    out["404"] = problem_reference("no such object, or not the caller's");
  if (route.method == Method::kPatch) {
    out["412"] = problem_reference("If-Match names a version that is no longer current");
    out["428"] = problem_reference("If-Match is missing");
  }
  return out;
}

// A request body's schema as the server checks it: objects take no member they do not name
// unless they say so (body_schema.cc), written out here for JSON Schema readers.
json closed(json schema) {
  if (schema.is_object()) {
    if (schema.value("type", "") == "object" && !schema.contains("additionalProperties")) {
      schema["additionalProperties"] = false;
    }
    for (auto& [name, member] : schema.items()) {
      if (name == "properties") {
        for (auto& [field, property] : member.items()) property = closed(std::move(property));
      } else if (name == "items") {
        member = closed(std::move(member));
      }
    }
  }
  return schema;
}

json operation(const Route& route) {
  std::string id = std::string(method_name(route.method)) + std::string(route.pattern);
  for (char& c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  json op = {{"operationId", id},
             {"summary", route.summary},
             {"parameters", parameters(route)},
             {"responses", responses(route)},
             {"x-moat-roles", roles_of(route)},
             {"x-moat-scope", scope_name(route.scope)}};
  if (route.scope == Scope::kPublic) {
    op["security"] = json::array();
  }
  if (!route.request_body.empty()) {
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/json", {{"schema", closed(body_schema(route))}}}}}};
  }
  return op;
}

json components() {
  return {
      {"securitySchemes",
       {{"bearer",
         {{"type", "http"}, {"scheme", "bearer"}, {"description", "an API token from 'moat token create'"}}},
        {"session",
         {{"type", "apiKey"},
          {"in", "cookie"},
          {"name", kSessionCookie},
          {"description", "set by POST /api/login; writes also need the X-CSRF-Token header"}}}}},
      {"schemas",
       {{"Problem",
         {{"type", "object"},
          {"description", "RFC 9457 problem details"},
          {"properties",
           {{"type", {{"type", "string"}}},
            {"title", {{"type", "string"}}},
            {"status", {{"type", "integer"}}},
            {"detail", {{"type", "string"}}},
            {"instance", {{"type", "string"}}},
            {"errors", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}}}}};
}

std::string build() {
  json paths = json::object();
  for (const Route& route : routes()) {
    std::string method(method_name(route.method));
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[std::string(route.pattern)][method] = operation(route);
  }
  json document = {{"openapi", "3.1.0"},
                   {"info",
                    {{"title", "moat"},
                     {"version", "0.1.0"},
                     {"description",
                      "moat's HTTP API: the same use cases as the moat command, with accounts, roles and "
                      "object-level authorization. Errors are RFC 9457 problem details."}}},
                   {"paths", std::move(paths)},
                   {"components", components()},
                   {"security", json::array({{{"bearer", json::array()}}, {{"session", json::array()}}})}};
  return document.dump(1);
}

}  // namespace

const std::string& openapi_document() {
  static const std::string document = build();
  return document;
}

}  // namespace moat::http
