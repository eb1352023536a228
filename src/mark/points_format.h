// SPDX-License-Identifier: Apache-2.0
// The part of a Format shared by files whose carriers are planar points (Gerber, Excellon): a
// format supplies its points (in file units, with those that must not move) and writes a copy
// with given shifts; this base chooses the carriers, embeds and reads.
#pragma once

#include <cstdint>
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

  Result<Capacity> capacity(std::string_view master, std::string_view secret) const override;
  Result<Embedded> embed(std::string_view master, std::string_view secret,
                         const std::vector<uint8_t>& codeword, std::string_view stamp) const override;
  Result<Reading> read(std::string_view suspect, std::string_view master,
                       std::string_view secret) const override;

 protected:
  // Fails (kInput, located) when the text does not parse.
  virtual Result<PointSet> points(std::string_view text) const = 0;
  // The master with operation i moved by shifts[i] (`master` parsed before).
  virtual std::string write(std::string_view master, const std::vector<Shift>& shifts) const = 0;
};

}  // namespace moat::mark
