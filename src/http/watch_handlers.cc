// SPDX-License-Identifier: Apache-2.0
// The counterfeit watch's routes: hits with their listing and reasons, a person's decision on a
// hit, the listings' and references' images (to show side by side), the references each product
// is recognised by, and the takedown complaints with their state. Adapters over app/watch.h and
// app/watch_complaints.h; the JSON is the CLI's --json.
#include <array>
#include <string_view>
#include <utility>

#include "app/watch.h"
#include "app/watch_complaints.h"
#include "http/handlers.h"

namespace moat::http::handlers {
namespace {

using nlohmann::json;

// Where the API locates the watch's errors: the hit or complaint is the path's `id`, the decision's
// and the status's fields are the body's (the use cases name the terminal's "HIT", "--on").
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kPlaces = {{
    {"HIT", "id"},
    {"COMPLAINT", "id"},
    {"status", "#/status"},
    {"--status", "#/status"},
    {"--reason", "#/reason"},
    {"--on", "#/on"},
    {"--reference", "#/reference"},
}};

// A use case's answer, its errors located as the API sees them.
template <typename T>
Result<T> located(Result<T> result) {
  if (result.ok()) return result;
  return relocated(std::move(result).error(), kPlaces);
}

// An image the path names and the vault does not hold: its path parameter is the place (the use
// cases name the record, "listing_images/L1/front.png").
Result<std::string> missing_at(std::string_view parameter, Result<std::string> content) {
  if (content.ok() || content.error().code() != ErrorCode::kNotFound) return content;
  return Error(ErrorCode::kNotFound, std::string(parameter), content.error().message());
}

Reply image_reply(std::string content) {
  Reply reply;
  std::string_view head(content);
  reply.content_type = head.starts_with("\x89PNG")                         ? "image/png"
                       : head.starts_with("\xFF\xD8\xFF")                  ? "image/jpeg"
                       : head.starts_with("RIFF")                          ? "image/webp"
                       : head.starts_with("BM")                            ? "image/bmp"
                       : head.starts_with("II*") || head.starts_with("MM") ? "image/tiff"
                                                                           : "application/octet-stream";
  reply.raw = std::move(content);
  reply.headers.emplace_back("Cache-Control", "private, max-age=3600");
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return reply;
}

}  // namespace

Result<Reply> watch_hits(Call& call) {
  MOAT_TRY(store::PageQuery selection, app::hit_selection(call.query_value("status").value_or("")));
  return selection_page(
      call, "hits", std::move(selection), 100, [&call](std::vector<store::Record> records) -> Result<json> {
        MOAT_TRY(const std::vector<app::HitView> hits, app::hit_views(call.workspace, records, today(call)));
        json items = json::array();
        for (const app::HitView& h : hits) items.push_back(app::hit_json(h));
        return items;
      });
}

Result<Reply> watch_hit(Call& call) {
  MOAT_TRY(const app::HitView hit, located(app::find_hit(call.workspace, call.param("id"), today(call))));
  return json_reply(app::hit_json(hit));
}

// {"status": "confirmed" | "dismissed", "reason": "..."}
Result<Reply> decide_watch_hit(Call& call) {
  auto body = json_object_body(call);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  const json& object = std::get<json>(body);
  MOAT_TRY(const app::Decision decision,
           located(app::decide_hit(call.workspace, call.session, call.param("id"), text_of(object, "status"),
                                   text_of(object, "reason"), today(call))));
  json out = app::hit_json(decision.hit);
  out["flags"] = decision.flags;
  return json_reply(out);
}

Result<Reply> watch_match(Call& call) {
  MOAT_TRY(const std::vector<app::HitView> hits,
           app::match_listings(call.workspace, call.session, today(call)));
  json items = json::array();
  for (const app::HitView& h : hits) items.push_back(app::hit_json(h));
  return json_reply({{"hits", items}});
}

Result<Reply> watch_listings(Call& call) {
  return selection_page(call, "listings", app::listing_selection(), 100,
                        [&call](std::vector<store::Record> records) -> Result<json> {
                          MOAT_TRY(const std::vector<app::ListingView> listings,
                                   app::listing_views(call.workspace, records));
                          json items = json::array();
                          for (const app::ListingView& l : listings) items.push_back(app::listing_json(l));
                          return items;
                        });
}

Result<Reply> watch_listing_image(Call& call) {
  MOAT_TRY(std::string content,
           missing_at("name", app::read_listing_image(call.workspace, call.param("id"), call.param("name"))));
  return image_reply(std::move(content));
}

Result<Reply> watch_references(Call& call) {
  MOAT_TRY(const std::vector<app::ProductReferences> all, app::list_references(call.workspace, today(call)));
  json items = json::array();
  for (const app::ProductReferences& p : all) items.push_back(app::product_references_json(p));
  return json_reply({{"items", items}});
}

Result<Reply> watch_reference_image(Call& call) {
  MOAT_TRY(std::string content,
           missing_at("id", app::read_reference_image(call.workspace, call.param("id"))));
  return image_reply(std::move(content));
}

Result<Reply> watch_complaints(Call& call) {
  return selection_page(call, "complaints", app::complaint_selection(), 100,
                        [&call](std::vector<store::Record> records) -> Result<json> {
                          MOAT_TRY(const std::vector<app::ComplaintView> complaints,
                                   app::complaint_views(call.workspace, records, today(call)));
                          json items = json::array();
                          for (const app::ComplaintView& c : complaints)
                            items.push_back(app::complaint_json(c));
                          return items;
                        });
}

// {"status", "on" (YYYY-MM-DD, default today), "reference", "note"}
Result<Reply> set_watch_complaint(Call& call) {
  auto body = json_object_body(call);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  const json& object = std::get<json>(body);
  app::ComplaintUpdate update{text_of(object, "status"), std::nullopt, text_of(object, "reference"),
                              text_of(object, "note")};
  const std::string on = text_of(object, "on");
  if (!on.empty()) {
    update.on = Date::parse(on);
    if (!update.on) return input_error("#/on", "'" + on + "' is not a date (YYYY-MM-DD)");
  }
  MOAT_TRY(const app::ComplaintView view,
           located(app::set_complaint_status(call.workspace, call.session, call.param("id"), update,
                                             today(call))));
  return json_reply(app::complaint_json(view));
}

}  // namespace moat::http::handlers
