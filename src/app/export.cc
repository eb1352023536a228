// SPDX-License-Identifier: Apache-2.0
// The document is written as text while the tables are read, a record at a time from its
// columns, in exactly the form `dump(2)` of the whole document as JSON gives: building that
// document first held every record three times (as read, as the document, as text).
#include "app/export.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "store/counts.h"
#include "store/field_text.h"

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

// Whether `value` of `field` prints on one line: anything but a list with items.
bool on_one_line(const store::Field& field, const store::SqlValueView& value) {
  const auto* text = std::get_if<std::string_view>(&value);
  const bool list = field.type == store::FieldType::kIdList || field.type == store::FieldType::kTextList ||
                    field.type == store::FieldType::kNameList ||
                    field.type == store::FieldType::kCapabilityList;
  return !list || !text || *text == "[]";
}

// One field's value at `indent`: its compact text when it prints on one line (the same bytes as
// dumping it: store::append_field_json), else the list printed item by item.
Status write_field(const store::Table& table, const store::Field& field, const store::SqlValueView& value,
                   std::string& out) {
  if (on_one_line(field, value)) return store::append_field_json(table, field, value, out);
  MOAT_TRY(const json parsed, store::field_value(table, field, store::owned(value)));
  write_value(parsed, 3 * kIndent, out);
  return {};
}

// A table's records, as the document's member `"table": [...]` at depth 1, written row by row
// as they are read.
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
  out += std::string(kIndent, ' ') + dumped(std::string(table.name)) + ": [";
  const std::string open = "\n" + std::string(2 * kIndent, ' ') + "{\n";
  const auto write_record = [&](std::span<const store::SqlValueView> row) -> Result<bool> {
    out += written++ ? "," + open : open;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      out += i ? ",\n" : "";
      out += members[i];
      MOAT_CHECK(write_field(table, *fields[i], row[i], out));
    }
    out += "\n" + std::string(2 * kIndent, ' ') + "}";
    return true;
  };
  MOAT_CHECK(store.for_each_columns(table, names, write_record));
  out += written ? "\n" + std::string(kIndent, ' ') + "]" : "]";
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
