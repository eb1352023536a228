// SPDX-License-Identifier: Apache-2.0
#include "http/routes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "app/actors.h"
#include "http/problem.h"
#include "http/server.h"

namespace moat::http {
namespace {

using nlohmann::json;

TEST(MatchTest, BindsParamsAndRefusesOtherShapes) {
  auto bound = match("/api/suppliers/{id}/people", "/api/suppliers/F%30/people");
  ASSERT_TRUE(bound);
  ASSERT_EQ(bound->size(), 1U);
  EXPECT_EQ((*bound)[0].name, "id");
  EXPECT_EQ((*bound)[0].value, "F0");
  EXPECT_FALSE(match("/api/suppliers/{id}", "/api/suppliers"));
  EXPECT_FALSE(match("/api/suppliers/{id}", "/api/suppliers/"));
  EXPECT_FALSE(match("/api/suppliers/{id}", "/api/suppliers/F01/people"));
  EXPECT_FALSE(match("/api/suppliers/{id}", "/api/suppliers/F%2F01")) << "an encoded slash is not an id";
  EXPECT_FALSE(match("/api/suppliers/{id}", "/api/suppliers/F%00")) << "no NUL bytes";
  EXPECT_TRUE(match("/api/me", "/api/me"));
  EXPECT_FALSE(match("/api/me", "/api/me/"));
}

TEST(FormTest, DecodesQueriesAndForms) {
  auto pairs = parse_form("name=a+b&password=%C3%A9%26x&empty=&flag");
  ASSERT_TRUE(pairs);
  ASSERT_EQ(pairs->size(), 4U);
  EXPECT_EQ((*pairs)[0], std::pair(std::string("name"), std::string("a b")));
  EXPECT_EQ((*pairs)[1].second, "\xC3\xA9&x");
  EXPECT_EQ((*pairs)[2].second, "");
  EXPECT_EQ((*pairs)[3].first, "flag");
  EXPECT_FALSE(parse_form("a=%zz"));
  EXPECT_FALSE(parse_form("a=%4"));
}

TEST(MediaTypeTest, ComparesExactlyWithoutRegardToCase) {
  EXPECT_TRUE(has_media_type("application/json", "application/json"));
  EXPECT_TRUE(has_media_type("Application/JSON; charset=UTF-8", "application/json"));
  EXPECT_TRUE(has_media_type(" application/json ;charset=\"utf-8\"", "application/json"));
  EXPECT_FALSE(has_media_type("application/jsonx", "application/json"));
  EXPECT_FALSE(has_media_type("application/json-patch+json", "application/json"));
  EXPECT_FALSE(has_media_type("application/json; charset=latin1", "application/json"));
  EXPECT_FALSE(has_media_type("text/json", "application/json"));
  EXPECT_FALSE(has_media_type("", "application/json"));
}

std::vector<std::string> problems_of(const json& schema, const json& body) {
  const Status checked = check_body(schema, body);
  std::vector<std::string> out;
  if (!checked.ok()) {
    for (const Diagnostic& d : checked.error().diagnostics()) out.push_back(d.where);
  }
  return out;
}

TEST(BodySchemaTest, TypesEveryFieldAndRefusesUnknownOnes) {
  const json schema = json::parse(R"({"type": "object", "required": ["a"],
      "properties": {"a": {"type": "string", "minLength": 1}, "d": {"type": "string", "format": "date"},
                     "n": {"type": "integer", "minimum": 0, "maximum": 10}, "x": {"type": "number", "exclusiveMinimum": 0},
                     "l": {"type": "array", "items": {"type": "object", "properties": {"r": {"enum": ["p", "f"]}}}}}})");
  EXPECT_TRUE(
      problems_of(schema, {{"a", "x"}, {"d", "2026-01-05"}, {"n", 3}, {"x", 0.5}, {"l", {{{"r", "p"}}}}})
          .empty());
  using List = std::vector<std::string>;
  for (const json& bad :
       {json::array({"x"}), json(123), json::object(), json(true), json(""), json(nullptr)}) {
    EXPECT_EQ(problems_of(schema, {{"a", bad}}), List{"body#/a"}) << bad.dump();
  }
  EXPECT_EQ(problems_of(schema, json::object()), List{"body#/a"}) << "required";
  EXPECT_EQ(problems_of(schema, {{"a", "x"}, {"d", 5}}), List{"body#/d"});
  EXPECT_EQ(problems_of(schema, {{"a", "x"}, {"d", "2026-02-30"}}), List{"body#/d"});
  EXPECT_EQ(problems_of(schema, {{"a", "x"}, {"n", 2.5}}), List{"body#/n"});
  EXPECT_TRUE(problems_of(schema, {{"a", "x"}, {"n", 2.0}}).empty()) << "2.0 is a whole number";
  EXPECT_EQ(problems_of(schema, {{"a", "x"}, {"n", 11}}), List{"body#/n"});
  EXPECT_EQ(problems_of(schema, {{"a", "x"}, {"x", 0}}), List{"body#/x"});
  EXPECT_EQ(problems_of(schema, {{"a", "x"}, {"colour", "red"}}), List{"body#/colour"});
  EXPECT_EQ(problems_of(schema, {{"a", "x"}, {"l", {{{"r", "maybe"}}, {{"s", 1}}}}}),
            (List{"body#/l/0/r", "body#/l/1/s"}));
  EXPECT_EQ(problems_of(schema, json::array()), List{"body#"});
}

TEST(BodySchemaTest, EveryRouteSchemaIsAnObjectSchema) {
  for (const Route& route : routes()) {
    if (route.request_body.empty()) continue;
    const json& schema = body_schema(route);
    EXPECT_EQ(schema.value("type", ""), "object") << route.pattern;
    EXPECT_EQ(&schema, &body_schema(route)) << "parsed once";
  }
}

TEST(CookieTest, FindsTheSessionCookieAmongOthers) {
  EXPECT_EQ(cookie_value("a=1; moat_session=xyz; b=2", kSessionCookie), "xyz");
  EXPECT_EQ(cookie_value("moat_session_old=1", kSessionCookie), "");
  EXPECT_EQ(cookie_value("", kSessionCookie), "");
}

TEST(ListenTest, ParsesHostAndPort) {
  EXPECT_EQ(*parse_listen("127.0.0.1:8080"), std::pair(std::string("127.0.0.1"), std::uint16_t{8080}));
  EXPECT_EQ(*parse_listen("[::1]:0"), std::pair(std::string("::1"), std::uint16_t{0}));
  EXPECT_EQ(parse_listen("localhost:80")->first, "127.0.0.1");
  for (const char* bad : {"8080", ":80", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:x"}) {
    EXPECT_FALSE(parse_listen(bad).ok()) << bad;
  }
}

TEST(ProblemTest, MapsErrorCodesWithoutLeakingInternals) {
  const auto body = [](const Response& r) { return json::parse(r.body); };
  const Response internal =
      error_response(internal_error("postgresql: relation \"x\" (in: SELECT ...) /srv/ws"), "/api/x");
  EXPECT_EQ(internal.status, 500U);
  EXPECT_EQ(internal.content_type, "application/problem+json");
  EXPECT_EQ(internal.body.find("SELECT"), std::string::npos);
  EXPECT_EQ(internal.body.find("/srv"), std::string::npos);
  const json problem = body(internal);
  for (const char* member : {"type", "title", "status", "detail", "instance"})
    EXPECT_TRUE(problem.contains(member)) << member;
  EXPECT_EQ(problem["instance"], "/api/x");
  EXPECT_EQ(error_response(Error(ErrorCode::kIntegrity, "ledger", "bad chain"), "/").status, 500U);
  EXPECT_EQ(error_response(input_error("capacity", "must not be negative"), "/").status, 400U);
  EXPECT_EQ(error_response(Error(ErrorCode::kNotFound, "id", "no supplier"), "/").status, 404U);
  EXPECT_EQ(error_response(Error(ErrorCode::kConflict, "", "stale"), "/").status, 409U);
  const json input = body(error_response(input_error("/tmp/secret/moat.toml:3:1", "bad"), "/"));
  EXPECT_EQ(input["errors"][0]["where"], "") << "a file path is not shown";
  const json pointer = body(error_response(input_error("body#/items/0/result", "bad"), "/"));
  EXPECT_EQ(pointer["errors"][0]["where"], "/items/0/result") << "a JSON pointer into the body is shown";
  const json flag = body(error_response(Error(ErrorCode::kNotFound, "--product", "no product 'x'"), "/"));
  EXPECT_EQ(flag["errors"][0]["where"], "product") << "a command-line flag is shown as the field it names";
}

TEST(RouteTableTest, TheMostSpecificPatternIsTheOneToServe) {
  // Dispatch prefers the route binding fewer parameters: both patterns match this path.
  ASSERT_TRUE(match("/api/flags/{id}", "/api/flags/refresh"));
  ASSERT_TRUE(match("/api/flags/refresh", "/api/flags/refresh"));
  EXPECT_EQ(match("/api/flags/refresh", "/api/flags/refresh")->size(), 0U);
  EXPECT_EQ(match("/api/flags/{id}", "/api/flags/refresh")->size(), 1U);
}

TEST(RouteTableTest, EveryRouteSaysWhoMayCallItAndIsUnique) {
  std::set<std::string> seen;
  for (const Route& route : routes()) {
    const std::string key = std::string(method_name(route.method)) + " " + std::string(route.pattern);
    EXPECT_TRUE(seen.insert(key).second) << "twice: " << key;
    EXPECT_TRUE(route.pattern.starts_with("/api/")) << key;
    EXPECT_NE(route.handler, nullptr) << key;
    EXPECT_FALSE(route.summary.empty()) << key;
    bool anyone = false;
    for (const app::Role role : app::kRoles) anyone = anyone || route.roles.has(role);
    EXPECT_TRUE(anyone) << key;
    if (route.scope == Scope::kOwnSupplier) {
      EXPECT_NE(route.pattern.find("/api/suppliers/{id}"), std::string_view::npos) << key;
    }
    if (route.cacheable) {
      EXPECT_EQ(route.method, Method::kGet) << key;
    }
  }
}

// The command line applies the roles of app/actors.h; the API the route table's. They must be the
// same sets, or a role would mean one thing at the terminal and another in the browser.
TEST(RouteTableTest, TheRolesOfEachCapabilityAreTheRoutesRoles) {
  using app::Capability;
  const std::pair<std::string_view, Capability> pairs[] = {
      {"GET /api/status", Capability::kRead},
      {"GET /api/audit/log", Capability::kReadLedger},
      {"GET /api/audit/verify", Capability::kRead},
      {"PATCH /api/suppliers/{id}", Capability::kEdit},
      {"POST /api/products/{id}/plans/{plan}/approve", Capability::kEdit},
      {"POST /api/visits", Capability::kOnSite},
      {"POST /api/visits/{visit}/findings", Capability::kOnSite},
      {"POST /api/visits/{visit}/findings/{finding}/close", Capability::kOnSite},
      {"POST /api/visits/{visit}/findings/{finding}/answer", Capability::kAnswerFindings},
      {"POST /api/flags", Capability::kHandleFlags},
      {"POST /api/waivers", Capability::kWaive},
      {"POST /api/releases", Capability::kRelease},
      {"POST /api/releases/{id}/revoke", Capability::kRevoke},
      {"POST /api/releases/{id}/returned", Capability::kConfirmReturn},
      {"GET /api/watch/hits", Capability::kRead},
      {"POST /api/watch/hits/{id}/decision", Capability::kRecordLegal},
      {"POST /api/watch/complaints/{id}/status", Capability::kRecordLegal},
  };
  for (const auto& [route_name, capability] : pairs) {
    const auto route = std::find_if(routes().begin(), routes().end(), [&](const Route& r) {
      return std::string(method_name(r.method)) + " " + std::string(r.pattern) == route_name;
    });
    ASSERT_NE(route, routes().end()) << route_name;
    for (const app::Role role : app::kRoles) {
      EXPECT_EQ(route->roles.has(role), app::role_may(role, capability))
          << route_name << " and " << app::capability_name(capability) << " disagree on "
          << app::role_name(role);
    }
  }
}

TEST(OpenApiTest, DocumentsEveryRouteWithItsRolesAndScope) {
  const json document = json::parse(openapi_document());
  EXPECT_EQ(document["openapi"], "3.1.0");
  for (const Route& route : routes()) {
    std::string method(method_name(route.method));
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const json& op = document["paths"][std::string(route.pattern)][method];
    ASSERT_TRUE(op.is_object()) << route.pattern;
    EXPECT_EQ(op["x-moat-scope"], scope_name(route.scope));
    std::vector<std::string> roles;
    for (const app::Role role : app::kRoles) {
      if (route.roles.has(role)) roles.emplace_back(app::role_name(role));
    }
    EXPECT_EQ(op["x-moat-roles"].get<std::vector<std::string>>(), roles);
  }
}

}  // namespace
}  // namespace moat::http
