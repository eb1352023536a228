// SPDX-License-Identifier: Apache-2.0
// The counterfeit watch's references, matching runs, hits and decisions (listings in:
// watch_listings.cc; what the engine is given: watch_matching.cc).
#include "app/watch.h"

#include <algorithm>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "app/blobs.h"
#include "app/json_text.h"
#include "app/record_fields.h"
#include "app/records.h"
#include "app/red_flags.h"
#include "app/sourcing.h"
#include "app/watch_matching.h"
#include "core/text.h"
#include "watch/watch.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;
using watch_internal::table;

constexpr std::uintmax_t kMaxImageBytes = 64u << 20;

Date day_of(const store::Author& author) {
  return Date::parse(author.at.substr(0, 10)).value_or(Date::from_days(0));
}

ReferenceView reference_view(const json& r) {
  return {text(r, "id"),      text(r, "product"),  text(r, "kind"),    text(r, "text"),
          text(r, "name"),    text(r, "sha256"),   text(r, "blob"),    text(r, "right"),
          list(r, "secrets"), text(r, "added_at"), text(r, "added_by")};
}

Result<std::string> read_image(const std::filesystem::path& path) {
  MOAT_CHECK(regular_file(path));
  std::error_code error;
  if (std::filesystem::file_size(path, error) > kMaxImageBytes)
    return input_error(path.string(), "an image larger than 64 MiB");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return input_error(path.string(), "cannot read this file");
  return bytes;
}

struct IncomingReference {
  std::string name;
  std::string bytes;
  std::string media_type;
  std::string fingerprint;
};

Result<std::vector<IncomingReference>> read_reference_images(const ReferenceInput& input) {
  std::vector<std::pair<std::filesystem::path, Result<std::string>>> sources;
  for (const std::filesystem::path& path : input.images) sources.emplace_back(path, read_image(path));
  for (const auto& [name, content] : input.image_files) sources.emplace_back(name, content);
  std::vector<IncomingReference> out;
  std::vector<Diagnostic> problems;
  for (auto& [path, bytes] : sources) {
    if (!bytes.ok()) {
      problems.push_back(bytes.error().diagnostics().front());
      continue;
    }
    const std::string_view media_type = watch::image_media_type(*bytes);
    if (media_type.empty()) {
      problems.push_back({path.string(), "not an image (" + std::string(watch::kImageFormats) + ")"});
      continue;
    }
    Result<watch::Fingerprint> fingerprint = watch_internal::image_fingerprint(*bytes, path.string());
    if (!fingerprint.ok()) {
      problems.push_back(fingerprint.error().diagnostics().front());
      continue;
    }
    out.push_back(
        {path.filename().string(), std::move(*bytes), std::string(media_type), watch::to_text(*fingerprint)});
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return out;
}

Status check_reference_input(Workspace& workspace, const ReferenceInput& input) {
  MOAT_TRY(const std::optional<store::Record> product,
           workspace.store().get(table("products"), {input.product}));
  if (!product) return Error(ErrorCode::kNotFound, "PRODUCT", "no product '" + input.product + "'");
  const bool images = !input.images.empty() || !input.image_files.empty();
  if (!images && input.models.empty() && input.keywords.empty()) {
    return input_error("IMAGE", "give reference images, --model or --keyword");
  }
  for (const std::string& secret : input.secrets) {
    MOAT_TRY(const std::optional<store::Record> found,
             workspace.store().get(table("secrets"), {input.product, secret}));
    if (!found)
      return input_error("--secrets", "product " + input.product + " has no secret '" + secret + "'");
  }
  if (input.right.empty()) return {};
  if (!images) return input_error("--right", "--right names the design patent the images are figures of");
  MOAT_TRY(const std::optional<store::Record> right,
           workspace.store().get(table("ip_rights"), {input.right}));
  if (!right) return Error(ErrorCode::kNotFound, "--right", "no IP right '" + input.right + "'");
  if (text(*right, "kind") != "design") {
    return input_error("--right", input.right + " is a " + text(*right, "kind") + ", not a design patent");
  }
  return {};
}

std::vector<std::pair<json, std::vector<json>>> listings_with_images(
    const std::vector<store::Record>& listings, const std::vector<store::Record>& images) {
  std::map<std::string, std::vector<json>> by_listing;
  for (const json& image : images) by_listing[text(image, "listing")].push_back(image);
  std::vector<std::pair<json, std::vector<json>>> out;
  for (const json& l : listings) out.emplace_back(l, by_listing[text(l, "id")]);
  return out;
}

// Inside a write: matches every listing again against `context`.
Result<std::vector<store::Record>> rematch_all(Workspace& workspace, store::Writer& writer,
                                               const watch_internal::MatchContext& context,
                                               const std::string& at) {
  std::vector<store::Record> listings, images;
  MOAT_CHECK(read_tables(workspace.store(), {{"listings", &listings}, {"listing_images", &images}}));
  return watch_internal::record_hits(workspace, writer, context, listings_with_images(listings, images), at);
}

Result<std::vector<HitView>> views_of(Workspace& workspace, const std::vector<store::Record>& hits,
                                      Date today) {
  MOAT_TRY(const auto rights, watch_internal::right_views(workspace, today));
  std::vector<HitView> out;
  for (const json& hit : hits) {
    MOAT_TRY(HitView view, watch_internal::hit_view(workspace, hit, rights));
    out.push_back(std::move(view));
  }
  std::stable_sort(out.begin(), out.end(), [](const HitView& a, const HitView& b) {
    if (a.score != b.score) return a.score > b.score;
    return id_number(a.id, "H") < id_number(b.id, "H");
  });
  return out;
}

Status known_status(const std::string& status) {
  static const std::set<std::string> kStatuses = {"new", "confirmed", "dismissed", "unmatched"};
  if (!status.empty() && !kStatuses.contains(status)) {
    return input_error("--status",
                       "'" + status + "' is not a hit status (new, confirmed, dismissed, unmatched)");
  }
  return {};
}

// A decision is taken on the listing as it is now: a hit whose listing changed since it was
// decided takes what matches now; one that no longer matches can be dismissed, not confirmed.
Status decide_on_current(json& hit, const std::string& status) {
  const bool changed = !text(hit, "listing_changed_at").empty();
  const std::string now = changed ? text(hit, "current_reasons") : text(hit, "reasons");
  const json reasons = json::parse(now.empty() ? "[]" : now, nullptr, false);
  if (status == "confirmed" && (!reasons.is_array() || reasons.empty())) {
    return input_error("HIT", text(hit, "id") + "'s listing " + text(hit, "listing") +
                                  " no longer matches as captured now: dismiss it, or import a capture "
                                  "that shows the copy");
  }
  if (!changed) return {};
  hit["reasons"] = now;
  hit["score"] = number(hit, "current_score").value_or(0);
  hit["listing_changed_at"] = nullptr;
  hit["current_score"] = nullptr;
  hit["current_reasons"] = nullptr;
  return {};
}

json number_or_null(const std::optional<double>& value) {
  return value ? json(*value) : json();
}

json right_json(const RightView& r) {
  return {{"id", r.id},        {"kind", r.kind}, {"jurisdiction", r.jurisdiction},
          {"title", r.title},  {"mark", r.mark}, {"registration_number", r.registration_number},
          {"status", r.status}};
}

}  // namespace

Result<std::vector<ReferenceView>> add_references(Workspace& workspace, const Session& session,
                                                  const ReferenceInput& input) {
  MOAT_CHECK(check_reference_input(workspace, input));
  MOAT_CHECK(watch::text_ready());
  MOAT_TRY(const std::vector<IncomingReference> images, read_reference_images(input));
  std::vector<Blob> blobs;
  for (const IncomingReference& image : images) {
    MOAT_TRY(Blob blob, store_blob(workspace, image.bytes));
    blobs.push_back(std::move(blob));
  }
  const store::Author author = session.author();
  std::vector<ReferenceView> added;
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    added.clear();
    MOAT_TRY(const std::vector<store::Record> stored, workspace.store().list(table("watch_references")));
    std::vector<std::string> ids;
    for (const json& r : stored) ids.push_back(text(r, "id"));
    const auto put = [&](json record) -> Status {
      record["id"] = next_id(ids, "WR");
      ids.push_back(record["id"]);
      record["product"] = input.product;
      record["secrets"] = input.secrets;
      record["added_at"] = author.at;
      record["added_by"] = author.actor;
      MOAT_TRY(const bool written, writer.put(table("watch_references"), record));
      (void)written;
      added.push_back(reference_view(record));
      return {};
    };
    // A reference known already is not recorded twice, but what this call adds to it is: the
    // design it is a figure of, the secrets it shows.
    const auto add_to_known = [&](const json& known) -> Status {
      json record = known;
      const std::string right = text(known, "right");
      if (!input.right.empty() && !right.empty() && right != input.right) {
        return input_error(
            "--right", text(known, "id") + " is a figure of " + right + " already, not of " + input.right);
      }
      if (!input.right.empty()) record["right"] = input.right;
      std::vector<std::string> secrets = list(known, "secrets");
      for (const std::string& secret : input.secrets) {
        if (std::find(secrets.begin(), secrets.end(), secret) == secrets.end()) secrets.push_back(secret);
      }
      record["secrets"] = secrets;
      if (record != known) {
        MOAT_TRY(const bool written, writer.put(table("watch_references"), record));
        (void)written;
      }
      added.push_back(reference_view(record));
      return {};
    };
    for (std::size_t i = 0; i < images.size(); ++i) {
      const auto same = std::find_if(stored.begin(), stored.end(), [&](const json& r) {
        return text(r, "product") == input.product && text(r, "sha256") == sha256_hex(images[i].bytes);
      });
      if (same != stored.end()) {
        MOAT_CHECK(add_to_known(*same));
        continue;
      }
      json record = {{"kind", "image"},
                     {"name", images[i].name},
                     {"sha256", sha256_hex(images[i].bytes)},
                     {"blob", blobs[i].id},
                     {"size", blobs[i].size},
                     {"media_type", images[i].media_type},
                     {"fingerprint", images[i].fingerprint}};
      if (!input.right.empty()) record["right"] = input.right;
      MOAT_CHECK(put(std::move(record)));
    }
    for (const auto& [kind, texts] :
         {std::pair{"model", &input.models}, std::pair{"keyword", &input.keywords}}) {
      for (const std::string& t : *texts) {
        // Compared as the engine compares: ＡＵ－３６０ is AU-360, 極光音箱 is 极光音箱, and a text of
        // punctuation alone (！) would match nothing.
        if (first_invalid_utf8(t) || watch::normalise(t).empty())
          return input_error(std::string("--") + kind, std::string("an empty or invalid ") + kind + " '" +
                                                           cut_short(t) +
                                                           "': it holds no letter, digit or character");
        const std::string form = watch::normalise(t);
        const auto same = std::find_if(stored.begin(), stored.end(), [&](const json& r) {
          return text(r, "product") == input.product && text(r, "kind") == kind &&
                 watch::normalise(text(r, "text")) == form;
        });
        if (same != stored.end()) {
          MOAT_CHECK(add_to_known(*same));  // known already: not recorded twice
          continue;
        }
        MOAT_CHECK(put({{"kind", kind}, {"text", std::string(trim(t))}}));
      }
    }
    return {};
  }));
  (void)events;
  MOAT_TRY(const std::vector<HitView> hits, match_listings(workspace, session, day_of(author)));
  (void)hits;
  return added;
}

Result<std::vector<ReferenceView>> remove_references(Workspace& workspace, const Session& session,
                                                     const std::vector<std::string>& ids) {
  if (ids.empty()) return input_error("REFERENCE", "name the references to remove (WR1, ...)");
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    if (!seen.insert(id).second) return input_error("REFERENCE", id + " is given twice");
  }
  const store::Author author = session.author();
  std::vector<ReferenceView> removed;
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    removed.clear();
    for (const std::string& id : ids) {
      MOAT_TRY(const std::optional<store::Record> found,
               workspace.store().get(table("watch_references"), {id}));
      if (!found) return Error(ErrorCode::kNotFound, "REFERENCE", "no reference '" + id + "'");
      MOAT_TRY(const bool gone, writer.remove(table("watch_references"), {id}));
      (void)gone;
      removed.push_back(reference_view(*found));
    }
    return {};
  }));
  (void)events;
  MOAT_TRY(const std::vector<HitView> hits, match_listings(workspace, session, day_of(author)));
  (void)hits;
  return removed;
}

Result<std::vector<ProductReferences>> list_references(Workspace& workspace, Date today) {
  std::vector<store::Record> products, rights, references;
  MOAT_CHECK(
      read_tables(workspace.store(),
                  {{"products", &products}, {"ip_rights", &rights}, {"watch_references", &references}}));
  MOAT_TRY(const auto views, watch_internal::right_views(workspace, today));
  MOAT_TRY(const watch_internal::MatchContext context, watch_internal::match_context(workspace, today));
  std::vector<ProductReferences> out;
  for (const json& p : products) {
    ProductReferences product{text(p, "id"), text(p, "name"),       {}, {}, {},
                              std::nullopt,  context.base_currency, {}};
    for (const json& r : rights) {
      const std::vector<std::string> covered = list(r, "products");
      if (!covered.empty() && std::find(covered.begin(), covered.end(), product.product) == covered.end())
        continue;
      const RightView& view = views.at(text(r, "id"));
      if (view.status == "ended") continue;  // nothing is matched or enforced with it
      if (!view.own && (view.kind == "trademark" || view.kind == "design")) {
        product.not_matched.push_back(view);  // said, so that a name written otherwise is seen
        continue;
      }
      if (!view.own) continue;
      if (view.kind == "trademark") product.marks.push_back(view);
      if (view.kind == "design") product.designs.push_back(view);
    }
    for (const json& r : references) {
      if (text(r, "product") == product.product) product.references.push_back(reference_view(r));
    }
    for (const watch::Product& engine : context.products) {
      if (engine.id == product.product) product.price_floor = engine.price_floor;
    }
    MOAT_TRY(const std::optional<SavedPlan> plan, current_plan(workspace, product.product));
    product.price_floor_source =
        !plan                 ? "no plan: no price floor"
        : product.price_floor ? "unit cost by " + plan->state + " plan " + plan->id
                              : "plan " + plan->id + " has no cost with quotes valid today: no price floor";
    out.push_back(std::move(product));
  }
  return out;
}

Result<std::vector<HitView>> match_listings(Workspace& workspace, const Session& session, Date today) {
  MOAT_TRY(const watch_internal::MatchContext context, watch_internal::match_context(workspace, today));
  const store::Author author = session.author();
  std::vector<store::Record> changed;
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    MOAT_TRY(changed, rematch_all(workspace, writer, context, author.at));
    return {};
  }));
  (void)events;
  return views_of(workspace, changed, today);
}

Result<std::vector<HitView>> list_hits(Workspace& workspace, const std::string& status, Date today) {
  MOAT_CHECK(known_status(status));
  MOAT_TRY(std::vector<store::Record> hits, workspace.store().list(table("hits")));
  if (!status.empty()) std::erase_if(hits, [&](const json& h) { return text(h, "status") != status; });
  return views_of(workspace, hits, today);
}

Result<store::PageQuery> hit_selection(const std::string& status) {
  MOAT_CHECK(known_status(status));
  store::PageQuery selection;
  if (!status.empty()) selection.where.emplace_back("status", status);
  selection.order = {{"score", true, false}, {"id", false, true}, {"id", false, false}};
  return selection;
}

Result<std::vector<HitView>> hit_views(Workspace& workspace, const std::vector<store::Record>& hits,
                                       Date today) {
  return views_of(workspace, hits, today);
}

Result<HitView> find_hit(Workspace& workspace, const std::string& id, Date today) {
  MOAT_TRY(const std::optional<store::Record> hit, workspace.store().get(table("hits"), {id}));
  if (!hit) return Error(ErrorCode::kNotFound, "HIT", "no hit '" + id + "'");
  MOAT_TRY(std::vector<HitView> views, views_of(workspace, {*hit}, today));
  return std::move(views.front());
}

Result<Decision> decide_hit(Workspace& workspace, const Session& session, const std::string& id,
                            const std::string& status, const std::string& reason, Date today) {
  if (status != "confirmed" && status != "dismissed") {
    return input_error("status", "a hit is confirmed or dismissed, not '" + status + "'");
  }
  if (watch_internal::blank(reason)) return input_error("--reason", "say why the hit is " + status);
  const store::Author author = session.author();
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    MOAT_TRY(std::optional<store::Record> hit, workspace.store().get(table("hits"), {id}));
    if (!hit) return Error(ErrorCode::kNotFound, "HIT", "no hit '" + id + "'");
    MOAT_CHECK(decide_on_current(*hit, status));
    (*hit)["status"] = status;
    (*hit)["decided_by"] = author.actor;
    (*hit)["decided_at"] = author.at;
    (*hit)["decision_reason"] = std::string(trim(reason));
    MOAT_TRY(const bool written, writer.put(table("hits"), *hit));
    (void)written;
    return {};
  }));
  (void)events;
  Decision decision;
  MOAT_TRY(decision.hit, find_hit(workspace, id, today));
  if (status != "confirmed") return decision;
  MOAT_TRY(const std::vector<Flag> flags, refresh_flags(workspace, session, today));
  for (const Flag& flag : flags) {
    if (flag.rule == "counterfeit-traced" && flag.cause == "hit/" + id) decision.flags.push_back(flag.id);
  }
  return decision;
}

Result<std::string> read_listing_image(Workspace& workspace, const std::string& listing,
                                       const std::string& name) {
  MOAT_TRY(const std::optional<store::Record> image,
           workspace.store().get(table("listing_images"), {listing, name}));
  if (!image) return Error(ErrorCode::kNotFound, "listing_images/" + listing + "/" + name, "no such image");
  return load_blob(workspace, text(*image, "blob"));
}

Result<std::string> read_reference_image(Workspace& workspace, const std::string& reference) {
  MOAT_TRY(const std::optional<store::Record> r,
           workspace.store().get(table("watch_references"), {reference}));
  if (!r || text(*r, "blob").empty())
    return Error(ErrorCode::kNotFound, "watch_references/" + reference, "no such image");
  return load_blob(workspace, text(*r, "blob"));
}

json listing_json(const ListingView& l) {
  json images = json::array();
  for (const ImageView& i : l.images) {
    images.push_back({{"name", i.name},
                      {"sha256", i.sha256},
                      {"size", i.size},
                      {"media_type", i.media_type},
                      {"captured_at", i.captured_at},
                      {"captured_by", i.captured_by}});
  }
  return {{"id", l.id},
          {"platform", l.platform},
          {"url", l.url},
          {"listing_id", l.listing_id},
          {"title", l.title},
          {"description", l.description},
          {"price", number_or_null(l.price)},
          {"currency", l.currency},
          {"min_order", l.min_order ? json(*l.min_order) : json()},
          {"seller", l.seller},
          {"store_url", l.store_url},
          {"seller_location", l.seller_location},
          {"captured_at", l.captured_at},
          {"captured_by", l.captured_by},
          {"source", l.source},
          {"images", images}};
}

json hit_json(const HitView& h) {
  json reasons = json::array();
  for (const ReasonView& r : h.reasons) {
    reasons.push_back(
        {{"kind", r.kind}, {"reference", r.reference}, {"detail", r.detail}, {"score", r.score}});
  }
  json rights = json::array();
  for (const RightView& r : h.rights) rights.push_back(right_json(r));
  json current = json::array();
  for (const ReasonView& r : h.current_reasons) {
    current.push_back(
        {{"kind", r.kind}, {"reference", r.reference}, {"detail", r.detail}, {"score", r.score}});
  }
  return {{"id", h.id},
          {"listing", listing_json(h.listing)},
          {"product", h.product},
          {"score", h.score},
          {"reasons", reasons},
          {"rights", rights},
          {"reference_images", h.reference_images},
          {"status", h.status},
          {"found_at", h.found_at},
          {"decided_by", h.decided_by.empty() ? json() : json(h.decided_by)},
          {"decided_at", h.decided_at.empty() ? json() : json(h.decided_at)},
          {"decision_reason", h.decision_reason.empty() ? json() : json(h.decision_reason)},
          {"listing_changed_at", h.listing_changed_at.empty() ? json() : json(h.listing_changed_at)},
          {"current_score", h.listing_changed_at.empty() ? json() : json(h.current_score)},
          {"current_reasons", h.listing_changed_at.empty() ? json() : current}};
}

json reference_json(const ReferenceView& r) {
  return {{"id", r.id},
          {"product", r.product},
          {"kind", r.kind},
          {"text", r.text},
          {"name", r.name},
          {"sha256", r.sha256},
          {"right", r.right.empty() ? json() : json(r.right)},
          {"secrets", r.secrets},
          {"added_at", r.added_at},
          {"added_by", r.added_by}};
}

json product_references_json(const ProductReferences& p) {
  json marks = json::array(), designs = json::array(), references = json::array();
  for (const RightView& r : p.marks) marks.push_back(right_json(r));
  for (const RightView& r : p.designs) designs.push_back(right_json(r));
  json not_matched = json::array();
  for (const RightView& r : p.not_matched) {
    json right = right_json(r);
    right["owner"] = r.owner;
    not_matched.push_back(std::move(right));
  }
  for (const ReferenceView& r : p.references) references.push_back(reference_json(r));
  return {{"product", p.product},
          {"name", p.name},
          {"marks", marks},
          {"designs", designs},
          {"references", references},
          {"price_floor", number_or_null(p.price_floor)},
          {"currency", p.currency},
          {"price_floor_source", p.price_floor_source},
          {"not_matched", not_matched}};
}

}  // namespace moat::app
