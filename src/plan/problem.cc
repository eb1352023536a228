// SPDX-License-Identifier: Apache-2.0
#include "plan/problem.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "plan/wording.h"

namespace moat::plan {

void Problem::close(Bitset& set) const {
  if (rules.empty()) return;
  if (rules_from.size() != secret_count) {  // not indexed: apply every rule until nothing changes
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
    return;
  }
  // Only the rules a known secret is a premise of can fire; each secret learnt is followed up once.
  std::vector<std::size_t> learnt;
  set.for_each([&](std::size_t s) {
    if (!rules_from[s].empty()) learnt.push_back(s);
  });
  while (!learnt.empty()) {
    const std::size_t s = learnt.back();
    learnt.pop_back();
    for (std::size_t r : rules_from[s]) {
      const Rule& rule = rules[r];
      if (set.test(rule.gives)) continue;
      if (!std::all_of(rule.from.begin(), rule.from.end(), [&](std::size_t f) { return set.test(f); }))
        continue;
      set.set(rule.gives);
      learnt.push_back(rule.gives);
    }
  }
}

std::size_t Problem::grow(Bitset& closed, const Bitset& added) const {
  std::vector<std::size_t> learnt;
  added.for_each([&](std::size_t s) {
    if (closed.test(s)) return;
    closed.set(s);
    learnt.push_back(s);
  });
  std::size_t gained = learnt.size();
  if (rules.empty() || learnt.empty()) return gained;
  if (rules_from.size() != secret_count) {
    const std::size_t before = closed.count();
    close(closed);
    return gained + closed.count() - before;
  }
  while (!learnt.empty()) {
    const std::size_t s = learnt.back();
    learnt.pop_back();
    for (std::size_t r : rules_from[s]) {
      const Rule& rule = rules[r];
      if (closed.test(rule.gives)) continue;
      if (!std::all_of(rule.from.begin(), rule.from.end(), [&](std::size_t f) { return closed.test(f); }))
        continue;
      closed.set(rule.gives);
      learnt.push_back(rule.gives);
      ++gained;
    }
  }
  return gained;
}

void Problem::close_backwards(Bitset& set) const {
  if (rules.empty()) return;
  std::vector<std::size_t> wanted;
  set.for_each([&](std::size_t s) { wanted.push_back(s); });
  while (!wanted.empty()) {
    const std::size_t s = wanted.back();
    wanted.pop_back();
    const auto visit = [&](const Rule& rule) {
      for (std::size_t f : rule.from) {
        if (set.test(f)) continue;
        set.set(f);
        wanted.push_back(f);
      }
    };
    if (rules_giving.size() == secret_count) {
      for (std::size_t r : rules_giving[s]) visit(rules[r]);
    } else {
      for (const Rule& rule : rules) {
        if (rule.gives == s) visit(rule);
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
  if (!status_ok)
    return supplier.id + " is " +
           (supplier.status == "conditional" ? "only conditional"
                                             : "not qualified (" + supplier.status + ")");
  if (!quote) {
    const auto lapsed = instance.lapsed_quotes.find({package.id, supplier.id});
    if (lapsed != instance.lapsed_quotes.end())
      return supplier.id + "'s quote was valid until " + lapsed->second;
    return supplier.id + " has no quote";
  }
  return std::nullopt;
}

namespace {

// An option whose party, holding this package alone, would break a rule can be in no valid plan.
// `recipes_by_secret`: the recipes each secret is in (only those, and a recipe of no secret at
// all, can be given away).
void exclude_hopeless_options(const Problem& problem,
                              const std::vector<std::vector<std::size_t>>& recipes_by_secret,
                              bool empty_recipe, CompiledPackage& package) {
  Bitset alone = package.exposes;
  problem.close(alone);
  const double share = problem.total_weight > 0 ? problem.weight_of(alone) / problem.total_weight : 0;
  bool gives_recipe = problem.collusion >= 1 && empty_recipe;
  std::string given;  // the first recipe it gives away, for the reason
  if (problem.collusion >= 1) {
    alone.for_each([&](std::size_t s) {
      for (std::size_t r : recipes_by_secret[s]) {
        if (!alone.contains(problem.recipes[r].secrets)) continue;
        if (!gives_recipe || given.empty()) given = problem.recipes[r].id;
        gives_recipe = true;
      }
    });
  }
  // What the reason says of it: the recipe, and the secrets inference adds to what the package
  // exposes (without them, the package alone would not look like it gives anything away).
  const bool only_all = problem.instance && problem.instance->recipes.empty();  // the recipe "all"
  std::string holds_recipe = (given.empty() ? "a whole recipe"
                              : only_all    ? "every secret"
                                            : "all of recipe " + given) +
                             " from it alone";
  if (gives_recipe && problem.instance) {
    std::string inferred;
    alone.for_each([&](std::size_t s) {
      if (!package.exposes.test(s))
        inferred += (inferred.empty() ? "" : ", ") + problem.instance->secrets[s].id;
    });
    if (!inferred.empty()) holds_recipe += ", inferring " + inferred;
  }
  std::vector<Option> kept;
  kept.reserve(package.options.size());
  for (const Option& option : package.options) {
    const CompiledParty& party = problem.parties[problem.suppliers[option.supplier].party];
    const std::string& id = problem.suppliers[option.supplier].id;
    if (party.trusted) {
      kept.push_back(option);
    } else if (over_share(share, party.cap)) {
      package.excluded.push_back(id + " would hold " + percent_above(share, party.cap) +
                                 " of the secret weight from it alone, above its cap of " +
                                 percent(party.cap));
    } else if (gives_recipe) {
      package.excluded.push_back(id + " would hold " + holds_recipe);
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
      if (!problem.parties[supplier.party].trusted ||
          over_capacity(potential[option.supplier], supplier.capacity))
        continue;
      if (std::find(parties.begin(), parties.end(), supplier.party) != parties.end()) continue;
      parties.push_back(supplier.party);
      dearest = option.cost(package.units);
      if (static_cast<int>(parties.size()) == package.sources) break;
    }
    if (static_cast<int>(parties.size()) < package.sources) continue;
    std::erase_if(package.options, [&](const Option& o) { return o.cost(package.units) > dearest + 1e-9; });
  }
}

// Whether `supplier` can make `package` given its quote (ineligibility() without building the reason).
bool eligible(const Instance& instance, const Package& package, const Supplier& supplier) {
  const bool status_ok = supplier.status == "qualified" ||
                         (supplier.status == "conditional" && instance.policy.allow_conditional);
  return status_ok && std::find(supplier.capabilities.begin(), supplier.capabilities.end(),
                                package.capability) != supplier.capabilities.end();
}

void index_rules(Problem& problem) {
  problem.rules_from.assign(problem.secret_count, {});
  problem.rules_giving.assign(problem.secret_count, {});
  for (std::size_t r = 0; r < problem.rules.size(); ++r) {
    for (std::size_t f : problem.rules[r].from) problem.rules_from[f].push_back(r);
    problem.rules_giving[problem.rules[r].gives].push_back(r);
  }
}

// Secrets, rules and recipes by index.
void compile_knowledge(const Instance& instance, Problem& problem,
                       const std::unordered_map<std::string_view, std::size_t>& secret_index) {
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
  index_rules(problem);
  if (instance.recipes.empty()) {
    Bitset all(problem.secret_count);
    for (std::size_t s = 0; s < problem.secret_count; ++s) all.set(s);
    problem.recipes.push_back({"all", all});
  }
  for (const Recipe& r : instance.recipes) problem.recipes.push_back({r.id, bits(r.secrets)});
}

void compile_suppliers(const Instance& instance, Problem& problem) {
  std::unordered_map<std::string_view, std::size_t> party_index;
  for (const Supplier& s : instance.suppliers) {
    auto [it, fresh] = party_index.emplace(s.party, problem.parties.size());
    if (fresh) problem.parties.push_back({s.party, s.trusted, instance.policy.max_exposure_share, {}});
    CompiledParty& party = problem.parties[it->second];
    if (s.max_exposure_share) party.cap = std::min(party.cap, *s.max_exposure_share);
    party.suppliers.push_back(problem.suppliers.size());
    problem.suppliers.push_back({s.id, it->second, s.capacity});
  }
}

// Each quote's package and supplier by position: as the reader resolved them where the ids there
// are still the quote's (two short comparisons instead of two lookups), looked up otherwise.
std::vector<QuoteRef> quote_refs(const Instance& instance,
                                 const std::unordered_map<std::string_view, std::size_t>& package_index,
                                 const std::unordered_map<std::string_view, std::size_t>& supplier_index) {
  const bool resolved = instance.quote_refs.size() == instance.quotes.size();
  std::vector<QuoteRef> refs(instance.quotes.size());
  for (std::size_t q = 0; q < instance.quotes.size(); ++q) {
    const Quote& quote = instance.quotes[q];
    QuoteRef& ref = refs[q];
    if (resolved) ref = instance.quote_refs[q];
    if (!resolved || ref.package >= instance.packages.size() ||
        instance.packages[ref.package].id != quote.package) {
      const bool same = q > 0 && quote.package == instance.quotes[q - 1].package;  // as listed, mostly
      ref.package = same ? refs[q - 1].package : static_cast<std::uint32_t>(package_index.at(quote.package));
    }
    if (!resolved || ref.supplier >= instance.suppliers.size() ||
        instance.suppliers[ref.supplier].id != quote.supplier) {
      ref.supplier = static_cast<std::uint32_t>(supplier_index.at(quote.supplier));
    }
  }
  return refs;
}

// Where the weights' total is brought: about ten thousand, where the benchmark families' totals
// lie, so that the exact engine's rows and its absolute tolerances (1e-7) weigh as they did there.
constexpr int kTotalWeightExponent = 14;  // a total in [2^13, 2^14)

// The secrets' weights times one power of two, so that their total lies in [2^13, 2^14): the same
// shares to the last bit (a power of two scales a double exactly), whatever the weights' scale.
// Every tolerance the planner applies to weights (1e-9) and the exact engine's rows then mean the
// same at 1e-300 as at 1e300, where a total of 1e-11 was smaller than the tolerance (a party over
// its cap passed the heuristic's check, then failed the full one: no plan) and a total of 1e308
// overflowed (shares of 0).
std::vector<double> scaled_weights(const std::vector<Secret>& secrets) {
  std::vector<double> weights;
  weights.reserve(secrets.size());
  double largest = 0;
  for (const Secret& s : secrets) largest = std::max(largest, s.weight);
  if (!(largest > 0) || !std::isfinite(largest)) {
    for (const Secret& s : secrets) weights.push_back(s.weight);
    return weights;
  }
  int exponent = 0;
  std::frexp(largest, &exponent);  // each weight below 1 once scaled by 2^-exponent: no overflow
  double total = 0;
  for (const Secret& s : secrets) {
    weights.push_back(std::ldexp(s.weight, -exponent));
    total += weights.back();
  }
  std::frexp(total, &exponent);
  for (double& weight : weights) weight = std::ldexp(weight, kTotalWeightExponent - exponent);
  return weights;
}

}  // namespace

std::optional<Problem> compile_within(const Instance& instance, const Deadline& deadline,
                                      const CompileOptions& options) {
  Problem problem;
  problem.instance = &instance;
  problem.collusion = instance.policy.collusion;
  problem.secret_count = instance.secrets.size();
  std::unordered_map<std::string_view, std::size_t> secret_index, supplier_index, package_index;
  for (std::size_t i = 0; i < instance.secrets.size(); ++i) secret_index.emplace(instance.secrets[i].id, i);
  problem.weights = scaled_weights(instance.secrets);
  for (const double weight : problem.weights) problem.total_weight += weight;
  compile_knowledge(instance, problem, secret_index);
  compile_suppliers(instance, problem);
  for (std::size_t s = 0; s < instance.suppliers.size(); ++s)
    supplier_index.emplace(instance.suppliers[s].id, s);
  std::vector<std::vector<std::size_t>> recipes_by_secret(problem.secret_count);
  bool empty_recipe = false;
  for (std::size_t r = 0; r < problem.recipes.size(); ++r) {
    empty_recipe = empty_recipe || problem.recipes[r].secrets.empty();
    problem.recipes[r].secrets.for_each([&](std::size_t s) { recipes_by_secret[s].push_back(r); });
  }
  // Only suppliers that quoted can be eligible: walk each package's quotes, not every supplier.
  for (std::size_t p = 0; p < instance.packages.size(); ++p)
    package_index.emplace(instance.packages[p].id, p);
  // Each package's quotes in one list, in the instance's order (counted first: no list per package).
  const std::vector<QuoteRef> refs = quote_refs(instance, package_index, supplier_index);
  std::vector<std::size_t> first_quote(instance.packages.size() + 1, 0);
  for (const QuoteRef& ref : refs) ++first_quote[ref.package + 1];
  for (std::size_t p = 0; p < instance.packages.size(); ++p) first_quote[p + 1] += first_quote[p];
  std::vector<std::size_t> quotes_by_package(instance.quotes.size());
  std::vector<std::size_t> placed(first_quote.begin(), first_quote.end() - 1);
  for (std::size_t q = 0; q < instance.quotes.size(); ++q) quotes_by_package[placed[refs[q].package]++] = q;
  problem.packages.reserve(instance.packages.size());
  DeadlineCheck<16> check(deadline);
  for (std::size_t i = 0; i < instance.packages.size(); ++i) {
    if (check.passed()) return std::nullopt;
    const Package& p = instance.packages[i];
    CompiledPackage package{p.id, Bitset(problem.secret_count), p.volume, p.sources, p.volume / p.sources, {},
                            {}};
    for (const std::string& id : p.exposes) package.exposes.set(secret_index.at(id));
    package.options.reserve(first_quote[i + 1] - first_quote[i]);
    for (std::size_t k = first_quote[i]; k < first_quote[i + 1]; ++k) {
      const Quote& q = instance.quotes[quotes_by_package[k]];
      const std::size_t s = refs[quotes_by_package[k]].supplier;
      if (eligible(instance, p, instance.suppliers[s]))
        package.options.push_back({s, q.unit_cost, q.fixed_cost});
    }
    std::sort(package.options.begin(), package.options.end(),
              [](const Option& a, const Option& b) { return a.supplier < b.supplier; });  // instance order
    if (options.exclude_hopeless) exclude_hopeless_options(problem, recipes_by_secret, empty_recipe, package);
    const double units = package.units;
    std::stable_sort(package.options.begin(), package.options.end(),
                     [&](const Option& a, const Option& b) { return a.cost(units) < b.cost(units); });
    problem.packages.push_back(std::move(package));
  }
  if (options.exclude_hopeless) drop_dominated_options(problem);
  if (deadline.passed()) return std::nullopt;
  return problem;
}

Problem compile(const Instance& instance, const CompileOptions& options) {
  return std::move(*compile_within(instance, Deadline(), options));
}

}  // namespace moat::plan
