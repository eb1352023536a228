// SPDX-License-Identifier: Apache-2.0
// Internal to src/plan: how the planner's reasons write numbers, so that every reason a user reads
// (an infeasibility, a minimal conflict) writes a quantity and a share the same way.
#pragma once

#include <cstdio>
#include <string>

namespace moat::plan {

// A whole quantity with thousands separated by commas: 20000 -> "20,000".
inline std::string amount(double units) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", units);
  std::string digits = text, out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
    out += digits[i];
  }
  return out;
}

// A share as a whole percentage: 0.25 -> "25%".
inline std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", share * 100);
  return text;
}

}  // namespace moat::plan
