// SPDX-License-Identifier: Apache-2.0
// Importing records into a workspace: CSV files (one record kind each) and workspace documents
// (JSON from `moat export`), all given files in one transaction. All or nothing: when any
// cell, record or cross-reference is wrong, the error lists every problem found with its
// place and nothing is written — not a record, not a ledger event.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/accounts.h"
#include "app/session.h"
#include "app/workspace.h"
#include "core/progress.h"
#include "core/result.h"

namespace moat::app {

struct SourceFile {
  std::string name;      // as given by the user, for messages
  std::string content;   // the bytes
  std::string encoding;  // text files: as the user declared it (core/encoding.h); empty: UTF-8
};

struct ImportOptions {
  std::optional<std::string> kind;     // a table name; else from each file's name
  std::optional<std::string> product;  // for product files without a product column
  bool dry_run = false;                // check everything, write nothing
  // The BOM files are the product's whole BOM: its parts that they do not hold are removed (one
  // revision). Needs --product and BOM files only.
  bool replace = false;
  bool cascade = false;              // with replace: also remove (or unlink) what refers to removed parts
  std::optional<std::string> sheet;  // workbooks: the worksheet to read (default: the first)
  Progress progress;                 // told the records written so far, of all the files'
  // The actor's role: each kind of record the import changes needs its right (app/actors.h,
  // edit_capability); nullopt in a workspace without accounts.
  std::optional<Role> role = std::nullopt;
};

// What one file held and how it was read.
struct FileReport {
  std::string file;
  std::string kind;       // the table: "parts"
  std::string format;     // "csv", "xlsx" or "json"
  std::string delimiter;  // CSV: "comma", "semicolon" or "tab"
  std::string encoding;   // CSV: "UTF-8", or what it was read from ("GB18030", "UTF-16LE", ...)
  std::string sheet;      // workbooks: the worksheet read
  std::string layout;     // BOMs: "kicad-pcb", ... or "by header names"
  std::string layout_name;
  std::size_t records = 0;
  std::size_t preamble_rows = 0;             // rows before the header, skipped
  std::size_t trailing_empty_rows = 0;       // rows with empty fields past the header's width
  std::vector<std::string> ignored_columns;  // headers of row-number and unused columns
  std::vector<std::string> fields_given;     // the table's fields the file has a column for
  // BOMs: fitted or not, and make or buy with the reason for each classification.
  std::size_t fitted = 0;
  std::size_t not_fitted = 0;
  std::map<std::string, std::size_t> make_buy;                                  // "make"/"buy" -> lines
  std::map<std::pair<std::string, std::string>, std::size_t> make_buy_reasons;  // (value, reason) -> lines
  // What was read but looks wrong, each at its place: a BOM line whose quantity is not the number
  // of its designators.
  std::vector<Diagnostic> warnings;
};

// A record's change, as the dry run and the report show it.
struct FieldDifference {
  std::string field;
  std::string before;  // JSON text ("null" when absent)
  std::string after;
};
struct RecordDifference {
  std::string table;
  std::string key;                      // as the ledger names it: "aurora/C1"
  std::vector<FieldDifference> fields;  // changed records: the fields that differ
  std::string reason;  // removed records: why ("not in the BOM", "refers to parts/aurora/R1")
};
struct Difference {
  std::vector<RecordDifference> added;
  std::vector<RecordDifference> changed;
  std::vector<RecordDifference> removed;
  std::vector<RecordDifference> unlinked;  // kept, with the removed records taken out of a list
  bool empty() const { return added.empty() && changed.empty() && removed.empty() && unlinked.empty(); }
};

// The tables whose records `difference` adds, changes, removes or unlinks.
std::set<std::string> tables_of(const Difference& difference);

struct ImportReport {
  std::map<std::string, std::size_t> records_read;  // per table
  std::size_t records_changed = 0;
  std::int64_t events = 0;
  std::vector<FileReport> files;
  Difference difference;  // what the import changes (did, or would in a dry run)
};

Result<ImportReport> import_files(Workspace& workspace, const Session& session,
                                  const std::vector<SourceFile>& files, const ImportOptions& options);

}  // namespace moat::app
