// SPDX-License-Identifier: Apache-2.0
#include "plan/heuristic.h"

#include <algorithm>
#include <numeric>

#include "plan/exposure.h"

namespace moat::plan {
namespace {

// A plan being built or improved, with what each party holds and each supplier makes, so that
// a change is checked against the rules it can break — for the one party whose knowledge grows
// (a party that loses a package can only become safer) — instead of re-checking the whole plan.
class State {
 public:
  explicit State(const Problem& problem)
      : problem_(problem), choice_(problem.packages.size()), load_(problem.suppliers.size(), 0),
        packages_of_(problem.parties.size()), recipes_by_secret_(problem.secret_count),
        parties_by_secret_(problem.secret_count) {
    for (const CompiledParty& party : problem.parties) holders_.push_back({party.id, party.trusted, Bitset(problem.secret_count)});
    for (std::size_t r = 0; r < problem.recipes.size(); ++r) {
      relevant_.push_back(relevant_to(problem, problem.recipes[r].secrets));
      relevant_[r].for_each([&](std::size_t s) { recipes_by_secret_[s].push_back(r); });
    }
  }

  const Choice& choice() const { return choice_; }

  // How many secrets (after inference) option o of package p would newly give its party; 0
  // for a trusted party, whose knowledge does not count.
  std::size_t gain(std::size_t p, std::size_t o) const {
    const std::size_t party = problem_.suppliers[problem_.packages[p].options[o].supplier].party;
    if (holders_[party].trusted || holders_[party].held.contains(problem_.packages[p].exposes)) return 0;
    Bitset grown = holders_[party].held;
    grown.unite(problem_.packages[p].exposes);
    problem_.close(grown);
    return grown.count() - holders_[party].held.count();
  }

  // Whether package p may take option o (besides the sources it has, except `replacing`).
  bool fits(std::size_t p, std::size_t o, std::optional<std::size_t> replacing = std::nullopt) const {
    const CompiledPackage& package = problem_.packages[p];
    const std::size_t supplier = package.options[o].supplier;
    const std::size_t party = problem_.suppliers[supplier].party;
    const bool same_supplier = replacing && package.options[*replacing].supplier == supplier;
    if (!same_supplier && load_[supplier] + package.units > problem_.suppliers[supplier].capacity + 1e-6) return false;
    for (std::size_t chosen : choice_[p]) {
      if (replacing && chosen == *replacing) continue;
      if (problem_.suppliers[package.options[chosen].supplier].party == party) return false;
    }
    if (holders_[party].trusted || holders_[party].held.contains(package.exposes)) return true;
    Bitset grown = holders_[party].held;
    grown.unite(package.exposes);
    problem_.close(grown);
    return safe(party, grown);
  }

  void add(std::size_t p, std::size_t o) {
    choice_[p].push_back(o);
    apply(p, o, +1);
  }

  void replace(std::size_t p, std::size_t slot, std::size_t o) {
    const std::size_t old = choice_[p][slot];
    choice_[p][slot] = o;
    apply(p, old, -1);
    apply(p, o, +1);
  }

 private:
  void apply(std::size_t p, std::size_t o, int sign) {
    const CompiledPackage& package = problem_.packages[p];
    const std::size_t supplier = package.options[o].supplier;
    const std::size_t party = problem_.suppliers[supplier].party;
    load_[supplier] += sign * package.units;
    auto& list = packages_of_[party];
    if (sign > 0) {
      list.push_back(p);
    } else {
      list.erase(std::find(list.begin(), list.end(), p));
    }
    Bitset held(problem_.secret_count);
    for (std::size_t q : list) held.unite(problem_.packages[q].exposes);
    problem_.close(held);
    if (!holders_[party].trusted) {  // keep the index of who knows what
      holders_[party].held.minus(held).for_each([&](std::size_t s) { std::erase(parties_by_secret_[s], party); });
      held.minus(holders_[party].held).for_each([&](std::size_t s) { parties_by_secret_[s].push_back(party); });
    }
    holders_[party].held = std::move(held);
  }

  // Untrusted parties that know something relevant to recipe r.
  std::vector<std::size_t> knowing(std::size_t r) const {
    std::vector<std::size_t> out;
    relevant_[r].for_each([&](std::size_t s) { out.insert(out.end(), parties_by_secret_[s].begin(), parties_by_secret_[s].end()); });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  bool safe(std::size_t party, const Bitset& grown) const {
    if (problem_.total_weight > 0 &&
        problem_.weight_of(grown) > problem_.parties[party].cap * problem_.total_weight + 1e-9) {
      return false;
    }
    if (problem_.collusion < 1) return true;
    // Only recipes the new knowledge bears on can newly be completed.
    std::vector<std::size_t> touched;
    grown.minus(holders_[party].held).for_each([&](std::size_t s) {
      touched.insert(touched.end(), recipes_by_secret_[s].begin(), recipes_by_secret_[s].end());
    });
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (std::size_t r : touched) {
      const std::vector<std::size_t> others = problem_.collusion > 1 ? knowing(r) : std::vector<std::size_t>{};
      if (completes_with(problem_, holders_, party, grown, problem_.recipes[r].secrets, relevant_[r], problem_.collusion,
                         others)) {
        return false;
      }
    }
    return true;
  }

  const Problem& problem_;
  Choice choice_;
  std::vector<double> load_;
  std::vector<std::vector<std::size_t>> packages_of_;  // per party
  std::vector<Holder> holders_;
  std::vector<Bitset> relevant_;                          // per recipe: its secrets and what leads to them
  std::vector<std::vector<std::size_t>> recipes_by_secret_;  // recipes each secret is relevant to
  std::vector<std::vector<std::size_t>> parties_by_secret_;  // untrusted parties holding each secret
};

double option_cost(const CompiledPackage& package, std::size_t o) {
  return package.options[o].unit_cost * package.units + package.options[o].fixed_cost;
}

// Most constrained first: fewest options per source, then most secrets exposed.
std::vector<std::size_t> constrained_order(const Problem& problem) {
  std::vector<std::size_t> order(problem.packages.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& pa = problem.packages[a];
    const auto& pb = problem.packages[b];
    const double ra = static_cast<double>(pa.options.size()) / pa.sources;
    const double rb = static_cast<double>(pb.options.size()) / pb.sources;
    if (ra != rb) return ra < rb;
    return pa.exposes.count() > pb.exposes.count();
  });
  return order;
}

// A constructive pass's end: a complete valid plan, or the packages it could not place (the
// pass goes on past them, so that one pass finds them all).
struct Built {
  std::optional<State> state;
  std::vector<std::size_t> stuck;
};

// One constructive pass in `order`. With `spread` > 0 an option's cost is weighed up by how
// much new knowledge it hands its party, so that secrets spread thin — what collusion levels of
// two and more need; pass 0 is purely cheapest-first.
Built construct(const Problem& problem, double spread, const Choice* hint, const std::vector<std::size_t>& order,
                const Deadline& deadline) {
  State state(problem);
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
          score[o] = option_cost(package, o) * (1 + spread * static_cast<double>(state.gain(p, o)));
        }
        std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
      }
      if (hint) {  // the hinted options first, in the hint's order
        std::vector<std::size_t> first = (*hint)[p];
        std::erase_if(candidates, [&](std::size_t o) { return std::find(first.begin(), first.end(), o) != first.end(); });
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
      if (!placed) {
        stuck.push_back(p);
        break;
      }
    }
  }
  if (!stuck.empty()) return {std::nullopt, std::move(stuck)};
  return {std::move(state), {}};
}

// Moves single sources to cheaper options while the plan stays valid (checked incrementally).
void improve(const Problem& problem, State& state, const Deadline& deadline) {
  bool improved = true;
  while (improved && !deadline.passed()) {
    improved = false;
    for (std::size_t p = 0; p < problem.packages.size(); ++p) {
      const CompiledPackage& package = problem.packages[p];
      for (std::size_t slot = 0; slot < state.choice()[p].size(); ++slot) {
        const double current = option_cost(package, state.choice()[p][slot]);
        for (std::size_t o = 0; o < package.options.size(); ++o) {  // options are cheapest first
          if (option_cost(package, o) >= current - 1e-9) break;
          const auto& chosen = state.choice()[p];
          if (std::find(chosen.begin(), chosen.end(), o) != chosen.end()) continue;
          if (state.fits(p, o, chosen[slot])) {
            state.replace(p, slot, o);
            improved = true;
            break;
          }
        }
      }
      if ((p & 63U) == 0 && deadline.passed()) return;
    }
  }
}

}  // namespace

HeuristicResult solve_heuristic(const Problem& problem, const Deadline& deadline, const Choice* hint) {
  // At each spread level, a pass that dead-ends is started again with the packages it could not
  // place moved to the front (they get first pick next time), a few times before spreading more.
  constexpr int kRestarts = 8;
  std::optional<State> state;
  for (double spread : {0.0, 0.25, 1.0, 4.0, 16.0}) {
    std::vector<std::size_t> order = constrained_order(problem);
    for (int attempt = 0; attempt <= kRestarts && !state && !deadline.passed(); ++attempt) {
      Built built = construct(problem, spread, hint, order, deadline);
      if (built.state) state.emplace(std::move(*built.state));
      if (built.stuck.empty()) break;
      std::vector<bool> moved(problem.packages.size(), false);
      for (std::size_t p : built.stuck) moved[p] = true;
      std::erase_if(order, [&](std::size_t p) { return moved[p]; });
      order.insert(order.begin(), built.stuck.begin(), built.stuck.end());
    }
    if (state || deadline.passed()) break;
  }
  if (!state) return {};
  improve(problem, *state, deadline);
  Choice choice = state->choice();
  // The incremental checks are the engine's; the plan it returns passes the full check too.
  if (!violations(problem, choice).empty()) return {};
  return {choice, cost_of(problem, choice)};
}

}  // namespace moat::plan
