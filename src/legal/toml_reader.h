// SPDX-License-Identifier: Apache-2.0
// Internal to legal/: reads the fields of one TOML table of a rule file, collecting every
// problem (wrong type, unknown key, bad value) as a diagnostic located at "file:line:column",
// so that a rule file with three mistakes reports three. Not a public header.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace moat::legal::detail {

std::string place(std::string_view file, const toml::node& node);

// The parsed document, or the parser's own error at its line and column.
Result<toml::table> parse_toml(std::string_view text, std::string_view file);

class TableReader {
 public:
  TableReader(const toml::table& table, std::string_view file) : table_(table), file_(file) {}

  // Each accessor returns the fallback (and records a diagnostic) when the value has the
  // wrong type; an absent key gives the fallback silently unless `required`.
  std::string text(std::string_view key, bool required = false);
  bool flag(std::string_view key, bool fallback);
  std::optional<std::int64_t> integer(std::string_view key);
  std::vector<std::string> texts(std::string_view key, bool required = false);
  const toml::table* table(std::string_view key);
  const toml::array* array(std::string_view key);

  // "file:line:column" of `key`'s value, or of the table itself when the key is absent.
  std::string where(std::string_view key) const;
  void fail(std::string_view key, std::string message);
  // Reports every key that no accessor asked for (a misspelt key is an error, not a no-op).
  void reject_unknown_keys();

  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

 private:
  const toml::node* get(std::string_view key);

  const toml::table& table_;
  std::string_view file_;
  std::set<std::string, std::less<>> seen_;
  std::vector<Diagnostic> diagnostics_;
};

// Appends `from` to `to`.
void append(std::vector<Diagnostic>& to, std::vector<Diagnostic>& from);

// Reads each table of the document's array of tables `[[key]]` with `read(table)`, which gives
// the entry or nothing (having recorded why in `problems`), into `into`; `read` may look at the
// entries read before it (duplicate ids). A missing array and entries that are not tables are
// reported.
template <typename T, typename Read>
void read_entries(TableReader& reader, std::string_view file, std::string_view key, std::vector<T>& into,
                  std::vector<Diagnostic>& problems, Read read) {
  const toml::array* entries = reader.array(key);
  if (!entries) {
    reader.fail(key, "no [[" + std::string(key) + "]] in the file");
    return;
  }
  for (const toml::node& node : *entries) {
    const toml::table* table = node.as_table();
    if (!table) {
      problems.push_back({place(file, node), "[[" + std::string(key) + "]] entries must be tables"});
      continue;
    }
    if (auto entry = read(*table)) into.push_back(std::move(*entry));
  }
}

// Ends reading one entry: its unknown keys are reported, and its problems moved to `problems`.
// Whether the entry was read without any.
bool finish_entry(TableReader& reader, std::vector<Diagnostic>& problems);

// Ends reading a document: its unknown keys are reported, and every problem found is the error.
Status finish(TableReader& reader, std::vector<Diagnostic>& problems);

}  // namespace moat::legal::detail
