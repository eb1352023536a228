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

    // Cut short after a few nodes: what it took still fits and is worth what it says, and its bound
    // is still a bound.
    const Knapsack cut = solve_knapsack(profits, weights, capacity, 3);
    double cut_profit = 0;
    double cut_weight = 0;
    for (int i = 0; i < n; ++i) {
      if (!cut.taken[static_cast<std::size_t>(i)]) continue;
      cut_profit += profits[static_cast<std::size_t>(i)];
      cut_weight += weights[static_cast<std::size_t>(i)];
    }
    EXPECT_DOUBLE_EQ(cut_profit, cut.profit) << "trial " << trial;
    EXPECT_LE(cut_weight, capacity) << "trial " << trial;
    EXPECT_LE(cut.profit, best + 1e-9) << "trial " << trial;
    EXPECT_GE(cut.upper, best - 1e-9) << "trial " << trial;
  }
}

// A small generalised assignment problem: packages each taking one bin, or two (dual sourcing),
// of the bins that quote them, at costs with fractions.
struct SmallAssignment {
  CapacitatedAssignment assignment;
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> items_of;  // per demand: (bin, index)
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
    small.assignment.demands.push_back(pick(0, 4) == 0 ? 2 : 1);
    const double weight = pick(0, 9) == 0 ? 0 : pick(2, 12);  // now and then one that weighs nothing
    for (int b = 0; b < bins; ++b) {
      if (pick(0, 3) == 0) continue;
      auto& bin = small.assignment.bins[static_cast<std::size_t>(b)];
      small.items_of[static_cast<std::size_t>(p)].emplace_back(b, bin.size());
      bin.push_back({column++, static_cast<std::size_t>(p), pick(0, 120) / 4.0, weight});
    }
  }
  return small;
}

// Every choice of as many items per demand as it takes (in distinct bins) within the capacities,
// with its cost and the columns it takes.
void each_choice(const SmallAssignment& small,
                 const std::function<void(double, const std::vector<int>&)>& visit) {
  const CapacitatedAssignment& a = small.assignment;
  std::vector<double> load(a.bins.size(), 0);
  std::vector<int> columns;
  std::function<void(std::size_t, std::size_t, int, double)> place = [&](std::size_t p, std::size_t from,
                                                                         int left, double cost) {
    if (p == small.items_of.size()) {
      visit(cost, columns);
      return;
    }
    if (left == 0) {
      const int next = p + 1 < small.items_of.size() ? static_cast<int>(a.demands[p + 1]) : 0;
      place(p + 1, 0, next, cost);
      return;
    }
    for (std::size_t k = from; k < small.items_of[p].size(); ++k) {
      const auto [b, i] = small.items_of[p][k];
      const CapacitatedAssignment::Item& item = a.bins[b][i];
      if (load[b] + item.weight > a.capacities[b]) continue;
      load[b] += item.weight;
      columns.push_back(item.column);
      place(p, k + 1, left - 1, cost + item.cost);
      columns.pop_back();
      load[b] -= item.weight;
    }
  };
  place(0, 0, small.items_of.empty() ? 0 : static_cast<int>(a.demands[0]), 0);
}

// The bound never passes the cheapest choice, and no column fixed against a cutoff is the other
// way in any choice cheaper than it, with knapsack searches left whole or cut short after two
// nodes; on instances where capacities bind, it bounds above what each package's cheapest quotes
// cost and fixes columns (what the test is for).
TEST(LagrangianTest, BoundsAndFixesNoCheaperChoiceAway) {
  std::mt19937 random(20261208);
  int raised = 0;
  int fixing = 0;
  int compared = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const SmallAssignment small = random_assignment(random);
    std::vector<double> costs;  // of every choice
    each_choice(small, [&](double cost, const std::vector<int>&) { costs.push_back(cost); });
    if (costs.empty()) continue;
    std::sort(costs.begin(), costs.end());
    costs.erase(std::unique(costs.begin(), costs.end()), costs.end());
    const double optimum = costs.front();
    ++compared;
    // Each package's cheapest quotes, capacities aside: where the bound starts from nothing.
    double cheapest = 0;
    for (std::size_t d = 0; d < small.items_of.size(); ++d) {
      std::vector<double> quoted;
      for (const auto& [b, i] : small.items_of[d]) quoted.push_back(small.assignment.bins[b][i].cost);
      std::sort(quoted.begin(), quoted.end());
      for (std::size_t k = 0; k < static_cast<std::size_t>(small.assignment.demands[d]); ++k)
        cheapest += quoted[k];
    }
    for (const long nodes : {kKnapsackNodes, 2L}) {
      std::vector<double> start(small.items_of.size(), 0.0);
      if (trial % 3 == 1) start.assign(start.size(), 40.0);  // prices far above every cost
      if (trial % 3 == 2) start.assign(start.size(), -5.0);  // and below
      const LagrangianBound bound(small.assignment, start, optimum, Deadline::after(10), nodes);
      EXPECT_LE(bound.bound(), optimum + 1e-9) << "trial " << trial;
      if (nodes == kKnapsackNodes && bound.bound() > cheapest + 1e-6) ++raised;
      // Against a cutoff at each cost a choice has, and just above the optimum: a fixing holds for
      // every choice strictly cheaper.
      std::vector<double> cutoffs = costs;
      cutoffs.push_back(optimum + 0.01);
      for (const double cutoff : cutoffs) {
        const std::vector<std::pair<int, double>> fixed = bound.fixings(cutoff, 1e-9, Deadline::after(10));
        if (!fixed.empty() && nodes == kKnapsackNodes) ++fixing;
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
  }
  EXPECT_GE(compared, 200);
  EXPECT_GE(raised, 20);
  EXPECT_GE(fixing, 100);
}

}  // namespace
}  // namespace moat::plan
