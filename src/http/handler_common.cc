// SPDX-License-Identifier: Apache-2.0
// What several handler files share: parameters, bodies, refusals, today.
#include <charconv>

#include "http/handlers.h"

namespace moat::http::handlers {

using nlohmann::json;

const store::Table& table(std::string_view name) { return *store::find_table(name); }

Result<std::int64_t> number_param(const Call& call, std::string_view name, std::int64_t fallback,
                                  std::int64_t low, std::int64_t high) {
  const auto text = call.query_value(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < low || value > high) {
    return input_error(std::string(name), std::string(name) + " must be a whole number from " + std::to_string(low) +
                                              " to " + std::to_string(high));
  }
  return value;
}

Reply refuse(Problem problem, std::string detail) {
  Reply reply;
  reply.problem = std::pair(problem, std::move(detail));
  return reply;
}

std::variant<json, Reply> json_object_body(const Call& call) {
  if (!call.request.content_type.starts_with("application/json")) {
    return refuse(Problem::kUnsupportedMedia, "send a JSON object (Content-Type: application/json)");
  }
  json body = json::parse(call.request.body, nullptr, false);
  if (!body.is_object()) return refuse(Problem::kBadRequest, "the body is not a JSON object");
  return body;
}

Date today(const Call& call) {
  const auto date = Date::parse(call.session.now().substr(0, 10));
  return date ? *date : Date::from_days(0);
}

std::string text_of(const json& object, std::string_view member) {
  const auto found = object.find(member);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace moat::http::handlers
