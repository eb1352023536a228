// SPDX-License-Identifier: Apache-2.0
#include "vet/reconcile.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace moat::vet {
namespace {

Date day(const char* text) {
  return *Date::parse(text);
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// April 2025 at 东莞恒泰精密塑胶有限公司 (S-DG01), which assembles the Aurora speaker from the
// programmed controller we consign (MCU-PROG, one per unit) and molds the grille caps on our
// 4-cavity mold (two caps per speaker). Everything balances: 10 300 units could be built and
// 10 300 are accounted for.
ReconcileInput april_at_dongguan() {
  ReconcileInput input{
      .supplier = "S-DG01", .product = "aurora-speaker", .from = day("2025-04-01"), .to = day("2025-04-30")};
  input.orders = {{"PO-2504-01", day("2025-04-01"), 6000}, {"PO-2504-02", day("2025-04-14"), 4000}};
  input.movements = {
      {day("2025-03-31"), MovementKind::kOnHand, "", 300, 1},
      {day("2025-04-02"), MovementKind::kConsigned, "MCU-PROG", 10500, 1},
      {day("2025-04-15"), MovementKind::kShipped, "", 5000, 1},
      {day("2025-04-28"), MovementKind::kShipped, "", 4800, 1},
      {day("2025-04-29"), MovementKind::kReturned, "MCU-PROG", 200, 1},
      {day("2025-04-30"), MovementKind::kScrap, "", 150, 1},
      {day("2025-04-30"), MovementKind::kOnHand, "", 650, 1},
  };
  input.tools = {{"T-GRL-04", 4, 2, 120000, day("2025-03-31"), 125150, day("2025-04-30")}};
  return input;
}

const Line* line_of(const Reconciliation& r, const std::string& check) {
  for (const Line& line : r.lines) {
    if (line.check == check) return &line;
  }
  return nullptr;
}

TEST(ReconcileTest, CleanPeriodLeavesNothingUnaccounted) {
  const Reconciliation r = reconcile(april_at_dongguan());
  EXPECT_EQ(r.supplier, "S-DG01");
  EXPECT_EQ(r.product, "aurora-speaker");
  EXPECT_EQ(r.ordered, 10000);
  EXPECT_EQ(r.shipped, 9800);
  EXPECT_EQ(r.scrap, 150);
  EXPECT_EQ(r.on_hand_start, 300);
  EXPECT_EQ(r.on_hand_end, 650);
  EXPECT_EQ(r.accounted, 10300);  // 9800 + 150 + 650 − 300
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(line_of(r, "consigned")->unaccounted, 0);
  EXPECT_EQ(line_of(r, "shots")->unaccounted, 0);
  EXPECT_EQ(line_of(r, "orders")->unaccounted, 50);  // 10 000 ordered, 9 950 produced
  EXPECT_EQ(r.unaccounted_units, 0);
}

TEST(ReconcileTest, GhostShiftShowsTheUnaccountedUnitsAndTheArithmetic) {
  // 2 000 more controllers were issued than the shipments, scrap and stock explain.
  ReconcileInput input = april_at_dongguan();
  input.movements[1].quantity = 12500;
  const Reconciliation r = reconcile(input);
  EXPECT_EQ(r.unaccounted_units, 2000);
  const Line* consigned = line_of(r, "consigned");
  ASSERT_NE(consigned, nullptr);
  EXPECT_EQ(consigned->item, "MCU-PROG");
  EXPECT_EQ(consigned->possible, 12300);
  EXPECT_EQ(consigned->accounted, 10300);
  EXPECT_EQ(consigned->unaccounted, 2000);
  EXPECT_EQ(consigned->arithmetic,
            "12500 issued − 200 returned, 1 per unit → 12300 units possible; 9800 shipped + 150 scrap + "
            "650 on hand at end − 300 on hand at start = 10300 accounted; 2000 unaccounted");
}

TEST(ReconcileTest, ShotsTimesCavitiesOverPartsPerUnitGivesUnitsPossible) {
  // The mold ran 6 150 shots: 24 600 caps, two per speaker, is 12 300 speakers.
  ReconcileInput input = april_at_dongguan();
  input.tools[0].shots_end = 126150;
  const Reconciliation r = reconcile(input);
  const Line* shots = line_of(r, "shots");
  ASSERT_NE(shots, nullptr);
  EXPECT_EQ(shots->item, "T-GRL-04");
  EXPECT_EQ(shots->possible, 12300);
  EXPECT_EQ(shots->unaccounted, 2000);
  EXPECT_EQ(r.unaccounted_units, 2000);
  EXPECT_EQ(
      shots->arithmetic,
      "shots 126150 (2025-04-30) − 120000 (2025-03-31) = 6150 × 4 cavities ÷ 2 per unit → 12300 units "
      "possible; 9800 shipped + 150 scrap + 650 on hand at end − 300 on hand at start = 10300 accounted; "
      "2000 unaccounted");
}

TEST(ReconcileTest, NewMoldIsCountedFromZero) {
  ReconcileInput input = april_at_dongguan();
  input.tools = {{"T-GRL-05", 1, 1, 0, std::nullopt, 10300, day("2025-04-30")}};
  const Reconciliation r = reconcile(input);
  const Line* shots = line_of(r, "shots");
  ASSERT_NE(shots, nullptr);
  EXPECT_EQ(shots->unaccounted, 0);
  EXPECT_TRUE(
      mentions(shots->arithmetic, "shots 10300 (2025-04-30) − 0 (no earlier reading) = 10300 × 1 cavity"))
      << shots->arithmetic;
}

TEST(ReconcileTest, UnaccountedUnitsIsTheLargestGapAmongTheLines) {
  // The controllers balance, the mold does not: the mold's gap is the figure.
  ReconcileInput input = april_at_dongguan();
  input.tools[0].shots_end = 125650;  // 500 shots more: 1 000 speakers
  const Reconciliation r = reconcile(input);
  EXPECT_EQ(line_of(r, "consigned")->unaccounted, 0);
  EXPECT_EQ(line_of(r, "shots")->unaccounted, 1000);
  EXPECT_EQ(r.unaccounted_units, 1000);
}

TEST(ReconcileTest, MoreAccountedThanPossibleIsNotUnaccounted) {
  // Shipped from stock built the month before: more went out than this month's parts allow.
  ReconcileInput input = april_at_dongguan();
  input.movements[1].quantity = 10000;
  const Reconciliation r = reconcile(input);
  const Line* consigned = line_of(r, "consigned");
  EXPECT_EQ(consigned->unaccounted, -500);
  EXPECT_TRUE(mentions(consigned->arithmetic, "500 more accounted than possible")) << consigned->arithmetic;
  EXPECT_EQ(r.unaccounted_units, 0);
}

TEST(ReconcileTest, MovementsAndOrdersOutsideThePeriodDoNotCount) {
  ReconcileInput input = april_at_dongguan();
  input.orders.push_back({"PO-2503-07", day("2025-03-20"), 8000});
  input.orders.push_back({"PO-2505-01", day("2025-05-01"), 8000});
  input.movements.push_back({day("2025-03-28"), MovementKind::kShipped, "", 3000, 1});
  input.movements.push_back({day("2025-05-01"), MovementKind::kShipped, "", 3000, 1});
  input.movements.push_back({day("2025-03-31"), MovementKind::kScrap, "", 90, 1});
  input.movements.push_back({day("2025-05-02"), MovementKind::kConsigned, "MCU-PROG", 6000, 1});
  input.movements.push_back({day("2025-03-25"), MovementKind::kReturned, "MCU-PROG", 400, 1});
  const Reconciliation r = reconcile(input);
  EXPECT_EQ(r.ordered, 10000);
  EXPECT_EQ(r.shipped, 9800);
  EXPECT_EQ(r.scrap, 150);
  EXPECT_EQ(line_of(r, "consigned")->possible, 10300);
  EXPECT_EQ(r.unaccounted_units, 0);
}

TEST(ReconcileTest, FirstAndLastDayOfThePeriodCount) {
  ReconcileInput input = april_at_dongguan();
  input.movements.push_back({day("2025-04-01"), MovementKind::kShipped, "", 100, 1});
  input.movements.push_back({day("2025-04-30"), MovementKind::kShipped, "", 100, 1});
  EXPECT_EQ(reconcile(input).shipped, 10000);
}

TEST(ReconcileTest, StockAtStartIsTheLastCountBeforeThePeriod) {
  ReconcileInput input = april_at_dongguan();
  input.movements.push_back({day("2025-03-15"), MovementKind::kOnHand, "", 900, 1});  // superseded on 03-31
  input.movements.push_back({day("2025-05-01"), MovementKind::kOnHand, "", 20, 1});   // after the period
  const Reconciliation r = reconcile(input);
  EXPECT_EQ(r.on_hand_start, 300);
  EXPECT_EQ(r.on_hand_end, 650);
}

TEST(ReconcileTest, OfTwoCountsOnOneDayTheLaterGivenWins) {
  ReconcileInput input = april_at_dongguan();
  input.movements.push_back({day("2025-04-30"), MovementKind::kOnHand, "", 640, 1});  // recount
  EXPECT_EQ(reconcile(input).on_hand_end, 640);
}

TEST(ReconcileTest, WithoutAnEndCountStockIsUnchanged) {
  ReconcileInput input = april_at_dongguan();
  input.movements.pop_back();  // the 04-30 count
  const Reconciliation r = reconcile(input);
  EXPECT_EQ(r.on_hand_start, 300);
  EXPECT_EQ(r.on_hand_end, 300);
  EXPECT_EQ(r.accounted, 9950);
}

TEST(ReconcileTest, WithoutAnyCountStockIsZero) {
  ReconcileInput input = april_at_dongguan();
  std::erase_if(input.movements, [](const Movement& m) { return m.kind == MovementKind::kOnHand; });
  const Reconciliation r = reconcile(input);
  EXPECT_EQ(r.on_hand_start, 0);
  EXPECT_EQ(r.on_hand_end, 0);
  EXPECT_TRUE(mentions(line_of(r, "consigned")->arithmetic,
                       "9800 shipped + 150 scrap + 0 on hand at end − 0 on hand at start = 9950 accounted"));
}

TEST(ReconcileTest, OrdersLineComparesOrdersWithProductionButIsNotUnaccounted) {
  // 12 000 ordered, 9 950 produced: a shortfall, not units that went missing.
  ReconcileInput input = april_at_dongguan();
  input.orders[1].quantity = 6000;
  const Reconciliation r = reconcile(input);
  const Line* orders = line_of(r, "orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->possible, 12000);
  EXPECT_EQ(orders->accounted, 9950);
  EXPECT_EQ(orders->unaccounted, 2050);
  EXPECT_EQ(
      orders->arithmetic,
      "orders PO-2504-01 6000 + PO-2504-02 6000 = 12000 ordered; 9800 shipped + 150 scrap = 9950 produced; "
      "2050 ordered but not produced");
  EXPECT_EQ(r.unaccounted_units, 0);
}

TEST(ReconcileTest, ProductionBeyondTheOrdersIsShown) {
  ReconcileInput input = april_at_dongguan();
  input.orders.pop_back();
  const Reconciliation r = reconcile(input);
  const Line* orders = line_of(r, "orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->arithmetic,
            "order PO-2504-01: 6000 ordered; 9800 shipped + 150 scrap = 9950 produced; 3950 produced beyond "
            "the orders");
}

TEST(ReconcileTest, NoOrderInThePeriodMeansNoOrdersLine) {
  ReconcileInput input = april_at_dongguan();
  input.orders = {{"PO-2502-11", day("2025-02-11"), 30000}};
  EXPECT_EQ(line_of(reconcile(input), "orders"), nullptr);
}

TEST(ReconcileTest, ComponentsPerUnitDivideWithoutRoundingNoise) {
  // Three screws-free latches per speaker, issued in two lots: 10 000 ÷ 3 + 20 000 ÷ 3 is 10 000
  // units, not 10000.000000000002.
  ReconcileInput input = april_at_dongguan();
  input.tools.clear();
  input.movements = {{day("2025-04-02"), MovementKind::kConsigned, "LATCH-SEC", 10000, 3},
                     {day("2025-04-09"), MovementKind::kConsigned, "LATCH-SEC", 20000, 3},
                     {day("2025-04-28"), MovementKind::kShipped, "", 10000, 1}};
  const Reconciliation r = reconcile(input);
  EXPECT_EQ(line_of(r, "consigned")->unaccounted, 0);
  EXPECT_EQ(r.unaccounted_units, 0);
}

TEST(ReconcileTest, MixedComponentsPerUnitShowUnitsPerLot) {
  // The controller board changed from one MCU to a two-MCU revision mid-month.
  ReconcileInput input = april_at_dongguan();
  input.tools.clear();
  input.movements = {{day("2025-04-02"), MovementKind::kConsigned, "MCU-PROG", 4000, 1},
                     {day("2025-04-16"), MovementKind::kConsigned, "MCU-PROG", 12000, 2},
                     {day("2025-04-29"), MovementKind::kReturned, "MCU-PROG", 400, 2},
                     {day("2025-04-30"), MovementKind::kShipped, "", 9000, 1}};
  const Reconciliation r = reconcile(input);
  const Line* consigned = line_of(r, "consigned");
  ASSERT_NE(consigned, nullptr);
  EXPECT_EQ(consigned->possible, 9800);  // 4000 + 6000 − 200
  EXPECT_EQ(consigned->unaccounted, 800);
  EXPECT_TRUE(mentions(consigned->arithmetic,
                       "16000 issued (10000 units) − 400 returned (200 units) → 9800 units possible"))
      << consigned->arithmetic;
}

TEST(ReconcileTest, EachConsignedComponentHasItsOwnLine) {
  ReconcileInput input = april_at_dongguan();
  input.movements.push_back({day("2025-04-03"), MovementKind::kConsigned, "LBL-SERIAL", 11000, 1});
  const Reconciliation r = reconcile(input);
  std::vector<std::string> items;
  for (const Line& line : r.lines) {
    if (line.check == "consigned") items.push_back(line.item);
  }
  EXPECT_EQ(items, (std::vector<std::string>{"LBL-SERIAL", "MCU-PROG"}));
  EXPECT_EQ(r.unaccounted_units, 700);  // 11 000 serial labels against 10 300 accounted
}

}  // namespace
}  // namespace moat::vet
