// SPDX-License-Identifier: Apache-2.0
// The part of a Format shared by files whose carriers are planar points (Gerber, Excellon): a
// format parses a file into its points (in file units, with those that must not move) and writes
// a copy with given shifts; this base chooses the carriers once per master, embeds and reads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "mark/format.h"
#include "mark/planar.h"

namespace moat::mark {

// The nominal shift of a carrier and its bounds (micrometres).
inline constexpr double kShiftMicrons = 3.0;
inline constexpr double kMinShiftMicrons = 1.0;
inline constexpr double kMaxShiftMicrons = 5.0;

class PointsFormat : public Format {
 public:
  struct FilePoint {
    int64_t x = 0, y = 0;  // file units
    bool fixed = false;    // must not move
  };
  struct PointSet {
    double unit_mm = 0.001;
    std::vector<FilePoint> points;  // in file order, one per operation
  };
  struct Shift {
    int64_t dx = 0, dy = 0;  // file units
  };

  // A file as a format parsed it: its points, and how to write it with some of them moved.
  class Parsed {
   public:
    virtual ~Parsed() = default;
    // The parsed text with operation i moved by shifts[i] (one per point).
    virtual std::string write(std::string_view text, const std::vector<Shift>& shifts) const = 0;
    PointSet set;
  };

  Result<std::unique_ptr<PreparedMaster>> prepare(std::string_view master,
                                                  std::string_view secret) const override;
  // Fails (kInput, located) when the text does not parse.
  virtual Result<std::unique_ptr<Parsed>> parse(std::string_view text) const = 0;

 protected:
  // Marks as fixed the master's points that must not move for reasons of the format's own (a
  // Gerber layer's crowded copper), before the carriers are chosen.
  virtual Status protect(std::string_view master, PointSet& set) const;
};

}  // namespace moat::mark
