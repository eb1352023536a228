// SPDX-License-Identifier: Apache-2.0
#include "plan/planner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <system_error>
#include <thread>

#include "plan/conflict.h"
#include "plan/enumerate.h"
#include "plan/exact.h"
#include "plan/exact_process.h"
#include "plan/exposure.h"
#include "plan/heuristic.h"
#include "plan/infeasibility.h"

namespace moat::plan {
namespace {

// Kept back from the limit for describing the plan and printing it: a base, and more per
// package and recipe (an XL plan's exposure analysis and JSON take tenths of a second) — or,
// once the instance is compiled, this share of the time compiling took, if more: that measures
// the instance's size and the machine's speed under its present load alike.
constexpr double kAnswerSeconds = 0.05;
constexpr double kAnswerSecondsPerPackage = 4e-6;
constexpr double kAnswerSecondsPerRecipe = 1e-4;
constexpr double kAnswerShareOfCompiling = 0.6;
// And at least this share of the limit: stopping a large exact engine (its memory freed) and
// describing the plan on a loaded machine take longer than the instance's size alone says.
constexpr double kAnswerShareOfLimit = 0.03;
// Of that, the share kept for printing: describing the plan must end before it.
constexpr double kPrintShare = 0.3;
// When the caller read the instance before the clock given to solve() (SolveOptions::started):
// finishing the plan's description, printing it and ending the process take about this share of
// the time reading took, which grows with the instance and the machine's load alike (at XL and
// load 10: 0.5 s from describing's deadline to the plan's write, 0.3 s for the kernel to take
// back the memory of a process of 375 MB).
constexpr double kPrintShareOfReading = 0.4;
// Of the grace past the limit (SolveOptions::grace_seconds), this much is kept beyond the answer's
// estimate for the process to end (its memory taken back by the kernel).
constexpr double kGraceMarginSeconds = 0.1;
// The search for conflicts that prove infeasibility may use this share of the time left: past
// it, the heuristic's attempt at a plan is worth more.
constexpr double kConflictShare = 0.2;
// The heuristic may use this share of the limit (or of the time left after compiling, if more) to
// find a first plan; the rest is the exact engine's.
constexpr double kHeuristicShare = 0.6;
// Its search for a first plan, when it has none by then, may go on to this share of the time left
// (the exact engine then gets the rest): a plan the heuristic alone finds under the same limit is
// owed, and where it needs most of the limit the exact engine seldom finds one in the rest.
constexpr double kFirstPlanShare = 0.85;
// The search of every choice may use this share of the time left on an instance of few choices
// (plan/enumerate.h), and the second on one of more: the heuristic and the MIP get the rest if it
// has not finished by then.
constexpr double kEnumerationShare = 0.5;
constexpr double kEnumerationTryShare = 0.2;
// With less time than this left, the exact engine is not started.
constexpr double kMinimumExactSeconds = 0.1;
// Nor is it worth starting with less than this share of the time compiling took (its model is
// larger than the compiled problem): then the heuristic gets all the time left, not its share.
constexpr double kExactShareOfCompiling = 1.0;

// Why a plan the heuristic built is not the answer: never presented as valid unchecked.
constexpr const char* kUnchecked =
    "the heuristic built a plan, but checking it against every rule did not finish within the time limit";

Plan infeasible(std::vector<std::string> reasons) {
  Plan plan;
  plan.status = PlanStatus::kInfeasible;
  plan.reasons = std::move(reasons);
  return plan;
}

Plan unknown(std::vector<std::string> reasons) {
  Plan plan;
  plan.status = PlanStatus::kUnknown;
  plan.reasons = std::move(reasons);
  return plan;
}

Deadline later(const Deadline& a, const Deadline& b) {
  return a.at() < b.at() ? b : a;
}

double answer_seconds(const Instance& instance) {
  return kAnswerSeconds + kAnswerSecondsPerPackage * static_cast<double>(instance.packages.size()) +
         kAnswerSecondsPerRecipe * static_cast<double>(instance.recipes.size());
}

// Describing a plan once found, printing it and ending the process, from the time reading the
// instance took (`read`): see kPrintShareOfReading.
double printing_seconds(const Instance& instance, double read) {
  return std::max(answer_seconds(instance) * kPrintShare, kPrintShareOfReading * read);
}

// Until when compiling and the search for a first plan may go on when there is none by the time the
// limit leaves for the answer (SolveOptions::grace_seconds): the limit plus what is left of the
// grace once the answer after it (`printing`) and a margin are taken out (before the limit, when
// they take more), at most kMostGraceShare of the grace. With no grace: `start` itself (no later
// than any other deadline).
Deadline first_plan_by(const SolveOptions& options, Deadline::Clock::time_point start, double printing) {
  if (options.grace_seconds <= 0) return Deadline::after(0, start);
  const double past_limit = std::min(options.grace_seconds - kGraceMarginSeconds - printing,
                                     kMostGraceShare * options.grace_seconds);
  return Deadline::after(std::max(0.0, options.time_limit_seconds + past_limit), start)
      .stopped_by(options.stop);
}

// The smallest set of rules that cannot hold together and what restores a plan (plan/conflict.h),
// each trial solved within a share of the time left; then which collusion level gives a plan.
std::vector<std::string> relaxation_hints(const Instance& instance, const SolveOptions& options,
                                          const Deadline& deadline) {
  std::vector<std::string> hints{"no plan meets every rule together"};
  const std::size_t trials = instance.suppliers.size() * 2 + instance.recipes.size() + 4 + kCapSearchSteps;
  const double each = std::max(0.05, deadline.seconds_left() / 2 / static_cast<double>(trials + 1));
  const Solver quick = [&](const Instance& variant) {
    if (deadline.seconds_left() < each) return Plan{};  // unknown: out of time
    SolveOptions trial{each, options.exact, std::nullopt, false};
    trial.enumerate = options.enumerate;
    return solve(variant, trial);
  };
  for (std::string& reason : conflict_reasons(minimal_conflict(instance, quick)))
    hints.push_back(std::move(reason));
  const double left = deadline.seconds_left();
  if (instance.policy.collusion > 0 && left > 0.4) {
    Instance relaxed = instance;
    relaxed.policy.collusion -= 1;
    SolveOptions trial{left / 2, options.exact, std::nullopt, false};
    trial.enumerate = options.enumerate;
    const Plan plan = solve(relaxed, trial);
    if (plan.cost) {
      hints.push_back("with collusion " + std::to_string(relaxed.policy.collusion) + " a plan exists");
    }
  }
  return hints;
}

// The answer once an exact engine has proven that no plan exists: with what restores one, unless
// this is a trial of that search itself.
Plan proven_infeasible(const Instance& instance, const SolveOptions& options, const Deadline& deadline) {
  if (!options.explain) return infeasible({});
  return infeasible(relaxation_hints(instance, options, deadline));
}

// The heuristic's plan as an answer given early: each recipe's coalition found in one pass.
Plan first_plan(const Problem& problem, const Choice& choice) {
  Plan plan = describe(problem, choice, PlanStatus::kFeasible, Deadline::after(0));
  plan.reasons.insert(
      plan.reasons.begin(),
      "the time limit ran out while the search went on: this is the first valid plan it found");
  return plan;
}

// The exact engine from the heuristic's plan (if any) until `deadline`, and the plan it ends with.
// `described`: when describing the plan must end (its coalition search is cut short there).
Plan solve_exactly(const Instance& instance, const Problem& problem, const SolveOptions& options,
                   const Deadline& deadline, const Deadline& described, const std::optional<Choice>& quick) {
  ExactOptions exact_options;
  exact_options.lagrangian = options.lagrangian;
  if (options.on_progress) {
    exact_options.on_improvement = [&](const ExactResult& so_far) {
      options.on_progress({so_far.choice ? std::optional(cost_of(problem, *so_far.choice)) : std::nullopt,
                           so_far.lower_bound});
    };
  }
  const ExactResult exact = solve_exact_isolated(problem, deadline, quick, exact_options);
  switch (exact.outcome) {
    case ExactResult::Outcome::kInfeasible:
      return proven_infeasible(instance, options, deadline);
    case ExactResult::Outcome::kOptimal:
    case ExactResult::Outcome::kFeasible: {
      const bool optimal = exact.outcome == ExactResult::Outcome::kOptimal;
      Plan plan =
          describe(problem, *exact.choice, optimal ? PlanStatus::kOptimal : PlanStatus::kFeasible, described);
      plan.lower_bound = optimal ? plan.cost : exact.lower_bound;
      return plan;
    }
    case ExactResult::Outcome::kUnknown:
      break;
  }
  Plan plan = unknown({"no valid plan found within the time limit, and none proven impossible"});
  plan.lower_bound = exact.lower_bound;
  if (!exact.stopped.empty()) plan.reasons.push_back(exact.stopped);
  return plan;
}

// Frees `problem` on a thread of its own: an XL instance's compiled problem takes up to a second
// to free on a loaded machine, and the answer must not wait for it (a process that ends once it
// has answered never frees it at all).
void free_aside(std::unique_ptr<const Problem> problem) {
  try {
    std::thread([freed = std::move(problem)] {}).detach();
  } catch (const std::system_error&) {
    // No thread to be had: freed here, when the unique_ptr moved into the failed thread ends.
  }
}

// solve() once the instance is compiled (`compiled`: the seconds that took).
Plan solve_compiled(const Instance& instance, const Problem& problem, const SolveOptions& options,
                    Deadline::Clock::time_point start, double compiled, const Deadline& first_by_grace) {
  const double limit = options.time_limit_seconds;
  const double read = std::chrono::duration<double>(Deadline::Clock::now() - start).count() - compiled;
  const double printing = printing_seconds(instance, read);
  const double answer = std::max({answer_seconds(instance), kAnswerShareOfCompiling * compiled,
                                  kAnswerShareOfLimit * limit, printing + answer_seconds(instance)});
  const Deadline deadline = Deadline::after(std::max(0.0, limit - answer), start).stopped_by(options.stop);
  const Deadline described =
      Deadline::after(std::max(0.0, limit - std::max(answer * kPrintShare, printing)), start)
          .stopped_by(options.stop);
  const Conflicts conflicts = find_conflicts(problem, deadline.share(kConflictShare));
  if (!conflicts.reasons.empty()) return infeasible(conflicts.reasons);
  if (std::vector<std::string> short_of = capacity_conflicts(problem); !short_of.empty()) {
    return infeasible(std::move(short_of));
  }
  std::optional<Choice> searched;  // the best plan of a search of every choice that did not finish
  const double choices = options.exact && options.enumerate ? choice_count(problem) : HUGE_VAL;
  if (choices <= kMostEnumeratedChoices) {
    Enumerated whole = enumerate_plans(
        problem, deadline.share(choices <= kFewChoices ? kEnumerationShare : kEnumerationTryShare));
    if (whole.outcome == Enumerated::Outcome::kInfeasible) {
      return proven_infeasible(instance, options, deadline);
    }
    if (whole.outcome == Enumerated::Outcome::kOptimal) {
      Plan plan = describe(problem, *whole.choice, PlanStatus::kOptimal, described);
      plan.lower_bound = plan.cost;
      if (options.on_progress) options.on_progress({plan.cost, plan.lower_bound});
      return plan;
    }
    searched = std::move(whole.choice);
  }
  // Its share of the limit, or of the time left when reading and compiling took most of that; all
  // of the time left when what the exact engine would get is too little for it to build its model.
  const double exact_would_get = deadline.seconds_left() * (1 - kHeuristicShare);
  const bool exact_worth_it =
      options.exact && exact_would_get >= std::max(kMinimumExactSeconds, kExactShareOfCompiling * compiled);
  const Deadline heuristic_deadline =
      exact_worth_it ? deadline.sooner(later(Deadline::after(limit * kHeuristicShare, start),
                                             deadline.share(kHeuristicShare)))
                     : deadline;
  // With no plan by its deadline, the heuristic's search for a first plan goes on: to
  // kFirstPlanShare of the time left when the exact engine still has its minimum after that, or
  // else into the grace past the limit, where a plan found is the answer as told (described once).
  const bool exact_after_first_plan =
      exact_worth_it && deadline.seconds_left() * (1 - kFirstPlanShare) >= kMinimumExactSeconds;
  const Deadline first_by = exact_after_first_plan
                                ? later(heuristic_deadline, deadline.share(kFirstPlanShare))
                                : later(heuristic_deadline, first_by_grace);
  struct Told {
    Choice choice;
    Plan plan;
  };
  std::optional<Told> found_late;
  const auto on_valid = [&](const Choice& valid) {
    if (!options.on_plan && !deadline.passed()) return;
    Plan told = first_plan(problem, valid);
    if (options.on_plan) options.on_plan(told);
    if (deadline.passed()) found_late = Told{valid, std::move(told)};
  };
  const HeuristicResult quick = solve_heuristic(problem, heuristic_deadline, nullptr, on_valid, &first_by);
  if (found_late && quick.choice == found_late->choice) return std::move(found_late->plan);
  std::optional<Choice> best = quick.choice;
  if (searched && (!best || cost_of(problem, *searched) < quick.cost)) best = std::move(searched);
  if (best && options.on_progress) options.on_progress({cost_of(problem, *best), std::nullopt});
  if (options.exact && deadline.seconds_left() >= kMinimumExactSeconds) {
    Plan plan = solve_exactly(instance, problem, options, deadline, described, best);
    if (quick.unchecked && plan.status == PlanStatus::kUnknown) plan.reasons.push_back(kUnchecked);
    return plan;
  }
  if (best) return describe(problem, *best, PlanStatus::kFeasible, described);
  if (quick.unchecked) return unknown({kUnchecked});
  if (!options.exact) {
    // Out of time, or at a dead end with time left: a longer limit helps only the first.
    return unknown({first_by.passed() ? "the heuristic found no valid plan within the time limit; a longer "
                                        "--time-limit, or the exact engine, may find one"
                                      : "the heuristic found no valid plan; run the exact engine to prove "
                                        "whether one exists"});
  }
  return unknown({"the heuristic found no valid plan within the time limit, and none was proven impossible"});
}

}  // namespace

Plan solve(const Instance& instance, const SolveOptions& options) {
  const Deadline::Clock::time_point start = options.started.value_or(Deadline::Clock::now());
  const auto compiling = Deadline::Clock::now();
  // Compiling may go on into the grace past the limit as the search for a first plan may.
  const Deadline first_by_grace = first_plan_by(
      options, start, printing_seconds(instance, std::chrono::duration<double>(compiling - start).count()));
  std::optional<Problem> problem = compile_within(
      instance,
      later(Deadline::after(std::max(0.0, options.time_limit_seconds - answer_seconds(instance)), start),
            first_by_grace)
          .stopped_by(options.stop));
  if (!problem) return unknown({"the instance could not even be compiled within the time limit"});
  const double compiled = std::chrono::duration<double>(Deadline::Clock::now() - compiling).count();
  auto kept = std::make_unique<const Problem>(std::move(*problem));
  Plan plan = solve_compiled(instance, *kept, options, start, compiled, first_by_grace);
  free_aside(std::move(kept));
  return plan;
}

std::vector<FrontierPoint> frontier(const Instance& instance, const SolveOptions& options,
                                    const Progress& progress) {
  std::vector<std::pair<int, double>> points;
  const double cap = instance.policy.max_exposure_share;
  points.emplace_back(0, 1.0);  // no protection at all: the price every other point is measured from
  for (int k = 1; k <= 3; ++k) points.emplace_back(k, cap);
  for (double tighter : {0.5, 0.35, 0.25}) {
    if (tighter < cap - 1e-9) points.emplace_back(instance.policy.collusion, tighter);
  }
  using Clock = std::chrono::steady_clock;
  const Clock::time_point started = options.started.value_or(Clock::now());
  const Clock::time_point end = started + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(options.time_limit_seconds));
  std::vector<FrontierPoint> out;
  tell(progress, 0, points.size());
  for (const auto& [k, share] : points) {
    // What is left is shared among the points still to solve: time a point proven early did not
    // use goes to the ones after it, and the whole keeps the caller's limit.
    const Clock::time_point now = Clock::now();
    const double left = std::chrono::duration<double>(end - now).count();
    const double each = std::max(0.0, left) / static_cast<double>(points.size() - out.size());
    Instance variant = instance;
    variant.policy.collusion = k;
    variant.policy.max_exposure_share = share;
    SolveOptions one{each, options.exact, now};
    one.explain = options.explain;
    one.stop = options.stop;
    one.enumerate = options.enumerate;
    out.push_back({k, share, solve(variant, one)});
    tell(progress, out.size(), points.size());
  }
  return out;
}

}  // namespace moat::plan
