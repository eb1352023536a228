// SPDX-License-Identifier: Apache-2.0
// Workbooks are written by libxlsxwriter (with minizip) in a module of their own, moat-xlsx.so,
// opened the first time a command writes one (core/module.h): linked into the binary, the
// library's 900 symbols were resolved at every command's start. Internal to sheet.
#pragma once

#include <string>
#include <vector>

#include "sheet/xlsx.h"

namespace moat::sheet {

inline constexpr const char* kXlsxModuleFile = "moat-xlsx.so";
inline constexpr const char* kXlsxModuleEntry = "moat_xlsx_module";
// Raised whenever Table or write_workbook changes.
inline constexpr int kXlsxModuleInterface = 1;

// The module's functions: write_workbook() as xlsx_writer.cc implements it.
struct XlsxModule {
  Status (*write_workbook)(const std::string& path, const std::vector<Table>& tables);
};

}  // namespace moat::sheet

extern "C" {
// What the module exports (kXlsxModuleEntry): its functions, or nullptr for an interface other
// than its own.
using MoatXlsxModuleEntry = const moat::sheet::XlsxModule* (*)(int interface);
}
