// SPDX-License-Identifier: Apache-2.0
#include "mark/step.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <optional>
#include <string>
#include <unordered_map>

#include "mark/planar.h"
#include "mark/prf.h"
#include "mark/space.h"

namespace moat::mark {
namespace {

// The largest shift, and the smallest declared uncertainty taken as a bound (smaller ones,
// like the 1e-17 some exporters write, are not plausible and are ignored), in millimetres.
constexpr double kMaxShift = 0.001;
constexpr double kPlausibleUncertainty = 1e-4;
// B-spline control points move by this share of the shift: unlike the reference points of
// lines, planes and cylinders they change the shape (by less than their own move); at a tenth,
// the Ploopy models' volumes change by < 5e-7 relative (OCCT, adaptive integration).
constexpr double kSplineShare = 0.1;

// One entity instance: "#id=TYPE(...)" or a complex "#id=(A(...)B(...))".
struct Entity {
  static constexpr size_t kNoPoint = static_cast<size_t>(-1);
  uint32_t id = 0;
  size_t begin = 0, end = 0;  // the text after '=' up to the ';'
  std::string_view type;      // empty for a complex entity
  size_t point = kNoPoint;    // a CARTESIAN_POINT's place in StepFile::points
};

// A CARTESIAN_POINT: its coordinates (file units) and where each number is written.
struct StepPoint {
  uint32_t id = 0;
  double at[3] = {0, 0, 0};
  size_t number_begin[3] = {0, 0, 0}, number_end[3] = {0, 0, 0};
  int dimension = 0;
  int uses = 0;
};

// Entity ids to their place in a file: a table indexed by id when the ids are dense (as
// exporters write them), otherwise (id, place) pairs sorted by id. A repeated id names its last
// instance.
class IdIndex {
 public:
  static constexpr size_t kAbsent = static_cast<size_t>(-1);

  void build(const std::vector<Entity>& entities) {
    uint32_t largest = 0;
    for (const Entity& e : entities) largest = std::max(largest, e.id);
    dense_ = largest <= 4 * entities.size() + 1024;
    if (dense_) {
      table_.assign(static_cast<size_t>(largest) + 1, kAbsent);
      for (size_t i = 0; i < entities.size(); ++i) table_[entities[i].id] = i;
      return;
    }
    pairs_.reserve(entities.size());
    for (size_t i = 0; i < entities.size(); ++i) pairs_.emplace_back(entities[i].id, i);
    std::stable_sort(pairs_.begin(), pairs_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }

  size_t find(uint32_t id) const {
    if (dense_) return id < table_.size() ? table_[id] : kAbsent;
    auto after = std::upper_bound(pairs_.begin(), pairs_.end(), id,
                                  [](uint32_t value, const auto& pair) { return value < pair.first; });
    return after == pairs_.begin() || (after - 1)->first != id ? kAbsent : (after - 1)->second;
  }

 private:
  bool dense_ = true;
  std::vector<size_t> table_;
  std::vector<std::pair<uint32_t, size_t>> pairs_;
};

struct StepFile {
  std::vector<Entity> entities;
  IdIndex by_id;
  std::vector<StepPoint> points;  // in file order
  double unit_mm = 1;
  double uncertainty_mm = 0;  // 0 when none is declared

  const Entity* entity(uint32_t id) const {
    const size_t at = by_id.find(id);
    return at == IdIndex::kAbsent ? nullptr : &entities[at];
  }
  const StepPoint* point(uint32_t id) const {
    const Entity* e = entity(id);
    return e && e->point != Entity::kNoPoint ? &points[e->point] : nullptr;
  }
};

// ISO 10303-21 ignores the characters outside its print range (0x20-0x7E) wherever they stand, so
// a line break may split a token: `1.29812560709619E⏎-15`, a type name, a string, as exporters that
// wrap lines at 80 columns write. The text with every line break (a run of control characters
// holding a CR or LF) that stands between two characters of a token removed; nullopt when there
// is none (the text is read as it is, so that a copy differs from its master only in the digits
// moved, and a place is its line).
bool token_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '+' || c == '-' ||
         c == '#';
}
bool control_character(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}
std::optional<std::string> tokens_joined(std::string_view text) {
  std::string out;
  size_t copied = 0;
  for (size_t pos = 0; (pos = text.find_first_of("\r\n", pos)) != std::string_view::npos;) {
    size_t begin = pos, end = pos;
    while (begin > 0 && control_character(text[begin - 1])) --begin;
    while (end < text.size() && control_character(text[end])) ++end;
    if (begin > 0 && end < text.size() && token_character(text[begin - 1]) && token_character(text[end])) {
      out.append(text, copied, begin - copied);
      copied = end;
    }
    pos = end;
  }
  if (copied == 0) return std::nullopt;
  out.append(text, copied);
  return out;
}

std::string location(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n')
      ++line, col = 1;
    else
      ++col;
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

// The offset just past a string that opens at text[pos] ('' inside it is a quote), or `end`.
size_t after_string(std::string_view text, size_t pos, size_t end) {
  while (++pos < end) {
    const void* quote = std::memchr(text.data() + pos, '\'', end - pos);
    if (!quote) break;
    pos = static_cast<size_t>(static_cast<const char*>(quote) - text.data());
    if (pos + 1 < end && text[pos + 1] == '\'')
      ++pos;
    else
      return pos + 1;
  }
  return end;
}

// The offset of the ';' ending the entity that starts at `pos`, skipping strings and comments.
// Each step looks for the next ';', quote and "/*" with memchr, which scans many bytes at once.
size_t entity_end(std::string_view text, size_t pos) {
  const char* const base = text.data();
  auto next = [&](char c, size_t from, size_t to) {
    const void* at = from < to ? std::memchr(base + from, c, to - from) : nullptr;
    return at ? static_cast<size_t>(static_cast<const char*>(at) - base) : to;
  };
  while (pos < text.size()) {
    const size_t semicolon = next(';', pos, text.size());
    const size_t quote = next('\'', pos, semicolon);
    size_t comment = next('/', pos, quote);
    while (comment < quote && (comment + 1 >= text.size() || text[comment + 1] != '*'))
      comment = next('/', comment + 1, quote);
    if (comment < quote) {
      const size_t closed = text.find("*/", comment + 2);
      if (closed == std::string_view::npos) return closed;
      pos = closed + 2;
    } else if (quote < semicolon) {
      pos = after_string(text, quote, text.size());
    } else {
      return semicolon < text.size() ? semicolon : std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// The entity references (#n) in text[begin, end), in order.
std::vector<uint32_t> references(std::string_view text, size_t begin, size_t end) {
  std::vector<uint32_t> out;
  for (size_t i = begin; i < end; ++i) {
    if (text[i] != '#') continue;
    uint32_t id = 0;
    const auto [next, ec] = std::from_chars(text.data() + i + 1, text.data() + end, id);
    if (ec == std::errc()) out.push_back(id), i = static_cast<size_t>(next - text.data()) - 1;
  }
  return out;
}

// The first parenthesised group after `from`: its inner [begin, end).
std::pair<size_t, size_t> group(std::string_view text, size_t from, size_t end) {
  const size_t open = text.find('(', from);
  if (open == std::string_view::npos || open >= end) return {end, end};
  int depth = 0;
  for (size_t i = open; i < end;) {
    if (text[i] == '\'') {
      i = after_string(text, i, end);
      continue;
    }
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth == 0) return {open + 1, i};
    ++i;
  }
  return {end, end};
}

// The inside [begin, end) of the first list past the name in TYPE('name',(a,b,c)) — a
// CARTESIAN_POINT's coordinates, a DIRECTION's ratios — or {0, 0} when there is none.
std::pair<size_t, size_t> first_list(std::string_view text, const Entity& e) {
  size_t name = text.find('(', e.begin) + 1;
  while (name < e.end &&
         (text[name] == ' ' || text[name] == '\n' || text[name] == '\r' || text[name] == '\t'))
    ++name;
  if (name < e.end && text[name] == '\'') name = after_string(text, name, e.end);
  const size_t open = text.find('(', name);
  const size_t close = open < e.end ? text.find(')', open) : std::string_view::npos;
  if (open >= e.end || close >= e.end || close == open + 1) return {0, 0};
  return {open + 1, close};
}

// Reads the numbers of CARTESIAN_POINT('name',(x,y,z)).
Status read_point(std::string_view text, Entity& e, StepFile& file) {
  const auto [begin, end] = first_list(text, e);
  if (begin == end) return input_error(location(text, e.begin), "a CARTESIAN_POINT without coordinates");
  StepPoint p;
  p.id = e.id;
  size_t pos = begin;
  auto separator = [&](size_t at) {
    const char c = text[at];
    return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
  };
  while (pos < end && p.dimension < 3) {
    while (pos < end && separator(pos)) ++pos;
    if (pos == end) break;
    const size_t digits = text[pos] == '+' ? pos + 1 : pos;  // from_chars takes no '+'
    double v = 0;
    const auto [parsed, ec] = std::from_chars(text.data() + digits, text.data() + end, v);
    const auto stop = static_cast<size_t>(parsed - text.data());
    if (ec != std::errc() || (stop < end && !separator(stop))) {
      size_t token = pos;
      while (token < end && !separator(token)) ++token;
      return input_error(location(text, pos),
                         "a coordinate is not a number: " + std::string(text.substr(pos, token - pos)));
    }
    const auto d = static_cast<size_t>(p.dimension++);
    p.at[d] = v, p.number_begin[d] = pos, p.number_end[d] = stop;
    pos = stop;
  }
  e.point = file.points.size();
  file.points.push_back(p);
  return {};
}

// A unit entity's length in millimetres: SI_UNIT with its prefix, or CONVERSION_BASED_UNIT's
// factor times its base unit. 1 when the entity says nothing readable.
double unit_mm_of(std::string_view text, const StepFile& file, uint32_t id, int depth = 0);

double measure(std::string_view body) {
  const size_t at = body.find("LENGTH_MEASURE(");
  return at == std::string_view::npos ? 0
                                      : std::strtod(std::string(body.substr(at + 15, 40)).c_str(), nullptr);
}

double unit_mm_of(std::string_view text, const StepFile& file, uint32_t id, int depth) {
  const Entity* found = file.entity(id);
  if (!found || depth > 4) return 1;
  const Entity& e = *found;
  const std::string_view body = text.substr(e.begin, e.end - e.begin);
  if (body.find("CONVERSION_BASED_UNIT") != std::string_view::npos) {
    const std::vector<uint32_t> refs = references(text, e.begin, e.end);
    for (const uint32_t ref : refs) {
      const Entity* m = file.entity(ref);
      if (!m) continue;
      const Entity& factor = *m;
      const std::string_view fb = text.substr(factor.begin, factor.end - factor.begin);
      if (fb.find("MEASURE_WITH_UNIT") == std::string_view::npos) continue;
      const std::vector<uint32_t> base = references(text, factor.begin, factor.end);
      return measure(fb) * (base.empty() ? 1 : unit_mm_of(text, file, base.back(), depth + 1));
    }
    return 1;
  }
  if (body.find("SI_UNIT(.MILLI.,.METRE.)") != std::string_view::npos) return 1;
  if (body.find("SI_UNIT(.CENTI.,.METRE.)") != std::string_view::npos) return 10;
  if (body.find("SI_UNIT(.MICRO.,.METRE.)") != std::string_view::npos) return 1e-3;
  if (body.find("SI_UNIT(.KILO.,.METRE.)") != std::string_view::npos) return 1e6;
  if (body.find("SI_UNIT($,.METRE.)") != std::string_view::npos) return 1000;
  return 1;
}

// The length unit of the geometric context (GLOBAL_UNIT_ASSIGNED_CONTEXT) and the declared
// distance uncertainty (UNCERTAINTY_MEASURE_WITH_UNIT), in millimetres.
void read_context(std::string_view text, StepFile& file) {
  for (const Entity& e : file.entities) {
    // Only a context (simple, or a complex entity: one of its parts) assigns units.
    if (!e.type.empty() && e.type.find("CONTEXT") == std::string_view::npos &&
        e.type != "UNCERTAINTY_MEASURE_WITH_UNIT")
      continue;
    const std::string_view body = text.substr(e.begin, e.end - e.begin);
    const size_t at = body.find("GLOBAL_UNIT_ASSIGNED_CONTEXT");
    if (at != std::string_view::npos) {
      const auto [begin, end] = group(text, e.begin + at, e.end);
      for (const uint32_t ref : references(text, begin, end)) {
        const Entity* u = file.entity(ref);
        if (!u) continue;
        const Entity& unit = *u;
        if (text.substr(unit.begin, unit.end - unit.begin).find("LENGTH_UNIT") != std::string_view::npos)
          file.unit_mm = unit_mm_of(text, file, ref);
      }
    }
    if (e.type == "UNCERTAINTY_MEASURE_WITH_UNIT" && file.uncertainty_mm == 0) {
      const std::vector<uint32_t> refs = references(text, e.begin, e.end);
      file.uncertainty_mm = measure(body) * (refs.empty() ? 1 : unit_mm_of(text, file, refs[0]));
    }
  }
}

// Parses the entities, the points' coordinates and the units; with `count_uses`, also how many
// entities refer to each point (what choosing carriers needs; reading a suspect does not).
Result<StepFile> parse_step(std::string_view text, bool count_uses = true) {
  if (!text.substr(0, 256).starts_with("ISO-10303-21") &&
      text.substr(0, 256).find("ISO-10303-21") == std::string_view::npos)
    return input_error("1:1", "not an ISO 10303-21 file");
  const size_t data = text.find("DATA;");
  if (data == std::string_view::npos) return input_error("1:1", "no DATA section");
  StepFile file;
  file.entities.reserve(text.size() / 48);
  size_t pos = data + 5;
  while (true) {
    pos = text.find('#', pos);
    if (pos == std::string_view::npos) break;
    uint32_t id = 0;
    const auto [after, ec] = std::from_chars(text.data() + pos + 1, text.data() + text.size(), id);
    size_t eq = static_cast<size_t>(after - text.data());
    while (eq < text.size() && (text[eq] == ' ' || text[eq] == '\n' || text[eq] == '\r')) ++eq;
    if (ec != std::errc() || eq >= text.size() || text[eq] != '=')
      return input_error(location(text, pos), "an entity instance is expected");
    const size_t end = entity_end(text, eq + 1);
    if (end == std::string_view::npos)
      return input_error(location(text, pos), "entity #" + std::to_string(id) + " is not ended by ;");
    Entity e{id, eq + 1, end, {}};
    size_t t = e.begin;
    while (t < end && (text[t] == ' ' || text[t] == '\n' || text[t] == '\r')) ++t;
    const size_t type_end = text.find('(', t);
    if (type_end > t && type_end < end) e.type = text.substr(t, type_end - t);
    while (!e.type.empty() && e.type.back() == ' ') e.type.remove_suffix(1);
    if (e.type == "CARTESIAN_POINT") MOAT_CHECK(read_point(text, e, file));
    file.entities.push_back(e);
    pos = end + 1;
  }
  file.by_id.build(file.entities);
  for (const Entity& e : file.entities) {
    if (!count_uses) break;
    if (e.type == "CARTESIAN_POINT") continue;
    for (const uint32_t ref : references(text, e.begin, e.end)) {
      const Entity* target = file.entity(ref);
      if (target && target->point != Entity::kNoPoint) ++file.points[target->point].uses;
    }
  }
  read_context(text, file);
  return file;
}

Point3 point_mm(const StepPoint& p, double unit_mm) {
  return {p.at[0] * unit_mm, p.at[1] * unit_mm, p.at[2] * unit_mm};
}

// One carrier: a point entity and the unit direction(s) it may move along.
struct Carrier {
  uint32_t point = 0;
  Point3 along;   // a line's or an axis' direction (if `plane` is false)
  Point3 normal;  // a plane's normal (if `plane` is true)
  bool plane = false;
  bool spline = false;  // a B-spline control point: the geometry moves (by at most the shift)
};

const Entity* entity(const StepFile& file, uint32_t id) {
  return file.entity(id);
}

// A DIRECTION's vector, or zero.
Point3 direction(std::string_view text, const StepFile& file, uint32_t id) {
  const Entity* e = entity(file, id);
  if (!e || e->type != "DIRECTION") return {};
  const auto [begin, end] = first_list(text, *e);
  double v[3] = {0, 0, 0};
  std::string numbers(text.substr(begin, end - begin));
  std::replace(numbers.begin(), numbers.end(), ',', ' ');
  std::sscanf(numbers.c_str(), "%lf %lf %lf", &v[0], &v[1], &v[2]);
  return {v[0], v[1], v[2]};
}

// The carriers LINE, PLANE and CYLINDRICAL_SURFACE offer: a reference point and its freedom.
void analytic_carriers(std::string_view text, const StepFile& file, const Entity& e,
                       std::vector<Carrier>& out) {
  const std::vector<uint32_t> refs = references(text, e.begin, e.end);
  if (e.type == "LINE" && refs.size() == 2) {
    const Entity* vector = entity(file, refs[1]);
    if (!vector || vector->type != "VECTOR") return;
    const std::vector<uint32_t> dir = references(text, vector->begin, vector->end);
    if (!dir.empty()) out.push_back({refs[0], unit(direction(text, file, dir[0])), {}, false});
    return;
  }
  if ((e.type != "PLANE" && e.type != "CYLINDRICAL_SURFACE") || refs.empty()) return;
  const Entity* placement = entity(file, refs[0]);
  if (!placement || placement->type != "AXIS2_PLACEMENT_3D") return;
  const std::vector<uint32_t> parts = references(text, placement->begin, placement->end);
  if (parts.size() < 2) return;
  const Point3 axis = unit(direction(text, file, parts[1]));
  if (e.type == "PLANE")
    out.push_back({parts[0], {}, axis, true});
  else
    out.push_back({parts[0], axis, {}, false});
}

// Control points of a B-spline curve or surface: the interior ones, each with the tangent
// (curve) or the normal of its tangent plane (surface) from its neighbours in the net.
void spline_carriers(std::string_view text, const StepFile& file, const Entity& e,
                     std::vector<Carrier>& out) {
  const std::string_view body = text.substr(e.begin, e.end - e.begin);
  const bool surface = body.find("B_SPLINE_SURFACE") != std::string_view::npos;
  const size_t at = body.find(surface ? "B_SPLINE_SURFACE" : "B_SPLINE_CURVE");
  if (at == std::string_view::npos) return;
  const auto [args_begin, args_end] = group(text, e.begin + at, e.end);
  const auto [net_begin, net_end] = group(text, args_begin, args_end);  // the control list
  auto point = [&](uint32_t id) { return file.point(id); };
  if (!surface) {
    const std::vector<uint32_t> net = references(text, net_begin, net_end);
    for (size_t i = 1; i + 1 < net.size(); ++i) {
      const StepPoint *a = point(net[i - 1]), *b = point(net[i + 1]);
      if (a && b) out.push_back({net[i], unit(point_mm(*b, 1) - point_mm(*a, 1)), {}, false, true});
    }
    return;
  }
  std::vector<std::vector<uint32_t>> rows;
  for (size_t pos = net_begin; pos < net_end;) {
    const auto [row_begin, row_end] = group(text, pos, net_end);
    if (row_begin >= net_end) break;
    rows.push_back(references(text, row_begin, row_end));
    pos = row_end + 1;
  }
  for (size_t i = 1; i + 1 < rows.size(); ++i)
    for (size_t j = 1; j + 1 < rows[i].size(); ++j) {
      if (rows[i - 1].size() != rows[i].size() || rows[i + 1].size() != rows[i].size()) continue;
      const StepPoint *u0 = point(rows[i - 1][j]), *u1 = point(rows[i + 1][j]), *v0 = point(rows[i][j - 1]),
                      *v1 = point(rows[i][j + 1]);
      if (!u0 || !u1 || !v0 || !v1) continue;
      const Point3 n = cross(point_mm(*u1, 1) - point_mm(*u0, 1), point_mm(*v1, 1) - point_mm(*v0, 1));
      if (norm(n) > 0) out.push_back({rows[i][j], {}, unit(n), true, true});
    }
}

// The master's carriers, in entity order, with their shifts (mm) for symbol 1.
struct StepCarriers {
  std::vector<uint32_t> point;
  std::vector<Point3> at, shift;
  std::vector<Point3> all;
  std::vector<size_t> index;  // each carrier's place in `all`
  Layout layout;
  double magnitude = 0;
};

double shift_magnitude(const StepFile& file) {
  if (file.uncertainty_mm >= kPlausibleUncertainty) return std::min(kMaxShift, file.uncertainty_mm);
  return kMaxShift;
}

StepCarriers carriers_of(std::string_view text, const StepFile& file, std::string_view secret) {
  std::vector<Carrier> found;
  for (const Entity& e : file.entities) {
    if (e.type == "LINE" || e.type == "PLANE" || e.type == "CYLINDRICAL_SURFACE")
      analytic_carriers(text, file, e, found);
    else if (e.type.starts_with("B_SPLINE_") || e.type.empty())
      spline_carriers(text, file, e, found);
  }
  StepCarriers out;
  out.magnitude = shift_magnitude(file);
  std::unordered_map<uint32_t, size_t> index;
  for (const StepPoint& p : file.points) {
    if (p.dimension != 3) continue;
    index[p.id] = out.all.size();
    out.all.push_back(point_mm(p, file.unit_mm));
  }
  std::vector<size_t> candidates;
  std::vector<Carrier> usable;
  for (const Carrier& c : found) {
    const StepPoint* p = file.point(c.point);
    if (!p || p->uses != 1 || p->dimension != 3) continue;
    candidates.push_back(index[c.point]);
    usable.push_back(c);
  }
  const std::vector<size_t> alone = isolated3(out.all, candidates);
  std::unordered_map<size_t, bool> keep;
  for (const size_t i : alone) keep[i] = true;
  std::vector<Carrier> chosen;
  for (size_t i = 0; i < usable.size(); ++i)
    if (keep.count(candidates[i])) chosen.push_back(usable[i]);
  const std::vector<double> angle = uniforms(keyed_hash(secret, {"step-directions"}), chosen.size());
  for (size_t i = 0; i < chosen.size(); ++i) {
    const Carrier& c = chosen[i];
    Point3 d = c.along;
    if (c.plane) {  // a direction within the plane, at a keyed angle
      const Point3 seed = std::abs(c.normal.x) < 0.9 ? Point3{1, 0, 0} : Point3{0, 1, 0};
      const Point3 e1 = unit(cross(c.normal, seed)), e2 = cross(c.normal, e1);
      const double a = 2 * std::numbers::pi * angle[i];
      d = std::cos(a) * e1 + std::sin(a) * e2;
    }
    if (norm(d) < 0.5) continue;
    out.point.push_back(c.point);
    out.at.push_back(out.all[index[c.point]]);
    out.index.push_back(index[c.point]);
    out.shift.push_back((c.spline ? kSplineShare * out.magnitude : out.magnitude) * unit(d));
  }
  out.layout = assign_positions(out.point.size(), secret);
  return out;
}

// A real number as STEP writes it: always with a decimal point, 15 significant digits (printf's
// %.15G, which std::to_chars gives with a lower-case exponent, several times faster).
std::string format_real(double value) {
  char buffer[40];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 15);
  std::string out(buffer, written.ptr);
  for (char& c : out)
    if (c == 'e') c = 'E';
  if (out.find('.') == std::string::npos) {
    const size_t e = out.find('E');
    out.insert(e == std::string::npos ? out.size() : e, ".");
  }
  return out;
}

// A STEP master parsed once with its carriers chosen: each copy only rewrites the moved points'
// digits, each trace only parses the suspect's points.
class PreparedStep final : public PreparedMaster {
 public:
  explicit PreparedStep(std::string master) : master_(std::move(master)) {
    if (std::optional<std::string> joined = tokens_joined(master_)) master_ = std::move(*joined);
  }

  // Parses the master (held here, so that the parsed entities' views stay valid).
  Status prepare(std::string_view secret) {
    MOAT_TRY(file_, parse_step(master_));
    carriers_ = carriers_of(master_, file_, secret);
    registration_ = std::make_unique<const SpaceMaster>(carriers_.all, carriers_.index);
    return {};
  }

  Capacity capacity() const override { return Capacity{carriers_.point.size(), carriers_.layout.length}; }

  Result<Embedded> embed(const std::vector<uint8_t>& codeword, std::string_view) const override {
    const StepCarriers& c = carriers_;
    if (codeword.size() != c.layout.length)
      return internal_error("codeword length does not match the master");
    std::vector<std::pair<size_t, std::pair<size_t, std::string>>> edits;  // offset → (end, text)
    edits.reserve(3 * c.point.size());
    for (size_t i = 0; i < c.point.size(); ++i) {
      const StepPoint& p = *file_.point(c.point[i]);
      const double sign = codeword[c.layout.position[i]] ? 1 : -1;
      const double d[3] = {c.shift[i].x, c.shift[i].y, c.shift[i].z};
      for (size_t k = 0; k < 3; ++k)
        edits.push_back(
            {p.number_begin[k], {p.number_end[k], format_real(p.at[k] + sign * d[k] / file_.unit_mm)}});
    }
    std::sort(edits.begin(), edits.end());
    Embedded out;
    out.bytes.reserve(master_.size() + master_.size() / 20);
    size_t copied = 0;
    for (const auto& [begin, edit] : edits) {
      out.bytes.append(master_, copied, begin - copied);
      out.bytes += edit.second;
      copied = edit.first;
    }
    out.bytes.append(master_, copied);
    out.carriers = c.point.size();
    out.min_shift = c.point.empty() ? 0 : 1e9;
    for (const Point3 shift : c.shift) {
      out.min_shift = std::min(out.min_shift, norm(shift) * 1000);
      out.max_shift = std::max(out.max_shift, norm(shift) * 1000);
    }
    char details[160];
    std::snprintf(details, sizeof details, "{\"points\":%zu,\"unit_mm\":%g,\"declared_uncertainty_mm\":%g}",
                  c.all.size(), file_.unit_mm, file_.uncertainty_mm);
    out.details = details;
    return out;
  }

  Result<Reading> read(std::string_view suspect, const Progress& progress) const override {
    MOAT_TRY(const std::vector<Point3> seen, step_points(suspect));
    const StepCarriers& c = carriers_;
    MOAT_TRY(const Registration3 reg, register_space(*registration_, seen, progress));
    const std::vector<double> shifts = read_shifts3(*registration_, c.at, c.shift, seen, reg.motion);
    size_t found = 0;
    for (const double s : shifts) found += std::isnan(s) ? 0u : 1u;
    Reading out;
    out.symbols = symbols(c.layout, shifts);
    out.confidence = c.point.empty() ? 0 : static_cast<double>(found) / static_cast<double>(c.point.size());
    out.matched = reg.matched;
    char words[120];
    // A shift that rounds to zero is told as 0.0000, not -0.0000.
    const auto shown = [](double v) { return std::abs(v) < 5e-5 ? 0.0 : v; };
    std::snprintf(words, sizeof words, "moved by (%.4f, %.4f, %.4f) mm", shown(reg.motion.shift.x),
                  shown(reg.motion.shift.y), shown(reg.motion.shift.z));
    out.transform = words;
    return out;
  }

 private:
  std::string master_;
  StepFile file_;
  StepCarriers carriers_;
  std::unique_ptr<const SpaceMaster> registration_;
};

class StepFormat final : public Format {
 public:
  std::string_view scheme() const override { return "step"; }
  bool detect(std::string_view bytes) const override {
    return bytes.substr(0, 256).find("ISO-10303-21") != std::string_view::npos;
  }
  Result<std::unique_ptr<PreparedMaster>> prepare(std::string_view master,
                                                  std::string_view secret) const override {
    auto prepared = std::make_unique<PreparedStep>(std::string(master));
    MOAT_CHECK(prepared->prepare(secret));
    return std::unique_ptr<PreparedMaster>(std::move(prepared));
  }
};

}  // namespace

Result<std::vector<Point3>> step_points(std::string_view text) {
  const std::optional<std::string> joined = tokens_joined(text);
  MOAT_TRY(const StepFile file, parse_step(joined ? *joined : text, /*count_uses=*/false));
  std::vector<Point3> out;
  out.reserve(file.points.size());
  for (const StepPoint& p : file.points)
    if (p.dimension == 3) out.push_back(point_mm(p, file.unit_mm));
  return out;
}

std::unique_ptr<Format> make_step_format() {
  return std::make_unique<StepFormat>();
}

}  // namespace moat::mark
