// SPDX-License-Identifier: Apache-2.0
// The vocabularies moat's records draw from: manufacturing capabilities, supplier statuses,
// protection strategies, affiliation kinds. One place, so that readers, the store and the
// engines agree on every spelling. A workspace may add capabilities of its own (moat.toml).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moat {

std::span<const std::string_view> builtin_capabilities();
std::span<const std::string_view> supplier_statuses();      // pending, qualified, ...
std::span<const std::string_view> protection_strategies();  // patent, design, ...
std::span<const std::string_view> affiliation_kinds();      // common-parent, owner, ...

// The capabilities a workspace accepts: the built-in ones plus `extra`.
class CapabilityCatalog {
 public:
  explicit CapabilityCatalog(std::vector<std::string> extra = {});
  bool contains(std::string_view capability) const;
  const std::vector<std::string>& all() const { return all_; }

 private:
  std::vector<std::string> all_;
};

}  // namespace moat
