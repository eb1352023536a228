// SPDX-License-Identifier: Apache-2.0
// Why no plan exists, as the smallest set of rules that cannot hold together and the change that
// would restore a plan. Two steps. First a direct check: a supplier whose capacity is below the
// units of the packages only it can make ("supplier F1's capacity 15,000 < 20,000 needed by P3,
// P7, which only it can make"). Then a deletion filter (Chinneck's) over the rule families — each
// supplier's capacity, each supplier's own exposure cap, the policy's exposure cap, each recipe's
// collusion rule: starting from all of them, each family is relaxed in turn and stays relaxed when
// still no plan exists. What remains is irreducible: relaxing any one of its rules gives a plan.
// Pure: the solver is passed in (plan/planner.cc passes its own, with a time limit).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "plan/instance.h"
#include "plan/problem.h"

namespace moat::plan {

struct Conflict {
  std::vector<std::string> rules;      // "capacity of F1 (15,000)", "collusion 2 for recipe R1"
  std::vector<std::string> packages;   // the packages they bind
  std::vector<std::string> suppliers;  // the suppliers they bind
  std::vector<std::string> restores;   // each a change that alone restores a plan, with its figures
  bool minimal = true;                 // false: a solve ran out of time, the set may hold more than needed
};

// Suppliers whose capacity is below what the packages only they can make need; one sentence each.
// `problem`: the instance compiled with its reductions (compile()'s defaults).
std::vector<std::string> capacity_conflicts(const Problem& problem);

// The solver: a plan (status optimal or feasible), `infeasible` when proven none, `unknown` else.
using Solver = std::function<Plan(const Instance&)>;

// The most trials the search for the least exposure cap a plan exists under takes, beyond the
// deletion filter's (minimal_conflict): a caller budgets its trials' time with them.
constexpr int kCapSearchSteps = 8;

// The minimal conflict of an instance `solver` finds infeasible. Empty rules when the instance is
// infeasible even with every family relaxed (eligibility and sourcing alone: find_conflicts says
// why) or when the first relaxation is not answered.
Conflict minimal_conflict(const Instance& instance, const Solver& solver);

// The conflict in sentences for Plan::reasons.
std::vector<std::string> conflict_reasons(const Conflict& conflict);

}  // namespace moat::plan
