// SPDX-License-Identifier: Apache-2.0
// What several handler files share: parameters, bodies, refusals, today.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <string>
#include <vector>

#include "core/text.h"
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

namespace {

// Characters of UTF-8 text, as SQL's LENGTH counts them.
std::int64_t characters(std::string_view text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

store::SqlValue sql_value_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number()) return value.get<double>();
  if (value.is_boolean()) return std::int64_t{value.get<bool>() ? 1 : 0};
  return std::monostate();
}

// The values of the order's terms in the record with id `after`: from the id alone when every
// term is the id, else read from the record (kInput when there is none).
Result<std::vector<store::SqlValue>> cursor_terms(Call& call, const store::Table& table,
                                                  const std::vector<store::OrderTerm>& order,
                                                  const std::string& after) {
  const std::string key(table.key_fields().front().name);
  const bool by_id =
      std::all_of(order.begin(), order.end(), [&](const auto& term) { return term.field == key; });
  json record = {{key, after}};
  if (!by_id) {
    MOAT_TRY(std::optional<json> found, app::read_record(call.workspace, table.name, {after}));
    // Another supplier's record is no place for a supplier user to page from: answered as one that
    // is not there, or the answer would tell it exists, and its date by the page it gives.
    const std::string owner = table.name == "suppliers" ? "id" : table.field("supplier") ? "supplier" : "";
    if (found && call.is_supplier() && !owner.empty() &&
        (!found->contains(owner) || (*found)[owner] != call.user.supplier))
      found.reset();
    if (!found) {
      return input_error("after", "no " + std::string(table.singular) + " '" + after +
                                      "' to page after: it was removed; start again from the first page");
    }
    record = *found;
  }
  std::vector<store::SqlValue> values;
  for (const store::OrderTerm& term : order) {
    const json& value = record.contains(term.field) ? record[term.field] : json();
    values.push_back(term.by_length
                         ? store::SqlValue(characters(value.is_string() ? value.get<std::string>() : ""))
                         : sql_value_of(value));
  }
  return values;
}

}  // namespace

Result<Reply> selection_page(Call& call, std::string_view kind, store::PageQuery selection,
                             std::int64_t default_limit, const PageItems& items) {
  MOAT_TRY(const std::int64_t limit, number_param(call, "limit", default_limit, 1, kMaxPageLimit));
  MOAT_TRY(const std::int64_t offset,
           number_param(call, "offset", 0, 0, std::numeric_limits<std::int32_t>::max()));
  const auto after = call.query_value("after");
  if (after && call.query_value("offset"))
    return input_error("after", "page by after or by offset, not both");
  const store::Table* table = app::record_kind(kind);
  if (!table || table->key_fields().size() != 1)
    return Error(ErrorCode::kInternal, std::string(kind), "not a kind keyed by one field");
  const std::string key(table->key_fields().front().name);
  MOAT_TRY(const std::int64_t total, app::count_page(call.workspace, kind, selection));
  if (after && selection.order.empty()) selection.after = store::Key{*after};
  if (after && !after->empty() && !selection.order.empty()) {  // an empty cursor: from the first
    MOAT_TRY(selection.after_terms, cursor_terms(call, *table, selection.order, *after));
  }
  selection.offset = offset;
  selection.limit = limit + 1;  // one more: whether a next page exists
  MOAT_TRY(auto records, app::read_page(call.workspace, kind, selection));
  const bool more = static_cast<std::int64_t>(records.size()) > limit;
  if (more) records.pop_back();
  json next = nullptr;
  if (more && after) next = link_with(call, "after", records.back()[key].get<std::string>());
  if (more && !after) next = link_with(call, "offset", std::to_string(offset + limit));
  json shown = json::array();
  if (items) {
    MOAT_TRY(shown, items(std::move(records)));
  } else {
    for (json& record : records) shown.push_back(std::move(record));
  }
  Reply reply;
  reply.body = {
      {"items", std::move(shown)}, {"total", total}, {"limit", limit}, {"offset", offset}, {"next", next}};
  return reply;
}

Result<Reply> record_page(Call& call, std::string_view kind, const RecordFilter& where,
                          std::int64_t default_limit, const std::function<Result<json>(json)>& item) {
  store::PageQuery selection;
  selection.where = where;
  if (!item) return selection_page(call, kind, std::move(selection), default_limit, {});
  return selection_page(call, kind, std::move(selection), default_limit,
                        [&item](std::vector<store::Record> records) -> Result<json> {
                          json shown = json::array();
                          for (json& record : records) {
                            MOAT_TRY(json shaped, item(std::move(record)));
                            shown.push_back(std::move(shaped));
                          }
                          return shown;
                        });
}

Result<Reply> page_after(const Call& call, json items, std::int64_t default_limit) {
  const auto after = call.query_value("after");
  if (after && call.query_value("offset"))
    return input_error("after", "page by after or by offset, not both");
  const auto total = static_cast<std::int64_t>(items.size());
  if (after) {
    json rest = json::array();
    for (json& item : items) {
      if (item["id"].get<std::string>() > *after) rest.push_back(std::move(item));
    }
    items = std::move(rest);
  }
  MOAT_TRY(Reply reply, page_of(call, std::move(items), default_limit));
  reply.body["total"] = total;  // every record the filters select, as without a cursor
  if (after && !reply.body["next"].is_null() && !reply.body["items"].empty()) {
    reply.body["next"] = link_with(call, "after", reply.body["items"].back()["id"].get<std::string>());
  }
  return reply;
}

void filter_by_param(const Call& call, RecordFilter& where, const std::string& field) {
  const auto wanted = call.query_value(field);
  if (wanted && !wanted->empty()) where.emplace_back(field, *wanted);
}

Status known_value(const Call& call, std::string_view name, std::span<const std::string_view> values,
                   std::string_view what) {
  const auto wanted = call.query_value(name);
  if (!wanted || std::find(values.begin(), values.end(), *wanted) != values.end()) return {};
  std::vector<std::string> listed(values.begin(), values.end());
  return input_error(std::string(name),
                     "'" + *wanted + "' is not a " + std::string(what) + " (" + join(listed, ", ") + ")");
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

Error relocated(Error error, Places places) {
  std::vector<Diagnostic> diagnostics = error.diagnostics();
  for (Diagnostic& d : diagnostics) {
    const auto place =
        std::find_if(places.begin(), places.end(), [&](const auto& p) { return p.first == d.where; });
    if (place != places.end()) d.where = place->second;
  }
  return Error(error.code(), std::move(diagnostics));
}

}  // namespace moat::http::handlers
