// SPDX-License-Identifier: Apache-2.0
// Signing in and out over src/app/accounts.h.
#include "http/handlers.h"

#include <cctype>
#include <string>
#include <string_view>

#include "app/views.h"

namespace moat::http::handlers {
namespace {

using nlohmann::json;

constexpr std::string_view kRefused = "wrong name or password";

struct Credentials {
  std::string name;
  std::string password;
};

std::optional<Credentials> json_credentials(std::string_view body) {
  const auto result = parse_body(body);
  if (!result.ok()) return std::nullopt;
  const json& parsed = *result;
  if (!parsed.is_object()) return std::nullopt;
  const auto name = parsed.find("name");
  const auto password = parsed.find("password");
  if (name == parsed.end() || password == parsed.end() || !name->is_string() || !password->is_string()) {
    return std::nullopt;
  }
  return Credentials{name->get<std::string>(), password->get<std::string>()};
}

std::optional<Credentials> form_credentials(std::string_view body) {
  const auto form = parse_form(body);
  if (!form) return std::nullopt;
  // As strict as a JSON body: the two fields, each once.
  Credentials credentials;
  bool name = false, password = false;
  for (const auto& [key, value] : *form) {
    bool& seen = key == "name" ? name : password;
    if ((key != "name" && key != "password") || seen) return std::nullopt;
    seen = true;
    (key == "name" ? credentials.name : credentials.password) = value;
  }
  return credentials;
}

// "example.com:8443" -> "example.com", "[::1]:8080" -> "[::1]", in lower case.
std::string host_name(std::string_view host) {
  const std::size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos)
    host = host.substr(0, colon);
  std::string out(host);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string session_cookie(std::string_view value, std::int64_t max_age_seconds, bool secure) {
  return std::string(kSessionCookie) + "=" + std::string(value) +
         "; Path=/; Max-Age=" + std::to_string(max_age_seconds) + "; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

}  // namespace

Result<Reply> login(Call& call) {
  // A browser says which page a sign-in comes from: only the dashboard's own host, so that another
  // site's page cannot sign a visitor's browser in as someone else (login CSRF). Hosts are compared
  // without their ports, as cookies are (a proxy's `Host $host` drops the port a browser's Origin
  // keeps). Callers that are no browser send no Origin.
  if (const std::string_view origin = call.request.origin; !origin.empty()) {
    const std::size_t scheme = origin.find("://");
    const std::string_view origin_host = scheme == std::string_view::npos ? "" : origin.substr(scheme + 3);
    if (origin_host.empty() || host_name(origin_host) != host_name(call.request.host))
      return refuse(Problem::kForbidden, "a sign-in from another site's page is refused");
  }
  const std::string_view type = call.request.content_type;
  std::optional<Credentials> credentials;
  if (has_media_type(type, "application/json")) {
    credentials = json_credentials(call.request.body);
  } else if (has_media_type(type, "application/x-www-form-urlencoded")) {
    credentials = form_credentials(call.request.body);
  } else {
    return refuse(Problem::kUnsupportedMedia, "send the name and password as JSON or as a form");
  }
  if (!credentials || credentials->name.empty() || credentials->password.empty()) {
    return refuse(Problem::kBadRequest, "give a name and a password");
  }
  MOAT_TRY(const app::SignIn outcome,
           app::sign_in(call.workspace, call.session, credentials->name, credentials->password,
                        call.request.client, call.accounts));
  const std::int64_t wait = (outcome.retry_after_ms + 999) / 1000;  // whole seconds, rounded up
  if (outcome.result == app::SignInResult::kLocked) {
    Reply reply = refuse(Problem::kTooManyRequests,
                         "too many failed sign-ins of this name from your address: try "
                         "again in " +
                             std::to_string(wait) + " s");
    reply.headers.emplace_back("Retry-After", std::to_string(wait));
    return reply;
  }
  if (outcome.result != app::SignInResult::kSignedIn || !outcome.session) {
    Reply reply = refuse(Problem::kUnauthenticated, std::string(kRefused));
    if (wait > 0) reply.headers.emplace_back("Retry-After", std::to_string(wait));
    return reply;
  }
  const app::WebSession& web = *outcome.session;
  Reply reply;
  reply.body = app::user_json(web.user);
  reply.body["csrf_token"] = web.csrf;
  reply.body["expires_at"] = app::iso8601_utc(web.expires_ms);
  reply.headers.emplace_back("Set-Cookie",
                             session_cookie(web.id, call.accounts.absolute_ms / 1000, call.request.tls));
  return reply;
}

Result<Reply> logout(Call& call) {
  if (call.cookie_session) MOAT_CHECK(app::sign_out(call.workspace, call.session, call.session_id));
  Reply reply;
  reply.status = 204;
  reply.headers.emplace_back("Set-Cookie", session_cookie("", 0, call.request.tls));
  return reply;
}

Result<Reply> me(Call& call) {
  Reply reply;
  reply.body = app::user_json(call.user);
  reply.body["csrf_token"] = call.cookie_session ? json(call.csrf) : json(nullptr);
  reply.body["signed_in_by"] = call.cookie_session ? "session" : "token";
  return reply;
}

}  // namespace moat::http::handlers
