// SPDX-License-Identifier: Apache-2.0
#include "mark/space.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "mark/format.h"

namespace moat::mark {

Point3 operator+(Point3 a, Point3 b) {
  return {a.x + b.x, a.y + b.y, a.z + b.z};
}
Point3 operator-(Point3 a, Point3 b) {
  return {a.x - b.x, a.y - b.y, a.z - b.z};
}
Point3 operator*(double s, Point3 a) {
  return {s * a.x, s * a.y, s * a.z};
}
double dot(Point3 a, Point3 b) {
  return a.x * b.x + a.y * b.y + a.z * b.z;
}
Point3 cross(Point3 a, Point3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
double norm(Point3 a) {
  return std::sqrt(dot(a, a));
}
Point3 unit(Point3 a) {
  const double n = norm(a);
  return n > 0 ? (1 / n) * a : a;
}

Point3 Motion::apply(Point3 p) const {
  const auto& r = rotation;
  return Point3{r[0] * p.x + r[1] * p.y + r[2] * p.z, r[3] * p.x + r[4] * p.y + r[5] * p.z,
                r[6] * p.x + r[7] * p.y + r[8] * p.z} +
         shift;
}

Point3 Motion::invert(Point3 p) const {
  const auto& r = rotation;
  const Point3 q = p - shift;
  return {r[0] * q.x + r[3] * q.y + r[6] * q.z, r[1] * q.x + r[4] * q.y + r[7] * q.z,
          r[2] * q.x + r[5] * q.y + r[8] * q.z};
}

namespace {

using Grid3 = PointGrid3;

// The eigenvector of the largest eigenvalue of a symmetric 4×4 matrix (Jacobi rotations).
std::array<double, 4> top_eigenvector(std::array<std::array<double, 4>, 4> a) {
  std::array<std::array<double, 4>, 4> v{};
  for (int i = 0; i < 4; ++i) v[static_cast<size_t>(i)][static_cast<size_t>(i)] = 1;
  for (int sweep = 0; sweep < 50; ++sweep) {
    for (size_t p = 0; p < 4; ++p)
      for (size_t q = p + 1; q < 4; ++q) {
        if (std::abs(a[p][q]) < 1e-300) continue;
        const double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const double t = (theta >= 0 ? 1 : -1) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (size_t k = 0; k < 4; ++k) {
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq, a[k][q] = s * akp + c * akq;
        }
        for (size_t k = 0; k < 4; ++k) {
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk, a[q][k] = s * apk + c * aqk;
        }
        for (size_t k = 0; k < 4; ++k) {
          const double vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq, v[k][q] = s * vkp + c * vkq;
        }
      }
  }
  size_t best = 0;
  for (size_t i = 1; i < 4; ++i)
    if (a[i][i] > a[best][best]) best = i;
  return {v[0][best], v[1][best], v[2][best], v[3][best]};
}

// Least-squares rigid fit of master points onto suspect points (Horn's quaternion method).
Motion fit(const std::vector<std::pair<Point3, Point3>>& pairs) {
  Point3 cm, cs;
  for (const auto& [m, s] : pairs) cm = cm + m, cs = cs + s;
  const double n = static_cast<double>(pairs.size());
  cm = (1 / n) * cm, cs = (1 / n) * cs;
  double S[3][3] = {};
  for (const auto& [m, s] : pairs) {
    const Point3 a = m - cm, b = s - cs;
    const double av[3] = {a.x, a.y, a.z}, bv[3] = {b.x, b.y, b.z};
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) S[i][j] += av[i] * bv[j];
  }
  const std::array<std::array<double, 4>, 4> N = {{
      {S[0][0] + S[1][1] + S[2][2], S[1][2] - S[2][1], S[2][0] - S[0][2], S[0][1] - S[1][0]},
      {S[1][2] - S[2][1], S[0][0] - S[1][1] - S[2][2], S[0][1] + S[1][0], S[2][0] + S[0][2]},
      {S[2][0] - S[0][2], S[0][1] + S[1][0], -S[0][0] + S[1][1] - S[2][2], S[1][2] + S[2][1]},
      {S[0][1] - S[1][0], S[2][0] + S[0][2], S[1][2] + S[2][1], -S[0][0] - S[1][1] + S[2][2]},
  }};
  const auto q = top_eigenvector(N);
  const double w = q[0], x = q[1], y = q[2], z = q[3];
  Motion motion;
  motion.rotation = {
      w * w + x * x - y * y - z * z, 2 * (x * y - w * z),           2 * (x * z + w * y),
      2 * (x * y + w * z),           w * w - x * x + y * y - z * z, 2 * (y * z - w * x),
      2 * (x * z - w * y),           2 * (y * z + w * x),           w * w - x * x - y * y + z * z};
  Motion centred = motion;
  centred.shift = {};
  motion.shift = cs - centred.apply(cm);
  return motion;
}

// Suspect points (of `sample`) that the motion puts on a master point, with their pairs. The
// master point of the same index is the nearest, found without a search, when the suspect point
// coincides with it (to kSamePoint3) or lies nearer than half its clearance (every other master
// point is then farther).
std::vector<std::pair<Point3, Point3>> matches(const SpaceMaster& prepared, const Grid3& grid,
                                               const std::vector<Point3>& suspect,
                                               const std::vector<size_t>& sample, const Motion& motion,
                                               double tolerance) {
  const std::vector<Point3>& master = prepared.points;
  std::vector<std::pair<Point3, Point3>> out;
  out.reserve(sample.size());
  for (const size_t i : sample) {
    const Point3 at = motion.invert(suspect[i]);
    if (i < master.size()) {
      const double d2 = dot(at - master[i], at - master[i]);
      const double own = std::min(tolerance, prepared.clearance[i] / 2);
      if (d2 <= kSamePoint3 * kSamePoint3 || d2 < own * own) {
        out.emplace_back(master[i], suspect[i]);
        continue;
      }
    }
    const size_t m = grid.nearest(at, tolerance);
    if (m != Grid3::npos) out.emplace_back(master[m], suspect[i]);
  }
  return out;
}

// The distances [band, band + width] whose master pairs are tabled: about 2 million pairs, all
// of them for small models, short ones (cheap to enumerate) for large ones.
std::pair<double, double> distance_band(const std::vector<Point3>& master) {
  std::mt19937_64 rng(master.size());
  std::vector<double> sample;
  for (int i = 0; i < 4000; ++i) {
    const double d = norm(master[rng() % master.size()] - master[rng() % master.size()]);
    if (d > 0.5) sample.push_back(d);
  }
  if (sample.size() < 10) return {0.5, 1};
  std::sort(sample.begin(), sample.end());
  const double n = static_cast<double>(master.size());
  const double share = std::min(0.9, 4e6 / (n * n));
  const double from = share < 0.1 ? 0.05 : std::max(0.02, 0.5 - share / 2);
  auto quantile = [&](double q) {
    return sample[std::min(sample.size() - 1, static_cast<size_t>(q * static_cast<double>(sample.size())))];
  };
  const double lo = quantile(from), hi = quantile(from + share);
  return {lo, std::max(hi - lo, 0.05)};
}

struct Candidate {
  Motion motion;
  size_t inliers = 0;
};

// Suspect triangles (a, b, c) matched to master triangles of the same side lengths.
Candidate search(const SpaceMaster& prepared, const std::vector<Point3>& suspect,
                 const std::vector<size_t>& sample, const Progress& progress) {
  const std::vector<Point3>& master = prepared.points;
  const std::pair<double, double> band_width = distance_band(master);
  const double band = band_width.first, width = band_width.second;
  const double tol = 2 * kMatchTolerance3;
  const Grid3 wide(master, band + width);
  std::vector<std::vector<std::pair<uint32_t, float>>> near(master.size());
  std::vector<std::tuple<double, uint32_t, uint32_t>> pairs;
  for (size_t i = 0; i < master.size() && pairs.size() < 3'000'000; ++i)
    wide.visit(master[i], band + width, [&](size_t j, double d2) {
      if (j <= i || d2 < band * band) return;
      const double d = std::sqrt(d2);
      pairs.emplace_back(d, static_cast<uint32_t>(i), static_cast<uint32_t>(j));
      near[i].push_back({static_cast<uint32_t>(j), static_cast<float>(d)});
      near[j].push_back({static_cast<uint32_t>(i), static_cast<float>(d)});
    });
  std::sort(pairs.begin(), pairs.end());
  const Grid3 suspect_grid(suspect, band + width);
  std::mt19937_64 rng(suspect.size());
  Candidate best;
  constexpr size_t kAttempts = 80;  // suspect triangles tried at most
  for (size_t attempt = 0; attempt < kAttempts && best.inliers < sample.size() / 2; ++attempt) {
    tell(progress, attempt * kSearchSteps / kAttempts, kSearchSteps);
    const size_t a = rng() % suspect.size();
    std::vector<size_t> partners;
    suspect_grid.visit(suspect[a], band + width - tol, [&](size_t j, double d2) {
      if (d2 >= (band + tol) * (band + tol)) partners.push_back(j);
    });
    if (partners.size() < 2) continue;
    const size_t b = partners[rng() % partners.size()], c = partners[rng() % partners.size()];
    const double ab = norm(suspect[b] - suspect[a]), ac = norm(suspect[c] - suspect[a]),
                 bc = norm(suspect[c] - suspect[b]);
    if (b == c || bc < 0.2 * band) continue;
    auto it =
        std::lower_bound(pairs.begin(), pairs.end(), std::make_tuple(ab - tol, uint32_t{0}, uint32_t{0}));
    for (; it != pairs.end() && std::get<0>(*it) <= ab + tol; ++it) {
      for (const bool flip : {false, true}) {
        const uint32_t m0 = flip ? std::get<2>(*it) : std::get<1>(*it),
                       m1 = flip ? std::get<1>(*it) : std::get<2>(*it);
        for (const auto& [m2, d] : near[m0]) {
          if (std::abs(static_cast<double>(d) - ac) > tol ||
              std::abs(norm(master[m2] - master[m1]) - bc) > tol)
            continue;
          const Motion motion =
              fit({{master[m0], suspect[a]}, {master[m1], suspect[b]}, {master[m2], suspect[c]}});
          const size_t inliers =
              matches(prepared, prepared.loose, suspect, sample, motion, 4 * kMatchTolerance3).size();
          if (inliers > best.inliers) best = {motion, inliers};
        }
      }
    }
  }
  tell(progress, kSearchSteps, kSearchSteps);
  return best;
}

std::vector<size_t> spread(size_t size, size_t count) {
  std::vector<size_t> out;
  for (size_t i = 0; i < size; i += std::max<size_t>(1, size / count)) out.push_back(i);
  return out;
}

}  // namespace

PointGrid3::PointGrid3(const std::vector<Point3>& points, double radius) : cell_(2 * radius) {
  std::vector<std::pair<uint64_t, uint32_t>> keyed(points.size());
  for (size_t i = 0; i < points.size(); ++i) keyed[i] = {key(cell_of(points[i])), static_cast<uint32_t>(i)};
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

size_t PointGrid3::nearest(Point3 p, double radius) const {
  size_t best = npos;
  double best_d2 = radius * radius;
  visit(p, radius, [&](size_t i, double d2) {
    if (d2 <= best_d2) best_d2 = d2, best = i;
  });
  return best;
}

std::array<int64_t, 3> PointGrid3::cell_of(Point3 p) const {
  return {static_cast<int64_t>(std::floor(p.x / cell_)), static_cast<int64_t>(std::floor(p.y / cell_)),
          static_cast<int64_t>(std::floor(p.z / cell_))};
}

uint64_t PointGrid3::key(std::array<int64_t, 3> c) {
  return static_cast<uint64_t>(c[0]) * 0x9E3779B97F4A7C15ULL ^
         static_cast<uint64_t>(c[1]) * 0xC2B2AE3D27D4EB4FULL ^ static_cast<uint64_t>(c[2]);
}

size_t PointGrid3::slot_of(uint64_t k) const {
  return static_cast<size_t>((k * 0xD6E8FEB86659FD93ULL) >> 32) & (slots_.size() - 1);
}

std::pair<size_t, size_t> PointGrid3::cell(std::array<int64_t, 3> c) const {
  if (slots_.empty()) return {0, 0};
  const uint64_t k = key(c);
  for (size_t at = slot_of(k);; at = (at + 1) & (slots_.size() - 1)) {
    const uint32_t found = slots_[at];
    if (found == kEmpty) return {0, 0};
    if (keys_[found] == k) return {starts_[found], starts_[found + 1]};
  }
}

SpaceMaster::SpaceMaster(std::vector<Point3> master_points, const std::vector<size_t>& carriers)
    : points(std::move(master_points)),
      tight(points, kMatchTolerance3),
      loose(points, 4 * kMatchTolerance3),
      carrier(points.size(), 0),
      clearance(points.size(), kIsolation3) {
  for (const size_t i : carriers) carrier.at(i) = 1;
  for (size_t i = 0; i < points.size(); ++i)
    loose.visit(points[i], kIsolation3, [&](size_t j, double d2) {
      if (j != i) clearance[i] = std::min(clearance[i], std::sqrt(d2));
    });
}

std::vector<size_t> isolated3(const std::vector<Point3>& points, const std::vector<size_t>& candidates) {
  const Grid3 grid(points, kIsolation3);
  std::vector<size_t> out;
  for (const size_t i : candidates) {
    bool alone = true;
    grid.visit(points[i], kIsolation3, [&](size_t j, double) { alone &= j == i; });
    if (alone) out.push_back(i);
  }
  return out;
}

Result<Registration3> register_space(const std::vector<Point3>& master, const std::vector<Point3>& suspect) {
  return register_space(SpaceMaster(master), suspect);
}

Result<Registration3> register_space(const SpaceMaster& prepared, const std::vector<Point3>& suspect,
                                     const Progress& progress) {
  const std::vector<Point3>& master = prepared.points;
  if (master.size() < 3 || suspect.size() < 3) return input_error("", "too few points to register the model");
  const std::vector<size_t> sample = spread(suspect.size(), 300);
  Candidate best{Motion{},
                 matches(prepared, prepared.tight, suspect, sample, Motion{}, kMatchTolerance3).size()};
  if (best.inliers < sample.size() / 2) {
    const Candidate found = search(prepared, suspect, sample, progress);
    if (found.inliers > best.inliers) best = found;
  }
  if (best.inliers * 10 < sample.size()) return input_error("", "the model does not match the master");
  std::vector<size_t> all(suspect.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  Motion motion = best.motion;
  std::vector<std::pair<Point3, Point3>> pairs;
  for (const double tolerance : {4 * kMatchTolerance3, kMatchTolerance3, kMatchTolerance3}) {
    std::vector<std::pair<Point3, Point3>> found =
        matches(prepared, tolerance > kMatchTolerance3 ? prepared.loose : prepared.tight, suspect, all,
                motion, tolerance);
    if (found == pairs) break;  // the same pairs fit the same motion: nothing more to refine
    pairs = std::move(found);
    if (pairs.size() >= 3) motion = fit(pairs);
  }
  return Registration3{motion, static_cast<double>(pairs.size()) / static_cast<double>(suspect.size())};
}

std::vector<double> read_shifts3(const SpaceMaster& master, const std::vector<Point3>& carriers,
                                 const std::vector<Point3>& shifts, const std::vector<Point3>& suspect,
                                 const Motion& motion) {
  // Each carrier takes the suspect point nearest it within 0.6 kIsolation3: the carriers are
  // indexed, and every suspect point looks for the carriers around it, except one nearer than
  // 0.39 kIsolation3 to the master's point of the same index when that is no carrier (every
  // carrier is at least kIsolation3 from that point, so more than the radius from this one).
  const double radius = 0.6 * kIsolation3, passed = 0.39 * kIsolation3;
  const Grid3 grid(carriers, radius);
  std::vector<double> best(carriers.size(), radius * radius);
  std::vector<Point3> found(carriers.size());
  std::vector<bool> seen(carriers.size(), false);
  for (size_t k = 0; k < suspect.size(); ++k) {
    const Point3 in_master = motion.invert(suspect[k]);
    if (k < master.points.size() && !master.carrier[k] &&
        dot(in_master - master.points[k], in_master - master.points[k]) < passed * passed)
      continue;
    grid.visit(in_master, radius, [&](size_t i, double d2) {
      if (d2 <= best[i]) best[i] = d2, found[i] = in_master, seen[i] = true;
    });
  }
  std::vector<double> out(carriers.size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t i = 0; i < carriers.size(); ++i) {
    const double length2 = dot(shifts[i], shifts[i]);
    if (!seen[i] || length2 <= 0) continue;
    out[i] = dot(found[i] - carriers[i], shifts[i]) / length2;
  }
  return out;
}

}  // namespace moat::mark
