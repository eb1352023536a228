// SPDX-License-Identifier: Apache-2.0
// A lower bound on sourcing costs where capacities bind, by Lagrangian relaxation of the rows that
// give each package its sources: with a price on each package, every supplier takes the packages
// that pay it more than they cost, as many as fit its capacity (a 0-1 knapsack, solved exactly).
// The bound is the linear relaxation's with each supplier's knapsack made whole: what CBC's root
// reaches with cover cuts, rounds of them, on a generalised assignment problem, found here in
// milliseconds. What the knowledge rules add is left out, so it holds for every plan at any
// collusion.
//
// Its use is fixing: a (package, supplier) column that would raise the bound past a plan's cost
// if forced in (or out) is out (or in) in every cheaper plan, and CBC's model can leave it out.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "plan/deadline.h"

namespace moat::plan {

// The best selection of items within a capacity (each taken at most once), found by depth-first
// branch and bound on the items by profit per weight, the linear relaxation's bound from prefix
// sums. `upper` is a bound on the best profit: the profit found when the search ended, or the
// linear relaxation's when it was cut short after `node_limit` nodes. Items with no weight and a
// positive profit are always taken; items with no profit never are. A load within 1e-12 of the
// capacity fits, as over_capacity() allows.
struct Knapsack {
  double profit = 0;
  double upper = 0;
  std::vector<char> taken;  // per item given
  bool exact = true;
};
inline constexpr long kKnapsackNodes = 20000;
Knapsack solve_knapsack(const std::vector<double>& profits, const std::vector<double>& weights,
                        double capacity, long node_limit = kKnapsackNodes);

// A generalised assignment problem: each demand (a package) takes `demands[d]` items, items sit
// in bins (suppliers) whose capacity they share, and the cost of a choice is its items' costs.
struct CapacitatedAssignment {
  struct Item {
    int column = 0;  // the caller's name for it
    std::size_t demand = 0;
    double cost = 0;
    double weight = 0;
  };
  std::vector<double> demands;
  std::vector<std::vector<Item>> bins;
  std::vector<double> capacities;  // per bin
};

class LagrangianBound {
 public:
  // Subgradient ascent from `prices` (one per demand: the linear relaxation's duals start it close),
  // with steps aimed at `target` (a known solution's cost), until the steps have shrunk to nothing,
  // the bound reaches the target, or `within` passes.
  // `node_limit` bounds each knapsack's search (a search cut short counts its linear bound).
  LagrangianBound(CapacitatedAssignment assignment, std::vector<double> prices, double target,
                  const Deadline& within, long node_limit = kKnapsackNodes);

  // A lower bound on the cost of every choice that meets the demands within the capacities (minus
  // infinity when `within` passed before the first was found).
  double bound() const { return bound_; }

  // Columns every choice cheaper than `cutoff` keeps at a value (0 or 1): forcing a column the other
  // way raises this bound past `cutoff` by more than `margin`. Stops with those found so far when
  // `within` passes. What forcing a column costs does not depend on the cutoff: it is found once,
  // when a cutoff first asks, and kept.
  std::vector<std::pair<int, double>> fixings(double cutoff, double margin, const Deadline& within) const;

 private:
  // Per bin at the best prices: the items' profits, the best choice and whether it is exact.
  struct PricedBin {
    std::vector<double> profits;
    std::vector<double> weights;
    Knapsack best;
  };
  const PricedBin& priced(std::size_t bin) const;
  // The bound with item i of `bin` forced the other way (in when the bin's best leaves it out).
  double forced(std::size_t bin, std::size_t i) const;

  CapacitatedAssignment assignment_;
  std::vector<double> prices_;  // the best found
  long node_limit_;
  mutable std::vector<std::optional<PricedBin>> priced_;            // per bin, when first asked
  mutable std::vector<std::vector<std::optional<double>>> forced_;  // per bin and item, when first asked
  double bound_ = -std::numeric_limits<double>::infinity();
};

}  // namespace moat::plan
