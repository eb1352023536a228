// SPDX-License-Identifier: Apache-2.0
#include "app/report_workbooks.h"

#include <algorithm>
#include <variant>

#include "sheet/xlsx.h"

namespace moat::app {

using nlohmann::json;

namespace {

sheet::Cell sheet_cell(const json& value) {
  if (value.is_null()) return std::monostate();
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) return value.get<std::string>();
  const bool flat = value.is_array() && std::all_of(value.begin(), value.end(), [](const json& item) {
                      return item.is_string() || item.is_number() || item.is_boolean();
                    });
  if (!flat) return value.dump();
  std::string joined;
  for (const json& item : value)
    joined += (joined.empty() ? "" : "; ") + (item.is_string() ? item.get<std::string>() : item.dump());
  return joined;
}

bool rows_of_objects(const json& value) {
  return value.is_array() &&
         std::all_of(value.begin(), value.end(), [](const json& item) { return item.is_object(); });
}

sheet::Table table_of(const std::string& name, const json& rows, const std::vector<std::string>& columns) {
  sheet::Table table{name, columns, {}};
  for (const json& row : rows) {
    for (const auto& [key, unused] : row.items()) {
      if (std::find(table.header.begin(), table.header.end(), key) == table.header.end())
        table.header.push_back(key);
    }
  }
  for (const json& row : rows) {
    std::vector<sheet::Cell> cells;
    for (const std::string& column : table.header)
      cells.push_back(row.contains(column) ? sheet_cell(row[column]) : sheet::Cell());
    table.rows.push_back(std::move(cells));
  }
  return table;
}

}  // namespace

Status write_report_workbook(const std::string& file, const std::string& name, const json& report,
                             const std::vector<std::string>& columns) {
  std::vector<sheet::Table> tables;
  if (rows_of_objects(report)) {
    tables.push_back(table_of(name, report, columns));
  } else if (report.is_object()) {
    sheet::Table summary{name, {"field", "value"}, {}};
    for (const auto& [key, value] : report.items()) {
      if (rows_of_objects(value) && !value.empty()) {
        tables.push_back(table_of(key, value, {}));
      } else {
        summary.rows.push_back({key, sheet_cell(value)});
      }
    }
    if (!summary.rows.empty()) tables.insert(tables.begin(), std::move(summary));
  }
  return sheet::write_workbook(file, tables);
}

}  // namespace moat::app
