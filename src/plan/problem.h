// SPDX-License-Identifier: Apache-2.0
// An instance compiled for solving: everything by index, secrets as bitsets, each package's
// eligible suppliers (with the reason each other supplier is not), parties with their trust and
// exposure cap, recipes with the secrets they need. Built once; engines read it.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "plan/bitset.h"
#include "plan/deadline.h"
#include "plan/instance.h"

namespace moat::plan {

// The planner's tolerances, for floating-point error only: a load is over a capacity when it exceeds
// it by more than 1e-12 of it (volumes split over sources sum back with rounding; a billionth would
// let 1e9 units onto a capacity of 999,999,999), a share over a cap when it exceeds it by more than
// 1e-12 (shares of weights scaled to a total near 2^14).
// Absolute margins let plans past the rules: 1e-6 let a supplier of capacity 5e-7 carry twice that,
// 1e-9 a party a share of 0.3000000005 against a cap of 0.3.
inline bool over_capacity(double load, double capacity) {
  return load > capacity + 1e-12 * std::abs(capacity);
}
inline bool over_share(double share, double cap) {
  return share > cap + 1e-12;
}

struct Rule {
  std::vector<std::size_t> from;
  std::size_t gives = 0;
};

struct Option {  // one eligible (package, supplier) pair
  std::size_t supplier = 0;
  double unit_cost = 0;
  double fixed_cost = 0;

  // What it costs for one source of `units`: the units at the unit cost, and the fixed cost.
  double cost(double units) const { return unit_cost * units + fixed_cost; }
};

struct CompiledPackage {
  std::string id;
  Bitset exposes;  // as listed (closure happens per holder)
  double volume = 0;
  int sources = 1;
  double units = 0;             // per source
  std::vector<Option> options;  // eligible suppliers, cheapest first
  // Eligible suppliers left out because making this package alone would break a rule for
  // their party (its exposure cap, or a recipe it gives away): why, for a person.
  std::vector<std::string> excluded;

  // What option o costs for one source.
  double cost(std::size_t o) const { return options[o].cost(units); }
};

struct CompiledSupplier {
  std::string id;
  std::size_t party = 0;
  double capacity = 0;
};

struct CompiledParty {
  std::string id;
  bool trusted = false;
  double cap = 1.0;  // max share of the total weight
  std::vector<std::size_t> suppliers;
};

struct CompiledRecipe {
  std::string id;
  Bitset secrets;
};

struct Problem {
  const Instance* instance = nullptr;
  std::size_t secret_count = 0;
  std::vector<double> weights;
  double total_weight = 0;
  std::vector<Rule> rules;
  std::vector<CompiledRecipe> recipes;
  std::vector<CompiledPackage> packages;
  std::vector<CompiledSupplier> suppliers;
  std::vector<CompiledParty> parties;
  int collusion = 1;
  // Built by compile(), for closing sets in time proportional to what they hold: per secret, the
  // rules it is a premise of, and the rules that give it.
  std::vector<std::vector<std::size_t>> rules_from;
  std::vector<std::vector<std::size_t>> rules_giving;

  // Adds to `set` every secret inferable from it (derives applied until nothing changes).
  void close(Bitset& set) const;
  // Adds `added` to `closed` (a set already closed) and closes it again, following only what is
  // new; returns how many secrets it gained.
  std::size_t grow(Bitset& closed, const Bitset& added) const;
  // Adds to `set` every secret that can contribute to inferring one of it (rules read backwards).
  void close_backwards(Bitset& set) const;
  double weight_of(const Bitset& set) const;
};

// Why `supplier` cannot make `package`, or nullopt when it can.
std::optional<std::string> ineligibility(const Instance& instance, const Package& package,
                                         const Supplier& supplier, const Quote* quote);

struct CompileOptions {
  // Remove options that alone break a rule for their party, and options that cheaper free ones
  // dominate (reductions; off only to measure a textbook model against moat's).
  bool exclude_hopeless = true;
};

Problem compile(const Instance& instance, const CompileOptions& options = {});
// The same, giving up (nullopt) once `deadline` has passed: a large instance takes seconds.
std::optional<Problem> compile_within(const Instance& instance, const Deadline& deadline,
                                      const CompileOptions& options = {});

// A choice of suppliers: for each package, the indices (into its options) of its sources.
using Choice = std::vector<std::vector<std::size_t>>;

}  // namespace moat::plan
