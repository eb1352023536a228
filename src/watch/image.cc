// SPDX-License-Identifier: Apache-2.0
// Image fingerprints: DCT perceptual hashes (pHash) of the whole image and of a grid of crops,
// and a small edge map, resampled with OpenCV (watch/decode.h decodes). A crop of up to 20% of the picture
// is close to one of the grid's windows; a mirror image to the hash of the mirrored whole. The
// hashes (Hamming distance) pick where the pictures line up; the edge maps' correlation there
// is the similarity.
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>

#include "watch/decode.h"
#include "watch/fingerprint_layout.h"
#include "watch/image_hash.h"
#include "watch/watch.h"

namespace moat::watch {
namespace {

Hash dct_hash(const cv::Mat& window) {
  cv::Mat small;
  cv::resize(window, small, cv::Size(kHashSide, kHashSide), 0, 0, cv::INTER_AREA);
  cv::Mat spectrum;
  cv::dct(small, spectrum);
  std::array<float, kHashBits> low{};
  std::size_t k = 0;
  for (int y = 0; y < kLowSide; ++y) {
    for (int x = 0; x < kLowSide; ++x) {
      if (x != 0 || y != 0) low[k++] = spectrum.at<float>(y, x);
    }
  }
  std::array<float, kHashBits> sorted = low;
  std::nth_element(sorted.begin(), sorted.begin() + kHashBits / 2, sorted.end());
  const float median = sorted[kHashBits / 2];
  Hash hash = 0;
  for (std::size_t i = 0; i < low.size(); ++i) {
    if (low[i] > median) hash |= Hash{1} << i;
  }
  return hash;
}

cv::Rect window_rect(const std::array<double, 2>& x, const std::array<double, 2>& y) {
  const auto at = [](double fraction) { return static_cast<int>(fraction * kBaseSide + 0.5); };
  return {at(x[0]), at(y[0]), at(x[1]), at(y[1])};
}

std::vector<std::uint8_t> hashes_of(const cv::Mat& base, const cv::Mat& edges, float aspect) {
  std::vector<std::uint8_t> bits(kBytes, 0);
  bits[0] = kVersion;
  std::size_t offset = 1;
  const auto put = [&](Hash h) {
    std::memcpy(bits.data() + offset, &h, sizeof h);
    offset += sizeof h;
  };
  for (const auto& y : kAxisWindows) {
    for (const auto& x : kAxisWindows) put(dct_hash(base(window_rect(x, y))));
  }
  cv::Mat mirrored;
  cv::flip(base, mirrored, 1);
  put(dct_hash(mirrored));
  std::memcpy(bits.data() + kEdgeOffset, edges.data, kEdgeSide * kEdgeSide);
  std::memcpy(bits.data() + kAspectOffset, &aspect, sizeof aspect);
  return bits;
}

// The edge map of an image's value and saturation planes (HSV, which a turn of hue leaves
// alone), resampled to kBaseSide: the larger Sobel magnitude of the two, scaled to 0..255 and
// resampled to kEdgeSide.
cv::Mat edge_map(const std::vector<cv::Mat>& planes) {
  cv::Mat strongest(kBaseSide, kBaseSide, CV_32F, cv::Scalar(0));
  for (const cv::Mat& plane : planes) {
    cv::Mat dx, dy, magnitude;
    cv::Sobel(plane, dx, CV_32F, 1, 0);
    cv::Sobel(plane, dy, CV_32F, 0, 1);
    cv::magnitude(dx, dy, magnitude);
    strongest = cv::max(strongest, magnitude);
  }
  cv::Mat small;
  cv::resize(strongest, small, cv::Size(kEdgeSide, kEdgeSide), 0, 0, cv::INTER_AREA);
  cv::Mat out;
  cv::normalize(small, out, 0, 255, cv::NORM_MINMAX, CV_8U);
  return out;
}

cv::Mat edges_of(const Fingerprint& f) {
  return cv::Mat(kEdgeSide, kEdgeSide, CV_8U, const_cast<std::uint8_t*>(f.bits.data() + kEdgeOffset));
}

// A whole picture's edge map (mirrored or not) as the check compares it: resampled to
// kCheckSide and blurred a little, so that a misalignment of a pixel or two costs little.
cv::Mat whole_view(const Fingerprint& whole, bool mirrored) {
  cv::Mat view;
  cv::resize(edges_of(whole), view, cv::Size(kCheckSide, kCheckSide), 0, 0, cv::INTER_AREA);
  if (mirrored) cv::flip(view, view, 1);
  cv::GaussianBlur(view, view, cv::Size(3, 3), 0);
  return view;
}

// The best Pearson correlation of a whole picture's view and window `w` of `windows` over shifts
// of up to kShift pixels of the check's size either way: the window grid lines a crop up only
// to within a few per cent.
double edge_correlation(const cv::Mat& view, const Fingerprint& windows, std::size_t w) {
  const auto& y = kAxisWindows[w / kAxisWindows.size()];
  const auto& x = kAxisWindows[w % kAxisWindows.size()];
  const double margin = static_cast<double>(kShift) / kCheckSide;  // as a fraction of the window
  const auto at = [](double fraction) { return static_cast<int>(fraction * kEdgeSide + 0.5) + kPad; };
  cv::Mat padded;
  cv::copyMakeBorder(edges_of(windows), padded, kPad, kPad, kPad, kPad, cv::BORDER_CONSTANT, 0);
  const int left = at(x[0] - margin * x[1]), top = at(y[0] - margin * y[1]);
  const cv::Mat region = padded(
      cv::Rect(left, top, at(x[0] + x[1] + margin * x[1]) - left, at(y[0] + y[1] + margin * y[1]) - top));
  cv::Mat window;
  cv::resize(region, window, cv::Size(kCheckSide + 2 * kShift, kCheckSide + 2 * kShift), 0, 0,
             cv::INTER_AREA);
  cv::GaussianBlur(window, window, cv::Size(3, 3), 0);
  cv::Mat score;
  cv::matchTemplate(window, view, score, cv::TM_CCOEFF_NORMED);
  double best = 0;
  cv::minMaxLoc(score, nullptr, &best);
  return std::max(0.0, best);
}

Hash hash_at(const Fingerprint& f, std::size_t index) {
  Hash h = 0;
  std::memcpy(&h, f.bits.data() + 1 + index * sizeof(Hash), sizeof h);
  return h;
}
double agreement(Hash a, Hash b) {
  return 1.0 - static_cast<double>(std::popcount(a ^ b)) / kHashBits;
}

struct Candidate {
  double agreement = 0;
  bool whole_is_a = true;  // a's full view against b's window, or b's against a's
  bool mirrored = false;
  std::size_t window = 0;
};

double aspect_of(const Fingerprint& f) {
  float aspect = 0;
  std::memcpy(&aspect, f.bits.data() + kAspectOffset, sizeof aspect);
  return static_cast<double>(aspect);
}

// Whether window `w` of a picture of aspect `windows_aspect` has the shape of a picture of
// aspect `whole_aspect`.
bool same_shape(double whole_aspect, double windows_aspect, std::size_t w) {
  const auto& y = kAxisWindows[w / kAxisWindows.size()];
  const auto& x = kAxisWindows[w % kAxisWindows.size()];
  const double ratio = whole_aspect / (windows_aspect * x[1] / y[1]);
  return ratio <= kAspectTolerance && ratio >= 1 / kAspectTolerance;
}

// Every pairing of one fingerprint's full view (or its mirror) with a window of the other of the
// same shape, by the agreement of their hashes.
void add_candidates(const Fingerprint& whole, const Fingerprint& windows, bool whole_is_a,
                    std::vector<Candidate>& out) {
  const Hash straight = hash_at(whole, 0);
  const Hash mirrored = hash_at(whole, kWindows);
  for (std::size_t w = 0; w < kWindows; ++w) {
    if (!same_shape(aspect_of(whole), aspect_of(windows), w)) continue;
    const Hash window = hash_at(windows, w);
    out.push_back({agreement(straight, window), whole_is_a, false, w});
    out.push_back({agreement(mirrored, window), whole_is_a, true, w});
  }
}

}  // namespace

Result<Fingerprint> fingerprint(std::string_view image) {
  MOAT_TRY(const cv::Mat decoded, decode_image(image));
  cv::Mat small, hsv;
  cv::resize(decoded, small, cv::Size(kBaseSide, kBaseSide), 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
  std::vector<cv::Mat> planes;
  cv::split(hsv, planes);
  for (cv::Mat& plane : planes) plane.convertTo(plane, CV_32F);
  const cv::Mat value = planes[2];
  const auto aspect = static_cast<float>(decoded.cols) / static_cast<float>(decoded.rows);
  return Fingerprint{hashes_of(value, edge_map({planes[1], planes[2]}), aspect)};
}

// The hashes find the few pairings of views where the pictures line up best (a crop with the
// window it was cut from, a mirror image with the mirrored whole); at those pairings the
// similarity is the geometric mean of the hashes' agreement and the edge maps' correlation:
// either alone lets unrelated pictures of one kind (an object on a plain ground) through too
// often (measured on bench/watch_bench's corpus, docs/PERFORMANCE.md).
ImageComparison compare_images(const Fingerprint& first, const Fingerprint& second) {
  if (!well_formed(first) || !well_formed(second)) return {};
  // One order of the two, so that ties among candidates fall the same way either way round.
  const bool in_order = first.bits <= second.bits;
  const Fingerprint& a = in_order ? first : second;
  const Fingerprint& b = in_order ? second : first;
  std::vector<Candidate> candidates;
  candidates.reserve(4 * kWindows);
  add_candidates(a, b, true, candidates);
  add_candidates(b, a, false, candidates);
  const std::size_t checked = std::min(kCandidates, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(checked),
                    candidates.end(),
                    [](const Candidate& x, const Candidate& y) { return x.agreement > y.agreement; });
  ImageComparison best;
  std::array<cv::Mat, 4> views;  // a, a mirrored, b, b mirrored: each made when first needed
  for (std::size_t i = 0; i < checked; ++i) {
    const Candidate& c = candidates[i];
    cv::Mat& view = views[(c.whole_is_a ? 0u : 2u) + (c.mirrored ? 1u : 0u)];
    if (view.empty()) view = whole_view(c.whole_is_a ? a : b, c.mirrored);
    const double correlation = edge_correlation(view, c.whole_is_a ? b : a, c.window);
    const double score = std::sqrt(correlation * c.agreement);
    if (score > best.similarity) best = {score, c.mirrored};
  }
  return best;
}

double similarity(const Fingerprint& a, const Fingerprint& b) {
  return compare_images(a, b).similarity;
}

}  // namespace moat::watch
