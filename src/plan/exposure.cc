// SPDX-License-Identifier: Apache-2.0
#include "plan/exposure.h"

#include <algorithm>
#include <cstdio>

#include "plan/wording.h"

namespace moat::plan {

Bitset relevant_to(const Problem& problem, const Bitset& recipe) {
  Bitset relevant = recipe;
  problem.close_backwards(relevant);
  return relevant;
}

Bitset influenced_by(const Problem& problem, const Bitset& secrets) {
  Bitset influenced = secrets;
  bool changed = true;
  while (changed) {
    changed = false;
    for (const Rule& rule : problem.rules) {
      if (influenced.test(rule.gives)) continue;
      if (std::any_of(rule.from.begin(), rule.from.end(),
                      [&](std::size_t f) { return influenced.test(f); })) {
        influenced.set(rule.gives);
        changed = true;
      }
    }
  }
  return influenced;
}

namespace {

Bitset ancestors_and_self(const Problem& problem, std::size_t secret) {
  Bitset single(problem.secret_count);
  single.set(secret);
  return relevant_to(problem, single);
}

// Candidates taken in order while each adds to what the pool knows, until it completes `recipe`.
std::vector<std::size_t> first_completing(const Problem& problem, const Bitset& recipe,
                                          const std::vector<Bitset>& candidates) {
  Bitset pool(problem.secret_count);
  problem.close(pool);
  std::vector<std::size_t> chosen;
  for (std::size_t c = 0; c < candidates.size() && !pool.contains(recipe); ++c) {
    if (problem.grow(pool, candidates[c]) > 0) chosen.push_back(c);
  }
  return chosen;
}

class CoalitionSearch {
 public:
  CoalitionSearch(const Problem& problem, const Bitset& recipe, std::vector<Bitset> candidates,
                  const Deadline& deadline = {}, Ancestors* ancestors = nullptr)
      : problem_(problem),
        recipe_(recipe),
        candidates_(std::move(candidates)),
        own_ancestors_(problem),
        ancestors_(ancestors ? ancestors : &own_ancestors_),
        check_(deadline) {}

  // Whether adding at most `extra` candidates to `start` completes the recipe.
  bool extends(const Bitset& start, int extra) {
    Bitset closed = start;
    problem_.close(closed);
    std::vector<std::size_t> chosen;
    return search(closed, chosen, extra);
  }

  // The smallest completing set of candidates (nullopt: none, or none proven before the deadline
  // — then out_of_time() — with `tried` the largest size shown not to complete).
  std::optional<std::vector<std::size_t>> smallest(int max_size, int& tried) {
    Bitset everything(problem_.secret_count);
    for (const Bitset& c : candidates_) everything.unite(c);
    problem_.close(everything);
    if (!everything.contains(recipe_)) return std::nullopt;
    const int limit = std::min<int>(max_size, static_cast<int>(candidates_.size()));
    Bitset nothing(problem_.secret_count);
    problem_.close(nothing);
    for (int size = 1; size <= limit; ++size) {
      std::vector<std::size_t> chosen;
      if (search(nothing, chosen, size)) return chosen;
      if (check_.passed()) return std::nullopt;
      tried = size;
    }
    return std::nullopt;
  }

  bool out_of_time() { return check_.passed(); }

  // A completing set built in one pass, largest candidates first, each kept when it adds to what
  // the pool knows (every candidate together completes it: smallest() said so). Not smallest.
  std::vector<std::size_t> greedy() const { return first_completing(problem_, recipe_, candidates_); }

 private:
  // `closed`: what the chosen candidates know together, closed under the rules; each candidate
  // added grows it by what it brings (not closed again from nothing).
  bool search(const Bitset& closed, std::vector<std::size_t>& chosen, int size) {
    if (check_.passed()) return false;
    if (closed.contains(recipe_)) return true;
    if (static_cast<int>(chosen.size()) == size) return false;
    const bool last = static_cast<int>(chosen.size()) + 1 == size;
    for (std::size_t c : fewest_suppliers(closed, chosen, last)) {
      Bitset next = closed;
      problem_.grow(next, candidates_[c]);
      chosen.push_back(c);
      if (search(next, chosen, size)) return true;
      chosen.pop_back();
    }
    return false;
  }

  // Branching on one uncovered recipe secret: some member of any completing coalition must hold it
  // or an ancestor of it that the pool does not yet know. Of the uncovered secrets, the one with
  // the fewest such candidates (none: no coalition through here), where the first in order could
  // leave every candidate to try at every level (wide rules make most secrets ancestors of most).
  // For the `last` member, only candidates that bring something toward every uncovered secret.
  std::vector<std::size_t> fewest_suppliers(const Bitset& closed, const std::vector<std::size_t>& chosen,
                                            bool last) {
    std::vector<Bitset> wanted;
    recipe_.minus(closed).for_each([&](std::size_t s) { wanted.push_back(ancestors(s).minus(closed)); });
    std::vector<std::size_t> fewest, supplying;
    for (std::size_t w = 0; w < wanted.size(); ++w) {
      supplying.clear();
      for (std::size_t c = 0; c < candidates_.size(); ++c) {
        if (candidates_[c].intersects(wanted[w]) &&
            std::find(chosen.begin(), chosen.end(), c) == chosen.end())
          supplying.push_back(c);
      }
      if (w == 0 || supplying.size() < fewest.size()) fewest.swap(supplying);
      if (fewest.empty()) return fewest;
    }
    if (last) {
      std::erase_if(fewest, [&](std::size_t c) {
        return std::any_of(wanted.begin(), wanted.end(),
                           [&](const Bitset& w) { return !candidates_[c].intersects(w); });
      });
    }
    return fewest;
  }

  const Bitset& ancestors(std::size_t secret) { return ancestors_->of(secret); }

  const Problem& problem_;
  const Bitset& recipe_;
  std::vector<Bitset> candidates_;
  Ancestors own_ancestors_;
  Ancestors* ancestors_;
  DeadlineCheck<16> check_;
};

// A coalition that completes `recipe`, built greedily in a few steps: each takes the holder that
// holds most of the recipe's secrets the pool still lacks (pooled and closed). What the search
// falls back on past its deadline: a lookup per recipe secret, instead of projecting every
// holder. Nullopt when the pool still lacks a secret no holder holds (only pooled premises give
// it): the slower pass over every holder decides then.
std::optional<Coalition> quick_cover(const Problem& problem, const std::vector<Holder>& holders,
                                     const Bitset& recipe, const HolderIndex& index) {
  Bitset pool(problem.secret_count);
  problem.close(pool);
  std::vector<std::size_t> members;
  std::vector<std::size_t> held_missing(holders.size(), 0);
  while (!pool.contains(recipe)) {
    std::fill(held_missing.begin(), held_missing.end(), 0);
    std::optional<std::size_t> best;
    recipe.minus(pool).for_each([&](std::size_t s) {
      for (std::size_t h : index.by_secret[s]) {
        const std::size_t count = ++held_missing[h];
        if (!best || count > held_missing[*best]) best = h;
      }
    });
    if (!best || held_missing[*best] == 0) return std::nullopt;
    members.push_back(*best);
    problem.grow(pool, holders[*best].held);
  }
  std::sort(members.begin(), members.end());
  return Coalition{static_cast<int>(members.size()), std::move(members), false, 1};
}

// The untrusted holder that completes `recipe` alone, if any: exactly one that holds all of it,
// since what a holder holds is closed under inference (closing a part of it gives nothing it does
// not hold). Of several, the one holding most of what is relevant to the recipe (the first of
// those), as the search over coalitions would name it. With an index, only the holders of the
// recipe's least held secret are looked at. Nullopt for an empty recipe: the search decides.
std::optional<std::optional<std::size_t>> alone(const Problem& problem, const std::vector<Holder>& holders,
                                                const Bitset& recipe, const HolderIndex* index) {
  if (recipe.empty()) return std::nullopt;
  const std::vector<std::size_t>* fewest = nullptr;
  if (index) {
    recipe.for_each([&](std::size_t s) {
      if (!fewest || index->by_secret[s].size() < fewest->size()) fewest = &index->by_secret[s];
    });
  }
  std::optional<std::size_t> best;
  std::size_t best_size = 0;
  Bitset relevant;  // computed once a holder completes the recipe
  const auto consider = [&](std::size_t h) {
    if (holders[h].trusted || !holders[h].held.contains(recipe)) return;
    if (relevant == Bitset()) relevant = relevant_to(problem, recipe);
    const std::size_t size = holders[h].held.intersection(relevant).count();
    if (!best || size > best_size) best = h, best_size = size;
  };
  if (fewest) {
    for (std::size_t h : *fewest) consider(h);
  } else {
    for (std::size_t h = 0; h < holders.size(); ++h) consider(h);
  }
  return best;
}

}  // namespace

const Bitset& Ancestors::of(std::size_t secret) {
  auto it = of_.find(secret);
  if (it == of_.end()) it = of_.emplace(secret, ancestors_and_self(*problem_, secret)).first;
  return it->second;
}

HolderIndex index_holders(const Problem& problem, const std::vector<Holder>& holders) {
  HolderIndex index{std::vector<std::vector<std::size_t>>(problem.secret_count)};
  for (std::size_t h = 0; h < holders.size(); ++h) {
    if (!holders[h].trusted)
      holders[h].held.for_each([&](std::size_t s) { index.by_secret[s].push_back(h); });
  }
  return index;
}

Coalition min_coalition(const Problem& problem, const std::vector<Holder>& holders, const Bitset& recipe,
                        int max_size, const HolderIndex* index, const Deadline& deadline) {
  if (max_size > 1 && index && deadline.passed()) {
    if (std::optional<Coalition> covering = quick_cover(problem, holders, recipe, *index)) return *covering;
  }
  const std::optional<std::optional<std::size_t>> single = alone(problem, holders, recipe, index);
  if (single && *single) return {1, {**single}};
  if (single && max_size == 1) return {};
  const Bitset relevant = relevant_to(problem, recipe);
  // Untrusted holders that know something relevant, projected onto it; a holder whose projection
  // another's contains adds nothing a coalition could not get from the other.
  std::vector<std::size_t> knowing;
  if (index) {
    relevant.for_each([&](std::size_t s) {
      knowing.insert(knowing.end(), index->by_secret[s].begin(), index->by_secret[s].end());
    });
    std::sort(knowing.begin(), knowing.end());
    knowing.erase(std::unique(knowing.begin(), knowing.end()), knowing.end());
  } else {
    for (std::size_t h = 0; h < holders.size(); ++h) {
      if (!holders[h].trusted) knowing.push_back(h);
    }
  }
  struct Projected {
    Bitset part;
    std::size_t size;
    std::size_t holder;
  };
  if (max_size == 1) {  // a holder alone: no coalitions to search (the one knowing most, as the search names)
    std::optional<std::size_t> best;
    std::size_t best_size = 0;
    for (std::size_t h : knowing) {
      if (holders[h].trusted) continue;
      Bitset part = holders[h].held.intersection(relevant);
      const std::size_t size = part.count();
      if (best && size <= best_size) continue;
      problem.close(part);
      if (part.contains(recipe)) best = h, best_size = size;
    }
    if (!best) return {};
    return {1, {*best}};
  }
  std::vector<Projected> projected;
  for (std::size_t h : knowing) {
    Bitset part = holders[h].held.intersection(relevant);
    if (part.empty()) continue;
    const std::size_t size = part.count();
    projected.push_back({std::move(part), size, h});
  }
  std::stable_sort(projected.begin(), projected.end(),
                   [](const Projected& a, const Projected& b) { return a.size > b.size; });
  std::vector<Bitset> candidates;
  std::vector<std::size_t> owners;
  if (deadline.passed()) {  // no time to search: a coalition found in one pass, if any completes it
    for (const Projected& entry : projected) candidates.push_back(entry.part);
    const std::vector<std::size_t> found = first_completing(problem, recipe, candidates);
    Bitset pool(problem.secret_count);
    for (std::size_t c : found) pool.unite(candidates[c]);
    problem.close(pool);
    if (!pool.contains(recipe)) return {};
    Coalition coalition{static_cast<int>(found.size()), {}, false, 1};
    for (std::size_t c : found) coalition.members.push_back(projected[c].holder);
    std::sort(coalition.members.begin(), coalition.members.end());
    return coalition;
  }
  for (const Projected& entry : projected) {
    const bool dominated = std::any_of(candidates.begin(), candidates.end(),
                                       [&](const Bitset& kept) { return kept.contains(entry.part); });
    if (dominated) continue;
    candidates.push_back(entry.part);
    owners.push_back(entry.holder);
  }
  CoalitionSearch search(problem, recipe, candidates, deadline);
  int tried = 0;
  auto found = search.smallest(max_size, tried);
  const bool cut_short = !found && search.out_of_time();
  if (cut_short) found = search.greedy();
  if (!found) return {};
  Coalition coalition{static_cast<int>(found->size()),
                      {},
                      !cut_short,
                      cut_short ? tried + 1 : static_cast<int>(found->size())};
  for (std::size_t c : *found) coalition.members.push_back(owners[c]);
  std::sort(coalition.members.begin(), coalition.members.end());
  return coalition;
}

bool completes_with(const Problem& problem, const std::vector<Holder>& holders, std::size_t member,
                    const Bitset& member_held, const Bitset& recipe, const Bitset& relevant, int size,
                    const std::vector<std::size_t>& others, Ancestors* ancestors, const Deadline& deadline) {
  if (size < 1 || holders[member].trusted) return false;
  // `member_held` is closed: the member completes the recipe alone exactly when it holds all of it,
  // and closing its relevant part adds nothing relevant.
  if (member_held.contains(recipe)) return true;
  if (size == 1) return false;
  Bitset start = member_held.intersection(relevant);
  const Bitset& closed = start;
  std::vector<Bitset> candidates;
  for (std::size_t h : others) {
    if (h == member || holders[h].trusted) continue;
    Bitset part = holders[h].held.intersection(relevant);
    if (part.empty() || closed.contains(part)) continue;
    candidates.push_back(std::move(part));
  }
  CoalitionSearch search(problem, recipe, std::move(candidates), deadline, ancestors);
  return search.extends(start, size - 1) || search.out_of_time();
}

bool completes_with(const Problem& problem, const std::vector<Holder>& holders, std::size_t member,
                    const Bitset& member_held, const Bitset& recipe, const Bitset& relevant, int size) {
  std::vector<std::size_t> everyone(holders.size());
  for (std::size_t h = 0; h < holders.size(); ++h) everyone[h] = h;
  return completes_with(problem, holders, member, member_held, recipe, relevant, size, everyone);
}

std::vector<Holder> party_holdings(const Problem& problem, const Choice& choice) {
  std::vector<Holder> holders;
  for (const CompiledParty& party : problem.parties)
    holders.push_back({party.id, party.trusted, Bitset(problem.secret_count)});
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    for (std::size_t o : choice[p]) {
      const std::size_t party = problem.suppliers[problem.packages[p].options[o].supplier].party;
      holders[party].held.unite(problem.packages[p].exposes);
    }
  }
  for (Holder& holder : holders) problem.close(holder.held);
  return holders;
}

double cost_of(const Problem& problem, const Choice& choice) {
  double cost = 0;
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    const CompiledPackage& package = problem.packages[p];
    for (std::size_t o : choice[p]) cost += package.cost(o);
  }
  return cost;
}

Plan describe(const Problem& problem, const Choice& choice, PlanStatus status, const Deadline& deadline) {
  Plan plan;
  plan.status = status;
  plan.cost = cost_of(problem, choice);
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    for (std::size_t o : choice[p]) {
      plan.assignments.push_back({problem.packages[p].id,
                                  problem.suppliers[problem.packages[p].options[o].supplier].id,
                                  problem.packages[p].units});
    }
  }
  const std::vector<Holder> holders = party_holdings(problem, choice);
  for (const Holder& holder : holders) {
    if (holder.held.empty()) continue;
    PartyExposure exposure{
        holder.id, {}, problem.total_weight > 0 ? problem.weight_of(holder.held) / problem.total_weight : 0};
    holder.held.for_each([&](std::size_t s) { exposure.secrets.push_back(problem.instance->secrets[s].id); });
    plan.parties.push_back(std::move(exposure));
  }
  const HolderIndex index = index_holders(problem, holders);
  std::vector<std::string> unproven;
  int at_least = 1 << 20;
  for (std::size_t r = 0; r < problem.recipes.size(); ++r) {
    const CompiledRecipe& recipe = problem.recipes[r];
    // Each recipe gets its share of the time left, so that one hard search does not leave every
    // later recipe to the one-pass answer.
    const double share = 1.0 / static_cast<double>(problem.recipes.size() - r);
    const Coalition coalition =
        min_coalition(problem, holders, recipe.secrets, 1 << 20, &index, deadline.share(share));
    RecipeExposure exposure{recipe.id, coalition.size, {}};
    for (std::size_t h : coalition.members) exposure.coalition.push_back(holders[h].id);
    plan.recipes.push_back(std::move(exposure));
    if (!coalition.proven) {
      unproven.push_back(recipe.id);
      at_least = std::min(at_least, coalition.at_least);
    }
  }
  if (!unproven.empty()) {
    constexpr std::size_t kNamed = 5;
    // A valid plan is one no coalition within the collusion level completes a recipe in.
    if (status == PlanStatus::kOptimal || status == PlanStatus::kFeasible)
      at_least = std::max(at_least, problem.collusion + 1);
    std::string named;
    for (std::size_t i = 0; i < std::min(unproven.size(), kNamed); ++i)
      named += (i ? ", " : "") + unproven[i];
    if (unproven.size() > kNamed) named += " and " + std::to_string(unproven.size() - kNamed) + " more";
    plan.reasons.push_back(
        "the smallest coalitions of " + std::to_string(unproven.size()) + " recipe" +
        (unproven.size() == 1 ? "" : "s") + " (" + named +
        ") were not searched to the end within the time "
        "limit: their min_coalition is the size of a coalition found, and none of fewer than " +
        std::to_string(at_least) + " parties completes any of them");
  }
  return plan;
}

std::vector<std::string> violations(const Problem& problem, const Choice& choice) {
  return *violations_within(problem, choice, Deadline());
}

std::optional<std::vector<std::string>> violations_within(const Problem& problem, const Choice& choice,
                                                          const Deadline& deadline) {
  std::vector<std::string> found;
  std::vector<double> load(problem.suppliers.size(), 0);
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    const CompiledPackage& package = problem.packages[p];
    if (static_cast<int>(choice[p].size()) != package.sources) {
      found.push_back("package " + package.id + " has " + std::to_string(choice[p].size()) +
                      " sources, needs " + std::to_string(package.sources));
    }
    std::vector<std::size_t> parties;
    for (std::size_t o : choice[p]) {
      const std::size_t supplier = package.options[o].supplier;
      load[supplier] += package.units;
      parties.push_back(problem.suppliers[supplier].party);
    }
    std::sort(parties.begin(), parties.end());
    if (std::adjacent_find(parties.begin(), parties.end()) != parties.end()) {
      found.push_back("package " + package.id + " has two sources in one party");
    }
  }
  for (std::size_t s = 0; s < problem.suppliers.size(); ++s) {
    if (over_capacity(load[s], problem.suppliers[s].capacity)) {
      found.push_back("supplier " + problem.suppliers[s].id + " is over capacity");
    }
  }
  const std::vector<Holder> holders = party_holdings(problem, choice);
  for (std::size_t g = 0; g < holders.size(); ++g) {
    if (holders[g].trusted || problem.total_weight <= 0) continue;
    const double share = problem.weight_of(holders[g].held) / problem.total_weight;
    if (over_share(share, problem.parties[g].cap)) {
      found.push_back("party " + holders[g].id + " would hold " +
                      percent_above(share, problem.parties[g].cap) +
                      " of the secret weight, above its cap of " + percent(problem.parties[g].cap));
    }
  }
  const HolderIndex index = index_holders(problem, holders);
  DeadlineCheck<8> check(deadline);
  for (const CompiledRecipe& recipe : problem.recipes) {
    if (check.passed()) return std::nullopt;
    const Coalition coalition =
        min_coalition(problem, holders, recipe.secrets, problem.collusion, &index, deadline);
    if (!coalition.proven) return std::nullopt;
    if (coalition.size && *coalition.size <= problem.collusion) {
      std::string members;
      for (std::size_t h : coalition.members) members += (members.empty() ? "" : ", ") + holders[h].id;
      found.push_back("recipe " + recipe.id + " can be completed by " + members);
    }
  }
  return found;
}

}  // namespace moat::plan
