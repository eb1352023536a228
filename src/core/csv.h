// SPDX-License-Identifier: Apache-2.0
// An RFC 4180 CSV reader that remembers where every field starts, so that each later error can
// name its file, line and column. Strict: text in no encoding it reads (encoding.h: UTF-8, UTF-16
// with a byte-order mark, GBK / GB18030), a stray or unclosed quote and a row whose field count
// differs from the header's are errors at their exact place. A leading byte-order mark is skipped;
// blank lines are skipped; `\n` and `\r\n` both end a row.
//
// Dialects: the delimiter is a comma, a semicolon or a tab, detected from the first line (the
// one most frequent outside quotes; a comma on a tie) unless the caller names it. Two quirks of
// EDA exports are accepted only when the caller asks (the BOM reader does): fields past the
// header's width that are all empty (KiCad's PCB-editor BOM ends every row with `;;;`), and
// preamble lines before the header (KiCad's Python BOM scripts write `Source:`, `Date:`, ...).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace moat {

struct CsvField {
  std::string value;
  std::size_t line = 0;    // from 1
  std::size_t column = 0;  // characters from 1, where the field starts
};

struct CsvRow {
  std::size_t line = 0;
  std::vector<CsvField> fields;
};

struct CsvTable {
  CsvRow header;
  std::vector<CsvRow> rows;
  char delimiter = ',';
  std::size_t preamble_rows = 0;        // rows skipped before the header
  std::size_t trailing_empty_rows = 0;  // rows whose empty fields past the header's width were dropped
  std::string_view encoding = "UTF-8";  // the file's (encoding.h), its text read into UTF-8
};

struct CsvOptions {
  std::optional<char> delimiter;  // ',', ';' or '\t'; detected when absent
  std::string encoding;           // as the user declared it (encoding.h); empty: UTF-8 or UTF-16 by its mark
  // Rows may have more fields than the header when every field past its width is empty; those
  // fields are dropped.
  bool trailing_empty_fields = false;
  // When set, the header is the last row it accepts (the rows before are a preamble, skipped:
  // KiCad's grouped-by-value script writes its parts one by one, then collated under a second
  // header); when no row is accepted, the first row is the header.
  std::function<bool(const CsvRow&)> is_header;
};

// "file:line:col", the way every CSV diagnostic names a place.
std::string csv_location(std::string_view file, std::size_t line, std::size_t column);

// Whether column `column` has no header and nothing in any row: what a spreadsheet writes where
// its formatting reaches past the data.
bool blank_column(const CsvTable& table, std::size_t column);

// "comma", "semicolon" or "tab".
std::string_view delimiter_name(char delimiter);

// The delimiter of `text`: of ',', ';' and '\t', the most frequent outside quotes on the first
// non-blank line; ',' when none occurs or on a tie.
char detect_delimiter(std::string_view text);

// Parses `text`, naming `file` in errors (code kInput). An empty file (no header) is an error.
Result<CsvTable> parse_csv(std::string_view text, std::string_view file, const CsvOptions& options = {});

}  // namespace moat
