// SPDX-License-Identifier: Apache-2.0
#include "plan/infeasibility.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "plan/exposure.h"
#include "plan/wording.h"

namespace moat::plan {
namespace {

constexpr std::size_t kMaxNamed = 6;  // suppliers named per reason

// The distinct parties of a package's eligible suppliers.
std::vector<std::size_t> parties_of(const Problem& problem, const CompiledPackage& package) {
  std::vector<std::size_t> parties;
  for (const Option& o : package.options) parties.push_back(problem.suppliers[o.supplier].party);
  std::sort(parties.begin(), parties.end());
  parties.erase(std::unique(parties.begin(), parties.end()), parties.end());
  return parties;
}

std::string list(const std::vector<std::string>& names, std::string_view last = " and ") {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? std::string(last) : ", ";
    out += names[i];
  }
  return out;
}

// "F1 would …", "F2 would …" → "F1 and F2 would …" (at most kMaxNamed names, then a count).
std::vector<std::string> grouped(const std::vector<std::string>& reasons) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // what -> who
  for (const std::string& reason : reasons) {
    const std::size_t space = reason.find(' ');
    const std::string who = reason.substr(0, space),
                      what = space == std::string::npos ? "" : reason.substr(space);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == what; });
    if (it == groups.end()) it = groups.insert(groups.end(), {what, {}});
    it->second.push_back(who);
  }
  std::vector<std::string> out;
  for (auto& [what, who] : groups) {
    std::vector<std::string> names(
        who.begin(), who.begin() + static_cast<std::ptrdiff_t>(std::min(who.size(), kMaxNamed)));
    if (who.size() > kMaxNamed) names.push_back(std::to_string(who.size() - kMaxNamed) + " more");
    out.push_back(list(names) + what);
  }
  return out;
}

// Each package's quotes by supplier id, built when a reason needs them.
class QuoteIndex {
 public:
  explicit QuoteIndex(const Instance& instance) : instance_(instance) {}
  const Quote* find(const std::string& package, const std::string& supplier) {
    if (by_pair_.empty()) {
      for (const Quote& q : instance_.quotes)
        by_pair_.emplace(std::pair<std::string_view, std::string_view>(q.package, q.supplier), &q);
    }
    const auto it = by_pair_.find({package, supplier});
    return it == by_pair_.end() ? nullptr : it->second;
  }

 private:
  const Instance& instance_;
  std::map<std::pair<std::string_view, std::string_view>, const Quote*> by_pair_;
};

// Adds to `notes` (up to kMaxNamed, each once) why each supplier close to making package `p` — it
// has the capability or a quote — may not: "F1 is not qualified (expired)", "F3 has no quote".
void near_misses(const Problem& problem, QuoteIndex& quotes, std::size_t p, std::vector<std::string>& notes) {
  const Instance& instance = *problem.instance;
  const Package& source = instance.packages[p];
  for (const Supplier& s : instance.suppliers) {
    if (notes.size() >= kMaxNamed) return;
    const Quote* quote = quotes.find(source.id, s.id);
    const auto reason = ineligibility(instance, source, s, quote);
    const bool capable =
        std::find(s.capabilities.begin(), s.capabilities.end(), source.capability) != s.capabilities.end();
    if (reason && (capable || quote) && std::find(notes.begin(), notes.end(), *reason) == notes.end())
      notes.push_back(*reason);
  }
}

// Packages whose eligible suppliers fall in fewer parties than the sources they need.
void short_of_suppliers(const Problem& problem, const Deadline& deadline, std::vector<std::string>& reasons) {
  const Instance& instance = *problem.instance;
  QuoteIndex quotes(instance);
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    const CompiledPackage& package = problem.packages[p];
    const std::vector<std::size_t> parties = parties_of(problem, package);
    if (static_cast<int>(parties.size()) >= package.sources) continue;
    if (deadline.passed()) return;
    std::vector<std::string> why = grouped(package.excluded);
    const Package& source = instance.packages[p];
    near_misses(problem, quotes, p, why);
    std::string text = "package " + package.id;
    if (parties.empty()) {
      text += " has no eligible supplier";
    } else {
      text += " needs " + std::to_string(package.sources) + " sources in distinct parties but only " +
              std::to_string(parties.size()) + " part" + (parties.size() == 1 ? "y is" : "ies are") +
              " eligible";
    }
    if (why.empty()) {
      text += " (no supplier has the capability " + source.capability + ")";
    } else {
      text += " (" + list(why, ", ") + ")";
    }
    reasons.push_back(text);
  }
}

// Per capability: units to make against the capacity of every supplier eligible for them.
void short_of_capacity(const Problem& problem, std::vector<std::string>& reasons) {
  std::map<std::string, double> demand;
  std::map<std::string, std::set<std::size_t>> able;
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    const std::string& capability = problem.instance->packages[p].capability;
    // A package no supplier is eligible for is named as such; its volume is no shortage of capacity.
    if (problem.packages[p].options.empty()) continue;
    demand[capability] += problem.packages[p].volume;
    for (const Option& o : problem.packages[p].options) able[capability].insert(o.supplier);
  }
  for (const auto& [capability, units] : demand) {
    double supply = 0;
    for (std::size_t s : able[capability]) supply += problem.suppliers[s].capacity;
    if (over_capacity(units, supply)) {
      // As many decimals as tell the two figures apart (10.3333 against 10.33: "10.3333 to make,
      // 10.33 among") and keep the shortfall from reading 0 (10.00500001 against 10.005), two at
      // least.
      int digits = 2;
      while (digits < 9 &&
             (wording_detail::decimal(units, digits, wording_detail::Rounding::kNearest) ==
                  wording_detail::decimal(supply, digits, wording_detail::Rounding::kNearest) ||
              wording_detail::decimal(units - supply, digits, wording_detail::Rounding::kUp) == "0"))
        ++digits;
      const auto figure = [&](double value, wording_detail::Rounding rounding) {
        return wording_detail::decimal(value, digits, rounding);
      };
      reasons.push_back("capacity for " + capability + " short by " +
                        figure(units - supply, wording_detail::Rounding::kUp) + " units (" +
                        figure(units, wording_detail::Rounding::kNearest) + " to make, " +
                        figure(supply, wording_detail::Rounding::kNearest) +
                        " among the eligible suppliers)");
    }
  }
}

struct Forced {
  Bitset held;
  std::vector<std::size_t> packages;  // indices, in package order
};

// What each untrusted party must hold whatever the plan: packages only it can make.
std::map<std::size_t, Forced> forced_holdings(const Problem& problem) {
  std::map<std::size_t, Forced> forced;
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    const CompiledPackage& package = problem.packages[p];
    const std::vector<std::size_t> parties = parties_of(problem, package);
    // With as many parties as sources, every one of them is used.
    if (parties.empty() || static_cast<int>(parties.size()) > package.sources) continue;
    for (std::size_t g : parties) {
      if (problem.parties[g].trusted) continue;
      auto [it, fresh] = forced.try_emplace(g, Forced{Bitset(problem.secret_count), {}});
      it->second.held.unite(package.exposes);
      it->second.packages.push_back(p);
    }
  }
  for (auto& [g, f] : forced) problem.close(f.held);
  return forced;
}

std::vector<std::string> ids_of(const Problem& problem, const std::vector<std::size_t>& packages) {
  std::vector<std::string> ids;
  for (std::size_t p : packages) ids.push_back(problem.packages[p].id);
  return ids;
}

// The fewest of `packages` that still give `recipe` away, by a deletion filter from the last: only
// those exposing a secret that bears on the recipe are tried (the others change nothing), so a party
// that must make every package (one party owning every supplier) costs the recipe's few packages,
// not all of them thrice over. Nullopt once `deadline` has passed.
std::optional<std::vector<std::size_t>> fewest_giving_away(const Problem& problem,
                                                           const std::vector<std::size_t>& packages,
                                                           const CompiledRecipe& recipe,
                                                           const Deadline& deadline) {
  const Bitset relevant = relevant_to(problem, recipe.secrets);
  std::vector<std::size_t> needed;
  for (std::size_t p : packages) {
    if (problem.packages[p].exposes.intersects(relevant)) needed.push_back(p);
  }
  DeadlineCheck<16> check(deadline);
  for (std::size_t i = needed.size(); i-- > 0;) {
    if (check.passed()) return std::nullopt;
    Bitset held(problem.secret_count);
    for (std::size_t j = 0; j < needed.size(); ++j) {
      if (j != i) held.unite(problem.packages[needed[j]].exposes);
    }
    problem.close(held);
    if (held.contains(recipe.secrets)) needed.erase(needed.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return needed;
}

void forced_conflicts(const Problem& problem, const Deadline& deadline, std::vector<std::string>& reasons) {
  const auto forced = forced_holdings(problem);
  QuoteIndex quotes(*problem.instance);
  for (const auto& [g, f] : forced) {
    if (deadline.passed()) return;
    const double share = problem.total_weight > 0 ? problem.weight_of(f.held) / problem.total_weight : 0;
    const std::string only = "only party " + problem.parties[g].id + " can make " +
                             (f.packages.size() == 1 ? "it" : (f.packages.size() == 2 ? "both" : "them all"));
    if (over_share(share, problem.parties[g].cap)) {
      const bool one = f.packages.size() == 1;
      reasons.push_back((one ? "package " : "packages ") + list(ids_of(problem, f.packages)) +
                        (one ? " exposes " : " expose ") + percent_above(share, problem.parties[g].cap) +
                        " of the secret weight and " + only + ", above its cap of " +
                        percent(problem.parties[g].cap));
    }
    if (problem.collusion < 1) continue;
    for (const CompiledRecipe& recipe : problem.recipes) {
      if (!f.held.contains(recipe.secrets)) continue;
      const std::optional<std::vector<std::size_t>> needed =
          fewest_giving_away(problem, f.packages, recipe, deadline);
      if (!needed) return;
      if (needed->size() == 1) continue;  // one package alone: self_revealing_packages names it
      std::vector<std::string> notes;
      for (std::size_t p : *needed) {
        const CompiledPackage& package = problem.packages[p];
        notes.insert(notes.end(), package.excluded.begin(), package.excluded.end());
      }
      // And why the suppliers that come close may not make them (a qualification that lapsed, a
      // missing quote): what would give another party the choice.
      for (std::size_t p : *needed) near_misses(problem, quotes, p, notes);
      reasons.push_back("recipe " + recipe.id + ": packages " + list(ids_of(problem, *needed)) +
                        " expose all of it and only party " + problem.parties[g].id + " can make " +
                        (needed->size() == 2 ? "both" : "them all") +
                        (notes.empty() ? "" : " (" + list(notes, ", ") + ")"));
    }
  }
}

bool has_trusted_option(const Problem& problem, const CompiledPackage& package) {
  return std::any_of(package.options.begin(), package.options.end(), [&](const Option& o) {
    return problem.parties[problem.suppliers[o.supplier].party].trusted;
  });
}

// A single package that gives a recipe away, where no trusted supplier is eligible to make it.
void self_revealing_packages(const Problem& problem, const Deadline& deadline,
                             std::vector<std::string>& reasons) {
  if (problem.collusion < 1) return;
  std::vector<std::vector<std::size_t>> recipes_by_secret(problem.secret_count);
  std::vector<std::size_t> empty;  // recipes of no secret: anything gives them away
  for (std::size_t r = 0; r < problem.recipes.size(); ++r) {
    if (problem.recipes[r].secrets.empty()) empty.push_back(r);
    problem.recipes[r].secrets.for_each([&](std::size_t t) { recipes_by_secret[t].push_back(r); });
  }
  DeadlineCheck check(deadline);
  for (const CompiledPackage& package : problem.packages) {
    if (check.passed()) return;
    if (package.options.empty()) continue;
    if (has_trusted_option(problem, package)) continue;
    Bitset held = package.exposes;
    problem.close(held);
    std::vector<std::size_t> touched =
        empty;  // and recipes sharing a secret with it: only those can be given away
    held.for_each([&](std::size_t t) {
      touched.insert(touched.end(), recipes_by_secret[t].begin(), recipes_by_secret[t].end());
    });
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (std::size_t r : touched) {
      const CompiledRecipe& recipe = problem.recipes[r];
      if (held.contains(recipe.secrets)) {
        reasons.push_back("recipe " + recipe.id + ": package " + package.id +
                          " exposes all of it by itself and no trusted supplier is eligible to make it");
      }
    }
  }
}

// The packages that need an untrusted maker: fewer trusted parties are eligible for them than they
// need sources (none eligible at all: short_of_suppliers names them).
std::vector<std::size_t> needing_untrusted_maker(const Problem& problem) {
  std::vector<std::size_t> out;
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    const CompiledPackage& package = problem.packages[p];
    const std::vector<std::size_t> parties = parties_of(problem, package);
    const auto trusted = std::count_if(parties.begin(), parties.end(),
                                       [&](std::size_t g) { return problem.parties[g].trusted; });
    if (!package.options.empty() && trusted < package.sources) out.push_back(p);
  }
  return out;
}

// At collusion k ≥ 2: up to k packages that need an untrusted maker — too few trusted parties are
// eligible for their sources — and that together give a recipe away. Whoever makes them — k
// untrusted parties at most — can pool what they hold.
void untrusted_combinations(const Problem& problem, const Deadline& deadline,
                            std::vector<std::string>& reasons) {
  if (problem.collusion < 2) return;
  constexpr std::size_t kMaxCandidates = 24;  // per recipe: keeps the search small
  const std::vector<std::size_t> untrusted_only = needing_untrusted_maker(problem);
  // Those packages by the secrets they expose: a recipe's candidates are looked up from the secrets
  // that bear on it, not found by testing every package against it (at XL, 1,000 recipes × 10,000
  // packages took seconds).
  std::vector<std::vector<std::size_t>> exposing(problem.secret_count);
  for (std::size_t p : untrusted_only)
    problem.packages[p].exposes.for_each([&](std::size_t t) { exposing[t].push_back(p); });
  for (const CompiledRecipe& recipe : problem.recipes) {
    if (deadline.passed()) return;
    const Bitset relevant = relevant_to(problem, recipe.secrets);
    // The first kMaxCandidates of them in package order that expose a secret bearing on the recipe.
    std::vector<std::size_t> candidates;
    relevant.for_each(
        [&](std::size_t t) { candidates.insert(candidates.end(), exposing[t].begin(), exposing[t].end()); });
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    if (candidates.size() > kMaxCandidates) candidates.resize(kMaxCandidates);
    std::vector<std::size_t> chosen;
    // Up to 2^kMaxCandidates subsets at a high collusion: the deadline is read inside the search too
    // (at collusion 16 it ran 11 s past a limit of 10). One cut short finds nothing, and says nothing.
    DeadlineCheck check(deadline);
    const std::function<bool(std::size_t, const Bitset&)> search = [&](std::size_t from, const Bitset& pool) {
      if (check.passed()) return false;
      Bitset closed = pool;
      problem.close(closed);
      if (closed.contains(recipe.secrets)) return true;
      if (static_cast<int>(chosen.size()) == problem.collusion) return false;
      for (std::size_t c = from; c < candidates.size(); ++c) {
        if (closed.contains(problem.packages[candidates[c]].exposes.intersection(relevant))) continue;
        Bitset next = pool;
        next.unite(problem.packages[candidates[c]].exposes);
        chosen.push_back(candidates[c]);
        if (search(c + 1, next)) return true;
        chosen.pop_back();
      }
      return false;
    };
    if (!search(0, Bitset(problem.secret_count)) || chosen.size() < 2) continue;
    std::vector<std::string> names;
    for (std::size_t p : chosen) names.push_back(problem.packages[p].id);
    const bool none_trusted = std::all_of(chosen.begin(), chosen.end(), [&](std::size_t p) {
      const std::vector<std::size_t> parties = parties_of(problem, problem.packages[p]);
      return std::none_of(parties.begin(), parties.end(),
                          [&](std::size_t g) { return problem.parties[g].trusted; });
    });
    reasons.push_back(
        "recipe " + recipe.id + ": packages " + list(names) + " together expose all of it and " +
        (none_trusted
             ? "no trusted supplier can make any of them"
             : "each needs an untrusted maker (fewer trusted parties are eligible than it needs sources)") +
        ", so at collusion " + std::to_string(problem.collusion) + " the " + std::to_string(chosen.size()) +
        " parties that make them could pool it");
  }
}

// At collusion k ≥ 2: the packages that need an untrusted maker are made by untrusted parties
// eligible for them; when those parties are k or fewer, they are one coalition whatever the plan,
// and what the packages expose together is theirs. (Three parties at collusion 3, a recipe of 40
// secrets over 40 packages: beyond the k packages untrusted_combinations tries.)
void few_untrusted_parties(const Problem& problem, const Deadline& deadline,
                           std::vector<std::string>& reasons) {
  if (problem.collusion < 2) return;
  const std::vector<std::size_t> untrusted_only = needing_untrusted_maker(problem);
  std::set<std::size_t> makers;
  for (std::size_t p : untrusted_only) {
    for (std::size_t g : parties_of(problem, problem.packages[p]))
      if (!problem.parties[g].trusted) makers.insert(g);
  }
  // One party alone: forced_conflicts names it.
  if (makers.size() < 2 || makers.size() > static_cast<std::size_t>(problem.collusion)) return;
  Bitset pooled(problem.secret_count);
  for (std::size_t p : untrusted_only) pooled.unite(problem.packages[p].exposes);
  problem.close(pooled);
  std::vector<std::string> names;
  for (std::size_t g : makers) names.push_back(problem.parties[g].id);
  for (const CompiledRecipe& recipe : problem.recipes) {
    if (!pooled.contains(recipe.secrets)) continue;
    const std::optional<std::vector<std::size_t>> needed =
        fewest_giving_away(problem, untrusted_only, recipe, deadline);
    if (!needed) return;
    // One package with no trusted option at all: self_revealing_packages names it.
    const bool alone = needed->size() == 1;
    if (alone && !has_trusted_option(problem, problem.packages[needed->front()])) continue;
    reasons.push_back(
        "recipe " + recipe.id + (alone ? ": package " : ": packages ") + list(ids_of(problem, *needed)) +
        (alone ? " exposes all of it and needs an untrusted maker, of whom only "
               : " together expose all of it and each needs an untrusted maker, of whom only ") +
        "parties " + list(names) + " are eligible, " + std::to_string(names.size()) +
        " within the collusion of " + std::to_string(problem.collusion) +
        ": whatever the plan, they would hold all of it");
  }
}

}  // namespace

Conflicts find_conflicts(const Problem& problem, const Deadline& deadline) {
  Conflicts found;
  std::vector<std::string>& reasons = found.reasons;
  short_of_suppliers(problem, deadline, reasons);
  short_of_capacity(problem, reasons);
  self_revealing_packages(problem, deadline, reasons);
  forced_conflicts(problem, deadline, reasons);
  untrusted_combinations(problem, deadline, reasons);
  few_untrusted_parties(problem, deadline, reasons);
  found.complete = !deadline.passed();
  std::sort(reasons.begin(), reasons.end());
  reasons.erase(std::unique(reasons.begin(), reasons.end()), reasons.end());
  return found;
}

}  // namespace moat::plan
