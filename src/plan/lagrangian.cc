// SPDX-License-Identifier: Apache-2.0
#include "plan/lagrangian.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

namespace moat::plan {

namespace {

// Subgradient ascent: the step's share of the distance to the target starts here, halves after
// this many steps in a row without a better bound, and the ascent stops when it falls below the
// last (about a dozen halvings), or after the most steps.
constexpr double kFirstStep = 2.0;
constexpr int kStallsBeforeHalving = 5;
constexpr double kSmallestStep = 1e-3;
constexpr int kMostSteps = 3000;

// The search of one knapsack, items sorted by profit per weight (best first).
class KnapsackSearch {
 public:
  KnapsackSearch(const std::vector<double>& profits, const std::vector<double>& weights, long node_limit)
      : profits_(profits), weights_(weights), current_(profits.size(), 0), limit_(node_limit) {}

  // The linear relaxation's best profit from item k on, within `room` (Dantzig's bound).
  double relaxed(std::size_t k, double room) const {
    double bound = 0;
    for (; k < profits_.size(); ++k) {
      if (weights_[k] <= room) {
        room -= weights_[k];
        bound += profits_[k];
      } else {
        return bound + profits_[k] * (room / weights_[k]);
      }
    }
    return bound;
  }

  void search(std::size_t k, double profit, double room) {
    if (cut_short_) return;
    if (++nodes_ > limit_) {
      cut_short_ = true;
      return;
    }
    if (profit > best_) {
      best_ = profit;
      taken_ = current_;
    }
    if (k == profits_.size() || profit + relaxed(k, room) <= best_) return;
    if (weights_[k] <= room) {
      current_[k] = 1;
      search(k + 1, profit + profits_[k], room - weights_[k]);
      current_[k] = 0;
    }
    search(k + 1, profit, room);
  }

  double best() const { return best_; }
  const std::vector<char>& taken() const { return taken_; }
  bool cut_short() const { return cut_short_; }

 private:
  const std::vector<double>& profits_;
  const std::vector<double>& weights_;
  std::vector<char> current_;
  std::vector<char> taken_;
  double best_ = 0;
  long nodes_ = 0;
  long limit_;
  bool cut_short_ = false;
};

}  // namespace

Knapsack solve_knapsack(const std::vector<double>& profits, const std::vector<double>& weights,
                        double capacity, long node_limit) {
  Knapsack result;
  result.taken.assign(profits.size(), 0);
  // As over_capacity() allows: a load within 1e-12 of the capacity fits.
  const double room = capacity + 1e-12 * std::abs(capacity);
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < profits.size(); ++i) {
    if (!(profits[i] > 0) || weights[i] > room) continue;
    if (weights[i] <= 0) {
      result.taken[i] = 1;
      result.profit += profits[i];
    } else {
      order.push_back(i);
    }
  }
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return profits[a] * weights[b] > profits[b] * weights[a]; });
  std::vector<double> sorted_profits, sorted_weights;
  for (std::size_t i : order) {
    sorted_profits.push_back(profits[i]);
    sorted_weights.push_back(weights[i]);
  }
  KnapsackSearch search(sorted_profits, sorted_weights, node_limit);
  search.search(0, 0, room);
  const double base = result.profit;
  result.profit += search.best();
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (!search.taken().empty() && search.taken()[k]) result.taken[order[k]] = 1;
  }
  result.exact = !search.cut_short();
  result.upper = result.exact ? result.profit : base + std::max(search.best(), search.relaxed(0, room));
  return result;
}

namespace {

// The Lagrangian function at `prices`: Σ demand × price less each bin's best knapsack of the items
// priced above their cost; the subgradient (each demand less the items taken for it) into
// `gradient` when given. Bins whose search was cut short count their bound (the value stays a
// lower bound). Nothing once `within` passes (read between bins).
std::optional<double> evaluate(const CapacitatedAssignment& assignment, const std::vector<double>& prices,
                               std::vector<double>* gradient, const Deadline& within) {
  double value = 0;
  for (std::size_t d = 0; d < prices.size(); ++d) value += assignment.demands[d] * prices[d];
  if (gradient) *gradient = assignment.demands;
  std::vector<double> profits, weights;
  for (std::size_t b = 0; b < assignment.bins.size(); ++b) {
    if (within.passed()) return std::nullopt;  // (a knapsack takes microseconds to milliseconds)
    profits.clear();
    weights.clear();
    for (const CapacitatedAssignment::Item& item : assignment.bins[b]) {
      profits.push_back(prices[item.demand] - item.cost);
      weights.push_back(item.weight);
    }
    const Knapsack best = solve_knapsack(profits, weights, assignment.capacities[b]);
    value -= best.upper;
    if (!gradient) continue;
    for (std::size_t i = 0; i < best.taken.size(); ++i) {
      if (best.taken[i]) (*gradient)[assignment.bins[b][i].demand] -= 1;
    }
  }
  return value;
}

}  // namespace

LagrangianBound::LagrangianBound(CapacitatedAssignment assignment, std::vector<double> prices, double target,
                                 const Deadline& within)
    : assignment_(std::move(assignment)) {
  prices.resize(assignment_.demands.size(), 0);
  prices_ = prices;
  std::vector<double> gradient;
  const std::optional<double> first = evaluate(assignment_, prices, &gradient, within);
  if (!first) return;  // no bound: fixings() fixes nothing
  bound_ = *first;
  double step = kFirstStep;
  int stalls = 0;
  for (iterations_ = 1; iterations_ < kMostSteps && step >= kSmallestStep && !within.passed();
       ++iterations_) {
    const double norm = std::inner_product(gradient.begin(), gradient.end(), gradient.begin(), 0.0);
    if (norm == 0) break;  // the knapsacks' choice meets every demand: nothing bounds higher
    const double distance = target - bound_;
    if (!(distance > 0)) break;  // the bound has reached the target
    const double length = step * distance / norm;
    for (std::size_t d = 0; d < prices.size(); ++d) prices[d] += length * gradient[d];
    const std::optional<double> value = evaluate(assignment_, prices, &gradient, within);
    if (!value) break;
    if (*value > bound_) {
      bound_ = *value;
      prices_ = prices;
      stalls = 0;
    } else if (++stalls >= kStallsBeforeHalving) {
      step /= 2;
      stalls = 0;
    }
  }
}

std::vector<std::pair<int, double>> LagrangianBound::fixings(double cutoff, double margin,
                                                             const Deadline& within) const {
  std::vector<std::pair<int, double>> fixed;
  if (!std::isfinite(bound_)) return fixed;
  const double clear = cutoff + margin;
  // Forcing a column in or out changes only its bin's knapsack: the bound becomes bound_ plus
  // what that bin's best profit loses.
  std::vector<double> profits, weights, others_profits, others_weights;
  for (std::size_t b = 0; b < assignment_.bins.size() && !within.passed(); ++b) {
    const std::vector<CapacitatedAssignment::Item>& items = assignment_.bins[b];
    profits.clear();
    weights.clear();
    for (const CapacitatedAssignment::Item& item : items) {
      profits.push_back(prices_[item.demand] - item.cost);
      weights.push_back(item.weight);
    }
    const double capacity = assignment_.capacities[b];
    const Knapsack best = solve_knapsack(profits, weights, capacity);
    if (!best.exact) continue;  // the loss of a forced column is not known
    const auto without = [&](std::size_t i, double room) {
      others_profits = profits;
      others_weights = weights;
      others_profits[i] = 0;  // never taken
      return solve_knapsack(others_profits, others_weights, room);
    };
    // A column not in the bin's best choice, forced in, takes its weight from the others. Columns
    // of the same weight and no profit of their own leave the others the same room.
    std::vector<std::pair<double, double>> best_in_less_room;  // (weight, the others' bound)
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (within.passed()) break;
      const double profit = profits[i];
      if (best.taken[i]) {
        // Forced out: the bound rises by at most this column's profit.
        if (bound_ + profit <= clear) continue;
        const Knapsack rest = without(i, capacity);
        if (bound_ + best.upper - rest.upper > clear) fixed.emplace_back(items[i].column, 1.0);
        continue;
      }
      // Forced in: the bound rises by at most the best profit less this column's.
      if (bound_ + best.upper - profit <= clear) continue;
      const double room = capacity - weights[i];
      if (room < -1e-12 * std::abs(capacity)) continue;  // it cannot be made here at all
      double others = -1;
      if (!(profit > 0)) {
        for (const auto& [weight, bound] : best_in_less_room) {
          if (weight == weights[i]) others = bound;
        }
      }
      if (others < 0) {
        others = without(i, room).upper;
        if (!(profit > 0)) best_in_less_room.emplace_back(weights[i], others);
      }
      if (bound_ + best.upper - (profit + others) > clear) fixed.emplace_back(items[i].column, 0.0);
    }
  }
  return fixed;
}

}  // namespace moat::plan
