// SPDX-License-Identifier: Apache-2.0
// Internal to src/app (includes toml++): reading the TOML of moat.toml and the rule files with
// every error placed at "file:line:column".
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "core/result.h"

namespace moat::app {

// "file:line:column" of a node.
inline std::string toml_place(std::string_view file, const toml::source_position& at) {
  return std::string(file) + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}
inline std::string toml_place(std::string_view file, const toml::node& node) {
  return toml_place(file, node.source().begin);
}

// The parsed document, or the parser's own error at its line and column.
inline Result<toml::table> parse_toml(std::string_view text, std::string_view file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& error) {
    return input_error(toml_place(file, error.source().begin), std::string(error.description()));
  }
}

}  // namespace moat::app
