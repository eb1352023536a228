// SPDX-License-Identifier: Apache-2.0
#include "plan/enumerate.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "plan/exposure.h"
#include "plan/plan_state.h"

namespace moat::plan {
namespace {

// One source of one package: the search's levels, a package's sources side by side.
struct Slot {
  std::size_t package = 0;
  int source = 0;  // which of the package's sources
};

// Fewest options first (a package with few ends a branch soonest), then most secrets exposed.
std::vector<Slot> slots_in_order(const Problem& problem) {
  std::vector<std::size_t> order(problem.packages.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const CompiledPackage& pa = problem.packages[a];
    const CompiledPackage& pb = problem.packages[b];
    if (pa.options.size() != pb.options.size()) return pa.options.size() < pb.options.size();
    return pa.exposes.count() > pb.exposes.count();
  });
  std::vector<Slot> slots;
  for (std::size_t p : order) {
    for (int source = 0; source < problem.packages[p].sources; ++source) slots.push_back({p, source});
  }
  return slots;
}

}  // namespace

double choice_count(const Problem& problem) {
  double count = 1;
  for (const CompiledPackage& package : problem.packages) {
    const double options = static_cast<double>(package.options.size());
    double ways = 1;  // options choose sources
    for (int k = 0; k < package.sources; ++k) ways = ways * (options - k) / (k + 1);
    if (ways <= 0) return 0;  // fewer options than sources: no choice at all
    count *= ways;
  }
  return count;
}

Enumerated enumerate_plans(const Problem& problem, const Deadline& deadline) {
  const std::vector<Slot> slots = slots_in_order(problem);
  const std::size_t levels = slots.size();
  // The least the slots from each level on can cost. A package's sources are chosen in option order,
  // so its j-th source is at best its j-th cheapest option (options are sorted cheapest first).
  std::vector<double> rest(levels + 1, 0);
  for (std::size_t l = levels; l-- > 0;) {
    const CompiledPackage& package = problem.packages[slots[l].package];
    const auto j = static_cast<std::size_t>(slots[l].source);
    rest[l] = rest[l + 1] + (j < package.options.size() ? package.cost(j) : 0);
  }
  PlanState state(problem);
  std::vector<std::size_t> next(levels + 1, 0);  // per level: the next option to try
  std::vector<double> spent(levels + 1, 0);      // per level: what the sources above it cost
  std::optional<double> best;
  Enumerated out;
  if (deadline.passed()) return {};  // checked every 64 steps below: a search this small may end sooner
  DeadlineCheck<64> check(deadline);
  std::size_t l = 0;
  bool finished = true;
  while (true) {
    if (check.passed()) {
      finished = false;
      break;
    }
    bool deeper = false;
    if (l == levels) {
      if (!best || spent[l] < *best) {
        best = spent[l];
        out.choice = state.choice();
      }
    } else {
      const Slot& slot = slots[l];
      const CompiledPackage& package = problem.packages[slot.package];
      // Options that leave enough after them for the package's sources still to choose.
      const auto after = static_cast<std::size_t>(package.sources - slot.source - 1);
      while (next[l] + after < package.options.size()) {
        const std::size_t o = next[l]++;
        const double cost = spent[l] + package.cost(o);
        if (best && cost + rest[l + 1] >= *best) break;  // the options after o cost no less
        if (!state.fits(slot.package, o)) continue;
        state.add(slot.package, o);
        spent[l + 1] = cost;
        ++l;
        next[l] = l < levels && slots[l].source > 0 ? o + 1 : 0;
        deeper = true;
        break;
      }
    }
    if (deeper) continue;
    if (l == 0) break;
    --l;
    state.remove_last(slots[l].package);
  }
  if (!out.choice) {
    if (finished) out.outcome = Enumerated::Outcome::kInfeasible;
    return out;
  }
  // PlanState's check is exact; the full one, on the plan that will be presented as the optimum or
  // handed on, is cheap at this size and keeps a fault in either from being told as a proof.
  if (!violations(problem, *out.choice).empty()) return {};
  if (finished) out.outcome = Enumerated::Outcome::kOptimal;
  return out;
}

}  // namespace moat::plan
