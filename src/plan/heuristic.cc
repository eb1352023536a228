// SPDX-License-Identifier: Apache-2.0
#include "plan/heuristic.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "plan/exposure.h"

namespace moat::plan {
namespace {

// The local search stops this many times the first full check's duration before the deadline,
// so that checking the plan it ends with finishes in time.
constexpr double kCheckMargin = 2.0;

// A plan being built or improved, with what each party holds and each supplier makes, so that
// a change is checked against the rules it can break — for the one party whose knowledge grows
// (a party that loses a package can only become safer) — instead of re-checking the whole plan.
class State {
 public:
  explicit State(const Problem& problem)
      : problem_(problem),
        choice_(problem.packages.size()),
        load_(problem.suppliers.size(), 0),
        packages_of_(problem.parties.size()),
        recipes_by_secret_(problem.secret_count),
        recipes_with_(problem.secret_count),
        parties_by_secret_(problem.secret_count) {
    for (const CompiledParty& party : problem.parties)
      holders_.push_back({party.id, party.trusted, Bitset(problem.secret_count)});
    for (std::size_t r = 0; r < problem.recipes.size(); ++r) {
      relevant_.push_back(relevant_to(problem, problem.recipes[r].secrets));
      relevant_[r].for_each([&](std::size_t s) { recipes_by_secret_[s].push_back(r); });
      problem.recipes[r].secrets.for_each([&](std::size_t s) { recipes_with_[s].push_back(r); });
    }
  }

  const Choice& choice() const { return choice_; }

  // How many secrets (after inference) option o of package p would newly give its party; 0
  // for a trusted party, whose knowledge does not count.
  std::size_t gain(std::size_t p, std::size_t o) const {
    const std::size_t party = problem_.suppliers[problem_.packages[p].options[o].supplier].party;
    if (holders_[party].trusted || holders_[party].held.contains(problem_.packages[p].exposes)) return 0;
    Bitset grown = holders_[party].held;
    return problem_.grow(grown, problem_.packages[p].exposes);
  }

  // Whether package p may take option o (besides the sources it has, except `replacing`).
  bool fits(std::size_t p, std::size_t o, std::optional<std::size_t> replacing = std::nullopt) const {
    const CompiledPackage& package = problem_.packages[p];
    const std::size_t supplier = package.options[o].supplier;
    const std::size_t party = problem_.suppliers[supplier].party;
    const bool same_supplier = replacing && package.options[*replacing].supplier == supplier;
    if (!same_supplier && load_[supplier] + package.units > problem_.suppliers[supplier].capacity + 1e-6)
      return false;
    for (std::size_t chosen : choice_[p]) {
      if (replacing && chosen == *replacing) continue;
      if (problem_.suppliers[package.options[chosen].supplier].party == party) return false;
    }
    if (holders_[party].trusted || holders_[party].held.contains(package.exposes)) return true;
    Bitset grown = holders_[party].held;
    problem_.grow(grown, package.exposes);
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

  // Places one more source of package p, which fits nowhere as the plan stands, by moving one
  // package in its way — one its option's party or a would-be partner holds that bears on a
  // recipe p's secrets lead to, or one on the option's full supplier — to another of its own
  // options. A move only ever goes from a valid plan to a valid plan. False, with the plan
  // unchanged, when no single move within a few tries makes room.
  bool repair(std::size_t p, const Deadline& deadline) {
    constexpr std::size_t kMaxMoves = 48;
    std::size_t moves = 0;
    const CompiledPackage& package = problem_.packages[p];
    for (std::size_t o = 0; o < package.options.size() && moves < kMaxMoves; ++o) {
      if (std::find(choice_[p].begin(), choice_[p].end(), o) != choice_[p].end()) continue;
      for (std::size_t q : in_the_way(p, o)) {
        if (++moves > kMaxMoves || deadline.passed()) break;
        if (move_aside(q, p, o)) return true;
      }
    }
    return false;
  }

 private:
  // Packages whose removal could let package p take option o.
  std::vector<std::size_t> in_the_way(std::size_t p, std::size_t o) const {
    const CompiledPackage& package = problem_.packages[p];
    const std::size_t supplier = package.options[o].supplier;
    const std::size_t party = problem_.suppliers[supplier].party;
    std::vector<std::size_t> out;
    if (load_[supplier] + package.units > problem_.suppliers[supplier].capacity + 1e-6) {
      for (std::size_t q : packages_of_[party]) {
        if (q != p && uses_supplier(q, supplier)) out.push_back(q);
      }
    }
    if (!holders_[party].trusted) {
      Bitset grown = holders_[party].held;
      problem_.grow(grown, package.exposes);
      std::vector<std::size_t> touched;
      grown.for_each([&](std::size_t s) {
        touched.insert(touched.end(), recipes_by_secret_[s].begin(), recipes_by_secret_[s].end());
      });
      std::sort(touched.begin(), touched.end());
      touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
      for (std::size_t r : touched) {
        std::vector<std::size_t> parties = problem_.collusion > 1 ? knowing(r) : std::vector<std::size_t>{};
        parties.push_back(party);
        for (std::size_t g : parties) {
          for (std::size_t q : packages_of_[g]) {
            if (q != p && problem_.packages[q].exposes.intersects(relevant_[r])) out.push_back(q);
          }
        }
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  bool uses_supplier(std::size_t q, std::size_t supplier) const {
    return std::any_of(choice_[q].begin(), choice_[q].end(),
                       [&](std::size_t o) { return problem_.packages[q].options[o].supplier == supplier; });
  }

  // Moves one source of q to another of its options so that p can take option o; undone when
  // either does not fit.
  bool move_aside(std::size_t q, std::size_t p, std::size_t o) {
    for (std::size_t slot = 0; slot < choice_[q].size(); ++slot) {
      const std::size_t old = choice_[q][slot];
      remove(q, slot);
      if (fits(p, o)) {
        add(p, o);
        if (place_other_than(q, old)) return true;
        remove(p, choice_[p].size() - 1);
      }
      restore(q, slot, old);
    }
    return false;
  }

  bool place_other_than(std::size_t q, std::size_t old) {
    for (std::size_t o = 0; o < problem_.packages[q].options.size(); ++o) {  // cheapest first
      if (o == old || std::find(choice_[q].begin(), choice_[q].end(), o) != choice_[q].end()) continue;
      if (fits(q, o)) {
        add(q, o);
        return true;
      }
    }
    return false;
  }

  void remove(std::size_t p, std::size_t slot) {
    const std::size_t o = choice_[p][slot];
    choice_[p].erase(choice_[p].begin() + static_cast<std::ptrdiff_t>(slot));
    apply(p, o, -1);
  }

  void restore(std::size_t p, std::size_t slot, std::size_t o) {
    choice_[p].insert(choice_[p].begin() + static_cast<std::ptrdiff_t>(slot), o);
    apply(p, o, +1);
  }

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
    Bitset held = holders_[party].held;
    if (sign > 0) {
      problem_.grow(held, package.exposes);
    } else {  // what it loses may have led to other secrets: from scratch
      held = Bitset(problem_.secret_count);
      for (std::size_t q : list) held.unite(problem_.packages[q].exposes);
      problem_.close(held);
    }
    if (!holders_[party].trusted) {  // keep the index of who knows what
      holders_[party].held.minus(held).for_each(
          [&](std::size_t s) { std::erase(parties_by_secret_[s], party); });
      held.minus(holders_[party].held).for_each([&](std::size_t s) {
        parties_by_secret_[s].push_back(party);
      });
    }
    holders_[party].held = std::move(held);
  }

  // Untrusted parties that know something relevant to recipe r.
  // (Gathered in a bitset, sorted and without repeats as it is read: sorting the lists was a third
  // of the heuristic's time on deep M at collusion 2.)
  std::vector<std::size_t> knowing(std::size_t r) const {
    Bitset parties(problem_.parties.size());
    relevant_[r].for_each([&](std::size_t s) {
      for (std::size_t g : parties_by_secret_[s]) parties.set(g);
    });
    std::vector<std::size_t> out;
    parties.for_each([&](std::size_t g) { out.push_back(g); });
    return out;
  }

  bool safe(std::size_t party, const Bitset& grown) const {
    if (problem_.total_weight > 0 &&
        problem_.weight_of(grown) > problem_.parties[party].cap * problem_.total_weight + 1e-9) {
      return false;
    }
    if (problem_.collusion < 1) return true;
    // Only recipes the new knowledge bears on can newly be completed; a party alone (collusion 1)
    // completes only a recipe it now holds whole, so one with a secret it has just learnt.
    const auto& bearing = problem_.collusion > 1 ? recipes_by_secret_ : recipes_with_;
    Bitset touched(problem_.recipes.size());
    grown.minus(holders_[party].held).for_each([&](std::size_t s) {
      for (std::size_t r : bearing[s]) touched.set(r);
    });
    bool completes = false;
    touched.for_each([&](std::size_t r) {
      if (completes) return;
      const std::vector<std::size_t> others =
          problem_.collusion > 1 ? knowing(r) : std::vector<std::size_t>{};
      completes = completes_with(problem_, holders_, party, grown, problem_.recipes[r].secrets, relevant_[r],
                                 problem_.collusion, others);
    });
    return !completes;
  }

  const Problem& problem_;
  Choice choice_;
  std::vector<double> load_;
  std::vector<std::vector<std::size_t>> packages_of_;  // per party
  std::vector<Holder> holders_;
  std::vector<Bitset> relevant_;                             // per recipe: its secrets and what leads to them
  std::vector<std::vector<std::size_t>> recipes_by_secret_;  // recipes each secret is relevant to
  std::vector<std::vector<std::size_t>> recipes_with_;       // recipes each secret is part of
  std::vector<std::vector<std::size_t>> parties_by_secret_;  // untrusted parties holding each secret
};

double option_cost(const CompiledPackage& package, std::size_t o) {
  return package.options[o].unit_cost * package.units + package.options[o].fixed_cost;
}

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
  std::optional<State> state;
  std::vector<std::size_t> stuck;
};

// One constructive pass in `order`. With `spread` > 0 an option's cost is weighed up by how
// much new knowledge it hands its party, so that secrets spread thin — what collusion levels of
// two and more need; pass 0 is purely cheapest-first.
Built construct(const Problem& problem, double spread, const Choice* hint,
                const std::vector<std::size_t>& order, const Deadline& deadline) {
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

// Constructive passes until one places every package: at each spread level, a pass that dead-ends
// is started again with the packages it could not place moved to the front (they get first pick
// next time); when that stops helping (no fewer packages stuck), secrets are spread more.
std::optional<State> first_plan(const Problem& problem, const Deadline& deadline, const Choice* hint) {
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
                                const std::function<void(const Choice&)>& on_valid) {
  std::optional<State> state = first_plan(problem, deadline, hint);
  if (!state) return {};
  // The incremental checks are the engine's; the plan it returns passes the full check too,
  // finished before the deadline: first the first plan's, whose time says how long before the
  // deadline the search must stop to check the plan it improves to.
  const Choice first = state->choice();
  const auto checking = Deadline::Clock::now();
  const std::optional<std::vector<std::string>> first_broken = violations_within(problem, first, deadline);
  if (!first_broken) return {std::nullopt, 0, true};
  const double check_seconds = std::chrono::duration<double>(Deadline::Clock::now() - checking).count();
  if (first_broken->empty() && on_valid) on_valid(first);
  // Every move keeps the plan valid, so the search can stop anywhere: at its deadline it ends
  // with the plan it has.
  improve(problem, *state,
          deadline.earlier_by(std::chrono::duration_cast<Deadline::Clock::duration>(
              std::chrono::duration<double>(kCheckMargin * check_seconds))));
  if (state->choice() != first) {
    const std::optional<std::vector<std::string>> broken =
        violations_within(problem, state->choice(), deadline);
    if (broken && broken->empty()) return {state->choice(), cost_of(problem, state->choice())};
  }
  if (first_broken->empty()) return {first, cost_of(problem, first)};
  return {};
}

}  // namespace moat::plan
