// SPDX-License-Identifier: Apache-2.0
// CSV files into drafts: header names matched to fields (with the BOM's KiCad and Altium
// aliases), each cell typed and checked where it stands, derived values filled in.
#include <nlohmann/json.hpp>
#include <algorithm>
#include <set>

#include "app/fields.h"
#include "app/records.h"
#include "core/csv.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using store::Field;
using store::Table;

constexpr std::size_t kMaxDiagnostics = 50;

// "Legal Name", "legal_name", "legal-name" and "Make/Buy" meet as "legalname", "makebuy".
std::string normalized_header(std::string_view header) {
  std::string out;
  for (char c : to_lower_ascii(trim(header))) {
    if (c != ' ' && c != '_' && c != '-' && c != '/') out += c;
  }
  return out;
}

bool is_bom(const Table& table) { return table.name == "parts"; }

const Field* field_for_header(const Table& table, std::string_view header) {
  const std::string wanted = normalized_header(header);
  for (const Field& field : table.fields) {
    if (normalized_header(field.name) == wanted) return &field;
    for (std::string_view alias : field.aliases) {
      if (normalized_header(alias) == wanted) return &field;
    }
  }
  return nullptr;
}

// Fields the BOM reader can derive when their column is missing.
bool derivable(const Table& table, const Field& field) {
  if (table.product_scoped && field.name == "product") return true;
  return is_bom(table) && (field.name == "id" || field.name == "quantity" || field.name == "make_buy");
}

struct ColumnMap {
  std::vector<const Field*> by_index;  // nullptr: ignored column
};

Result<ColumnMap> map_columns(const SourceFile& file, const CsvTable& csv, const Table& table) {
  ColumnMap map;
  std::vector<Diagnostic> problems;
  std::map<std::string_view, const CsvField*> seen;
  for (const CsvField& header : csv.header.fields) {
    const Field* field = field_for_header(table, header.value);
    const std::string where = csv_location(file.name, header.line, header.column);
    if (!field && !is_bom(table)) {
      problems.push_back({where, "unknown column '" + header.value + "' for " +
                                     std::string(table.name) + " (see docs/formats.md)"});
    }
    if (field) {
      if (const auto it = seen.find(field->name); it != seen.end()) {
        problems.push_back({where, "column '" + header.value + "' gives " + std::string(field->name) +
                                       " again (already column " + std::to_string(it->second->column) + ")"});
      }
      seen.emplace(field->name, &header);
    }
    map.by_index.push_back(field);
  }
  for (const Field& field : table.fields) {
    if (field.required && field.default_json.empty() && !seen.contains(field.name) && !derivable(table, field)) {
      problems.push_back({csv_location(file.name, csv.header.line, 1),
                          "missing column '" + std::string(field.name) + "' for " + std::string(table.name)});
    }
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return map;
}

// BOM lines may leave id, quantity and make/buy to be derived from designators and MPN. A
// designator that cannot be an id is reported at its cell.
void derive_bom_fields(json& record, const Origin& origin, std::vector<Diagnostic>& problems) {
  const json& designators = record["designators"];
  if (record["id"].is_null() && !designators.empty()) {
    const std::string designator = designators.front().get<std::string>();
    if (const std::string why = id_problem(designator); !why.empty()) {
      problems.push_back({origin.where("designators"), "designator '" + designator +
                                                           "' cannot name the part: it " + why +
                                                           "; add an id column"});
    } else {
      record["id"] = designator;
    }
  }
  if (record["quantity"].is_null()) {
    record["quantity"] = designators.empty() ? 1.0 : static_cast<double>(designators.size());
  }
  if (record["make_buy"].is_null()) record["make_buy"] = record["mpn"].is_null() ? "make" : "buy";
}

// Affiliation pairs are unordered: store them with a < b.
void order_pair(json& record) {
  if (record["a"].is_string() && record["b"].is_string() &&
      record["b"].get<std::string>() < record["a"].get<std::string>()) {
    std::swap(record["a"], record["b"]);
  }
}

// Fills the product, derived and default values, and reports required fields still missing
// (except those whose cell was already reported as bad).
void complete(const Table& table, const CsvRow& row, const SourceFile& file,
              const std::optional<std::string>& product, const std::set<std::string_view>& bad_cells,
              Draft& draft, std::vector<Diagnostic>& problems) {
  json& record = draft.record;
  if (table.product_scoped && record["product"].is_null()) {
    if (!product) {
      problems.push_back({csv_location(file.name, row.line, 1),
                          "no product for this row: add a 'product' column or pass --product ID"});
      return;
    }
    record["product"] = *product;
  }
  if (is_bom(table)) derive_bom_fields(record, draft.origin, problems);
  if (table.name == "affiliations") order_pair(record);
  const bool id_reported = is_bom(table) && record["id"].is_null() && !record["designators"].empty();
  for (const Field& field : table.fields) {
    json& value = record[std::string(field.name)];
    if (value.is_null()) value = default_value(field);
    if (id_reported && field.name == "id") continue;
    if (value.is_null() && field.required && !bad_cells.contains(field.name)) {
      const std::string hint = is_bom(table) && field.name == "id" ? " (and no designator to name it by)" : "";
      problems.push_back({draft.origin.where(field.name), std::string(field.name) + " is required" + hint});
    }
  }
}

}  // namespace

Result<std::vector<Draft>> read_csv_records(const SourceFile& file, const Table& table,
                                            const std::optional<std::string>& product,
                                            const CapabilityCatalog& catalog) {
  MOAT_TRY(const CsvTable csv, parse_csv(file.content, file.name));
  MOAT_TRY(const ColumnMap columns, map_columns(file, csv, table));
  std::vector<Draft> drafts;
  std::vector<Diagnostic> problems;
  for (const CsvRow& row : csv.rows) {
    if (std::all_of(row.fields.begin(), row.fields.end(), [](const CsvField& f) { return trim(f.value).empty(); })) {
      continue;  // a spreadsheet's empty row: ",,,"
    }
    Draft draft{&table, json::object(), Origin{file.name, row.line, {}, {}}};
    std::set<std::string_view> bad_cells;
    for (const Field& field : table.fields) draft.record[std::string(field.name)] = nullptr;
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
      const Field* field = columns.by_index[i];
      if (!field) continue;
      const CsvField& cell = row.fields[i];
      draft.origin.columns[std::string(field->name)] = cell.column;
      Result<json> value = parse_cell(*field, cell.value, catalog);
      if (!value.ok()) {
        problems.push_back({csv_location(file.name, cell.line, cell.column), value.error().message()});
        bad_cells.insert(field->name);
        continue;
      }
      draft.record[std::string(field->name)] = std::move(*value);
    }
    complete(table, row, file, product, bad_cells, draft, problems);
    drafts.push_back(std::move(draft));
    if (problems.size() >= kMaxDiagnostics) break;
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return drafts;
}

}  // namespace moat::app
