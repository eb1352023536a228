// SPDX-License-Identifier: Apache-2.0
// A report as an Excel workbook (sheet/xlsx.h): what `--xlsx FILE` writes beside a command's
// --json. A list of objects is one sheet, one row an object; an object is a sheet of its plain
// fields and a sheet for each member that is a list of objects. Lists of plain values are
// joined with "; ", anything deeper is written as its JSON text.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace moat::app {

// Writes `report` to `file` (a list's sheet is named `name`, its columns `columns` first, then
// any other member in the order met); never half-written (sheet::write_workbook).
Status write_report_workbook(const std::string& file, const std::string& name, const nlohmann::json& report,
                             const std::vector<std::string>& columns);

}  // namespace moat::app
