// SPDX-License-Identifier: Apache-2.0
// How two image fingerprints compare, with what similarity() does not say (whether the match was
// with the mirror image), and the threshold measured on bench/watch_corpus. Internal to the
// watch engine.
#pragma once

#include "watch/watch.h"

namespace moat::watch {

// The similarity at or above which two images are taken for the same picture: chosen on the
// generated corpus (bench/watch_bench, docs/PERFORMANCE.md) between the lowest similarity of
// the product images' variants and the highest of unrelated images.
constexpr double kDefaultImageThreshold = 0.85;

struct ImageComparison {
  double similarity = 0;  // 0..1
  bool mirrored = false;  // the best match was with one image's mirror
};

ImageComparison compare_images(const Fingerprint& a, const Fingerprint& b);

}  // namespace moat::watch
