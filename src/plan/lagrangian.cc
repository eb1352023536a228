// SPDX-License-Identifier: Apache-2.0
#include "plan/lagrangian.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace moat::plan {

namespace {

// Subgradient ascent: the step's share of the distance to the target starts here, halves after
// this many steps in a row without a better bound, and the ascent stops when it falls below the
// last (about a dozen halvings), or after the most steps.
constexpr double kFirstStep = 2.0;
constexpr int kStallsBeforeHalving = 5;
constexpr double kSmallestStep = 1e-3;
constexpr int kMostSteps = 3000;
// The Lagrangian value is a difference of sums of thousands of terms: it is lowered by this share
// of their magnitude, far above what rounding can lose (a few units in the last place of each).
constexpr double kRoundingSlack = 1e-10;

// Items with a profit and a weight, by profit per weight (best first), with prefix sums: the
// linear relaxation's bound from any item on, within a room, in logarithmic time.
class SortedItems {
 public:
  // The items of `profits` and `weights` with a positive profit and weight (`order` names them).
  SortedItems(const std::vector<double>& profits, const std::vector<double>& weights) {
    for (std::size_t i = 0; i < profits.size(); ++i) {
      if (profits[i] > 0 && weights[i] > 0) order_.push_back(i);
    }
    std::vector<double> ratio(profits.size(), 0);
    for (std::size_t i : order_) ratio[i] = profits[i] / weights[i];
    std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
      return ratio[a] != ratio[b] ? ratio[a] > ratio[b] : a < b;
    });
    profit_sum_.push_back(0);
    weight_sum_.push_back(0);
    for (std::size_t i : order_) {
      profits_.push_back(profits[i]);
      weights_.push_back(weights[i]);
      profit_sum_.push_back(profit_sum_.back() + profits[i]);
      weight_sum_.push_back(weight_sum_.back() + weights[i]);
    }
  }

  std::size_t size() const { return order_.size(); }
  std::size_t item(std::size_t k) const { return order_[k]; }
  double profit(std::size_t k) const { return profits_[k]; }
  double weight(std::size_t k) const { return weights_[k]; }
  double total_weight() const { return weight_sum_.back(); }

  // Dantzig's bound: from item k on, whole items in order while they fit, then a fraction of the
  // next. (Prefix sums are rounded like any sum: the bound is a hair generous or short, which the
  // callers' margins cover.)
  double relaxed(std::size_t k, double room) const {
    const double base = weight_sum_[k];
    // The first item past k whose prefix no longer fits.
    const auto end = std::upper_bound(weight_sum_.begin() + static_cast<std::ptrdiff_t>(k) + 1,
                                      weight_sum_.end(), base + room);
    const std::size_t j = static_cast<std::size_t>(end - weight_sum_.begin()) - 1;  // items k..j-1 fit whole
    double bound = profit_sum_[j] - profit_sum_[k];
    if (j < profits_.size()) bound += profits_[j] * ((room - (weight_sum_[j] - base)) / weights_[j]);
    return bound;
  }

 private:
  std::vector<std::size_t> order_;
  std::vector<double> profits_, weights_;
  std::vector<double> profit_sum_, weight_sum_;
};

// The depth-first search of one knapsack over sorted items, iterative (no recursion as deep as the
// items are many): at each node, take the next item if it fits, else skip it; back up when the
// bound shows nothing better below.
class KnapsackSearch {
 public:
  KnapsackSearch(const SortedItems& items, long node_limit) : items_(items), limit_(node_limit) {}

  void search(double room) {
    const std::size_t n = items_.size();
    std::vector<char> current(n, 0);
    std::size_t k = 0;
    double profit = 0;
    // The items taken, most recent last: backing up undoes the last and tries without it.
    std::vector<std::size_t> taken;
    while (true) {
      if (++nodes_ > limit_) {
        cut_short_ = true;
        return;
      }
      if (profit > best_) {
        best_ = profit;
        best_taken_ = current;
      }
      const bool more = k < n && profit + items_.relaxed(k, room) > best_;
      if (more && items_.weight(k) <= room) {
        current[k] = 1;
        taken.push_back(k);
        profit += items_.profit(k);
        room -= items_.weight(k);
        ++k;
        continue;
      }
      if (more) {  // k does not fit: on without it
        ++k;
        continue;
      }
      // Back up to the last item taken and go on without it.
      if (taken.empty()) return;
      k = taken.back();
      taken.pop_back();
      current[k] = 0;
      profit -= items_.profit(k);
      room += items_.weight(k);
      ++k;
    }
  }

  double best() const { return best_; }
  const std::vector<char>& taken() const { return best_taken_; }
  bool cut_short() const { return cut_short_; }

 private:
  const SortedItems& items_;
  long limit_;
  long nodes_ = 0;
  double best_ = 0;
  std::vector<char> best_taken_;
  bool cut_short_ = false;
};

// solve_knapsack within an absolute `room` (the capacity's tolerance already in it).
Knapsack solve_within(const std::vector<double>& profits, const std::vector<double>& weights, double room,
                      long node_limit) {
  Knapsack result;
  result.taken.assign(profits.size(), 0);
  for (std::size_t i = 0; i < profits.size(); ++i) {
    if (profits[i] > 0 && weights[i] <= 0) {
      result.taken[i] = 1;
      result.profit += profits[i];
    }
  }
  const double base = result.profit;
  const SortedItems items(profits, weights);
  if (items.total_weight() <= room) {  // everything fits
    for (std::size_t k = 0; k < items.size(); ++k) {
      result.taken[items.item(k)] = 1;
      result.profit += items.profit(k);
    }
    result.upper = result.profit;
    return result;
  }
  KnapsackSearch search(items, node_limit);
  search.search(room);
  result.profit += search.best();
  for (std::size_t k = 0; k < search.taken().size(); ++k) {
    if (search.taken()[k]) result.taken[items.item(k)] = 1;
  }
  result.exact = !search.cut_short();
  result.upper = result.exact ? result.profit : base + std::max(search.best(), items.relaxed(0, room));
  return result;
}

double room_of(double capacity) {
  return capacity + 1e-12 * std::abs(capacity);
}

}  // namespace

Knapsack solve_knapsack(const std::vector<double>& profits, const std::vector<double>& weights,
                        double capacity, long node_limit) {
  return solve_within(profits, weights, room_of(capacity), node_limit);
}

namespace {

// The Lagrangian function at `prices`: Σ demand × price less each bin's best knapsack of the items
// priced above their cost, less a slack for rounding; the subgradient (each demand less the items
// taken for it) into `gradient`. Bins whose search was cut short count their bound (the value stays
// a lower bound). Nothing once `within` passes (read between bins).
std::optional<double> evaluate(const CapacitatedAssignment& assignment, const std::vector<double>& prices,
                               long node_limit, std::vector<double>& gradient, const Deadline& within) {
  double value = 0;
  double magnitude = 0;
  for (std::size_t d = 0; d < prices.size(); ++d) {
    value += assignment.demands[d] * prices[d];
    magnitude += std::abs(assignment.demands[d] * prices[d]);
  }
  gradient = assignment.demands;
  std::vector<double> profits, weights;
  for (std::size_t b = 0; b < assignment.bins.size(); ++b) {
    if (within.passed()) return std::nullopt;
    profits.clear();
    weights.clear();
    for (const CapacitatedAssignment::Item& item : assignment.bins[b]) {
      profits.push_back(prices[item.demand] - item.cost);
      weights.push_back(item.weight);
    }
    const Knapsack best = solve_knapsack(profits, weights, assignment.capacities[b], node_limit);
    value -= best.upper;
    magnitude += std::abs(best.upper);
    for (std::size_t i = 0; i < best.taken.size(); ++i) {
      if (best.taken[i]) gradient[assignment.bins[b][i].demand] -= 1;
    }
  }
  return value - kRoundingSlack * magnitude;
}

}  // namespace

LagrangianBound::LagrangianBound(CapacitatedAssignment assignment, std::vector<double> prices, double target,
                                 const Deadline& within, long node_limit)
    : assignment_(std::move(assignment)), node_limit_(node_limit) {
  priced_.resize(assignment_.bins.size());
  forced_.resize(assignment_.bins.size());
  prices.resize(assignment_.demands.size(), 0);
  prices_ = prices;
  std::vector<double> gradient;
  const std::optional<double> first = evaluate(assignment_, prices, node_limit_, gradient, within);
  if (!first) return;  // no bound: fixings() fixes nothing
  bound_ = *first;
  double step = kFirstStep;
  int stalls = 0;
  for (int steps = 1; steps < kMostSteps && step >= kSmallestStep && !within.passed(); ++steps) {
    const double norm = std::inner_product(gradient.begin(), gradient.end(), gradient.begin(), 0.0);
    if (norm == 0) break;  // the knapsacks' choice meets every demand: nothing bounds higher
    const double distance = target - bound_;
    if (!(distance > 0)) break;  // the bound has reached the target
    const double length = step * distance / norm;
    for (std::size_t d = 0; d < prices.size(); ++d) prices[d] += length * gradient[d];
    const std::optional<double> value = evaluate(assignment_, prices, node_limit_, gradient, within);
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

const LagrangianBound::PricedBin& LagrangianBound::priced(std::size_t bin) const {
  std::optional<PricedBin>& priced = priced_[bin];
  if (!priced) {
    PricedBin made;
    for (const CapacitatedAssignment::Item& item : assignment_.bins[bin]) {
      made.profits.push_back(prices_[item.demand] - item.cost);
      made.weights.push_back(item.weight);
    }
    made.best = solve_knapsack(made.profits, made.weights, assignment_.capacities[bin], node_limit_);
    priced = std::move(made);
    forced_[bin].resize(assignment_.bins[bin].size());
  }
  return *priced;
}

// Forcing a column the other way changes only its bin's knapsack: the bound becomes bound_ plus
// what that bin's best profit loses (bounded from above when the knapsack's search is cut short:
// the loss, and the bound, then count less).
double LagrangianBound::forced(std::size_t bin, std::size_t i) const {
  const PricedBin& at = priced(bin);
  std::optional<double>& kept = forced_[bin][i];
  if (kept) return *kept;
  std::vector<double> others = at.profits;
  others[i] = 0;  // never taken
  const double room = room_of(assignment_.capacities[bin]);
  double best_forced = 0;
  if (at.best.taken[i]) {  // forced out: the best of the others
    best_forced = solve_within(others, at.weights, room, node_limit_).upper;
  } else if (at.weights[i] > room) {  // it cannot be made here: forcing it in leaves no choice
    best_forced = -std::numeric_limits<double>::infinity();
  } else {  // forced in: its profit, and the best of the others in the room it leaves
    best_forced = at.profits[i] + solve_within(others, at.weights, room - at.weights[i], node_limit_).upper;
  }
  kept = bound_ + at.best.upper - best_forced;
  return *kept;
}

std::vector<std::pair<int, double>> LagrangianBound::fixings(double cutoff, double margin,
                                                             const Deadline& within) const {
  std::vector<std::pair<int, double>> fixed;
  if (!std::isfinite(bound_)) return fixed;
  const double clear = cutoff + margin;
  for (std::size_t b = 0; b < assignment_.bins.size() && !within.passed(); ++b) {
    const PricedBin& at = priced(b);
    if (!at.best.exact) continue;  // the loss of a forced column is not known
    const std::vector<CapacitatedAssignment::Item>& items = assignment_.bins[b];
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (within.passed()) break;
      const double profit = at.profits[i];
      const bool in = at.best.taken[i] != 0;
      // Forced out, the bound rises by at most the column's profit; forced in, by at most the bin's
      // best profit less the column's (the others' best is never below nothing): skip the knapsack
      // where even that does not clear the cutoff.
      if (in ? bound_ + profit <= clear : bound_ + at.best.upper - profit <= clear) continue;
      if (forced(b, i) > clear) fixed.emplace_back(items[i].column, in ? 1.0 : 0.0);
    }
  }
  return fixed;
}

}  // namespace moat::plan
