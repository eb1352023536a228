// SPDX-License-Identifier: Apache-2.0
#include "vet/reconcile.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <string_view>
#include <utility>

#include "core/number_text.h"
#include "core/text.h"

namespace moat::vet {
namespace {

constexpr std::string_view kConsignedCheck = "consigned";
constexpr std::string_view kShotsCheck = "shots";
constexpr std::string_view kOrdersCheck = "orders";
// Units are whole, but dividing components by components per unit and summing is not exact:
// 10000 ÷ 3 + 20000 ÷ 3 can come out as 10000.000000000002. A figure this close to a whole
// number is that number, so that a balanced reconciliation shows no unaccounted unit.
constexpr double kRoundingNoise = 1e-6;

double whole_if_close(double value) {
  const double whole = std::round(value);
  return std::abs(value - whole) < kRoundingNoise ? whole : value;
}

bool in_period(const ReconcileInput& input, Date date) {
  return input.from <= date && date <= input.to;
}

Date next_day(Date date) {
  return Date::from_days(date.days_since_epoch() + 1);
}

std::string plural(double count, std::string_view one, std::string_view many) {
  return format_number(count) + " " + std::string(count == 1 ? one : many);
}

// ---- Totals ----------------------------------------------------------------------------------

double total_in_period(const ReconcileInput& input, MovementKind kind) {
  double total = 0;
  for (const Movement& movement : input.movements) {
    if (movement.kind == kind && in_period(input, movement.date)) total += movement.quantity;
  }
  return total;
}

std::vector<Order> orders_in_period(const ReconcileInput& input) {
  std::vector<Order> orders;
  std::copy_if(input.orders.begin(), input.orders.end(), std::back_inserter(orders),
               [&input](const Order& order) { return in_period(input, order.issued); });
  return orders;
}

// The last stock count dated before `limit`: the latest date and, of several counts that day,
// the last given.
std::optional<double> last_count_before(const std::vector<Movement>& movements, Date limit) {
  const Movement* last = nullptr;
  for (const Movement& movement : movements) {
    if (movement.kind != MovementKind::kOnHand || !(movement.date < limit)) continue;
    if (!last || last->date <= movement.date) last = &movement;
  }
  if (!last) return std::nullopt;
  return last->quantity;
}

Reconciliation totals(const ReconcileInput& input) {
  Reconciliation result{
      .supplier = input.supplier, .product = input.product, .from = input.from, .to = input.to};
  for (const Order& order : orders_in_period(input)) result.ordered += order.quantity;
  result.shipped = total_in_period(input, MovementKind::kShipped);
  result.scrap = total_in_period(input, MovementKind::kScrap);
  result.on_hand_start = last_count_before(input.movements, input.from).value_or(0);
  result.on_hand_end = last_count_before(input.movements, next_day(input.to)).value_or(result.on_hand_start);
  result.accounted = result.shipped + result.scrap + result.on_hand_end - result.on_hand_start;
  return result;
}

// ---- Lines -----------------------------------------------------------------------------------

std::string accounted_text(const Reconciliation& totals) {
  return format_number(totals.shipped) + " shipped + " + format_number(totals.scrap) + " scrap + " +
         format_number(totals.on_hand_end) + " on hand at end − " + format_number(totals.on_hand_start) +
         " on hand at start = " + format_number(totals.accounted) + " accounted";
}

std::string balance_text(double unaccounted) {
  if (unaccounted < 0) return format_number(-unaccounted) + " more accounted than possible";
  return format_number(unaccounted) + " unaccounted";
}

// What could have been built, against what the totals account for.
Line against_accounted(std::string_view check, std::string item, double possible, std::string possible_text,
                       const Reconciliation& totals) {
  const double unaccounted = whole_if_close(possible - totals.accounted);
  std::string arithmetic = possible_text + "; " + accounted_text(totals) + "; " + balance_text(unaccounted);
  return {std::string(check), std::move(item), possible,
          totals.accounted,   unaccounted,     std::move(arithmetic)};
}

// One consigned component's issues and returns in the period.
struct ComponentFlow {
  double issued = 0;
  double returned = 0;
  double issued_units = 0;  // each issue ÷ its own per_unit
  double returned_units = 0;
  std::optional<double> per_unit;  // the first movement's; see `mixed_per_unit`
  bool mixed_per_unit = false;

  void add(const Movement& movement) {
    const double units = movement.quantity / movement.per_unit;
    if (movement.kind == MovementKind::kConsigned) {
      issued += movement.quantity;
      issued_units += units;
    } else {
      returned += movement.quantity;
      returned_units += units;
    }
    mixed_per_unit = mixed_per_unit || (per_unit && *per_unit != movement.per_unit);
    per_unit = per_unit.value_or(movement.per_unit);
  }
};

// Every component issued in the period, by item, with its returns in the period.
std::map<std::string, ComponentFlow> component_flows(const ReconcileInput& input) {
  std::map<std::string, ComponentFlow> flows;
  for (const Movement& movement : input.movements) {
    if (movement.kind == MovementKind::kConsigned && in_period(input, movement.date))
      flows.try_emplace(movement.item);
  }
  for (const Movement& movement : input.movements) {
    const bool component =
        movement.kind == MovementKind::kConsigned || movement.kind == MovementKind::kReturned;
    const auto flow = flows.find(movement.item);
    if (component && in_period(input, movement.date) && flow != flows.end()) flow->second.add(movement);
  }
  return flows;
}

Line consigned_line(const std::string& item, const ComponentFlow& flow, const Reconciliation& totals) {
  const double possible = whole_if_close(flow.issued_units - flow.returned_units);
  const std::string units = " → " + format_number(possible) + " units possible";
  const std::string text = flow.mixed_per_unit
                               ? format_number(flow.issued) + " issued (" + format_number(flow.issued_units) +
                                     " units) − " + format_number(flow.returned) + " returned (" +
                                     format_number(flow.returned_units) + " units)" + units
                               : format_number(flow.issued) + " issued − " + format_number(flow.returned) +
                                     " returned, " + format_number(flow.per_unit.value_or(1)) + " per unit" +
                                     units;
  return against_accounted(kConsignedCheck, item, possible, text, totals);
}

std::string reading_text(double shots, const std::optional<Date>& date, std::string_view undated) {
  return format_number(shots) + " (" + (date ? date->to_string() : std::string(undated)) + ")";
}

Line shots_line(const ToolShots& tool, const Reconciliation& totals) {
  const double shots = tool.shots_end - tool.shots_start;
  const double possible = whole_if_close(shots * tool.cavities / tool.parts_per_unit);
  const std::string start_undated = tool.shots_start == 0 ? "no earlier reading" : "undated";
  const std::string text = "shots " + reading_text(tool.shots_end, tool.end_reading, "undated") + " − " +
                           reading_text(tool.shots_start, tool.start_reading, start_undated) + " = " +
                           format_number(shots) + " × " + plural(tool.cavities, "cavity", "cavities") +
                           " ÷ " + format_number(tool.parts_per_unit) + " per unit → " +
                           format_number(possible) + " units possible";
  return against_accounted(kShotsCheck, tool.tool, possible, text, totals);
}

std::string ordered_text(const std::vector<Order>& orders, double ordered) {
  if (orders.size() == 1) return "order " + orders.front().id + ": " + format_number(ordered) + " ordered";
  std::vector<std::string> terms;
  for (const Order& order : orders) terms.push_back(order.id + " " + format_number(order.quantity));
  return "orders " + join(terms, " + ") + " = " + format_number(ordered) + " ordered";
}

std::string order_balance_text(double unproduced) {
  if (unproduced > 0) return format_number(unproduced) + " ordered but not produced";
  if (unproduced < 0) return format_number(-unproduced) + " produced beyond the orders";
  return "production matches the orders";
}

// Orders against units produced (shipped or scrapped); nullopt when no order falls in the period.
std::optional<Line> orders_line(const ReconcileInput& input, const Reconciliation& totals) {
  const std::vector<Order> orders = orders_in_period(input);
  if (orders.empty()) return std::nullopt;
  const double produced = totals.shipped + totals.scrap;
  const double unproduced = whole_if_close(totals.ordered - produced);
  const std::string text = ordered_text(orders, totals.ordered) + "; " + format_number(totals.shipped) +
                           " shipped + " + format_number(totals.scrap) +
                           " scrap = " + format_number(produced) + " produced; " +
                           order_balance_text(unproduced);
  return Line{std::string(kOrdersCheck), "", totals.ordered, produced, unproduced, text};
}

double largest_unaccounted(const std::vector<Line>& lines) {
  double largest = 0;
  for (const Line& line : lines) {
    if (line.check != kOrdersCheck) largest = std::max(largest, line.unaccounted);
  }
  return largest;
}

}  // namespace

Reconciliation reconcile(const ReconcileInput& input) {
  Reconciliation result = totals(input);
  for (const auto& [item, flow] : component_flows(input))
    result.lines.push_back(consigned_line(item, flow, result));
  for (const ToolShots& tool : input.tools) result.lines.push_back(shots_line(tool, result));
  if (std::optional<Line> line = orders_line(input, result)) result.lines.push_back(std::move(*line));
  result.unaccounted_units = largest_unaccounted(result.lines);
  return result;
}

}  // namespace moat::vet
