// SPDX-License-Identifier: Apache-2.0
// Registration in space (STEP): the rigid motion carrying a master's points onto a suspect's
// (a moved model, or the part inside a larger assembly), and the shift read at each carrier.
// Pure: point sets in millimetres in, a motion and shifts out.
#pragma once

#include <array>
#include <vector>

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

struct Registration3 {
  Motion motion;
  double matched = 0;  // share of suspect points on a master point after the motion
};

inline constexpr double kMatchTolerance3 = 0.005;  // mm
inline constexpr double kIsolation3 = 0.01;        // mm: no other point this close to a carrier

// Indices of `candidates` with no other point of `points` within kIsolation3.
std::vector<size_t> isolated3(const std::vector<Point3>& points, const std::vector<size_t>& candidates);

// Fails (kInput) when no motion puts a tenth of the suspect's points on the master's.
Result<Registration3> register_space(const std::vector<Point3>& master, const std::vector<Point3>& suspect);

// Per carrier, the suspect's shift along `shifts[i]` in units of it (about ±1), NaN when absent.
std::vector<double> read_shifts3(const std::vector<Point3>& carriers, const std::vector<Point3>& shifts,
                                 const std::vector<Point3>& suspect, const Motion& motion);

}  // namespace moat::mark
