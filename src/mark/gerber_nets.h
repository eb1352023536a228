// SPDX-License-Identifier: Apache-2.0
// moat's own net check of a Gerber copper layer: every flash, draw and region as shapes (circle,
// rectangle, obround and polygon apertures, aperture macros by their primitives, regions with the
// clear-polarity cut-outs that follow them), nets as the groups of shapes that touch, and the
// clearance between shapes of different nets. A marked copy is checked against its master: the
// same shapes in the same nets, and no moved shape nearer to another net than the master's
// smallest clearance. Marking uses the same analysis to leave alone the points whose shapes are
// crowded (near another net, or barely touching their own). Pure: text in, figures out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace moat::mark {

// Gaps are looked for up to this far (mm); a layer whose nets are all farther apart reports it.
inline constexpr double kClearanceSearch = 0.3;

struct NetReport {
  size_t shapes = 0;                        // dark flashes, draws and regions
  size_t nets = 0;                          // groups of touching shapes
  double min_clearance = kClearanceSearch;  // smallest gap between two nets, mm
};

// Fails (kInput, located) when the layer does not parse.
Result<NetReport> gerber_nets(std::string_view text);

struct NetComparison {
  NetReport master, copy;
  bool same_nets = false;                     // every shape in the net it was in, and no two nets joined
  size_t moved = 0;                           // shapes that moved
  double moved_clearance = kClearanceSearch;  // smallest gap from a moved shape to another net, mm
  std::string problem;                        // the first difference found, in words; empty when none
  bool ok() const { return problem.empty(); }
};

// Compares a copy with its master (the copy must have the master's shapes in the same order, as
// marking leaves them). Fails (kInput) when either does not parse or the shapes differ in number.
Result<NetComparison> compare_nets(std::string_view master, std::string_view copy);

// The points (file units, as written) of flashes and draws that may not move by up to
// `max_shift_mm`: moving them could bring copper within the layer's smallest clearance of
// another net, or part shapes of one net that barely touch.
Result<std::vector<std::pair<int64_t, int64_t>>> crowded_points(std::string_view text, double max_shift_mm);

}  // namespace moat::mark
