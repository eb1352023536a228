// SPDX-License-Identifier: Apache-2.0
// The workbook and ZIP functions as the moat binary has them: forwarded to moat-xlsx.so, opened
// the first time one is called (sheet/xlsx_module.h says why).
#include <string>

#include "core/module.h"
#include "sheet/xlsx_module.h"

namespace moat::sheet {
namespace {

Result<const XlsxModule*> open_xlsx_module() {
  return open_module_functions<XlsxModule>(kXlsxModuleFile, kXlsxModuleEntry, kXlsxModuleInterface);
}

Result<const XlsxModule*> module() {
  static const Result<const XlsxModule*> loaded = open_xlsx_module();
  return loaded;
}

}  // namespace

Status write_workbook(const std::string& path, const std::vector<Table>& tables) {
  MOAT_TRY(const XlsxModule* functions, module());
  return functions->write_workbook(path, tables);
}

Result<std::vector<std::string>> sheet_names(std::string_view bytes, std::string_view file) {
  MOAT_TRY(const XlsxModule* functions, module());
  return functions->sheet_names(bytes, file);
}

Result<Worksheet> read_worksheet(std::string_view bytes, std::string_view file,
                                 const std::optional<std::string>& sheet, const CsvOptions& options) {
  MOAT_TRY(const XlsxModule* functions, module());
  return functions->read_worksheet(bytes, file, sheet, options);
}

Result<std::vector<ArchiveMember>> zip_members(std::string_view zip, std::string_view where,
                                               std::uint64_t max_bytes) {
  MOAT_TRY(const XlsxModule* functions, module());
  return functions->zip_members(zip, where, max_bytes);
}

}  // namespace moat::sheet
