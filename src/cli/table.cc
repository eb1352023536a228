// SPDX-License-Identifier: Apache-2.0
#include "cli/table.h"

#include <algorithm>

#include "core/text.h"

namespace moat::cli {
namespace {

constexpr std::size_t kMaxCell = 48;  // display cells; longer text is cut with an ellipsis

// Control characters (from supplier data, say) never reach the terminal: line breaks and tabs
// become spaces, anything else a '?'.
std::string printable(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    else if (byte < 0x20 || byte == 0x7F) c = '?';
  }
  return out;
}

std::string clip(const std::string& raw) {
  const std::string text = printable(raw);
  if (display_width(text) <= kMaxCell) return text;
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t length = 1;
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead >= 0xF0) length = 4; else if (lead >= 0xE0) length = 3; else if (lead >= 0xC0) length = 2;
    const std::string next = text.substr(i, length);
    if (display_width(out + next) > kMaxCell - 1) break;
    out += next;
    i += length;
  }
  return out + "…";
}

}  // namespace

void TextTable::print(std::ostream& out) const {
  std::vector<std::size_t> widths(headers_.size(), 0);
  std::vector<std::vector<std::string>> cells{headers_};
  for (const auto& row : rows_) {
    std::vector<std::string> clipped;
    for (const std::string& cell : row) clipped.push_back(clip(cell));
    cells.push_back(std::move(clipped));
  }
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  for (std::size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < cells[r].size() && c < widths.size(); ++c) {
      const bool last = c + 1 == widths.size();
      line += cells[r][c];
      if (!last) line += std::string(widths[c] - display_width(cells[r][c]) + 2, ' ');
    }
    out << line << '\n';
    if (r == 0) {
      std::string rule;
      for (std::size_t c = 0; c < widths.size(); ++c) rule += std::string(widths[c], '-') + (c + 1 < widths.size() ? "  " : "");
      out << rule << '\n';
    }
  }
}

}  // namespace moat::cli
