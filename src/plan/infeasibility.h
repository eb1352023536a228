// SPDX-License-Identifier: Apache-2.0
// Reasons a person can act on when no valid plan exists: packages nobody eligible can make
// (and why each supplier cannot), capability short of capacity, and recipes or exposure caps
// that the packages' only possible makers must break whatever else is chosen.
#pragma once

#include <string>
#include <vector>

#include "plan/deadline.h"
#include "plan/problem.h"

namespace moat::plan {

struct Conflicts {
  std::vector<std::string> reasons;  // each proves by itself that no valid plan exists
  bool complete = true;              // false: `deadline` passed before every check had run
};

// Conflicts that prove infeasibility by themselves (none when none of these is found; the
// instance may still be infeasible through a combination they do not cover). The cheap checks
// run first; past `deadline` the search stops with what it found.
Conflicts find_conflicts(const Problem& problem, const Deadline& deadline = {});

}  // namespace moat::plan
