// SPDX-License-Identifier: Apache-2.0
#include "plan/plan_state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <string>

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

}  // namespace
}  // namespace moat::plan
