// SPDX-License-Identifier: Apache-2.0
#include "plan/lagrangian.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <random>

namespace moat::plan {
namespace {

// The best profit within the capacity by trying every subset.
double best_by_trying_all(const std::vector<double>& profits, const std::vector<double>& weights,
                          double capacity) {
  double best = 0;
  const std::size_t n = profits.size();
  for (std::size_t mask = 0; mask < (std::size_t{1} << n); ++mask) {
    double profit = 0;
    double weight = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (mask & (std::size_t{1} << i)) {
        profit += profits[i];
        weight += weights[i];
      }
    }
    if (weight <= capacity && profit > best) best = profit;
  }
  return best;
}

TEST(KnapsackTest, FindsWhatTryingEverySubsetFinds) {
  std::mt19937 random(20261207);
  const auto pick = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };
  for (int trial = 0; trial < 500; ++trial) {
    const int n = pick(0, 12);
    std::vector<double> profits, weights;
    for (int i = 0; i < n; ++i) {
      profits.push_back(pick(-5, 30));                       // a loss is never taken
      weights.push_back(pick(0, 4) == 0 ? 0 : pick(1, 20));  // nothing to carry now and then
    }
    const double capacity = pick(0, 60);
    const double best = best_by_trying_all(profits, weights, capacity);
    const Knapsack found = solve_knapsack(profits, weights, capacity);
    ASSERT_TRUE(found.exact) << "trial " << trial;
    EXPECT_DOUBLE_EQ(found.profit, best) << "trial " << trial;
    EXPECT_DOUBLE_EQ(found.upper, best) << "trial " << trial;
    double profit = 0;
    double weight = 0;
    for (int i = 0; i < n; ++i) {
      if (!found.taken[static_cast<std::size_t>(i)]) continue;
      profit += profits[static_cast<std::size_t>(i)];
      weight += weights[static_cast<std::size_t>(i)];
    }
    EXPECT_DOUBLE_EQ(profit, best) << "trial " << trial;  // what it took is what it says
    EXPECT_LE(weight, capacity) << "trial " << trial;

    // Cut short after a few nodes: what it took still fits, and its bound is still a bound.
    const Knapsack cut = solve_knapsack(profits, weights, capacity, 3);
    EXPECT_LE(cut.profit, best + 1e-9) << "trial " << trial;
    EXPECT_GE(cut.upper, best - 1e-9) << "trial " << trial;
  }
}

// A small generalised assignment problem: `packages` each taking one of the bins that quote it.
struct SmallAssignment {
  CapacitatedAssignment assignment;
  std::vector<std::vector<std::size_t>> items_of;  // per demand: (bin * 100 + index) of its items
};

SmallAssignment random_assignment(std::mt19937& random) {
  const auto pick = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };
  SmallAssignment small;
  const int packages = pick(2, 6);
  const int bins = pick(2, 4);
  small.assignment.bins.resize(static_cast<std::size_t>(bins));
  for (int b = 0; b < bins; ++b) small.assignment.capacities.push_back(pick(5, 25));
  small.items_of.resize(static_cast<std::size_t>(packages));
  int column = 0;
  for (int p = 0; p < packages; ++p) {
    small.assignment.demands.push_back(1);
    const double weight = pick(2, 12);
    for (int b = 0; b < bins; ++b) {
      if (pick(0, 3) == 0) continue;
      auto& bin = small.assignment.bins[static_cast<std::size_t>(b)];
      small.items_of[static_cast<std::size_t>(p)].push_back(static_cast<std::size_t>(b) * 100 + bin.size());
      bin.push_back({column++, static_cast<std::size_t>(p), static_cast<double>(pick(0, 30)), weight});
    }
  }
  return small;
}

// Every choice of one item per demand within the capacities, with its cost and the columns it takes.
void each_choice(const SmallAssignment& small,
                 const std::function<void(double, const std::vector<int>&)>& visit) {
  const CapacitatedAssignment& a = small.assignment;
  std::vector<double> load(a.bins.size(), 0);
  std::vector<int> columns;
  std::function<void(std::size_t, double)> place = [&](std::size_t p, double cost) {
    if (p == small.items_of.size()) {
      visit(cost, columns);
      return;
    }
    for (std::size_t code : small.items_of[p]) {
      const std::size_t b = code / 100;
      const CapacitatedAssignment::Item& item = a.bins[b][code % 100];
      if (load[b] + item.weight > a.capacities[b]) continue;
      load[b] += item.weight;
      columns.push_back(item.column);
      place(p + 1, cost + item.cost);
      columns.pop_back();
      load[b] -= item.weight;
    }
  };
  place(0, 0);
}

// The bound never passes the cheapest choice, and no column fixed against a cutoff is the other
// way in any choice cheaper than it; on instances where capacities bind, it bounds above what
// each package's cheapest quote costs and fixes columns (what the test is for).
TEST(LagrangianTest, BoundsAndFixesNoCheaperChoiceAway) {
  std::mt19937 random(20261208);
  int raised = 0;
  int fixing = 0;
  int compared = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const SmallAssignment small = random_assignment(random);
    std::optional<double> optimum;
    std::optional<double> second;
    each_choice(small, [&](double cost, const std::vector<int>&) {
      if (!optimum || cost < *optimum) {
        second = optimum;
        optimum = cost;
      } else if (cost > *optimum && (!second || cost < *second)) {
        second = cost;
      }
    });
    if (!optimum) continue;
    ++compared;
    // Each package's cheapest quote, capacities aside: where the bound starts from nothing.
    double cheapest = 0;
    for (const auto& items : small.items_of) {
      double least = 1e18;
      for (std::size_t code : items)
        least = std::min(least, small.assignment.bins[code / 100][code % 100].cost);
      cheapest += least;
    }
    const LagrangianBound bound(small.assignment, std::vector<double>(small.items_of.size(), 0.0), *optimum,
                                Deadline::after(10));
    EXPECT_LE(bound.bound(), *optimum + 1e-6) << "trial " << trial;
    if (bound.bound() > cheapest + 1e-6) ++raised;

    // Against a cutoff just above the optimum (and the second cheapest, when there is one).
    for (const double cutoff : {*optimum + 0.5, second ? *second + 0.5 : *optimum + 0.5}) {
      const std::vector<std::pair<int, double>> fixed = bound.fixings(cutoff, 1e-9, Deadline::after(10));
      if (!fixed.empty()) ++fixing;
      each_choice(small, [&](double cost, const std::vector<int>& columns) {
        if (cost >= cutoff) return;
        for (const auto& [column, value] : fixed) {
          const bool taken = std::find(columns.begin(), columns.end(), column) != columns.end();
          EXPECT_EQ(taken, value == 1.0)
              << "trial " << trial << ": column " << column << " fixed at " << value
              << " against a choice of cost " << cost << " below " << cutoff;
        }
      });
    }
  }
  EXPECT_GE(compared, 200);
  EXPECT_GE(raised, 20);
  EXPECT_GE(fixing, 100);
}

}  // namespace
}  // namespace moat::plan
