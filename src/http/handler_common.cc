// SPDX-License-Identifier: Apache-2.0
// What several handler files share: parameters, bodies, refusals, today.
#include <cctype>
#include <charconv>
#include <limits>

#include "http/handlers.h"

namespace moat::http::handlers {

using nlohmann::json;

Result<std::int64_t> number_param(const Call& call, std::string_view name, std::int64_t fallback,
                                  std::int64_t low, std::int64_t high) {
  const auto text = call.query_value(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < low || value > high) {
    return input_error(std::string(name), std::string(name) + " must be a whole number from " +
                                              std::to_string(low) + " to " + std::to_string(high));
  }
  return value;
}

namespace {

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

}  // namespace

// The same request with `name` set to `value`: a page's "next" link.
std::string link_with(const Call& call, std::string_view name, const std::string& value) {
  std::string out = std::string(call.path) + "?";
  bool replaced = false;
  for (const auto& [key, current] : call.query) {
    const bool is_name = key == name;
    replaced = replaced || is_name;
    out += percent_encode(key) + "=" + percent_encode(is_name ? value : current) + "&";
  }
  if (!replaced) out += std::string(name) + "=" + value + "&";
  out.pop_back();
  return out;
}

Result<Reply> page_of(const Call& call, json items, std::int64_t default_limit) {
  MOAT_TRY(const std::int64_t limit, number_param(call, "limit", default_limit, 1, kMaxPageLimit));
  MOAT_TRY(const std::int64_t offset,
           number_param(call, "offset", 0, 0, std::numeric_limits<std::int32_t>::max()));
  const auto total = static_cast<std::int64_t>(items.size());
  json page = json::array();
  for (std::int64_t i = offset; i < total && i < offset + limit; ++i)
    page.push_back(std::move(items[static_cast<std::size_t>(i)]));
  const bool more = offset + limit < total;
  Reply reply;
  reply.body = {
      {"items", std::move(page)},
      {"total", total},
      {"limit", limit},
      {"offset", offset},
      {"next", more ? json(link_with(call, "offset", std::to_string(offset + limit))) : json(nullptr)}};
  return reply;
}

Reply json_reply(json body, unsigned status) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

Reply refuse(Problem problem, std::string detail) {
  Reply reply;
  reply.problem = std::pair(problem, std::move(detail));
  return reply;
}

std::variant<json, Reply> json_object_body(const Call& call, bool optional) {
  if (optional && call.request.body.empty()) return json::object();
  if (call.body && call.body->is_object()) return *call.body;  // checked against the route's schema
  if (!has_media_type(call.request.content_type, "application/json")) {
    return refuse(Problem::kUnsupportedMedia, "send a JSON object (Content-Type: application/json)");
  }
  auto body = parse_body(call.request.body);
  if (!body.ok()) return refuse(Problem::kBadRequest, body.error().where() + ": " + body.error().message());
  if (!body->is_object()) return refuse(Problem::kBadRequest, "the body is not a JSON object");
  return std::move(*body);
}

Date today(const Call& call) {
  return call.session.today();
}

std::string text_of(const json& object, std::string_view member) {
  const auto found = object.find(member);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace moat::http::handlers
