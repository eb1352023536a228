// SPDX-License-Identifier: Apache-2.0
// Marks carried by planar points (Gerber and Excellon): the points of a master that may move,
// their keyed shift directions, registration of a suspect against the master (the rigid
// transform a panelization, rotation or re-zeroing applied) and the reading of each point's
// shift. Pure: point sets in millimetres in, shifts and symbols out.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "core/progress.h"
#include "core/result.h"
#include "mark/code.h"

namespace moat::mark {

struct Point {
  double x = 0;
  double y = 0;
};

// suspect = rotate(master) + shift.
struct Rigid {
  double cos = 1, sin = 0;
  double dx = 0, dy = 0;
  Point apply(Point p) const { return {cos * p.x - sin * p.y + dx, sin * p.x + cos * p.y + dy}; }
  Point invert(Point p) const {
    const double x = p.x - dx, y = p.y - dy;
    return {cos * x + sin * y, -sin * x + cos * y};
  }
};

// Points bucketed in square cells for neighbour queries: built once (a master's points are
// indexed once and queried for every copy and suspect), a few flat arrays, no node per cell.
// Built for queries within `radius`: its cells are twice that wide, so such a query looks in at
// most 4 cells (a larger radius still finds every point, in more cells).
class PointGrid {
 public:
  PointGrid() = default;
  PointGrid(const std::vector<Point>& points, double radius);
  static constexpr size_t npos = SIZE_MAX;
  // The index of the point nearest `p` within `radius`, or npos.
  size_t nearest(Point p, double radius) const;
  // Calls f(index, squared distance) for the points within `radius` of p.
  template <typename F>
  void visit(Point p, double radius, F f) const {
    const int64_t x0 = cell_of(p.x - radius), x1 = cell_of(p.x + radius);
    const int64_t y0 = cell_of(p.y - radius), y1 = cell_of(p.y + radius);
    for (int64_t cx = x0; cx <= x1; ++cx)
      for (int64_t cy = y0; cy <= y1; ++cy) visit_cell(cx, cy, p, radius * radius, f);
  }
  // The same, passing over the cells of those columns that lie wholly beyond `radius` of p or
  // wholly nearer than `inner` (f may still be told some points nearer than that): the points of
  // a ring around p, in cells much narrower than its radius.
  template <typename F>
  void visit_ring(Point p, double inner, double radius, F f) const {
    const int64_t x0 = cell_of(p.x - radius), x1 = cell_of(p.x + radius);
    const int64_t y0 = cell_of(p.y - radius), y1 = cell_of(p.y + radius);
    for (int64_t cx = x0; cx <= x1; ++cx) {
      const RingRows rows = ring_rows(p, inner, radius, cx);
      for (int64_t cy = std::max(y0, rows.first); cy <= std::min(y1, rows.last); ++cy) {
        if (cy >= rows.hole_first && cy <= rows.hole_last) cy = rows.hole_last + 1;
        if (cy <= std::min(y1, rows.last)) visit_cell(cx, cy, p, radius * radius, f);
      }
    }
  }

 private:
  template <typename F>
  void visit_cell(int64_t cx, int64_t cy, Point p, double r2, F& f) const {
    const auto [begin, end] = cell(cx, cy);
    for (size_t k = begin; k < end; ++k) {
      const double ddx = entries_[k].at.x - p.x, ddy = entries_[k].at.y - p.y;
      const double d2 = ddx * ddx + ddy * ddy;
      if (d2 <= r2) f(static_cast<size_t>(entries_[k].index), d2);
    }
  }
  // The rows of column cx that may hold points within `radius` of p, and among them those
  // [hole_first, hole_last] whose points all lie nearer than `inner` (none when hole_first >
  // hole_last), each decided with a hair to spare for rounding.
  struct RingRows {
    int64_t first = 0, last = -1, hole_first = 0, hole_last = -1;
  };
  RingRows ring_rows(Point p, double inner, double radius, int64_t cx) const;

  struct Entry {
    Point at;
    uint32_t index = 0;
  };
  int64_t cell_of(double v) const;
  static uint64_t key(int64_t cx, int64_t cy);
  std::pair<size_t, size_t> cell(int64_t cx, int64_t cy) const;  // [begin, end) in entries_

  double cell_ = 1;
  std::vector<uint64_t> keys_;    // one per non-empty cell
  std::vector<uint32_t> starts_;  // where each cell's entries begin (one more than keys_)
  std::vector<Entry> entries_;    // grouped by cell
  // An open-addressing table from a cell's key to its index in keys_ (kEmpty: free slot).
  static constexpr uint32_t kEmpty = UINT32_MAX;
  size_t slot_of(uint64_t k) const;
  std::vector<uint32_t> slots_;
};

// How the suspect sits on the master: the transform and the share of suspect points it explains.
struct Registration {
  Rigid transform;
  double matched = 0;  // suspect points within kMatchTolerance of a master point, 0..1
  size_t inliers = 0;
  size_t candidates_scored = 0;  // transforms the search counted inliers for (0: the identity held)
  // Work of the search, counted for tests: master pairs of the right length looked at (each
  // gives two candidate transforms), and the transforms formed and checked point by point
  // because a first look at their checks' landing squares did not rule them out.
  size_t pairs_looked_at = 0;
  size_t transforms_formed = 0;
};

inline constexpr double kMatchTolerance = 0.02;  // mm: re-quantization and the marks themselves
// A carrier's neighbourhood: no other master point closer than this (mm), so that a reading
// cannot confuse two points.
inline constexpr double kIsolation = 0.025;
// mm: two points this close are one point (far below any file's resolution).
inline constexpr double kSamePoint = 1e-6;

// The masters' points no other point comes within kIsolation of, among `candidates` (indices
// into `points`).
std::vector<size_t> isolated(const std::vector<Point>& points, const std::vector<size_t>& candidates);

// A master's points indexed for registration, once per master. `carrier_of` gives, per point,
// the index of the carrier at its coordinates (in the order read_shifts is given the carriers),
// kSeveralCarriers where carriers share them, or kNoCarrier. Carriers are points no master point
// at other coordinates comes within kIsolation of: a suspect point nearer to one than half that
// has it as its nearest master point, found without a search.
struct PlanarMaster {
  static constexpr uint32_t kNoCarrier = UINT32_MAX, kSeveralCarriers = UINT32_MAX - 1;
  explicit PlanarMaster(std::vector<Point> master_points, std::vector<uint32_t> carrier_of = {});
  std::vector<Point> points;
  PointGrid grid;                    // for queries within kMatchTolerance
  std::vector<uint32_t> carrier_of;  // per point
  // Per point, the distance to the nearest master point at other coordinates (2 kMatchTolerance
  // at most): a suspect point nearer than half of it to master point i is matched to i's
  // coordinates without a search.
  std::vector<double> clearance;
  bool at_carrier(size_t point) const { return carrier_of[point] != kNoCarrier; }
};

// Finds the rigid transform carrying master points onto the suspect's. Fails (kInput) when no
// transform explains at least a tenth of the suspect. `progress` is told the search's steps
// done of kSearchSteps (format.h), when a search is needed.
Result<Registration> register_points(const PlanarMaster& master, const std::vector<Point>& suspect,
                                     const Progress& progress = {});
Result<Registration> register_points(const std::vector<Point>& master, const std::vector<Point>& suspect);

// suspect = scale · rotate(master) + shift: a page printed to other paper, "fit to page".
struct Similarity {
  double scale = 1;
  Rigid rotation;  // its dx, dy: the shift after scaling
  Point apply(Point p) const { return rotation.apply({p.x * scale, p.y * scale}); }
  // The suspect point taken back to the master's scale (and orientation, and place).
  Point invert(Point p) const {
    const Point r = rotation.invert(p);
    return {r.x / scale, r.y / scale};
  }
};

struct ScaledRegistration {
  Similarity transform;
  double matched = 0;  // suspect points within kMatchTolerance of a master point, 0..1
};

// The scale, rotation and shift that lay `master` on `suspect` when the suspect is the master
// scaled as a whole (a page printed to another paper size, fitted to it). Tried from each of
// `scales` (master → suspect: the caller's guesses, such as the ratio of the page sizes) and from
// the ratio of how far the two point sets spread (median distances to their medians: near enough
// when the suspect draws what the master draws, not when a few percent of points are added, where
// the caller's guess must carry it), between 0.2 and 5, in each quarter turn: the shift by votes,
// then scale, turn and shift
// fitted by least squares to each suspect point's nearest master point while the radius within
// which they pair narrows to the match tolerance. The best; fails when it puts under a third of the
// suspect's points on master points.
Result<ScaledRegistration> register_scaled(const PlanarMaster& master, const std::vector<Point>& suspect,
                                           const std::vector<double>& scales = {});

// For each carrier (a master point and its unit shift `direction` times `length` mm), the shift
// found in the suspect along that direction, in units of the embedded shift (about +1 or -1), or
// NaN when no suspect point lies near it.
// With `master` (built with exactly these carriers), the suspect point of each index is placed
// without a search when it lies within kIsolation / 5 of that index's master point: away from
// every carrier when the master point is at no carrier's coordinates (passed over), or the
// candidate of the one carrier at its coordinates alone; carriers are kIsolation from every
// master point at other coordinates, so no other carrier is within the search's reach of it.
// Points where several carriers meet are searched.
std::vector<double> read_shifts(const std::vector<Point>& carriers, const std::vector<Point>& shifts,
                                const std::vector<Point>& suspect, const Rigid& transform,
                                const PlanarMaster* master = nullptr);

// Which code position each of `carriers` carries (a keyed permutation; every position gets
// carriers when there are at least as many carriers as positions) and the code length.
struct Layout {
  size_t length = 0;
  std::vector<uint32_t> position;  // per carrier
};
inline constexpr size_t kMaxLength = 2048;
Layout assign_positions(size_t carriers, std::string_view secret);

// The symbol per position: the sign of the mean shift of its carriers found, erased when none
// was found or their mean is unclear (|mean| < 1/3).
std::vector<int8_t> symbols(const Layout& layout, const std::vector<double>& shifts);

// A keyed unit direction per carrier.
std::vector<Point> directions(size_t carriers, std::string_view secret);

}  // namespace moat::mark
