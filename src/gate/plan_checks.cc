// SPDX-License-Identifier: Apache-2.0
// The checks against the approved plan: the package goes to a supplier the plan assigns it to,
// no small coalition of parties can complete a recipe, and the plan still holds against today's
// inputs.
#include <algorithm>

#include "core/text.h"
#include "gate/checks.h"

namespace moat::gate::detail {
namespace {

std::string no_plan_reason(const Context& context) {
  return context.product->id +
         " has no approved plan, so nothing says who may make what or how far the design "
         "is split.";
}

std::string no_plan_fix(const Context& context) {
  return "Plan the sourcing of " + context.product->id + " (moat plan) and approve the plan.";
}

std::vector<std::string> assigned_suppliers(const ApprovedPlan& plan, std::string_view package) {
  std::vector<std::string> suppliers;
  for (const Assignment& a : plan.assignments) {
    if (a.package == package) suppliers.push_back(a.supplier);
  }
  return suppliers;
}

// "a single party (G3)", "2 parties (G3, G7)".
std::string coalition_text(const RecipeCoalition& recipe) {
  const int size = *recipe.min_coalition;
  const std::string count = size == 1 ? "a single party" : std::to_string(size) + " parties";
  return recipe.parties.empty() ? count : count + " (" + join(recipe.parties, ", ") + ")";
}

std::string recipe_label(const RecipeCoalition& recipe) {
  return recipe.name.empty() ? recipe.recipe : recipe.recipe + " (" + recipe.name + ")";
}

Check margin_for(const Context& context, const ApprovedPlan& plan, const RecipeCoalition& recipe) {
  const int level = context.settings->collusion;
  const std::string subject = "recipe/" + recipe.recipe;
  const std::string policy = "the policy requires more than " + std::to_string(level);
  if (!recipe.min_coalition) {
    return passed(subject, "In plan " + plan.id + " no set of untrusted parties can complete " +
                               recipe_label(recipe) + ".");
  }
  if (*recipe.min_coalition > level) {
    return passed(subject, "In plan " + plan.id + " completing " + recipe_label(recipe) + " takes at least " +
                               coalition_text(recipe) + "; " + policy + ".");
  }
  const std::string how = *recipe.min_coalition == 1 ? " alone" : " by pooling what they hold";
  const std::string whose = recipe.parties.empty() ? "those parties" : join(recipe.parties, ", ");
  return failed(subject,
                "In plan " + plan.id + " " + coalition_text(recipe) + " can complete " +
                    recipe_label(recipe) + how + "; " + policy + ".",
                "Re-plan " + context.product->id + " (collusion " + std::to_string(level) +
                    ") so that packages " + whose +
                    " make go to suppliers in other parties or to a trusted site, and approve the new plan.");
}

}  // namespace

std::vector<Check> plan_assignment(const Context& context) {
  const SupplierFacts& s = *context.supplier;
  const std::string& package = context.package->id;
  const std::string subject = supplier_subject(s) + "/package/" + package;
  if (!context.plan->has_value()) return {failed(subject, no_plan_reason(context), no_plan_fix(context))};
  const ApprovedPlan& plan = **context.plan;
  const std::vector<std::string> suppliers = assigned_suppliers(plan, package);
  if (std::find(suppliers.begin(), suppliers.end(), s.id) != suppliers.end()) {
    return {passed(subject,
                   "Approved plan " + plan.id + " assigns " + package + " to " + supplier_label(s) + ".")};
  }
  const std::string assigned =
      suppliers.empty() ? "to no supplier" : "to " + join(suppliers, ", ") + ", not to " + s.id;
  const std::string target = package + " to " + supplier_label(s);
  const std::string fix = suppliers.empty() ? "Approve a plan that assigns " + target + "."
                                            : "Release " + package + " to " + join(suppliers, " or ") +
                                                  " instead, or approve a plan that assigns " + target + ".";
  return {failed(subject, "Approved plan " + plan.id + " assigns " + package + " " + assigned + ".", fix)};
}

std::vector<Check> collusion_margin(const Context& context) {
  const std::string subject = "product/" + context.product->id;
  if (!context.plan->has_value()) return {failed(subject, no_plan_reason(context), no_plan_fix(context))};
  const ApprovedPlan& plan = **context.plan;
  if (plan.recipes.empty()) {
    return {failed(
        subject, "No exposure analysis of approved plan " + plan.id + " was given: its margin is unknown.",
        "Analyse the exposure of plan " + plan.id + " (every recipe's min_coalition) before deciding.")};
  }
  std::vector<Check> checks;
  for (const RecipeCoalition& recipe : plan.recipes) checks.push_back(margin_for(context, plan, recipe));
  return checks;
}

std::vector<Check> plan_valid(const Context& context) {
  const std::string subject = "product/" + context.product->id;
  if (!context.plan->has_value()) return {failed(subject, no_plan_reason(context), no_plan_fix(context))};
  const ApprovedPlan& plan = **context.plan;
  const std::string replan = "Re-plan " + context.product->id + " (moat plan --product " +
                             context.product->id +
                             " --save) and approve the new plan, or restore what changed.";
  if (!plan.broken) {
    return {failed(subject, "Approved plan " + plan.id + " was not checked against today's inputs.", replan)};
  }
  if (plan.broken->empty()) {
    return {passed(subject, "Approved plan " + plan.id +
                                " still holds against today's qualifications, quotes, "
                                "capacities, affiliations and exposure caps.")};
  }
  return {failed(subject, "Approved plan " + plan.id + " no longer holds: " + join(*plan.broken, "; ") + ".",
                 replan)};
}

}  // namespace moat::gate::detail
