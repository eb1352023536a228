// SPDX-License-Identifier: Apache-2.0
#include "plan/heuristic.h"

#include <algorithm>
#include <numeric>

#include "plan/exposure.h"

namespace moat::plan {
namespace {

// Tracks what each party holds and each supplier's load while packages are assigned.
class PartialPlan {
 public:
  explicit PartialPlan(const Problem& problem)
      : problem_(problem), choice_(problem.packages.size()), load_(problem.suppliers.size(), 0) {
    for (const CompiledParty& party : problem.parties) holders_.push_back({party.id, party.trusted, Bitset(problem.secret_count)});
  }

  // Whether adding option `o` of package `p` keeps every rule that a partial plan can break.
  bool fits(std::size_t p, std::size_t o) const {
    const CompiledPackage& package = problem_.packages[p];
    const std::size_t supplier = package.options[o].supplier;
    const std::size_t party = problem_.suppliers[supplier].party;
    if (load_[supplier] + package.units > problem_.suppliers[supplier].capacity + 1e-6) return false;
    for (std::size_t chosen : choice_[p]) {
      if (problem_.suppliers[package.options[chosen].supplier].party == party) return false;
    }
    if (holders_[party].trusted || holders_[party].held.contains(package.exposes)) return true;
    std::vector<Holder> next = holders_;
    next[party].held.unite(package.exposes);
    problem_.close(next[party].held);
    return safe(next, party);
  }

  void add(std::size_t p, std::size_t o) {
    const CompiledPackage& package = problem_.packages[p];
    const std::size_t supplier = package.options[o].supplier;
    const std::size_t party = problem_.suppliers[supplier].party;
    choice_[p].push_back(o);
    load_[supplier] += package.units;
    holders_[party].held.unite(package.exposes);
    problem_.close(holders_[party].held);
  }

  const Choice& choice() const { return choice_; }

 private:
  bool safe(const std::vector<Holder>& holders, std::size_t party) const {
    if (problem_.total_weight > 0 &&
        problem_.weight_of(holders[party].held) > problem_.parties[party].cap * problem_.total_weight + 1e-9) {
      return false;
    }
    for (const CompiledRecipe& recipe : problem_.recipes) {
      if (!holders[party].held.intersects(recipe.secrets) && problem_.rules.empty()) continue;
      const Coalition coalition = min_coalition(problem_, holders, recipe.secrets, problem_.collusion);
      if (coalition.size && *coalition.size <= problem_.collusion) return false;
    }
    return true;
  }

  const Problem& problem_;
  Choice choice_;
  std::vector<double> load_;
  std::vector<Holder> holders_;
};

std::optional<Choice> construct(const Problem& problem) {
  std::vector<std::size_t> order(problem.packages.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Most constrained first: fewest options per source, then most secrets exposed.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& pa = problem.packages[a];
    const auto& pb = problem.packages[b];
    const double ra = static_cast<double>(pa.options.size()) / pa.sources;
    const double rb = static_cast<double>(pb.options.size()) / pb.sources;
    if (ra != rb) return ra < rb;
    return pa.exposes.count() > pb.exposes.count();
  });
  PartialPlan plan(problem);
  for (std::size_t p : order) {
    for (int source = 0; source < problem.packages[p].sources; ++source) {
      bool placed = false;
      for (std::size_t o = 0; o < problem.packages[p].options.size() && !placed; ++o) {
        if (std::find(plan.choice()[p].begin(), plan.choice()[p].end(), o) != plan.choice()[p].end()) continue;
        if (plan.fits(p, o)) {
          plan.add(p, o);
          placed = true;
        }
      }
      if (!placed) return std::nullopt;
    }
  }
  return plan.choice();
}

// Moves single sources to cheaper options while the whole plan stays valid.
void improve(const Problem& problem, Choice& choice, std::chrono::steady_clock::time_point deadline) {
  bool improved = true;
  while (improved && std::chrono::steady_clock::now() < deadline) {
    improved = false;
    for (std::size_t p = 0; p < problem.packages.size(); ++p) {
      const CompiledPackage& package = problem.packages[p];
      for (std::size_t slot = 0; slot < choice[p].size(); ++slot) {
        const std::size_t current = choice[p][slot];
        const double current_cost = package.options[current].unit_cost * package.units + package.options[current].fixed_cost;
        for (std::size_t o = 0; o < package.options.size(); ++o) {  // options are cheapest first
          const double cost = package.options[o].unit_cost * package.units + package.options[o].fixed_cost;
          if (cost >= current_cost - 1e-9) break;
          if (std::find(choice[p].begin(), choice[p].end(), o) != choice[p].end()) continue;
          choice[p][slot] = o;
          if (violations(problem, choice).empty()) {
            improved = true;
            break;
          }
          choice[p][slot] = current;
        }
        if (std::chrono::steady_clock::now() >= deadline) return;
      }
    }
  }
}

}  // namespace

HeuristicResult solve_heuristic(const Problem& problem, std::chrono::steady_clock::time_point deadline) {
  std::optional<Choice> choice = construct(problem);
  if (!choice || !violations(problem, *choice).empty()) return {};
  improve(problem, *choice, deadline);
  return {choice, cost_of(problem, *choice)};
}

}  // namespace moat::plan
