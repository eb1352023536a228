// SPDX-License-Identifier: Apache-2.0
// Internal to src/http (includes nlohmann/json.hpp). The route table: each row is a method, a
// path pattern with {params}, a summary, the roles allowed, the object scope rule and the handler.
// The one table drives dispatch, authorization (api.cc) and the OpenAPI document (openapi.cc);
// a route cannot be served without saying who may call it. Handlers are thin adapters over
// src/app: parse, call one use case, shape JSON — never a second implementation of a feature.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/accounts.h"
#include "app/plan_jobs.h"
#include "app/session.h"
#include "app/workspace.h"
#include "core/result.h"
#include "http/api.h"
#include "http/body_schema.h"
#include "http/problem.h"

namespace moat::http {

enum class Method { kGet, kPost, kPatch };
std::string_view method_name(Method method);
std::optional<Method> parse_method(std::string_view name);

// A set of roles, as the table writes them.
class Roles {
 public:
  constexpr Roles(std::initializer_list<app::Role> roles) {
    for (const app::Role role : roles) bits_ |= bit(role);
  }
  constexpr bool has(app::Role role) const { return (bits_ & bit(role)) != 0; }

 private:
  static constexpr unsigned bit(app::Role role) { return 1U << static_cast<unsigned>(role); }
  unsigned bits_ = 0;
};

inline constexpr Roles kEveryone{app::Role::kAdmin,     app::Role::kSourcing, app::Role::kLegal,
                                 app::Role::kOversight, app::Role::kViewer,   app::Role::kSupplier};
// The owner's people: everyone but supplier staff.
inline constexpr Roles kStaff{app::Role::kAdmin, app::Role::kSourcing, app::Role::kLegal,
                              app::Role::kOversight, app::Role::kViewer};

// Which objects of a route a supplier user may reach (the other roles reach all of them).
enum class Scope {
  kPublic,        // no sign-in: the caller may be anyone
  kAll,           // every object, for the roles allowed
  kOwnSupplier,   // {id} is a supplier: only its own; any other id is 404 and recorded
  kOwnRows,       // a list: only its own supplier's rows
  kAssignedWork,  // a product: only those with work packages assigned to its supplier in the
                  // approved plan, and only those packages; any other product is 404 and recorded
  kOwnVisit,      // {visit} is a visit: only those at its own supplier; any other is 404 and recorded
  kOwnRelease,    // {id} is a release, copy or file: only releases to its supplier, the copies made for
                  // its own person and their files; any other id is 403 and recorded
};
std::string_view scope_name(Scope scope);

struct PathParam {
  std::string_view name;
  std::string value;  // percent-decoded
};

struct Call {
  const Request& request;
  std::string_view path;
  const std::vector<PathParam>& params;
  const std::vector<std::pair<std::string, std::string>>& query;  // percent-decoded, in order
  const app::User& user;        // empty name for public routes called without signing in
  bool cookie_session = false;  // signed in by cookie (not by bearer token)
  std::string session_id;       // the cookie's session id, when signed in by cookie
  std::string csrf;             // the cookie session's CSRF token
  app::Workspace& workspace;
  const app::Session& session;  // the caller as actor, the clock
  const app::AccountPolicy& accounts;
  // The JSON body, parsed strictly and checked against the route's request_body schema; null
  // when the route declares none or the body is empty or not JSON (json_object_body decides).
  const nlohmann::json* body = nullptr;
  // The server's planning jobs (app/plan_jobs.h).
  app::PlanJobs* plan_jobs = nullptr;

  std::string param(std::string_view name) const;
  std::optional<std::string> query_value(std::string_view name) const;
  bool is_supplier() const { return user.role == app::Role::kSupplier; }
};

struct Reply {
  unsigned status = 200;
  nlohmann::json body = nlohmann::json::object();
  std::string etag;  // set by the handler (a record's version); else a hash of the body
  // Whether the answer carries an ETag and is answered 304 to a matching If-None-Match.
  bool conditional = true;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> raw;  // a body already rendered (served as is instead of `body`)
  // An expected refusal the handler decides itself (a wrong password, a stale If-Match).
  std::optional<std::pair<Problem, std::string>> problem;
  // Not found *because* the object is not the supplier user's: answered 404 (or `denial`),
  // recorded as denied.
  bool denied = false;
  Problem denial = Problem::kNotFound;
  std::string content_type;  // of `raw`, when not JSON
  // What a supplier user read (entity, key): recorded in the ledger.
  std::optional<std::pair<std::string, std::string>> supplier_read;
};

using Handler = Result<Reply> (*)(Call& call);

struct Route {
  Method method;
  std::string_view pattern;  // "/api/suppliers/{id}"
  std::string_view summary;
  Roles roles;
  Scope scope;
  Handler handler;
  std::string_view query = {};  // query parameters, comma-separated: "limit,offset,status"
  // JSON Schema of the request body (request_bodies.h), when it takes one. A JSON body is checked
  // against it before the handler runs (body_schema.h): wrong types, unknown members (unless
  // "additionalProperties": true), missing required ones are 400s naming their JSON pointer.
  std::string_view request_body = {};
  bool cacheable = false;  // GET whose answer depends only on the data and the caller
  bool slow = false;       // runs off the I/O threads (password hashing)
  // A record write committed with the others queued meanwhile (write_batch.h, group commit), off
  // the I/O threads: its handler does nothing but reads and Store writes on call.workspace.
  bool grouped = false;
};

std::span<const Route> routes();

// Matches `path` against `pattern`; the {params} it binds, or nullopt.
std::optional<std::vector<PathParam>> match(std::string_view pattern, std::string_view path);

// "%41b+c" -> "Ab c" (with `plus_is_space`); nullopt for malformed escapes or a NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Query string or form body "a=1&b=2" -> pairs; nullopt when malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view text);

// The route's request_body schema, parsed once (null when it has none).
const nlohmann::json& body_schema(const Route& route);

// The value of cookie `name` in a Cookie header, or empty.
std::string_view cookie_value(std::string_view header, std::string_view name);

inline constexpr std::string_view kSessionCookie = "moat_session";

}  // namespace moat::http
