// SPDX-License-Identifier: Apache-2.0
// The exact engine: a mixed-integer model solved by COIN-OR CBC. Assignment, distinct parties,
// capacity, inference (per party), exposure caps and — compactly — single-party collusion are
// in the model; coalitions of two or more parties are excluded by cuts generated from each
// solution that breaks the rule and added before solving again, until a solution is valid.
// Every cut is valid for the true problem, so CBC's bound is a true lower bound throughout.
// Before CBC: the LP relaxation (a first bound, raised by cover cuts on the capacities and, at
// collusion 2 and more, by covers on what two parties could pool, which join the model), a plan
// rounded from it and repaired, the neighbourhood of that plan and, while the plan is far above
// the bound, the neighbourhoods of the suppliers it uses; CBC then looks only for plans cheaper
// than the best (a cutoff). Where the capacities bind, a Lagrangian bound (a knapsack per supplier)
// fixes most columns against guesses just above the bound, and CBC proves on what is left.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "plan/deadline.h"
#include "plan/problem.h"

namespace moat::plan {

struct ExactResult {
  enum class Outcome { kOptimal, kFeasible, kInfeasible, kUnknown } outcome = Outcome::kUnknown;
  std::optional<Choice> choice;       // the best valid plan found
  std::optional<double> lower_bound;  // proven
  int rounds = 0;                     // solves (one plus one per round of coalition cuts)
  std::size_t fixed_columns = 0;      // left out of the last solve by the relaxation's reduced costs
  int guesses = 0;                    // solves of a proof by rising guesses (none: it was not worth it)
  int preprocessing_checked = 0;      // CBC runs whose preprocessing decided them, solved again (exact.cc)
  std::string stopped;                // why the engine stopped early, for a person (empty: it did not)
};

struct ExactOptions {
  // Round the LP relaxation and, after each round, CBC's solution, and repair them into valid
  // plans with the heuristic (off only to measure CBC alone).
  bool repair = true;
  // Fix columns by a Lagrangian bound of the capacities and prove by rising guesses where that pays
  // (off only to measure the engine without them).
  bool lagrangian = true;
  // Called with the result so far whenever it improves (a better valid plan or a higher bound),
  // so that a caller that must stop at a deadline keeps what was found.
  std::function<void(const ExactResult&)> on_improvement;
};

// `incumbent`: a valid plan to start from (from the heuristic), if any. CBC is given the time
// left before `deadline` once the model is built; CBC can overrun it (see exact_process.h).
ExactResult solve_exact(const Problem& problem, const Deadline& deadline,
                        const std::optional<Choice>& incumbent, const ExactOptions& options = {});

}  // namespace moat::plan
