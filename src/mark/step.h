// SPDX-License-Identifier: Apache-2.0
// STEP (ISO 10303-21; AP203, AP214, AP242) read by moat's own reader: the DATA section's
// entities, their points and what uses them. Carriers are parameters a B-rep does not depend on
// to first order: the reference point of a LINE (moved along the line), of a PLANE (within the
// plane) or of a CYLINDRICAL_SURFACE (along its axis), and the interior control points of
// B-spline curves and surfaces (moved along the curve or within the surface's tangent plane).
// Each moves by at most 1 µm and by no more than a plausible declared uncertainty (control
// points by a tenth of that, since they change the shape slightly); a point
// entity used more than once or lying near another point never moves. A copy differs from its
// master only in the digits of the points moved.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "mark/format.h"

namespace moat::mark {

struct Point3 {
  double x = 0, y = 0, z = 0;
  bool operator==(const Point3&) const = default;
};

// Every CARTESIAN_POINT of a STEP file, in millimetres, in file order. Fails (kInput, located)
// when the file is not ISO 10303-21 or an entity is malformed.
Result<std::vector<Point3>> step_points(std::string_view text);

std::unique_ptr<Format> make_step_format();

}  // namespace moat::mark
