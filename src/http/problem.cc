// SPDX-License-Identifier: Apache-2.0
#include "http/problem.h"

#include <nlohmann/json.hpp>

namespace moat::http {
namespace {

using nlohmann::json;

struct ProblemKind {
  unsigned status;
  std::string_view slug;
  std::string_view title;
};

// Indexed by Problem.
constexpr ProblemKind kKinds[] = {
    {400, "bad-request", "The request is not valid"},
    {401, "unauthenticated", "Sign-in required"},
    {403, "forbidden", "Not allowed for your role"},
    {403, "csrf", "Missing or wrong X-CSRF-Token"},
    {404, "not-found", "Not found"},
    {405, "method-not-allowed", "Method not allowed"},
    {409, "conflict", "Conflicts with the current state"},
    {410, "gone", "No longer available"},
    {412, "precondition-failed", "The record has changed since it was read"},
    {413, "too-large", "The request is too large"},
    {415, "unsupported-media-type", "Unsupported content type"},
    {428, "precondition-required", "If-Match required"},
    {429, "too-many-requests", "Too many requests"},
    {500, "internal", "Internal error"},
};

constexpr std::string_view kInternalDetail = "moat could not complete the request; the server's log says why";
constexpr std::size_t kMaxDiagnostics = 20;

const ProblemKind& kind_of(Problem problem) {
  return kKinds[static_cast<std::size_t>(problem)];
}

json problem_json(Problem problem, std::string_view detail, std::string_view instance) {
  const ProblemKind& kind = kind_of(problem);
  return {{"type", "urn:moat:problem:" + std::string(kind.slug)},
          {"title", kind.title},
          {"status", kind.status},
          {"detail", detail},
          {"instance", instance}};
}

Response render(const json& body, unsigned status) {
  Response response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

Problem problem_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInput:
      return Problem::kBadRequest;
    case ErrorCode::kNotFound:
      return Problem::kNotFound;
    case ErrorCode::kConflict:
      return Problem::kConflict;
    case ErrorCode::kIntegrity:
    case ErrorCode::kInternal:
      break;
  }
  return Problem::kInternal;
}

// A place as the client may see it: field names and JSON pointers, never a file path.
std::string shown_place(const std::string& where) {
  if (where.empty() || where.front() == '/' || where.find("/.") != std::string::npos) return {};
  // The use cases name a command-line flag ("--product") where the API has a field or parameter.
  if (where.starts_with("--")) return where.substr(2);
  const std::size_t hash = where.find('#');
  return hash == std::string::npos ? where : where.substr(hash + 1);
}

}  // namespace

unsigned status_of(Problem problem) {
  return kind_of(problem).status;
}

Response problem_response(Problem problem, std::string_view detail, std::string_view instance) {
  return render(problem_json(problem, detail, instance), status_of(problem));
}

Response error_response(const Error& error, std::string_view instance) {
  const Problem problem = problem_of(error.code());
  if (problem == Problem::kInternal) return problem_response(problem, kInternalDetail, instance);
  json body = problem_json(problem, error.message(), instance);
  json errors = json::array();
  for (std::size_t i = 0; i < error.diagnostics().size() && i < kMaxDiagnostics; ++i) {
    const Diagnostic& diagnostic = error.diagnostics()[i];
    errors.push_back({{"where", shown_place(diagnostic.where)}, {"message", diagnostic.message}});
  }
  body["errors"] = std::move(errors);
  return render(body, status_of(problem));
}

}  // namespace moat::http
