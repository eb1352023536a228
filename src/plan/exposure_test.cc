// SPDX-License-Identifier: Apache-2.0
#include "plan/exposure.h"

#include <gtest/gtest.h>

namespace moat::plan {
namespace {

// Secrets S0..S4; rules: S0+S1 -> S2, S2 -> S3.
Instance secrets_with_inference() {
  Instance instance;
  for (int i = 0; i < 5; ++i) instance.secrets.push_back({"S" + std::to_string(i), 1});
  instance.derives = {{{"S0", "S1"}, "S2"}, {{"S2"}, "S3"}};
  return instance;
}

Holder holder(const Problem& problem, std::string id, std::vector<std::size_t> secrets,
              bool trusted = false) {
  Holder h{std::move(id), trusted, Bitset(problem.secret_count)};
  for (std::size_t s : secrets) h.held.set(s);
  problem.close(h.held);
  return h;
}

Bitset set_of(const Problem& problem, std::vector<std::size_t> secrets) {
  Bitset set(problem.secret_count);
  for (std::size_t s : secrets) set.set(s);
  return set;
}

TEST(ClosureTest, AppliesRulesUntilNothingChanges) {
  const Instance instance = secrets_with_inference();
  const Problem problem = compile(instance);
  Bitset held = set_of(problem, {0, 1});
  problem.close(held);
  EXPECT_EQ(held, set_of(problem, {0, 1, 2, 3}));
  Bitset partial = set_of(problem, {0});
  problem.close(partial);
  EXPECT_EQ(partial, set_of(problem, {0}));
}

TEST(MinCoalitionTest, PoolsAndInfersAcrossHolders) {
  const Instance instance = secrets_with_inference();
  const Problem problem = compile(instance);
  // Recipe {S3, S4}: S3 needs S0 (A) and S1 (B) pooled; S4 only C holds.
  const std::vector<Holder> holders = {holder(problem, "A", {0}), holder(problem, "B", {1}),
                                       holder(problem, "C", {4}), holder(problem, "D", {2})};
  const Coalition coalition = min_coalition(problem, holders, set_of(problem, {3, 4}));
  ASSERT_TRUE(coalition.size);
  EXPECT_EQ(*coalition.size, 2);  // D infers S3 from S2; with C that is the recipe
  EXPECT_EQ(coalition.members, (std::vector<std::size_t>{2, 3}));
}

TEST(MinCoalitionTest, TrustedHoldersNeverCount) {
  const Instance instance = secrets_with_inference();
  const Problem problem = compile(instance);
  const std::vector<Holder> holders = {holder(problem, "Own", {0, 1, 4}, true), holder(problem, "A", {4})};
  EXPECT_FALSE(min_coalition(problem, holders, set_of(problem, {3, 4})).size);
}

TEST(MinCoalitionTest, NobodyHoldingARecipeSecretMeansNoCoalition) {
  const Instance instance = secrets_with_inference();
  const Problem problem = compile(instance);
  const std::vector<Holder> holders = {holder(problem, "A", {0}), holder(problem, "B", {4})};
  EXPECT_FALSE(min_coalition(problem, holders, set_of(problem, {3, 4})).size);
}

// Against every subset of holders, on random holdings.
TEST(MinCoalitionTest, AgreesWithEnumeratingEverySubset) {
  const Instance instance = secrets_with_inference();
  const Problem problem = compile(instance);
  std::uint32_t state = 12345;
  const auto next = [&] { return state = state * 1664525U + 1013904223U; };
  for (int round = 0; round < 300; ++round) {
    std::vector<Holder> holders;
    for (int h = 0; h < 6; ++h) {
      std::vector<std::size_t> secrets;
      for (std::size_t s = 0; s < 5; ++s) {
        if (next() % 4 == 0) secrets.push_back(s);
      }
      holders.push_back(holder(problem, "H" + std::to_string(h), secrets, next() % 7 == 0));
    }
    const Bitset recipe = set_of(problem, {next() % 2 == 0 ? std::size_t{3} : std::size_t{2}, 4});
    std::optional<int> expected;
    for (std::uint32_t mask = 1; mask < (1U << holders.size()); ++mask) {
      Bitset pool(problem.secret_count);
      bool trusted = false;
      for (std::size_t h = 0; h < holders.size(); ++h) {
        if (!(mask & (1U << h))) continue;
        trusted = trusted || holders[h].trusted;
        pool.unite(holders[h].held);
      }
      if (trusted) continue;
      problem.close(pool);
      const int size = std::popcount(mask);
      if (pool.contains(recipe) && (!expected || size < *expected)) expected = size;
    }
    EXPECT_EQ(min_coalition(problem, holders, recipe).size, expected) << "round " << round;
    const HolderIndex index = index_holders(problem, holders);
    EXPECT_EQ(min_coalition(problem, holders, recipe, 1 << 20, &index).size, expected)
        << "round " << round << ", indexed";
    // A holder alone (collusion 1): looked up, not searched, with the index or without.
    const std::optional<int> alone = expected == 1 ? expected : std::nullopt;
    EXPECT_EQ(min_coalition(problem, holders, recipe, 1).size, alone) << "round " << round << ", alone";
    EXPECT_EQ(min_coalition(problem, holders, recipe, 1, &index).size, alone)
        << "round " << round << ", alone, indexed";
    // Past its deadline the search answers in one pass: a coalition that completes the recipe
    // (not proven smallest), or none when no set of holders completes it.
    const Coalition quick = min_coalition(problem, holders, recipe, 1 << 20, &index, Deadline::after(0));
    ASSERT_EQ(quick.size.has_value(), expected.has_value()) << "round " << round << ", past the deadline";
    if (!quick.size) continue;
    EXPECT_FALSE(quick.proven);
    EXPECT_GE(*quick.size, *expected);
    EXPECT_EQ(quick.members.size(), static_cast<std::size_t>(*quick.size));
    Bitset pool(problem.secret_count);
    for (std::size_t h : quick.members) {
      EXPECT_FALSE(holders[h].trusted);
      pool.unite(holders[h].held);
    }
    problem.close(pool);
    EXPECT_TRUE(pool.contains(recipe)) << "round " << round << ", past the deadline";
  }
}

// A: P1 (S0), B: P2 (S1); recipe {S3} follows from S0 and S1 pooled, so A and B together complete it.
Instance two_parties_pooling() {
  Instance instance = secrets_with_inference();
  instance.policy.collusion = 2;
  instance.recipes = {{"R1", {"S3"}}};
  instance.packages = {{"P1", "cnc", {"S0"}, 10, 1}, {"P2", "cnc", {"S1"}, 10, 1}};
  instance.suppliers = {{"A", "A", {"cnc"}, 100, "qualified", false, {}},
                        {"B", "B", {"cnc"}, 100, "qualified", false, {}}};
  instance.quotes = {{"P1", "A", 1, 0}, {"P2", "B", 1, 0}};
  return instance;
}

TEST(ViolationsTest, ACheckCutShortByItsDeadlineSaysNeitherValidNorInvalid) {
  const Instance instance = two_parties_pooling();
  const Problem problem = compile(instance, {false});
  const Choice choice = {{0}, {0}};
  ASSERT_EQ(violations(problem, choice).size(), 1U);
  EXPECT_EQ(violations_within(problem, choice, Deadline::after(60)), violations(problem, choice));
  EXPECT_FALSE(violations_within(problem, choice, Deadline::after(0)).has_value());
}

}  // namespace
}  // namespace moat::plan
