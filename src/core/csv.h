// SPDX-License-Identifier: Apache-2.0
// An RFC 4180 CSV reader that remembers where every field starts, so that each later error can
// name its file, line and column. Strict: invalid UTF-8, a stray or unclosed quote and a row
// whose field count differs from the header's are errors at their exact place. A leading UTF-8
// byte-order mark is skipped; blank lines are skipped; `\n` and `\r\n` both end a row.
#pragma once

#include <cstddef>
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
};

// "file:line:col", the way every CSV diagnostic names a place.
std::string csv_location(std::string_view file, std::size_t line, std::size_t column);

// Parses `text`, naming `file` in errors (code kInput). An empty file (no header) is an error.
Result<CsvTable> parse_csv(std::string_view text, std::string_view file);

}  // namespace moat
