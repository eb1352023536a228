// SPDX-License-Identifier: Apache-2.0
// The red-flag rules of one theme: affiliated suppliers against the approved plans.
#include "flags/rule_functions.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/text.h"
#include "plan/exposure.h"
#include "plan/problem.h"

namespace moat::flags::detail {

namespace {

// ---- Affiliations against approved plans -----------------------------------------------------

// plan::compile trusts its instance (it looks ids up with at()); a plan whose references do not
// resolve is skipped rather than allowed to throw.
bool references_resolve(const plan::Instance& instance) {
  std::set<std::string> secrets, suppliers;
  for (const plan::Secret& s : instance.secrets) secrets.insert(s.id);
  for (const plan::Supplier& s : instance.suppliers) suppliers.insert(s.id);
  const auto known = [&](const std::vector<std::string>& ids) {
    return std::all_of(ids.begin(), ids.end(), [&](const std::string& id) { return secrets.count(id) > 0; });
  };
  const bool derives_ok =
      std::all_of(instance.derives.begin(), instance.derives.end(),
                  [&](const plan::Derive& d) { return known(d.from) && secrets.count(d.gives) > 0; });
  const bool recipes_ok = std::all_of(instance.recipes.begin(), instance.recipes.end(),
                                      [&](const plan::Recipe& r) { return known(r.secrets); });
  const bool packages_ok = std::all_of(instance.packages.begin(), instance.packages.end(),
                                       [&](const plan::Package& p) { return known(p.exposes); });
  const bool quotes_ok = std::all_of(instance.quotes.begin(), instance.quotes.end(),
                                     [&](const plan::Quote& q) { return suppliers.count(q.supplier) > 0; });
  return derives_ok && recipes_ok && packages_ok && quotes_ok;
}

// What the assignments hand each party and each supplier (closed under inference). Built from
// the assignments themselves, not from the compiled options, so that a supplier no longer
// eligible (expired since approval) still counts for what it was given.
struct Holdings {
  std::vector<plan::Holder> parties;                // one per compiled party
  std::vector<std::vector<std::string>> suppliers;  // per party: its assigned suppliers, sorted
  std::map<std::string, plan::Bitset> by_supplier;
};

std::optional<std::size_t> package_index(const plan::Problem& problem, std::string_view id) {
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    if (problem.packages[p].id == id) return p;
  }
  return std::nullopt;
}

std::optional<std::size_t> supplier_index(const plan::Problem& problem, std::string_view id) {
  for (std::size_t s = 0; s < problem.suppliers.size(); ++s) {
    if (problem.suppliers[s].id == id) return s;
  }
  return std::nullopt;
}

Holdings holdings_of(const plan::Problem& problem, const std::vector<plan::Assignment>& assignments) {
  Holdings holdings;
  for (const plan::CompiledParty& party : problem.parties) {
    holdings.parties.push_back({party.id, party.trusted, plan::Bitset(problem.secret_count)});
  }
  holdings.suppliers.resize(problem.parties.size());
  for (const plan::Assignment& assignment : assignments) {
    const std::optional<std::size_t> p = package_index(problem, assignment.package);
    const std::optional<std::size_t> s = supplier_index(problem, assignment.supplier);
    if (!p || !s) continue;  // not in the instance: no party to attribute it to
    const std::size_t party = problem.suppliers[*s].party;
    const plan::Bitset& exposes = problem.packages[*p].exposes;
    holdings.parties[party].held.unite(exposes);
    holdings.suppliers[party].push_back(assignment.supplier);
    holdings.by_supplier.try_emplace(assignment.supplier, problem.secret_count).first->second.unite(exposes);
  }
  for (plan::Holder& holder : holdings.parties) problem.close(holder.held);
  for (auto& entry : holdings.by_supplier) problem.close(entry.second);
  for (std::vector<std::string>& ids : holdings.suppliers) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
  return holdings;
}

std::vector<std::string> secret_names(const plan::Problem& problem, const plan::Bitset& set) {
  std::vector<std::string> names;
  set.for_each([&](std::size_t s) { names.push_back(problem.instance->secrets[s].id); });
  return names;
}

std::optional<Raised> collusion_flag(const PlanFacts& facts_plan, const plan::Problem& problem,
                                     const Holdings& holdings, const plan::CompiledRecipe& recipe,
                                     const RuleSetting& setting) {
  const int limit = problem.collusion;
  const plan::Coalition coalition = plan::min_coalition(problem, holdings.parties, recipe.secrets, limit);
  if (!coalition.size || *coalition.size > limit) return std::nullopt;
  const bool joined = std::any_of(coalition.members.begin(), coalition.members.end(),
                                  [&](std::size_t m) { return holdings.suppliers[m].size() > 1; });
  if (!joined) return std::nullopt;
  std::vector<std::string> parties, suppliers;
  std::vector<Evidence> evidence{
      {"plan", facts_plan.plan_id + " for " + facts_plan.product},
      {"recipe", recipe.id + ": " + listing(secret_names(problem, recipe.secrets))},
      {"collusion limit", "coalitions of up to " + std::to_string(limit) + " untrusted parties"}};
  for (std::size_t m : coalition.members) {
    parties.push_back(holdings.parties[m].id);
    evidence.push_back({"party " + holdings.parties[m].id, listing(holdings.suppliers[m])});
    for (const std::string& supplier : holdings.suppliers[m]) {
      suppliers.push_back(supplier);
      evidence.push_back(
          {supplier + " holds", listing(secret_names(problem, holdings.by_supplier.at(supplier)))});
    }
  }
  std::sort(suppliers.begin(), suppliers.end());
  return flag(setting, "plan/" + facts_plan.product + "/" + facts_plan.plan_id,
              facts_plan.product + ":" + recipe.id + ":" + join(suppliers, ","),
              "Recipe " + recipe.id + " of " + facts_plan.product + " can now be completed by " +
                  join(parties, " and ") + ": affiliated suppliers that plan " + facts_plan.plan_id +
                  " sourced as separate parties (" + join(suppliers, ", ") + ").",
              std::move(evidence));
}

// The plan's instance as the planner reads it: a supplier with no party is a party of its own
// (plan::parse_instance does this for files; an instance built in memory may leave it empty,
// and compile() would then put every such supplier in one party "").
plan::Instance with_own_parties(plan::Instance instance) {
  for (plan::Supplier& supplier : instance.suppliers) {
    if (supplier.party.empty()) supplier.party = supplier.id;
  }
  return instance;
}

}  // namespace

std::vector<Raised> affiliated_collusion(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const PlanFacts& facts_plan : facts.plans) {
    if (!references_resolve(facts_plan.instance)) continue;
    const plan::Instance instance = with_own_parties(facts_plan.instance);
    const plan::Problem problem = plan::compile(instance, {.exclude_hopeless = false});
    const Holdings holdings = holdings_of(problem, facts_plan.assignments);
    for (const plan::CompiledRecipe& recipe : problem.recipes) {
      if (std::optional<Raised> r = collusion_flag(facts_plan, problem, holdings, recipe, setting)) {
        raised.push_back(std::move(*r));
      }
    }
  }
  return raised;
}

}  // namespace moat::flags::detail
