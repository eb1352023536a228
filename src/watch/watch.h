// SPDX-License-Identifier: Apache-2.0
// The counterfeit watch's engine: a marketplace listing (its text, price and images) compared
// with what the company holds (its marks, model names, keywords, reference images and design
// figures, and a price floor per product), giving hits with their reasons and a score. Text is
// compared after normalisation (NFKC, case, full-width forms, homoglyphs, spacing and
// punctuation, Traditional to Simplified Chinese, and the pinyin of Chinese marks); images by
// perceptual fingerprints that survive resizing, cropping, recompression, mirroring and colour
// shifts. Pure: bytes and records in, hits out; no I/O, no clock, no database.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace moat::watch {

// ---- Text ----------------------------------------------------------------------------------

// The form marks and listings are compared in: NFKC, case-folded, full-width folded, homoglyphs
// mapped to one skeleton, Traditional characters to Simplified, spaces and punctuation removed.
// `text` is valid UTF-8 (callers check).
std::string normalise(std::string_view text);

// The toneless pinyin of the Han characters in `text`, lower case, without spaces ("莫特科技" ->
// "motekeji"); other characters pass through normalise().
std::string pinyin(std::string_view text);

// Whether the text data the engine reads from the system at first use is there (OpenCC's
// Traditional-to-Simplified tables, Debian package libopencc-data), and the engine's module
// (moat-watch.so, installed with moat: watch/module.h); kInternal naming the missing file when
// not. normalise(), pinyin(), similarity() and match() throw std::runtime_error with the same
// message when it is missing, so an adapter checks this once at start.
Status text_ready();

// ---- Images --------------------------------------------------------------------------------

// A perceptual fingerprint of one image: fixed size, comparable with similarity().
struct Fingerprint {
  std::vector<std::uint8_t> bits;  // opaque to callers
};

// The formats fingerprint() reads, as messages name them.
inline constexpr std::string_view kImageFormats = "JPEG, PNG, WebP, GIF, BMP or TIFF";

// A picture's media type told from its first bytes ("image/jpeg", "image/png", "image/webp",
// "image/gif", "image/bmp", "image/tiff"), or empty when it is none of kImageFormats.
std::string_view image_media_type(std::string_view bytes);

// Decodes `image` (kImageFormats; a GIF's first frame; a JPEG turned as its EXIF orientation
// says) and fingerprints it. Fails (kInput) on bytes that are not a decodable image, saying why.
Result<Fingerprint> fingerprint(std::string_view image);

// 0 (unrelated) .. 1 (the same picture), symmetric; robust to mirroring (either image may be
// the mirrored one) and to crops of up to 20%.
double similarity(const Fingerprint& a, const Fingerprint& b);

// A fingerprint as text (to keep it in the database) and back; from_text fails (kInput) on
// text that to_text did not write.
std::string to_text(const Fingerprint& fingerprint);
Result<Fingerprint> from_text(std::string_view text);

// ---- Matching ------------------------------------------------------------------------------

struct Listing {
  std::string id;  // the workspace's listing id
  std::string title;
  std::string description;
  std::optional<double> price;  // in the currency of the product's floor (the caller converts)
  std::vector<Fingerprint> images;
};

struct TextReference {
  std::string id;    // the right or reference it comes from (a trademark's id, a model name's id)
  std::string text;  // as registered: "Moat", "莫特", "MT-200"
  // A mark's Nice classes (the goods its registrations cover); empty: any goods.
  std::vector<int> classes = {};
};

struct ImageReference {
  std::string id;  // a reference image or a design patent's figure
  Fingerprint fingerprint;
};

// What one product is recognised by.
struct Product {
  std::string id;
  std::vector<TextReference> marks;    // trademarks (Latin and Chinese-character)
  std::vector<TextReference> models;   // model names and keywords
  std::vector<ImageReference> images;  // reference images and design figures
  std::optional<double> price_floor;   // the product's cost: a listing below it is suspect
};

enum class ReasonKind { kMark, kModel, kImage, kPrice };
std::string_view reason_name(ReasonKind kind);  // "mark", "model", "image", "price"

struct Reason {
  ReasonKind kind = ReasonKind::kMark;
  std::string reference;  // the TextReference / ImageReference id, empty for price
  std::string detail;     // how it matched: "'M0AT' in title as 'moat' (homoglyph)", "image 2 ~ fig-1 0.93"
  double score = 0;       // 0..1
  bool weak = false;      // a mark or model running into further letters: a hit only with a second reason
  // A mark in a listing whose title names only goods of other classes than the mark's (and whose
  // description none of the mark's): still a hit, scored lower (kOtherGoodsShare), said so.
  bool other_goods = false;
};

// The goods a listing names, by Nice class (goods.h): in its title, and in its description.
struct ListingGoods {
  std::set<int> title;
  std::set<int> description;
};

// Whether a mark registered for `classes` (empty: any goods) bears on the goods of a listing: not
// when its title names goods, all of other classes, and its description none of these classes.
// (Inline: the engine's module and the binary both use it.)
inline bool goods_covered(const std::vector<int>& classes, const ListingGoods& goods) {
  const auto any_of = [&](const std::set<int>& named) {
    return std::any_of(classes.begin(), classes.end(), [&](int c) { return named.contains(c); });
  };
  return classes.empty() || goods.title.empty() || any_of(goods.title) || any_of(goods.description);
}

struct Hit {
  std::string listing;
  std::string product;
  double score = 0;             // 0..1, combined from the reasons
  std::vector<Reason> reasons;  // strongest first
  ListingGoods goods = {};      // so that each right of a mark is judged by its own classes
};

struct Thresholds {
  double image = 0.0;  // 0: the engine's measured default
  double hit = 0.0;    // 0: the engine's measured default
};

// The hits of `listing` against every product, strongest first; none when nothing matches.
std::vector<Hit> match(const Listing& listing, const std::vector<Product>& products,
                       const Thresholds& thresholds = {});

}  // namespace moat::watch
