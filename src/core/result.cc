// SPDX-License-Identifier: Apache-2.0
#include "core/result.h"

namespace moat {

std::string Error::to_string() const {
  std::string out;
  for (const Diagnostic& d : diagnostics_) {
    if (!out.empty()) out += '\n';
    if (!d.where.empty()) out += d.where + ": ";
    out += d.message;
  }
  return out;
}

}  // namespace moat
