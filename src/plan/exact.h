// SPDX-License-Identifier: Apache-2.0
// The exact engine: a mixed-integer model solved by COIN-OR CBC. Assignment, distinct parties,
// capacity, inference (per party), exposure caps and — compactly — single-party collusion are
// in the model; coalitions of two or more parties are excluded by cuts generated from each
// solution that breaks the rule and added before solving again, until a solution is valid.
// Every cut is valid for the true problem, so CBC's bound is a true lower bound throughout.
#pragma once

#include <chrono>
#include <optional>

#include "plan/problem.h"

namespace moat::plan {

struct ExactResult {
  enum class Outcome { kOptimal, kFeasible, kInfeasible, kUnknown } outcome = Outcome::kUnknown;
  std::optional<Choice> choice;       // the best valid plan found
  std::optional<double> lower_bound;  // proven
  int rounds = 0;                     // solves (one plus one per round of coalition cuts)
};

// `incumbent`: a valid plan to start from (from the heuristic), if any. `repair`: after each
// round, repair the relaxation's solution into a valid plan with the heuristic (off only to
// measure CBC alone).
ExactResult solve_exact(const Problem& problem, std::chrono::steady_clock::time_point deadline,
                        const std::optional<Choice>& incumbent, bool repair = true);

}  // namespace moat::plan
