// SPDX-License-Identifier: Apache-2.0
#include "core/csv.h"

#include "core/text.h"

namespace moat {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Walks the text byte by byte, keeping line and character column of the next byte.
class Scanner {
 public:
  Scanner(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  Result<CsvTable> run() {
    CsvTable table;
    bool have_header = false;
    while (!at_end()) {
      if (at_row_end()) {  // blank line
        skip_line_end();
        continue;
      }
      MOAT_TRY(CsvRow row, read_row());
      if (!have_header) {
        table.header = std::move(row);
        have_header = true;
        continue;
      }
      if (row.fields.size() != table.header.fields.size()) {
        return input_error(csv_location(file_, row.line, 1),
                           "row has " + std::to_string(row.fields.size()) +
                               " fields but the header has " +
                               std::to_string(table.header.fields.size()));
      }
      table.rows.push_back(std::move(row));
    }
    if (!have_header) return input_error(csv_location(file_, 1, 1), "file is empty: no header row");
    return table;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
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
      advance();  // the comma
    }
    skip_line_end();
    return row;
  }

  Result<CsvField> read_plain() {
    CsvField field{"", line_, column_};
    while (!at_end() && peek() != ',' && !at_row_end()) {
      if (peek() == '"') return error_here("stray '\"' inside an unquoted field (quote the whole field and double the quote)");
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
        return input_error(csv_location(file_, field.line, field.column),
                           "quoted field is never closed");
      }
      if (peek() == '"') {
        if (peek(1) != '"') break;
        field.value += '"';
        advance();
        advance();
        continue;
      }
      field.value += peek();
      advance();
    }
    advance();  // closing quote
    if (!at_end() && peek() != ',' && !at_row_end()) {
      return error_here("unexpected text after a closing quote");
    }
    return field;
  }

  std::string_view text_;
  std::string_view file_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t column_ = 1;
};

}  // namespace

std::string csv_location(std::string_view file, std::size_t line, std::size_t column) {
  return std::string(file) + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Result<CsvTable> parse_csv(std::string_view text, std::string_view file) {
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  if (const auto bad = first_invalid_utf8(text)) {
    const TextPosition at = position_of(text, *bad);
    return input_error(csv_location(file, at.line, at.column), "invalid UTF-8 byte sequence");
  }
  return Scanner(text, file).run();
}

}  // namespace moat
