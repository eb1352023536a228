// SPDX-License-Identifier: Apache-2.0
// Excel workbooks (.xlsx, Office Open XML), read and written. Reading is built on libzip and
// expat (Debian has no C++ xlsx reader): a worksheet's cells come out as text, where they stand
// (row and column from 1), the way the CSV reader gives its fields, so that one set of record
// readers serves both. Shared strings, inline strings, booleans, numbers (shortest exact form)
// and dates (cells with a date format, 1900 and 1904 systems) are read; formulas give their
// cached value. Writing goes through libxlsxwriter, one worksheet per table of a report.
// Limits against hostile files: entries above 256 MiB uncompressed and sheets above 1,048,576
// rows or 16,384 columns (Excel's own limits) are refused.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/csv.h"
#include "core/result.h"

namespace moat::sheet {

struct Worksheet {
  std::string name;  // as the workbook names it
  CsvTable cells;    // line: the row number; column: the column number (A = 1); blank rows skipped
};

// The worksheets' names, in the workbook's order. Errors name `file`.
Result<std::vector<std::string>> sheet_names(std::string_view bytes, std::string_view file);

// Reads worksheet `sheet` (default: the first) of the workbook `bytes`. With `is_header`, the
// header is the last row it accepts (see CsvOptions); cells past the header's last column must be
// empty. Errors name "file.xlsx:Sheet1!C7" (or the file, for a broken workbook).
Result<Worksheet> read_worksheet(std::string_view bytes, std::string_view file,
                                 const std::optional<std::string>& sheet, const CsvOptions& options = {});

// A report's table for a workbook: a header row, then rows of text or number cells.
using Cell = std::variant<std::monostate, std::string, double, bool>;
struct Table {
  std::string name;  // the worksheet's name (cut to Excel's 31 characters)
  std::vector<std::string> header;
  std::vector<std::vector<Cell>> rows;
};

// Writes `tables` to `path` as an .xlsx workbook, one worksheet each, the header row bold and
// frozen. Written to a temporary file beside `path` and renamed: never half-written.
Status write_workbook(const std::string& path, const std::vector<Table>& tables);

}  // namespace moat::sheet
