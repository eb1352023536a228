// SPDX-License-Identifier: Apache-2.0
// Material reconciliation — the "ghost shift" check. For one supplier, one product and one
// period it compares what could have been built (consigned components issued, shots on the
// owner's molds × cavities) and what was ordered with what is accounted for (good units
// shipped, scrap reported, the change in stock on hand), and shows the arithmetic of every
// line so that a person (or a court) can redo it. Pure: plain values in, plain values out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"

namespace moat::vet {

enum class MovementKind {
  kConsigned,  // components we issued to the supplier (the parts only we supply)
  kReturned,   // consigned components it gave back unused
  kShipped,    // good finished units it shipped
  kScrap,      // units it reported scrapped
  kOnHand,     // a count of finished units in its stock on that date
};

struct Movement {
  Date date;
  MovementKind kind = MovementKind::kShipped;
  std::string item;  // consigned/returned: the component (part id); else may be empty
  double quantity = 0;
  double per_unit = 1;  // consigned/returned: components per finished unit
};

struct Order {
  std::string id;
  Date issued;
  double quantity = 0;
};

// A mold or die at the supplier during the period, with its shot counter read before/at the
// period's start (0 when there is no earlier reading) and at its end.
struct ToolShots {
  std::string tool;
  double cavities = 1;        // parts per shot
  double parts_per_unit = 1;  // parts of this tool in one finished unit
  double shots_start = 0;
  std::optional<Date> start_reading;  // nullopt: counted from 0
  double shots_end = 0;
  std::optional<Date> end_reading;
};

struct ReconcileInput {
  std::string supplier;
  std::string product;
  Date from;                        // inclusive
  Date to;                          // inclusive
  std::vector<Order> orders;        // any dates; those issued in the period count
  std::vector<Movement> movements;  // any dates; those in the period count (on-hand: see below)
  std::vector<ToolShots> tools;
};

// One comparison: what could have been built against what is accounted for.
struct Line {
  std::string check;       // "consigned", "shots" or "orders"
  std::string item;        // the component, the tool, or "" for orders
  double possible = 0;     // units that could have been built (or were ordered)
  double accounted = 0;    // units accounted for
  double unaccounted = 0;  // possible − accounted (negative: more accounted than possible)
  std::string arithmetic;  // "10500 issued − 0 returned = 10500 ÷ 1 per unit = 10500 units; ..."
};

struct Reconciliation {
  std::string supplier;
  std::string product;
  Date from;
  Date to;
  double ordered = 0;
  double shipped = 0;
  double scrap = 0;
  double on_hand_start = 0;  // the last count before `from` (0 when none)
  double on_hand_end = 0;    // the last count on or before `to` (the start value when none)
  double accounted = 0;      // shipped + scrap + on_hand_end − on_hand_start
  std::vector<Line> lines;
  // The largest positive unaccounted figure among the consigned and shots lines (0 when none):
  // units built that did not reach us. Orders are compared but do not count here: shipping
  // beyond the orders is visible, not hidden.
  double unaccounted_units = 0;
};

Reconciliation reconcile(const ReconcileInput& input);

}  // namespace moat::vet
