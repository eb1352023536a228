// SPDX-License-Identifier: Apache-2.0
// write_workbook() as the moat binary has it: forwarded to moat-xlsx.so, opened the first time
// a workbook is written (sheet/xlsx_module.h says why).
#include <string>

#include "core/module.h"
#include "sheet/xlsx_module.h"

namespace moat::sheet {
namespace {

Result<const XlsxModule*> open_xlsx_module() {
  MOAT_TRY(void* entry, open_module(kXlsxModuleFile, kXlsxModuleEntry));
  const XlsxModule* functions = reinterpret_cast<MoatXlsxModuleEntry>(entry)(kXlsxModuleInterface);
  if (functions == nullptr) {
    return internal_error(std::string(kXlsxModuleFile) +
                          " is not the module of this moat (another build's?)");
  }
  return functions;
}

}  // namespace

Status write_workbook(const std::string& path, const std::vector<Table>& tables) {
  static const Result<const XlsxModule*> loaded = open_xlsx_module();
  MOAT_TRY(const XlsxModule* functions, loaded);
  return functions->write_workbook(path, tables);
}

}  // namespace moat::sheet
