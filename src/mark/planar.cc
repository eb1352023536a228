// SPDX-License-Identifier: Apache-2.0
#include "mark/planar.h"

#include <algorithm>
#include <cmath>
#include <compare>
#include <limits>
#include <map>
#include <numbers>
#include <optional>
#include <random>
#include <unordered_map>

#include "mark/format.h"
#include "mark/prf.h"

namespace moat::mark {
namespace {

using Grid = PointGrid;

double distance(Point a, Point b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

// The rigid transform taking segment (a, b) onto (s, t) (same length assumed).
// The rotation comes from the two directions' dot and cross products (no angle is formed).
Rigid from_pairs(Point a, Point b, Point s, Point t) {
  const double ux = b.x - a.x, uy = b.y - a.y, vx = t.x - s.x, vy = t.y - s.y;
  const double dot = ux * vx + uy * vy, cross = ux * vy - uy * vx,
               length = std::sqrt(dot * dot + cross * cross);
  // Segments of no length (a point repeated) give no direction: no rotation, rather than NaNs.
  Rigid r = length > 0 ? Rigid{dot / length, cross / length, 0, 0} : Rigid{1, 0, 0, 0};
  const Point moved = r.apply(a);
  r.dx = s.x - moved.x;
  r.dy = s.y - moved.y;
  return r;
}

// Least-squares rigid fit (2-D Kabsch) of master points onto their suspect matches.
// What a least-squares fit of the second of each pair to the first needs: both centres, and the
// sums of dot and cross products (and squared lengths of the first) about them.
struct PairMoments {
  Point first, second;
  double dot = 0, cross = 0, spread = 0;
};

PairMoments moments_of(const std::vector<std::pair<Point, Point>>& pairs) {
  PairMoments out;
  for (const auto& [m, s] : pairs)
    out.first.x += m.x, out.first.y += m.y, out.second.x += s.x, out.second.y += s.y;
  const double n = static_cast<double>(pairs.size());
  out.first.x /= n, out.first.y /= n, out.second.x /= n, out.second.y /= n;
  for (const auto& [m, s] : pairs) {
    const double mx = m.x - out.first.x, my = m.y - out.first.y, sx = s.x - out.second.x,
                 sy = s.y - out.second.y;
    out.dot += mx * sx + my * sy;
    out.cross += mx * sy - my * sx;
    out.spread += mx * mx + my * my;
  }
  return out;
}

Rigid refine(const std::vector<std::pair<Point, Point>>& pairs) {
  const PairMoments f = moments_of(pairs);
  const double angle = std::atan2(f.cross, f.dot);
  Rigid r{std::cos(angle), std::sin(angle), 0, 0};
  const Point moved = r.apply(f.first);
  r.dx = f.second.x - moved.x, r.dy = f.second.y - moved.y;
  return r;
}

// Suspect points (of `sample`) that the transform puts on a master point, with their pairs. A
// suspect kept in the master's order (a copy as delivered, or edited in place) has most points
// at the master point of the same index; its coordinates are the nearest, found without a
// search, when the suspect point coincides with it (to kSamePoint) or lies nearer than half its
// clearance (every master point at other coordinates is then farther).
std::vector<std::pair<Point, Point>> matches(const PlanarMaster& prepared, const std::vector<Point>& suspect,
                                             const std::vector<size_t>& sample, const Rigid& r) {
  const std::vector<Point>& master = prepared.points;
  std::vector<std::pair<Point, Point>> found;
  found.reserve(sample.size());
  for (const size_t i : sample) {
    const Point at = r.invert(suspect[i]);
    if (i < master.size()) {
      const double dx = at.x - master[i].x, dy = at.y - master[i].y, d2 = dx * dx + dy * dy;
      const double own = std::min(kMatchTolerance, prepared.clearance[i] / 2);
      if (d2 <= kSamePoint * kSamePoint || d2 < own * own) {
        found.emplace_back(master[i], suspect[i]);
        continue;
      }
    }
    const size_t m = prepared.grid.nearest(at, kMatchTolerance);
    if (m != Grid::npos) found.emplace_back(master[m], suspect[i]);
  }
  return found;
}

// Indices of up to `count` suspect points, spread over the file.
std::vector<size_t> spread_sample(size_t size, size_t count) {
  std::vector<size_t> out;
  const size_t step = std::max<size_t>(1, size / count);
  for (size_t i = 0; i < size; i += step) out.push_back(i);
  return out;
}

// The largest |x| or |y| of `points` (NaN counts as infinitely large).
double largest_coordinate(const std::vector<Point>& points) {
  double out = 0;
  for (const Point p : points) {
    if (!(std::abs(p.x) <= out)) out = std::isnan(p.x) ? HUGE_VAL : std::abs(p.x);
    if (!(std::abs(p.y) <= out)) out = std::isnan(p.y) ? HUGE_VAL : std::abs(p.y);
  }
  return out;
}

double extent(const std::vector<Point>& points) {
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const Point p : points)
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  return std::hypot(x1 - x0, y1 - y0);
}

// Which squares of a fixed grid over the master hold a master point: a query for a point within
// kMatchTolerance of `p` can skip the grid's search when none of the (at most four) squares its
// disc touches holds one. Empty (every query searched) when the master spans too many squares.
class Occupancy {
 public:
  explicit Occupancy(const std::vector<Point>& points) {
    if (points.empty()) return;
    x0_ = y0_ = 1e300;
    double x1 = -1e300, y1 = -1e300;
    for (const Point p : points)
      x0_ = std::min(x0_, p.x), y0_ = std::min(y0_, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
    const double columns = std::floor((x1 - x0_) / kSide) + 1, rows = std::floor((y1 - y0_) / kSide) + 1;
    if (columns * rows > 256e6) return;  // 32 MB at most
    columns_ = static_cast<int64_t>(columns), rows_ = static_cast<int64_t>(rows);
    bits_.assign(static_cast<size_t>(columns_ * rows_), false);
    for (const Point p : points) bits_[index(column(p.x), row(p.y))] = true;
  }
  // False only when no master point lies within kMatchTolerance of p.
  bool maybe_near(Point p) const {
    if (bits_.empty() || !std::isfinite(p.x) || !std::isfinite(p.y)) return true;  // the grid decides
    const int64_t cx0 = std::max<int64_t>(0, column(p.x - kMatchTolerance));
    const int64_t cx1 = std::min(columns_ - 1, column(p.x + kMatchTolerance));
    const int64_t cy0 = std::max<int64_t>(0, row(p.y - kMatchTolerance));
    const int64_t cy1 = std::min(rows_ - 1, row(p.y + kMatchTolerance));
    for (int64_t cx = cx0; cx <= cx1; ++cx)
      for (int64_t cy = cy0; cy <= cy1; ++cy)
        if (bits_[index(cx, cy)]) return true;
    return false;
  }

 private:
  static constexpr double kSide = 2 * kMatchTolerance;
  int64_t column(double x) const { return static_cast<int64_t>(std::floor((x - x0_) / kSide)); }
  int64_t row(double y) const { return static_cast<int64_t>(std::floor((y - y0_) / kSide)); }
  size_t index(int64_t cx, int64_t cy) const { return static_cast<size_t>(cy * columns_ + cx); }
  double x0_ = 0, y0_ = 0;
  int64_t columns_ = 0, rows_ = 0;
  std::vector<bool> bits_;
};

// Coordinates (mm) up to which the search's first look at a candidate is taken; beyond them,
// rounding could exceed its hair and every candidate is formed.
constexpr double kModerate = 1e6;

// The first look of the search: which squares of a grid over the master lie within `reach` of a
// master point, one bit each, so that a point is looked up in one square. Answers "maybe" for
// every point when the master spans too many squares or lies beyond kModerate.
class Reachable {
 public:
  Reachable(const std::vector<Point>& points, double reach) {
    if (points.empty() || !(largest_coordinate(points) <= kModerate)) return;
    double x1 = -1e300, y1 = -1e300;
    x0_ = y0_ = 1e300;
    for (const Point p : points)
      x0_ = std::min(x0_, p.x), y0_ = std::min(y0_, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
    x0_ -= 2 * reach, y0_ -= 2 * reach;  // every marked square's range starts at 0 or more
    const double columns = (x1 - x0_ + 2 * reach) * kPerMm + 1, rows = (y1 - y0_ + 2 * reach) * kPerMm + 1;
    if (!(columns * rows <= 256e6)) return;  // 32 MB at most
    columns_ = static_cast<int64_t>(columns), rows_ = static_cast<int64_t>(rows);
    bits_.assign(static_cast<size_t>(columns_ * rows_ + 63) / 64, 0);
    for (const Point p : points)
      for (int64_t cx = square(p.x - reach, x0_); cx <= square(p.x + reach, x0_); ++cx)
        for (int64_t cy = square(p.y - reach, y0_); cy <= square(p.y + reach, y0_); ++cy) {
          const size_t at = static_cast<size_t>(cy * columns_ + cx);
          bits_[at / 64] |= uint64_t{1} << (at % 64);
        }
  }
  // False only when no master point lies within the reach of p. `p` must be finite.
  bool maybe(Point p) const {
    if (bits_.empty()) return true;
    const double cx = (p.x - x0_) * kPerMm, cy = (p.y - y0_) * kPerMm;
    if (!(cx >= 0 && cy >= 0 && cx < static_cast<double>(columns_) && cy < static_cast<double>(rows_)))
      return false;  // beyond every marked square
    const size_t at = static_cast<size_t>(static_cast<int64_t>(cy) * columns_ + static_cast<int64_t>(cx));
    return (bits_[at / 64] >> (at % 64)) & 1;
  }

 private:
  static constexpr double kPerMm = 1 / (2 * kMatchTolerance);  // squares as wide as a match
  static int64_t square(double v, double origin) { return static_cast<int64_t>((v - origin) * kPerMm); }
  double x0_ = 0, y0_ = 0;
  int64_t columns_ = 0, rows_ = 0;
  std::vector<uint64_t> bits_;
};

struct Candidate {
  Rigid transform;
  size_t inliers = 0;
  size_t scored = 0;  // candidate transforms whose inliers were counted
  size_t pairs = 0;   // master pairs looked at
  size_t formed = 0;  // candidate transforms formed and checked
};

// A master pair of the search: its length and its points' indices (first < second).
struct MasterPair {
  double length = 0;
  uint32_t first = 0, second = 0;
  // The order the search takes candidates in: by length, then by points.
  auto operator<=>(const MasterPair&) const = default;
};

// The master's pairs whose length lies in [band, band + width]: points are taken in file order,
// each with all its pairs, until kMaxPairs are held. Kept in buckets of length, each bucket in
// the order of the pairs' first points, so that the pairs of one length are walked across the
// master rather than at random in it; a pair's length is computed again when it is walked (as
// it was when found: the same value), which halves what is held.
class MasterPairs {
 public:
  static constexpr size_t kMaxPairs = 4'000'000;

  MasterPairs(const std::vector<Point>& master, double band, double width)
      : master_(master),
        band_(band),
        bucket_(kMatchTolerance / 2),
        buckets_(static_cast<size_t>(std::ceil(width / bucket_)) + 1) {
    const double outer = band + width;
    const Grid fine(master, outer / 32);  // cells a sixteenth of the ring's radius
    std::vector<Indices> found;
    std::vector<uint32_t> bucket_of;
    for (size_t i = 0; i < master.size() && found.size() < kMaxPairs; ++i) {
      fine.visit_ring(master[i], band, outer, [&](size_t j, double d2) {
        if (j <= i || d2 < band * band) return;
        found.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j)});
        bucket_of.push_back(static_cast<uint32_t>(bucket(std::sqrt(d2))));
      });
    }
    starts_.assign(buckets_ + 1, 0);  // a counting sort by bucket, keeping the order found
    for (const uint32_t b : bucket_of) ++starts_[b + 1];
    for (size_t b = 0; b < buckets_; ++b) starts_[b + 1] += starts_[b];
    pairs_.resize(found.size());
    std::vector<size_t> next(starts_.begin(), starts_.end() - 1);
    for (size_t k = 0; k < found.size(); ++k) pairs_[next[bucket_of[k]]++] = found[k];
  }

  // Calls f(pair) for every pair of length within [low, high], bucket by bucket.
  template <typename F>
  void visit(double low, double high, F f) const {
    if (!(low <= high)) return;
    for (size_t b = bucket(low), last = bucket(high); b <= last; ++b) {
      for (size_t k = starts_[b]; k < starts_[b + 1]; ++k) {
        const auto [i, j] = pairs_[k];
        const double ddx = master_[j].x - master_[i].x, ddy = master_[j].y - master_[i].y;
        const double length = std::sqrt(ddx * ddx + ddy * ddy);
        if (length >= low && length <= high) f(MasterPair{length, i, j});
      }
    }
  }

 private:
  using Indices = std::pair<uint32_t, uint32_t>;
  size_t bucket(double length) const {
    const double at = (length - band_) / bucket_;
    return at >= 0 ? std::min(buckets_ - 1, static_cast<size_t>(std::min(at, 1e9))) : 0;
  }
  const std::vector<Point>& master_;
  double band_, bucket_;
  size_t buckets_;
  std::vector<size_t> starts_;  // where each bucket begins in pairs_ (one more than buckets)
  std::vector<Indices> pairs_;
};

// Where a candidate transform puts each check point, found without forming the transform. The
// transform taking master pair (m0, m1) onto suspect points (a, b) puts a suspect point e at
// m0 + k (α u + β u⊥), where u = m1 − m0, k = |b − a| / |u|, and e − a = α (b − a) + β (b − a)⊥;
// the pair taken the other way round puts it at m1 − k (α u + β u⊥). Computed in another order
// than Rigid::invert, so its landing squares are looked up a hair (kLandingHair) wider.
class Landings {
 public:
  // Far above the two computations' rounding (1e-15 of the coordinates), far below any file's
  // resolution.
  static constexpr double kLandingHair = 1e-6;
  // `moderate`: every coordinate of the suspect within kModerate of the origin.
  Landings(const std::vector<Point>& suspect, size_t a, size_t b, const std::vector<size_t>& checks,
           bool moderate) {
    const double vx = suspect[b].x - suspect[a].x, vy = suspect[b].y - suspect[a].y, v2 = vx * vx + vy * vy;
    length_ = std::sqrt(v2);
    for (const size_t e : checks) {
      const double wx = suspect[e].x - suspect[a].x, wy = suspect[e].y - suspect[a].y;
      offsets_.push_back({(wx * vx + wy * vy) / v2, (wy * vx - wx * vy) / v2});
    }
    usable_ = moderate && std::isfinite(length_) &&
              std::all_of(offsets_.begin(), offsets_.end(),
                          [](Point o) { return std::isfinite(o.x) && std::isfinite(o.y); });
  }
  // Whether every check may land near a master point, for the pair taken as it is and the other
  // way round.
  std::pair<bool, bool> maybe_on(const Reachable& reachable, Point m0, Point m1, double length) const {
    if (!usable_) return {true, true};
    const double ux = m1.x - m0.x, uy = m1.y - m0.y, k = length_ / length;
    bool forward = true, backward = true;
    for (const Point o : offsets_) {
      const double qx = k * (o.x * ux - o.y * uy), qy = k * (o.x * uy + o.y * ux);
      forward = forward && reachable.maybe({m0.x + qx, m0.y + qy});
      backward = backward && reachable.maybe({m1.x - qx, m1.y - qy});
      if (!forward && !backward) break;
    }
    return {forward, backward};
  }

 private:
  double length_ = 0;
  std::vector<Point> offsets_;  // (α, β) per check
  bool usable_ = false;
};

// Suspect points besides the triangle's third that a candidate transform must put on master
// points before its inliers are counted.
constexpr size_t kSearchChecks = 5;
constexpr size_t kSearchAttempts = 60;               // suspect triangles tried at most
constexpr double kCheckApart = 2 * kMatchTolerance;  // mm between a check and b or another check

// Random suspect triangles matched against master pairs of the same length: the transform
// that puts the most sampled suspect points on master points.
Candidate search(const PlanarMaster& prepared, const std::vector<Point>& suspect,
                 const std::vector<size_t>& sample, const Progress& progress) {
  const std::vector<Point>& master = prepared.points;
  const Grid& master_grid = prepared.grid;
  const double band = std::clamp(extent(master) / 8, 0.5, 10.0), width = 0.2;
  const Grid suspect_grid(suspect, band + width);
  const MasterPairs pairs(master, band, width);
  const Occupancy occupied(master);
  const Reachable reachable(master, kMatchTolerance + Landings::kLandingHair);
  const bool moderate = largest_coordinate(suspect) <= kModerate;
  std::mt19937_64 rng(suspect.size());
  Candidate best;
  for (size_t attempt = 0; attempt < kSearchAttempts && best.inliers < sample.size() / 2; ++attempt) {
    tell(progress, attempt * kSearchSteps / kSearchAttempts, kSearchSteps);
    const size_t a = rng() % suspect.size();
    std::vector<size_t> partners;
    suspect_grid.visit(suspect[a], band + width - kMatchTolerance, [&](size_t j, double d2) {
      if (d2 >= (band + kMatchTolerance) * (band + kMatchTolerance)) partners.push_back(j);
    });
    if (partners.size() < 2) continue;
    const size_t b = partners[rng() % partners.size()];
    size_t c = partners[rng() % partners.size()];
    // A check tells something only away from b and from the other checks: a point where b is
    // (a file repeats points) lands on a master point for every pair.
    const auto apart = [&](size_t e, size_t from) {
      return distance(suspect[e], suspect[from]) > kCheckApart;
    };
    if (!apart(c, b)) continue;
    // Further partners of a, each of which a candidate must also put on a master point before
    // its inliers are counted: in a dense master (a silkscreen's lettering) one point lands on
    // some master point for a tenth of the master pairs, and counting a candidate's inliers costs
    // a query per sampled point.
    std::vector<size_t> checks{c};
    for (size_t k = 0; k < kSearchChecks && checks.size() < partners.size() - 1; ++k) {
      const size_t e = partners[rng() % partners.size()];
      if (apart(e, b) && std::all_of(checks.begin(), checks.end(), [&](size_t f) { return apart(e, f); }))
        checks.push_back(e);
    }
    const double d = distance(suspect[a], suspect[b]);
    // Most pairs put a check far from every master point: ruled out by a first look, walking the
    // pairs across the master. The rest are then formed and checked as they always were, in the
    // order of their lengths (which the candidate kept among equals depends on).
    const Landings landings(suspect, a, b, checks, moderate);
    std::vector<std::pair<MasterPair, bool>> kept;  // a pair and whether it is taken flipped
    pairs.visit(d - kMatchTolerance, d + kMatchTolerance, [&](const MasterPair& pair) {
      ++best.pairs;
      const auto [forward, backward] =
          landings.maybe_on(reachable, master[pair.first], master[pair.second], pair.length);
      if (forward) kept.push_back({pair, false});
      if (backward) kept.push_back({pair, true});
    });
    std::sort(kept.begin(), kept.end());
    for (const auto& [pair, flip] : kept) {
      ++best.formed;
      const Point m0 = master[flip ? pair.second : pair.first];
      const Point m1 = master[flip ? pair.first : pair.second];
      const Rigid r = from_pairs(m0, m1, suspect[a], suspect[b]);
      const bool all_on = std::all_of(checks.begin(), checks.end(), [&](size_t e) {
        const Point at = r.invert(suspect[e]);
        return occupied.maybe_near(at) && master_grid.nearest(at, kMatchTolerance) != Grid::npos;
      });
      if (!all_on) continue;
      ++best.scored;
      const size_t inliers = matches(prepared, suspect, sample, r).size();
      if (inliers > best.inliers) best.transform = r, best.inliers = inliers;
    }
  }
  tell(progress, kSearchSteps, kSearchSteps);
  return best;
}

}  // namespace

PointGrid::PointGrid(const std::vector<Point>& points, double radius) : cell_(2 * radius) {
  std::vector<std::pair<uint64_t, uint32_t>> keyed(points.size());
  for (size_t i = 0; i < points.size(); ++i)
    keyed[i] = {key(cell_of(points[i].x), cell_of(points[i].y)), static_cast<uint32_t>(i)};
  std::sort(keyed.begin(), keyed.end());
  entries_.reserve(points.size());
  for (size_t i = 0; i < keyed.size(); ++i) {
    if (i == 0 || keyed[i].first != keyed[i - 1].first) {
      keys_.push_back(keyed[i].first);
      starts_.push_back(static_cast<uint32_t>(i));
    }
    entries_.push_back({points[keyed[i].second], keyed[i].second});
  }
  starts_.push_back(static_cast<uint32_t>(entries_.size()));
  size_t slots = 16;
  while (slots < 2 * keys_.size()) slots *= 2;
  slots_.assign(slots, kEmpty);
  for (size_t c = 0; c < keys_.size(); ++c) {
    size_t at = slot_of(keys_[c]);
    while (slots_[at] != kEmpty) at = (at + 1) & (slots_.size() - 1);
    slots_[at] = static_cast<uint32_t>(c);
  }
}

size_t PointGrid::nearest(Point p, double radius) const {
  size_t best = npos;
  double best_d2 = radius * radius;
  visit(p, radius, [&](size_t i, double d2) {
    if (d2 <= best_d2) best_d2 = d2, best = i;
  });
  return best;
}

int64_t PointGrid::cell_of(double v) const {
  return static_cast<int64_t>(std::floor(v / cell_));
}

PointGrid::RingRows PointGrid::ring_rows(Point p, double inner, double radius, int64_t cx) const {
  constexpr double kHair = 1e-6;  // mm: far above cell_of's rounding, far below a file's resolution
  constexpr double kFar = 1e6;    // mm: beyond it the hair no longer covers the rounding
  if (!(std::abs(p.x) + std::abs(p.y) + radius < kFar)) return {INT64_MIN, INT64_MAX, 0, -1};
  RingRows rows;
  const double left = static_cast<double>(cx) * cell_ - kHair, right = left + cell_ + 2 * kHair;
  const double nearest_dx = p.x < left ? left - p.x : (p.x > right ? p.x - right : 0);
  const double farthest_dx = std::max(std::abs(left - p.x), std::abs(right - p.x));
  const double reach = std::sqrt(std::max(0.0, radius * radius - nearest_dx * nearest_dx)) + kHair;
  rows.first = cell_of(p.y - reach), rows.last = cell_of(p.y + reach);
  if (farthest_dx < inner) {
    const double half = std::sqrt(inner * inner - farthest_dx * farthest_dx) - kHair;
    if (half > 0) rows.hole_first = cell_of(p.y - half) + 1, rows.hole_last = cell_of(p.y + half) - 1;
  }
  return rows;
}

uint64_t PointGrid::key(int64_t cx, int64_t cy) {
  return (static_cast<uint64_t>(cx) * 0x9E3779B97F4A7C15ULL) ^ static_cast<uint64_t>(cy);
}

size_t PointGrid::slot_of(uint64_t k) const {
  return static_cast<size_t>((k * 0xD6E8FEB86659FD93ULL) >> 32) & (slots_.size() - 1);
}

std::pair<size_t, size_t> PointGrid::cell(int64_t cx, int64_t cy) const {
  if (slots_.empty()) return {0, 0};
  const uint64_t k = key(cx, cy);
  for (size_t at = slot_of(k);; at = (at + 1) & (slots_.size() - 1)) {
    const uint32_t c = slots_[at];
    if (c == kEmpty) return {0, 0};
    if (keys_[c] == k) return {starts_[c], starts_[c + 1]};
  }
}

std::vector<size_t> isolated(const std::vector<Point>& points, const std::vector<size_t>& candidates) {
  const Grid grid(points, kIsolation);
  std::vector<size_t> out;
  for (const size_t i : candidates) {
    bool alone = true;
    grid.visit(points[i], kIsolation, [&](size_t j, double d2) {
      if (j != i && d2 > 1e-12) alone = false;
    });
    if (alone) out.push_back(i);
  }
  return out;
}

PlanarMaster::PlanarMaster(std::vector<Point> master_points, std::vector<uint32_t> carriers)
    : points(std::move(master_points)),
      grid(points, kMatchTolerance),
      carrier_of(std::move(carriers)),
      clearance(points.size(), 2 * kMatchTolerance) {
  carrier_of.resize(points.size(), kNoCarrier);
  for (size_t i = 0; i < points.size(); ++i)
    grid.visit(points[i], 2 * kMatchTolerance, [&](size_t, double d2) {
      if (d2 > 0) clearance[i] = std::min(clearance[i], std::sqrt(d2));
    });
}

Result<Registration> register_points(const std::vector<Point>& master, const std::vector<Point>& suspect) {
  return register_points(PlanarMaster(master), suspect);
}

Result<Registration> register_points(const PlanarMaster& prepared, const std::vector<Point>& suspect,
                                     const Progress& progress) {
  const std::vector<Point>& master = prepared.points;
  if (master.empty() || suspect.size() < 3) return input_error("", "too few points to register the file");
  const std::vector<size_t> sample = spread_sample(suspect.size(), 200);
  Candidate best{Rigid{}, matches(prepared, suspect, sample, Rigid{}).size()};
  Candidate work;
  if (best.inliers < sample.size() / 2) {
    const Candidate found = search(prepared, suspect, sample, progress);
    work = found;
    if (found.inliers > best.inliers) best = found;
  }
  if (best.inliers * 10 < sample.size()) return input_error("", "the file does not match the master");
  std::vector<size_t> all(suspect.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  Rigid r = best.transform;
  std::vector<std::pair<Point, Point>> pairs;
  for (int round = 0; round < 2; ++round) {
    pairs = matches(prepared, suspect, all, r);
    if (pairs.size() < 3) break;
    const Rigid refined = refine(pairs);
    // A second round only when the fit moved the suspect by more than a small share of the
    // match tolerance (0.1 µm, or 0.1 µm over 1 m of rotation): else it matches the same points.
    const bool moved = std::abs(refined.sin - r.sin) > 1e-7 || std::abs(refined.dx - r.dx) > 1e-4 ||
                       std::abs(refined.dy - r.dy) > 1e-4;
    r = refined;
    if (!moved) break;
  }
  Registration out{r,
                   static_cast<double>(pairs.size()) / static_cast<double>(suspect.size()),
                   pairs.size(),
                   work.scored,
                   work.pairs,
                   work.formed};
  return out;
}

std::vector<double> read_shifts(const std::vector<Point>& carriers, const std::vector<Point>& shifts,
                                const std::vector<Point>& suspect, const Rigid& transform,
                                const PlanarMaster* master) {
  // Each carrier takes the suspect point nearest it within 0.6 kIsolation: the carriers (a few
  // hundred) are indexed, and every suspect point looks for the carriers around it.
  const double radius = 0.6 * kIsolation;
  const Grid grid(carriers, radius);
  std::vector<double> best(carriers.size(), radius * radius);
  std::vector<Point> found(carriers.size());
  std::vector<bool> seen(carriers.size(), false);
  const auto consider = [&](size_t i, double d2, Point p) {
    if (d2 <= best[i]) best[i] = d2, found[i] = p, seen[i] = true;
  };
  constexpr double kOwn = kIsolation / 5;  // then 0.8 kIsolation from other carriers: beyond `radius`
  for (size_t k = 0; k < suspect.size(); ++k) {
    const Point in_master = transform.invert(suspect[k]);
    if (master && k < master->points.size()) {
      const double dx = in_master.x - master->points[k].x, dy = in_master.y - master->points[k].y;
      if (dx * dx + dy * dy <= kOwn * kOwn) {
        const uint32_t own = master->carrier_of[k];
        if (own == PlanarMaster::kNoCarrier) continue;
        if (own == PlanarMaster::kSeveralCarriers) {
          grid.visit(in_master, radius, [&](size_t i, double d2) { consider(i, d2, in_master); });
          continue;
        }
        const double cx = in_master.x - carriers[own].x, cy = in_master.y - carriers[own].y;
        consider(own, cx * cx + cy * cy, in_master);
        continue;
      }
    }
    grid.visit(in_master, radius, [&](size_t i, double d2) { consider(i, d2, in_master); });
  }
  std::vector<double> out(carriers.size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t i = 0; i < carriers.size(); ++i) {
    const Point s = shifts[i];
    const double length2 = s.x * s.x + s.y * s.y;
    if (!seen[i] || length2 <= 0) continue;
    out[i] = ((found[i].x - carriers[i].x) * s.x + (found[i].y - carriers[i].y) * s.y) / length2;
  }
  return out;
}

Layout assign_positions(size_t carriers, std::string_view secret) {
  Layout layout;
  layout.length = std::min(carriers, kMaxLength);
  const std::vector<double> u = uniforms(keyed_hash(secret, {"positions"}), carriers);
  std::vector<size_t> order(carriers);
  for (size_t i = 0; i < carriers; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return u[a] < u[b]; });
  layout.position.resize(carriers);
  for (size_t rank = 0; rank < carriers; ++rank)
    layout.position[order[rank]] = static_cast<uint32_t>(rank % std::max<size_t>(1, layout.length));
  return layout;
}

std::vector<int8_t> symbols(const Layout& layout, const std::vector<double>& shifts) {
  std::vector<double> sum(layout.length, 0);
  std::vector<int> count(layout.length, 0);
  for (size_t i = 0; i < shifts.size() && i < layout.position.size(); ++i) {
    if (std::isnan(shifts[i])) continue;
    sum[layout.position[i]] += shifts[i];
    ++count[layout.position[i]];
  }
  std::vector<int8_t> out(layout.length, kErased);
  for (size_t p = 0; p < layout.length; ++p) {
    if (count[p] == 0) continue;
    const double mean = sum[p] / count[p];
    if (std::abs(mean) >= 1.0 / 3) out[p] = mean > 0 ? 1 : 0;
  }
  return out;
}

std::vector<Point> directions(size_t carriers, std::string_view secret) {
  const std::vector<double> u = uniforms(keyed_hash(secret, {"directions"}), carriers);
  std::vector<Point> out(carriers);
  for (size_t i = 0; i < carriers; ++i) {
    const double angle = 2 * std::numbers::pi * u[i];
    out[i] = {std::cos(angle), std::sin(angle)};
  }
  return out;
}

namespace {

// The scaled registration's limits: the scales a page printed to paper can take (A3 to A6 and back
// is 2.8), the suspect points sampled, the votes one point casts, and a fit good enough to stop.
constexpr double kLeastScale = 0.2, kMostScale = 5;
constexpr size_t kSampled = 500;
constexpr size_t kMostVotesPerPoint = 64;
constexpr double kSettled = 0.9;

// The scale, rotation and shift that carry the first of each pair onto the second with the least
// squared error (the closed form of the two-dimensional Procrustes problem).
Similarity fit_similarity(const std::vector<std::pair<Point, Point>>& pairs) {
  const PairMoments f = moments_of(pairs);
  Similarity out;
  if (!(f.spread > 0)) return out;
  const double angle = std::atan2(f.cross, f.dot);
  out.scale = std::hypot(f.dot, f.cross) / f.spread;
  out.rotation = Rigid{std::cos(angle), std::sin(angle), 0, 0};
  const Point moved = out.apply(f.first);
  out.rotation.dx = f.second.x - moved.x, out.rotation.dy = f.second.y - moved.y;
  return out;
}

// Suspect points that `t` takes back to within the match tolerance of a master point, each with
// that master point: (master, suspect).
std::vector<std::pair<Point, Point>> scaled_pairs(const PlanarMaster& master,
                                                  const std::vector<Point>& suspect, const Similarity& t) {
  std::vector<std::pair<Point, Point>> pairs;
  for (const Point q : suspect) {
    const size_t j = master.grid.nearest(t.invert(q), kMatchTolerance);
    if (j != PointGrid::npos) pairs.emplace_back(master.points[j], q);
  }
  return pairs;
}

// Where the points lie and how far they spread, robustly: the median of each coordinate, and the
// median distance to that point. A few points added far away (a clip rectangle at the page's edge, a
// mark in a corner) move neither.
struct Spread {
  Point centre;
  double distance = 0;
};

Spread spread_of(const std::vector<Point>& points) {
  const auto median = [](std::vector<double> v) {
    const auto middle = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), middle, v.end());
    return *middle;
  };
  std::vector<double> xs, ys;
  for (const Point p : points) xs.push_back(p.x), ys.push_back(p.y);
  Spread out{{median(xs), median(ys)}, 0};
  std::vector<double> distances;
  for (const Point p : points) distances.push_back(std::hypot(p.x - out.centre.x, p.y - out.centre.y));
  out.distance = median(std::move(distances));
  return out;
}

// The transform that undoes `t`.
Similarity inverse(const Similarity& t) {
  Similarity out{1 / t.scale, Rigid{t.rotation.cos, -t.rotation.sin, 0, 0}};
  const Point shift = out.apply({t.rotation.dx, t.rotation.dy});
  out.rotation.dx = -shift.x, out.rotation.dy = -shift.y;
  return out;
}

// Fitted by least squares to the nearest master points of `suspect`'s points (`sample`), from
// `back` (suspect → master), while the radius within which points pair narrows through `radii` and
// a third of them still pair. None when even the first radius pairs too few.
std::optional<Similarity> narrowed(const std::vector<Point>& master, const std::vector<Point>& suspect,
                                   const std::vector<size_t>& sample, const std::vector<PointGrid>& grids,
                                   const std::vector<double>& radii, Similarity back) {
  std::optional<Similarity> out;
  for (size_t r = 0; r < radii.size(); ++r) {
    for (int round = 0; round < 8; ++round) {
      std::vector<std::pair<Point, Point>> pairs;
      for (const size_t i : sample) {
        const size_t j = grids[r].nearest(back.apply(suspect[i]), radii[r]);
        if (j != PointGrid::npos) pairs.emplace_back(suspect[i], master[j]);
      }
      // A radius that pairs too few points fits a part of the drawing: the last fit that paired
      // enough is kept.
      if (pairs.size() < 3 || pairs.size() * 3 < sample.size()) return out;
      const Similarity fitted = fit_similarity(pairs);
      if (!(fitted.scale > 0)) return out;
      const bool settled = std::abs(fitted.scale - back.scale) < 1e-9 * back.scale &&
                           std::abs(fitted.rotation.dx - back.rotation.dx) < 1e-6 &&
                           std::abs(fitted.rotation.dy - back.rotation.dy) < 1e-6;
      back = fitted;
      out = back;
      if (settled) break;
    }
  }
  return out;
}

// `back` with its shift put right: every sampled suspect point votes, for each master point within
// `window` of where `back` takes it, for the shift that would put it there; the shift most votes
// agree on (to four match tolerances) wins. With the scale and turn right, the right shift has
// a vote from nearly every point.
Similarity shift_by_votes(const std::vector<Point>& master, const std::vector<Point>& suspect,
                          const std::vector<size_t>& sample, const PointGrid& grid, double window,
                          Similarity back) {
  const double cell = 4 * kMatchTolerance;
  struct Tally {
    size_t count = 0;
    Point sum;
  };
  std::unordered_map<uint64_t, Tally> votes;  // by the shift's cell
  votes.reserve(sample.size() * 8);
  for (const size_t i : sample) {
    const Point at = back.apply(suspect[i]);
    size_t cast = 0;  // a point in a crowd votes for its first few neighbours only
    grid.visit(at, window, [&](size_t j, double) {
      if (++cast > kMostVotesPerPoint) return;
      const Point shift{master[j].x - at.x, master[j].y - at.y};
      const auto cx = static_cast<uint64_t>(std::llround(shift.x / cell));
      const auto cy = static_cast<uint64_t>(std::llround(shift.y / cell));
      Tally& tally = votes[cx * 0x9E3779B97F4A7C15ULL ^ cy];
      ++tally.count, tally.sum.x += shift.x, tally.sum.y += shift.y;
    });
  }
  const auto most = std::max_element(votes.begin(), votes.end(), [](const auto& a, const auto& b) {
    return a.second.count < b.second.count;
  });
  if (most == votes.end()) return back;
  const auto n = static_cast<double>(most->second.count);
  back.rotation.dx += most->second.sum.x / n, back.rotation.dy += most->second.sum.y / n;
  return back;
}

// The search from one guess: the master's grids built once, tried from each scale and quarter turn.
class ScaledSearch {
 public:
  explicit ScaledSearch(const PlanarMaster& master)
      : master_(master.points),
        prepared_(master),
        window_(std::max(extent(master.points) / 25, 8 * kMatchTolerance)),
        coarse_(master.points, window_) {
    for (double radius = 8 * kMatchTolerance; radius > kMatchTolerance; radius /= 2) radii_.push_back(radius);
    radii_.push_back(kMatchTolerance);
    for (const double radius : radii_) grids_.emplace_back(master_, radius);
  }

  // From `scale` (master → suspect) and a quarter turn, the centres laid on each other: the shift
  // by votes, then the fit narrowed to the match tolerance.
  std::optional<ScaledRegistration> from(const std::vector<Point>& suspect, double scale, int quarter,
                                         const Spread& of_master, const Spread& of_suspect) const {
    const std::vector<size_t> sample = spread_sample(suspect.size(), kSampled);
    const double angle = quarter * std::numbers::pi / 2;
    Similarity back{1 / scale, Rigid{std::round(std::cos(angle)), std::round(std::sin(angle)), 0, 0}};
    const Point moved = back.apply(of_suspect.centre);
    back.rotation.dx = of_master.centre.x - moved.x, back.rotation.dy = of_master.centre.y - moved.y;
    const std::optional<Similarity> fitted =
        narrowed(master_, suspect, sample, grids_, radii_,
                 shift_by_votes(master_, suspect, sample, coarse_, window_, back));
    if (!fitted) return std::nullopt;
    const Similarity t = inverse(*fitted);
    const double matched =
        static_cast<double>(scaled_pairs(prepared_, suspect, t).size()) / static_cast<double>(suspect.size());
    return ScaledRegistration{t, matched};
  }

 private:
  const std::vector<Point>& master_;
  const PlanarMaster& prepared_;
  double window_ = 0;
  PointGrid coarse_;
  std::vector<double> radii_;
  std::vector<PointGrid> grids_;
};

}  // namespace

Result<ScaledRegistration> register_scaled(const PlanarMaster& prepared, const std::vector<Point>& suspect,
                                           const std::vector<double>& scales) {
  const std::vector<Point>& master = prepared.points;
  if (master.size() < 3 || suspect.size() < 3) return input_error("", "too few points to register the file");
  for (const std::vector<Point>* points : {&master, &suspect})
    for (const Point p : *points)
      if (!std::isfinite(p.x) || !std::isfinite(p.y))
        return input_error("", "the file has a point at no finite place");
  const Spread of_master = spread_of(master), of_suspect = spread_of(suspect);
  if (!(of_master.distance > 0) || !(of_suspect.distance > 0))
    return input_error("", "the file's points all lie at one place");
  std::vector<double> tried = scales;  // master → suspect
  tried.push_back(of_suspect.distance / of_master.distance);
  const ScaledSearch search(prepared);
  std::optional<ScaledRegistration> best;
  for (const double scale : tried) {
    if (!(scale >= kLeastScale && scale <= kMostScale)) continue;
    for (int quarter = 0; quarter < 4; ++quarter) {
      const std::optional<ScaledRegistration> found =
          search.from(suspect, scale, quarter, of_master, of_suspect);
      if (found && (!best || found->matched > best->matched)) best = found;
      if (best && best->matched >= kSettled) return *best;
    }
  }
  if (!best || best->matched * 3 < 1)
    return input_error("", "the file does not match the master at any scale");
  return *best;
}

}  // namespace moat::mark
