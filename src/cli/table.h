// SPDX-License-Identifier: Apache-2.0
// Plain-text tables for the terminal: columns padded by display width, so that Chinese names
// line up with Latin ones; a long cell wraps onto further lines between words, never cut.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace moat::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace moat::cli
