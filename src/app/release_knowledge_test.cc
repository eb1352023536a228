// SPDX-License-Identifier: Apache-2.0
// The release check's party rules: a party alone, a coalition within the collusion level, a cap;
// and on random products, the incremental check (only coalitions that include the party whose
// knowledge grows) finds exactly what comparing every party's breaches before and after finds.
#include "app/release_knowledge.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "app/design_files.h"
#include "app/releases.h"
#include "plan/knowledge.h"

namespace moat::app {
namespace {

plan::Instance two_secret_product(int collusion) {
  plan::Instance instance;
  instance.policy.collusion = collusion;
  instance.secrets = {{"S1", 1}, {"S2", 1}, {"S3", 2}};
  instance.recipes = {{"R1", {"S1", "S2"}}};
  instance.suppliers = {{"F1", "party-a", {}, 1000, "qualified", false, std::nullopt},
                        {"F2", "party-b", {}, 1000, "qualified", false, std::nullopt},
                        {"F9", "party-own", {}, 1000, "qualified", true, std::nullopt}};
  return instance;
}

std::set<std::string> party_keys(const std::vector<Refusal>& refusals) {
  std::set<std::string> out;
  for (const Refusal& r : refusals) {
    if (r.rule == "party") out.insert("party/" + r.recipe);
    if (r.rule == "exposure-cap" && r.holders.front().starts_with("party-"))
      out.insert("cap/" + r.holders.front());
  }
  return out;
}

TEST(ReleaseKnowledge, RefusesAPartyThatWouldCompleteARecipeAlone) {
  Knowledge k = empty_knowledge(two_secret_product(1), 1);
  add_held(k, "person-a1", "F1", secret_set(k, {"S1"}));
  const Addition addition{"F1", {"person-a2"}, secret_set(k, {"S2"})};
  const std::vector<Refusal> refusals = added_refusals(k, addition, {}, {});
  EXPECT_EQ(party_keys(refusals), std::set<std::string>{"party/R1"});
  EXPECT_NE(refusals.front().message.find("R1"), std::string::npos);
}

TEST(ReleaseKnowledge, RefusesACoalitionOnlyWithinTheCollusionLevel) {
  for (const int collusion : {1, 2}) {
    Knowledge k = empty_knowledge(two_secret_product(collusion), 1);
    add_held(k, "person-a1", "F1", secret_set(k, {"S1"}));
    const Addition addition{"F2", {"person-b1"}, secret_set(k, {"S2"})};
    DesignFile board;
    board.id = "D7";
    board.name = "board.GTL";
    board.secrets = {"S2"};
    const std::vector<Refusal> refusals = added_refusals(k, addition, {board}, {{"party-b", "Party B"}});
    if (collusion == 1) {
      EXPECT_TRUE(party_keys(refusals).empty());
    } else {
      ASSERT_EQ(party_keys(refusals), std::set<std::string>{"party/R1"});
      const auto refusal =
          std::find_if(refusals.begin(), refusals.end(), [](const Refusal& r) { return r.rule == "party"; });
      EXPECT_EQ(std::set<std::string>(refusal->holders.begin(), refusal->holders.end()),
                (std::set<std::string>{"party-a", "party-b"}));
      EXPECT_NE(refusal->message.find("coalition"), std::string::npos);
      EXPECT_NE(refusal->message.find("Party B"), std::string::npos) << refusal->message;
      EXPECT_EQ(refusal->files, std::vector<std::string>{"D7 board.GTL"});
    }
  }
}

TEST(ReleaseKnowledge, LeavesTrustedPartiesToThePersonRules) {
  Knowledge k = empty_knowledge(two_secret_product(1), 1);
  add_held(k, "person-t1", "F9", secret_set(k, {"S1"}));
  const std::vector<Refusal> refusals =
      added_refusals(k, {"F9", {"person-t2"}, secret_set(k, {"S2"})}, {}, {});
  EXPECT_TRUE(party_keys(refusals).empty());
  const std::vector<Refusal> alone = added_refusals(k, {"F9", {"person-t1"}, secret_set(k, {"S2"})}, {}, {});
  EXPECT_TRUE(std::any_of(alone.begin(), alone.end(), [](const Refusal& r) { return r.rule == "person"; }));
}

TEST(ReleaseKnowledge, RefusesAPartyPassingItsCapButNotOneAlreadyAboveIt) {
  plan::Instance instance = two_secret_product(1);
  instance.recipes.clear();
  instance.recipes.push_back({"R-all", {"S1", "S2", "S3"}});
  instance.policy.max_exposure_share = 0.3;
  Knowledge k = empty_knowledge(instance, 1);
  const std::vector<Refusal> first = added_refusals(k, {"F1", {"person-a1"}, secret_set(k, {"S1"})}, {}, {});
  EXPECT_TRUE(party_keys(first).empty()) << "a quarter of the weight is within a 30% cap";
  const std::vector<Refusal> second = added_refusals(k, {"F1", {"person-a1"}, secret_set(k, {"S3"})}, {}, {});
  EXPECT_EQ(party_keys(second), std::set<std::string>{"cap/party-a"});
  add_held(k, "person-a1", "F1", secret_set(k, {"S3"}));
  const std::vector<Refusal> same = added_refusals(k, {"F1", {"person-a2"}, secret_set(k, {"S3"})}, {}, {});
  EXPECT_TRUE(party_keys(same).empty()) << "what the party already holds adds nothing";
}

TEST(ReleaseKnowledge, WritesAShareJustAboveItsCapAboveIt) {
  plan::Instance instance = two_secret_product(1);
  instance.secrets = {{"S1", 5004}, {"S2", 4996}};
  instance.recipes = {{"R-all", {"S1", "S2"}}};
  instance.policy.max_exposure_share = 0.5;
  Knowledge k = empty_knowledge(instance, 1);
  const std::vector<Refusal> refusals =
      added_refusals(k, {"F1", {"person-a1"}, secret_set(k, {"S1"})}, {}, {{"party-a", "Party A"}});
  ASSERT_EQ(party_keys(refusals), std::set<std::string>{"cap/party-a"});
  const auto cap = std::find_if(refusals.begin(), refusals.end(), [](const Refusal& r) {
    return r.rule == "exposure-cap" && r.holders.front() == "party-a";
  });
  EXPECT_EQ(cap->message, "Party A would hold 50.04% of the secret weight, above its cap of 50%");
}

// The reference: every party's breaches over every recipe, before and after, compared.
std::set<std::string> brute_force_party_keys(const Knowledge& k, const Addition& addition) {
  const auto before = party_knowers(k), after = party_knowers(k, &addition);
  const auto was = plan::party_breaches(k.problem, before, k.collusion);
  const auto now = plan::party_breaches(k.problem, after, k.collusion);
  std::set<std::string> known, out;
  for (const plan::Breach& b : was) {
    known.insert(b.kind == plan::BreachKind::kCap
                     ? "cap/" + before[b.holders.front()].id + "/" + std::to_string(b.share)
                     : "party/" + b.recipe);
  }
  for (const plan::Breach& b : now) {
    const std::string key = b.kind == plan::BreachKind::kCap
                                ? "cap/" + after[b.holders.front()].id + "/" + std::to_string(b.share)
                                : "party/" + b.recipe;
    if (known.contains(key)) continue;
    out.insert(b.kind == plan::BreachKind::kCap ? "cap/" + after[b.holders.front()].id : key);
  }
  return out;
}

plan::Instance random_product(std::mt19937_64& rng) {
  const auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  plan::Instance instance;
  instance.policy.collusion = 1 + pick(3);
  instance.policy.max_exposure_share = pick(3) == 0 ? 0.4 + 0.1 * pick(5) : 1.0;
  const int secrets = 4 + pick(8);
  for (int s = 0; s < secrets; ++s) instance.secrets.push_back({"S" + std::to_string(s), 1.0 + pick(3)});
  for (int d = pick(4); d > 0; --d) {
    instance.derives.push_back({{"S" + std::to_string(pick(secrets)), "S" + std::to_string(pick(secrets))},
                                "S" + std::to_string(pick(secrets))});
  }
  for (int r = 1 + pick(4); r > 0; --r) {
    plan::Recipe recipe{"R" + std::to_string(r), {}};
    for (int n = 2 + pick(3); n > 0; --n) recipe.secrets.push_back("S" + std::to_string(pick(secrets)));
    instance.recipes.push_back(recipe);
  }
  const int parties = 2 + pick(5);
  for (int f = 0; f < 2 + pick(7); ++f) {
    plan::Supplier supplier{"F" + std::to_string(f),
                            "party-" + std::to_string(pick(parties)),
                            {},
                            1000,
                            "qualified",
                            false,
                            std::nullopt};
    supplier.trusted = pick(6) == 0;
    if (pick(4) == 0) supplier.max_exposure_share = 0.3 + 0.1 * pick(5);
    instance.suppliers.push_back(supplier);
  }
  for (plan::Supplier& s : instance.suppliers) {  // one trust per party, as the workspace keeps it
    for (const plan::Supplier& first : instance.suppliers) {
      if (first.party == s.party) {
        s.trusted = first.trusted;
        break;
      }
    }
  }
  return instance;
}

plan::Bitset random_secrets(const Knowledge& k, std::mt19937_64& rng) {
  plan::Bitset set(k.problem.secret_count);
  for (std::size_t s = 0; s < k.problem.secret_count; ++s) {
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) set.set(s);
  }
  return set;
}

TEST(ReleaseKnowledge, IncrementalPartyCheckAgreesWithComparingEveryParty) {
  std::mt19937_64 rng(20261205);
  int refused = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const plan::Instance instance = random_product(rng);
    Knowledge k = empty_knowledge(instance, 1);
    const auto supplier = [&] { return instance.suppliers[rng() % instance.suppliers.size()].id; };
    for (int r = static_cast<int>(rng() % 6); r > 0; --r) {
      const std::string at = supplier();
      add_held(k, "person-" + at, at, random_secrets(k, rng));
    }
    const std::string at = supplier();
    const Addition addition{at, {"person-" + at}, random_secrets(k, rng)};
    const std::set<std::string> expected = brute_force_party_keys(k, addition);
    ASSERT_EQ(party_keys(added_refusals(k, addition, {}, {})), expected) << "trial " << trial;
    refused += expected.empty() ? 0 : 1;
  }
  EXPECT_GT(refused, 300) << "the random products must exercise refusals, not only clean releases";
}

}  // namespace
}  // namespace moat::app
