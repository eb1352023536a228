// SPDX-License-Identifier: Apache-2.0
// The entry of moat-xlsx.so (sheet/xlsx_module.h). The module exports this function and nothing
// else.
#include "sheet/xlsx_module.h"

extern "C" __attribute__((visibility("default"))) const moat::sheet::XlsxModule* moat_xlsx_module(
    int interface) {
  static const moat::sheet::XlsxModule functions{&moat::sheet::write_workbook, &moat::sheet::sheet_names,
                                                 &moat::sheet::read_worksheet, &moat::sheet::zip_members};
  return interface == moat::sheet::kXlsxModuleInterface ? &functions : nullptr;
}
