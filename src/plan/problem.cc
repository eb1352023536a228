// SPDX-License-Identifier: Apache-2.0
#include "plan/problem.h"

#include <algorithm>
#include <map>
#include <string>

namespace moat::plan {

void Problem::close(Bitset& set) const {
  bool changed = true;
  while (changed) {
    changed = false;
    for (const Rule& rule : rules) {
      if (set.test(rule.gives)) continue;
      if (std::all_of(rule.from.begin(), rule.from.end(), [&](std::size_t s) { return set.test(s); })) {
        set.set(rule.gives);
        changed = true;
      }
    }
  }
}

double Problem::weight_of(const Bitset& set) const {
  double weight = 0;
  set.for_each([&](std::size_t s) { weight += weights[s]; });
  return weight;
}

std::optional<std::string> ineligibility(const Instance& instance, const Package& package,
                                         const Supplier& supplier, const Quote* quote) {
  if (std::find(supplier.capabilities.begin(), supplier.capabilities.end(), package.capability) ==
      supplier.capabilities.end()) {
    return supplier.id + " lacks the capability";
  }
  const bool status_ok = supplier.status == "qualified" ||
                         (supplier.status == "conditional" && instance.policy.allow_conditional);
  if (!status_ok) return supplier.id + " is " + (supplier.status == "conditional" ? "only conditional" : "not qualified (" + supplier.status + ")");
  if (!quote) return supplier.id + " has no quote";
  return std::nullopt;
}

namespace {

std::string percent(double share) {
  return std::to_string(static_cast<int>(share * 100 + 0.5)) + "%";
}

// An option whose party, holding this package alone, would break a rule can be in no valid plan.
// `recipe_sizes`: each recipe's number of secrets (a package that knows fewer cannot hold it).
void exclude_hopeless_options(const Problem& problem, const std::vector<std::size_t>& recipe_sizes, CompiledPackage& package) {
  Bitset alone = package.exposes;
  problem.close(alone);
  const double share = problem.total_weight > 0 ? problem.weight_of(alone) / problem.total_weight : 0;
  const std::size_t known = alone.count();
  bool gives_recipe = false;
  for (std::size_t r = 0; r < problem.recipes.size() && problem.collusion >= 1 && !gives_recipe; ++r) {
    gives_recipe = recipe_sizes[r] <= known && alone.contains(problem.recipes[r].secrets);
  }
  std::vector<Option> kept;
  for (const Option& option : package.options) {
    const CompiledParty& party = problem.parties[problem.suppliers[option.supplier].party];
    const std::string& id = problem.suppliers[option.supplier].id;
    if (party.trusted) {
      kept.push_back(option);
    } else if (share > party.cap + 1e-9) {
      package.excluded.push_back(id + " would hold " + percent(share) + " of the secret weight from it alone, above its cap of " +
                                 percent(party.cap));
    } else if (gives_recipe) {
      package.excluded.push_back(id + " would hold a whole recipe from it alone");
    } else {
      kept.push_back(option);
    }
  }
  package.options = std::move(kept);
}

// Quote dominance. An option is free when its party is trusted (what it holds does not count) and
// its supplier can make every package it quoted for at once (its capacity never binds). Take a
// package's cheapest free options, one per party, as many as it needs sources: any option dearer
// than all of them is in no optimal plan — swap it for one of them whose party the plan's other
// sources do not use (there is always one) and the plan stays valid and gets cheaper.
void drop_dominated_options(Problem& problem) {
  std::vector<double> potential(problem.suppliers.size(), 0);
  for (const CompiledPackage& package : problem.packages) {
    for (const Option& option : package.options) potential[option.supplier] += package.units;
  }
  for (CompiledPackage& package : problem.packages) {
    std::vector<std::size_t> parties;
    double dearest = 0;
    for (const Option& option : package.options) {  // cheapest first
      const CompiledSupplier& supplier = problem.suppliers[option.supplier];
      if (!problem.parties[supplier.party].trusted || potential[option.supplier] > supplier.capacity + 1e-9) continue;
      if (std::find(parties.begin(), parties.end(), supplier.party) != parties.end()) continue;
      parties.push_back(supplier.party);
      dearest = option.unit_cost * package.units + option.fixed_cost;
      if (static_cast<int>(parties.size()) == package.sources) break;
    }
    if (static_cast<int>(parties.size()) < package.sources) continue;
    std::erase_if(package.options, [&](const Option& o) { return o.unit_cost * package.units + o.fixed_cost > dearest + 1e-9; });
  }
}

}  // namespace

Problem compile(const Instance& instance, const CompileOptions& options) {
  Problem problem;
  problem.instance = &instance;
  problem.collusion = instance.policy.collusion;
  problem.secret_count = instance.secrets.size();
  std::map<std::string, std::size_t> secret_index, supplier_index, party_index;
  for (std::size_t i = 0; i < instance.secrets.size(); ++i) {
    secret_index[instance.secrets[i].id] = i;
    problem.weights.push_back(instance.secrets[i].weight);
    problem.total_weight += instance.secrets[i].weight;
  }
  const auto bits = [&](const std::vector<std::string>& ids) {
    Bitset set(problem.secret_count);
    for (const std::string& id : ids) set.set(secret_index.at(id));
    return set;
  };
  for (const Derive& d : instance.derives) {
    Rule rule{{}, secret_index.at(d.gives)};
    for (const std::string& f : d.from) rule.from.push_back(secret_index.at(f));
    problem.rules.push_back(std::move(rule));
  }
  if (instance.recipes.empty()) {
    Bitset all(problem.secret_count);
    for (std::size_t s = 0; s < problem.secret_count; ++s) all.set(s);
    problem.recipes.push_back({"all", all});
  }
  for (const Recipe& r : instance.recipes) problem.recipes.push_back({r.id, bits(r.secrets)});

  for (const Supplier& s : instance.suppliers) {
    auto [it, fresh] = party_index.emplace(s.party, problem.parties.size());
    if (fresh) problem.parties.push_back({s.party, s.trusted, instance.policy.max_exposure_share, {}});
    CompiledParty& party = problem.parties[it->second];
    if (s.max_exposure_share) party.cap = std::min(party.cap, *s.max_exposure_share);
    party.suppliers.push_back(problem.suppliers.size());
    supplier_index[s.id] = problem.suppliers.size();
    problem.suppliers.push_back({s.id, it->second, s.capacity});
  }
  // Only suppliers that quoted can be eligible: walk each package's quotes, not every supplier.
  std::vector<std::size_t> recipe_sizes;
  for (const CompiledRecipe& recipe : problem.recipes) recipe_sizes.push_back(recipe.secrets.count());
  std::map<std::string, std::vector<const Quote*>> quotes_of;
  for (const Quote& q : instance.quotes) quotes_of[q.package].push_back(&q);
  for (const Package& p : instance.packages) {
    CompiledPackage package{p.id, bits(p.exposes), p.volume, p.sources, p.volume / p.sources, {}};
    for (const Quote* q : quotes_of[p.id]) {
      const std::size_t s = supplier_index.at(q->supplier);
      if (ineligibility(instance, p, instance.suppliers[s], q)) continue;
      package.options.push_back({s, q->unit_cost, q->fixed_cost});
    }
    std::sort(package.options.begin(), package.options.end(),
              [](const Option& a, const Option& b) { return a.supplier < b.supplier; });  // instance order
    if (options.exclude_hopeless) exclude_hopeless_options(problem, recipe_sizes, package);
    const double units = package.units;
    std::stable_sort(package.options.begin(), package.options.end(), [&](const Option& a, const Option& b) {
      return a.unit_cost * units + a.fixed_cost < b.unit_cost * units + b.fixed_cost;
    });
    problem.packages.push_back(std::move(package));
  }
  if (options.exclude_hopeless) drop_dominated_options(problem);
  return problem;
}

}  // namespace moat::plan
