// SPDX-License-Identifier: Apache-2.0
#include "plan/plan_state.h"

#include <algorithm>
#include <unordered_map>

namespace moat::plan {

PlanState::PlanState(const Problem& problem, const Deadline& deadline)
    : problem_(problem),
      deadline_(deadline),
      choice_(problem.packages.size()),
      load_(problem.suppliers.size(), 0),
      packages_of_(problem.parties.size()),
      given_(problem.parties.size(), Bitset(problem.secret_count)),
      givers_(problem.parties.size()),
      recipes_by_secret_(problem.secret_count),
      recipes_with_(problem.secret_count),
      parties_by_secret_(problem.secret_count),
      ancestors_(problem) {
  for (const CompiledParty& party : problem.parties)
    holders_.push_back({party.id, party.trusted, Bitset(problem.secret_count)});
  for (std::size_t r = 0; r < problem.recipes.size(); ++r) {
    relevant_.push_back(relevant_to(problem, problem.recipes[r].secrets));
    relevant_[r].for_each([&](std::size_t s) { recipes_by_secret_[s].push_back(r); });
    problem.recipes[r].secrets.for_each([&](std::size_t s) { recipes_with_[s].push_back(r); });
  }
}

std::size_t PlanState::gain(std::size_t p, std::size_t o) const {
  const std::size_t party = problem_.suppliers[problem_.packages[p].options[o].supplier].party;
  if (holders_[party].trusted || holders_[party].held.contains(problem_.packages[p].exposes)) return 0;
  Bitset grown = holders_[party].held;
  return problem_.grow(grown, problem_.packages[p].exposes);
}

bool PlanState::fits(std::size_t p, std::size_t o, std::optional<std::size_t> replacing) const {
  const CompiledPackage& package = problem_.packages[p];
  const std::size_t supplier = package.options[o].supplier;
  const bool same_supplier = replacing && package.options[*replacing].supplier == supplier;
  if (!same_supplier && over_capacity(load_[supplier] + package.units, problem_.suppliers[supplier].capacity))
    return false;
  return allowed(p, o, replacing);
}

bool PlanState::allowed(std::size_t p, std::size_t o, std::optional<std::size_t> replacing) const {
  const CompiledPackage& package = problem_.packages[p];
  const std::size_t party = problem_.suppliers[package.options[o].supplier].party;
  for (std::size_t chosen : choice_[p]) {
    if (replacing && chosen == *replacing) continue;
    if (problem_.suppliers[package.options[chosen].supplier].party == party) return false;
  }
  if (holders_[party].trusted || holders_[party].held.contains(package.exposes)) return true;
  Bitset grown = holders_[party].held;
  problem_.grow(grown, package.exposes);
  return safe(party, grown);
}

void PlanState::add(std::size_t p, std::size_t o) {
  choice_[p].push_back(o);
  apply(p, o, +1);
}

void PlanState::replace(std::size_t p, std::size_t slot, std::size_t o) {
  const std::size_t old = choice_[p][slot];
  choice_[p][slot] = o;
  apply(p, old, -1);
  apply(p, o, +1);
}

bool PlanState::repair(std::size_t p, const Deadline& deadline) {
  constexpr std::size_t kMaxMoves = 48;
  std::size_t moves = 0;
  const CompiledPackage& package = problem_.packages[p];
  for (std::size_t o = 0; o < package.options.size() && moves < kMaxMoves && !deadline.passed(); ++o) {
    if (std::find(choice_[p].begin(), choice_[p].end(), o) != choice_[p].end()) continue;
    for (std::size_t q : in_the_way(p, o)) {
      if (++moves > kMaxMoves || deadline.passed()) break;
      if (move_aside(q, p, o)) return true;
    }
  }
  return false;
}

double PlanState::eject_for(std::size_t p, std::size_t slot, std::size_t o, double saving,
                            const Deadline& deadline) {
  constexpr double kLeast = 1e-9;         // a saving smaller than this is rounding, not a saving
  constexpr std::size_t kMostTries = 32;  // packages tried off the full supplier, at most
  const CompiledPackage& package = problem_.packages[p];
  const std::size_t old = choice_[p][slot];
  const std::size_t supplier = package.options[o].supplier;
  const std::size_t old_party = problem_.suppliers[package.options[old].supplier].party;
  const double excess = load_[supplier] + package.units - problem_.suppliers[supplier].capacity;
  // Only capacity is made room for: o kept out by a rule as the plan stands is not tried.
  const double margin = 1e-12 * std::abs(problem_.suppliers[supplier].capacity);  // as over_capacity
  if (excess <= margin || !allowed(p, o, old)) return 0;
  std::vector<std::size_t> candidates;  // packages on the full supplier large enough to make room
  for (std::size_t q : packages_of_[problem_.suppliers[supplier].party]) {
    if (candidates.size() == kMostTries) break;
    if (q != p && problem_.packages[q].units >= excess - margin && uses_supplier(q, supplier))
      candidates.push_back(q);
  }
  for (std::size_t q : candidates) {
    if (deadline.passed()) return 0;
    const CompiledPackage& other = problem_.packages[q];
    for (std::size_t q_slot = 0; q_slot < choice_[q].size(); ++q_slot) {
      const std::size_t q_old = choice_[q][q_slot];
      if (other.options[q_old].supplier != supplier) continue;
      // Where q could go for less than the saving, as the plan stands: p's move only makes room
      // in p's old party, and in o's party it is checked again once p is there.
      const double q_cost = other.cost(q_old);
      std::vector<std::size_t> targets;
      for (std::size_t c = 0; c < other.options.size(); ++c) {  // cheapest first
        if (other.cost(c) - q_cost >= saving - kLeast) break;
        if (std::find(choice_[q].begin(), choice_[q].end(), c) != choice_[q].end()) continue;
        if (problem_.suppliers[other.options[c].supplier].party == old_party || fits(q, c, q_old))
          targets.push_back(c);
      }
      if (targets.empty()) continue;
      remove(q, q_slot);
      if (fits(p, o, old)) {
        replace(p, slot, o);
        for (std::size_t c : targets) {
          if (fits(q, c)) {
            restore(q, q_slot, c);
            return saving - (other.cost(c) - q_cost);
          }
        }
        replace(p, slot, old);  // back to the valid plan it was
      }
      restore(q, q_slot, q_old);
    }
  }
  return 0;
}

std::vector<std::size_t> PlanState::in_the_way(std::size_t p, std::size_t o) const {
  const CompiledPackage& package = problem_.packages[p];
  const std::size_t supplier = package.options[o].supplier;
  const std::size_t party = problem_.suppliers[supplier].party;
  std::vector<std::size_t> out;
  if (over_capacity(load_[supplier] + package.units, problem_.suppliers[supplier].capacity)) {
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
    // Per party, what bears on any recipe touched that it could help complete; then each party's
    // packages once (a party making most packages, looked at once per recipe, took seconds a call).
    std::unordered_map<std::size_t, Bitset> bearing;
    for (std::size_t r : touched) {
      std::vector<std::size_t> parties = problem_.collusion > 1 ? knowing(r) : std::vector<std::size_t>{};
      parties.push_back(party);
      for (std::size_t g : parties) {
        auto [it, fresh] = bearing.try_emplace(g, Bitset(problem_.secret_count));
        it->second.unite(relevant_[r]);
      }
    }
    for (const auto& [g, secrets] : bearing) {
      for (std::size_t q : packages_of_[g]) {
        if (q != p && problem_.packages[q].exposes.intersects(secrets)) out.push_back(q);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool PlanState::uses_supplier(std::size_t q, std::size_t supplier) const {
  return std::any_of(choice_[q].begin(), choice_[q].end(),
                     [&](std::size_t o) { return problem_.packages[q].options[o].supplier == supplier; });
}

bool PlanState::move_aside(std::size_t q, std::size_t p, std::size_t o) {
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

bool PlanState::place_other_than(std::size_t q, std::size_t old) {
  for (std::size_t o = 0; o < problem_.packages[q].options.size(); ++o) {  // cheapest first
    if (o == old || std::find(choice_[q].begin(), choice_[q].end(), o) != choice_[q].end()) continue;
    if (fits(q, o)) {
      add(q, o);
      return true;
    }
  }
  return false;
}

void PlanState::remove(std::size_t p, std::size_t slot) {
  const std::size_t o = choice_[p][slot];
  choice_[p].erase(choice_[p].begin() + static_cast<std::ptrdiff_t>(slot));
  apply(p, o, -1);
}

void PlanState::restore(std::size_t p, std::size_t slot, std::size_t o) {
  choice_[p].insert(choice_[p].begin() + static_cast<std::ptrdiff_t>(slot), o);
  apply(p, o, +1);
}

void PlanState::apply(std::size_t p, std::size_t o, int sign) {
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
  if (holders_[party].trusted) return;  // what a trusted party holds counts for no rule
  auto& givers = givers_[party];
  Bitset held;
  if (sign > 0) {
    package.exposes.for_each([&](std::size_t s) {
      if (givers[s]++ == 0) given_[party].set(s);
    });
    held = holders_[party].held;
    problem_.grow(held, package.exposes);
  } else {
    bool lost = false;
    package.exposes.for_each([&](std::size_t s) {
      const auto it = givers.find(s);
      if (--it->second > 0) return;
      givers.erase(it);
      given_[party].reset(s);
      lost = true;
    });
    if (!lost) return;     // every secret it gave, another source still gives
    held = given_[party];  // what it loses may have led to other secrets: closed again
    problem_.close(held);
  }
  // Keep the index of who knows what.
  holders_[party].held.minus(held).for_each([&](std::size_t s) { std::erase(parties_by_secret_[s], party); });
  held.minus(holders_[party].held).for_each([&](std::size_t s) { parties_by_secret_[s].push_back(party); });
  holders_[party].held = std::move(held);
}

std::vector<std::size_t> PlanState::knowing(std::size_t r) const {
  Bitset parties(problem_.parties.size());
  relevant_[r].for_each([&](std::size_t s) {
    for (std::size_t g : parties_by_secret_[s]) parties.set(g);
  });
  std::vector<std::size_t> out;
  parties.for_each([&](std::size_t g) { out.push_back(g); });
  return out;
}

bool PlanState::safe(std::size_t party, const Bitset& grown) const {
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
    const std::vector<std::size_t> others = problem_.collusion > 1 ? knowing(r) : std::vector<std::size_t>{};
    completes = completes_with(problem_, holders_, party, grown, problem_.recipes[r].secrets, relevant_[r],
                               problem_.collusion, others, &ancestors_, deadline_);
  });
  return !completes;
}

}  // namespace moat::plan
