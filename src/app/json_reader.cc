// SPDX-License-Identifier: Apache-2.0
// Workspace documents (what `moat export` writes) into drafts, every problem named by its JSON
// pointer.
#include <nlohmann/json.hpp>
#include <set>

#include "app/fields.h"
#include "app/json_text.h"
#include "app/records.h"
#include "core/encoding.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using store::Field;
using store::Table;

constexpr std::string_view kFormat = "moat-workspace";
constexpr int kVersion = 1;
constexpr std::size_t kMaxDiagnostics = 50;

std::string at(const SourceFile& file, const std::string& pointer) {
  return file.name + "#" + pointer;
}

// A key as a pointer segment, cut short: keys are echoed in messages.
std::string segment(std::string_view key) {
  return cut_short(pointer_segment(key));
}

// Workspace documents nest a few levels (sections, records, lists in fields): far below this.
constexpr std::size_t kMaxDepth = 64;

Result<json> parse_document(const SourceFile& file) {
  MOAT_TRY(const DecodedText decoded, decode_text(file.content, file.name, file.encoding));
  return parse_json_text(decoded.text, file.name, JsonLimits{kMaxDepth});
}

void read_record(const SourceFile& file, const Table& table, const json& object, const std::string& pointer,
                 const CapabilityCatalog& catalog, std::vector<Draft>& drafts,
                 std::vector<Diagnostic>& problems) {
  if (!object.is_object()) {
    problems.push_back({at(file, pointer), "each " + std::string(table.singular) + " must be a JSON object"});
    return;
  }
  Draft draft{&table, json::object(), Origin{file.name, 0, {}, pointer, {}}};
  for (const auto& [name, value] : object.items()) {
    if (!table.field(name)) {
      problems.push_back({at(file, pointer + "/" + segment(name)),
                          "unknown field '" + cut_short(name) + "' for " + std::string(table.name)});
    }
  }
  for (const Field& field : table.fields) {
    const std::string name(field.name);
    const auto it = object.find(name);
    json value = it == object.end() ? json(nullptr) : *it;
    if (it != object.end()) {
      Result<json> checked = check_value(field, value, catalog);
      if (!checked.ok()) {
        problems.push_back({at(file, pointer + "/" + name), checked.error().message()});
        continue;
      }
      value = std::move(*checked);
    }
    if (value.is_null()) value = default_value(field);
    if (value.is_null() && field.required) {
      problems.push_back({at(file, pointer), "missing required field '" + name + "'"});
    }
    draft.record[name] = std::move(value);
  }
  if (table.name == "affiliations" && draft.record["a"].is_string() && draft.record["b"].is_string() &&
      draft.record["b"].get<std::string>() < draft.record["a"].get<std::string>()) {
    std::swap(draft.record["a"], draft.record["b"]);
  }
  drafts.push_back(std::move(draft));
}

Status check_header(const SourceFile& file, const json& document) {
  if (!document.is_object()) return input_error(at(file, ""), "a workspace document must be a JSON object");
  const auto format = document.find("format");
  if (format == document.end() || *format != kFormat) {
    return input_error(at(file, "/format"), "must be \"moat-workspace\" (is this a file moat export wrote?)");
  }
  const auto version = document.find("version");
  if (version == document.end() || *version != kVersion) {
    return input_error(at(file, "/version"), "this moat reads version 1 of the workspace format");
  }
  return {};
}

}  // namespace

Result<std::vector<Draft>> read_workspace_document(const SourceFile& file, const CapabilityCatalog& catalog) {
  MOAT_TRY(const json document, parse_document(file));
  MOAT_CHECK(check_header(file, document));
  std::vector<Draft> drafts;
  std::vector<Diagnostic> problems;
  for (const auto& [name, value] : document.items()) {
    if (name == "format" || name == "version") continue;
    const Table* table = store::find_table(name);
    if (!table) {
      problems.push_back({at(file, "/" + segment(name)), "unknown section '" + cut_short(name) + "'"});
      continue;
    }
    if (!value.is_array()) {
      problems.push_back({at(file, "/" + name), "must be an array of " + std::string(table->name)});
      continue;
    }
    for (std::size_t i = 0; i < value.size() && problems.size() < kMaxDiagnostics; ++i) {
      read_record(file, *table, value[i], "/" + name + "/" + std::to_string(i), catalog, drafts, problems);
    }
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return drafts;
}

}  // namespace moat::app
