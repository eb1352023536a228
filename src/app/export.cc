// SPDX-License-Identifier: Apache-2.0
// The document is written as text while the tables are read, a record at a time from its
// columns, in exactly the form `dump(2)` of the whole document as JSON gives: building that
// document first held every record three times (as read, as the document, as text).
#include "app/export.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "store/counts.h"

namespace moat::app {
namespace {

using nlohmann::json;

constexpr int kIndent = 2;

std::string dumped(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::strict);
}

// `value` pretty-printed as nlohmann::json's dump(2) does, its first line already placed at
// `indent` spaces.
void write_value(const json& value, int indent, std::string& out) {
  const bool nested = (value.is_array() || value.is_object()) && !value.empty();
  if (!nested) {
    out += dumped(value);
    return;
  }
  const std::string inner(static_cast<std::size_t>(indent + kIndent), ' ');
  out += value.is_array() ? "[\n" : "{\n";
  bool first = true;
  for (auto it = value.begin(); it != value.end(); ++it) {
    out += first ? "" : ",\n";
    first = false;
    out += inner;
    if (value.is_object()) out += dumped(it.key()) + ": ";
    write_value(*it, indent + kIndent, out);
  }
  out += "\n" + std::string(static_cast<std::size_t>(indent), ' ') + (value.is_array() ? "]" : "}");
}

// A table's records, as the document's member `"table": [...]` at depth 1.
Status write_table(store::Store& store, const store::Table& table, std::string& out, std::size_t& written) {
  // A record's fields in the order a JSON object keeps them: by name.
  std::vector<const store::Field*> fields;
  for (const store::Field& field : table.fields) fields.push_back(&field);
  std::sort(fields.begin(), fields.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  std::vector<std::string_view> names;
  std::vector<std::string> members;  // `      "name": `
  for (const store::Field* field : fields) {
    names.push_back(field->name);
    members.push_back(std::string(3 * kIndent, ' ') + dumped(std::string(field->name)) + ": ");
  }
  MOAT_TRY(const std::vector<store::SqlRow> rows, store.columns(table, names));
  out += std::string(kIndent, ' ') + dumped(std::string(table.name)) + ": ";
  if (rows.empty()) {
    out += "[]";
    return {};
  }
  out += "[\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    out += r ? ",\n" : "";
    out += std::string(2 * kIndent, ' ') + "{\n";
    for (std::size_t i = 0; i < fields.size(); ++i) {
      MOAT_TRY(const json value, store::field_value(table, *fields[i], rows[r][i]));
      out += i ? ",\n" : "";
      out += members[i];
      write_value(value, 3 * kIndent, out);
    }
    out += "\n" + std::string(2 * kIndent, ' ') + "}";
  }
  out += "\n" + std::string(kIndent, ' ') + "]";
  written = rows.size();
  return {};
}

}  // namespace

Result<std::string> export_workspace(Workspace& workspace, const Progress& progress) {
  return export_store(workspace.store(), progress);
}

Result<std::string> export_store(store::Store& store, const Progress& progress) {
  std::string out = "{\n  \"format\": \"moat-workspace\",\n  \"version\": 1";
  const Status read = store.read_snapshot([&]() -> Status {
    std::size_t total = 0, done = 0;
    if (progress) {
      MOAT_TRY(total, store::record_count(store));
    }
    for (const store::Table& table : store::tables()) {
      out += ",\n";
      std::size_t written = 0;
      MOAT_CHECK(write_table(store, table, out, written));
      tell(progress, done += written, total);
    }
    return {};
  });
  if (!read.ok()) return read.error();
  return out + "\n}\n";
}

}  // namespace moat::app
