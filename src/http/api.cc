// SPDX-License-Identifier: Apache-2.0
// Dispatch and authorization, driven by the route table: authenticate, match, check the role,
// the CSRF token and the object scope, serve from the cache or run the handler, render, record
// refusals and supplier reads in the ledger.
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <set>

#include "app/reads.h"
#include "app/write_batch.h"
#include "http/caches.h"
#include "http/handlers.h"
#include "http/routes.h"
#include "http/static_files.h"
#include "http/write_batch.h"

namespace moat::http {
namespace {

using nlohmann::json;

constexpr std::size_t kEtagBytes = 16;
// Beyond this many events since the cache's version (an import), the cache starts afresh.
constexpr std::int64_t kMaxChangesByTable = 1000;
// The one answer to an object a supplier user may not reach, whether it exists or not.
constexpr std::string_view kNoSuch = "no such resource";

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

app::Session session_of(std::string actor) {
  return {std::move(actor), [] { return app::iso8601_utc(wall_ms()); }};
}

std::string body_etag(std::string_view body) {
  unsigned char digest[kEtagBytes];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                     nullptr, 0);
  char text[2 * kEtagBytes + 1];
  sodium_bin2hex(text, sizeof text, digest, sizeof digest);
  return "\"" + std::string(text) + "\"";
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match.empty() || etag.empty()) return false;
  return if_none_match == "*" || if_none_match.find(etag) != std::string_view::npos;
}

bool equal_secrets(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return {};
  }
  return authorization.substr(kScheme.size());
}

struct Caller {
  app::User user;
  bool cookie = false;
  std::string session_id;
  std::string csrf;
};

struct Target {
  std::string_view path;
  std::vector<std::pair<std::string, std::string>> query;
  bool malformed = false;  // the query string could not be read (`query` is empty)
};

Target split_target(std::string_view target) {
  const std::size_t question = target.find('?');
  auto query =
      parse_form(question == std::string_view::npos ? std::string_view() : target.substr(question + 1));
  if (!query) return Target{target.substr(0, question), {}, true};
  return Target{target.substr(0, question), std::move(*query)};
}

// What is wrong with the query for `route`: unreadable, a parameter it does not take or one given
// twice (which of the two would count is a guess nobody should have to make); empty when nothing.
std::string query_problem(const Route& route, const Target& target) {
  if (target.malformed) return "the query string is malformed";
  for (std::size_t i = 0; i < target.query.size(); ++i) {
    const std::string& name = target.query[i].first;
    for (std::size_t j = 0; j < i; ++j) {
      if (target.query[j].first == name) return "query parameter '" + name + "' is given twice";
    }
    bool known = false;
    std::string_view rest = route.query;
    while (!rest.empty() && !known) {
      const std::size_t comma = rest.find(',');
      known = rest.substr(0, comma) == name;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (!known) return "unknown query parameter '" + (name.empty() ? std::string("(empty)") : name) + "'";
  }
  return {};
}

// Why a supplier user is refused an object of a route with this scope (the ledger's reason):
// the same whether the object is another's or does not exist at all.
std::string_view denial_reason(Scope scope) {
  switch (scope) {
    case Scope::kOwnSupplier:
      return "another supplier's data";
    case Scope::kOwnVisit:
      return "not the supplier's visit";
    default:
      break;
  }
  return "not the supplier's work";
}

class RouteApi final : public Api {
 public:
  RouteApi(std::unique_ptr<WorkspacePool> pool, ApiOptions options, const std::filesystem::path& dir)
      : pool_(std::move(pool)),
        options_(std::move(options)),
        batcher_(dir),
        versions_(app::ledger_witness_file(dir)),
        plan_jobs_(dir) {}

  Response handle(const Request& request) override {
    try {
      return dispatch(request);
    } catch (const std::exception& e) {
      log_fault(std::string("unexpected exception: ") + e.what());
    } catch (...) {
      log_fault("unexpected exception");
    }
    return problem_response(Problem::kInternal,
                            "moat could not complete the request; the server's log says why",
                            request.target.substr(0, request.target.find('?')));
  }

  bool is_slow(std::string_view method, std::string_view target) const override {
    return any_route(method, target, [](const Route& route) { return route.slow; });
  }

  bool is_grouped(std::string_view method, std::string_view target) const override {
    return any_route(method, target, [](const Route& route) { return route.grouped; });
  }

 private:
  template <class Property>
  static bool any_route(std::string_view method, std::string_view target, Property property) {
    const std::string_view path = target.substr(0, target.find('?'));
    for (const Route& route : routes()) {
      if (property(route) && method_name(route.method) == method && match(route.pattern, path)) return true;
    }
    return false;
  }

  Response dispatch(const Request& request) {
    const auto target = split_target(request.target);
    if (!target.path.starts_with("/api/")) {
      if (target.malformed)
        return problem_response(Problem::kBadRequest, "the query string is malformed", "");
      return serve_static(request, target.path);
    }
    const Route* route = nullptr;
    std::vector<PathParam> params;
    std::string allowed;
    // The most specific route wins: "/api/flags/refresh" over "/api/flags/{id}".
    for (const Route& candidate : routes()) {
      auto bound = match(candidate.pattern, target.path);
      if (!bound) continue;
      const std::string method(method_name(candidate.method));
      if (allowed.find(method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + method;
      if (method != request.method || (route && bound->size() >= params.size())) continue;
      route = &candidate;
      params = std::move(*bound);
    }
    if (!route && allowed.empty())
      return problem_response(Problem::kNotFound, "no such resource", target.path);
    if (!route) {
      Response response =
          problem_response(Problem::kMethodNotAllowed, "this resource allows " + allowed, target.path);
      response.headers.emplace_back("Allow", allowed);
      return response;
    }
    return authorize_and_run(request, *route, target, params);
  }

  // The query is checked once the caller is known and allowed: someone not signed in learns that
  // they must sign in, and a caller refused the route (recorded) that it is refused, not which
  // parameters the route takes.
  Response authorize_and_run(const Request& request, const Route& route, const Target& target,
                             const std::vector<PathParam>& params) {
    const auto query_refused = [&]() -> std::optional<Response> {
      const std::string problem = query_problem(route, target);
      if (problem.empty()) return std::nullopt;
      return problem_response(Problem::kBadRequest, problem, target.path);
    };
    auto lease = pool_->lease();
    if (route.scope == Scope::kPublic) {
      if (auto refused = query_refused()) return std::move(*refused);
      return run(request, route, target, params, Caller{}, std::move(lease));
    }
    auto caller = authenticate(request, lease);
    if (!caller.ok()) return fault(caller.error(), lease, target.path);
    if (!*caller) {
      Response response = problem_response(Problem::kUnauthenticated,
                                           "sign in, or send Authorization: Bearer TOKEN", target.path);
      response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"moat\"");
      return response;
    }
    if (const int wait = limiter_.take((*caller)->user.name); wait > 0) {
      Response response = problem_response(
          Problem::kTooManyRequests,
          "too many requests from your account: try again in " + std::to_string(wait) + " s", target.path);
      response.headers.emplace_back("Retry-After", std::to_string(wait));
      response.actor = (*caller)->user.name;
      return response;
    }
    if (auto refused = refusal(request, route, target, params, **caller, lease)) return std::move(*refused);
    if (auto refused = query_refused()) {
      refused->actor = (*caller)->user.name;
      return std::move(*refused);
    }
    return run(request, route, target, params, **caller, std::move(lease));
  }

  // The table's rules for a signed-in caller: its role, the CSRF token of a cookie session, the
  // object scope. The refusal (recorded in the ledger), or nothing when the call may go ahead.
  std::optional<Response> refusal(const Request& request, const Route& route, const Target& target,
                                  const std::vector<PathParam>& params, const Caller& who,
                                  WorkspacePool::Lease& lease) {
    if (!route.roles.has(who.user.role)) {
      std::string allowed;
      for (const app::Role role : app::kRoles) {
        if (route.roles.has(role))
          allowed += (allowed.empty() ? "" : ", ") + std::string(app::role_name(role));
      }
      return refuse(lease, who, request, target, "role", Problem::kForbidden,
                    "the " + std::string(app::role_name(who.user.role)) +
                        " role may not do this (it is for: " + allowed + ")");
    }
    if (who.cookie && route.method != Method::kGet && !equal_secrets(request.csrf, who.csrf)) {
      return refuse(lease, who, request, target, "csrf", Problem::kCsrf,
                    "send the CSRF token from sign-in in the X-CSRF-Token header");
    }
    if (route.scope != Scope::kOwnSupplier || who.user.role != app::Role::kSupplier) return std::nullopt;
    for (const PathParam& p : params) {
      if (p.name == "id" && p.value != who.user.supplier) {
        return refuse(lease, who, request, target, denial_reason(route.scope), Problem::kNotFound, kNoSuch);
      }
    }
    return std::nullopt;
  }

  Response run(const Request& request, const Route& route, const Target& target,
               const std::vector<PathParam>& params, const Caller& who, WorkspacePool::Lease lease) {
    const bool supplier = who.user.role == app::Role::kSupplier && !who.user.name.empty();
    const bool cached = route.cacheable && route.method == Method::kGet && !supplier;
    // Answers that depend on today (the gate, deadlines, qualification) are kept for the day only.
    constexpr std::int64_t kDayMs = 24 * 3600 * 1000;  // UTC days, as the handlers' today()
    const std::string key = std::string(app::role_name(who.user.role)) + " " +
                            std::to_string(wall_ms() / kDayMs) + " " + std::string(request.target);
    std::int64_t version = 0;  // read before the handler runs: its answer is at least this new
    if (cached) {
      auto current = data_version(lease);
      if (!current.ok()) return fault(current.error(), lease, target.path);
      version = *current;
      if (auto hit = cache_.find(key, version)) return from_cache(request, *hit, who);
    }
    if (const int wait = route.slow && route.scope == Scope::kPublic ? throttle_.wait(request.client) : 0;
        wait > 0) {
      Response response = problem_response(
          Problem::kTooManyRequests,
          "too many failed sign-ins from your address: try again in " + std::to_string(wait) + " s",
          target.path);
      response.headers.emplace_back("Retry-After", std::to_string(wait));
      return response;
    }
    auto body = checked_body(request, route);
    if (!body.ok()) return error_response(body.error(), target.path);
    app::Session session = session_of(who.user.name.empty() ? std::string("anonymous") : who.user.name);
    if (who.user.role == app::Role::kSupplier) session.supplier = who.user.supplier;
    const auto call_on = [&](app::Workspace& workspace) {
      Call call{request,        target.path,       params,
                target.query,   who.user,          who.cookie,
                who.session_id, who.csrf,          workspace,
                session,        options_.accounts, body->is_null() ? nullptr : &*body,
                &plan_jobs_};
      return route.handler(call);
    };
    Result<Reply> reply = Reply{};
    std::set<std::string> tables;
    if (route.grouped) {
      // Answered only once the transaction holding the write has committed.
      Status committed = batcher_.run([&](app::Workspace& workspace) { reply = call_on(workspace); });
      if (!committed.ok() && reply.ok()) reply = committed.error();
    } else if (cached) {
      // The tables the answer is read from: the cache keeps it until one of them changes.
      struct Recording {
        app::Workspace& workspace;
        ~Recording() { app::record_tables_read(workspace, nullptr); }
      } recording{*lease};
      app::record_tables_read(recording.workspace, &tables);
      reply = call_on(recording.workspace);
    } else {
      reply = call_on(*lease);
    }
    if (route.method != Method::kGet || supplier) versions_.changed();
    // A supplier user learns nothing of what exists beyond its own: an object that is not there
    // is answered and recorded exactly as one that is another's.
    const bool missing = (!reply.ok() && reply.error().code() == ErrorCode::kNotFound) ||
                         (reply.ok() && ((reply->denied && reply->denial == Problem::kNotFound) ||
                                         (reply->problem && reply->problem->first == Problem::kNotFound)));
    if (supplier && route.scope != Scope::kAll && route.scope != Scope::kOwnRows && missing) {
      return refuse(lease, who, request, target, denial_reason(route.scope), Problem::kNotFound, kNoSuch);
    }
    if (!reply.ok()) return fault(reply.error(), lease, target.path);
    if (route.slow && reply->problem && reply->problem->first == Problem::kUnauthenticated)
      throttle_.failed(request.client);
    if (reply->denied) {
      const bool forbidden = reply->denial == Problem::kForbidden;
      return refuse(lease, who, request, target, denial_reason(route.scope), reply->denial,
                    forbidden ? "not released to you" : kNoSuch);
    }
    // A HEAD is told what a GET would bring, not given it: no read to record.
    if (supplier && reply->supplier_read && !request.head) {
      const auto& [entity, object_key] = *reply->supplier_read;
      if (reads_.due(who.user.name, entity + "/" + object_key)) {
        Status recorded =
            app::record_supplier_read(*lease, session, entity, object_key, std::string(route.pattern));
        if (!recorded.ok()) {
          reads_.forget(who.user.name, entity + "/" + object_key);
          return fault(recorded.error(), lease, target.path);
        }
      }
    }
    Response response = render(request, *reply, target.path, who);
    if (cached && response.status == 200)
      cache_.store(key, version, {response.body, etag_of(response), response.content_type},
                   std::move(tables));
    return response;
  }

  // The JSON body of a route with a request_body schema, parsed strictly and checked against it;
  // null when there is none to check (no schema, no body, or not JSON: the handler decides).
  static Result<json> checked_body(const Request& request, const Route& route) {
    if (route.request_body.empty() || request.body.empty()) return json();
    const bool is_json = has_media_type(request.content_type, "application/json") ||
                         (route.method == Method::kPatch &&
                          has_media_type(request.content_type, "application/merge-patch+json"));
    if (!is_json) return json();
    MOAT_TRY(json body, parse_body(request.body));
    MOAT_CHECK(check_body(body_schema(route), body));
    return body;
  }

  // Takes a workspace from `lease` only when the caches do not know the caller.
  Result<std::optional<Caller>> authenticate(const Request& request, WorkspacePool::Lease& lease) {
    if (!request.authorization.empty()) {
      const std::string_view token = bearer_token(request.authorization);
      if (token.empty()) return std::optional<Caller>();
      const std::string digest = app::secret_digest(token);
      if (auto user = tokens_.find(digest))
        return std::optional<Caller>(Caller{std::move(*user), false, {}, {}});
      MOAT_TRY(auto user, app::user_for_token(*lease, token));
      if (!user) return std::optional<Caller>();
      tokens_.store(digest, *user);
      return std::optional<Caller>(Caller{std::move(*user), false, {}, {}});
    }
    const std::string_view id = cookie_value(request.cookie, kSessionCookie);
    if (id.empty()) return std::optional<Caller>();
    MOAT_TRY(auto found, app::user_for_session(*lease, session_of("server"), id, options_.accounts));
    if (!found) return std::optional<Caller>();
    return std::optional<Caller>(
        Caller{std::move(found->user), true, std::string(id), std::move(found->csrf)});
  }

  // The ledger's last sequence number, read at most every few hundred milliseconds: cached
  // answers are as old as that at most, also when another server wrote.
  Result<std::int64_t> data_version(WorkspacePool::Lease& lease) {
    if (auto fresh = versions_.fresh()) return *fresh;
    // One refresh at a time, so that the cache moves forward in order.
    std::lock_guard refreshing(refresh_mutex_);
    if (auto fresh = versions_.fresh()) return *fresh;
    const DataVersion::Reading reading = versions_.reading();
    MOAT_TRY(const std::int64_t head, app::ledger_head(*lease));
    const std::int64_t at = cache_.version();
    if (head != at) {
      std::optional<std::set<std::string>> changed;
      if (at >= 0 && head > at) {
        MOAT_TRY(changed, app::tables_changed(*lease, at, head, kMaxChangesByTable));
      }
      cache_.advance(head, changed);
    }
    return versions_.observed(head, reading);
  }

  Response refuse(WorkspacePool::Lease& lease, const Caller& who, const Request& request,
                  const Target& target, std::string_view reason, Problem problem, std::string_view detail) {
    const std::string what =
        std::string(request.head ? "HEAD" : request.method) + " " + std::string(target.path);
    Status recorded = app::record_denial(*lease, session_of(who.user.name), what, reason);
    versions_.changed();
    if (!recorded.ok()) log_fault("cannot record a denial: " + recorded.error().to_string());
    Response response = problem_response(problem, detail, target.path);
    response.actor = who.user.name;
    return response;
  }

  Response fault(const Error& error, WorkspacePool::Lease& lease, std::string_view instance) {
    if (error.code() == ErrorCode::kInternal || error.code() == ErrorCode::kIntegrity) {
      log_fault(error.to_string());
      if (error.code() == ErrorCode::kInternal) lease.discard();  // a broken connection is reopened
    }
    return error_response(error, instance);
  }

  static std::string etag_of(const Response& response) {
    for (const auto& [name, value] : response.headers) {
      if (name == "ETag") return value;
    }
    return {};
  }

  Response render(const Request& request, Reply& reply, std::string_view instance, const Caller& who) {
    Response response;
    if (reply.problem) {
      response = problem_response(reply.problem->first, reply.problem->second, instance);
    } else {
      response.status = reply.status;
      if (reply.status != 204) {
        response.body = reply.raw ? std::move(*reply.raw)
                                  : reply.body.dump(-1, ' ', false, json::error_handler_t::replace);
        if (!reply.content_type.empty()) response.content_type = reply.content_type;
        if (reply.conditional) {
          const std::string etag = reply.etag.empty() ? body_etag(response.body) : reply.etag;
          response.headers.emplace_back("ETag", etag);
          if (request.method == "GET" && etag_matches(request.if_none_match, etag)) {
            response.status = 304;
            response.body.clear();
          }
        }
      }
    }
    for (auto& header : reply.headers) response.headers.push_back(std::move(header));
    response.actor = who.user.name;
    return response;
  }

  static Response from_cache(const Request& request, const CachedResponse& hit, const Caller& who) {
    Response response;
    response.actor = who.user.name;
    response.content_type = hit.content_type;
    response.headers.emplace_back("ETag", hit.etag);
    if (etag_matches(request.if_none_match, hit.etag)) {
      response.status = 304;
      return response;
    }
    response.body = hit.body;
    return response;
  }

  Response serve_static(const Request& request, std::string_view path) {
    if (options_.static_dir.empty() || request.method != "GET") {
      return problem_response(Problem::kNotFound, "no such resource", path);
    }
    return static_file(options_.static_dir, path);
  }

  void log_fault(const std::string& message) const {
    if (options_.log_fault) options_.log_fault(message);
  }

  std::unique_ptr<WorkspacePool> pool_;
  ApiOptions options_;
  WriteBatcher batcher_;
  TokenCache tokens_;
  ResponseCache cache_;
  DataVersion versions_;
  std::mutex refresh_mutex_;
  LoginThrottle throttle_;
  RateLimiter limiter_{options_.requests_per_minute};
  ReadLog reads_;
  app::PlanJobs plan_jobs_;  // last: its jobs end before the rest is torn down
};

}  // namespace

Result<std::unique_ptr<Api>> Api::open(const std::filesystem::path& dir, const ApiOptions& options) {
  if (sodium_init() < 0) return internal_error("libsodium failed to initialise");
  MOAT_TRY(auto pool, WorkspacePool::open(dir, options.connections));
  return std::unique_ptr<Api>(std::make_unique<RouteApi>(std::move(pool), options, dir));
}

}  // namespace moat::http
