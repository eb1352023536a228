// SPDX-License-Identifier: Apache-2.0
#include "plan/knowledge.h"

#include <gtest/gtest.h>

#include <random>

namespace moat::plan {
namespace {

// Secrets S0..S5 (weight 1 each); S0+S1 -> S2. Recipes: R1 = {S2, S3}, R2 = {S4, S5}.
Instance instance_with_recipes() {
  Instance instance;
  for (int i = 0; i < 6; ++i) instance.secrets.push_back({"S" + std::to_string(i), 1});
  instance.derives = {{{"S0", "S1"}, "S2"}};
  instance.recipes = {{"R1", {"S2", "S3"}}, {"R2", {"S4", "S5"}}};
  return instance;
}

Knower knower(const Problem& problem, std::string id, std::string group, std::vector<std::size_t> secrets,
              bool trusted = false, double cap = 1.0) {
  Knower k{std::move(id), std::move(group), trusted, Bitset(problem.secret_count), cap};
  for (const std::size_t s : secrets) k.held.set(s);
  problem.close(k.held);
  return k;
}

std::vector<std::string> recipes_of(const std::vector<Breach>& breaches, BreachKind kind) {
  std::vector<std::string> out;
  for (const Breach& b : breaches) {
    if (b.kind == kind) out.push_back(b.recipe);
  }
  return out;
}

TEST(PartyBreachesTest, OneUntrustedPartyCompletingARecipeByInference) {
  const Problem problem = compile(instance_with_recipes());
  const std::vector<Knower> parties = {knower(problem, "G1", "", {0, 1, 3}), knower(problem, "G2", "", {4})};
  const std::vector<Breach> breaches = party_breaches(problem, parties, 1);
  EXPECT_EQ(recipes_of(breaches, BreachKind::kParty), std::vector<std::string>{"R1"});
  EXPECT_EQ(breaches.front().holders, std::vector<std::size_t>{0});
}

TEST(PartyBreachesTest, CoalitionsCountUpToTheCollusionLevel) {
  const Problem problem = compile(instance_with_recipes());
  const std::vector<Knower> parties = {knower(problem, "G1", "", {4}), knower(problem, "G2", "", {5})};
  EXPECT_TRUE(recipes_of(party_breaches(problem, parties, 1), BreachKind::kParty).empty());
  const std::vector<Breach> pooled = party_breaches(problem, parties, 2);
  ASSERT_EQ(recipes_of(pooled, BreachKind::kParty), std::vector<std::string>{"R2"});
  EXPECT_EQ(pooled.front().holders, (std::vector<std::size_t>{0, 1}));
}

TEST(PartyBreachesTest, TrustedPartiesAreLeftOut) {
  const Problem problem = compile(instance_with_recipes());
  const std::vector<Knower> parties = {knower(problem, "Own", "", {0, 1, 2, 3, 4, 5}, true, 0.1)};
  EXPECT_TRUE(party_breaches(problem, parties, 3).empty());
}

TEST(PartyBreachesTest, CapIsTheShareOfTheTotalWeight) {
  const Problem problem = compile(instance_with_recipes());
  // S0 + S1 infer S2: three of six secrets, half the weight.
  const std::vector<Knower> parties = {knower(problem, "G1", "", {0, 1}, false, 0.4),
                                       knower(problem, "G2", "", {0, 1}, false, 0.5)};
  const std::vector<Breach> breaches = party_breaches(problem, parties, 1);
  ASSERT_EQ(breaches.size(), 1U);
  EXPECT_EQ(breaches[0].kind, BreachKind::kCap);
  EXPECT_EQ(breaches[0].holders, std::vector<std::size_t>{0});
  EXPECT_DOUBLE_EQ(breaches[0].share, 0.5);
}

TEST(PersonBreachesTest, OnePersonAtATrustedSupplierCompletingARecipe) {
  const Problem problem = compile(instance_with_recipes());
  const std::vector<Knower> people = {knower(problem, "P1", "F01", {4, 5}, true),
                                      knower(problem, "P2", "F01", {0})};
  const std::vector<Breach> breaches = person_breaches(problem, people, 1);
  ASSERT_EQ(recipes_of(breaches, BreachKind::kPerson), std::vector<std::string>{"R2"});
  EXPECT_EQ(breaches.front().holders, std::vector<std::size_t>{0});
}

TEST(PersonBreachesTest, GroupsFormOnlyInsideOneSupplier) {
  const Problem problem = compile(instance_with_recipes());
  const std::vector<Knower> apart = {knower(problem, "P1", "F01", {4}), knower(problem, "P2", "F02", {5})};
  EXPECT_TRUE(person_breaches(problem, apart, 2).empty());
  const std::vector<Knower> together = {knower(problem, "P1", "F01", {4}), knower(problem, "P2", "F01", {5})};
  EXPECT_TRUE(person_breaches(problem, together, 1).empty());
  EXPECT_EQ(recipes_of(person_breaches(problem, together, 2), BreachKind::kPerson),
            std::vector<std::string>{"R2"});
}

// Checks min_coalition-based breaches against every subset of people, on random holdings.
TEST(PersonBreachesTest, AgreesWithBruteForceOnRandomHoldings) {
  const Problem problem = compile(instance_with_recipes());
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<Knower> people;
    for (int p = 0; p < 4; ++p) {
      std::vector<std::size_t> secrets;
      for (std::size_t s = 0; s < problem.secret_count; ++s) {
        if (random() % 4 == 0) secrets.push_back(s);
      }
      people.push_back(knower(problem, "P" + std::to_string(p), "F01", secrets));
    }
    const int level = 1 + static_cast<int>(random() % 3);
    for (const CompiledRecipe& recipe : problem.recipes) {
      bool brute = false;
      for (unsigned mask = 1; mask < 16; ++mask) {
        if (std::popcount(mask) > level) continue;
        Bitset pooled(problem.secret_count);
        for (int p = 0; p < 4; ++p) {
          if (mask & (1U << p)) pooled.unite(people[static_cast<std::size_t>(p)].held);
        }
        problem.close(pooled);
        brute = brute || pooled.contains(recipe.secrets);
      }
      const std::vector<std::string> found =
          recipes_of(person_breaches(problem, people, level), BreachKind::kPerson);
      EXPECT_EQ(std::find(found.begin(), found.end(), recipe.id) != found.end(), brute) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace moat::plan
