// SPDX-License-Identifier: Apache-2.0
#include "cli/table.h"

#include <algorithm>

#include "core/text.h"

namespace moat::cli {
namespace {

constexpr std::size_t kMaxCell = 48;  // display cells; longer text wraps onto further lines

std::size_t char_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// `word` in pieces of at most kMaxCell display cells (a word longer than a line: an id, a hash).
std::vector<std::string> split_long(const std::string& word) {
  std::vector<std::string> pieces{""};
  for (std::size_t i = 0; i < word.size();) {
    const std::string next = word.substr(i, char_length(static_cast<unsigned char>(word[i])));
    if (display_width(pieces.back() + next) > kMaxCell) pieces.emplace_back();
    pieces.back() += next;
    i += next.size();
  }
  return pieces;
}

// A cell's text in lines of at most kMaxCell display cells, broken between words where it can
// be: nothing is cut, so evidence (an agreement's arithmetic, a reason) is never lost.
std::vector<std::string> wrap(const std::string& raw) {
  // Characters that hide or turn text (from supplier data, say) never reach the terminal as
  // they are: a right-to-left override would reorder the cells after it.
  const std::string text = shown_in_cell(raw);
  if (display_width(text) <= kMaxCell) return {text};
  std::vector<std::string> lines{""};
  for (const std::string& word : split_list(text, " ")) {
    for (const std::string& piece : split_long(word)) {
      const std::string joined = lines.back().empty() ? piece : lines.back() + " " + piece;
      if (display_width(joined) <= kMaxCell) {
        lines.back() = joined;
      } else {
        lines.push_back(piece);
      }
    }
  }
  return lines;
}

}  // namespace

void TextTable::print(std::ostream& out) const {
  std::vector<std::size_t> widths(headers_.size(), 0);
  std::vector<std::vector<std::string>> lines;  // each row as printed lines of cells
  lines.push_back(headers_);
  for (const auto& row : rows_) {
    std::vector<std::vector<std::string>> wrapped;
    std::size_t height = 1;
    for (const std::string& cell : row) {
      wrapped.push_back(wrap(cell));
      height = std::max(height, wrapped.back().size());
    }
    for (std::size_t l = 0; l < height; ++l) {
      std::vector<std::string> line;
      for (const auto& cell : wrapped) line.push_back(l < cell.size() ? cell[l] : "");
      lines.push_back(std::move(line));
    }
  }
  for (const auto& row : lines) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  for (std::size_t r = 0; r < lines.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < lines[r].size() && c < widths.size(); ++c) {
      const bool last = c + 1 == widths.size();
      line += lines[r][c];
      if (!last) line += std::string(widths[c] - display_width(lines[r][c]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
    if (r == 0) {
      std::string rule;
      for (std::size_t c = 0; c < widths.size(); ++c)
        rule += std::string(widths[c], '-') + (c + 1 < widths.size() ? "  " : "");
      out << rule << '\n';
    }
  }
}

}  // namespace moat::cli
