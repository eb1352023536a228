// SPDX-License-Identifier: Apache-2.0
// How the re-validation of an approved plan (the gate's plan-valid check) writes a share above its
// cap: as the planner writes it, with the decimals it takes to show it above the cap.
#include "app/sourcing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "plan/exposure.h"
#include "plan/problem.h"

namespace moat::app {
namespace {

// Two packages, each made by a party of its own; party G1 holds S1, 50.04% of the weight.
plan::Instance just_above_cap() {
  plan::Instance instance;
  instance.policy.max_exposure_share = 0.5;
  instance.secrets = {{"S1", 5004}, {"S2", 4996}};
  instance.recipes = {{"R-all", {"S1", "S2"}}};
  instance.packages = {{"P1", "injection-molding", {"S1"}, 100, 1}, {"P2", "pcba-smt", {"S2"}, 100, 1}};
  instance.suppliers = {{"F1", "G1", {"injection-molding"}, 1000, "qualified", false, std::nullopt},
                        {"F2", "G2", {"pcba-smt"}, 1000, "qualified", false, std::nullopt}};
  instance.quotes = {{"P1", "F1", 1, 0}, {"P2", "F2", 1, 0}};
  return instance;
}

const std::vector<plan::Assignment> kAssignments = {{"P1", "F1", 100}, {"P2", "F2", 100}};

// What follows "hold"/"holds " in a sentence about a share: "50.04% of the secret weight, ...".
std::string from_share(const std::string& sentence) {
  const auto at = sentence.find("hold");
  if (at == std::string::npos) return "";
  return sentence.substr(sentence.find(' ', at) + 1);
}

TEST(PlanBreaks, AShareJustAboveItsCapIsWrittenAboveIt) {
  EXPECT_EQ(plan_breaks(just_above_cap(), kAssignments),
            std::vector<std::string>{"party G1 holds 50.04% of the secret weight, above its cap of 50%"});
}

TEST(PlanBreaks, WritesAShareAsThePlannerDoes) {
  const plan::Instance instance = just_above_cap();
  const plan::Problem problem = plan::compile(instance, {.exclude_hopeless = false});
  plan::Choice choice(problem.packages.size());
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    const std::string& supplier = p == 0 ? "F1" : "F2";
    for (std::size_t o = 0; o < problem.packages[p].options.size(); ++o) {
      if (problem.suppliers[problem.packages[p].options[o].supplier].id == supplier) choice[p].push_back(o);
    }
  }
  const std::vector<std::string> planner = plan::violations(problem, choice);
  const std::vector<std::string> gate = plan_breaks(instance, kAssignments);
  ASSERT_EQ(planner.size(), 1u);
  ASSERT_EQ(gate.size(), 1u);
  EXPECT_EQ(from_share(gate.front()), from_share(planner.front())) << gate.front() << "\n" << planner.front();
}

TEST(ShareText, WritesAShareAboveItsCapAboveIt) {
  EXPECT_EQ(share_text(0.5004, 0.5), "50.04%");
  EXPECT_EQ(share_text(0.504, 0.5), "50.4%");
  EXPECT_EQ(share_text(0.5000001, 0.5), "50.00001%");
  EXPECT_EQ(share_text(0.25, 0.5), "25%");
  EXPECT_EQ(share_text(0.5, 0.5), "50%");
  EXPECT_EQ(share_text(4.0 / 7), "57.14%");
  EXPECT_EQ(share_text(0.2), "20%");
}

}  // namespace
}  // namespace moat::app
