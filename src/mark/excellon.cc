// SPDX-License-Identifier: Apache-2.0
#include "mark/excellon.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "mark/points_format.h"

namespace moat::mark {
namespace {

struct DrillOp {
  size_t coords_begin = 0, coords_end = 0;
  int64_t x = 0, y = 0;
  bool has_x = false, has_y = false;
  bool decimal = false;  // written with a decimal point
  bool fixed = false;
};

struct DrillFile {
  bool metric = true;
  bool omit_trailing = false;  // "LZ": leading zeros kept, trailing omitted
  int integer_digits = 3, decimal_digits = 3;
  bool explicit_digits = false;
  std::vector<DrillOp> ops;
  double unit_mm() const { return (metric ? 1.0 : 25.4) / std::pow(10.0, decimal_digits); }
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The header's units and zero suppression: "METRIC,LZ", "INCH,TZ", ";FILE_FORMAT=4:3".
void read_header_line(std::string_view line, DrillFile& file) {
  if (line.starts_with("METRIC") || line.starts_with("M71")) {
    file.metric = true;
    if (!file.explicit_digits) file.integer_digits = 3, file.decimal_digits = 3;
  }
  if (line.starts_with("INCH") || line.starts_with("M72")) {
    file.metric = false;
    if (!file.explicit_digits) file.integer_digits = 2, file.decimal_digits = 4;
  }
  if (line.find(",LZ") != std::string_view::npos) file.omit_trailing = true;
  if (line.find(",TZ") != std::string_view::npos) file.omit_trailing = false;
  const size_t format = line.find("FILE_FORMAT=");
  if (format != std::string_view::npos && line.size() >= format + 15 && is_digit(line[format + 12]) &&
      line[format + 13] == ':' && is_digit(line[format + 14])) {
    file.integer_digits = line[format + 12] - '0';
    file.decimal_digits = line[format + 14] - '0';
    file.explicit_digits = true;
  }
}

// A coordinate word's value in file units, or nothing when the word is no number (a sign
// elsewhere than first, two points, no digit) or one far beyond any board.
std::optional<int64_t> value_of(const DrillFile& file, std::string_view word, bool& decimal) {
  decimal = word.find('.') != std::string_view::npos;
  const bool negative = !word.empty() && word[0] == '-';
  if (!word.empty() && (word[0] == '-' || word[0] == '+')) word.remove_prefix(1);
  if (word.empty() || word.find_first_not_of("0123456789.") != std::string_view::npos) return std::nullopt;
  if (decimal) {
    double v = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
    const double scaled = v * std::pow(10.0, file.decimal_digits);
    if (ec != std::errc() || end != word.data() + word.size() || !(std::abs(scaled) < 1e15))
      return std::nullopt;
    return (negative ? -1 : 1) * std::llround(scaled);
  }
  std::string digits(word);
  if (file.omit_trailing) {
    const size_t width = static_cast<size_t>(file.integer_digits + file.decimal_digits);
    if (digits.size() < width) digits.append(width - digits.size(), '0');
  }
  int64_t v = 0;
  std::from_chars(digits.data(), digits.data() + std::min<size_t>(digits.size(), 18), v);
  return negative ? -v : v;
}

// One body line: "X..Y..", optionally with a G85 slot or inside a routed path.
Status read_body_line(std::string_view text, size_t begin, std::string_view line, DrillFile& file,
                      DrillOp& current, bool routing, size_t line_number) {
  const size_t x = line.find('X'), y = line.find('Y');
  if (line.starts_with(";") || (x == std::string_view::npos && y == std::string_view::npos)) return {};
  if (line.starts_with("T") || line.starts_with("M") || line.starts_with("G9")) return {};
  DrillOp op = current;
  op.has_x = op.has_y = false;
  op.coords_begin = begin + std::min(x, y);
  size_t pos = std::min(x, y);
  while (pos < line.size() && (line[pos] == 'X' || line[pos] == 'Y')) {
    const char letter = line[pos++];
    const size_t start = pos;
    while (pos < line.size() &&
           (is_digit(line[pos]) || line[pos] == '.' || line[pos] == '-' || line[pos] == '+'))
      ++pos;
    if (pos == start)
      return input_error(std::to_string(line_number) + ":" + std::to_string(start + 1),
                         std::string("a number is expected after ") + letter);
    bool decimal = false;
    const std::string_view word = line.substr(start, pos - start);
    const std::optional<int64_t> read = value_of(file, word, decimal);
    if (!read)
      return input_error(std::to_string(line_number) + ":" + std::to_string(start + 1),
                         std::string("not a coordinate after ") + letter + ": " + std::string(word));
    const int64_t value = *read;
    op.decimal = decimal;
    if (letter == 'X')
      op.x = value, op.has_x = true;
    else
      op.y = value, op.has_y = true;
  }
  op.coords_end = begin + pos;
  op.fixed = routing || line.find("G85") != std::string_view::npos || line.starts_with("G0");
  (void)text;
  current = op;
  file.ops.push_back(op);
  if (line.find("G85") != std::string_view::npos && file.ops.size() >= 2)
    file.ops[file.ops.size() - 2].fixed = true;
  return {};
}

Result<DrillFile> parse_drill(std::string_view text) {
  DrillFile file;
  DrillOp current;
  bool header = false, routing = false, seen_m48 = false;
  size_t pos = 0, line_number = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_number;
    if (line == "M48")
      header = seen_m48 = true;
    else if (header && (line == "%" || line == "M95"))
      header = false;
    else if (header)
      read_header_line(line, file);
    else if (line.starts_with("ICI,ON"))
      return input_error(std::to_string(line_number) + ":1", "incremental coordinates are not supported");
    else {
      if (line.starts_with("M15")) routing = true;
      if (line.starts_with("M16") || line.starts_with("M17")) routing = false;
      MOAT_CHECK(read_body_line(text, pos, line, file, current, routing, line_number));
    }
    pos = end + 1;
  }
  if (!seen_m48) return input_error("1:1", "not an Excellon drill file: no M48 header");
  return file;
}

std::string format_value(const DrillFile& file, const DrillOp& op, int64_t value) {
  if (op.decimal) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.*f", file.decimal_digits,
                  static_cast<double>(value) / std::pow(10.0, file.decimal_digits));
    return buffer;
  }
  const bool negative = value < 0;
  std::string digits = std::to_string(negative ? -value : value);
  if (file.omit_trailing) {
    const size_t width = static_cast<size_t>(file.integer_digits + file.decimal_digits);
    // Full width: readers disagree on which zeros "LZ" leaves out, none misreads all digits.
    if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  }
  return (negative ? "-" : "") + digits;
}

class ExcellonFormat final : public PointsFormat {
 public:
  std::string_view scheme() const override { return "excellon"; }
  bool detect(std::string_view bytes) const override {
    const std::string_view head = bytes.substr(0, 64);
    return head.starts_with("M48") || head.find("\nM48") != std::string_view::npos;
  }

  Result<std::unique_ptr<Parsed>> parse(std::string_view text) const override {
    MOAT_TRY(DrillFile file, parse_drill(text));
    auto out = std::make_unique<ParsedDrill>();
    out->set.unit_mm = file.unit_mm();
    out->set.points.reserve(file.ops.size());
    for (const DrillOp& op : file.ops) out->set.points.push_back({op.x, op.y, op.fixed});
    out->file = std::move(file);
    return std::unique_ptr<Parsed>(std::move(out));
  }

 private:
  struct ParsedDrill final : Parsed {
    DrillFile file;
    std::string write(std::string_view master, const std::vector<Shift>& shifts) const override {
      std::string out;
      out.reserve(master.size() + master.size() / 50);
      size_t copied = 0;
      bool moved_before = false;
      for (size_t i = 0; i < file.ops.size(); ++i) {
        const DrillOp& op = file.ops[i];
        const bool moved = shifts[i].dx != 0 || shifts[i].dy != 0;
        if (!moved && !(moved_before && (!op.has_x || !op.has_y))) continue;
        out.append(master.substr(copied, op.coords_begin - copied));
        out += "X" + format_value(file, op, op.x + shifts[i].dx) + "Y" +
               format_value(file, op, op.y + shifts[i].dy);
        copied = op.coords_end;
        moved_before = true;
      }
      out.append(master.substr(copied));
      return out;
    }
  };
};

}  // namespace

std::unique_ptr<Format> make_excellon_format() {
  return std::make_unique<ExcellonFormat>();
}

}  // namespace moat::mark
