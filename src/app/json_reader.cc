// SPDX-License-Identifier: Apache-2.0
// Workspace documents (what `moat export` writes) into drafts, every problem named by its JSON
// pointer.
#include <nlohmann/json.hpp>
#include <set>

#include "app/fields.h"
#include "app/records.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using store::Field;
using store::Table;

constexpr std::string_view kFormat = "moat-workspace";
constexpr int kVersion = 1;
constexpr std::size_t kMaxDiagnostics = 50;

std::string at(const SourceFile& file, const std::string& pointer) { return file.name + "#" + pointer; }

// A key as one JSON pointer segment (RFC 6901: '~' is written ~0, '/' is written ~1).
std::string segment(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string line_column(const SourceFile& file, std::size_t offset) {
  const TextPosition p = position_of(file.content, offset);
  return file.name + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

// A first pass over the text that places what the DOM parser would report without a place (a
// number too large for a double) and finds what it would silently drop (a key given twice).
class Prepass final : public nlohmann::json_sax<json> {
 public:
  std::string duplicate;        // pointer of a key given twice
  std::size_t error_at = 0;     // byte offset of a syntax error
  std::string error_message;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return push(false); }
  bool start_array(std::size_t) override { return push(true); }
  bool end_object() override { return pop(); }
  bool end_array() override { return pop(); }
  bool key(string_t& name) override {
    Frame& frame = frames_.back();
    if (!frame.keys.insert(name).second) {
      duplicate = pointer() + "/" + segment(name);
      return false;
    }
    frame.key = name;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const json::exception& error) override {
    error_at = position > 0 ? position - 1 : 0;
    error_message = error.what();
    if (const auto colon = error_message.find(": "); colon != std::string::npos) {
      error_message = error_message.substr(colon + 2);
    }
    if (const auto bracket = error_message.find("] "); bracket != std::string::npos) {
      error_message = error_message.substr(bracket + 2);
    }
    return false;
  }

 private:
  struct Frame {
    bool is_array = false;
    std::string segment;  // this container's segment in its parent
    std::size_t index = 0;
    std::string key;
    std::set<std::string> keys;
  };

  std::string pointer() const {
    std::string out;
    for (std::size_t i = 1; i < frames_.size(); ++i) out += "/" + frames_[i].segment;
    return out;
  }
  bool push(bool is_array) {
    Frame frame;
    frame.is_array = is_array;
    if (!frames_.empty()) {
      const Frame& parent = frames_.back();
      frame.segment = parent.is_array ? std::to_string(parent.index) : segment(parent.key);
    }
    frames_.push_back(std::move(frame));
    return true;
  }
  bool pop() {
    frames_.pop_back();
    return value();
  }
  bool value() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
    return true;
  }

  std::vector<Frame> frames_;
};

Result<json> parse_document(const SourceFile& file) {
  if (const auto bad = first_invalid_utf8(file.content)) {
    return input_error(line_column(file, *bad), "invalid UTF-8 byte sequence");
  }
  Prepass prepass;
  if (!json::sax_parse(file.content, &prepass)) {
    if (!prepass.duplicate.empty()) {
      return input_error(at(file, prepass.duplicate), "this key is given twice in its object");
    }
    return input_error(line_column(file, prepass.error_at), "JSON syntax error: " + prepass.error_message);
  }
  try {
    return json::parse(file.content);
  } catch (const json::exception& error) {  // the prepass accepts what the parser accepts
    return input_error(file.name, std::string("JSON error: ") + error.what());
  }
}

void read_record(const SourceFile& file, const Table& table, const json& object,
                 const std::string& pointer, const CapabilityCatalog& catalog,
                 std::vector<Draft>& drafts, std::vector<Diagnostic>& problems) {
  if (!object.is_object()) {
    problems.push_back({at(file, pointer), "each " + std::string(table.singular) + " must be a JSON object"});
    return;
  }
  Draft draft{&table, json::object(), Origin{file.name, 0, {}, pointer, {}}};
  for (const auto& [name, value] : object.items()) {
    if (!table.field(name)) {
      problems.push_back({at(file, pointer + "/" + segment(name)), "unknown field '" + name + "' for " + std::string(table.name)});
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
      problems.push_back({at(file, "/" + segment(name)), "unknown section '" + name + "'"});
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
