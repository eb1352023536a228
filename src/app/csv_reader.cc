// SPDX-License-Identifier: Apache-2.0
// CSV files (and worksheets) into drafts: header names matched to fields (for BOMs, by the
// layout of the tool that exported them, see bom_layouts.h), each cell typed and checked where it
// stands, derived values filled in.
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "app/bom_layouts.h"
#include "app/fields.h"
#include "app/records.h"
#include "core/csv.h"
#include "core/number_text.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using store::Field;
using store::Table;

constexpr std::size_t kMaxDiagnostics = 50;

bool is_bom(const Table& table) {
  return table.name == "parts";
}

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

struct Column {
  BomColumn role = BomColumn::kByName;
  const Field* field = nullptr;  // nullptr: not a field's column
  std::string header;            // as written
};

struct ColumnMap {
  std::vector<Column> columns;
  std::optional<BomLayout> layout;
};

// Where a cell of this file is.
struct Places {
  std::string_view file;
  std::string_view sheet;
  std::string at(std::size_t line, std::size_t column) const {
    return cell_location(file, sheet, line, column);
  }
};

Column column_for(const Table& table, const std::optional<BomLayout>& layout, const CsvField& header) {
  Column column{BomColumn::kByName, nullptr, header.value};
  std::string field;
  if (is_bom(table)) column.role = bom_column(layout, normalized_header(header.value), field);
  switch (column.role) {
    case BomColumn::kByName:
      column.field = field_for_header(table, header.value);
      break;
    case BomColumn::kField:
      column.field = table.field(field);
      break;
    case BomColumn::kFitted:
      column.field = table.field("fitted");
      break;
    default:
      break;
  }
  return column;
}

Result<ColumnMap> map_columns(const Places& places, const CsvTable& csv, const Table& table,
                              FileReport& report) {
  ColumnMap map;
  if (is_bom(table)) {
    std::vector<std::string> headers;
    for (const CsvField& header : csv.header.fields) headers.push_back(normalized_header(header.value));
    map.layout = recognise_bom_layout(headers);
    report.layout = map.layout ? std::string(map.layout->id) : "by header names";
    report.layout_name = map.layout ? std::string(map.layout->name) : "columns matched by their header names";
  }
  std::vector<Column> columns;
  for (const CsvField& header : csv.header.fields) columns.push_back(column_for(table, map.layout, header));
  if (is_bom(table)) {
    // A manufacturer or MPN column named as the field is that field; one of its other names would
    // give it again (Altium's "Manufacturer 1" beside "Manufacturer": a second source) and is
    // ignored. Two columns for any other field stay an error: "Quantity" beside "Qty per board" may
    // mean the whole order's count and the count per parent.
    const auto by_own_name = [](const Column& c) {
      return c.field && normalized_header(c.header) == normalized_header(c.field->name);
    };
    for (Column& c : columns) {
      if (c.role != BomColumn::kByName || !c.field || by_own_name(c)) continue;
      if (c.field->name != "manufacturer" && c.field->name != "mpn") continue;
      if (std::any_of(columns.begin(), columns.end(),
                      [&](const Column& o) { return o.field == c.field && by_own_name(o); })) {
        c.field = nullptr;
        c.role = BomColumn::kIgnored;
      }
    }
  }
  std::vector<Diagnostic> problems;
  std::map<std::string_view, const CsvField*> seen;
  for (std::size_t i = 0; i < csv.header.fields.size(); ++i) {
    const CsvField& header = csv.header.fields[i];
    const Column& column = columns[i];
    const std::string where = places.at(header.line, header.column);
    if (blank_column(csv, i)) {
      map.columns.push_back(Column{BomColumn::kIgnored, nullptr, header.value});
      continue;
    }
    if (!column.field && !is_bom(table)) {
      problems.push_back({where, "unknown column '" + header.value + "' for " + std::string(table.name) +
                                     " (see docs/formats.md)"});
    }
    if (column.role == BomColumn::kRowNumber) {
      report.ignored_columns.push_back(header.value + " (row number)");
    } else if (!column.field && column.role != BomColumn::kNotFitted &&
               column.role != BomColumn::kNameFallback && !trim(header.value).empty() && is_bom(table)) {
      report.ignored_columns.push_back(header.value);
    }
    if (column.field) {
      if (const auto it = seen.find(column.field->name); it != seen.end()) {
        problems.push_back({where, "column '" + header.value + "' gives " + std::string(column.field->name) +
                                       " again (already column " + std::to_string(it->second->column) + ")"});
      }
      if (seen.emplace(column.field->name, &header).second)
        report.fields_given.emplace_back(column.field->name);
    }
    map.columns.push_back(column);
  }
  for (const Field& field : table.fields) {
    if (field.required && field.default_json.empty() && !seen.contains(field.name) &&
        !derivable(table, field)) {
      problems.push_back({places.at(csv.header.line, 1),
                          "missing column '" + std::string(field.name) + "' for " + std::string(table.name)});
    }
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return map;
}

// "R1-R4" (KiCad's reference ranges) -> R1, R2, R3, R4; anything else as it is. A range whose
// ends share a prefix but run backwards ("R10-R8") is written wrong: its message.
constexpr std::size_t kMaxRange = 10'000;
std::string expand_range(const std::string& item, json& out) {
  const std::size_t dash = item.find('-');
  const auto split = [](std::string_view text) {
    std::size_t digits = text.size();
    while (digits > 0 && std::isdigit(static_cast<unsigned char>(text[digits - 1]))) --digits;
    return std::pair{text.substr(0, digits), text.substr(digits)};
  };
  if (dash != std::string::npos && dash > 0 && item.find('-', dash + 1) == std::string::npos) {
    const auto [prefix, first] = split(std::string_view(item).substr(0, dash));
    const auto [prefix_end, last] = split(std::string_view(item).substr(dash + 1));
    if (!prefix.empty() && prefix == prefix_end && !first.empty() && !last.empty() && first.size() < 7 &&
        last.size() < 7) {
      const std::size_t from = std::stoul(std::string(first)), to = std::stoul(std::string(last));
      if (to < from) {
        out.push_back(item);  // kept as written, so that only the range is reported
        return "the range '" + item + "' runs backwards: write " + std::string(prefix) + std::string(last) +
               "-" + std::string(prefix) + std::string(first);
      }
      if (from < to && to - from < kMaxRange) {
        for (std::size_t n = from; n <= to; ++n) out.push_back(std::string(prefix) + std::to_string(n));
        return "";
      }
    }
  }
  out.push_back(item);
  return "";
}

// Expands the line's ranges; a range written backwards and a designator named twice on the line
// are reported at the designators' cell.
void expand_ranges(json& designators, const Origin& origin, std::vector<Diagnostic>& problems) {
  if (!designators.is_array()) return;
  json expanded = json::array();
  for (const json& item : designators) {
    const std::string wrong = expand_range(item.get<std::string>(), expanded);
    if (!wrong.empty()) problems.push_back({origin.where("designators"), wrong});
  }
  std::set<std::string> seen;
  for (const json& item : expanded) {
    if (expanded.size() > 1 && !seen.insert(item.get<std::string>()).second) {
      problems.push_back({origin.where("designators"),
                          "designator '" + item.get<std::string>() + "' is named twice on this line"});
    }
  }
  designators = std::move(expanded);
}

// A quantity that is not the number of designators is kept (a designator may name a part counted
// otherwise: 0.25 m of cable W1), with a warning at the quantity's cell.
void warn_quantity(const json& record, const Origin& origin, FileReport& report) {
  const json& designators = record["designators"];
  const json& quantity = record["quantity"];
  if (!quantity.is_number() || !designators.is_array() || designators.empty()) return;
  if (quantity.get<double>() == static_cast<double>(designators.size())) return;
  std::vector<std::string> names;
  for (const json& d : designators) names.push_back(d.get<std::string>());
  report.warnings.push_back({origin.where("quantity"), "quantity " + format_number(quantity.get<double>()) +
                                                           " but " + std::to_string(designators.size()) +
                                                           " designators (" + join(names, ", ") +
                                                           "): the quantity is kept"});
}

// BOM lines may leave id, quantity and make/buy to be derived from designators and MPN. A
// designator that cannot be an id is reported at its cell.
void derive_bom_fields(json& record, const Origin& origin, FileReport& report,
                       std::vector<Diagnostic>& problems) {
  expand_ranges(record["designators"], origin, problems);
  const json& designators = record["designators"];
  if (record["id"].is_null() && !designators.empty()) {
    const std::string designator = designators.front().get<std::string>();
    if (const std::string why = id_problem(designator); !why.empty()) {
      problems.push_back(
          {origin.where("designators"),
           "designator '" + designator + "' cannot name the part: it " + why + "; add an id column"});
    } else {
      record["id"] = designator;
    }
  }
  if (record["quantity"].is_null()) {
    record["quantity"] = designators.empty() ? 1.0 : static_cast<double>(designators.size());
  } else {
    warn_quantity(record, origin, report);
  }
  std::string reason = "the make/buy column";
  if (record["make_buy"].is_null()) {
    const MakeBuy made = default_make_buy(!designators.empty(), !record["mpn"].is_null());
    record["make_buy"] = made.value;
    reason = made.reason;
  }
  const std::string value = record["make_buy"].is_string() ? record["make_buy"].get<std::string>() : "";
  ++report.make_buy[value];
  ++report.make_buy_reasons[{value, reason}];
}

// A designator names one place on one board: two lines of the same parent (the same board) that
// place it are reported at the second, naming the first.
void check_designators_placed_once(const std::vector<Draft>& drafts, std::vector<Diagnostic>& problems) {
  const auto text_of = [](const json& value) { return value.is_string() ? value.get<std::string>() : ""; };
  std::unordered_map<std::string, const Draft*> placed;  // product, parent and designator -> its line
  for (const Draft& draft : drafts) {
    const json& designators = draft.record["designators"];
    if (!designators.is_array() || designators.empty()) continue;
    std::string key = text_of(draft.record["product"]) + '\0' + text_of(draft.record["parent"]) + '\0';
    const std::size_t board = key.size();
    for (const json& item : designators) {
      key.resize(board);
      key += item.get<std::string>();
      const auto [it, fresh] = placed.emplace(key, &draft);
      if (fresh || it->second == &draft) continue;
      problems.push_back({draft.origin.where("designators"), "designator '" + item.get<std::string>() +
                                                                 "' is also placed at " +
                                                                 it->second->origin.where("designators")});
    }
  }
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
void complete(const Table& table, const CsvRow& row, const Places& places,
              const std::optional<std::string>& product, const std::set<std::string_view>& bad_cells,
              Draft& draft, FileReport& report, std::vector<Diagnostic>& problems) {
  json& record = draft.record;
  if (table.product_scoped && record["product"].is_null()) {
    if (!product) {
      problems.push_back(
          {places.at(row.line, 1), "no product for this row: add a 'product' column or pass --product ID"});
      return;
    }
    record["product"] = *product;
  }
  if (is_bom(table)) derive_bom_fields(record, draft.origin, report, problems);
  if (table.name == "affiliations") order_pair(record);
  const bool id_reported = is_bom(table) && record["id"].is_null() && !record["designators"].empty();
  for (const Field& field : table.fields) {
    json& value = record[std::string(field.name)];
    if (value.is_null()) value = default_value(field);
    if (id_reported && field.name == "id") continue;
    if (value.is_null() && field.required && !bad_cells.contains(field.name)) {
      const std::string hint =
          is_bom(table) && field.name == "id" ? " (and no designator to name it by)" : "";
      problems.push_back({draft.origin.where(field.name), std::string(field.name) + " is required" + hint});
    }
  }
  if (is_bom(table)) ++(record["fitted"] == false ? report.not_fitted : report.fitted);
}

// Whether a fitted column's cell marks its part not fitted.
Result<bool> not_fitted_cell(const Column& column, std::string_view text) {
  if (column.role == BomColumn::kNotFitted) return parse_not_fitted(column.header, text);
  MOAT_TRY(const std::optional<bool> fitted, parse_fitted(column.header, text));
  return fitted.has_value() && !*fitted;
}

// The cells of one row into `draft`: typed fields, and for BOMs the fitted columns and the
// name's fallback. Bad cells are reported at their place.
void read_cells(const ColumnMap& columns, const CsvRow& row, const Places& places,
                const CapabilityCatalog& catalog, Draft& draft, std::set<std::string_view>& bad_cells,
                std::vector<Diagnostic>& problems) {
  bool not_fitted = false;
  std::string name_fallback;
  for (std::size_t i = 0; i < row.fields.size(); ++i) {
    const Column& column = columns.columns[i];
    const CsvField& cell = row.fields[i];
    if (column.role == BomColumn::kNotFitted || column.role == BomColumn::kFitted) {
      draft.origin.columns["fitted"] = cell.column;
      Result<bool> unset = not_fitted_cell(column, cell.value);
      if (!unset.ok()) {
        problems.push_back({places.at(cell.line, cell.column), unset.error().message()});
        bad_cells.insert("fitted");
      }
      not_fitted = not_fitted || (unset.ok() && *unset);
      continue;
    }
    if (column.role == BomColumn::kNameFallback) name_fallback = std::string(trim(cell.value));
    if (!column.field) continue;
    draft.origin.columns[std::string(column.field->name)] = cell.column;
    Result<json> value = parse_cell(*column.field, cell.value, catalog);
    if (!value.ok()) {
      problems.push_back({places.at(cell.line, cell.column), value.error().message()});
      bad_cells.insert(column.field->name);
      continue;
    }
    draft.record[std::string(column.field->name)] = std::move(*value);
  }
  if (not_fitted) draft.record["fitted"] = false;
  if (draft.record.contains("name") && draft.record["name"].is_null() && !name_fallback.empty()) {
    draft.record["name"] = name_fallback;
  }
}

// Altium writes a grouped BOM and one with a line per designator from the same columns.
void name_altium_variant(const std::vector<Draft>& drafts, FileReport& report) {
  if (report.layout != "altium") return;
  const bool per_designator = std::all_of(drafts.begin(), drafts.end(),
                                          [](const Draft& d) { return d.record["designators"].size() <= 1; });
  report.layout = per_designator ? "altium-per-designator" : "altium-grouped";
  report.layout_name += per_designator ? ", one line per designator" : ", grouped";
}

// A BOM's header is a row naming at least two BOM fields (KiCad's scripts write a preamble first).
bool names_bom_fields(const CsvRow& row) {
  const Table& parts = *store::find_table("parts");
  std::size_t named = 0;
  for (const CsvField& cell : row.fields) named += field_for_header(parts, cell.value) ? 1U : 0U;
  return named >= 2;
}

}  // namespace

std::string cell_location(std::string_view file, std::string_view sheet, std::size_t line,
                          std::size_t column) {
  if (sheet.empty()) return csv_location(file, line, column);
  std::string letters;
  for (std::size_t n = column; n > 0; n = (n - 1) / 26)
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  const bool plain = std::all_of(sheet.begin(), sheet.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  const std::string name = plain ? std::string(sheet) : "'" + std::string(sheet) + "'";
  return std::string(file) + ":" + name + "!" + letters + std::to_string(line);
}

CsvOptions table_csv_options(const Table& table) {
  CsvOptions options;
  if (!is_bom(table)) return options;
  options.trailing_empty_fields = true;
  options.is_header = names_bom_fields;
  return options;
}

Result<FileRead> read_csv_records(const SourceFile& file, const Table& table,
                                  const std::optional<std::string>& product, const CapabilityCatalog& catalog,
                                  const RowCheck& check) {
  CsvOptions options = table_csv_options(table);
  options.encoding = file.encoding;
  MOAT_TRY(const CsvTable csv, parse_csv(file.content, file.name, options));
  FileReport report;
  report.format = "csv";
  report.delimiter = std::string(delimiter_name(csv.delimiter));
  report.encoding = std::string(csv.encoding);
  return read_table_records(file, csv, table, product, catalog, std::move(report), check);
}

Result<FileRead> read_table_records(const SourceFile& file, const CsvTable& csv, const Table& table,
                                    const std::optional<std::string>& product,
                                    const CapabilityCatalog& catalog, FileReport report,
                                    const RowCheck& check) {
  report.file = file.name;
  report.kind = std::string(table.name);
  report.preamble_rows = csv.preamble_rows;
  report.trailing_empty_rows = csv.trailing_empty_rows;
  const Places places{file.name, report.sheet};
  MOAT_TRY(const ColumnMap columns, map_columns(places, csv, table, report));
  FileRead read;
  std::vector<Diagnostic> problems;
  for (const CsvRow& row : csv.rows) {
    if (std::all_of(row.fields.begin(), row.fields.end(),
                    [](const CsvField& f) { return trim(f.value).empty(); })) {
      continue;  // a spreadsheet's empty row: ",,,"
    }
    Draft draft{&table, json::object(), Origin{file.name, row.line, {}, {}, report.sheet}};
    std::set<std::string_view> bad_cells;
    for (const Field& field : table.fields) draft.record[std::string(field.name)] = nullptr;
    read_cells(columns, row, places, catalog, draft, bad_cells, problems);
    complete(table, row, places, product, bad_cells, draft, report, problems);
    if (check) check(draft, problems);
    read.drafts.push_back(std::move(draft));
    if (problems.size() >= kMaxDiagnostics) break;
  }
  if (is_bom(table)) check_designators_placed_once(read.drafts, problems);
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  report.records = read.drafts.size();
  name_altium_variant(read.drafts, report);
  read.report = std::move(report);
  return read;
}

}  // namespace moat::app
