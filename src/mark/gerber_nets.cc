// SPDX-License-Identifier: Apache-2.0
#include "mark/gerber_nets.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <numbers>
#include <numeric>
#include <optional>
#include <unordered_map>

#include "mark/planar.h"

namespace moat::mark {
namespace {

// ---- Shapes ---------------------------------------------------------------------------------

struct Box {
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  void add(Point p, double r) {
    x0 = std::min(x0, p.x - r), y0 = std::min(y0, p.y - r), x1 = std::max(x1, p.x + r),
    y1 = std::max(y1, p.y + r);
  }
  // The squared distance between the boxes (0 when they meet).
  double gap2(const Box& o) const {
    const double dx = std::max({0.0, o.x0 - x1, x0 - o.x1}), dy = std::max({0.0, o.y0 - y1, y0 - o.y1});
    return dx * dx + dy * dy;
  }
  bool contains(Point p) const { return p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1; }
};

// A capsule: the points within r of segment ab (a polygon's edge has r = 0).
struct Seg {
  Point a, b;
  double r = 0;
};

// A point of a shape tested for lying inside another, with the shape's extent around it.
struct Anchor {
  Point at;
  double r = 0;
};

struct Shape {
  std::vector<Seg> segs;                     // capsules, and the polygons' edges
  std::vector<std::vector<Point>> polygons;  // filled areas
  std::vector<Box> polygon_boxes;
  // Per polygon, its edges (by first vertex) in horizontal bands, so that a point is tested
  // against the edges crossing its band only.
  struct Bands {
    double y0 = 0, height = 1;
    std::vector<std::vector<uint32_t>> edges;
  };
  std::vector<Bands> polygon_bands;
  std::vector<Anchor> anchors;
  std::vector<std::pair<int64_t, int64_t>> points;  // the file points it is drawn at
  Box box;
  bool dark = true;
  bool region = false;
  std::vector<size_t> cutters;  // later clear shapes over this dark region
};

double segment_distance2(Point p, Point a, Point b) {
  const double dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
  double t = l2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = p.x - (a.x + t * dx), ey = p.y - (a.y + t * dy);
  return ex * ex + ey * ey;
}

double segment_distance(Point p, Point a, Point b) {
  return std::sqrt(segment_distance2(p, a, b));
}

double cross(Point o, Point a, Point b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

bool segments_cross(Point a, Point b, Point c, Point d) {
  const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
  return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0)) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0;
}

double seg_seg(const Seg& s, const Seg& t) {
  if (segments_cross(s.a, s.b, t.a, t.b)) return 0;
  return std::sqrt(std::min({segment_distance2(s.a, t.a, t.b), segment_distance2(s.b, t.a, t.b),
                             segment_distance2(t.a, s.a, s.b), segment_distance2(t.b, s.a, s.b)}));
}

// Whether the edge from poly[j] to poly[i] crosses the ray from q towards +x.
bool crosses(Point q, Point pi, Point pj) {
  return (pi.y > q.y) != (pj.y > q.y) && q.x < (pj.x - pi.x) * (q.y - pi.y) / (pj.y - pi.y) + pi.x;
}

bool in_polygon(Point q, const std::vector<Point>& poly) {
  bool inside = false;
  for (size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++)
    if (crosses(q, poly[i], poly[j])) inside = !inside;
  return inside;
}

bool in_polygon(Point q, const std::vector<Point>& poly, const Shape::Bands& bands) {
  if (bands.edges.empty()) return in_polygon(q, poly);
  const auto band = static_cast<size_t>(
      std::clamp((q.y - bands.y0) / bands.height, 0.0, static_cast<double>(bands.edges.size() - 1)));
  bool inside = false;
  for (const uint32_t i : bands.edges[band]) {
    const size_t j = i == 0 ? poly.size() - 1 : i - 1;
    if (crosses(q, poly[i], poly[j])) inside = !inside;
  }
  return inside;
}

// ---- Parsing --------------------------------------------------------------------------------

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

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// An aperture as primitives about its origin, in mm.
struct Primitive {
  std::vector<Point> polygon;  // filled, when not empty
  Seg capsule;                 // otherwise
};
using Aperture = std::vector<Primitive>;

Point rotate(Point p, double degrees) {
  const double a = degrees * std::numbers::pi / 180, c = std::cos(a), s = std::sin(a);
  return {c * p.x - s * p.y, s * p.x + c * p.y};
}

Primitive circle(Point c, double r) {
  return {{}, {c, c, r}};
}

Primitive rectangle(Point c, double w, double h, double degrees) {
  Primitive p;
  for (const Point corner :
       {Point{-w / 2, -h / 2}, Point{w / 2, -h / 2}, Point{w / 2, h / 2}, Point{-w / 2, h / 2}})
    p.polygon.push_back(rotate({c.x + corner.x, c.y + corner.y}, degrees));
  return p;
}

// The numbers of a comma- or X-separated list; $n names the n-th aperture parameter. nullopt when
// an item is an expression moat does not evaluate.
std::optional<std::vector<double>> numbers(std::string_view list, char separator,
                                           const std::vector<double>& params) {
  std::vector<double> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(separator, pos);
    if (end == std::string_view::npos) end = list.size();
    std::string_view item = list.substr(pos, end - pos);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\n' || item.front() == '\r'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\n' || item.back() == '\r'))
      item.remove_suffix(1);
    if (!item.empty() && item[0] == '$') {
      const size_t n = static_cast<size_t>(std::atoi(std::string(item.substr(1)).c_str()));
      if (n == 0 || n > params.size()) return std::nullopt;
      out.push_back(params[n - 1]);
    } else if (!item.empty()) {
      char* stop = nullptr;
      const std::string text(item);
      const double v = std::strtod(text.c_str(), &stop);
      if (stop != text.c_str() + text.size()) return std::nullopt;
      out.push_back(v);
    }
    pos = end + 1;
  }
  return out;
}

// One macro primitive statement ("21,1,1.5,0.7,0,0,0.0") as shapes, in the macro's units.
void macro_primitive(std::string_view statement, const std::vector<double>& params, double scale,
                     Aperture& out) {
  const auto v = numbers(statement, ',', params);
  if (!v || v->empty()) return;
  const auto& n = *v;
  const int code = static_cast<int>(n[0]);
  auto at = [&](size_t i) { return i < n.size() ? n[i] * scale : 0.0; };
  auto raw = [&](size_t i) { return i < n.size() ? n[i] : 0.0; };
  if (code == 1 && n.size() >= 5) {
    Primitive p = circle(rotate({at(3), at(4)}, raw(5)), at(2) / 2);
    out.push_back(p);
  } else if (code == 20 && n.size() >= 8) {
    const Point a{at(3), at(4)}, b{at(5), at(6)};
    const double len = std::hypot(b.x - a.x, b.y - a.y), w = at(2);
    Primitive p;
    const Point d = len > 0 ? Point{(b.x - a.x) / len * w / 2, (b.y - a.y) / len * w / 2} : Point{0, w / 2};
    for (const Point q : {Point{a.x + d.y, a.y - d.x}, Point{b.x + d.y, b.y - d.x},
                          Point{b.x - d.y, b.y + d.x}, Point{a.x - d.y, a.y + d.x}})
      p.polygon.push_back(rotate(q, raw(7)));
    out.push_back(p);
  } else if (code == 21 && n.size() >= 7) {
    Primitive p = rectangle({at(4), at(5)}, at(2), at(3), 0);
    for (Point& q : p.polygon) q = rotate(q, raw(6));
    out.push_back(p);
  } else if (code == 4 && n.size() >= 3) {
    const auto count = static_cast<size_t>(raw(2));
    Primitive p;
    for (size_t i = 0; i <= count && 4 + 2 * i < n.size(); ++i)
      p.polygon.push_back(rotate({at(3 + 2 * i), at(4 + 2 * i)}, raw(5 + 2 * count)));
    if (p.polygon.size() >= 3) out.push_back(p);
  } else if (code == 5 && n.size() >= 6) {
    out.push_back(circle(rotate({at(3), at(4)}, raw(6)), at(5) / 2));
  } else if (code == 7 && n.size() >= 4) {
    out.push_back(circle(rotate({at(1), at(2)}, raw(6)), at(3) / 2));
  }
}

// The parser's state across blocks.
struct Parser {
  std::string_view text;
  bool metric = true, omit_trailing = false;
  int integer_digits = 3, decimal_digits = 6;
  std::map<std::string, std::vector<std::string>, std::less<>> macros;
  std::map<int, Aperture> apertures;
  std::map<int, double> draw_radius;  // the radius a draw with the aperture sweeps
  int aperture = -1;
  bool dark = true, region = false, multi_quadrant = true;
  int interpolation = 1, last_d = 2;
  int64_t x = 0, y = 0;
  std::vector<Shape> shapes;
  Shape contour_shape;         // the region being read
  std::vector<Point> contour;  // its current contour
  std::vector<std::pair<int64_t, int64_t>> contour_points;

  double unit() const { return (metric ? 1.0 : 25.4) / std::pow(10.0, decimal_digits); }
  double size_scale() const { return metric ? 1.0 : 25.4; }
  Point mm(int64_t px, int64_t py) const {
    return {static_cast<double>(px) * unit(), static_cast<double>(py) * unit()};
  }
};

Status read_extended(Parser& p, size_t at, std::string_view body) {
  if (body.starts_with("MOMM")) p.metric = true;
  if (body.starts_with("MOIN")) p.metric = false;
  if (body.starts_with("LPD")) p.dark = true;
  if (body.starts_with("LPC")) p.dark = false;
  if (body.starts_with("FS")) {
    const size_t x = body.find('X');
    if (x == std::string_view::npos || x + 2 >= body.size() || !is_digit(body[x + 1]) ||
        !is_digit(body[x + 2]))
      return input_error(location(p.text, at), "unreadable format statement %" + std::string(body) + "%");
    p.omit_trailing = body.size() > 2 && body[2] == 'T';
    p.integer_digits = body[x + 1] - '0';
    p.decimal_digits = body[x + 2] - '0';
  }
  if (body.starts_with("AM")) {
    std::vector<std::string> statements;
    size_t pos = 2, star = body.find('*');
    const std::string name(body.substr(pos, star - pos));
    for (pos = star + 1; pos < body.size();) {
      size_t end = body.find('*', pos);
      if (end == std::string_view::npos) end = body.size();
      std::string_view s = body.substr(pos, end - pos);
      while (!s.empty() && (s.front() == '\n' || s.front() == '\r' || s.front() == ' ')) s.remove_prefix(1);
      if (!s.empty() && s[0] != '0') statements.emplace_back(s);
      pos = end + 1;
    }
    p.macros[name] = std::move(statements);
  }
  if (body.starts_with("ADD")) {
    size_t pos = 3;
    int code = 0;
    while (pos < body.size() && is_digit(body[pos])) code = code * 10 + (body[pos++] - '0');
    const size_t comma = body.find(',', pos);
    std::string_view name =
        body.substr(pos, comma == std::string_view::npos ? body.size() - pos - 1 : comma - pos);
    if (name.ends_with('*')) name.remove_suffix(1);
    std::string_view args = comma == std::string_view::npos ? std::string_view() : body.substr(comma + 1);
    if (args.ends_with('*')) args.remove_suffix(1);
    const std::vector<double> none;
    const std::vector<double> v = numbers(args, 'X', none).value_or(none);
    const double s = p.size_scale();
    auto arg = [&](size_t i) { return i < v.size() ? v[i] * s : 0.0; };
    Aperture a;
    double sweep = 0;
    if (name == "C")
      a.push_back(circle({}, arg(0) / 2)), sweep = arg(0) / 2;
    else if (name == "R")
      a.push_back(rectangle({}, arg(0), arg(1), 0)), sweep = std::max(arg(0), arg(1)) / 2;
    else if (name == "O") {
      const double w = arg(0), h = arg(1), r = std::min(w, h) / 2;
      a.push_back({{},
                   {w > h ? Point{-(w / 2 - r), 0} : Point{0, -(h / 2 - r)},
                    w > h ? Point{w / 2 - r, 0} : Point{0, h / 2 - r}, r}});
      sweep = std::max(w, h) / 2;
    } else if (name == "P")
      a.push_back(circle({}, arg(0) / 2)), sweep = arg(0) / 2;
    else {
      const auto macro = p.macros.find(name);
      if (macro != p.macros.end())
        for (const std::string& statement : macro->second) macro_primitive(statement, v, s, a);
      for (const Primitive& prim : a) {
        if (prim.polygon.empty())
          sweep = std::max(sweep, std::hypot(prim.capsule.a.x, prim.capsule.a.y) + prim.capsule.r);
        for (const Point q : prim.polygon) sweep = std::max(sweep, std::hypot(q.x, q.y));
      }
    }
    p.apertures[code] = std::move(a);
    p.draw_radius[code] = sweep;
  }
  return {};
}

void finish(Shape& s) {
  for (const Seg& g : s.segs) s.box.add(g.a, g.r), s.box.add(g.b, g.r);
  for (const auto& poly : s.polygons) {
    Box box;
    for (const Point q : poly) box.add(q, 0);
    s.box.add({box.x0, box.y0}, 0), s.box.add({box.x1, box.y1}, 0);
    s.polygon_boxes.push_back(box);
    Shape::Bands bands;
    if (poly.size() > 32) {
      const size_t count = std::min<size_t>(poly.size() / 4, 1024);
      bands.y0 = box.y0;
      bands.height = std::max((box.y1 - box.y0) / static_cast<double>(count), 1e-9);
      bands.edges.resize(count);
      auto band = [&](double y) {
        return static_cast<size_t>(
            std::clamp((y - bands.y0) / bands.height, 0.0, static_cast<double>(count - 1)));
      };
      for (size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++)
        for (size_t b = band(std::min(poly[i].y, poly[j].y)); b <= band(std::max(poly[i].y, poly[j].y)); ++b)
          bands.edges[b].push_back(static_cast<uint32_t>(i));
    }
    s.polygon_bands.push_back(std::move(bands));
  }
}

void add_polygon(Shape& s, std::vector<Point> poly) {
  if (poly.size() >= 2 && poly.front().x == poly.back().x && poly.front().y == poly.back().y) poly.pop_back();
  if (poly.size() < 3) return;
  for (size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) s.segs.push_back({poly[j], poly[i], 0});
  for (const Point q : poly) s.anchors.push_back({q, 0});
  s.polygons.push_back(std::move(poly));
}

// The points of an arc from `from` to `to` about `centre` (G02 clockwise, G03 counter-clockwise).
std::vector<Point> arc_points(Point from, Point to, Point centre, bool clockwise) {
  const double r = std::hypot(from.x - centre.x, from.y - centre.y);
  double a0 = std::atan2(from.y - centre.y, from.x - centre.x),
         a1 = std::atan2(to.y - centre.y, to.x - centre.x);
  if (clockwise) {
    while (a1 >= a0) a1 -= 2 * std::numbers::pi;
  } else {
    while (a1 <= a0) a1 += 2 * std::numbers::pi;
  }
  // Chords within 2 µm of the arc.
  const double step = r > 0.002 ? 2 * std::acos(1 - 0.002 / r) : std::numbers::pi / 2;
  const int pieces = std::clamp(static_cast<int>(std::ceil(std::abs(a1 - a0) / step)), 2, 256);
  std::vector<Point> out;
  for (int k = 1; k <= pieces; ++k) {
    const double a = a0 + (a1 - a0) * k / pieces;
    out.push_back({centre.x + r * std::cos(a), centre.y + r * std::sin(a)});
  }
  out.back() = to;
  return out;
}

// A region's contour. One vertex stands for it in containment tests: a region overlapping another
// shape partly has edges meeting it (found as a zero gap), one wholly inside it has every vertex
// inside, and regions never move, so how deep they overlap does not matter.
void close_contour(Parser& p) {
  const size_t anchors = p.contour_shape.anchors.size();
  if (p.contour.size() >= 3) add_polygon(p.contour_shape, std::move(p.contour));
  if (p.contour_shape.anchors.size() > anchors + 1) p.contour_shape.anchors.resize(anchors + 1);
  p.contour.clear();
}

Status read_block(Parser& p, size_t begin, std::string_view block) {
  size_t pos = 0;
  while (pos < block.size() && block[pos] == 'G') {
    int code = 0;
    for (++pos; pos < block.size() && is_digit(block[pos]); ++pos) code = code * 10 + (block[pos] - '0');
    if (code == 4) return {};
    if (code >= 1 && code <= 3) p.interpolation = code;
    if (code == 74) p.multi_quadrant = false;
    if (code == 75) p.multi_quadrant = true;
    if (code == 36) p.region = true, p.contour_shape = Shape{}, p.contour.clear(), p.contour_points.clear();
    if (code == 37 && p.region) {
      close_contour(p);
      p.region = false;
      p.contour_shape.region = true;
      p.contour_shape.dark = p.dark;
      p.contour_shape.points = std::move(p.contour_points);
      finish(p.contour_shape);
      p.shapes.push_back(std::move(p.contour_shape));
      p.contour_shape = Shape{};
    }
    if (code == 70) p.metric = false;
    if (code == 71) p.metric = true;
  }
  int64_t x = p.x, y = p.y, i = 0, j = 0;
  bool any = false;
  while (pos < block.size() &&
         (block[pos] == 'X' || block[pos] == 'Y' || block[pos] == 'I' || block[pos] == 'J')) {
    const char letter = block[pos++];
    bool negative = false;
    if (pos < block.size() && (block[pos] == '+' || block[pos] == '-')) negative = block[pos++] == '-';
    int64_t v = 0;
    size_t count = 0;
    for (; pos < block.size() && is_digit(block[pos]); ++pos, ++count)
      if (count < 18) v = v * 10 + (block[pos] - '0');
    if (count == 0)
      return input_error(location(p.text, begin + pos), std::string("a number is expected after ") + letter);
    if (p.omit_trailing)
      for (auto k = count; k < static_cast<size_t>(p.integer_digits + p.decimal_digits); ++k) v *= 10;
    if (negative) v = -v;
    (letter == 'X' ? x : letter == 'Y' ? y : letter == 'I' ? i : j) = v;
    any = true;
  }
  int d = 0;
  if (pos < block.size() && block[pos] == 'D')
    for (++pos; pos < block.size() && is_digit(block[pos]); ++pos)
      d = std::min(d * 10 + (block[pos] - '0'), 1 << 20);
  if (d >= 10) {
    p.aperture = d;
    return {};
  }
  if (!any && d == 0) return {};
  if (d == 0) d = p.last_d;
  p.last_d = d;
  const Point from = p.mm(p.x, p.y), to = p.mm(x, y);
  const bool arc = d == 1 && p.interpolation != 1;
  std::vector<Point> path{to};
  if (arc) {
    Point centre = {from.x + static_cast<double>(i) * p.unit(), from.y + static_cast<double>(j) * p.unit()};
    if (!p.multi_quadrant) {  // G74: unsigned offsets, the centre nearest to equidistant
      double best = 1e300;
      for (const double sx : {1.0, -1.0})
        for (const double sy : {1.0, -1.0}) {
          const Point c{from.x + sx * std::abs(static_cast<double>(i)) * p.unit(),
                        from.y + sy * std::abs(static_cast<double>(j)) * p.unit()};
          const double diff =
              std::abs(std::hypot(from.x - c.x, from.y - c.y) - std::hypot(to.x - c.x, to.y - c.y));
          if (diff < best) best = diff, centre = c;
        }
    }
    path = arc_points(from, to, centre, p.interpolation == 2);
  }
  if (p.region) {
    if (d == 2) {
      close_contour(p);
      p.contour.push_back(to);
    } else if (d == 1) {
      if (p.contour.empty()) p.contour.push_back(from);
      p.contour.insert(p.contour.end(), path.begin(), path.end());
    }
    p.contour_points.push_back({x, y});
  } else if (d == 1 || d == 3) {
    Shape s;
    s.dark = p.dark;
    if (d == 3) {
      const auto a = p.apertures.find(p.aperture);
      if (a != p.apertures.end())
        for (const Primitive& prim : a->second) {
          if (prim.polygon.empty()) {
            const Seg g{{to.x + prim.capsule.a.x, to.y + prim.capsule.a.y},
                        {to.x + prim.capsule.b.x, to.y + prim.capsule.b.y},
                        prim.capsule.r};
            s.segs.push_back(g);
            s.anchors.push_back({g.a, g.r}), s.anchors.push_back({g.b, g.r});
          } else {
            std::vector<Point> poly;
            for (const Point q : prim.polygon) poly.push_back({to.x + q.x, to.y + q.y});
            add_polygon(s, std::move(poly));
          }
        }
      s.anchors.push_back({to, 0});
      s.points.push_back({x, y});
    } else {
      const auto r = p.draw_radius.find(p.aperture);
      const double radius = r == p.draw_radius.end() ? 0 : r->second;
      Point prev = from;
      for (const Point q : path) {
        s.segs.push_back({prev, q, radius});
        s.anchors.push_back({prev, radius});
        prev = q;
      }
      s.anchors.push_back({to, radius});
      s.points.push_back({p.x, p.y});
      s.points.push_back({x, y});
    }
    finish(s);
    if (!s.segs.empty()) p.shapes.push_back(std::move(s));
  }
  p.x = x, p.y = y;
  return {};
}

Result<std::vector<Shape>> parse_shapes(std::string_view text) {
  Parser p;
  p.text = text;
  size_t pos = 0;
  bool saw_format = false;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
      ++pos;
      continue;
    }
    if (c == '%') {
      const size_t close = text.find('%', pos + 1);
      if (close == std::string_view::npos)
        return input_error(location(text, pos), "an extended command is not closed by %");
      std::string_view body = text.substr(pos + 1, close - pos - 1);
      while (!body.empty() && (body.front() == '\n' || body.front() == '\r')) body.remove_prefix(1);
      saw_format |= body.starts_with("FS");
      MOAT_CHECK(read_extended(p, pos, body));
      pos = close + 1;
      continue;
    }
    const size_t star = text.find('*', pos);
    if (star == std::string_view::npos) break;
    MOAT_CHECK(read_block(p, pos, text.substr(pos, star - pos)));
    pos = star + 1;
  }
  if (!saw_format) return input_error("1:1", "not a Gerber RS-274X file: no %FS format statement");
  // Each clear shape cuts the dark regions drawn before it that it overlaps.
  for (size_t c = 0; c < p.shapes.size(); ++c) {
    if (p.shapes[c].dark) continue;
    for (size_t r = 0; r < c; ++r)
      if (p.shapes[r].dark && p.shapes[r].region && p.shapes[r].box.gap2(p.shapes[c].box) == 0)
        p.shapes[r].cutters.push_back(c);
  }
  return std::move(p.shapes);
}

// ---- Nets -----------------------------------------------------------------------------------

// Boxes bucketed in square cells: which items may lie near a place.
class Buckets {
 public:
  explicit Buckets(double cell) : cell_(cell) {}
  void add(const Box& b, uint32_t id) {
    for (int64_t cx = at(b.x0); cx <= at(b.x1); ++cx)
      for (int64_t cy = at(b.y0); cy <= at(b.y1); ++cy) cells_[key(cx, cy)].push_back(id);
  }
  // Files the item under the cells within `reach` of the segment a-b, not its whole box: a long
  // diagonal track or region edge would otherwise fill the square its box spans.
  void add(Point a, Point b, double reach, uint32_t id) {
    cells_near(a, b, reach, [&](int64_t cx, int64_t cy) { cells_[key(cx, cy)].push_back(id); });
  }
  // Calls f(id) for the items of every cell `b` overlaps (an item may come more than once).
  template <typename F>
  void visit(const Box& b, F f) const {
    for (int64_t cx = at(b.x0); cx <= at(b.x1); ++cx)
      for (int64_t cy = at(b.y0); cy <= at(b.y1); ++cy) visit_cell(cx, cy, f);
  }
  // The same for the cells within `reach` of the segment a-b.
  template <typename F>
  void visit(Point a, Point b, double reach, F f) const {
    cells_near(a, b, reach, [&](int64_t cx, int64_t cy) { visit_cell(cx, cy, f); });
  }

 private:
  template <typename F>
  void visit_cell(int64_t cx, int64_t cy, F& f) const {
    const auto found = cells_.find(key(cx, cy));
    if (found != cells_.end())
      for (const uint32_t id : found->second) f(id);
  }
  // Calls f(cx, cy) for every cell holding a point within `reach` of the segment a-b (and a few
  // more): column by column, the rows the segment spans over the column widened by `reach`.
  template <typename F>
  void cells_near(Point a, Point b, double reach, F f) const {
    if (a.x > b.x) std::swap(a, b);
    const double dx = b.x - a.x, dy = b.y - a.y;
    auto y_at = [&](double x) {
      return dx > 0 ? a.y + dy * std::clamp((x - a.x) / dx, 0.0, 1.0) : (x < a.x ? a.y : b.y);
    };
    for (int64_t cx = at(a.x - reach); cx <= at(b.x + reach); ++cx) {
      const double x0 = static_cast<double>(cx) * cell_ - reach,
                   x1 = static_cast<double>(cx + 1) * cell_ + reach;
      double y0 = std::min(y_at(x0), y_at(x1)), y1 = std::max(y_at(x0), y_at(x1));
      if (dx == 0) y0 = std::min(a.y, b.y), y1 = std::max(a.y, b.y);
      for (int64_t cy = at(y0 - reach); cy <= at(y1 + reach); ++cy) f(cx, cy);
    }
  }
  int64_t at(double v) const { return static_cast<int64_t>(std::floor(v / cell_)); }
  static uint64_t key(int64_t cx, int64_t cy) {
    return static_cast<uint64_t>(cx) * 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(cy);
  }
  double cell_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> cells_;
};

// A piece of a dark shape's boundary: a capsule (r > 0), a polygon's edge, or the boundary of a
// clear shape cut out of a region (its copper ends there, on the far side of the cut).
struct Element {
  Seg seg;
  uint32_t owner = 0;
  bool cut = false;
  Box box;
};

// The gap between two boundary pieces of different shapes (mm, negative when capsules overlap).
double element_gap(const Element& e, const Element& f) {
  const double d = seg_seg(e.seg, f.seg);
  if (e.cut) return std::abs(d - e.seg.r) - f.seg.r;
  if (f.cut) return std::abs(d - f.seg.r) - e.seg.r;
  return d - e.seg.r - f.seg.r;
}

size_t root(std::vector<size_t>& parent, size_t i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

uint64_t pair_key(uint32_t i, uint32_t j) {
  return static_cast<uint64_t>(std::min(i, j)) << 32 | std::max(i, j);
}

struct Analysis {
  std::vector<Shape> shapes;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // dark shapes within kClearanceSearch, i < j
  std::vector<double> gaps;                          // per pair: negative when they overlap
  std::vector<size_t> net;                           // per shape (dark ones)
  NetReport report;
};

// Whether q lies inside clear or dark shape s, ignoring what is cut out of it.
bool inside(const Shape& s, Point q) {
  if (!s.box.contains(q)) return false;
  if (!s.region)  // a region's pieces are all polygon edges
    for (const Seg& g : s.segs)
      if (g.r > 0 && segment_distance2(q, g.a, g.b) <= g.r * g.r) return true;
  for (size_t k = 0; k < s.polygons.size(); ++k)
    if (s.polygon_boxes[k].contains(q) && in_polygon(q, s.polygons[k], s.polygon_bands[k])) return true;
  return false;
}

// How deep q lies in the copper of dark shape `owner` (a region less its cut-outs), up to
// kClearanceSearch; nullopt when outside.
std::optional<double> copper_depth(const std::vector<Shape>& shapes, const std::vector<Element>& elements,
                                   const Buckets& buckets, uint32_t owner, Point q) {
  const Shape& s = shapes[owner];
  if (!inside(s, q)) return std::nullopt;
  for (const size_t c : s.cutters)
    if (inside(shapes[c], q)) return std::nullopt;
  if (s.region) {  // the nearest edge, of the region or of a cut-out
    double best = kClearanceSearch;
    Box around;
    around.add(q, kClearanceSearch);
    buckets.visit(around, [&](uint32_t id) {
      const Element& e = elements[id];
      if (e.owner != owner) return;
      const double d = segment_distance(q, e.seg.a, e.seg.b);
      best = std::min(best, e.cut ? std::abs(d - e.seg.r) : d);
    });
    return best;
  }
  double best = 0;  // the deepest of the primitives holding q
  for (const Seg& g : s.segs)
    if (g.r > 0) best = std::max(best, g.r - segment_distance(q, g.a, g.b));
  for (size_t k = 0; k < s.polygons.size(); ++k) {
    const auto& poly = s.polygons[k];
    if (!s.polygon_boxes[k].contains(q) || !in_polygon(q, poly, s.polygon_bands[k])) continue;
    double edge = 1e300;
    for (size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++)
      edge = std::min(edge, segment_distance2(q, poly[j], poly[i]));
    best = std::max(best, std::sqrt(edge));
  }
  return std::min(best, kClearanceSearch);
}

Result<Analysis> analyse(std::string_view text) {
  Analysis a;
  MOAT_TRY(a.shapes, parse_shapes(text));
  const std::vector<Shape>& shapes = a.shapes;
  std::vector<Element> elements;
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (!shapes[i].dark) continue;
    const auto owner = static_cast<uint32_t>(i);
    for (const Seg& g : shapes[i].segs) elements.push_back({g, owner, false, {}});
    for (const size_t c : shapes[i].cutters)
      for (const Seg& g : shapes[c].segs) elements.push_back({g, owner, true, {}});
  }
  // Cells as wide as the search distance, wider when the pieces would be filed and looked for in
  // more cells than a board's usual hundred or so each (tracks metres long or wide: no board, but
  // a file can say so).
  auto cells = [&](double cell) {
    double n = 0;
    for (const Element& e : elements) {  // a piece's length and width, widened by the search's reach
      const double width = (2 * e.seg.r + 2 * kClearanceSearch) / cell + 2;
      n += (std::hypot(e.seg.b.x - e.seg.a.x, e.seg.b.y - e.seg.a.y) / cell + width) * width;
    }
    return n;
  };
  double cell = kClearanceSearch;
  while (cells(cell) > 256 * static_cast<double>(elements.size()) + 65536) cell *= 2;
  Buckets buckets(cell);
  for (size_t k = 0; k < elements.size(); ++k) {
    Element& e = elements[k];
    e.box.add(e.seg.a, e.seg.r), e.box.add(e.seg.b, e.seg.r);
    buckets.add(e.seg.a, e.seg.b, e.seg.r, static_cast<uint32_t>(k));
  }
  std::vector<std::pair<uint64_t, double>> gaps;  // (pair, gap), reduced to the least per pair below
  // Boundary pieces of different shapes within the search distance: the least gap per pair of
  // shapes (a shape's pieces come one after another).
  std::vector<uint32_t> seen(elements.size(), UINT32_MAX);
  std::vector<double> least(shapes.size(), kClearanceSearch);
  std::vector<uint32_t> touched;
  uint32_t current = elements.empty() ? 0 : elements.front().owner;
  const auto flush = [&] {
    for (const uint32_t j : touched)
      gaps.push_back({pair_key(current, j), least[j]}), least[j] = kClearanceSearch;
    touched.clear();
  };
  for (size_t k = 0; k < elements.size(); ++k) {
    const Element& e = elements[k];
    if (e.owner != current) flush(), current = e.owner;
    // A piece within the search distance has a point of its capsule within e.r + the search
    // distance of e's centre line, in a cell both list.
    buckets.visit(e.seg.a, e.seg.b, e.seg.r + kClearanceSearch, [&](uint32_t id) {
      if (id <= k || seen[id] == k) return;
      seen[id] = static_cast<uint32_t>(k);
      const Element& f = elements[id];
      const double bound = least[f.owner];
      if (f.owner == e.owner || (e.cut && f.cut) || (bound > 0 && e.box.gap2(f.box) >= bound * bound)) return;
      const double g = element_gap(e, f);
      if (g >= bound) return;
      if (least[f.owner] == kClearanceSearch) touched.push_back(f.owner);
      least[f.owner] = g;
    });
  }
  flush();
  // Shapes lying in another's copper: their anchors inside it, by how much.
  Buckets boxes(2.0);
  std::vector<uint32_t> large;
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (!shapes[i].dark) continue;
    const Box& b = shapes[i].box;
    if (b.x1 - b.x0 > 20 || b.y1 - b.y0 > 20)
      large.push_back(static_cast<uint32_t>(i));
    else
      boxes.add(b, static_cast<uint32_t>(i));
  }
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (!shapes[i].dark) continue;
    for (const Anchor& anchor : shapes[i].anchors) {
      auto test = [&](uint32_t j) {
        if (j == i || !shapes[j].box.contains(anchor.at)) return;
        const std::optional<double> d = copper_depth(shapes, elements, buckets, j, anchor.at);
        if (!d) return;
        gaps.push_back({pair_key(static_cast<uint32_t>(i), j), -(*d + anchor.r)});
      };
      Box point;
      point.add(anchor.at, 0);
      boxes.visit(point, test);
      for (const uint32_t j : large) test(j);
    }
  }
  std::sort(gaps.begin(), gaps.end());  // by pair, the least gap first
  std::vector<size_t> parent(shapes.size());
  std::iota(parent.begin(), parent.end(), size_t{0});
  for (size_t k = 0; k < gaps.size(); ++k) {
    if (k > 0 && gaps[k].first == gaps[k - 1].first) continue;
    const auto i = static_cast<uint32_t>(gaps[k].first >> 32),
               j = static_cast<uint32_t>(gaps[k].first & 0xFFFFFFFFu);
    a.pairs.push_back({i, j});
    a.gaps.push_back(gaps[k].second);
    if (a.gaps.back() <= 0) parent[root(parent, i)] = root(parent, j);
  }
  a.net.resize(shapes.size());
  std::map<size_t, size_t> numbering;
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (!shapes[i].dark) continue;
    ++a.report.shapes;
    a.net[i] = numbering.emplace(root(parent, i), numbering.size()).first->second;
  }
  a.report.nets = numbering.size();
  for (size_t k = 0; k < a.pairs.size(); ++k)
    if (a.net[a.pairs[k].first] != a.net[a.pairs[k].second])
      a.report.min_clearance = std::min(a.report.min_clearance, a.gaps[k]);
  return a;
}

bool same_geometry(const Shape& a, const Shape& b) {
  if (a.segs.size() != b.segs.size()) return false;
  for (size_t k = 0; k < a.segs.size(); ++k) {
    if (std::abs(a.segs[k].a.x - b.segs[k].a.x) > 1e-9 || std::abs(a.segs[k].a.y - b.segs[k].a.y) > 1e-9 ||
        std::abs(a.segs[k].b.x - b.segs[k].b.x) > 1e-9 || std::abs(a.segs[k].b.y - b.segs[k].b.y) > 1e-9)
      return false;
  }
  return true;
}

std::string figure(double mm) {
  return std::to_string(mm * 1000) + " µm";
}

}  // namespace

Result<NetReport> gerber_nets(std::string_view text) {
  MOAT_TRY(const Analysis a, analyse(text));
  return a.report;
}

Result<NetComparison> compare_nets(std::string_view master, std::string_view copy) {
  MOAT_TRY(const Analysis m, analyse(master));
  MOAT_TRY(const Analysis c, analyse(copy));
  if (m.shapes.size() != c.shapes.size())
    return input_error("", "the copy has " + std::to_string(c.shapes.size()) + " shapes, the master " +
                               std::to_string(m.shapes.size()));
  NetComparison out{m.report, c.report};
  std::map<size_t, size_t> to_copy, to_master;
  out.same_nets = m.report.nets == c.report.nets;
  for (size_t i = 0; i < m.shapes.size() && out.same_nets; ++i) {
    if (!m.shapes[i].dark) continue;
    const size_t a = m.net[i], b = c.net[i];
    if (to_copy.emplace(a, b).first->second != b || to_master.emplace(b, a).first->second != a)
      out.same_nets = false;
  }
  if (!out.same_nets) out.problem = "the copy's nets differ from the master's";
  std::vector<bool> moved(m.shapes.size(), false);
  for (size_t i = 0; i < m.shapes.size(); ++i)
    if (!same_geometry(m.shapes[i], c.shapes[i])) moved[i] = true, ++out.moved;
  for (size_t k = 0; k < c.pairs.size(); ++k) {
    const auto [i, j] = c.pairs[k];
    if ((moved[i] || moved[j]) && c.net[i] != c.net[j])
      out.moved_clearance = std::min(out.moved_clearance, c.gaps[k]);
  }
  if (out.problem.empty() && out.moved_clearance < m.report.min_clearance - 1e-9)
    out.problem = "a moved shape comes within " + figure(out.moved_clearance) +
                  " of another net, under the master's " + figure(m.report.min_clearance);
  return out;
}

Result<std::vector<std::pair<int64_t, int64_t>>> crowded_points(std::string_view text, double max_shift_mm) {
  MOAT_TRY(const Analysis a, analyse(text));
  std::vector<bool> crowded(a.shapes.size(), false);
  const double margin = 2 * max_shift_mm;  // both shapes of a pair may move
  for (size_t k = 0; k < a.pairs.size(); ++k) {
    const auto [i, j] = a.pairs[k];
    const double g = a.gaps[k];
    const bool other_net = a.net[i] != a.net[j];
    bool shares_point = false;
    for (const auto& p : a.shapes[i].points)
      shares_point |=
          std::find(a.shapes[j].points.begin(), a.shapes[j].points.end(), p) != a.shapes[j].points.end();
    if ((other_net && g < a.report.min_clearance + margin) ||
        (!other_net && !shares_point && g >= -margin && g <= 0))
      crowded[i] = crowded[j] = true;
  }
  std::vector<std::pair<int64_t, int64_t>> out;
  for (size_t i = 0; i < a.shapes.size(); ++i)
    if (crowded[i] && !a.shapes[i].region)
      out.insert(out.end(), a.shapes[i].points.begin(), a.shapes[i].points.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace moat::mark
