// SPDX-License-Identifier: Apache-2.0
#include "app/watch_matching.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <set>

#include "app/legal_rules.h"
#include "app/money.h"
#include "app/record_fields.h"
#include "app/records.h"
#include "app/sourcing.h"
#include "core/text.h"

namespace moat::app::watch_internal {
namespace {

using nlohmann::json;
using namespace fields_of;

// The events that end a right (docs/legal.md): nothing is enforced with it after them.
constexpr std::array<std::string_view, 5> kEndingEvents = {"abandoned", "withdrawn", "refused", "lapsed",
                                                           "invalidated"};

bool covers(const json& right, const std::string& product) {
  const std::vector<std::string> products = list(right, "products");
  return products.empty() || std::find(products.begin(), products.end(), product) != products.end();
}

std::string mark_text(const json& right) {
  const std::string mark = text(right, "mark");
  return mark.empty() ? text(right, "title") : mark;
}

// The product's unit cost by its approved plan (else its newest draft): per work package, what
// its assignments cost (units at the quoted unit cost plus tooling) over the package's volume.
Result<std::optional<double>> unit_cost(Workspace& workspace, const std::string& product, Date today) {
  MOAT_TRY(const std::optional<SavedPlan> plan, current_plan(workspace, product));
  if (!plan || plan->plan.assignments.empty()) return std::optional<double>();
  Result<plan::Instance> instance = product_instance(workspace, product, {.today = today.to_string()});
  if (!instance.ok()) return std::optional<double>();
  double total = 0;
  for (const plan::Assignment& a : plan->plan.assignments) {
    const auto package = std::find_if(instance->packages.begin(), instance->packages.end(),
                                      [&](const plan::Package& p) { return p.id == a.package; });
    const auto quote = std::find_if(
        instance->quotes.begin(), instance->quotes.end(),
        [&](const plan::Quote& q) { return q.package == a.package && q.supplier == a.supplier; });
    if (package == instance->packages.end() || quote == instance->quotes.end() || package->volume <= 0) {
      return std::optional<double>();  // a quote lapsed since: no floor rather than a wrong one
    }
    total += (quote->unit_cost * a.units + quote->fixed_cost) / package->volume;
  }
  return std::optional<double>(total);
}

// A price reason's detail as the listing shows the price: the engine compares in the base currency,
// so a price in another one is quoted as captured with its conversion beside it ("price 10.00 USD
// (71.20 CNY) is 72% below the floor 255.54 CNY"), never as if 71.20 were the listing's price.
std::string price_detail(const MatchContext& context, const json& listing, const std::string& detail) {
  const std::optional<double> price = number(listing, "price");
  const std::string currency = text(listing, "currency");
  constexpr std::string_view kPrice = "price ";
  if (!price || currency.empty() || currency == context.base_currency || !detail.starts_with(kPrice))
    return detail;
  const std::size_t converted_end = detail.find(' ', kPrice.size());
  if (converted_end == std::string::npos) return detail;
  std::array<char, 64> captured{};
  std::snprintf(captured.data(), captured.size(), "%.2f", *price);
  return std::string(kPrice) + captured.data() + " " + currency + " (" +
         detail.substr(kPrice.size(), converted_end - kPrice.size()) + " " + context.base_currency + ")" +
         detail.substr(converted_end) + " " + context.base_currency;
}

json reasons_json(const MatchContext& context, const json& listing, const watch::Hit& hit) {
  json out = json::array();
  for (const watch::Reason& r : hit.reasons) {
    const bool keyword = r.kind == watch::ReasonKind::kModel && context.keywords.contains(r.reference);
    out.push_back({{"kind", keyword ? std::string("keyword") : std::string(watch::reason_name(r.kind))},
                   {"reference", r.reference},
                   {"detail", r.kind == watch::ReasonKind::kPrice ? price_detail(context, listing, r.detail)
                                                                  : r.detail},
                   {"score", r.score}});
  }
  return out;
}

std::vector<std::string> hit_rights(const MatchContext& context, const watch::Hit& hit) {
  std::set<std::string> out;
  for (const watch::Reason& r : hit.reasons) {
    // A registration whose classes do not cover the goods of the listing is no right a complaint
    // can rely on, whatever other registrations of the same mark cover (a US mark in class 9 for a
    // vacuum cleaner, where the Chinese one is in 7).
    if (r.kind == watch::ReasonKind::kMark) {
      const auto it = context.mark_rights.find(r.reference);
      if (it == context.mark_rights.end()) continue;
      for (const std::string& right : it->second) {
        const auto classes = context.right_classes.find(right);
        if (classes == context.right_classes.end() || watch::goods_covered(classes->second, hit.goods))
          out.insert(right);
      }
    }
    if (r.kind == watch::ReasonKind::kImage) {
      const auto it = context.reference_right.find(r.reference);
      if (it != context.reference_right.end() && !it->second.empty()) out.insert(it->second);
    }
  }
  return {out.begin(), out.end()};
}

bool decided(const json& hit) {
  const std::string status = text(hit, "status");
  return status == "confirmed" || status == "dismissed";
}

// Whether every reason a person decided on is still found on the listing as it is now: the same
// kind and reference, and for text the same words (a detail quotes them). A price reason holds
// while the price is below the floor, whatever the floor is now.
bool still_holds(const json& decided_reasons, const json& current) {
  for (const json& r : decided_reasons) {
    const bool found = std::any_of(current.begin(), current.end(), [&](const json& c) {
      // A keyword's reasons were once labelled "model": the same reason under either name.
      const auto kind_of = [](const json& reason) {
        const std::string kind = text(reason, "kind");
        return kind == "keyword" ? std::string("model") : kind;
      };
      if (kind_of(c) != kind_of(r) || text(c, "reference") != text(r, "reference")) return false;
      const std::string kind = kind_of(r);
      return (kind != "mark" && kind != "model") || text(c, "detail") == text(r, "detail");
    });
    if (!found) return false;
  }
  return true;
}

// A decided hit as the person decided it, marked when its listing's current capture contradicts
// one of the reasons they decided on (what matches now kept beside it), unmarked when it no longer
// does.
json with_current(json hit, const json& reasons, double score, const std::string& at) {
  const json decided_reasons = json::parse(text(hit, "reasons"), nullptr, false);
  // A hit decided while its listing matched nothing (dismissed as gone) that matches again is a
  // change too: the copy is back.
  const bool back = decided_reasons.is_array() && decided_reasons.empty() && !reasons.empty();
  if (decided_reasons.is_array() && !back && still_holds(decided_reasons, reasons)) {
    hit["listing_changed_at"] = nullptr;
    hit["current_score"] = nullptr;
    hit["current_reasons"] = nullptr;
    return hit;
  }
  if (text(hit, "listing_changed_at").empty()) hit["listing_changed_at"] = at;
  hit["current_score"] = score;
  hit["current_reasons"] = reasons.dump();
  return hit;
}

std::vector<ReasonView> reason_views(const std::string& reasons_text) {
  std::vector<ReasonView> out;
  const json reasons = json::parse(reasons_text, nullptr, false);
  if (!reasons.is_array()) return out;
  for (const json& r : reasons) {
    out.push_back({text(r, "kind"), text(r, "reference"), text(r, "detail"), number(r, "score").value_or(0)});
  }
  return out;
}

}  // namespace

const store::Table& table(std::string_view name) {
  return *store::find_table(name);
}

Result<watch::Fingerprint> image_fingerprint(std::string_view bytes, const std::string& where) {
  Result<watch::Fingerprint> fingerprint = watch::fingerprint(bytes);
  if (!fingerprint.ok()) return input_error(where, "not a usable image: " + fingerprint.error().message());
  return fingerprint;
}

RightView right_view(const json& right, const std::vector<json>& events, Date today) {
  RightView view{text(right, "id"),    text(right, "kind"), text(right, "jurisdiction"),
                 text(right, "title"), mark_text(right),    text(right, "registration_number"),
                 "not filed"};
  const bool trademark = view.kind == "trademark";
  bool ended = false;
  for (const json& e : events) {
    const std::optional<Date> on = date(e, "date");
    const std::string event = text(e, "event");
    if (on && *on <= today &&
        std::find(kEndingEvents.begin(), kEndingEvents.end(), event) != kEndingEvents.end()) {
      ended = true;
    }
  }
  const std::optional<Date> registered = date(right, "registered");
  const std::optional<Date> expires = date(right, "expires");
  if (ended || (expires && *expires < today)) {
    view.status = "ended";
  } else if (registered && *registered <= today) {
    view.status = trademark ? "registered" : "granted";
  } else if (date(right, "filed")) {
    view.status = "pending";
  }
  return view;
}

Result<std::map<std::string, RightView>> right_views(Workspace& workspace, Date today) {
  std::vector<store::Record> rights, events;
  MOAT_CHECK(read_tables(workspace.store(), {{"ip_rights", &rights}, {"ip_events", &events}}));
  MOAT_TRY(const LegalRules rules, legal_rules(workspace));
  std::map<std::string, RightView> out;
  for (const json& r : rights) {
    std::vector<json> of_right;
    for (const json& e : events) {
      if (text(e, "right") == text(r, "id")) of_right.push_back(e);
    }
    RightView view = right_view(r, of_right, today);
    view.owner = text(r, "owner");
    view.own = trim(view.owner).empty() || rules.company_names.empty() ||
               std::any_of(rules.company_names.begin(), rules.company_names.end(),
                           [&](const std::string& name) { return same_name(name, view.owner); });
    out.emplace(text(r, "id"), std::move(view));
  }
  return out;
}

bool blank(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    char32_t code = length == 1 ? byte : byte & (0x7F >> length);
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k)
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    const bool space = code == ' ' || (code >= 0x09 && code <= 0x0D) || code == 0x85 || code == 0xA0 ||
                       code == 0x1680 || (code >= 0x2000 && code <= 0x200F) || code == 0x2028 ||
                       code == 0x2029 || code == 0x202F || code == 0x205F || code == 0x2060 ||
                       code == 0x3000 || code == 0xFEFF;
    if (!space) return false;
    i += length;
  }
  return true;
}

Result<MatchContext> match_context(Workspace& workspace, Date today) {
  MOAT_CHECK(watch::text_ready());
  std::vector<store::Record> products, rights, references;
  MOAT_CHECK(
      read_tables(workspace.store(),
                  {{"products", &products}, {"ip_rights", &rights}, {"watch_references", &references}}));
  MatchContext context;
  MOAT_TRY(context.rights, right_views(workspace, today));
  MOAT_TRY(const Currencies currencies, app::currencies(workspace));
  context.base_currency = currencies.base;
  for (const Rate& rate : currencies.rates) {
    if (const std::optional<Rate> in_force = rate_on(currencies, rate.currency, today)) {
      context.rates[rate.currency] = in_force->rate;
    }
  }
  for (const json& p : products) {
    watch::Product product{.id = text(p, "id")};
    std::map<std::string, std::string> first_right_of_mark;
    for (const json& r : rights) {
      const RightView& view = context.rights.at(text(r, "id"));
      if (view.kind != "trademark" || !view.own || !covers(r, product.id) || view.status == "ended" ||
          view.mark.empty())
        continue;
      const auto [it, inserted] = first_right_of_mark.emplace(view.mark, view.id);
      // The mark's goods: the union of its rights' Nice classes; any goods when one names none.
      std::vector<int> classes;
      for (const std::string& c : list(r, "nice_classes")) {
        int number = 0;
        const auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), number);
        if (ec == std::errc() && end == c.data() + c.size()) classes.push_back(number);
      }
      if (inserted) {
        product.marks.push_back({view.id, view.mark, classes});
      } else {
        auto mark = std::find_if(product.marks.begin(), product.marks.end(),
                                 [&](const watch::TextReference& m) { return m.id == it->second; });
        if (classes.empty() || mark->classes.empty()) {
          mark->classes.clear();
        } else {
          mark->classes.insert(mark->classes.end(), classes.begin(), classes.end());
        }
      }
      context.mark_rights[it->second].push_back(view.id);
      context.right_classes[view.id] = classes;
    }
    for (const json& ref : references) {
      if (text(ref, "product") != product.id) continue;
      const std::string kind = text(ref, "kind");
      if (kind == "image") {
        Result<watch::Fingerprint> fingerprint = watch::from_text(text(ref, "fingerprint"));
        if (!fingerprint.ok()) continue;
        product.images.push_back({text(ref, "id"), std::move(*fingerprint)});
        // A figure of another's design is still a picture of the product, but no right of ours.
        const auto right = context.rights.find(text(ref, "right"));
        if (right != context.rights.end() && right->second.own)
          context.reference_right[text(ref, "id")] = right->first;
      } else {
        if (kind == "keyword") context.keywords.insert(text(ref, "id"));
        product.models.push_back({text(ref, "id"), text(ref, "text")});
      }
    }
    MOAT_TRY(product.price_floor, unit_cost(workspace, product.id, today));
    context.products.push_back(std::move(product));
  }
  return context;
}

watch::Listing engine_listing(const MatchContext& context, const json& listing,
                              const std::vector<json>& images) {
  watch::Listing out{
      text(listing, "id"), text(listing, "title"), text(listing, "description"), std::nullopt, {}};
  const std::optional<double> price = number(listing, "price");
  const std::string currency = text(listing, "currency");
  if (price && currency == context.base_currency) out.price = price;
  if (price && context.rates.contains(currency)) out.price = *price * context.rates.at(currency);
  // In the order the listing names its photos, so that "listing image 2" is the same photo at
  // every match and in the listing as shown.
  for (const std::string& name : list(listing, "images")) {
    for (const json& image : images) {
      if (text(image, "name") != name) continue;
      Result<watch::Fingerprint> fingerprint = watch::from_text(text(image, "fingerprint"));
      if (fingerprint.ok()) out.images.push_back(std::move(*fingerprint));
    }
  }
  return out;
}

Result<std::vector<store::Record>> record_hits(
    Workspace& workspace, store::Writer& writer, const MatchContext& context,
    const std::vector<std::pair<json, std::vector<json>>>& listings, const std::string& at) {
  MOAT_TRY(const std::vector<store::Record> stored, workspace.store().list(table("hits")));
  long last = 0;
  std::map<std::string, std::vector<const json*>> by_listing;
  for (const json& h : stored) {
    last = std::max(last, id_number(text(h, "id"), "H"));
    by_listing[text(h, "listing")].push_back(&h);
  }
  std::vector<store::Record> out;
  const auto put = [&](json record) -> Status {
    MOAT_TRY(const bool written, writer.put(table("hits"), record));
    if (written) out.push_back(std::move(record));
    return {};
  };
  for (const auto& [listing, images] : listings) {
    const std::vector<watch::Hit> hits =
        watch::match(engine_listing(context, listing, images), context.products);
    const std::vector<const json*>& before = by_listing[text(listing, "id")];
    for (const watch::Hit& hit : hits) {
      const auto same = std::find_if(before.begin(), before.end(),
                                     [&](const json* h) { return text(*h, "product") == hit.product; });
      const json reasons = reasons_json(context, listing, hit);
      if (same != before.end() && decided(**same)) {
        MOAT_CHECK(put(with_current(**same, reasons, std::clamp(hit.score, 0.0, 1.0), at)));
        continue;
      }
      json record = same != before.end() ? **same
                                         : json{{"id", "H" + std::to_string(++last)},
                                                {"listing", hit.listing},
                                                {"product", hit.product},
                                                {"found_at", at}};
      record["status"] = "new";
      record["score"] = std::clamp(hit.score, 0.0, 1.0);
      record["reasons"] = reasons.dump();
      record["rights"] = hit_rights(context, hit);
      MOAT_CHECK(put(std::move(record)));
    }
    // The listing's hits that no longer match it.
    for (const json* h : before) {
      const bool matched = std::any_of(hits.begin(), hits.end(), [&](const watch::Hit& hit) {
        return hit.product == text(*h, "product");
      });
      if (matched) continue;
      if (decided(*h)) {
        MOAT_CHECK(put(with_current(*h, json::array(), 0.0, at)));
        continue;
      }
      json record = *h;
      record["status"] = "unmatched";
      record["score"] = 0.0;
      record["reasons"] = "[]";
      record["rights"] = json::array();
      MOAT_CHECK(put(std::move(record)));
    }
  }
  return out;
}

ListingView listing_view(const json& l, const std::vector<json>& images) {
  ListingView view{
      text(l, "id"),           text(l, "platform"),    text(l, "url"),       text(l, "listing_id"),
      text(l, "title"),        text(l, "description"), number(l, "price"),   text(l, "currency"),
      integer(l, "min_order"), text(l, "seller"),      text(l, "store_url"), text(l, "seller_location"),
      text(l, "captured_at"),  text(l, "captured_by"), text(l, "source"),    {}};
  // In the order the listing names them.
  for (const std::string& name : list(l, "images")) {
    for (const json& i : images) {
      if (text(i, "name") != name) continue;
      view.images.push_back({name, text(i, "sha256"), text(i, "blob"),
                             static_cast<std::uint64_t>(integer(i, "size").value_or(0)),
                             text(i, "media_type"), text(i, "captured_at"), text(i, "captured_by")});
    }
  }
  return view;
}

Result<HitView> hit_view(Workspace& workspace, const json& hit,
                         const std::map<std::string, RightView>& rights) {
  MOAT_TRY(const std::optional<store::Record> listing,
           workspace.store().get(table("listings"), {text(hit, "listing")}));
  if (!listing) return Error(ErrorCode::kNotFound, "listings/" + text(hit, "listing"), "no such listing");
  MOAT_TRY(const std::vector<store::Record> images,
           workspace.store().list_where(table("listing_images"), "listing", text(hit, "listing")));
  HitView view;
  view.id = text(hit, "id");
  view.listing = listing_view(*listing, images);
  view.product = text(hit, "product");
  view.score = number(hit, "score").value_or(0);
  view.reasons = reason_views(text(hit, "reasons"));
  for (const ReasonView& r : view.reasons) {
    if (r.kind == "image") view.reference_images.push_back(r.reference);
  }
  view.listing_changed_at = text(hit, "listing_changed_at");
  view.current_score = number(hit, "current_score").value_or(0);
  view.current_reasons = reason_views(text(hit, "current_reasons"));
  for (const std::string& id : list(hit, "rights")) {
    const auto it = rights.find(id);
    if (it != rights.end()) view.rights.push_back(it->second);
  }
  view.status = text(hit, "status");
  view.found_at = text(hit, "found_at");
  view.decided_by = text(hit, "decided_by");
  view.decided_at = text(hit, "decided_at");
  view.decision_reason = text(hit, "decision_reason");
  return view;
}

}  // namespace moat::app::watch_internal
