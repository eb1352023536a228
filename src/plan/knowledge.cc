// SPDX-License-Identifier: Apache-2.0
#include "plan/knowledge.h"

#include <algorithm>
#include <map>

namespace moat::plan {
namespace {

std::vector<Holder> holders_of(const std::vector<Knower>& knowers, const std::vector<std::size_t>& members,
                               bool all_untrusted) {
  std::vector<Holder> out;
  for (const std::size_t k : members) {
    out.push_back({knowers[k].id, all_untrusted ? false : knowers[k].trusted, knowers[k].held});
  }
  return out;
}

// The recipes a set of knowers completes with coalitions of up to `max_size`.
void add_recipe_breaches(const Problem& problem, const std::vector<Knower>& knowers,
                         const std::vector<std::size_t>& members, bool all_untrusted, int max_size,
                         BreachKind kind, const std::vector<std::size_t>* recipes, std::vector<Breach>& out) {
  if (members.empty() || max_size < 1) return;
  const std::vector<Holder> holders = holders_of(knowers, members, all_untrusted);
  const HolderIndex index = index_holders(problem, holders);
  const std::size_t count = recipes ? recipes->size() : problem.recipes.size();
  for (std::size_t i = 0; i < count; ++i) {
    const CompiledRecipe& recipe = problem.recipes[recipes ? (*recipes)[i] : i];
    const Coalition coalition = min_coalition(problem, holders, recipe.secrets, max_size, &index);
    if (!coalition.size || *coalition.size > max_size) continue;
    Breach breach{kind, recipe.id, {}, 0, 0};
    for (const std::size_t h : coalition.members) breach.holders.push_back(members[h]);
    out.push_back(std::move(breach));
  }
}

void add_cap_breaches(const Problem& problem, const std::vector<Knower>& knowers, bool skip_trusted,
                      std::vector<Breach>& out) {
  for (std::size_t k = 0; k < knowers.size(); ++k) {
    if (skip_trusted && knowers[k].trusted) continue;
    const double share = share_of(problem, knowers[k].held);
    if (over_share(share, knowers[k].cap)) out.push_back({BreachKind::kCap, "", {k}, share, knowers[k].cap});
  }
}

}  // namespace

double share_of(const Problem& problem, const Bitset& held) {
  return problem.total_weight > 0 ? problem.weight_of(held) / problem.total_weight : 0;
}

std::vector<Breach> party_breaches(const Problem& problem, const std::vector<Knower>& parties, int collusion,
                                   const std::vector<std::size_t>* recipes) {
  std::vector<Breach> out;
  std::vector<std::size_t> members;
  for (std::size_t k = 0; k < parties.size(); ++k) {
    if (!parties[k].trusted) members.push_back(k);
  }
  add_recipe_breaches(problem, parties, members, false, collusion, BreachKind::kParty, recipes, out);
  add_cap_breaches(problem, parties, true, out);
  return out;
}

std::vector<Breach> person_breaches(const Problem& problem, const std::vector<Knower>& people,
                                    int person_collusion, const std::vector<std::size_t>* recipes) {
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t k = 0; k < people.size(); ++k) groups[people[k].group].push_back(k);
  std::vector<Breach> out;
  for (const auto& [group, members] : groups) {
    add_recipe_breaches(problem, people, members, true, std::max(person_collusion, 1), BreachKind::kPerson,
                        recipes, out);
  }
  add_cap_breaches(problem, people, false, out);
  return out;
}

}  // namespace moat::plan
