// SPDX-License-Identifier: Apache-2.0
// Registration in space (STEP): the rigid motion carrying a master's points onto a suspect's
// (a moved model, or the part inside a larger assembly), and the shift read at each carrier.
// Pure: point sets in millimetres in, a motion and shifts out.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/progress.h"
#include "core/result.h"
#include "mark/step.h"

namespace moat::mark {

Point3 operator+(Point3 a, Point3 b);
Point3 operator-(Point3 a, Point3 b);
Point3 operator*(double s, Point3 a);
double dot(Point3 a, Point3 b);
Point3 cross(Point3 a, Point3 b);
double norm(Point3 a);
Point3 unit(Point3 a);

// suspect = rotation · master + shift.
struct Motion {
  std::array<double, 9> rotation{1, 0, 0, 0, 1, 0, 0, 0, 1};  // row-major
  Point3 shift;
  Point3 apply(Point3 p) const;
  Point3 invert(Point3 p) const;
};

// Points bucketed in cubic cells for neighbour queries, built once, a few flat arrays. Built for
// queries within `radius`: its cells are twice that wide, so such a query looks in at most 8
// cells (a larger radius still finds every point, in more cells).
class PointGrid3 {
 public:
  PointGrid3() = default;
  PointGrid3(const std::vector<Point3>& points, double radius);
  static constexpr size_t npos = SIZE_MAX;
  // The index of the point nearest `p` within `radius`, or npos.
  size_t nearest(Point3 p, double radius) const;
  // Calls f(index, squared distance) for the points within `radius` of p.
  template <typename F>
  void visit(Point3 p, double radius, F f) const {
    const auto lo = cell_of(p - Point3{radius, radius, radius}),
               hi = cell_of(p + Point3{radius, radius, radius});
    const double r2 = radius * radius;
    for (int64_t x = lo[0]; x <= hi[0]; ++x)
      for (int64_t y = lo[1]; y <= hi[1]; ++y)
        for (int64_t z = lo[2]; z <= hi[2]; ++z) {
          const auto [begin, end] = cell({x, y, z});
          for (size_t k = begin; k < end; ++k) {
            const Point3 d = entries_[k].at - p;
            const double d2 = dot(d, d);
            if (d2 <= r2) f(static_cast<size_t>(entries_[k].index), d2);
          }
        }
  }

 private:
  struct Entry {
    Point3 at;
    uint32_t index = 0;
  };
  std::array<int64_t, 3> cell_of(Point3 p) const;
  static uint64_t key(std::array<int64_t, 3> c);
  std::pair<size_t, size_t> cell(std::array<int64_t, 3> c) const;  // [begin, end) in entries_

  double cell_ = 1;
  std::vector<uint64_t> keys_;    // one per non-empty cell
  std::vector<uint32_t> starts_;  // where each cell's entries begin (one more than keys_)
  std::vector<Entry> entries_;    // grouped by cell
  // An open-addressing table from a cell's key to its index in keys_ (kEmpty: free slot).
  static constexpr uint32_t kEmpty = UINT32_MAX;
  size_t slot_of(uint64_t k) const;
  std::vector<uint32_t> slots_;
};

struct Registration3 {
  Motion motion;
  double matched = 0;  // share of suspect points on a master point after the motion
};

inline constexpr double kMatchTolerance3 = 0.005;  // mm
inline constexpr double kIsolation3 = 0.01;        // mm: no other point this close to a carrier
inline constexpr double kSamePoint3 = 1e-6;        // mm: two points this close are one point

// Indices of `candidates` with no other point of `points` within kIsolation3.
std::vector<size_t> isolated3(const std::vector<Point3>& points, const std::vector<size_t>& candidates);

// A master's points indexed for registration, once per master. `carriers` are indices of points
// no other master point comes within kIsolation3 of. A suspect point nearer to master point i than
// half of i's clearance (the distance to the nearest other master point, kIsolation3 at most) has
// i as its nearest master point, found without a search: a suspect kept in the master's order
// (a copy as delivered, or edited in place) has most of its points there.
struct SpaceMaster {
  explicit SpaceMaster(std::vector<Point3> master_points, const std::vector<size_t>& carriers = {});
  std::vector<Point3> points;
  PointGrid3 tight;               // for queries within kMatchTolerance3
  PointGrid3 loose;               // for queries within 4 kMatchTolerance3
  std::vector<uint8_t> carrier;   // per point: 1 for a carrier
  std::vector<double> clearance;  // per point, mm, at most kIsolation3
};

// Fails (kInput) when no motion puts a tenth of the suspect's points on the master's. `progress`
// is told the search's steps done of kSearchSteps (format.h), when a search is needed.
Result<Registration3> register_space(const SpaceMaster& master, const std::vector<Point3>& suspect,
                                     const Progress& progress = {});
Result<Registration3> register_space(const std::vector<Point3>& master, const std::vector<Point3>& suspect);

// Per carrier, the suspect's shift along `shifts[i]` in units of it (about ±1), NaN when absent.
// `carriers` are the points of `master` it was built with as carriers.
std::vector<double> read_shifts3(const SpaceMaster& master, const std::vector<Point3>& carriers,
                                 const std::vector<Point3>& shifts, const std::vector<Point3>& suspect,
                                 const Motion& motion);

}  // namespace moat::mark
