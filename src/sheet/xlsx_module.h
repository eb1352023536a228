// SPDX-License-Identifier: Apache-2.0
// Workbooks read (libzip, expat) and written (libxlsxwriter with minizip), and ZIP archives read
// (libzip), in a module of their own, moat-xlsx.so, opened the first time a command needs one of
// them (core/module.h): linked into the binary, these libraries (and the libcrypto libzip loads)
// were loaded and their symbols resolved at every command's start. Internal to sheet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sheet/xlsx.h"
#include "sheet/zip_archive.h"

namespace moat::sheet {

inline constexpr const char* kXlsxModuleFile = "moat-xlsx.so";
inline constexpr const char* kXlsxModuleEntry = "moat_xlsx_module";
// Raised whenever a function below or a type it takes changes.
inline constexpr int kXlsxModuleInterface = 2;

// The module's functions, as xlsx_writer.cc, xlsx_reader.cc and zip_archive.cc implement them
// there (the binary's own, in xlsx_loader.cc, forward to these).
struct XlsxModule {
  Status (*write_workbook)(const std::string& path, const std::vector<Table>& tables);
  Result<std::vector<std::string>> (*sheet_names)(std::string_view bytes, std::string_view file);
  Result<Worksheet> (*read_worksheet)(std::string_view bytes, std::string_view file,
                                      const std::optional<std::string>& sheet, const CsvOptions& options);
  Result<std::vector<ArchiveMember>> (*zip_members)(std::string_view zip, std::string_view where,
                                                    std::uint64_t max_bytes);
};

}  // namespace moat::sheet

extern "C" {
// What the module exports (kXlsxModuleEntry): its functions, or nullptr for an interface other
// than its own.
using MoatXlsxModuleEntry = const moat::sheet::XlsxModule* (*)(int interface);
}
