// SPDX-License-Identifier: Apache-2.0
// A seeded test corpus for the counterfeit watch: the demo product's marks (AURORA, 极光), a
// model name and synthetic product pictures, and listings that copy them in disguise
// (homoglyphs, pinyin, Traditional characters, full-width forms, spacing; pictures resized,
// cropped by up to 20%, recompressed, mirrored, colour-shifted) mixed with unrelated listings and
// unrelated pictures of the same kind. The same seed gives the same corpus.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "watch/watch.h"

namespace moat::bench {

struct CorpusProduct {
  watch::Product product;                // images without fingerprints: see image_bytes
  std::vector<std::string> image_bytes;  // encoded reference pictures, in the order of product.images
};

struct CorpusListing {
  watch::Listing listing;                // images without fingerprints: see image_bytes
  std::vector<std::string> image_bytes;  // encoded listing pictures
  std::string copies;                    // the product it copies; empty for an unrelated listing
  std::string variation;                 // how it was disguised: "homoglyph", "image crop+mirror", ...
  std::string detail;                    // the picture's disguise with its figures
  int copied_image = -1;                 // the index of the disguised product picture, if any
};

struct Corpus {
  std::vector<CorpusProduct> products;
  std::vector<CorpusListing> listings;
};

// `copies` listings that copy a product and `unrelated` that do not, shuffled by `seed`.
Corpus generate_corpus(std::uint32_t seed, int copies, int unrelated);

}  // namespace moat::bench
