// SPDX-License-Identifier: Apache-2.0
// The fast engine: a constructive pass that assigns the most constrained packages first, each
// to the cheapest option that keeps the partial plan valid (knowledge only grows, so a partial
// plan that breaks a rule cannot be repaired by adding to it), then a local search that moves
// single sources to cheaper options while the plan stays valid. It never returns a plan it has
// checked with violations() — within its deadline, or not at all (then it says so).
#pragma once

#include <functional>
#include <optional>

#include "plan/deadline.h"
#include "plan/problem.h"

namespace moat::plan {

struct HeuristicResult {
  std::optional<Choice> choice;  // a valid plan, when one was found
  double cost = 0;
  // A plan was built but checking it against every rule did not finish by the deadline: it is
  // not returned (`choice` is empty), and whoever answers says so.
  bool unchecked = false;
};

// With `hint` (an assignment that may break rules, e.g. a relaxation's), each package tries the
// hinted options first: a repair of the hint into a valid plan.
// `on_valid`, when given, is told the first plan as soon as it has passed the full check, before
// the local search starts to improve it: a caller that must answer early has a valid plan then.
// `first_by`, when given (and later than `deadline`): how long the search for a first plan and its
// full check may go on when none is found by `deadline`; the local search keeps to `deadline`.
HeuristicResult solve_heuristic(const Problem& problem, const Deadline& deadline,
                                const Choice* hint = nullptr,
                                const std::function<void(const Choice&)>& on_valid = {},
                                const Deadline* first_by = nullptr);

// The local search alone, from a valid plan (a solver's): single sources moved to cheaper options
// while the plan stays valid, alone or two at a time, until no move is left or `deadline` passes.
// The plan it returns passes violations() whenever `valid` does.
Choice polish(const Problem& problem, const Choice& valid, const Deadline& deadline);

}  // namespace moat::plan
