// SPDX-License-Identifier: Apache-2.0
#include "legal/toml_reader.h"

#include <iterator>

namespace moat::legal::detail {
namespace {

std::string at(std::string_view file, const toml::source_position& position) {
  return std::string(file) + ":" + std::to_string(position.line) + ":" + std::to_string(position.column);
}

}  // namespace

std::string place(std::string_view file, const toml::node& node) {
  return at(file, node.source().begin);
}

Result<toml::table> parse_toml(std::string_view text, std::string_view file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& error) {
    return input_error(at(file, error.source().begin), std::string(error.description()));
  }
}

const toml::node* TableReader::get(std::string_view key) {
  seen_.emplace(key);
  return table_.get(key);
}

std::string TableReader::where(std::string_view key) const {
  const toml::node* node = table_.get(key);
  return place(file_, node ? *node : static_cast<const toml::node&>(table_));
}

void TableReader::fail(std::string_view key, std::string message) {
  diagnostics_.push_back({where(key), std::move(message)});
}

std::string TableReader::text(std::string_view key, bool required) {
  const toml::node* node = get(key);
  if (!node) {
    if (required) fail(key, "'" + std::string(key) + "' is required");
    return {};
  }
  if (const auto value = node->value<std::string>()) return *value;
  fail(key, "'" + std::string(key) + "' must be a string");
  return {};
}

bool TableReader::flag(std::string_view key, bool fallback) {
  const toml::node* node = get(key);
  if (!node) return fallback;
  if (const auto value = node->value<bool>()) return *value;
  fail(key, "'" + std::string(key) + "' must be true or false");
  return fallback;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key) {
  const toml::node* node = get(key);
  if (!node) return std::nullopt;
  if (node->is_integer()) return node->value<std::int64_t>();
  fail(key, "'" + std::string(key) + "' must be an integer");
  return std::nullopt;
}

std::vector<std::string> TableReader::texts(std::string_view key, bool required) {
  std::vector<std::string> out;
  const toml::node* node = get(key);
  if (!node) {
    if (required) fail(key, "'" + std::string(key) + "' is required");
    return out;
  }
  const toml::array* items = node->as_array();
  if (!items) {
    fail(key, "'" + std::string(key) + "' must be an array of strings");
    return out;
  }
  for (const toml::node& item : *items) {
    if (const auto value = item.value<std::string>()) {
      out.push_back(*value);
    } else {
      diagnostics_.push_back({place(file_, item), "'" + std::string(key) + "' must hold strings only"});
    }
  }
  return out;
}

const toml::table* TableReader::table(std::string_view key) {
  const toml::node* node = get(key);
  if (!node) return nullptr;
  if (const toml::table* value = node->as_table()) return value;
  fail(key, "'" + std::string(key) + "' must be a table");
  return nullptr;
}

const toml::array* TableReader::array(std::string_view key) {
  const toml::node* node = get(key);
  if (!node) return nullptr;
  if (const toml::array* value = node->as_array()) return value;
  fail(key, "'" + std::string(key) + "' must be an array");
  return nullptr;
}

void TableReader::reject_unknown_keys() {
  for (const auto& entry : table_) {
    const std::string_view key = entry.first.str();
    if (!seen_.contains(key))
      diagnostics_.push_back({place(file_, entry.second), "unknown key '" + std::string(key) + "'"});
  }
}

void append(std::vector<Diagnostic>& to, std::vector<Diagnostic>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  from.clear();
}

bool finish_entry(TableReader& reader, std::vector<Diagnostic>& problems) {
  reader.reject_unknown_keys();
  const bool clean = reader.diagnostics().empty();
  append(problems, reader.diagnostics());
  return clean;
}

Status finish(TableReader& reader, std::vector<Diagnostic>& problems) {
  reader.reject_unknown_keys();
  append(reader.diagnostics(), problems);
  if (!reader.diagnostics().empty()) return Error(ErrorCode::kInput, std::move(reader.diagnostics()));
  return {};
}

}  // namespace moat::legal::detail
