// SPDX-License-Identifier: Apache-2.0
#include "plan/conflict.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "plan/problem.h"
#include "plan/wording.h"

namespace moat::plan {
namespace {

enum class Family { kCapacity, kOwnCap, kExposureCap, kCollusion };

// One rule family: a supplier's capacity or own cap (index: supplier), the policy's cap, or the
// collusion rule of one recipe (index: recipe; the implied all-secrets recipe when none is listed).
struct Relaxable {
  Family family;
  std::size_t index = 0;
};

std::string listing(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

double total_volume(const Instance& instance) {
  double total = 0;
  for (const Package& p : instance.packages) total += static_cast<double>(p.volume);
  return total;
}

std::string recipe_name(const Instance& instance, std::size_t index) {
  return instance.recipes.empty() ? "the whole product (every secret)"
                                  : "recipe " + instance.recipes[index].id;
}

// The families that bind anything in `instance`.
std::vector<Relaxable> families(const Instance& instance) {
  std::vector<Relaxable> rules;
  const double volume = total_volume(instance);
  for (std::size_t s = 0; s < instance.suppliers.size(); ++s) {
    if (instance.suppliers[s].capacity < volume) rules.push_back({Family::kCapacity, s});
  }
  for (std::size_t s = 0; s < instance.suppliers.size(); ++s) {
    const auto& cap = instance.suppliers[s].max_exposure_share;
    if (cap && *cap < 1.0 && !instance.suppliers[s].trusted) rules.push_back({Family::kOwnCap, s});
  }
  if (instance.policy.max_exposure_share < 1.0) rules.push_back({Family::kExposureCap, 0});
  if (instance.policy.collusion > 0) {
    const std::size_t recipes = std::max<std::size_t>(1, instance.recipes.size());
    for (std::size_t r = 0; r < recipes; ++r) rules.push_back({Family::kCollusion, r});
  }
  return rules;
}

bool same(const Relaxable& a, const Relaxable& b) {
  return a.family == b.family && a.index == b.index;
}

bool listed(const std::vector<Relaxable>& rules, const Relaxable& rule) {
  return std::any_of(rules.begin(), rules.end(), [&](const Relaxable& r) { return same(r, rule); });
}

// `instance` with every rule of `relaxed` lifted.
Instance relax(const Instance& instance, const std::vector<Relaxable>& relaxed) {
  Instance out = instance;
  const double volume = total_volume(instance);
  std::vector<std::size_t> dropped_recipes;
  for (const Relaxable& rule : relaxed) {
    switch (rule.family) {
      case Family::kCapacity:
        out.suppliers[rule.index].capacity = volume;
        break;
      case Family::kOwnCap:
        out.suppliers[rule.index].max_exposure_share.reset();
        break;
      case Family::kExposureCap:
        out.policy.max_exposure_share = 1.0;
        break;
      case Family::kCollusion:
        dropped_recipes.push_back(rule.index);
        break;
    }
  }
  const std::size_t recipes = std::max<std::size_t>(1, instance.recipes.size());
  if (dropped_recipes.size() == recipes) {
    out.policy.collusion = 0;  // no recipe left to guard
  } else {
    std::sort(dropped_recipes.rbegin(), dropped_recipes.rend());
    for (std::size_t r : dropped_recipes)
      out.recipes.erase(out.recipes.begin() + static_cast<std::ptrdiff_t>(r));
  }
  return out;
}

bool has_plan(const Plan& plan) {
  return plan.status == PlanStatus::kOptimal || plan.status == PlanStatus::kFeasible;
}

std::vector<Relaxable> without(const std::vector<Relaxable>& rules, const Relaxable& rule) {
  std::vector<Relaxable> out;
  for (const Relaxable& r : rules) {
    if (!same(r, rule)) out.push_back(r);
  }
  return out;
}

// Every family of `all` not in `kept`.
std::vector<Relaxable> complement(const std::vector<Relaxable>& all, const std::vector<Relaxable>& kept) {
  std::vector<Relaxable> out;
  for (const Relaxable& r : all) {
    if (!listed(kept, r)) out.push_back(r);
  }
  return out;
}

// ---- Wording ---------------------------------------------------------------------------------

// Packages only `supplier` is eligible for (every source of them is its), by the compiled options.
std::vector<std::string> only_it_makes(const Problem& problem, std::size_t supplier) {
  std::vector<std::string> out;
  for (const CompiledPackage& p : problem.packages) {
    if (p.options.empty()) continue;
    const bool only = std::all_of(p.options.begin(), p.options.end(),
                                  [&](const Option& o) { return o.supplier == supplier; });
    if (only) out.push_back(p.id);
  }
  return out;
}

std::string rule_text(const Instance& instance, const Relaxable& rule) {
  const auto& suppliers = instance.suppliers;
  switch (rule.family) {
    case Family::kCapacity:
      return "the capacity of " + suppliers[rule.index].id + " (" + amount(suppliers[rule.index].capacity) +
             ")";
    case Family::kOwnCap:
      return "the exposure cap of " + suppliers[rule.index].id + " (" +
             percent(*suppliers[rule.index].max_exposure_share) + ", from its qualification)";
    case Family::kExposureCap:
      return "the policy's exposure cap (" + percent(instance.policy.max_exposure_share) + ")";
    case Family::kCollusion:
      return "collusion " + std::to_string(instance.policy.collusion) + " for " +
             recipe_name(instance, rule.index);
  }
  return "";
}

// The largest share of the secret weight an untrusted party of `plan` holds.
double highest_untrusted_share(const Instance& instance, const Plan& plan) {
  double highest = 0;
  for (const PartyExposure& p : plan.parties) {
    const bool trusted = std::any_of(instance.suppliers.begin(), instance.suppliers.end(),
                                     [&](const Supplier& s) { return s.party == p.party && s.trusted; });
    if (!trusted) highest = std::max(highest, p.share);
  }
  return highest;
}

// The least policy cap under which a plan exists, searched by halving between the cap that fails
// and the share the cheapest plan without a cap gives its most exposed party (`uncapped`): each
// plan found lowers the ceiling to its own highest share, so the cap advised admits a plan found,
// never more than it needs but for the last step's width. An unanswered trial (out of time) ends
// the search with what was found so far.
constexpr double kCapSearchWidth = 0.001;
struct LeastCap {
  double share = 1;
  Plan plan;
};
LeastCap least_cap(const Instance& instance, const Solver& solver, const Plan& uncapped) {
  LeastCap found{highest_untrusted_share(instance, uncapped), uncapped};
  double failing = instance.policy.max_exposure_share;
  for (int step = 0; step < kCapSearchSteps && found.share - failing > kCapSearchWidth; ++step) {
    Instance variant = instance;
    variant.policy.max_exposure_share = (failing + found.share) / 2;
    Plan plan = solver(variant);
    if (plan.status == PlanStatus::kInfeasible) {
      failing = variant.policy.max_exposure_share;
    } else if (has_plan(plan)) {
      found = {highest_untrusted_share(instance, plan), std::move(plan)};
    } else {
      break;
    }
  }
  return found;
}

// What relaxing `rule` alone on the whole instance gives: the change, with the plan's figures.
// For the policy's cap, the least cap a plan was found under (`solver` searches for it), and the
// cheapest plan's when that one is dearer.
std::string restore_text(const Instance& instance, const Relaxable& rule, const Plan& plan,
                         const Solver& solver) {
  const std::string cost = plan.cost ? " (a plan costing " + amount(*plan.cost) + ")" : "";
  switch (rule.family) {
    case Family::kCapacity: {
      const Supplier& s = instance.suppliers[rule.index];
      double units = 0;
      std::vector<std::string> packages;
      for (const Assignment& a : plan.assignments) {
        if (a.supplier != s.id) continue;
        units += a.units;
        packages.push_back(a.package);
      }
      return "raise " + s.id + "'s capacity from " + amount(s.capacity) + " to " + amount_up(units) +
             " (for " + listing(packages) + ")" + cost;
    }
    case Family::kOwnCap:
      return "re-assess " + instance.suppliers[rule.index].id + " so that its own exposure cap of " +
             percent(*instance.suppliers[rule.index].max_exposure_share) + " no longer applies" + cost;
    case Family::kExposureCap: {
      const double cheapest = highest_untrusted_share(instance, plan);
      const LeastCap least = least_cap(instance, solver, plan);
      std::string text = "raise policy.max_exposure_share from " +
                         percent(instance.policy.max_exposure_share) + " to " + percent_up(least.share);
      if (percent_up(least.share) == percent_up(cheapest)) return text + cost;
      if (least.plan.cost) text += " (a plan costing " + amount(*least.plan.cost) + ")";
      return text + "; the cheapest plan without the cap needs " + percent_up(cheapest) + cost;
    }
    case Family::kCollusion:
      // What was relaxed is the recipe's guard as a whole: a lower collusion level alone may not do.
      return "drop the collusion guard on " + recipe_name(instance, rule.index) + cost +
             "; to keep it, add a trusted or new supplier for its packages";
  }
  return "";
}

// The packages and suppliers `rules` bind, for a person to look at.
void name_what_they_bind(const Instance& instance, const Problem& problem,
                         const std::vector<Relaxable>& rules, Conflict& conflict) {
  std::set<std::string> packages, suppliers;
  for (const Relaxable& rule : rules) {
    if (rule.family != Family::kCapacity && rule.family != Family::kOwnCap) continue;
    suppliers.insert(instance.suppliers[rule.index].id);
    for (const std::string& p : only_it_makes(problem, rule.index)) packages.insert(p);
  }
  conflict.packages.assign(packages.begin(), packages.end());
  conflict.suppliers.assign(suppliers.begin(), suppliers.end());
}

}  // namespace

std::vector<std::string> capacity_conflicts(const Problem& problem) {
  // Each package with no more eligible suppliers than it needs sources binds every one of them.
  std::vector<double> needed(problem.suppliers.size(), 0);
  std::vector<std::vector<std::string>> packages(problem.suppliers.size());
  for (const CompiledPackage& p : problem.packages) {
    if (p.options.empty() || static_cast<int>(p.options.size()) > p.sources) continue;
    std::vector<std::size_t> makers;
    for (const Option& o : p.options) makers.push_back(o.supplier);
    std::sort(makers.begin(), makers.end());
    makers.erase(std::unique(makers.begin(), makers.end()), makers.end());
    for (std::size_t s : makers) {
      needed[s] += p.units;
      packages[s].push_back(p.id);
    }
  }
  std::vector<std::string> out;
  for (std::size_t s = 0; s < problem.suppliers.size(); ++s) {
    if (!over_capacity(needed[s], problem.suppliers[s].capacity)) continue;
    out.push_back("supplier " + problem.suppliers[s].id + "'s capacity " +
                  amount(problem.suppliers[s].capacity) + " < " + amount_up(needed[s]) + " needed by " +
                  listing(packages[s]) + ", which only it can make: raise its capacity to " +
                  amount_up(needed[s]) + " or qualify another supplier for " +
                  (packages[s].size() == 1 ? "it" : "them"));
  }
  return out;
}

Conflict minimal_conflict(const Instance& instance, const Solver& solver) {
  Conflict conflict;
  const std::vector<Relaxable> all = families(instance);
  // With every family lifted, is there a plan? If not, the rules are not what stands in the way.
  const Plan loosest = solver(relax(instance, all));
  if (!has_plan(loosest)) {
    conflict.minimal = loosest.status == PlanStatus::kInfeasible;
    return conflict;
  }
  std::vector<Relaxable> kept = all;
  for (const Relaxable& rule : all) {
    const std::vector<Relaxable> trial = without(kept, rule);
    const Plan plan = solver(relax(instance, complement(all, trial)));
    if (plan.status == PlanStatus::kInfeasible) {
      kept = trial;  // not needed to explain it
    } else if (!has_plan(plan)) {
      conflict.minimal = false;  // unanswered: keep the rule, the set may be larger than needed
    }
  }
  const Problem problem = compile(instance);
  for (const Relaxable& rule : kept) {
    conflict.rules.push_back(rule_text(instance, rule));
    const Plan restored = solver(relax(instance, {rule}));
    if (has_plan(restored)) conflict.restores.push_back(restore_text(instance, rule, restored, solver));
  }
  name_what_they_bind(instance, problem, kept, conflict);
  return conflict;
}

std::vector<std::string> conflict_reasons(const Conflict& conflict) {
  std::vector<std::string> out;
  if (conflict.rules.empty()) return out;
  std::string text = (conflict.minimal ? "these rules cannot hold together: "
                                       : "these rules (perhaps fewer) cannot hold together: ") +
                     listing(conflict.rules);
  if (!conflict.packages.empty()) text += "; packages " + listing(conflict.packages);
  if (!conflict.suppliers.empty()) text += "; suppliers " + listing(conflict.suppliers);
  out.push_back(text);
  for (const std::string& change : conflict.restores) out.push_back("a plan exists if you " + change);
  if (conflict.restores.empty())
    out.push_back("no single change of these rules restores a plan: relax several");
  return out;
}

}  // namespace moat::plan
