// SPDX-License-Identifier: Apache-2.0
// Matching a listing against the products: each reference looked for in the title and the
// description, each listing image compared with each reference image, the price with the floor;
// the reasons combined per product into a hit.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "watch/goods.h"
#include "watch/image_hash.h"
#include "watch/text_match.h"
#include "watch/watch.h"

namespace moat::watch {
namespace {

// A listing is a hit when its combined score reaches this and at least one reason is not the
// price: a mark or model found at word boundaries, or an image at the image threshold, is a hit
// alone; a weak text match (a mark running into a longer word) needs a second reason, whatever
// its score.
constexpr double kDefaultHit = 0.5;
// A mark in a listing of other goods than its classes' keeps this share of its score: a hit still
// (a copy's title may name its speaker as a "sound box" the vocabulary does not know, beside a
// "lamp" light effect or a "travel" size), ranked below the copies of the mark's goods.
constexpr double kOtherGoodsShare = 0.6;
// The price reason's score: weak alone (never a hit), stronger the further below the floor.
constexpr double kPriceBase = 0.25;
constexpr double kPriceSpan = 0.2;

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

struct ListingText {
  NormalText title;
  NormalText description;
  ListingGoods goods;
};

std::string class_list(const std::set<int>& classes) {
  std::string out;
  for (const int c : classes) out += (out.empty() ? "" : ", ") + std::to_string(c);
  return out;
}

void text_reasons(ReasonKind kind, const std::vector<TextReference>& references, const ListingText& text,
                  std::vector<Reason>& out) {
  for (const TextReference& reference : references) {
    const std::vector<Pattern> patterns = patterns_of(reference.text);
    std::optional<TextMatch> best = find_pattern(patterns, reference.text, text.title, "title");
    std::optional<TextMatch> other = find_pattern(patterns, reference.text, text.description, "description");
    if (other && (!best || other->score > best->score)) best = std::move(other);
    if (!best) continue;
    Reason reason{kind, reference.id, std::move(best->detail), best->score, best->weak};
    // A mark protects the goods of its classes: a listing whose title names only goods of others,
    // and whose description none of the mark's, is less likely a copy by it.
    if (kind == ReasonKind::kMark && !goods_covered(reference.classes, text.goods)) {
      reason.other_goods = true;
      reason.score *= kOtherGoodsShare;
      reason.detail += "; the title names goods of class " + class_list(text.goods.title) +
                       ", not the mark's " + class_list({reference.classes.begin(), reference.classes.end()});
    }
    out.push_back(std::move(reason));
  }
}

void image_reasons(const Listing& listing, const Product& product, double threshold,
                   std::vector<Reason>& out) {
  for (const ImageReference& reference : product.images) {
    std::optional<Reason> best;
    for (std::size_t i = 0; i < listing.images.size(); ++i) {
      const ImageComparison c = compare_images(listing.images[i], reference.fingerprint);
      if (c.similarity < threshold || (best && best->score >= c.similarity)) continue;
      best = Reason{ReasonKind::kImage, reference.id,
                    "listing image " + std::to_string(i + 1) + " ~ '" + reference.id + "' " +
                        format_number(c.similarity) + (c.mirrored ? " (mirrored)" : ""),
                    c.similarity};
    }
    if (best) out.push_back(std::move(*best));
  }
}

std::optional<Reason> price_reason(const Listing& listing, const Product& product) {
  if (!listing.price || !product.price_floor) return std::nullopt;
  const double price = *listing.price;
  const double floor = *product.price_floor;
  if (!std::isfinite(price) || !std::isfinite(floor) || price <= 0 || floor <= 0 || price >= floor)
    return std::nullopt;
  const double below = 1 - price / floor;
  return Reason{ReasonKind::kPrice, "",
                "price " + format_number(price) + " is " +
                    std::to_string(static_cast<int>(std::lround(below * 100))) + "% below the floor " +
                    format_number(floor),
                kPriceBase + kPriceSpan * below};
}

// 1 - the product of (1 - the strongest score of each kind): independent kinds of evidence add
// up, several reasons of one kind count once.
double combined(const std::vector<Reason>& reasons) {
  std::map<ReasonKind, double> strongest;
  for (const Reason& r : reasons) strongest[r.kind] = std::max(strongest[r.kind], r.score);
  double miss = 1;
  for (const auto& [kind, score] : strongest) miss *= 1 - score;
  return 1 - miss;
}

}  // namespace

std::vector<Hit> match(const Listing& listing, const std::vector<Product>& products,
                       const Thresholds& thresholds) {
  const double hit_threshold = thresholds.hit > 0 ? thresholds.hit : kDefaultHit;
  const double image_threshold = thresholds.image > 0 ? thresholds.image : kDefaultImageThreshold;
  ListingText text{normal_form(listing.title), normal_form(listing.description), {}};
  text.goods = {goods_classes(text.title), goods_classes(text.description)};
  std::vector<Hit> hits;
  for (const Product& product : products) {
    std::vector<Reason> reasons;
    text_reasons(ReasonKind::kMark, product.marks, text, reasons);
    text_reasons(ReasonKind::kModel, product.models, text, reasons);
    image_reasons(listing, product, image_threshold, reasons);
    if (reasons.empty()) continue;
    if (std::optional<Reason> price = price_reason(listing, product)) reasons.push_back(std::move(*price));
    const double score = combined(reasons);
    const bool alone = std::any_of(reasons.begin(), reasons.end(),
                                   [](const Reason& r) { return r.kind != ReasonKind::kPrice && !r.weak; });
    if (score < hit_threshold || (!alone && reasons.size() < 2)) continue;
    std::stable_sort(reasons.begin(), reasons.end(),
                     [](const Reason& a, const Reason& b) { return a.score > b.score; });
    hits.push_back({listing.id, product.id, score, std::move(reasons), text.goods});
  }
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.score > b.score; });
  return hits;
}

}  // namespace moat::watch
