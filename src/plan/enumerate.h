// SPDX-License-Identifier: Apache-2.0
// The exact engine for instances small enough to search whole: every choice of sources, depth
// first, each package's sources taken in option order (cheapest first, so that no choice is
// visited twice and good plans come early). A branch ends where a source breaks a rule — knowledge
// and loads only grow as sources are added, so a rule broken stays broken (PlanState's check) —
// or where its cost plus the cheapest sources of the packages left cannot undercut the best plan.
// Where it finishes, its answer is a proof: the cheapest plan, or that none exists. It is for the
// instances where the MIP's coalition rounds are slowest for their size: a five-package instance
// at collusion 3 took CBC seconds to a minute to prove infeasible; this takes milliseconds.
#pragma once

#include <cstddef>
#include <optional>

#include "plan/deadline.h"
#include "plan/problem.h"

namespace moat::plan {

// Searched whole, with half the time left, when the instance has at most this many choices (the
// product over packages of the ways to pick its sources among its options).
constexpr double kFewChoices = 1 << 20;
// Tried, with a fifth of the time left, up to this many: branches cut by rules and costs usually end
// the search long before (twelve packages at collusion 3: 0.14 s, where CBC took 8.4 s), but not
// always; then the heuristic and the MIP go on with the rest, and with the best plan it found.
constexpr double kMostEnumeratedChoices = 1e18;

// How many choices of sources `problem` has (the product over its packages), as a double: it can
// be far beyond any integer's range.
double choice_count(const Problem& problem);

struct Enumerated {
  enum class Outcome { kOptimal, kInfeasible, kUnfinished };
  Outcome outcome = Outcome::kUnfinished;
  // kOptimal: the cheapest valid plan; kUnfinished: the cheapest found by the deadline, if any.
  std::optional<Choice> choice;
};

// Every choice of `problem` searched by `deadline` (kUnfinished when it passed first).
Enumerated enumerate_plans(const Problem& problem, const Deadline& deadline);

}  // namespace moat::plan
