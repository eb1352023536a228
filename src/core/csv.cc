// SPDX-License-Identifier: Apache-2.0
#include "core/csv.h"

#include <algorithm>
#include <array>

#include "core/encoding.h"
#include "core/text.h"

namespace moat {
namespace {

// Walks the text byte by byte, keeping line and character column of the next byte.
class Scanner {
 public:
  Scanner(std::string_view text, std::string_view file, const CsvOptions& options, char delimiter)
      : text_(text), file_(file), options_(options), delimiter_(delimiter) {}

  Result<CsvTable> run() {
    std::vector<CsvRow> rows;
    while (!at_end()) {
      if (at_row_end()) {  // blank line
        skip_line_end();
        continue;
      }
      MOAT_TRY(CsvRow row, read_row());
      rows.push_back(std::move(row));
    }
    if (rows.empty()) return input_error(csv_location(file_, 1, 1), "file is empty: no header row");
    std::size_t header_at = 0;
    if (options_.is_header) {
      const auto found = std::find_if(rows.rbegin(), rows.rend(), options_.is_header);
      if (found != rows.rend()) header_at = static_cast<std::size_t>(rows.rend() - found) - 1;
    }
    CsvTable table;
    table.delimiter = delimiter_;
    table.preamble_rows = header_at;
    table.header = std::move(rows[header_at]);
    const std::size_t width = table.header.fields.size();
    for (std::size_t i = header_at + 1; i < rows.size(); ++i) {
      CsvRow& row = rows[i];
      if (row.fields.size() > width && options_.trailing_empty_fields &&
          std::all_of(row.fields.begin() + static_cast<std::ptrdiff_t>(width), row.fields.end(),
                      [](const CsvField& f) { return f.value.empty(); })) {
        row.fields.resize(width);
        ++table.trailing_empty_rows;
      }
      if (row.fields.size() != width) {
        return input_error(csv_location(file_, row.line, 1),
                           "row has " + std::to_string(row.fields.size()) + " fields but the header has " +
                               std::to_string(width) + " (" + std::string(delimiter_name(delimiter_)) +
                               "-separated)");
      }
      table.rows.push_back(std::move(row));
    }
    return table;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  void advance() {
    if (text_[pos_] == '\n') {
      ++line_, column_ = 1;
    } else if ((static_cast<unsigned char>(text_[pos_]) & 0xC0) != 0x80) {
      ++column_;
    }
    ++pos_;
  }
  // A row ends at \n, \r\n, or a bare \r that is the file's last byte (some spreadsheets).
  bool at_row_end() const {
    return at_end() || peek() == '\n' || (peek() == '\r' && (peek(1) == '\n' || pos_ + 1 == text_.size()));
  }
  void skip_line_end() {
    if (peek() == '\r') advance();
    if (peek() == '\n') advance();
  }
  Error error_here(std::string message) const {
    return input_error(csv_location(file_, line_, column_), std::move(message));
  }

  Result<CsvRow> read_row() {
    CsvRow row{line_, {}};
    while (true) {
      MOAT_TRY(CsvField field, peek() == '"' ? read_quoted() : read_plain());
      row.fields.push_back(std::move(field));
      if (at_row_end()) break;
      advance();  // the delimiter
    }
    skip_line_end();
    return row;
  }

  Result<CsvField> read_plain() {
    CsvField field{"", line_, column_};
    while (!at_end() && peek() != delimiter_ && !at_row_end()) {
      if (peek() == '"')
        return error_here("stray '\"' inside an unquoted field (quote the whole field and double the quote)");
      if (peek() == '\r') return error_here("carriage return inside an unquoted field");
      field.value += peek();
      advance();
    }
    return field;
  }

  Result<CsvField> read_quoted() {
    CsvField field{"", line_, column_};
    advance();  // opening quote
    while (true) {
      if (at_end()) {
        return input_error(csv_location(file_, field.line, field.column), "quoted field is never closed");
      }
      if (peek() == '"') {
        if (peek(1) != '"') break;
        field.value += '"';
        advance();
        advance();
        continue;
      }
      // A line break inside a field is kept as \n, however the file's lines end (Excel on Windows
      // writes \r\n, old Mac programs a bare \r): the same text from any program is the same value.
      if (peek() == '\r') {
        field.value += '\n';
        advance();
        if (peek() == '\n') advance();
        continue;
      }
      field.value += peek();
      advance();
    }
    advance();  // closing quote
    if (!at_end() && peek() != delimiter_ && !at_row_end()) {
      return error_here("unexpected text after a closing quote (the file is " +
                        std::string(delimiter_name(delimiter_)) + "-separated)");
    }
    return field;
  }

  std::string_view text_;
  std::string_view file_;
  const CsvOptions& options_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t column_ = 1;
};

}  // namespace

std::string csv_location(std::string_view file, std::size_t line, std::size_t column) {
  return std::string(file) + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string_view delimiter_name(char delimiter) {
  switch (delimiter) {
    case ';':
      return "semicolon";
    case '\t':
      return "tab";
    default:
      return "comma";
  }
}

char detect_delimiter(std::string_view text) {
  constexpr std::array<char, 3> kCandidates = {',', ';', '\t'};
  std::array<std::size_t, 3> counts{};
  bool quoted = false, seen_text = false;
  for (const char c : text) {
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '\n' || c == '\r')) {
      if (seen_text) break;
      continue;
    }
    seen_text = true;
    if (quoted) continue;
    for (std::size_t i = 0; i < kCandidates.size(); ++i) counts[i] += c == kCandidates[i] ? 1U : 0U;
  }
  std::size_t best = 0;
  for (std::size_t i = 1; i < kCandidates.size(); ++i) {
    if (counts[i] > counts[best]) best = i;
  }
  return kCandidates[best];
}

bool blank_column(const CsvTable& table, std::size_t column) {
  const auto empty = [&](const CsvRow& row) {
    return column >= row.fields.size() || trim(row.fields[column].value).empty();
  };
  return empty(table.header) && std::all_of(table.rows.begin(), table.rows.end(), empty);
}

Result<CsvTable> parse_csv(std::string_view bytes, std::string_view file, const CsvOptions& options) {
  MOAT_TRY(const DecodedText decoded, decode_text(bytes, file, options.encoding));
  const std::string_view text = decoded.text;
  const char delimiter = options.delimiter.value_or(detect_delimiter(text));
  MOAT_TRY(CsvTable table, Scanner(text, file, options, delimiter).run());
  table.encoding = decoded.encoding;
  return table;
}

}  // namespace moat
