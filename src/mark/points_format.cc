// SPDX-License-Identifier: Apache-2.0
#include "mark/points_format.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>

namespace moat::mark {
namespace {

// The carriers of a master: distinct movable isolated points, each with its unit shift.
struct Carriers {
  std::vector<std::pair<int64_t, int64_t>> at;  // file units
  std::vector<PointsFormat::Shift> shift;       // file units, for symbol 1 (symbol 0: opposite)
  std::vector<Point> all_mm;                    // every distinct point of the master, mm
  Layout layout;
  double unit_mm = 0;
};

// A shift of about kShiftMicrons along `direction`, on the file's grid, within the bounds.
std::optional<PointsFormat::Shift> quantized(Point direction, double unit_mm) {
  const double units = kShiftMicrons / 1000 / unit_mm;
  PointsFormat::Shift s{std::llround(direction.x * units), std::llround(direction.y * units)};
  if (s.dx == 0 && s.dy == 0) {
    (std::abs(direction.x) > std::abs(direction.y) ? s.dx : s.dy) = 1;
    if ((std::abs(direction.x) > std::abs(direction.y) ? direction.x : direction.y) < 0)
      s.dx = -s.dx, s.dy = -s.dy;
  }
  const double microns = std::hypot(static_cast<double>(s.dx), static_cast<double>(s.dy)) * unit_mm * 1000;
  if (microns < kMinShiftMicrons || microns > kMaxShiftMicrons) return std::nullopt;
  return s;
}

Carriers carriers_of(const PointsFormat::PointSet& set, std::string_view secret) {
  Carriers out;
  out.unit_mm = set.unit_mm;
  std::map<std::pair<int64_t, int64_t>, bool> fixed;  // distinct points, in coordinate order
  for (const auto& p : set.points) fixed[{p.x, p.y}] |= p.fixed;
  std::vector<std::pair<int64_t, int64_t>> distinct;
  std::vector<size_t> movable;
  for (const auto& [at, is_fixed] : fixed) {
    if (!is_fixed) movable.push_back(distinct.size());
    distinct.push_back(at);
    out.all_mm.push_back(
        {static_cast<double>(at.first) * set.unit_mm, static_cast<double>(at.second) * set.unit_mm});
  }
  const std::vector<size_t> alone = isolated(out.all_mm, movable);
  const std::vector<Point> direction = directions(alone.size(), secret);
  for (size_t i = 0; i < alone.size(); ++i) {
    const auto s = quantized(direction[i], set.unit_mm);
    if (!s) continue;
    out.at.push_back(distinct[alone[i]]);
    out.shift.push_back(*s);
  }
  out.layout = assign_positions(out.at.size(), secret);
  return out;
}

Point to_mm(const PointsFormat::Shift& s, double unit_mm) {
  return {static_cast<double>(s.dx) * unit_mm, static_cast<double>(s.dy) * unit_mm};
}

// Every point of a set in millimetres, in file order: a suspect kept in the master's order then
// has its points at the same indices (registration finds those without a search).
std::vector<Point> points_mm(const PointsFormat::PointSet& set) {
  std::vector<Point> out;
  out.reserve(set.points.size());
  for (const PointsFormat::FilePoint& p : set.points)
    out.push_back({static_cast<double>(p.x) * set.unit_mm, static_cast<double>(p.y) * set.unit_mm});
  return out;
}

// A Gerber or Excellon master parsed once with its carriers chosen: each copy only writes the
// moved coordinates, each trace only parses the suspect.
class PreparedPoints final : public PreparedMaster {
 public:
  PreparedPoints(std::string master, std::unique_ptr<PointsFormat::Parsed> parsed, std::string_view secret,
                 const PointsFormat& format)
      : master_(std::move(master)),
        parsed_(std::move(parsed)),
        format_(format),
        carriers_(carriers_of(parsed_->set, secret)) {
    std::map<std::pair<int64_t, int64_t>, uint32_t> carrier_at;
    for (size_t i = 0; i < carriers_.at.size(); ++i) carrier_at[carriers_.at[i]] = static_cast<uint32_t>(i);
    const auto& points = parsed_->set.points;
    carrier_of_point_.assign(points.size(), kNone);
    for (size_t i = 0; i < points.size(); ++i) {
      const auto found = carrier_at.find({points[i].x, points[i].y});
      if (found != carrier_at.end()) carrier_of_point_[i] = found->second;
    }
    std::vector<uint32_t> carrier_of(points.size(), PlanarMaster::kNoCarrier);
    for (size_t i = 0; i < points.size(); ++i)
      if (carrier_of_point_[i] != kNone) carrier_of[i] = carrier_of_point_[i];
    registration_ = std::make_unique<const PlanarMaster>(points_mm(parsed_->set), std::move(carrier_of));
    for (size_t i = 0; i < carriers_.at.size(); ++i) {
      carriers_mm_.push_back({static_cast<double>(carriers_.at[i].first) * carriers_.unit_mm,
                              static_cast<double>(carriers_.at[i].second) * carriers_.unit_mm});
      shifts_mm_.push_back(to_mm(carriers_.shift[i], carriers_.unit_mm));
    }
  }

  Capacity capacity() const override { return Capacity{carriers_.at.size(), carriers_.layout.length}; }

  Result<Embedded> embed(const std::vector<uint8_t>& codeword, std::string_view) const override {
    const Carriers& c = carriers_;
    if (codeword.size() != c.layout.length)
      return internal_error("codeword length does not match the master");
    Embedded out;
    out.min_shift = c.at.empty() ? 0 : 1e9;
    for (size_t i = 0; i < c.at.size(); ++i) {
      const Point mm = to_mm(c.shift[i], c.unit_mm);
      const double microns = std::hypot(mm.x, mm.y) * 1000;
      out.min_shift = std::min(out.min_shift, microns);
      out.max_shift = std::max(out.max_shift, microns);
    }
    std::vector<PointsFormat::Shift> shifts(carrier_of_point_.size());
    for (size_t i = 0; i < shifts.size(); ++i) {
      const uint32_t carrier = carrier_of_point_[i];
      if (carrier == kNone) continue;
      const int64_t sign = codeword[c.layout.position[carrier]] ? 1 : -1;
      shifts[i] = {sign * c.shift[carrier].dx, sign * c.shift[carrier].dy};
    }
    out.bytes = parsed_->write(master_, shifts);
    out.carriers = c.at.size();
    out.details = "{\"points\":" + std::to_string(c.all_mm.size()) +
                  ",\"unit_um\":" + std::to_string(c.unit_mm * 1000) + "}";
    return out;
  }

  Result<Reading> read(std::string_view suspect, const Progress& progress) const override {
    MOAT_TRY(const std::unique_ptr<PointsFormat::Parsed> parsed, format_.parse(suspect));
    const PointsFormat::PointSet& suspect_set = parsed->set;
    const std::vector<Point> suspect_mm = points_mm(suspect_set);
    MOAT_TRY(const Registration reg, register_points(*registration_, suspect_mm, progress));
    const std::vector<double> shifts =
        read_shifts(carriers_mm_, shifts_mm_, suspect_mm, reg.transform, registration_.get());
    size_t found = 0;
    for (const double s : shifts) found += std::isnan(s) ? 0u : 1u;
    Reading out;
    out.symbols = symbols(carriers_.layout, shifts);
    out.confidence =
        carriers_.at.empty() ? 0 : static_cast<double>(found) / static_cast<double>(carriers_.at.size());
    out.matched = reg.matched;
    const double degrees = std::atan2(reg.transform.sin, reg.transform.cos) * 180 / 3.14159265358979323846;
    out.transform = "rotated " + std::to_string(degrees) + " deg, moved (" +
                    std::to_string(reg.transform.dx) + ", " + std::to_string(reg.transform.dy) + ") mm";
    return out;
  }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  std::string master_;
  std::unique_ptr<PointsFormat::Parsed> parsed_;
  const PointsFormat& format_;
  Carriers carriers_;
  std::unique_ptr<const PlanarMaster> registration_;
  std::vector<uint32_t> carrier_of_point_;  // per operation: the carrier it moves with, or kNone
  std::vector<Point> carriers_mm_, shifts_mm_;
};

}  // namespace

Status PointsFormat::protect(std::string_view, PointSet&) const {
  return {};
}

Result<std::unique_ptr<PreparedMaster>> PointsFormat::prepare(std::string_view master,
                                                              std::string_view secret) const {
  MOAT_TRY(std::unique_ptr<Parsed> parsed, parse(master));
  MOAT_CHECK(protect(master, parsed->set));
  return std::unique_ptr<PreparedMaster>(
      std::make_unique<PreparedPoints>(std::string(master), std::move(parsed), secret, *this));
}

}  // namespace moat::mark
