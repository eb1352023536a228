// SPDX-License-Identifier: Apache-2.0
// Internal to src/app: includes nlohmann/json.hpp, so only the .cc files that need it use it.
// Records on their way into a workspace: where each came from (a CSV line and its columns, or
// a JSON pointer), so that every later check can name the place; the readers that make them
// from CSV files and workspace documents; and the model the import checks as a whole.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/import.h"
#include "core/catalog.h"
#include "core/csv.h"
#include "core/result.h"
#include "store/schema.h"
#include "store/store.h"

namespace moat::app {

struct Origin {
  std::string file;
  std::size_t line = 0;                        // CSV: the record's line; 0 for JSON
  std::map<std::string, std::size_t> columns;  // CSV: field -> column where its cell starts
  std::string pointer;                         // JSON: the record's pointer, "/suppliers/3"
  std::string sheet;                           // workbooks: the worksheet (line: row, column: its number)

  // "file:line:col" of `field` (CSV), "file.xlsx:Sheet1!C7" (workbooks) or
  // "file#/pointer/field[/index]" (JSON).
  std::string where(std::string_view field = {}, std::optional<std::size_t> index = {}) const;
};

struct Draft {
  const store::Table* table;
  store::Record record;
  Origin origin;
};

// The table a file holds, from its name (suppliers.csv, aurora-bom.csv, ...), or nullptr.
const store::Table* table_for_file_name(std::string_view name);

// "file:line:col", or "file.xlsx:Sheet1!C7" when `sheet` is set (`column` counted from 1).
std::string cell_location(std::string_view file, std::string_view sheet, std::size_t line,
                          std::size_t column);

// What a reader made of one file: its records and how it read them.
struct FileRead {
  std::vector<Draft> drafts;
  FileReport report;
};

// A check of a whole row that field rules alone cannot make (a price needs its currency), run on
// every row, its cells' own problems or not, so that one reading reports them all.
using RowCheck = std::function<void(const Draft&, std::vector<Diagnostic>&)>;

// Reads a CSV file holding `table`'s records. `product` fills a missing product column.
// Errors: every bad cell found, and every problem `check` finds, each at file:line:col (up to a
// limit).
Result<FileRead> read_csv_records(const SourceFile& file, const store::Table& table,
                                  const std::optional<std::string>& product, const CapabilityCatalog& catalog,
                                  const RowCheck& check = {});

// Whether `name` is an Excel workbook (.xlsx, .xlsm).
bool is_workbook(std::string_view name);

// Reads worksheet `sheet` (default: the first) of a workbook holding `table`'s records. Errors
// name cells as "bom.xlsx:Sheet1!C7".
Result<FileRead> read_workbook_records(const SourceFile& file, const store::Table& table,
                                       const std::optional<std::string>& sheet,
                                       const std::optional<std::string>& product,
                                       const CapabilityCatalog& catalog);

// The options a table's reader gives the CSV (and worksheet) tabulation: BOMs accept a
// preamble before their header and empty fields past the header's width.
CsvOptions table_csv_options(const store::Table& table);

// Reads rows already split into cells (a CSV file's, a worksheet's) holding `table`'s records;
// `report` says how they were read so far.
Result<FileRead> read_table_records(const SourceFile& file, const CsvTable& cells, const store::Table& table,
                                    const std::optional<std::string>& product,
                                    const CapabilityCatalog& catalog, FileReport report,
                                    const RowCheck& check = {});

// Reads a workspace document (the JSON `moat export` writes). Errors name JSON pointers, or
// line:col for syntax errors.
Result<std::vector<Draft>> read_workspace_document(const SourceFile& file, const CapabilityCatalog& catalog);

// A workspace's records: those stored (origin null) overlaid with an import's drafts.
struct Entry {
  store::Record record;
  const Origin* origin = nullptr;
};
using Entries = std::map<store::Key, Entry>;

struct Model {
  std::map<std::string, Entries, std::less<>> tables;
  const Entries& of(std::string_view table) const;
};

// Cross-record checks: references resolve, the BOM has no cycle, credit codes are unique,
// parties are all trusted or all untrusted, inference rules do not give what they take.
std::vector<Diagnostic> check_model(const Model& model);

// A problem check_model finds, with the record and field it is in (for removals: who refers to
// a record being removed).
struct ModelProblem {
  std::string table;
  store::Key key;
  std::string field;
  std::optional<std::size_t> index;  // the list item
  Diagnostic diagnostic;
};
std::vector<ModelProblem> find_model_problems(const Model& model);

// Takes `targets` out of `model`, recording them in `difference.removed` with `reason`. Records
// that refer to a removed one are refused (every one named, at its field) unless `cascade`:
// then a list that names it loses that item (a list that must not be empty, and any record whose
// single reference it was, is removed in turn), until nothing refers to a removed record.
Status plan_removal(Model& model, const std::vector<std::pair<const store::Table*, store::Key>>& targets,
                    bool cascade, std::string_view reason, Difference& difference);

// Inside a write transaction: removes what `difference` lists as removed and writes the unlinked
// records as `model` holds them.
Status apply_removals(const Model& model, const Difference& difference, store::Writer& writer);

// The difference `drafts` make to the records in `stored`: added and changed (field by field).
void add_differences(const Model& stored, const std::vector<Draft>& drafts, Difference& difference);

// Every record of the workspace, for cross-record checks and summaries.
Result<Model> load_model(store::Store& store);

// A record about to be written, and where it came from (for the places problems are named at).
struct Change {
  const store::Table* table = nullptr;
  store::Record record;
  const Origin* origin = nullptr;
};

// The problems writing `changes` would add to the stored workspace, as check_model names them.
// check_model's rules run on the records the changes can involve — each changed record as stored
// and as changed, what it refers to, the suppliers sharing its credit code, its affiliations and
// their suppliers, a part's ancestors — once with the changes and once without: what only the
// first finds is what the changes add. Every write keeps the stored workspace free of problems, so
// that is what checking the whole workspace would find, read by key and indexed queries instead.
Result<std::vector<Diagnostic>> problems_added(store::Store& store, const std::vector<Change>& changes);

}  // namespace moat::app

namespace moat::app {

// Reads every table named in `wanted` into its vector, all from one consistent snapshot.
using TableReads = std::vector<std::pair<std::string_view, std::vector<store::Record>*>>;
Status read_tables(store::Store& store, const TableReads& wanted);

// A record a use case writes: its table and its fields (missing fields take their defaults).
struct NewRecord {
  const store::Table* table;
  store::Record record;
};

// Inside a write transaction: completes each record with its defaults, checks every field and
// the workspace as a whole with the records in it (references, uniqueness), then writes them.
// Errors name "<table>/<key>/<field>". Returns the records as written.
Result<std::vector<store::Record>> put_checked(Workspace& workspace, store::Writer& writer,
                                               std::vector<NewRecord> records);

}  // namespace moat::app
