// SPDX-License-Identifier: Apache-2.0
// The HTTP API without the network: one request in, one response out. Api authenticates the
// caller (bearer token or session cookie), finds the route in the route table (routes.h), checks
// the caller's role and the route's object scope, runs the route's handler over src/app and
// renders JSON or an RFC 9457 problem. It keeps no state that matters in the process — only
// caches that are safe to lose — so several servers can share one PostgreSQL workspace. Safe to
// call from several threads at once. The network side is server.h.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/accounts.h"
#include "core/result.h"

namespace moat::http {

// What the network side read, as views into its buffers (valid for the call).
struct Request {
  std::string_view method;         // "GET"
  std::string_view target;         // "/api/suppliers?limit=10"
  std::string_view authorization;  // the Authorization header
  std::string_view cookie;         // the Cookie header
  std::string_view content_type;
  std::string_view if_none_match;
  std::string_view if_match;
  std::string_view csrf;    // the X-CSRF-Token header
  std::string_view origin;  // the Origin header a browser sends with a cross-origin or POST request
  std::string_view host;    // the Host header (X-Forwarded-Host behind a trusted proxy)
  std::string_view body;
  std::string client;  // the peer's address (or X-Forwarded-For behind a trusted proxy)
  bool tls = false;    // whether the client reached moat over TLS
  bool head = false;   // a HEAD request, answered as its GET without the body (`method` is "GET")
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // ETag, Set-Cookie, Allow, ...
  std::string actor;  // who asked, for the log line ("-" when not signed in)
};

struct ApiOptions {
  std::size_t connections = 3;       // workspaces (database connections) kept open
  std::filesystem::path static_dir;  // served under "/" when set (the web dashboard)
  app::AccountPolicy accounts;
  int requests_per_minute = 1200;  // per signed-in user; beyond it 429 with Retry-After
  // Where internal faults are described (never to the client); nothing when empty.
  std::function<void(const std::string&)> log_fault;
};

class Api {
 public:
  // Opens `options.connections` handles on the workspace in `dir`. Fails as Workspace::open does.
  static Result<std::unique_ptr<Api>> open(const std::filesystem::path& dir, const ApiOptions& options);
  virtual ~Api() = default;

  // Never throws for a request's sake: every failure becomes a problem response.
  virtual Response handle(const Request& request) = 0;
  // Whether `handle` may take long for this request (a sign-in hashes a password): the network
  // side runs those off its I/O threads.
  virtual bool is_slow(std::string_view method, std::string_view target) const = 0;
  // Whether `handle` queues this request's write for a group commit and waits for it: the network
  // side runs those on threads of their own, as many as writes may wait together.
  virtual bool is_grouped(std::string_view method, std::string_view target) const = 0;
};

// The OpenAPI 3.1 document generated from the route table (also served at /api/openapi.json).
const std::string& openapi_document();

}  // namespace moat::http
