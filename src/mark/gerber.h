// SPDX-License-Identifier: Apache-2.0
// Gerber RS-274X (Ucamco 2021.02): the file as coordinate operations over its original text, so
// that a copy differs from its master only in the coordinates moved. Carriers are the isolated
// end points of flashes (pads, vias) and straight draws (track ends); points of regions and arcs
// never move, and a point shared by several objects moves once, with all of them, so copper
// connectivity is unchanged. Each carrier moves by about 3 µm (between 1 and 5 µm).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "mark/format.h"
#include "mark/planar.h"

namespace moat::mark {

// The coordinate operations of a Gerber file.
struct GerberOp {
  size_t begin = 0, end = 0;                // the block's text, without its '*'
  size_t coords_begin = 0, coords_end = 0;  // the X/Y words within it
  int64_t x = 0, y = 0;                     // absolute, in file units
  bool has_x = false, has_y = false;
  int d = 0;           // 1 draw, 2 move, 3 flash
  bool fixed = false;  // in a region or an arc end: never moves
};

struct GerberFile {
  bool metric = true;
  int integer_digits = 3, decimal_digits = 6;
  bool omit_trailing = false;  // %FST...: trailing zeros omitted
  std::vector<GerberOp> ops;
  double unit_mm() const;  // one file unit in millimetres
};

// Fails (kInput, "line:col") on an unreadable format statement or coordinate.
Result<GerberFile> parse_gerber(std::string_view text);

// Every operation's point in millimetres (the point set registration works on).
std::vector<Point> gerber_points(const GerberFile& file);

std::unique_ptr<Format> make_gerber_format();

}  // namespace moat::mark
