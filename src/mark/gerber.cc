// SPDX-License-Identifier: Apache-2.0
#include "mark/gerber.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "mark/gerber_nets.h"
#include "mark/points_format.h"

namespace moat::mark {
namespace {

// "line:col" of a byte offset, for error messages.
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

// A non-negative integer written at `pos` (advancing it), or -1 when no digit is there.
int read_code(std::string_view s, size_t& pos) {
  if (pos >= s.size() || !is_digit(s[pos])) return -1;
  int value = 0;
  for (; pos < s.size() && is_digit(s[pos]); ++pos) value = std::min(value * 10 + (s[pos] - '0'), 1 << 20);
  return value;
}

// Reads "[+-]digits" at `pos`, advancing it: the coordinate in file units under the format
// statement (with trailing zeros omitted, the digits are the leading ones of the full width; at
// most 18 digits are read).
bool read_coordinate(const GerberFile& file, std::string_view s, size_t& pos, int64_t& value) {
  bool negative = false;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) negative = s[pos++] == '-';
  int64_t v = 0;
  size_t count = 0;
  for (; pos < s.size() && is_digit(s[pos]); ++pos, ++count)
    if (count < 18) v = v * 10 + (s[pos] - '0');
  if (count == 0) return false;
  if (file.omit_trailing) {
    const auto width = static_cast<size_t>(file.integer_digits + file.decimal_digits);
    for (size_t k = count; k < width; ++k) v *= 10;
  }
  value = negative ? -v : v;
  return true;
}

// %FS[LT][AI]X<n><m>Y<n><m>*% and %MO(MM|IN)*%.
Status read_extended(std::string_view text, size_t begin, std::string_view body, GerberFile& file) {
  if (body.starts_with("MOMM")) file.metric = true;
  if (body.starts_with("MOIN")) file.metric = false;
  if (!body.starts_with("FS")) return {};
  const size_t x = body.find('X');
  if (body.size() < 4 || x == std::string_view::npos || x + 2 >= body.size() || !is_digit(body[x + 1]) ||
      !is_digit(body[x + 2]))
    return input_error(location(text, begin), "unreadable format statement %" + std::string(body) + "%");
  if (body.find('I') != std::string_view::npos && body.find('I') < x)
    return input_error(location(text, begin), "incremental coordinates are not supported");
  file.omit_trailing = body[2] == 'T';
  file.integer_digits = body[x + 1] - '0';
  file.decimal_digits = body[x + 2] - '0';
  return {};
}

// The state carried from block to block while parsing.
struct ParseState {
  int interpolation = 1;  // 1 linear, 2/3 arcs
  int last_d = 2;
  bool region = false;
  int64_t x = 0, y = 0;
  size_t previous_op = SIZE_MAX;
};

// One data block (text[begin, end)): G codes, then coordinates and a D code.
Status read_block(std::string_view text, size_t begin, size_t end, GerberFile& file, ParseState& state) {
  const std::string_view block = text.substr(begin, end - begin);
  size_t pos = 0;
  while (pos < block.size() && block[pos] == 'G') {
    size_t next = pos + 1;
    const int code = read_code(block, next);
    if (code == 4) return {};  // a comment
    if (code >= 1 && code <= 3) state.interpolation = code;
    if (code == 36) state.region = true;
    if (code == 37) state.region = false;
    if (code == 70) file.metric = false;
    if (code == 71) file.metric = true;
    pos = next;
  }
  GerberOp op{begin, end, begin + pos, begin + pos, state.x, state.y};
  bool any = false, arc_offset = false;
  while (pos < block.size() &&
         (block[pos] == 'X' || block[pos] == 'Y' || block[pos] == 'I' || block[pos] == 'J')) {
    const char letter = block[pos++];
    int64_t value = 0;
    if (!read_coordinate(file, block, pos, value))
      return input_error(location(text, begin + pos), std::string("a number is expected after ") + letter);
    if (letter == 'X') op.x = value, op.has_x = true, op.coords_end = begin + pos;
    if (letter == 'Y') op.y = value, op.has_y = true, op.coords_end = begin + pos;
    arc_offset |= letter == 'I' || letter == 'J';
    any = true;
  }
  int d = 0;
  if (pos < block.size() && block[pos] == 'D') {
    size_t next = pos + 1;
    d = std::max(0, read_code(block, next));
  }
  if (d >= 10 || (!any && d == 0)) return {};  // aperture selection or a command
  if (d == 0) d = state.last_d;                // deprecated modal D code
  if (d < 1 || d > 3) return {};
  if (op.has_x && op.has_y && op.coords_end < op.coords_begin) op.coords_end = op.coords_begin;
  state.last_d = d;
  op.d = d;
  const bool arc = d == 1 && (state.interpolation != 1 || arc_offset);
  op.fixed = state.region || arc;
  if (arc && state.previous_op != SIZE_MAX) file.ops[state.previous_op].fixed = true;
  state.x = op.x, state.y = op.y;
  state.previous_op = file.ops.size();
  file.ops.push_back(op);
  return {};
}

// A coordinate in file units written in the file's notation, appended to `out`.
void append_coordinate(const GerberFile& file, int64_t value, std::string& out) {
  const bool negative = value < 0;
  std::string digits = std::to_string(negative ? -value : value);
  if (file.omit_trailing) {
    const size_t width = static_cast<size_t>(file.integer_digits + file.decimal_digits);
    if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  }
  if (negative) out += '-';
  out += digits;
}

class GerberFormat final : public PointsFormat {
 public:
  std::string_view scheme() const override { return "gerber"; }
  bool detect(std::string_view bytes) const override {
    const std::string_view head = bytes.substr(0, 4096);
    return head.find("%FS") != std::string_view::npos || head.find("%MO") != std::string_view::npos;
  }

  Result<std::unique_ptr<Parsed>> parse(std::string_view text) const override {
    MOAT_TRY(GerberFile file, parse_gerber(text));
    auto out = std::make_unique<ParsedGerber>();
    out->set.unit_mm = file.unit_mm();
    out->set.points.reserve(file.ops.size());
    for (const GerberOp& op : file.ops) out->set.points.push_back({op.x, op.y, op.fixed});
    out->file = std::move(file);
    return std::unique_ptr<Parsed>(std::move(out));
  }

 protected:
  // Points whose copper is near another net (or barely touches its own) stay where they are, so
  // that no copy brings two nets closer than the master's smallest clearance (gerber_nets.h).
  Status protect(std::string_view master, PointSet& set) const override {
    MOAT_TRY(const auto crowded, crowded_points(master, kMaxShiftMicrons / 1000));
    for (FilePoint& p : set.points)
      if (std::binary_search(crowded.begin(), crowded.end(), std::pair{p.x, p.y})) p.fixed = true;
    return {};
  }

 private:
  struct ParsedGerber final : Parsed {
    GerberFile file;
    std::string write(std::string_view master, const std::vector<Shift>& shifts) const override {
      std::string out;
      out.reserve(master.size() + master.size() / 50);
      size_t copied = 0;
      bool moved_before = false;
      for (size_t i = 0; i < file.ops.size(); ++i) {
        const GerberOp& op = file.ops[i];
        const Shift s = shifts[i];
        const bool moved = s.dx != 0 || s.dy != 0;
        if (!moved && !(moved_before && (!op.has_x || !op.has_y))) continue;
        out.append(master.substr(copied, op.coords_begin - copied));
        out += 'X';
        append_coordinate(file, op.x + s.dx, out);
        out += 'Y';
        append_coordinate(file, op.y + s.dy, out);
        copied = std::max(op.coords_begin, op.coords_end);
        moved_before = true;
      }
      out.append(master.substr(copied));
      return out;
    }
  };
};

}  // namespace

double GerberFile::unit_mm() const {
  return (metric ? 1.0 : 25.4) / std::pow(10.0, decimal_digits);
}

Result<GerberFile> parse_gerber(std::string_view text) {
  GerberFile file;
  file.ops.reserve(text.size() / 16);
  ParseState state;
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
      MOAT_CHECK(read_extended(text, pos, body, file));
      pos = close + 1;
      continue;
    }
    const size_t star = text.find('*', pos);
    if (star == std::string_view::npos) break;
    MOAT_CHECK(read_block(text, pos, star, file, state));
    pos = star + 1;
  }
  if (!saw_format) return input_error("1:1", "not a Gerber RS-274X file: no %FS format statement");
  return file;
}

std::vector<Point> gerber_points(const GerberFile& file) {
  std::vector<Point> out;
  out.reserve(file.ops.size());
  const double unit = file.unit_mm();
  for (const GerberOp& op : file.ops)
    out.push_back({static_cast<double>(op.x) * unit, static_cast<double>(op.y) * unit});
  return out;
}

std::unique_ptr<Format> make_gerber_format() {
  return std::make_unique<GerberFormat>();
}

}  // namespace moat::mark
