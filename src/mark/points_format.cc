// SPDX-License-Identifier: Apache-2.0
#include "mark/points_format.h"

#include <cmath>
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
    if ((std::abs(direction.x) > std::abs(direction.y) ? direction.x : direction.y) < 0) s.dx = -s.dx, s.dy = -s.dy;
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
    out.all_mm.push_back({static_cast<double>(at.first) * set.unit_mm, static_cast<double>(at.second) * set.unit_mm});
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

}  // namespace

Result<Capacity> PointsFormat::capacity(std::string_view master, std::string_view secret) const {
  MOAT_TRY(const PointSet set, points(master));
  const Carriers c = carriers_of(set, secret);
  return Capacity{c.at.size(), c.layout.length};
}

Result<Embedded> PointsFormat::embed(std::string_view master, std::string_view secret,
                                     const std::vector<uint8_t>& codeword, std::string_view) const {
  MOAT_TRY(const PointSet set, points(master));
  const Carriers c = carriers_of(set, secret);
  if (codeword.size() != c.layout.length) return internal_error("codeword length does not match the master");
  std::map<std::pair<int64_t, int64_t>, Shift> moves;
  Embedded out;
  out.min_shift = c.at.empty() ? 0 : 1e9;
  for (size_t i = 0; i < c.at.size(); ++i) {
    const int sign = codeword[c.layout.position[i]] ? 1 : -1;
    moves[c.at[i]] = Shift{sign * c.shift[i].dx, sign * c.shift[i].dy};
    const Point mm = to_mm(c.shift[i], set.unit_mm);
    const double microns = std::hypot(mm.x, mm.y) * 1000;
    out.min_shift = std::min(out.min_shift, microns);
    out.max_shift = std::max(out.max_shift, microns);
  }
  std::vector<Shift> shifts(set.points.size());
  for (size_t i = 0; i < set.points.size(); ++i) {
    const auto found = moves.find({set.points[i].x, set.points[i].y});
    if (found != moves.end()) shifts[i] = found->second;
  }
  out.bytes = write(master, shifts);
  out.carriers = c.at.size();
  out.details = "{\"points\":" + std::to_string(c.all_mm.size()) + ",\"unit_um\":" +
                std::to_string(set.unit_mm * 1000) + "}";
  return out;
}

Result<Reading> PointsFormat::read(std::string_view suspect, std::string_view master,
                                   std::string_view secret) const {
  MOAT_TRY(const PointSet master_set, points(master));
  MOAT_TRY(const PointSet suspect_set, points(suspect));
  const Carriers c = carriers_of(master_set, secret);
  std::vector<Point> suspect_mm;
  suspect_mm.reserve(suspect_set.points.size());
  for (const FilePoint& p : suspect_set.points)
    suspect_mm.push_back({static_cast<double>(p.x) * suspect_set.unit_mm, static_cast<double>(p.y) * suspect_set.unit_mm});
  MOAT_TRY(const Registration reg, register_points(c.all_mm, suspect_mm));
  std::vector<Point> carriers_mm, shifts_mm;
  for (size_t i = 0; i < c.at.size(); ++i) {
    carriers_mm.push_back({static_cast<double>(c.at[i].first) * c.unit_mm, static_cast<double>(c.at[i].second) * c.unit_mm});
    shifts_mm.push_back(to_mm(c.shift[i], c.unit_mm));
  }
  const std::vector<double> shifts = read_shifts(carriers_mm, shifts_mm, suspect_mm, reg.transform);
  size_t found = 0;
  for (const double s : shifts) found += std::isnan(s) ? 0u : 1u;
  Reading out;
  out.symbols = symbols(c.layout, shifts);
  out.confidence = c.at.empty() ? 0 : static_cast<double>(found) / static_cast<double>(c.at.size());
  out.matched = reg.matched;
  const double degrees = std::atan2(reg.transform.sin, reg.transform.cos) * 180 / 3.14159265358979323846;
  out.transform = "rotated " + std::to_string(degrees) + " deg, moved (" + std::to_string(reg.transform.dx) +
                  ", " + std::to_string(reg.transform.dy) + ") mm";
  return out;
}

}  // namespace moat::mark
