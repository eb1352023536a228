// SPDX-License-Identifier: Apache-2.0
#include "plan/planner.h"

#include <algorithm>
#include <chrono>

#include "plan/conflict.h"
#include "plan/exact.h"
#include "plan/exact_process.h"
#include "plan/exposure.h"
#include "plan/heuristic.h"
#include "plan/infeasibility.h"

namespace moat::plan {
namespace {

using Clock = std::chrono::steady_clock;
// Kept back from the limit for describing the plan and printing it.
constexpr double kAnswerSeconds = 0.1;
// The heuristic may use this share of the limit to find a first plan; the rest is the exact engine's.
constexpr double kHeuristicShare = 0.6;
// With less time than this left, the exact engine is not started.
constexpr double kMinimumExactSeconds = 0.1;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

double seconds_left(Clock::time_point deadline) {
  return std::chrono::duration<double>(deadline - Clock::now()).count();
}

Plan infeasible(std::vector<std::string> reasons) {
  Plan plan;
  plan.status = PlanStatus::kInfeasible;
  plan.reasons = std::move(reasons);
  return plan;
}

// The smallest set of rules that cannot hold together and what restores a plan (plan/conflict.h),
// each trial solved within a share of the time left; then which collusion level gives a plan.
std::vector<std::string> relaxation_hints(const Instance& instance, const SolveOptions& options, Clock::time_point deadline) {
  std::vector<std::string> hints{"no plan meets every rule together"};
  const std::size_t trials = instance.suppliers.size() * 2 + instance.recipes.size() + 4;
  const double each = std::max(0.05, seconds_left(deadline) / 2 / static_cast<double>(trials + 1));
  const Solver quick = [&](const Instance& variant) {
    if (seconds_left(deadline) < each) return Plan{};  // unknown: out of time
    return solve(variant, {each, options.exact, std::nullopt, false});
  };
  for (std::string& reason : conflict_reasons(minimal_conflict(instance, quick))) hints.push_back(std::move(reason));
  const double left = seconds_left(deadline);
  if (instance.policy.collusion > 0 && left > 0.4) {
    Instance relaxed = instance;
    relaxed.policy.collusion -= 1;
    const Plan plan = solve(relaxed, {left / 2, options.exact, std::nullopt, false});
    if (plan.cost) {
      hints.push_back("with collusion " + std::to_string(relaxed.policy.collusion) + " a plan exists");
    }
  }
  return hints;
}

}  // namespace

Plan solve(const Instance& instance, const SolveOptions& options) {
  const Clock::time_point start = options.started.value_or(Clock::now());
  const Clock::time_point deadline = start + seconds(std::max(0.0, options.time_limit_seconds - kAnswerSeconds));
  const Problem problem = compile(instance);
  if (std::vector<std::string> conflicts = find_conflicts(problem); !conflicts.empty()) {
    return infeasible(std::move(conflicts));
  }
  if (std::vector<std::string> short_of = capacity_conflicts(instance); !short_of.empty()) {
    return infeasible(std::move(short_of));
  }
  const Clock::time_point heuristic_deadline =
      options.exact ? start + seconds(options.time_limit_seconds * kHeuristicShare) : deadline;
  const HeuristicResult quick = solve_heuristic(problem, std::min(deadline, heuristic_deadline));
  if (!options.exact || seconds_left(deadline) < kMinimumExactSeconds) {
    if (quick.choice) return describe(problem, *quick.choice, PlanStatus::kFeasible);
    Plan plan;
    plan.reasons.push_back(options.exact ? "the heuristic found no valid plan within the time limit, and none was proven impossible"
                                         : "the heuristic found no valid plan; run the exact engine to prove whether one exists");
    return plan;
  }
  const ExactResult exact = solve_exact_isolated(problem, deadline, quick.choice);
  switch (exact.outcome) {
    case ExactResult::Outcome::kInfeasible:
      if (!options.explain) return infeasible({});
      return infeasible(relaxation_hints(instance, options, deadline));
    case ExactResult::Outcome::kOptimal:
    case ExactResult::Outcome::kFeasible: {
      Plan plan = describe(problem, *exact.choice, exact.outcome == ExactResult::Outcome::kOptimal
                                                       ? PlanStatus::kOptimal
                                                       : PlanStatus::kFeasible);
      plan.lower_bound = exact.lower_bound;
      if (plan.status == PlanStatus::kOptimal) plan.lower_bound = plan.cost;
      return plan;
    }
    case ExactResult::Outcome::kUnknown: break;
  }
  Plan plan;
  plan.status = PlanStatus::kUnknown;
  plan.lower_bound = exact.lower_bound;
  plan.reasons.push_back("no valid plan found within the time limit, and none proven impossible");
  if (!exact.stopped.empty()) plan.reasons.push_back(exact.stopped);
  return plan;
}

std::vector<FrontierPoint> frontier(const Instance& instance, const SolveOptions& options) {
  std::vector<std::pair<int, double>> points;
  const double cap = instance.policy.max_exposure_share;
  points.emplace_back(0, 1.0);  // no protection at all: the price every other point is measured from
  for (int k = 1; k <= 3; ++k) points.emplace_back(k, cap);
  for (double tighter : {0.5, 0.35, 0.25}) {
    if (tighter < cap - 1e-9) points.emplace_back(instance.policy.collusion, tighter);
  }
  const double each = options.time_limit_seconds / static_cast<double>(points.size());
  std::vector<FrontierPoint> out;
  for (const auto& [k, share] : points) {
    Instance variant = instance;
    variant.policy.collusion = k;
    variant.policy.max_exposure_share = share;
    out.push_back({k, share, solve(variant, {each, options.exact, std::nullopt})});
  }
  return out;
}

}  // namespace moat::plan
