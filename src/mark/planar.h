// SPDX-License-Identifier: Apache-2.0
// Marks carried by planar points (Gerber and Excellon): the points of a master that may move,
// their keyed shift directions, registration of a suspect against the master (the rigid
// transform a panelization, rotation or re-zeroing applied) and the reading of each point's
// shift. Pure: point sets in millimetres in, shifts and symbols out.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

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

// How the suspect sits on the master: the transform and the share of suspect points it explains.
struct Registration {
  Rigid transform;
  double matched = 0;    // suspect points within kMatchTolerance of a master point, 0..1
  size_t inliers = 0;
};

inline constexpr double kMatchTolerance = 0.02;  // mm: re-quantization and the marks themselves
// A carrier's neighbourhood: no other master point closer than this (mm), so that a reading
// cannot confuse two points.
inline constexpr double kIsolation = 0.025;

// The masters' points no other point comes within kIsolation of, among `candidates` (indices
// into `points`).
std::vector<size_t> isolated(const std::vector<Point>& points, const std::vector<size_t>& candidates);

// Finds the rigid transform carrying master points onto the suspect's. Fails (kInput) when no
// transform explains at least a tenth of the suspect.
Result<Registration> register_points(const std::vector<Point>& master, const std::vector<Point>& suspect);

// For each carrier (a master point and its unit shift `direction` times `length` mm), the shift
// found in the suspect along that direction, in units of the embedded shift (about +1 or -1), or
// NaN when no suspect point lies near it.
std::vector<double> read_shifts(const std::vector<Point>& carriers, const std::vector<Point>& shifts,
                                const std::vector<Point>& suspect, const Rigid& transform);

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
