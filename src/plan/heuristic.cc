// SPDX-License-Identifier: Apache-2.0
#include "plan/heuristic.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "plan/exposure.h"
#include "plan/plan_state.h"

namespace moat::plan {
namespace {

// The local search stops this many times the first full check's duration before the deadline,
// so that checking the plan it ends with finishes in time.
constexpr double kCheckMargin = 2.0;
// The local search's passes of moves two at a time go on while a pass saves this share of the cost.
constexpr double kLeastEjectionGain = 0.001;

// Most constrained first: fewest options per source, then most secrets exposed.
std::vector<std::size_t> constrained_order(const Problem& problem) {
  struct Key {
    double options_per_source;
    std::size_t exposed;
  };
  std::vector<Key> keys;  // counted once, not at every comparison (a third of a deep XL pass)
  keys.reserve(problem.packages.size());
  for (const CompiledPackage& package : problem.packages)
    keys.push_back({static_cast<double>(package.options.size()) / package.sources, package.exposes.count()});
  std::vector<std::size_t> order(problem.packages.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (keys[a].options_per_source != keys[b].options_per_source)
      return keys[a].options_per_source < keys[b].options_per_source;
    return keys[a].exposed > keys[b].exposed;
  });
  return order;
}

// A constructive pass's end: a complete valid plan, or the packages it could not place (the
// pass goes on past them, so that one pass finds them all).
struct Built {
  std::optional<PlanState> state;
  std::vector<std::size_t> stuck;
};

// One constructive pass in `order`. With `spread` > 0 an option's cost is weighed up by how
// much new knowledge it hands its party, so that secrets spread thin — what collusion levels of
// two and more need; pass 0 is purely cheapest-first.
Built construct(const Problem& problem, double spread, const Choice* hint,
                const std::vector<std::size_t>& order, const Deadline& deadline) {
  PlanState state(problem, deadline);
  std::vector<std::size_t> stuck;
  std::size_t placed_packages = 0;
  for (std::size_t p : order) {
    if ((++placed_packages & 15U) == 0 && deadline.passed()) return {};
    const CompiledPackage& package = problem.packages[p];
    for (int source = 0; source < package.sources; ++source) {
      std::vector<std::size_t> candidates(package.options.size());
      std::iota(candidates.begin(), candidates.end(), std::size_t{0});
      if (spread > 0) {
        std::vector<double> score(package.options.size());
        for (std::size_t o = 0; o < package.options.size(); ++o) {
          score[o] = package.cost(o) * (1 + spread * static_cast<double>(state.gain(p, o)));
        }
        std::stable_sort(candidates.begin(), candidates.end(),
                         [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
      }
      if (hint) {  // the hinted options first, in the hint's order
        std::vector<std::size_t> first = (*hint)[p];
        std::erase_if(candidates,
                      [&](std::size_t o) { return std::find(first.begin(), first.end(), o) != first.end(); });
        candidates.insert(candidates.begin(), first.begin(), first.end());
      }
      bool placed = false;
      for (std::size_t o : candidates) {
        const auto& chosen = state.choice()[p];
        if (std::find(chosen.begin(), chosen.end(), o) != chosen.end()) continue;
        if (state.fits(p, o)) {
          state.add(p, o);
          placed = true;
          break;
        }
      }
      if (!placed && !state.repair(p, deadline)) {
        stuck.push_back(p);
        break;
      }
    }
  }
  if (!stuck.empty()) return {std::nullopt, std::move(stuck)};
  return {std::move(state), {}};
}

// One pass over every source of every package, offering `move` its cheaper options in order (it
// changes the plan only when it says yes, with the saving it is offered); whether any moved.
template <class Move>
bool pass(const Problem& problem, PlanState& state, const Deadline& deadline, Move&& move) {
  bool improved = false;
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    const CompiledPackage& package = problem.packages[p];
    for (std::size_t slot = 0; slot < state.choice()[p].size(); ++slot) {
      const double current = package.cost(state.choice()[p][slot]);
      for (std::size_t o = 0; o < package.options.size(); ++o) {  // options are cheapest first
        if (package.cost(o) >= current - 1e-9) break;
        const auto& chosen = state.choice()[p];
        if (std::find(chosen.begin(), chosen.end(), o) != chosen.end()) continue;
        if (move(p, slot, o, current - package.cost(o))) {
          improved = true;
          break;
        }
      }
    }
    if (deadline.passed()) return improved;
  }
  return improved;
}

// Single sources moved to cheaper options that fit as the plan stands.
bool shift_pass(const Problem& problem, PlanState& state, const Deadline& deadline) {
  return pass(problem, state, deadline, [&](std::size_t p, std::size_t slot, std::size_t o, double) {
    if (!state.fits(p, o, state.choice()[p][slot])) return false;
    state.replace(p, slot, o);
    return true;
  });
}

// Single sources moved to cheaper options on full suppliers, by moving a package off the supplier
// elsewhere for less than the saving (PlanState::eject_for): what a plan on full suppliers needs,
// where no single move is cheaper.
bool ejection_pass(const Problem& problem, PlanState& state, const Deadline& deadline) {
  return pass(problem, state, deadline, [&](std::size_t p, std::size_t slot, std::size_t o, double saving) {
    return state.eject_for(p, slot, o, saving, deadline) > 0;
  });
}

// Moves single sources to cheaper options while the plan stays valid (checked incrementally):
// each alone while any fits, then two at a time, pass after pass while a pass of those saves at
// least kLeastEjectionGain of the plan's cost. (Tight XL: the first pass saved 4.6%, the fourth
// 0.06%; later ones save less, time the exact engine's search uses better.)
void improve(const Problem& problem, PlanState& state, const Deadline& deadline) {
  while (!deadline.passed()) {
    if (shift_pass(problem, state, deadline)) continue;
    const double before = cost_of(problem, state.choice());
    if (!ejection_pass(problem, state, deadline)) return;
    if (before - cost_of(problem, state.choice()) < kLeastEjectionGain * std::abs(before)) return;
  }
}

// Constructive passes until one places every package: at each spread level, a pass that dead-ends
// is started again with the packages it could not place moved to the front (they get first pick
// next time); when that stops helping (no fewer packages stuck), secrets are spread more.
std::optional<PlanState> first_plan(const Problem& problem, const Deadline& deadline, const Choice* hint) {
  constexpr int kRestarts = 8;
  constexpr int kStalled = 2;  // passes without fewer stuck packages before spreading more
  for (double spread : {0.0, 0.25, 1.0, 4.0, 16.0}) {
    std::vector<std::size_t> order = constrained_order(problem);
    std::size_t fewest = problem.packages.size() + 1;
    int stalled = 0;
    for (int attempt = 0; attempt <= kRestarts && stalled < kStalled && !deadline.passed(); ++attempt) {
      Built built = construct(problem, spread, hint, order, deadline);
      if (built.state) return std::move(built.state);
      if (built.stuck.empty()) break;  // out of time
      stalled = built.stuck.size() < fewest ? 0 : stalled + 1;
      fewest = std::min(fewest, built.stuck.size());
      std::vector<bool> moved(problem.packages.size(), false);
      for (std::size_t p : built.stuck) moved[p] = true;
      std::erase_if(order, [&](std::size_t p) { return moved[p]; });
      order.insert(order.begin(), built.stuck.begin(), built.stuck.end());
    }
    if (deadline.passed()) break;
  }
  return std::nullopt;
}

}  // namespace

HeuristicResult solve_heuristic(const Problem& problem, const Deadline& deadline, const Choice* hint,
                                const std::function<void(const Choice&)>& on_valid,
                                const Deadline* first_by) {
  const Deadline& first_deadline = first_by && first_by->at() > deadline.at() ? *first_by : deadline;
  std::optional<PlanState> state = first_plan(problem, first_deadline, hint);
  if (!state) return {};
  // The incremental checks are the engine's; the plan it returns passes the full check too,
  // finished before the deadline: first the first plan's, whose time says how long before the
  // deadline the search must stop to check the plan it improves to.
  const Choice first = state->choice();
  const auto checking = Deadline::Clock::now();
  const std::optional<std::vector<std::string>> first_broken =
      violations_within(problem, first, first_deadline);
  if (!first_broken) return {std::nullopt, 0, true};
  const double check_seconds = std::chrono::duration<double>(Deadline::Clock::now() - checking).count();
  if (first_broken->empty() && on_valid) on_valid(first);
  // Every move keeps the plan valid, so the search can stop anywhere: at its deadline it ends
  // with the plan it has.
  const Deadline improving = deadline.earlier_by(std::chrono::duration_cast<Deadline::Clock::duration>(
      std::chrono::duration<double>(kCheckMargin * check_seconds)));
  state->set_deadline(improving);
  improve(problem, *state, improving);
  if (state->choice() != first) {
    const std::optional<std::vector<std::string>> broken =
        violations_within(problem, state->choice(), deadline);
    if (broken && broken->empty()) return {state->choice(), cost_of(problem, state->choice())};
  }
  if (first_broken->empty()) return {first, cost_of(problem, first)};
  return {};
}

Choice polish(const Problem& problem, const Choice& valid, const Deadline& deadline) {
  PlanState state(problem, deadline);
  for (std::size_t p = 0; p < valid.size(); ++p) {
    for (std::size_t o : valid[p]) state.add(p, o);
  }
  improve(problem, state, deadline);
  return state.choice();
}

}  // namespace moat::plan
