// SPDX-License-Identifier: Apache-2.0
#include "plan/plan_state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <string>

#include "plan/heuristic.h"

namespace moat::plan {
namespace {

// A small random instance: chains of inference, recipes, parties of one to three suppliers (some
// trusted), exposure caps, tight capacities, packages of one to three sources, collusion 1 to 3.
Instance random_instance(std::mt19937& random) {
  const auto below = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  const auto secret = [](int s) { return "S" + std::to_string(s); };
  Instance instance;
  instance.policy.collusion = 1 + below(3);
  constexpr std::array<double, 4> kCaps = {1.0, 0.83, 0.61, 0.37};  // no total of weights meets one exactly
  instance.policy.max_exposure_share = kCaps[static_cast<std::size_t>(below(4))];
  const int secrets = 6 + below(6);
  for (int s = 0; s < secrets; ++s)
    instance.secrets.push_back({secret(s), static_cast<double>(1 + below(4))});
  for (int r = 0; r < below(6); ++r) {
    const int gives = below(secrets);
    Derive derive{{secret(below(secrets))}, secret(gives)};
    if (below(2)) derive.from.push_back(secret(below(secrets)));
    if (std::find(derive.from.begin(), derive.from.end(), derive.gives) == derive.from.end())
      instance.derives.push_back(std::move(derive));
  }
  for (int r = 0; r < 1 + below(3); ++r) {
    Recipe recipe{"R" + std::to_string(r), {}};
    for (int s = 0; s < 2 + below(2); ++s) recipe.secrets.push_back(secret(below(secrets)));
    instance.recipes.push_back(std::move(recipe));
  }
  const int suppliers = 4 + below(4);
  for (int s = 0; s < suppliers; ++s) {
    const std::string party = "G" + std::to_string(below(suppliers - 1));
    instance.suppliers.push_back({"M" + std::to_string(s),
                                  party,
                                  {"cnc"},
                                  10.0 + below(30),
                                  "qualified",
                                  party == "G0",
                                  std::nullopt});
  }
  const int packages = 4 + below(5);
  for (int p = 0; p < packages; ++p) {
    Package package{"P" + std::to_string(p), "cnc", {}, 4.0 + below(8), 1 + below(3)};
    for (int e = 0; e < 1 + below(3); ++e) package.exposes.push_back(secret(below(secrets)));
    for (int s = 0; s < suppliers; ++s) {
      if (below(4) != 0)
        instance.quotes.push_back(
            {package.id, "M" + std::to_string(s), 1.0 + below(9), static_cast<double>(below(5))});
    }
    instance.packages.push_back(std::move(package));
  }
  return instance;
}

// The plan's violations, but for how many sources each package has (a plan being built has fewer).
std::vector<std::string> broken_rules(const Problem& problem, const Choice& choice) {
  std::vector<std::string> out;
  for (std::string& rule : violations(problem, choice)) {
    if (rule.find(" sources, needs ") == std::string::npos) out.push_back(std::move(rule));
  }
  return out;
}

// From an empty plan, random changes (a source added, or one moved to another option): fits()
// must say yes exactly when the full check finds nothing broken in the changed plan.
TEST(PlanStateTest, IncrementalCheckAgreesWithTheFullOneOnRandomChanges) {
  std::mt19937 random(20261206);
  int accepted = 0, refused = 0;
  for (int round = 0; round < 300; ++round) {
    const Instance instance = random_instance(random);
    const Problem problem = compile(instance, {false});
    PlanState state(problem);
    for (int step = 0; step < 40; ++step) {
      const std::size_t p = random() % problem.packages.size();
      const CompiledPackage& package = problem.packages[p];
      if (package.options.empty()) continue;
      const std::size_t o = random() % package.options.size();
      const std::vector<std::size_t>& chosen = state.choice()[p];
      if (std::find(chosen.begin(), chosen.end(), o) != chosen.end()) continue;
      const bool add = static_cast<int>(chosen.size()) < package.sources && (chosen.empty() || random() % 2);
      if (!add && chosen.empty()) continue;
      const std::size_t slot = add ? chosen.size() : random() % chosen.size();
      Choice changed = state.choice();
      if (add) {
        changed[p].push_back(o);
      } else {
        changed[p][slot] = o;
      }
      const bool expected = broken_rules(problem, changed).empty();
      const bool fits = add ? state.fits(p, o) : state.fits(p, o, chosen[slot]);
      ASSERT_EQ(fits, expected) << "round " << round << ", step " << step << ": package " << package.id
                                << (add ? " adds " : " moves to ")
                                << problem.suppliers[package.options[o].supplier].id;
      if (!fits) {
        ++refused;
        continue;
      }
      ++accepted;
      if (add) {
        state.add(p, o);
      } else {
        state.replace(p, slot, o);
      }
      ASSERT_EQ(state.choice(), changed);
    }
  }
  // Both answers were put to the test, many times.
  EXPECT_GT(accepted, 1000);
  EXPECT_GT(refused, 1000);
}

// Whether `state` answers fits() and gain() for every package and option as a state built afresh
// from its plan does: what it keeps of each party (its load, knowledge, who knows what) is in step.
bool agrees_with_fresh(const Problem& problem, const PlanState& state) {
  PlanState fresh(problem);
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    for (std::size_t o : state.choice()[p]) fresh.add(p, o);
  }
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    for (std::size_t o = 0; o < problem.packages[p].options.size(); ++o) {
      if (state.fits(p, o) != fresh.fits(p, o) || state.gain(p, o) != fresh.gain(p, o)) return false;
      for (std::size_t chosen : state.choice()[p]) {
        if (o != chosen && state.fits(p, o, chosen) != fresh.fits(p, o, chosen)) return false;
      }
    }
  }
  return true;
}

// From valid plans built by random moves, a source moved to a cheaper option on a full supplier
// by moving another package off it (eject_for): either the plan is unchanged (nothing saved), or it
// still passes the full check, only the two packages changed, and it is cheaper by what was said.
TEST(PlanStateTest, AnEjectionChainKeepsThePlanValidAndSavesWhatItSays) {
  std::mt19937 random(20261207);
  int ejected = 0, declined = 0;
  for (int round = 0; round < 400; ++round) {
    Instance instance = random_instance(random);
    if (round % 5 == 0) instance.packages.front().volume = 0;  // nothing to make, secrets to learn
    if (round % 7 == 0) instance.suppliers.back().capacity = 0;
    const Problem problem = compile(instance, {false});
    PlanState state(problem);
    for (int step = 0; step < 60; ++step) {  // a plan grown by moves that fit
      const std::size_t p = random() % problem.packages.size();
      const CompiledPackage& package = problem.packages[p];
      if (package.options.empty() || static_cast<int>(state.choice()[p].size()) >= package.sources) continue;
      const std::size_t o = random() % package.options.size();
      const auto& chosen = state.choice()[p];
      if (std::find(chosen.begin(), chosen.end(), o) == chosen.end() && state.fits(p, o)) state.add(p, o);
    }
    for (int attempt = 0; attempt < 40; ++attempt) {
      const std::size_t p = random() % problem.packages.size();
      const CompiledPackage& package = problem.packages[p];
      const auto& chosen = state.choice()[p];
      if (chosen.empty()) continue;
      const std::size_t slot = random() % chosen.size();
      const std::size_t o = random() % package.options.size();
      const double saving = package.cost(chosen[slot]) - package.cost(o);
      if (std::find(chosen.begin(), chosen.end(), o) != chosen.end() || saving <= 0) continue;
      const Choice before = state.choice();
      const double net = state.eject_for(p, slot, o, saving, Deadline::after(10.0));
      if (net <= 0) {
        ++declined;
        ASSERT_EQ(state.choice(), before) << "round " << round << ": a declined chain changed the plan";
        ASSERT_TRUE(agrees_with_fresh(problem, state)) << "round " << round << ": after a declined chain";
        continue;
      }
      ++ejected;
      ASSERT_TRUE(broken_rules(problem, state.choice()).empty()) << "round " << round;
      ASSERT_TRUE(agrees_with_fresh(problem, state)) << "round " << round << ": after a chain";
      std::size_t changed = 0;
      for (std::size_t q = 0; q < before.size(); ++q) changed += state.choice()[q] != before[q] ? 1U : 0U;
      EXPECT_EQ(changed, 2U) << "round " << round;
      EXPECT_NEAR(cost_of(problem, before) - cost_of(problem, state.choice()), net, 1e-6)
          << "round " << round;
    }
  }
  EXPECT_GT(ejected, 50);
  EXPECT_GT(declined, 50);
}

// The local search from a valid plan returns a valid plan no dearer, and finds a cheaper one from
// a plan that chose every package's dearest option.
TEST(PlanStateTest, PolishingAValidPlanKeepsItValidAndNeverDearer) {
  std::mt19937 random(20261208);
  int cheaper = 0;
  for (int round = 0; round < 200; ++round) {
    const Instance instance = random_instance(random);
    const Problem problem = compile(instance, {false});
    PlanState state(problem);
    for (std::size_t p = 0; p < problem.packages.size(); ++p) {  // dearest first, while they fit
      const CompiledPackage& package = problem.packages[p];
      for (std::size_t o = package.options.size(); o-- > 0;) {
        if (static_cast<int>(state.choice()[p].size()) < package.sources && state.fits(p, o)) state.add(p, o);
      }
    }
    if (!violations(problem, state.choice()).empty()) continue;  // short of sources: not a plan
    const Choice polished = polish(problem, state.choice(), Deadline::after(10.0));
    ASSERT_TRUE(violations(problem, polished).empty()) << "round " << round;
    const double before = cost_of(problem, state.choice()), after = cost_of(problem, polished);
    ASSERT_LE(after, before + 1e-9) << "round " << round;
    cheaper += after < before - 1e-9 ? 1 : 0;
  }
  EXPECT_GT(cheaper, 10);
}

// Two full suppliers, each making the package the other makes cheaper: neither package can move
// alone, and the local search must swap them through a chain (P onto S1 by moving Q off it to S2).
// (No rule is in the way: a chain is tried only where capacity alone keeps a package out.)
TEST(PlanStateTest, PolishingSwapsTwoPackagesNeitherOfWhichCanMoveAlone) {
  Instance instance;
  instance.secrets = {{"A", 1}, {"B", 1}, {"C", 1}};
  instance.recipes = {{"R", {"A", "B", "C"}}};
  for (const char* id : {"S1", "S2"})
    instance.suppliers.push_back({id, std::string("G") + id, {"cnc"}, 10, "qualified", false, std::nullopt});
  instance.packages = {{"P", "cnc", {"A"}, 10, 1}, {"Q", "cnc", {"B"}, 10, 1}};
  instance.quotes = {{"P", "S1", 0.1, 0}, {"P", "S2", 0.5, 0}, {"Q", "S1", 0.2, 0}, {"Q", "S2", 0.3, 0}};
  const Problem problem = compile(instance, {false});
  Choice dear(2);  // P on S2, Q on S1: 5 + 2
  for (std::size_t p = 0; p < 2; ++p) {
    for (std::size_t o = 0; o < problem.packages[p].options.size(); ++o) {
      const std::string& supplier = problem.suppliers[problem.packages[p].options[o].supplier].id;
      if ((p == 0) == (supplier == "S2")) dear[p].push_back(o);
    }
  }
  ASSERT_TRUE(violations(problem, dear).empty());
  ASSERT_DOUBLE_EQ(cost_of(problem, dear), 7.0);
  const Choice polished = polish(problem, dear, Deadline::after(10.0));
  EXPECT_TRUE(violations(problem, polished).empty());
  EXPECT_DOUBLE_EQ(cost_of(problem, polished), 4.0);  // P on S1, Q on S2: 1 + 3
}

}  // namespace
}  // namespace moat::plan
