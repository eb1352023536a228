// SPDX-License-Identifier: Apache-2.0
// Reasons a person can act on when no valid plan exists: packages nobody eligible can make
// (and why each supplier cannot), capability short of capacity, and recipes or exposure caps
// that the packages' only possible makers must break whatever else is chosen.
#pragma once

#include <string>
#include <vector>

#include "plan/problem.h"

namespace moat::plan {

// Conflicts that prove infeasibility by themselves (empty when none of these is found; the
// instance may still be infeasible through a combination they do not cover).
std::vector<std::string> find_conflicts(const Problem& problem);

}  // namespace moat::plan
