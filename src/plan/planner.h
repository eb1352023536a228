// SPDX-License-Identifier: Apache-2.0
// The planner's front door: an instance in, a plan out. Finds what makes an instance
// infeasible outright, runs the heuristic for a quick valid plan, then the exact engine (warm
// started from it) until it proves optimality or the time limit, and describes the result:
// assignments, each party's exposure, each recipe's minimum coalition. Also the price of
// protection: the same instance solved at several collusion levels and exposure caps.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/progress.h"
#include "plan/instance.h"

namespace moat::plan {

// How a solve stands while it runs: the best valid plan's cost so far and the proven lower bound
// (either may be unknown yet).
struct SolveProgress {
  std::optional<double> cost;
  std::optional<double> lower_bound;
};

// Of SolveOptions::grace_seconds, at most this share goes to the search for a first plan: the
// rest is for describing and printing it, whatever the estimate of that says.
inline constexpr double kMostGraceShare = 0.4;

struct SolveOptions {
  double time_limit_seconds = 30;
  bool exact = true;  // false: the heuristic alone
  // When the caller's clock started (reading the instance counts against the limit); now if unset.
  std::optional<std::chrono::steady_clock::time_point> started;
  // On a proven infeasibility, search for the minimal conflict (plan/conflict.h); false for the
  // trial solves of that search itself.
  bool explain = true;
  // The exact engine's Lagrangian bound and proof by guesses (ExactOptions::lagrangian); off only to
  // measure the engine without them.
  bool lagrangian = true;
  // Told, on the solving thread, whenever the search improves: the heuristic's plan, then each
  // better plan or higher bound of the exact engine. Observes only: the answer does not depend on it.
  std::function<void(const SolveProgress&)> on_progress = {};
  // Told, on the solving thread, of the heuristic's valid plan as an answer in itself (described in
  // one pass: each recipe's coalition from the greedy cover), as soon as it is found, so that a
  // caller that must answer before solve() returns (its own watch over the time limit) answers with
  // it instead of nothing. Costs the description of a plan (a tenth of a second at XL).
  std::function<void(const Plan&)> on_plan = {};
  // How long past the limit the caller's answer may end (`moat plan --instance` answers by the
  // limit plus half a second). When no valid plan has been found by the time the limit leaves for
  // the answer, compiling and the heuristic's search for a first plan (and its full check) go on
  // into this grace, as far as the answer once a plan is found (describing it once, printing it,
  // ending the process: measured by the time reading took, which grows with the instance and with
  // the machine's load alike) still ends within it, and at most kMostGraceShare of it. The local
  // search, the exact engine and the conflict search keep to the limit. 0: no grace.
  double grace_seconds = 0;
  // Set from another thread to stop early: the deadline counts as passed from then on, and the
  // answer is what was found by then (plan/deadline.h).
  std::shared_ptr<const std::atomic<bool>> stop = {};
  // Instances of few enough choices are searched whole (plan/enumerate.h) before the heuristic and
  // the MIP; false: straight to those (to test the MIP on the same small instances).
  bool enumerate = true;
};

// Answers within the time limit (plus the few tenths of a second describing the plan takes),
// whatever the exact engine is doing: the heuristic's plan first, the exact engine's
// improvements as they come, at the limit the best plan with its proven bound (`feasible`), or
// `unknown` with the reason when no valid plan was found.
Plan solve(const Instance& instance, const SolveOptions& options);

struct FrontierPoint {
  int collusion = 0;
  double max_exposure_share = 1.0;
  Plan plan;
};

// No protection (collusion 0, no cap), collusion 1..3 at the instance's cap, then the
// instance's collusion level under a few tighter caps. The points share `options.time_limit_seconds`
// (counted from `options.started`): each gets an equal part of what is left when its turn comes.
// `progress` is told the points solved.
std::vector<FrontierPoint> frontier(const Instance& instance, const SolveOptions& options,
                                    const Progress& progress = {});

}  // namespace moat::plan
