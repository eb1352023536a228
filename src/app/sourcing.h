// SPDX-License-Identifier: Apache-2.0
// Sourcing use cases: the planner's instance built from a workspace's product (its secrets,
// inference rules, recipes, work packages, every supplier with its party, and the quotes still
// valid today), plans saved to the workspace and approved, and the exposure a saved plan gives
// each party.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"
#include "plan/instance.h"
#include "plan/planner.h"

namespace moat::app {

struct InstanceOptions {
  std::optional<int> collusion;              // default: moat.toml's policy
  std::optional<double> max_exposure_share;  // default: moat.toml's policy
  std::string today;                         // YYYY-MM-DD: quotes valid until before it are left out
};

// Costs are in the base currency (app/money.h): a quote in another currency is converted at the
// rate in force `today`. Fails kNotFound for an unknown product, kInput for a quote in a currency
// moat.toml has no rate for by then.
Result<plan::Instance> product_instance(Workspace& workspace, const std::string& product,
                                        const InstanceOptions& options);

struct SavedPlan {
  std::string id;     // "plan-3"
  std::string state;  // draft, approved, superseded
  std::string created_at;
  std::string approved_by;
  int collusion = 0;
  double max_exposure_share = 1;
  plan::Plan plan;
};

// Saves `plan` as a draft of `product` (id plan-N); recorded in the ledger.
Result<SavedPlan> save_plan(Workspace& workspace, const Session& session, const std::string& product,
                            const plan::Instance& instance, const plan::Plan& plan);

// ---- The planner, for the CLI and the API alike (plan/planner.h) ---------------------------------

// Solves `instance` within `options`' time limit: the plan, or why there is none.
plan::Plan solve(const plan::Instance& instance, const plan::SolveOptions& options);

// The price of protection: the cost of the cheapest plan at collusion 0 to 3 and at tighter caps.
std::vector<plan::FrontierPoint> frontier(const plan::Instance& instance, const plan::SolveOptions& options,
                                          const Progress& progress = {});

// Whether `product`'s instance can be planned: it must have a secret, as an instance file must
// (docs/planner.md), so that what `--emit-instance` writes `--instance` reads back, and costs a
// number can hold (plan::cost_overflow). kInput, naming the product or the quote, if not.
Status check_plannable(const plan::Instance& instance, const std::string& product);

// Solves `instance` (product_instance's for `product`) and saves the plan as a draft (save_plan):
// what `moat plan --product P --save` and POST /api/products/{id}/plans both do.
Result<SavedPlan> solve_and_save(Workspace& workspace, const Session& session, const std::string& product,
                                 const plan::Instance& instance, const plan::SolveOptions& options);

// Whether a plan whose status is `status` ("optimal", plan::status_name) can be approved: only one
// found valid (optimal or feasible), not one that is infeasible or was not found in time.
bool approvable(std::string_view status);

// Approves a saved plan (default: the newest), superseding the one approved before. Only an
// approvable plan can be.
Result<SavedPlan> approve_plan(Workspace& workspace, const Session& session, const std::string& product,
                               const std::optional<std::string>& plan_id);

// The approved plan, else the newest draft; nullopt when the product has none.
Result<std::optional<SavedPlan>> current_plan(Workspace& workspace, const std::string& product,
                                              const std::optional<std::string>& plan_id = std::nullopt);

// Party × secret exposure of a plan against the workspace as it is now.
struct ExposureRow {
  std::string party;
  std::vector<std::string> suppliers;  // of the party that the plan uses
  bool trusted = false;
  double share = 0;
  double cap = 1;
  bool over_cap = false;    // untrusted and holding more than its cap allows today: re-plan
  std::vector<char> cells;  // per secret: 'D' held directly, 'I' inferred, ' ' not held
};

struct ExposureReport {
  std::string plan_id;
  std::vector<std::string> secrets;  // column order
  std::vector<ExposureRow> rows;     // parties that hold anything
  std::vector<plan::RecipeExposure> recipes;
  int collusion = 0;
};

Result<ExposureReport> plan_exposure(Workspace& workspace, const std::string& product,
                                     const std::optional<std::string>& plan_id);

// A saved plan held against the workspace as it is on `today`: the exposure it gives each party
// under today's caps, and what of it no longer holds (plan_breaks). The product's instance is
// read and compiled once for both (the gate's plan checks and GET /api/products/{id}/plan).
struct PlanReview {
  ExposureReport exposure;
  std::vector<std::string> breaks;
};
Result<PlanReview> review_plan(Workspace& workspace, const std::string& product, const SavedPlan& saved,
                               Date today);

// What no longer holds of a plan's assignments against the workspace as it is on `instance`'s
// day (its inputs changed since approval: qualification, caps, capacities, affiliations,
// quotes), one sentence each: "F02 is conditional and the policy does not allow conditional
// suppliers (WP06)", "party F03+F04 holds 27% of the secret weight, above its cap of 20%".
// Empty: the plan is still valid. Collusion margins are the gate's collusion-margin check.
std::vector<std::string> plan_breaks(const plan::Instance& instance,
                                     const std::vector<plan::Assignment>& assignments);

// A share of the secret weight as the planner's reasons write it (plan/wording.h): "25%",
// "57.14%". Against `cap`, a share above it is written with as many decimals as it takes to show
// it above ("50.04%" against a cap of 50%, never "50%"); one within it as without a cap.
std::string share_text(double share);
std::string share_text(double share, double cap);

}  // namespace moat::app
