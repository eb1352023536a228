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

}  // namespace moat::legal::detail
