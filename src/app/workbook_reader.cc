// SPDX-License-Identifier: Apache-2.0
// Workbooks (.xlsx) into drafts: one worksheet read as the CSV reader reads a file, its cells
// named as Excel names them (bom.xlsx:Sheet1!C7).
#include "app/records.h"
#include "core/text.h"
#include "sheet/xlsx.h"

namespace moat::app {

bool is_workbook(std::string_view name) {
  const std::string lower = to_lower_ascii(name);
  return lower.ends_with(".xlsx") || lower.ends_with(".xlsm");
}

Result<FileRead> read_workbook_records(const SourceFile& file, const store::Table& table,
                                       const std::optional<std::string>& sheet,
                                       const std::optional<std::string>& product,
                                       const CapabilityCatalog& catalog) {
  MOAT_TRY(sheet::Worksheet worksheet,
           sheet::read_worksheet(file.content, file.name, sheet, table_csv_options(table)));
  FileReport report;
  report.format = "xlsx";
  report.sheet = worksheet.name;
  return read_table_records(file, worksheet.cells, table, product, catalog, std::move(report));
}

}  // namespace moat::app
