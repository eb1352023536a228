// SPDX-License-Identifier: Apache-2.0
// Errors as HTTP answers: RFC 9457 problem details (application/problem+json with type, title,
// status, detail and instance), and the one place where moat's ErrorCode becomes an HTTP status.
// Internal faults are answered with a fixed text: no path, SQL or exception text reaches a client.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "http/api.h"

namespace moat::http {

enum class Problem {
  kBadRequest,            // 400: malformed or invalid input
  kUnauthenticated,       // 401: no valid token or session
  kForbidden,             // 403: the caller's role may not do this
  kCsrf,                  // 403: a cookie-session write without the right X-CSRF-Token
  kNotFound,              // 404
  kMethodNotAllowed,      // 405
  kConflict,              // 409
  kGone,                  // 410: a release revoked or expired: its copies are no longer served
  kPreconditionFailed,    // 412: If-Match names a version that is no longer current
  kTooLarge,              // 413
  kUnsupportedMedia,      // 415
  kPreconditionRequired,  // 428: a write without If-Match
  kTooManyRequests,       // 429
  kInternal,              // 500
};

unsigned status_of(Problem problem);

// A problem response. `detail` is shown to the client: never pass internal text here.
Response problem_response(Problem problem, std::string_view detail, std::string_view instance);

// The problem for an error from src/app: kInput 400, kNotFound 404, kConflict 409, kIntegrity and
// kInternal 500. The user-facing messages of the first three become the detail (and "errors");
// the last two are answered with a fixed text.
Response error_response(const Error& error, std::string_view instance);

}  // namespace moat::http
