// SPDX-License-Identifier: Apache-2.0
#include "plan/planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>

#include "plan/conflict.h"
#include "plan/deadline.h"
#include "plan/enumerate.h"
#include "plan/exact.h"
#include "plan/exposure.h"
#include "plan/heuristic.h"
#include "plan/instance_reader.h"
#include "plan/problem.h"
#include "plan/wording.h"

namespace moat::plan {
namespace {

// Two packages that together reveal recipe R1; F1 (party G1) is cheapest for both.
Instance split_needed() {
  return Instance{
      {1, 1.0, false},
      {{"S1", 5}, {"S2", 3}, {"S3", 2}},
      {{{"S1", "S3"}, "S2"}},
      {{"R1", {"S1", "S2"}}},
      {{"P1", "injection-molding", {"S1"}, 10000, 1}, {"P2", "pcba-smt", {"S3"}, 10000, 1}},
      {{"F1", "G1", {"injection-molding", "pcba-smt"}, 50000, "qualified", false, {}},
       {"F2", "G2", {"pcba-smt"}, 50000, "qualified", false, {}}},
      {{"P1", "F1", 1.25, 8000}, {"P2", "F1", 1.0, 0}, {"P2", "F2", 2.0, 0}},
  };
}

bool names(const Plan& plan, const std::string& text) {
  return std::any_of(plan.reasons.begin(), plan.reasons.end(),
                     [&](const std::string& r) { return r.find(text) != std::string::npos; });
}

// A package that gives a recipe away by itself, through an inference rule, is named with the
// recipe and what is inferred: "a whole recipe" left the reader to find which, and how.
TEST(PlannerTest, NamesTheRecipeAPackageGivesAwayAloneAndWhatItInfers) {
  Instance instance = split_needed();
  instance.derives.push_back({{"S1"}, "S2"});  // P1 (S1) now gives R1 = {S1, S2} away alone
  const Plan plan = solve(instance, {5, true, std::nullopt});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(plan,
                    "package P1 has no eligible supplier (F1 would hold all of recipe R1 from it alone, "
                    "inferring S2)"))
      << ::testing::PrintToString(plan.reasons);
}

// Packages only one party can make, named with why the supplier that came close cannot: its
// lapsed qualification is what to fix, and the reason said nothing of it.
TEST(PlannerTest, NamesWhyTheOtherSuppliersCannotMakePackagesOnlyOnePartyCan) {
  Instance instance = split_needed();
  instance.suppliers[1].status = "expired";  // F2 could make P2 but for its qualification
  const Plan plan = solve(instance, {5, true, std::nullopt});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(plan,
                    "recipe R1: packages P1 and P2 expose all of it and only party G1 can make both "
                    "(F2 is not qualified (expired))"))
      << ::testing::PrintToString(plan.reasons);
}

TEST(PlannerTest, SplitsPackagesThatTogetherRevealARecipeThroughInference) {
  const Plan plan = solve(split_needed(), {});
  ASSERT_EQ(plan.status, PlanStatus::kOptimal);
  EXPECT_DOUBLE_EQ(*plan.cost, 1.25 * 10000 + 8000 + 2.0 * 10000);
  ASSERT_EQ(plan.recipes.size(), 1U);
  EXPECT_EQ(plan.recipes[0].min_coalition, 2);
}

TEST(PlannerTest, WithoutProtectionTakesTheCheapest) {
  Instance instance = split_needed();
  instance.policy.collusion = 0;
  const Plan plan = solve(instance, {});
  ASSERT_EQ(plan.status, PlanStatus::kOptimal);
  EXPECT_DOUBLE_EQ(*plan.cost, 1.25 * 10000 + 8000 + 1.0 * 10000);
}

TEST(PlannerTest, CollusionOfTwoNeedsAThirdParty) {
  Instance instance = split_needed();
  instance.policy.collusion = 2;
  EXPECT_EQ(solve(instance, {}).status, PlanStatus::kInfeasible);
  instance.suppliers.push_back({"F3", "G3", {"injection-molding"}, 50000, "qualified", true, {}});
  instance.quotes.push_back({"P1", "F3", 3.0, 0});
  const Plan plan = solve(instance, {});
  ASSERT_EQ(plan.status, PlanStatus::kOptimal);
  EXPECT_DOUBLE_EQ(*plan.cost, 3.0 * 10000 + 1.0 * 10000);  // the trusted F3 makes P1
}

TEST(PlannerTest, NamesWhyNoSupplierIsEligible) {
  Instance instance = split_needed();
  instance.suppliers.push_back({"F3", "G3", {"pcba-smt"}, 50000, "qualified", false, {}});
  instance.suppliers.push_back({"F5", "G5", {"injection-molding"}, 50000, "pending", false, {}});
  instance.suppliers.push_back({"F8", "G8", {"injection-molding"}, 50000, "qualified", false, {}});
  instance.suppliers[0].capabilities = {"pcba-smt"};
  instance.quotes.push_back({"P1", "F3", 1, 0});
  instance.quotes.push_back({"P1", "F5", 1, 0});
  const Plan plan = solve(instance, {});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(plan,
                    "package P1 has no eligible supplier (F1 lacks the capability, F3 lacks the capability, "
                    "F5 is not qualified (pending), F8 has no quote)"))
      << plan.reasons.front();
}

// A quote the workspace left out because it lapsed is named with the day it was last valid, not
// as a quote never given.
TEST(PlannerTest, NamesTheDayALapsedQuoteWasLastValid) {
  Instance instance = split_needed();
  instance.suppliers.push_back({"F8", "G8", {"injection-molding"}, 50000, "qualified", false, {}});
  instance.suppliers[0].capabilities = {"pcba-smt"};
  instance.lapsed_quotes[{"P1", "F8"}] = "2026-11-30";
  const Plan plan = solve(instance, {});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(plan, "F8's quote was valid until 2026-11-30")) << plan.reasons.front();
  EXPECT_EQ(plan.reasons.front().find("F8 has no quote"), std::string::npos) << plan.reasons.front();
  // Not capable, it is not the quote that keeps it out.
  instance.suppliers.back().capabilities = {"pcba-smt"};
  const Plan other = solve(instance, {});
  ASSERT_EQ(other.status, PlanStatus::kInfeasible);
  EXPECT_EQ(other.reasons.front().find("valid until"), std::string::npos) << other.reasons.front();
}

TEST(PlannerTest, NamesACapabilityShortOfCapacity) {
  Instance instance = split_needed();
  instance.policy.collusion = 0;
  instance.packages[1].volume = 112000;
  const Plan plan = solve(instance, {});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(plan, "capacity for pcba-smt short by 12,000 units")) << plan.reasons.front();
  // Short by less than a hundredth: as many decimals as tell the figures apart.
  instance.packages[1].volume = 10.3;
  instance.suppliers[0].capabilities = {"injection-molding"};  // F2 alone makes P2
  instance.suppliers[1].capacity = 10.297;
  const Plan close = solve(instance, {});
  ASSERT_EQ(close.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(close, "capacity for pcba-smt short by 0.003 units (10.3 to make, 10.297 among"))
      << ::testing::PrintToString(close.reasons);
}

TEST(PlannerTest, NamesPackagesOnlyOnePartyCanMakeThatTogetherRevealARecipe) {
  Instance instance = split_needed();
  instance.quotes.erase(instance.quotes.begin() + 2);  // F2 no longer quotes P2: only G1 can make both
  const Plan plan = solve(instance, {});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(plan, "recipe R1: packages P1 and P2 expose all of it and only party G1 can make both"))
      << plan.reasons.front();
}

TEST(PlannerTest, RespectsExposureCapsOfConditionalSuppliers) {
  Instance instance = split_needed();
  instance.policy.allow_conditional = true;
  instance.suppliers[1].status = "conditional";
  instance.suppliers[1].max_exposure_share = 0.1;  // F2 may hold 10% of the weight; S3 is 20%
  const Plan plan = solve(instance, {});
  EXPECT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(plan, "above its cap of 10%")) << (plan.reasons.empty() ? "" : plan.reasons.front());
}

TEST(PlannerTest, NamesPackagesNoTrustedSupplierCanMakeThatPairsCouldPool) {
  Instance instance = split_needed();
  instance.policy.collusion = 2;
  instance.suppliers.push_back({"F3", "G3", {"injection-molding"}, 50000, "qualified", false, {}});
  instance.quotes.push_back({"P1", "F3", 3.0, 0});
  const Plan plan = solve(instance, {});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(
      names(plan,
            "recipe R1: packages P1 and P2 together expose all of it and no trusted supplier can make any "
            "of them, so at collusion 2 the 2 parties that make them could pool it"))
      << (plan.reasons.empty() ? "" : plan.reasons.front());
  instance.suppliers[2].trusted = true;  // F3 is the owner's own: it can take P1
  EXPECT_EQ(solve(instance, {}).status, PlanStatus::kOptimal);
}

// Three untrusted parties at collusion 3 make everything: they are one coalition whatever the plan,
// proven so at once (the search over k packages stops at 3 of the recipe's 5; the exact engine
// spent the whole limit on it and answered `unknown`).
TEST(PlannerTest, NamesUntrustedPartiesFewEnoughToColludeWhateverThePlan) {
  Instance instance{{3, 1.0, false}, {}, {}, {{"R", {}}}, {}, {}, {}};
  for (int i = 0; i < 5; ++i) {
    const std::string n = std::to_string(i);
    instance.secrets.push_back({"S" + n, 1});
    instance.recipes[0].secrets.push_back("S" + n);
    instance.packages.push_back({"P" + n, "cnc-machining", {"S" + n}, 100, 1});
  }
  for (int f = 1; f <= 3; ++f) {
    const std::string id = "F" + std::to_string(f);
    instance.suppliers.push_back({id, id, {"cnc-machining"}, 1000, "qualified", false, {}});
    for (const auto& package : instance.packages) instance.quotes.push_back({package.id, id, 1.0 + f, 0});
  }
  const Plan plan = solve(instance, {5, true, std::nullopt});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible) << ::testing::PrintToString(plan.reasons);
  EXPECT_TRUE(names(plan,
                    "recipe R: packages P0, P1, P2, P3 and P4 together expose all of it and each needs an "
                    "untrusted maker, of whom only parties F1, F2 and F3 are eligible, 3 within the "
                    "collusion of 3: whatever the plan, they would hold all of it"))
      << ::testing::PrintToString(plan.reasons);
  // At collusion 2 the three parties can share the packages so that no two hold the recipe.
  instance.policy.collusion = 2;
  EXPECT_EQ(solve(instance, {5, true, std::nullopt}).status, PlanStatus::kOptimal);
  // A trusted supplier for one package breaks the coalition's hold.
  instance.policy.collusion = 3;
  instance.suppliers.push_back({"T", "T", {"cnc-machining"}, 1000, "qualified", true, {}});
  instance.quotes.push_back({"P0", "T", 9.0, 0});
  EXPECT_EQ(solve(instance, {5, true, std::nullopt}).status, PlanStatus::kOptimal);
}

TEST(PlannerTest, TheFrontierShowsWhereProtectionBecomesImpossible) {
  const auto points = frontier(split_needed(), {5, true});
  ASSERT_GE(points.size(), 4U);
  EXPECT_EQ(points[0].plan.status, PlanStatus::kOptimal);     // collusion 0
  EXPECT_EQ(points[1].plan.status, PlanStatus::kOptimal);     // collusion 1
  EXPECT_GT(*points[1].plan.cost, *points[0].plan.cost);      // protection costs
  EXPECT_EQ(points[2].plan.status, PlanStatus::kInfeasible);  // two parties can always pool
}

// Weights mean their shares: the same plan whether they are written at 1e-300, 1 or 1e308 (at
// 1e-12 the planner's absolute tolerance once exceeded the total, and no plan was found; at 1e308
// the total overflowed), with both kinds of cap binding.
TEST(PlannerTest, AnswersAlikeWhateverTheScaleOfTheWeights) {
  Instance instance = split_needed();
  instance.policy.collusion = 0;
  // F1 making both would hold S1 and S3, so S2 too: 100%, over the policy's 70%.
  instance.policy.max_exposure_share = 0.7;
  instance.suppliers.push_back({"F3", "G3", {"injection-molding"}, 50000, "qualified", false, 0.45});
  instance.quotes.push_back({"P1", "F3", 1.0, 0});  // the cheapest for P1, but S1 is over F3's own cap
  const Plan reference = solve(instance, {});
  ASSERT_EQ(reference.status, PlanStatus::kOptimal);
  EXPECT_DOUBLE_EQ(*reference.cost, 1.25 * 10000 + 8000 + 2.0 * 10000);
  for (const double scale : {1e-300, 1e-12, 1e300, 1.7e308 / 5}) {
    Instance scaled = instance;
    for (Secret& secret : scaled.secrets) secret.weight *= scale;
    const Plan plan = solve(scaled, {});
    ASSERT_EQ(plan.status, PlanStatus::kOptimal) << scale;
    EXPECT_DOUBLE_EQ(*plan.cost, *reference.cost) << scale;
    ASSERT_EQ(plan.parties.size(), reference.parties.size()) << scale;
    for (std::size_t g = 0; g < plan.parties.size(); ++g)
      EXPECT_NEAR(plan.parties[g].share, reference.parties[g].share, 1e-12) << scale;
  }
}

TEST(InstanceTest, RejectsUnknownReferencesWithTheirPointers) {
  const auto parsed = parse_instance(
      R"({"secrets": [{"id": "S1"}], "packages": [{"id": "P1", "capability": "x", "exposes": ["S9"], "volume": 1}],
          "suppliers": [{"id": "F1", "capacity": 1, "party": "G", "trusted": true},
                        {"id": "F2", "capacity": 1, "party": "G"}],
          "quotes": [{"package": "P2", "supplier": "F1", "unit_cost": 1}]})",
      "i.json");
  ASSERT_FALSE(parsed.ok());
  const std::string all = parsed.error().to_string();
  EXPECT_NE(all.find("i.json#/packages/0/exposes/0: unknown secret 'S9'"), std::string::npos) << all;
  EXPECT_NE(all.find("i.json#/quotes/0/package: unknown package 'P2'"), std::string::npos) << all;
  EXPECT_NE(all.find("i.json#/suppliers/1/trusted: party 'G' mixes trusted and untrusted"), std::string::npos)
      << all;
}

// A key given twice was read as its last value ("collusion": 3, "collusion": 0 planned at 0).
TEST(InstanceTest, RefusesAKeyGivenTwiceAtItsPointer) {
  const std::string good = instance_json(split_needed());
  for (const auto& [from, to, pointer] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {R"("collusion":)", R"("collusion": 3, "collusion":)", "i.json#/policy/collusion"},
           {R"("id": "P2",)", R"("id": "P2", "volume": 1,)", "i.json#/packages/1/volume"},
           {R"("quotes":)", R"("quotes": [], "quotes":)", "i.json#/quotes"}}) {
    std::string text = good;
    const std::size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from << " in " << good;
    text.replace(at, from.size(), to);
    const auto parsed = parse_instance(text, "i.json");
    ASSERT_FALSE(parsed.ok()) << to;
    EXPECT_EQ(parsed.error().to_string(), pointer + ": this key is given twice in its object");
  }
}

TEST(InstanceTest, RoundTripsThroughItsJson) {
  const Instance instance = split_needed();
  const auto parsed = parse_instance(instance_json(instance), "x.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(instance_json(*parsed), instance_json(instance));
}

// The reader resolves each quote's package and supplier once: a pair quoted twice is found whether
// the package's quotes come together or apart, and quotes in any order compile alike.
TEST(InstanceTest, FindsAPairQuotedTwiceTogetherOrApart) {
  const auto with_quotes = [](std::vector<Quote> quotes) {
    Instance instance = split_needed();
    instance.quotes = std::move(quotes);
    return parse_instance(instance_json(instance), "i.json");
  };
  const Quote p1f1{"P1", "F1", 1.25, 8000}, p2f1{"P2", "F1", 1.0, 0}, p2f2{"P2", "F2", 2.0, 0};
  for (const auto& quotes : {std::vector{p1f1, p1f1, p2f1}, std::vector{p1f1, p2f1, p2f2, p1f1}}) {
    const auto parsed = with_quotes(quotes);
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.error().to_string().find("a second quote for package 'P1' from 'F1'"), std::string::npos)
        << parsed.error().to_string();
  }
  const auto apart = with_quotes({p2f1, p1f1, p2f2});
  ASSERT_TRUE(apart.ok()) << apart.error().to_string();
  const Problem problem = compile(*apart);
  ASSERT_EQ(problem.packages[1].options.size(), 2U);
  EXPECT_EQ(problem.suppliers[problem.packages[1].options[0].supplier].id, "F1");
  EXPECT_EQ(problem.suppliers[problem.packages[1].options[1].supplier].id, "F2");
}

// An instance changed after reading (its suppliers reordered) compiles as one never read: the
// references the reader resolved are not trusted where the ids have moved.
TEST(InstanceTest, CompilesAnInstanceChangedAfterReadingByItsIds) {
  auto parsed = parse_instance(instance_json(split_needed()), "i.json");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->quote_refs.size(), parsed->quotes.size());
  std::swap(parsed->suppliers[0], parsed->suppliers[1]);
  std::swap(parsed->packages[0], parsed->packages[1]);
  Instance unresolved = *parsed;
  unresolved.quote_refs.clear();
  const Problem changed = compile(*parsed), fresh = compile(unresolved);
  ASSERT_EQ(changed.packages.size(), fresh.packages.size());
  for (std::size_t p = 0; p < fresh.packages.size(); ++p) {
    ASSERT_EQ(changed.packages[p].options.size(), fresh.packages[p].options.size()) << p;
    for (std::size_t o = 0; o < fresh.packages[p].options.size(); ++o) {
      EXPECT_EQ(changed.packages[p].options[o].supplier, fresh.packages[p].options[o].supplier);
      EXPECT_EQ(changed.packages[p].options[o].unit_cost, fresh.packages[p].options[o].unit_cost);
    }
  }
  EXPECT_EQ(fresh.suppliers[fresh.packages[1].options[0].supplier].id, "F1");  // P1, cheapest at F1
}

// Ids are taken from the text where they need no unescaping, and unescaped where they do.
TEST(InstanceTest, ReadsEscapedIdsAsTheFullReaderDoes) {
  std::string text = instance_json(split_needed());
  for (const auto& [plain, escaped] :
       {std::pair{R"("package": "P1")", R"("package": "P1")"}, std::pair{R"("id": "F2")", R"("id": "F2")"}}) {
    text.replace(text.find(plain), std::string_view(plain).size(), escaped);
  }
  const WellFormedRead fast = read_well_formed_instance(text);
  ASSERT_TRUE(fast.instance);
  const auto full = read_instance_fully(text, "i.json");
  ASSERT_TRUE(full.ok()) << full.error().to_string();
  EXPECT_EQ(instance_json(*fast.instance), instance_json(*full));
  EXPECT_EQ(instance_json(*full), instance_json(split_needed()));
}

// ---- Why no plan exists: the smallest conflict and what restores a plan ------------------------

// The trusted plant F1 alone can make the firmware and the final test (10,000 units each), with a
// capacity of 15,000: no rule is at fault, its capacity is.
TEST(ConflictTest, NamesTheSupplierWhoseCapacityTheOnlyPackagesItCanMakeExceed) {
  Instance instance{{2, 1.0, false},
                    {{"S1", 5}, {"S2", 3}},
                    {},
                    {},
                    {{"P3", "firmware", {"S1"}, 10000, 1}, {"P7", "final-test", {"S2"}, 10000, 1}},
                    {{"F1", "G1", {"firmware", "final-test"}, 15000, "qualified", true, {}}},
                    {{"P3", "F1", 1.0, 0}, {"P7", "F1", 1.0, 0}}};
  const Plan plan = solve(instance, {5, true, std::nullopt});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(plan, "supplier F1's capacity 15,000 < 20,000 needed by P3, P7, which only it can make"))
      << ::testing::PrintToString(plan.reasons);
  instance.suppliers[0].capacity = 20000;
  EXPECT_EQ(solve(instance, {5, true, std::nullopt}).status, PlanStatus::kOptimal);
}

// P1 only F1 can make; P2 either, but F1 making both would hold recipe R1, and F2 can make only
// 5,000 of P2's 10,000. Neither the capacity nor the collusion rule alone is at fault: together.
Instance capacity_against_collusion() {
  return Instance{{1, 1.0, false},
                  {{"S1", 5}, {"S2", 3}},
                  {},
                  {{"R1", {"S1", "S2"}}},
                  {{"P1", "molding", {"S1"}, 10000, 1}, {"P2", "molding", {"S2"}, 10000, 1}},
                  {{"F1", "G1", {"molding"}, 20000, "qualified", false, {}},
                   {"F2", "G2", {"molding"}, 5000, "qualified", false, {}}},
                  {{"P1", "F1", 1.0, 0}, {"P2", "F1", 1.0, 0}, {"P2", "F2", 1.5, 0}}};
}

TEST(ConflictTest, DeletionFilterKeepsOnlyTheRulesThatConflictAndSaysWhatRestoresAPlan) {
  const Instance instance = capacity_against_collusion();
  const Solver solver = [](const Instance& variant) {
    return solve(variant, {5, true, std::nullopt, false});
  };
  const Conflict conflict = minimal_conflict(instance, solver);
  EXPECT_TRUE(conflict.minimal);
  EXPECT_EQ(conflict.rules,
            (std::vector<std::string>{"the capacity of F2 (5,000)", "collusion 1 for recipe R1"}));
  EXPECT_EQ(conflict.suppliers, std::vector<std::string>{"F2"});
  ASSERT_EQ(conflict.restores.size(), 2u);
  EXPECT_EQ(conflict.restores[0].rfind("raise F2's capacity from 5,000 to 10,000 (for P2)", 0), 0u)
      << conflict.restores[0];
  EXPECT_EQ(conflict.restores[1].rfind("drop the collusion guard on recipe R1 (a plan costing", 0), 0u)
      << conflict.restores[1];
  // Irreducible: relaxing either rule gives a plan, keeping both does not.
  Instance more = instance;
  more.suppliers[1].capacity = 10000;
  EXPECT_EQ(solve(more, {5, true, std::nullopt}).status, PlanStatus::kOptimal);
}

// The policy's cap of 30% fails: only F1 makes P1 (40% of the weight). The cheapest plan without
// the cap gives F1 two packages (70%), but a cap of 60% already admits a plan: F1 makes P1 alone
// and F2 the other two. The advice is the least cap, with the cheapest plan's beside it.
TEST(ConflictTest, AdvisesTheLeastCapAPlanExistsUnder) {
  const Instance instance{{1, 0.3, false},
                          {{"S1", 4}, {"S2", 3}, {"S3", 3}},
                          {},
                          {},
                          {{"P1", "molding", {"S1"}, 100, 1},
                           {"P2", "molding", {"S2"}, 100, 1},
                           {"P3", "molding", {"S3"}, 100, 1}},
                          {{"F1", "G1", {"molding"}, 1000, "qualified", false, {}},
                           {"F2", "G2", {"molding"}, 1000, "qualified", false, {}}},
                          {{"P1", "F1", 1.0, 0},
                           {"P2", "F1", 1.0, 0},
                           {"P3", "F1", 1.1, 0},
                           {"P2", "F2", 2.0, 0},
                           {"P3", "F2", 2.0, 0}}};
  const Solver solver = [](const Instance& variant) {
    return solve(variant, {5, true, std::nullopt, false});
  };
  const Conflict conflict = minimal_conflict(instance, solver);
  EXPECT_EQ(conflict.rules, std::vector<std::string>{"the policy's exposure cap (30%)"});
  ASSERT_EQ(conflict.restores.size(), 1u);
  EXPECT_EQ(conflict.restores[0],
            "raise policy.max_exposure_share from 30% to 60% (a plan costing 500); the cheapest plan without "
            "the cap needs 70% (a plan costing 400)");
  Instance at_least = instance;
  at_least.policy.max_exposure_share = 0.6;
  EXPECT_EQ(solve(at_least, {5, true, std::nullopt}).status, PlanStatus::kOptimal);
  at_least.policy.max_exposure_share = 0.59;
  EXPECT_EQ(solve(at_least, {5, true, std::nullopt}).status, PlanStatus::kInfeasible);
}

TEST(ConflictTest, TheInfeasiblePlanCarriesTheConflict) {
  const Plan plan = solve(capacity_against_collusion(), {10, true, std::nullopt});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(
      names(plan, "these rules cannot hold together: the capacity of F2 (5,000), collusion 1 for recipe R1"))
      << ::testing::PrintToString(plan.reasons);
  EXPECT_TRUE(names(plan, "a plan exists if you raise F2's capacity from 5,000 to 10,000"));
}

TEST(PlannerTest, NamesPackagesWithTooFewTrustedMakersForTheirSourcesThatPairsCouldPool) {
  Instance instance = split_needed();
  instance.policy.collusion = 2;
  instance.packages[0].sources = 2;  // P1: one trusted maker cannot be both of its sources
  instance.suppliers.push_back({"F3", "G3", {"injection-molding"}, 50000, "qualified", true, {}});
  instance.suppliers.push_back({"F4", "G4", {"injection-molding"}, 50000, "qualified", false, {}});
  instance.quotes.push_back({"P1", "F3", 3.0, 0});
  instance.quotes.push_back({"P1", "F4", 2.0, 0});
  const Plan plan = solve(instance, {});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(
      plan, "recipe R1: packages P1 and P2 together expose all of it and each needs an untrusted maker"))
      << (plan.reasons.empty() ? "" : plan.reasons.front());
}

// The fast reader skips what nobody reads and leaves every complaint to the full reader, which
// names its place: both must agree on what an instance is.
TEST(InstanceTest, IgnoresUnknownKeysAtAnyDepth) {
  const std::string plain = instance_json(split_needed());
  std::string decorated = plain;
  decorated.insert(1, R"("comment": {"nested": [1, {"deep": [[]]}], "x": null}, "tags": ["a", 2],)");
  const std::string field = R"("id": "S1")";
  decorated.replace(decorated.find(field), field.size(),
                    R"("note": [{"a": 1}], "id": "S1", "extra": {"b": [true]})");
  const auto parsed = parse_instance(decorated, "x.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(instance_json(*parsed), plain);
  // Each reader notes where (the fast one in the text's order, the full one in the tree's).
  EXPECT_EQ(parsed->ignored_keys,
            (std::vector<std::string>{"/comment", "/tags", "/secrets/0/note", "/secrets/0/extra"}));
  const auto fully = read_instance_fully(decorated, "x.json");
  ASSERT_TRUE(fully.ok()) << fully.error().to_string();
  EXPECT_EQ(fully->ignored_keys,
            (std::vector<std::string>{"/comment", "/secrets/0/extra", "/secrets/0/note", "/tags"}));
  EXPECT_TRUE(parse_instance(plain, "x.json")->ignored_keys.empty());
}

// A misspelt key is ignored like any unknown one, so the warning names it and the key it misses.
TEST(InstanceTest, WarnsOfIgnoredKeysWithTheKeyTheyMiss) {
  std::string text = instance_json(split_needed());
  text.replace(text.find(R"("collusion")"), 11, R"("colusion")");
  for (int i = 0; i < 25; ++i) text.insert(1, R"("note/)" + std::to_string(i) + R"(~": 1,)");
  const auto parsed = parse_instance(text, "i.json");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->policy.collusion, 1);  // the default, as the contract says
  EXPECT_EQ(parsed->ignored_key_count, 26U);
  const std::vector<std::string> warnings = ignored_key_warnings(*parsed, "i.json");
  ASSERT_EQ(warnings.size(), kMostIgnoredKeys + 1);
  EXPECT_EQ(warnings.front(), "i.json#/note~124~0: an unknown key, ignored");
  EXPECT_EQ(warnings.back(), "i.json: 6 more unknown keys, ignored");
  std::string typo = instance_json(split_needed());
  typo.replace(typo.find(R"("collusion")"), 11, R"("colusion")");
  typo.replace(typo.find(R"("fixed_cost")"), 12, R"("fixed_cots")");
  EXPECT_EQ(ignored_key_warnings(*parse_instance(typo, "i.json"), "i.json"),
            (std::vector<std::string>{
                "i.json#/policy/colusion: an unknown key, ignored: did you mean collusion?",
                "i.json#/quotes/0/fixed_cots: an unknown key, ignored: did you mean fixed_cost?"}));
}

// Costs a double cannot hold are refused at the quote: planned, they gave an "optimal" plan whose
// cost was null in JSON and -92,233,720,368,547,758.08 as text.
TEST(InstanceTest, RefusesCostsBeyondWhatANumberHolds) {
  Instance one = split_needed();
  one.quotes[2].unit_cost = 1e305;  // P2 from F2: 1e305 × 10,000 units
  auto parsed = parse_instance(instance_json(one), "i.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().to_string().find("i.json#/quotes/2/unit_cost: this quote's cost"),
            std::string::npos)
      << parsed.error().to_string();
  Instance sum = split_needed();
  sum.quotes[0].unit_cost = 1e304;  // 1e308 each: finite, but not together
  sum.quotes[2].unit_cost = 1e304;
  parsed = parse_instance(instance_json(sum), "i.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().to_string().find("i.json#/quotes: the quotes' costs add up"), std::string::npos)
      << parsed.error().to_string();
  EXPECT_TRUE(parse_instance(instance_json(split_needed()), "i.json").ok());
}

TEST(InstanceTest, ExplainsWhatTheFastReaderRefuses) {
  const std::string base =
      R"({"policy": {"collusion": COLLUSION}, "secrets": [{"id": "S1", "weight": WEIGHT}],
      "packages": [{"id": "P1", "capability": "x", "exposes": EXPOSES, "volume": 1}],
      "suppliers": [{"id": "F1", "capacity": 1}], "quotes": [{"package": "P1", "supplier": "F1", "unit_cost": 1}]})";
  const auto with = [&](std::string collusion, std::string weight, std::string exposes) {
    std::string text = base;
    text.replace(text.find("COLLUSION"), 9, collusion);
    text.replace(text.find("WEIGHT"), 6, weight);
    text.replace(text.find("EXPOSES"), 7, exposes);
    return parse_instance(text, "i.json");
  };
  ASSERT_TRUE(with("2", "3", R"(["S1"])").ok());
  const auto explained = [](const Result<Instance>& parsed, const std::string& text) {
    return !parsed.ok() && parsed.error().to_string().find(text) != std::string::npos;
  };
  EXPECT_TRUE(explained(with("1.5", "3", R"(["S1"])"), "i.json#/policy/collusion: must be a whole number"));
  EXPECT_TRUE(explained(with("-1", "3", R"(["S1"])"), "i.json#/policy/collusion: must be a whole number"));
  EXPECT_TRUE(explained(with("2", "0", R"(["S1"])"), "i.json#/secrets/0/weight: must be greater than 0"));
  EXPECT_TRUE(explained(with("2", "\"3\"", R"(["S1"])"), "i.json#/secrets/0/weight: must be a number"));
  EXPECT_TRUE(explained(with("2", "3", R"(["S1", 4])"), "i.json#/packages/0/exposes/1: must be a string"));
  EXPECT_TRUE(
      explained(with("2", "3", R"("S1")"), "i.json#/packages/0/exposes: must be an array of strings"));
  EXPECT_TRUE(explained(with("2", "3", R"(["S1"],)"), "i.json:2:"));  // syntax, by line and column
  // A number beyond a double's range, by line and column (nlohmann says only that it overflowed).
  EXPECT_TRUE(explained(with("2", "1e400", R"(["S1"])"), "i.json:1:65: number out of range"))
      << with("2", "1e400", R"(["S1"])").error().to_string();
  // NaN and Infinity, as JavaScript and Python write them, are named as such.
  for (const std::string weight : {"NaN", "-Infinity"})
    EXPECT_TRUE(explained(with("2", weight, R"(["S1"])"), "NaN and Infinity are not JSON numbers")) << weight;
  // A key given twice is refused where it stands (RefusesAKeyGivenTwiceAtItsPointer).
  EXPECT_TRUE(explained(with("2, \"collusion\": 3", "3", R"(["S1"])"),
                        "i.json#/policy/collusion: this key is given twice in its object"));
}

// A rule with no premises (it would give its secret to every party) and a recipe of no secrets
// (complete in anyone's hands) are refused where they stand, as the grammar asks.
TEST(InstanceTest, RefusesARuleWithoutPremisesAndARecipeWithoutSecrets) {
  Instance instance = split_needed();
  instance.derives.push_back({{}, "S2"});
  instance.recipes.push_back({"R2", {}});
  const auto parsed = parse_instance(instance_json(instance), "i.json");
  ASSERT_FALSE(parsed.ok());
  const std::string all = parsed.error().to_string();
  EXPECT_NE(all.find("i.json#/derives/1/from: must name at least one secret"), std::string::npos) << all;
  EXPECT_NE(all.find("i.json#/recipes/1/secrets: must name at least one secret"), std::string::npos) << all;
}

TEST(InstanceTest, RefusesAnInstanceWithoutSecrets) {
  Instance instance = split_needed();
  instance.secrets.clear();
  instance.derives.clear();
  instance.recipes.clear();
  for (Package& package : instance.packages) package.exposes.clear();
  const auto parsed = parse_instance(instance_json(instance), "i.json");
  ASSERT_FALSE(parsed.ok());
  const std::string all = parsed.error().to_string();
  EXPECT_NE(all.find("i.json#/secrets: must list at least one secret"), std::string::npos) << all;
}

// The fast reader reads every value, those nobody uses too, and what follows the root object: what
// it lets through must be JSON the full reader reads the same.
TEST(InstanceTest, FastReaderLeavesToTheFullReaderWhatIsNotJson) {
  const std::string plain = instance_json(split_needed());
  EXPECT_TRUE(read_well_formed_instance(plain).instance);
  std::string padded = plain;
  padded.reserve(plain.size() + kInstanceTextPadding);
  const WellFormedRead in_place = read_well_formed_instance(padded, {}, true);
  ASSERT_TRUE(in_place.instance);
  EXPECT_EQ(instance_json(*in_place.instance), plain);
  for (const std::string& bad : {plain + " {}", plain + "x", plain.substr(0, plain.size() - 3)}) {
    EXPECT_FALSE(read_well_formed_instance(bad).instance) << bad.substr(bad.size() - 10);
    EXPECT_FALSE(parse_instance(bad, "i.json").ok());
  }
  for (const char* field : {R"("note": [1,, 2], )", R"("note": {"a" 1}, )", R"("note": tru, )",
                            R"("note": 01, )", R"("note": "\x", )"}) {
    std::string bad = plain;
    bad.insert(1, field);
    EXPECT_FALSE(read_well_formed_instance(bad).instance) << field;
    EXPECT_FALSE(parse_instance(bad, "i.json").ok()) << field;
  }
  std::string escaped = plain;  // keys are compared unescaped
  escaped.replace(escaped.find(R"("id": "S1")"), 10, R"("\u0069d": "S1")");
  const WellFormedRead read = read_well_formed_instance(escaped);
  ASSERT_TRUE(read.instance);
  EXPECT_EQ(instance_json(*read.instance), plain);
}

// Numbers of more than 19 digits are read as the full reader reads them (simdjson 3.0.1's own
// reading of them is wrong).
TEST(InstanceTest, ReadsNumbersOfManyDigitsAsTheFullReaderDoes) {
  std::string text = instance_json(split_needed());
  const std::string volume = R"("volume": 10000.0)";
  text.replace(text.find(volume), volume.size(), R"("volume": 7111111111111111111111111.5)");
  const auto fast = parse_instance(text, "i.json");
  const auto full = read_instance_fully(text, "i.json");
  ASSERT_TRUE(fast.ok() && full.ok());
  EXPECT_EQ(instance_json(*fast), instance_json(*full));
  EXPECT_GT(fast->packages[0].volume, 7e24);
}

TEST(PlannerTest, AnswersAtOnceWhenTheLimitHasPassed) {
  SolveOptions options;
  options.time_limit_seconds = 0;
  const Plan plan = solve(split_needed(), options);
  EXPECT_EQ(plan.status, PlanStatus::kUnknown);
  EXPECT_FALSE(plan.reasons.empty());
}

// A caller that may answer somewhat past the limit lets the search for a first plan go on into
// that grace when it has none by the limit: a valid plan, described as found late.
TEST(PlannerTest, LooksForAFirstPlanIntoTheGracePastTheLimit) {
  SolveOptions options;
  options.time_limit_seconds = 0;
  options.grace_seconds = 5;  // of which the search may take 2 s: far more than it needs here
  const Plan plan = solve(split_needed(), options);
  ASSERT_EQ(plan.status, PlanStatus::kFeasible) << (plan.reasons.empty() ? "" : plan.reasons[0]);
  ASSERT_TRUE(plan.cost);
  EXPECT_EQ(plan.assignments.size(), 2U);
  EXPECT_TRUE(names(plan, "first valid plan"));
}

// The plan's JSON is written without a document tree: it must read exactly as the JSON library
// lays it out (the contract's shape, byte for byte), empty lists, missing bounds and text
// needing escapes included.
TEST(InstanceTest, PlanJsonIsLaidOutAsTheJsonLibraryLaysItOut) {
  Plan solved = solve(split_needed(), {});
  solved.reasons.push_back("a \"quoted\" reason\twith 中文");
  solved.assignments.push_back({"P\\3", "F1", 0.1});
  Plan empty;
  empty.cost = 12.5;
  empty.recipes.push_back({"R9", std::nullopt, {}});
  for (const Plan& plan : {solved, empty, Plan{}}) {
    const std::string written = plan_json(plan);
    EXPECT_EQ(written, nlohmann::ordered_json::parse(written).dump(2) + "\n");
  }
}

// UTF-8 is checked a few MiB at a time: a character across the slices' border is well formed, and
// a bad byte past the first slice is found at its place.
TEST(InstanceTest, FindsInvalidUtf8PastTheFirstSliceAtItsPlace) {
  const std::size_t slice = std::size_t{4} << 20;
  const std::string text = std::string(slice - 1, ' ') + "中\n  \xFF";
  const auto parsed = parse_instance(text, "i.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().to_string().find("i.json:2:3"), std::string::npos) << parsed.error().to_string();
  EXPECT_NE(parsed.error().to_string().find("invalid UTF-8"), std::string::npos);
}

TEST(PlannerTest, TellsItsProgressAsTheSearchImproves) {
  Instance instance = split_needed();
  instance.policy.collusion = 0;
  std::vector<SolveProgress> told;
  SolveOptions options;
  options.enumerate = false;  // the heuristic, then the MIP (a search of every choice tells its optimum only)
  options.on_progress = [&](const SolveProgress& now) { told.push_back(now); };
  const Plan plan = solve(instance, options);
  ASSERT_EQ(plan.status, PlanStatus::kOptimal);
  ASSERT_FALSE(told.empty());
  ASSERT_TRUE(told.front().cost);  // the heuristic's plan first
  EXPECT_GE(*told.front().cost, *plan.cost - 1e-9);
  for (const SolveProgress& now : told) {
    if (now.lower_bound) {
      EXPECT_LE(*now.lower_bound, *plan.cost + 1e-6);
    }
  }
}

// A caller that must answer before solve() returns is told the heuristic's plan as an answer in
// itself: valid, with its cost, each recipe's coalition, and why it was given early.
TEST(PlannerTest, TellsTheFirstValidPlanAsAnAnswer) {
  std::vector<Plan> told;
  SolveOptions options;
  options.enumerate = false;  // the heuristic, then the MIP (a search of every choice has no first plan)
  options.on_plan = [&](const Plan& plan) { told.push_back(plan); };
  const Plan plan = solve(split_needed(), options);
  ASSERT_EQ(plan.status, PlanStatus::kOptimal);
  ASSERT_EQ(told.size(), 1U);
  EXPECT_EQ(told[0].status, PlanStatus::kFeasible);
  ASSERT_TRUE(told[0].cost);
  EXPECT_GE(*told[0].cost, *plan.cost);
  EXPECT_EQ(told[0].assignments.size(), 2U);
  ASSERT_EQ(told[0].recipes.size(), 1U);
  EXPECT_TRUE(names(told[0], "first valid plan"));
}

TEST(PlannerTest, AStoppedDeadlineEndsTheSearchAsTheLimitWould) {
  auto stop = std::make_shared<std::atomic<bool>>(true);
  SolveOptions options;
  options.time_limit_seconds = 60;
  options.stop = stop;
  const auto started = std::chrono::steady_clock::now();
  const Plan plan = solve(split_needed(), options);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), 5.0);
  EXPECT_NE(plan.status, PlanStatus::kOptimal);  // nothing is proven once stopped

  const Deadline deadline = Deadline::after(60).stopped_by(stop);
  EXPECT_TRUE(deadline.passed());
  EXPECT_LE(deadline.seconds_left(), 0.0);
  EXPECT_TRUE(deadline.share(0.5).passed());
  EXPECT_TRUE(Deadline::after(30).sooner(deadline).passed());
  stop->store(false);
  EXPECT_FALSE(deadline.passed());
}

// The exact engine from `start`, with every bound it proved on the way, first to last.
struct Proof {
  ExactResult result;
  std::vector<double> bounds;
};
Proof prove(const Problem& problem, const Choice& start) {
  Proof proof;
  ExactOptions options;
  options.on_improvement = [&](const ExactResult& result) {
    if (result.lower_bound) proof.bounds.push_back(*result.lower_bound);
  };
  proof.result = solve_exact(problem, Deadline::after(30), start, options);
  return proof;
}

// Packages of 6, 7 and 8 units, a supplier with room for 10 at 1 a unit and one with room for all
// at 2. The relaxation fills the cheap one to 10 with fractions of packages (cost 32); a plan can
// put only one package there (34, the 8 units). Cover cuts on its capacity row raise the
// relaxation's bound to 34, which proves the heuristic's plan optimal before the main CBC solve
// (without the covers it takes one).
TEST(ExactTest, CoverCutsOnACapacityProveWhatTheRelaxationCannot) {
  const Instance instance{
      {1, 1.0, false},
      {{"S1", 1}, {"S2", 1}},
      {},
      {{"R1", {"S1", "S2"}}},
      {{"A", "cnc", {"S1"}, 6, 1}, {"B", "cnc", {"S1"}, 7, 1}, {"C", "cnc", {"S1"}, 8, 1}},
      {{"CHEAP", "G1", {"cnc"}, 10, "qualified", false, {}},
       {"DEAR", "G2", {"cnc"}, 100, "qualified", false, {}}},
      {{"A", "CHEAP", 1, 0},
       {"B", "CHEAP", 1, 0},
       {"C", "CHEAP", 1, 0},
       {"A", "DEAR", 2, 0},
       {"B", "DEAR", 2, 0},
       {"C", "DEAR", 2, 0}},
  };
  const Problem problem = compile(instance);
  const HeuristicResult start = solve_heuristic(problem, Deadline::after(10));
  ASSERT_TRUE(start.choice);
  ASSERT_DOUBLE_EQ(cost_of(problem, *start.choice), 34);
  const Proof proof = prove(problem, *start.choice);
  EXPECT_EQ(proof.result.outcome, ExactResult::Outcome::kOptimal);
  EXPECT_EQ(proof.result.rounds, 0);  // proven before the main CBC solve
  ASSERT_FALSE(proof.bounds.empty());
  EXPECT_NEAR(proof.bounds.front(), 32, 1e-6);  // the relaxation's
  EXPECT_NEAR(proof.bounds.back(), 34, 1e-6);
}

// What a reason asks for is written so that doing it is enough: rounded up, with decimals where
// the figure has them, and a share above a cap shown above it.
TEST(WordingTest, NeedsAreWrittenSoThatMeetingThemIsEnough) {
  EXPECT_EQ(amount(20000), "20,000");
  EXPECT_EQ(amount(1224.1), "1,224.1");
  EXPECT_EQ(amount(-1234.5), "-1,234.5");
  EXPECT_EQ(amount(1e17), "100,000,000,000,000,000");
  EXPECT_EQ(amount_up(100.5), "100.5");
  EXPECT_EQ(amount_up(100.0 / 3), "33.34");
  EXPECT_EQ(percent(0.25), "25%");
  EXPECT_EQ(percent_up(4.0 / 7), "57.15%");
  EXPECT_EQ(percent_above(0.501, 0.5), "50.1%");
  EXPECT_EQ(percent_above(0.5000001, 0.5), "50.00001%");
}

TEST(PlannerTest, AsksForTheCapacityAFractionalShareNeeds) {
  // 201 units from two sources: 100.5 each, and F1 makes one source of P1 at capacity 100.
  const Instance instance{
      {0, 1.0, false},
      {{"S1", 1}},
      {},
      {},
      {{"P1", "cnc", {"S1"}, 201, 2}},
      {{"F1", "G1", {"cnc"}, 100, "qualified", false, {}},
       {"F2", "G2", {"cnc"}, 1000, "qualified", false, {}}},
      {{"P1", "F1", 1, 0}, {"P1", "F2", 1, 0}},
  };
  const Plan plan = solve(instance, {});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(plan, "capacity 100 < 100.5 needed by P1")) << testing::PrintToString(plan.reasons);
  EXPECT_TRUE(names(plan, "raise its capacity to 100.5")) << testing::PrintToString(plan.reasons);
}

// Costs of two billion differing by one: a plan is optimal only if no cheaper one exists, however
// small the difference against the total.
TEST(PlannerTest, ProvesOptimalOnlyAPlanNothingUndercuts) {
  const Instance instance{
      {1, 1.0, false},
      {{"S3", 5}, {"S4", 5}},
      {},
      {{"R0", {"S3", "S4"}}},
      {{"P3", "smt", {"S4"}, 100, 1}, {"P4", "mold", {"S3"}, 100, 1}},
      {{"F0", "G0", {"smt", "mold"}, 600, "qualified", false, {}},
       {"F1", "G1", {"mold", "smt"}, 1e6, "qualified", false, {}},
       {"F2", "G2", {"mold", "smt"}, 1e6, "qualified", false, {}}},
      {{"P3", "F0", 0.05, 1e9},
       {"P3", "F1", 0.02, 1e9},
       {"P3", "F2", 0.03, 1e9},
       {"P4", "F1", 0.01, 1e9},
       {"P4", "F2", 0.01, 1e9}},
  };
  for (const bool whole : {false, true}) {  // the MIP, and the search of every choice
    SolveOptions options;
    options.enumerate = whole;
    const Plan plan = solve(instance, options);
    ASSERT_EQ(plan.status, PlanStatus::kOptimal) << whole;
    EXPECT_DOUBLE_EQ(*plan.cost, 2e9 + 3) << whole;  // P3 at F1, P4 at F2 (the heuristic's 2e9 + 4 is not)
  }
}

// A's capacity fits P2 and P3 (free) or P1 (free) alone; B charges 10 for P1, 6 for P2 or P3. The
// heuristic ends at 12 (P1 at A); the optimum is 10 (P2 and P3 at A). Every option's cost is
// `offset + scale * that`: CBC's and CLP's absolute tolerances must not decide it at any scale.
Instance capacity_knapsack(double scale, double offset) {
  return Instance{
      {1, 1.0, false},
      {{"S1", 1}, {"S2", 1}},
      {},
      {{"R", {"S1", "S2"}}},
      {{"P1", "c", {}, 6, 1}, {"P2", "c", {}, 5, 1}, {"P3", "c", {}, 5, 1}},
      {{"A", "A", {"c"}, 10, "qualified", false, {}}, {"B", "B", {"c"}, 100, "qualified", false, {}}},
      {{"P1", "A", 0, offset},
       {"P2", "A", 0, offset},
       {"P3", "A", 0, offset},
       {"P1", "B", 0, offset + 10 * scale},
       {"P2", "B", 0, offset + 6 * scale},
       {"P3", "B", 0, offset + 6 * scale}},
  };
}

TEST(PlannerTest, ProvesTheOptimumWhateverTheScaleOfTheCosts) {
  for (const auto& [scale, offset] : std::vector<std::pair<double, double>>{
           {1, 0}, {1e-9, 0}, {1e-7, 0}, {1e20, 0}, {1, 1e9}, {1e3, 1e12}}) {
    for (const bool whole : {false, true}) {  // the MIP, and the search of every choice
      SolveOptions options;
      options.enumerate = whole;
      const Plan plan = solve(capacity_knapsack(scale, offset), options);
      ASSERT_EQ(plan.status, PlanStatus::kOptimal) << scale << " " << offset << " " << whole;
      EXPECT_DOUBLE_EQ(*plan.cost, 3 * offset + 10 * scale) << scale << " " << offset << " " << whole;
    }
  }
}

// A capacity and a cap are kept to floating-point error, whatever their scale: no margin of a
// millionth of a unit or a billionth of the weight lets a plan past them.
TEST(PlannerTest, KeepsCapacitiesAndCapsAtAnyScale) {
  for (const bool whole : {false, true}) {  // the MIP, and the search of every choice
    SolveOptions options;
    options.enumerate = whole;
    const Instance tiny{
        {1, 1.0, false},
        {{"S1", 1}, {"S2", 1}, {"S3", 1}},
        {},
        {{"R", {"S1", "S2", "S3"}}},
        {{"P1", "c", {"S1"}, 5e-7, 1}, {"P2", "c", {"S2"}, 5e-7, 1}},
        {{"A", "A", {"c"}, 5e-7, "qualified", false, {}}, {"B", "B", {"c"}, 1e9, "qualified", false, {}}},
        {{"P1", "A", 0, 1}, {"P2", "A", 0, 1}, {"P1", "B", 0, 100}, {"P2", "B", 0, 100}},
    };
    Plan plan = solve(tiny, options);
    ASSERT_EQ(plan.status, PlanStatus::kOptimal) << whole;
    EXPECT_DOUBLE_EQ(*plan.cost, 101);  // A makes one of the two
    const Instance huge{
        {0, 1.0, false},
        {{"S1", 1}},
        {},
        {},
        {{"P1", "c", {"S1"}, 1e9, 1}},
        {{"F1", "F1", {"c"}, 1e9 - 1, "qualified", false, {}},
         {"F2", "F2", {"c"}, 1e10, "qualified", false, {}}},
        {{"P1", "F1", 1, 0}, {"P1", "F2", 2, 0}},
    };
    plan = solve(huge, options);
    ASSERT_EQ(plan.status, PlanStatus::kOptimal) << whole;
    EXPECT_DOUBLE_EQ(*plan.cost, 2e9);  // F1 is a unit short
    const Instance share{
        {1, 0.3, false},
        {{"S1", 300000000.5}, {"S2", 699999999.5}},
        {},
        {},
        {{"P1", "c", {"S1"}, 1, 1}, {"P2", "c", {"S2"}, 1, 1}},
        {{"A", "A", {"c"}, 10, "qualified", false, {}}, {"T", "T", {"c"}, 10, "qualified", true, {}}},
        {{"P1", "A", 1, 0}, {"P1", "T", 50, 0}, {"P2", "T", 1, 0}},
    };
    plan = solve(share, options);
    ASSERT_EQ(plan.status, PlanStatus::kOptimal) << whole;
    EXPECT_DOUBLE_EQ(*plan.cost, 51);  // A's 0.3000000005 of the weight is over its cap of 0.3
  }
}

// A small instance of random shape: tight capacities, dual sourcing, shared parties, a trusted
// supplier now and then, collusion 1 or 2.
Instance random_small_instance(std::mt19937& random) {
  const auto pick = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };
  Instance instance;
  instance.policy.collusion = pick(0, 3) == 0 ? 2 : 1;
  for (int t = 1; t <= 4; ++t)
    instance.secrets.push_back({"S" + std::to_string(t), static_cast<double>(pick(1, 3))});
  instance.recipes = {{"R1", {"S1", "S2"}}, {"R2", {"S2", "S3", "S4"}}};
  const int suppliers = pick(4, 5);
  for (int s = 1; s <= suppliers; ++s) {
    const std::string party = "G" + std::to_string(s == suppliers && pick(0, 1) ? 1 : s);
    const bool trusted = s == suppliers && party != "G1" && pick(0, 2) == 0;
    instance.suppliers.push_back({"F" + std::to_string(s),
                                  party,
                                  {"cnc"},
                                  static_cast<double>(pick(10, 40)),
                                  "qualified",
                                  trusted,
                                  {}});
  }
  for (int p = 1; p <= 5; ++p) {
    const std::string id = "P" + std::to_string(p);
    std::vector<std::string> exposes;
    for (int t = 1; t <= 4; ++t) {
      if (pick(0, 3) == 0) exposes.push_back("S" + std::to_string(t));
    }
    instance.packages.push_back(
        {id, "cnc", exposes, static_cast<double>(pick(1, 4) * 5), pick(0, 4) == 0 ? 2 : 1});
    for (int s = 1; s <= suppliers; ++s) {
      if (pick(0, 4) > 0)
        instance.quotes.push_back({id, "F" + std::to_string(s), static_cast<double>(pick(1, 9)), 0});
    }
  }
  return instance;
}

// Every choice that passes every rule, by trying every one.
void each_valid_choice(const Problem& problem, const std::function<void(const Choice&)>& visit) {
  Choice choice(problem.packages.size());
  std::function<void(std::size_t)> place = [&](std::size_t p) {
    if (p == problem.packages.size()) {
      if (violations(problem, choice).empty()) visit(choice);
      return;
    }
    const std::size_t options = problem.packages[p].options.size();
    if (problem.packages[p].sources == 1) {
      for (std::size_t o = 0; o < options; ++o) {
        choice[p] = {o};
        place(p + 1);
      }
    } else {
      for (std::size_t o = 0; o < options; ++o) {
        for (std::size_t q = o + 1; q < options; ++q) {
          choice[p] = {o, q};
          place(p + 1);
        }
      }
    }
  };
  place(0);
}

// The cheapest choice that passes every rule, by trying every one.
std::optional<double> cheapest_by_trying_all(const Problem& problem) {
  std::optional<double> best;
  each_valid_choice(problem, [&](const Choice& choice) {
    const double cost = cost_of(problem, choice);
    if (!best || cost < *best) best = cost;
  });
  return best;
}

TEST(ExactTest, ColumnsFixedByReducedCostsLeaveOutNoCheaperPlan) {
  std::mt19937 random(20261206);
  int compared = 0;
  int with_fixed_columns = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const Problem problem = compile(random_small_instance(random));
    const HeuristicResult start = solve_heuristic(problem, Deadline::after(10));
    if (!start.choice) continue;
    const std::optional<double> optimum = cheapest_by_trying_all(problem);
    ASSERT_TRUE(optimum) << "trial " << trial;
    // Without the repair, CBC's search starts from the heuristic's plan: the reduced costs are
    // taken against its cost. (Without the Lagrangian bound, whose guesses prove some first.)
    ExactOptions options;
    options.repair = false;
    options.lagrangian = false;
    const ExactResult result = solve_exact(problem, Deadline::after(30), start.choice, options);
    ASSERT_EQ(result.outcome, ExactResult::Outcome::kOptimal) << "trial " << trial;
    EXPECT_NEAR(cost_of(problem, *result.choice), *optimum, 1e-6) << "trial " << trial;
    EXPECT_LE(*result.lower_bound, *optimum + 1e-6) << "trial " << trial;
    ++compared;
    if (result.fixed_columns > 0) ++with_fixed_columns;
  }
  EXPECT_GE(compared, 40);
  EXPECT_GE(with_fixed_columns, 10);  // the fixing is what is tested
}

// The proof by rising guesses fixes columns by the Lagrangian bound against each guess: on small
// instances whose capacities bind, it proves the optimum trying every choice finds, and never
// tells a bound above it on the way. Without the repair, the search starts from the plan it is
// given: here the dearest valid one, far enough above the optimum for guesses to be worth making.
// The cost of the cheapest valid plan and the dearest valid plan, trying every choice (none when
// no plan is valid).
std::pair<std::optional<double>, std::optional<Choice>> cheapest_and_dearest(const Problem& problem) {
  std::optional<double> optimum;
  std::optional<Choice> dearest;
  each_valid_choice(problem, [&](const Choice& choice) {
    const double cost = cost_of(problem, choice);
    if (!optimum || cost < *optimum) optimum = cost;
    if (!dearest || cost > cost_of(problem, *dearest)) dearest = choice;
  });
  return {optimum, dearest};
}

// The exact engine from `dearest` (a valid plan), without the repair, and the highest bound it told
// on the way (every bound, not only the last).
struct FromTheDearest {
  ExactResult result;
  double highest_bound = -1e300;
};
FromTheDearest solve_from(const Problem& problem, const Choice& dearest) {
  FromTheDearest out;
  ExactOptions options;
  options.repair = false;
  options.on_improvement = [&](const ExactResult& so_far) {
    if (so_far.lower_bound) out.highest_bound = std::max(out.highest_bound, *so_far.lower_bound);
  };
  out.result = solve_exact(problem, Deadline::after(30), dearest, options);
  return out;
}

// The exact engine from the dearest valid plan of random small instances, against trying every
// choice: the optimum found, and no bound told on the way above it. `capacities_binding`: the
// capacities halved and each package exposing one secret at most, so that the capacities rather
// than the knowledge rules make the gap. Counts the instances compared and those guesses ran on.
void solve_from_the_dearest_plan(std::uint32_t seed, int trials, bool capacities_binding, int& compared,
                                 int& guessed) {
  std::mt19937 random(seed);
  for (int trial = 0; trial < trials; ++trial) {
    Instance instance = random_small_instance(random);
    if (capacities_binding) {
      for (Supplier& supplier : instance.suppliers) supplier.capacity = supplier.capacity / 2 + 5;
      for (Package& package : instance.packages) {
        if (package.exposes.size() > 1) package.exposes.resize(1);
      }
    }
    const Problem problem = compile(instance);
    // From the dearest valid plan: the optimum lies somewhere between it and the bound, and a guess
    // below the optimum finds nothing before one above it finds the optimum.
    const auto [optimum, dearest] = cheapest_and_dearest(problem);
    if (!optimum) continue;
    const auto [result, highest_bound] = solve_from(problem, *dearest);
    ASSERT_EQ(result.outcome, ExactResult::Outcome::kOptimal) << "trial " << trial;
    EXPECT_TRUE(violations(problem, *result.choice).empty()) << "trial " << trial;
    EXPECT_NEAR(cost_of(problem, *result.choice), *optimum, 1e-6) << "trial " << trial;
    EXPECT_LE(highest_bound, *optimum + 1e-6) << "trial " << trial;
    ++compared;
    if (result.guesses > 0) ++guessed;
  }
}

TEST(ExactTest, AProofByRisingGuessesFindsTheOptimumTryingEveryChoiceFinds) {
  int compared = 0;
  int guessed = 0;
  solve_from_the_dearest_plan(20261209, 1200, true, compared, guessed);
  EXPECT_GE(compared, 40);
  EXPECT_GE(guessed, 10);  // the guesses are what is tested
}

// The same where the knowledge rules make the gap and the capacities' Lagrangian bound is mostly
// below the relaxation's: guesses run there too, the fixing against them the relaxation's reduced
// costs'.
TEST(ExactTest, GuessesWhereTheKnowledgeRulesMakeTheGapFindTheOptimumTryingEveryChoiceFinds) {
  int compared = 0;
  int guessed = 0;
  solve_from_the_dearest_plan(20261211, 600, false, compared, guessed);
  EXPECT_GE(compared, 40);
  EXPECT_GE(guessed, compared / 2) << compared << " compared";
}

// CBC 2.10's preprocessing, given a cutoff, can fix every column and report whatever point its
// postprocessing gives as optimal: on this instance, against a guess of 200.9 with the fixings
// that guess allows, "optimal" at 197.5, where a plan of 190 was there to find (the capacities
// keep P3 at F2 and P2 away from it). The engine notes the warning CBC gives then and solves
// again without the cutoff. From the dearest valid plan, with no repair, the guesses meet it.
TEST(ExactTest, APlanCbcsPreprocessingCallsOptimalIsCheckedWhenItLeftNothingToSearch) {
  // The instance as a user would write it (the random trial that found it: capacities halved).
  const auto instance =
      parse_instance(R"({"policy":{"collusion":1,"max_exposure_share":1.0,"allow_conditional":false},
"secrets":[{"id":"S1","weight":2.0},{"id":"S2","weight":1.0},{"id":"S3","weight":3.0},{"id":"S4","weight":1.0}],
"derives":[],"recipes":[{"id":"R1","secrets":["S1","S2"]},{"id":"R2","secrets":["S2","S3","S4"]}],
"packages":[
 {"id":"P1","capability":"cnc","exposes":[],"volume":5.0,"sources":2},
 {"id":"P2","capability":"cnc","exposes":["S1"],"volume":5.0,"sources":1},
 {"id":"P3","capability":"cnc","exposes":["S2"],"volume":20.0,"sources":1},
 {"id":"P4","capability":"cnc","exposes":[],"volume":5.0,"sources":1},
 {"id":"P5","capability":"cnc","exposes":["S1"],"volume":15.0,"sources":2}
],
"suppliers":[
 {"id":"F1","party":"G1","capabilities":["cnc"],"capacity":15.5,"status":"qualified","trusted":false},
 {"id":"F2","party":"G2","capabilities":["cnc"],"capacity":24.5,"status":"qualified","trusted":false},
 {"id":"F3","party":"G3","capabilities":["cnc"],"capacity":23.5,"status":"qualified","trusted":false},
 {"id":"F4","party":"G4","capabilities":["cnc"],"capacity":23.5,"status":"qualified","trusted":false},
 {"id":"F5","party":"G1","capabilities":["cnc"],"capacity":14.5,"status":"qualified","trusted":false}
],
"quotes":[
 {"package":"P1","supplier":"F2","unit_cost":6.0,"fixed_cost":0.0},
 {"package":"P1","supplier":"F5","unit_cost":6.0,"fixed_cost":0.0},
 {"package":"P2","supplier":"F2","unit_cost":4.0,"fixed_cost":0.0},
 {"package":"P2","supplier":"F3","unit_cost":8.0,"fixed_cost":0.0},
 {"package":"P2","supplier":"F4","unit_cost":4.0,"fixed_cost":0.0},
 {"package":"P2","supplier":"F5","unit_cost":2.0,"fixed_cost":0.0},
 {"package":"P3","supplier":"F1","unit_cost":9.0,"fixed_cost":0.0},
 {"package":"P3","supplier":"F2","unit_cost":3.0,"fixed_cost":0.0},
 {"package":"P3","supplier":"F3","unit_cost":8.0,"fixed_cost":0.0},
 {"package":"P3","supplier":"F4","unit_cost":3.0,"fixed_cost":0.0},
 {"package":"P3","supplier":"F5","unit_cost":3.0,"fixed_cost":0.0},
 {"package":"P4","supplier":"F1","unit_cost":7.0,"fixed_cost":0.0},
 {"package":"P4","supplier":"F2","unit_cost":2.0,"fixed_cost":0.0},
 {"package":"P4","supplier":"F3","unit_cost":6.0,"fixed_cost":0.0},
 {"package":"P4","supplier":"F4","unit_cost":4.0,"fixed_cost":0.0},
 {"package":"P4","supplier":"F5","unit_cost":3.0,"fixed_cost":0.0},
 {"package":"P5","supplier":"F1","unit_cost":8.0,"fixed_cost":0.0},
 {"package":"P5","supplier":"F2","unit_cost":8.0,"fixed_cost":0.0},
 {"package":"P5","supplier":"F4","unit_cost":3.0,"fixed_cost":0.0},
 {"package":"P5","supplier":"F5","unit_cost":5.0,"fixed_cost":0.0}
]})",
                     "preprocessing.json");
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  const Problem problem = compile(*instance);
  const auto [optimum, dearest] = cheapest_and_dearest(problem);
  ASSERT_TRUE(optimum);
  EXPECT_DOUBLE_EQ(*optimum, 190);
  const auto [result, highest_bound] = solve_from(problem, *dearest);
  ASSERT_EQ(result.outcome, ExactResult::Outcome::kOptimal);
  EXPECT_GT(result.guesses, 0) << "the guess is where CBC was given the cutoff it misread";
  EXPECT_GT(result.preprocessing_checked, 0)
      << "CBC no longer empties the model here: the test reads nothing";
  EXPECT_DOUBLE_EQ(cost_of(problem, *result.choice), *optimum);
  EXPECT_LE(highest_bound, *optimum + 1e-9);
}

// The same warning without a cutoff: on this instance, against a guess of 279.375, CBC's
// preprocessing fixed every column of the 23 the guess left free and called 285 optimal, with the
// cutoff and again without it, where a plan of 275 kept every column the guess fixed; the bound then
// rose to the guess, above the optimum (a random trial, capacities halved). The engine solves such a
// model again without preprocessing. No bound told on the way may pass the optimum.
TEST(ExactTest, APlanCbcsPreprocessingCallsOptimalWithoutACutoffIsCheckedToo) {
  const auto instance =
      parse_instance(R"({"policy":{"collusion":1,"max_exposure_share":1.0,"allow_conditional":false},
"secrets":[{"id":"S1","weight":2.0},{"id":"S2","weight":1.0},{"id":"S3","weight":1.0},{"id":"S4","weight":1.0}],
"derives":[],"recipes":[{"id":"R1","secrets":["S1","S2"]},{"id":"R2","secrets":["S2","S3","S4"]}],
"packages":[
 {"id":"P1","capability":"cnc","exposes":["S3"],"volume":20.0,"sources":2},
 {"id":"P2","capability":"cnc","exposes":["S4"],"volume":10.0,"sources":1},
 {"id":"P3","capability":"cnc","exposes":["S2"],"volume":5.0,"sources":1},
 {"id":"P4","capability":"cnc","exposes":["S4"],"volume":10.0,"sources":1},
 {"id":"P5","capability":"cnc","exposes":["S1"],"volume":20.0,"sources":2}
],
"suppliers":[
 {"id":"F1","party":"G1","capabilities":["cnc"],"capacity":22.5,"status":"qualified","trusted":false},
 {"id":"F2","party":"G2","capabilities":["cnc"],"capacity":13.5,"status":"qualified","trusted":false},
 {"id":"F3","party":"G3","capabilities":["cnc"],"capacity":21.0,"status":"qualified","trusted":false},
 {"id":"F4","party":"G4","capabilities":["cnc"],"capacity":17.0,"status":"qualified","trusted":false},
 {"id":"F5","party":"G1","capabilities":["cnc"],"capacity":17.5,"status":"qualified","trusted":false}
],
"quotes":[
 {"package":"P1","supplier":"F1","unit_cost":7.0,"fixed_cost":0.0},
 {"package":"P1","supplier":"F4","unit_cost":6.0,"fixed_cost":0.0},
 {"package":"P1","supplier":"F5","unit_cost":5.0,"fixed_cost":0.0},
 {"package":"P2","supplier":"F1","unit_cost":5.0,"fixed_cost":0.0},
 {"package":"P2","supplier":"F2","unit_cost":2.0,"fixed_cost":0.0},
 {"package":"P2","supplier":"F4","unit_cost":9.0,"fixed_cost":0.0},
 {"package":"P2","supplier":"F5","unit_cost":2.0,"fixed_cost":0.0},
 {"package":"P3","supplier":"F1","unit_cost":6.0,"fixed_cost":0.0},
 {"package":"P3","supplier":"F2","unit_cost":7.0,"fixed_cost":0.0},
 {"package":"P3","supplier":"F3","unit_cost":8.0,"fixed_cost":0.0},
 {"package":"P3","supplier":"F4","unit_cost":7.0,"fixed_cost":0.0},
 {"package":"P3","supplier":"F5","unit_cost":3.0,"fixed_cost":0.0},
 {"package":"P4","supplier":"F1","unit_cost":9.0,"fixed_cost":0.0},
 {"package":"P4","supplier":"F3","unit_cost":4.0,"fixed_cost":0.0},
 {"package":"P4","supplier":"F4","unit_cost":6.0,"fixed_cost":0.0},
 {"package":"P4","supplier":"F5","unit_cost":8.0,"fixed_cost":0.0},
 {"package":"P5","supplier":"F1","unit_cost":5.0,"fixed_cost":0.0},
 {"package":"P5","supplier":"F2","unit_cost":2.0,"fixed_cost":0.0},
 {"package":"P5","supplier":"F3","unit_cost":3.0,"fixed_cost":0.0},
 {"package":"P5","supplier":"F4","unit_cost":6.0,"fixed_cost":0.0},
 {"package":"P5","supplier":"F5","unit_cost":4.0,"fixed_cost":0.0}
]})",
                     "emptied.json");
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  const Problem problem = compile(*instance);
  const auto [optimum, dearest] = cheapest_and_dearest(problem);
  ASSERT_TRUE(optimum);
  EXPECT_DOUBLE_EQ(*optimum, 275);
  const auto [result, highest_bound] = solve_from(problem, *dearest);
  ASSERT_EQ(result.outcome, ExactResult::Outcome::kOptimal);
  EXPECT_GT(result.guesses, 0);
  EXPECT_GT(result.preprocessing_checked, 0)
      << "CBC no longer empties the model here: the test reads nothing";
  EXPECT_DOUBLE_EQ(cost_of(problem, *result.choice), *optimum);
  EXPECT_LE(highest_bound, *optimum + 1e-9);
}

// Collusion 2, a recipe of three secrets, one a package. The cheapest choice (A makes P1 and P3, B
// makes P2: 300) lets A and B pool the recipe; every valid plan costs 350. The relaxation takes the
// cheapest choice, since no single party can hold the recipe; the pair cover on A's and B's holdings
// raises its bound to 350, which proves a plan of 350 optimal before the main CBC solve (without the
// cover it takes one).
TEST(ExactTest, PairCoversAtCollusionTwoProveWhatTheRelaxationCannot) {
  const Instance instance{
      {2, 1.0, false},
      {{"S1", 1}, {"S2", 1}, {"S3", 1}},
      {},
      {{"R1", {"S1", "S2", "S3"}}},
      {{"P1", "cnc", {"S1"}, 1, 1}, {"P2", "cnc", {"S2"}, 1, 1}, {"P3", "cnc", {"S3"}, 1, 1}},
      {{"A", "GA", {"cnc"}, 100, "qualified", false, {}},
       {"B", "GB", {"cnc"}, 100, "qualified", false, {}},
       {"C", "GC", {"cnc"}, 100, "qualified", false, {}},
       {"D", "GD", {"cnc"}, 100, "qualified", false, {}}},
      {{"P1", "A", 100, 0},
       {"P1", "D", 150, 0},
       {"P2", "B", 100, 0},
       {"P2", "D", 150, 0},
       {"P3", "A", 100, 0},
       {"P3", "C", 150, 0}},
  };
  const Problem problem = compile(instance);
  ASSERT_EQ(cheapest_by_trying_all(problem), std::optional<double>(350));
  const HeuristicResult start = solve_heuristic(problem, Deadline::after(10));
  ASSERT_TRUE(start.choice);
  const Proof proof = prove(problem, *start.choice);
  EXPECT_EQ(proof.result.outcome, ExactResult::Outcome::kOptimal);
  EXPECT_NEAR(cost_of(problem, *proof.result.choice), 350, 1e-6);
  EXPECT_EQ(proof.result.rounds, 0);  // proven before the main CBC solve
  ASSERT_FALSE(proof.bounds.empty());
  EXPECT_NEAR(proof.bounds.front(), 300, 1e-6);  // the relaxation's
  EXPECT_NEAR(proof.bounds.back(), 350, 1e-6);
}

// The pair covers hold for every plan: at collusion 2, with rules whose premises two parties can
// bring one each and rules that lead back to their premises, the exact engine (no search of every
// choice before it) proves the optimum trying every choice finds, and no bound above it. Without
// the repair and without a plan to start from, every plan comes from CBC's model, covers and all:
// a cover that cut off a valid plan would show as a dearer answer or none.
TEST(ExactTest, PairCoversWithPooledInferenceCutOffNoPlan) {
  std::mt19937 random(20261207);
  const auto pick = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };
  int optimal = 0;
  int infeasible = 0;
  for (int trial = 0; trial < 150; ++trial) {
    Instance instance = random_small_instance(random);
    instance.policy.collusion = 2;
    instance.recipes = {{"R1", {"S2", "S3", "S4"}}};
    instance.derives = {{{"S1", "S2"}, "S3"}, {{"S3"}, "S1"}};
    if (pick(0, 1)) instance.derives.push_back({{"S1", "S4"}, "S2"});
    const Problem problem = compile(instance);
    const std::optional<double> optimum = cheapest_by_trying_all(problem);
    ExactOptions options;
    options.repair = false;
    const ExactResult result = solve_exact(problem, Deadline::after(30), std::nullopt, options);
    if (!optimum) {
      EXPECT_EQ(result.outcome, ExactResult::Outcome::kInfeasible) << "trial " << trial;
      ++infeasible;
      continue;
    }
    ASSERT_EQ(result.outcome, ExactResult::Outcome::kOptimal) << "trial " << trial;
    EXPECT_TRUE(violations(problem, *result.choice).empty()) << "trial " << trial;
    EXPECT_NEAR(cost_of(problem, *result.choice), *optimum, 1e-6) << "trial " << trial;
    EXPECT_LE(*result.lower_bound, *optimum + 1e-6) << "trial " << trial;
    ++optimal;
  }
  EXPECT_GE(optimal, 30);
  EXPECT_GE(infeasible, 5);
}

// The search of every choice against trying every choice, on the random small instances above and
// on the same at collusion 3: the same optimum, or no plan for both.
TEST(EnumerationTest, FindsWhatTryingEveryChoiceFinds) {
  std::mt19937 random(20261207);
  int optimal = 0;
  int infeasible = 0;
  for (int trial = 0; trial < 300; ++trial) {
    Instance instance = random_small_instance(random);
    if (trial % 3 == 0) instance.policy.collusion = 3;
    const Problem problem = compile(instance);
    const std::optional<double> optimum = cheapest_by_trying_all(problem);
    const Enumerated found = enumerate_plans(problem, Deadline::after(60));
    if (!optimum) {
      EXPECT_EQ(found.outcome, Enumerated::Outcome::kInfeasible) << "trial " << trial;
      ++infeasible;
      continue;
    }
    ASSERT_EQ(found.outcome, Enumerated::Outcome::kOptimal) << "trial " << trial;
    EXPECT_TRUE(violations(problem, *found.choice).empty()) << "trial " << trial;
    EXPECT_NEAR(cost_of(problem, *found.choice), *optimum, 1e-9) << "trial " << trial;
    ++optimal;
  }
  EXPECT_GE(optimal, 100);
  EXPECT_GE(infeasible, 20);
}

// Five packages at collusion 3, deep inference: no plan. CBC's rounds of coalitions took a minute to
// prove it; every choice (a thousand or so) is searched in milliseconds, and the answer says why.
TEST(EnumerationTest, ProvesASmallInstanceAtCollusionThreeInfeasible) {
  const Instance instance{
      {3, 0.5, false},
      {{"S0", 2}, {"S1", 1}, {"S2", 4}, {"S3", 3}, {"S4", 3}, {"S5", 4}, {"S6", 5}, {"S7", 3}},
      {{{"S4"}, "S5"},
       {{"S1", "S2"}, "S5"},
       {{"S1", "S5", "S6"}, "S7"},
       {{"S2", "S4"}, "S7"},
       {{"S5", "S4"}, "S0"},
       {{"S1", "S5", "S0"}, "S3"},
       {{"S6", "S2"}, "S3"}},
      {{"R0", {"S7", "S5", "S0"}}},
      {{"P0", "smt", {"S1"}, 300, 2},
       {"P1", "mold", {"S0"}, 300, 1},
       {"P2", "mold", {"S2"}, 100, 1},
       {"P3", "mold", {"S6"}, 300, 1},
       {"P4", "smt", {"S2"}, 100, 2}},
      {{"F0", "G0", {"mold", "smt"}, 600, "qualified", false, {}},
       {"F1", "G1", {"mold", "smt"}, 600, "qualified", false, {}},
       {"F2", "G2", {"mold", "smt"}, 300, "qualified", false, {}},
       {"F3", "G3", {"mold", "smt"}, 600, "qualified", false, {}},
       {"F4", "G4", {"mold"}, 600, "qualified", false, {}}},
      {{"P0", "F0", 2.31, 200}, {"P0", "F1", 2.62, 50},  {"P0", "F3", 3.34, 50},  {"P0", "F4", 4.86, 0},
       {"P1", "F0", 4.09, 50},  {"P1", "F2", 0.56, 200}, {"P1", "F3", 2.73, 50},  {"P1", "F4", 3.31, 200},
       {"P2", "F0", 3.9, 200},  {"P2", "F1", 0.63, 200}, {"P2", "F3", 4.82, 200}, {"P2", "F4", 1.78, 50},
       {"P3", "F0", 0.99, 200}, {"P3", "F1", 1.17, 200}, {"P3", "F2", 0.57, 200}, {"P3", "F3", 4.68, 50},
       {"P3", "F4", 3.66, 0},   {"P4", "F0", 1.41, 0},   {"P4", "F1", 3.68, 0},   {"P4", "F2", 1.24, 50},
       {"P4", "F3", 2.26, 0}},
  };
  const Problem problem = compile(instance);
  EXPECT_LE(choice_count(problem), kFewChoices);
  EXPECT_EQ(enumerate_plans(problem, Deadline::after(60)).outcome, Enumerated::Outcome::kInfeasible);
  EXPECT_FALSE(cheapest_by_trying_all(problem));
  const Plan plan = solve(instance, {});
  ASSERT_EQ(plan.status, PlanStatus::kInfeasible);
  EXPECT_TRUE(names(plan, "collusion 3 for recipe R0"));
}

// A package's sources are counted as the ways to choose them among its options; fewer options than
// sources leave no choice at all.
TEST(EnumerationTest, CountsTheWaysToChooseSources) {
  Problem problem;
  problem.packages.resize(2);
  problem.packages[0].options.resize(5);
  problem.packages[0].sources = 2;  // 10 ways
  problem.packages[1].options.resize(3);
  problem.packages[1].sources = 1;  // 3 ways
  EXPECT_DOUBLE_EQ(choice_count(problem), 30);
  problem.packages[1].sources = 4;
  EXPECT_DOUBLE_EQ(choice_count(problem), 0);
}

}  // namespace
}  // namespace moat::plan
