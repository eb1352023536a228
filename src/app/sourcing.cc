// SPDX-License-Identifier: Apache-2.0
#include "app/sourcing.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/money.h"
#include "app/record_fields.h"
#include "app/records.h"
#include "core/number_text.h"
#include "core/parties.h"
#include "core/text.h"
#include "plan/exposure.h"
#include "plan/problem.h"
#include "plan/wording.h"
#include "store/versioned.h"
#include "vet/qualification.h"

namespace moat::app {
namespace {

using nlohmann::json;

std::string text(const json& value) {
  return value.is_string() ? value.get<std::string>() : "";
}

// ---- A plan against today's inputs -----------------------------------------------------------

// An instance's packages, suppliers and quotes by id, for reading a plan of thousands of
// assignments against it (a search of the lists for each was quadratic).
class InstanceIndex {
 public:
  explicit InstanceIndex(const plan::Instance& instance) {
    for (const plan::Package& p : instance.packages) packages_.emplace(p.id, &p);
    for (const plan::Supplier& s : instance.suppliers) suppliers_.emplace(s.id, &s);
    for (const plan::Quote& q : instance.quotes) quotes_.emplace(std::make_pair(q.package, q.supplier), &q);
  }
  const plan::Package* package(const std::string& id) const { return find(packages_, id); }
  const plan::Supplier* supplier(const std::string& id) const { return find(suppliers_, id); }
  const plan::Quote* quote(const std::string& package, const std::string& supplier) const {
    return find(quotes_, std::make_pair(package, supplier));
  }

 private:
  template <typename Map, typename Key>
  static auto find(const Map& map, const Key& key) -> typename Map::mapped_type {
    const auto it = map.find(key);
    return it == map.end() ? nullptr : it->second;
  }
  std::map<std::string, const plan::Package*> packages_;
  std::map<std::string, const plan::Supplier*> suppliers_;
  std::map<std::pair<std::string, std::string>, const plan::Quote*> quotes_;
};

// Each reason once, with the packages it holds for: a supplier no longer qualified makes every
// package of the plan it makes a break, said in one line (the first few packages, and how many).
class GroupedReasons {
 public:
  void add(const std::string& reason, const std::string& package) {
    auto [it, added] = packages_.try_emplace(reason);
    if (added) order_.push_back(reason);
    it->second.push_back(package);
  }
  void write_to(std::vector<std::string>& breaks) const {
    constexpr std::size_t kNamed = 5;
    for (const std::string& reason : order_) {
      const std::vector<std::string>& packages = packages_.at(reason);
      const std::vector<std::string> named(
          packages.begin(),
          packages.begin() + static_cast<std::ptrdiff_t>(std::min(kNamed, packages.size())));
      std::string list = join(named, ", ");
      if (packages.size() > kNamed) list += " and " + std::to_string(packages.size() - kNamed) + " more";
      breaks.push_back(reason + " (" + list + ")");
    }
  }

 private:
  std::vector<std::string> order_;
  std::map<std::string, std::vector<std::string>> packages_;
};

void assignment_breaks(const plan::Instance& instance, const InstanceIndex& index,
                       const std::vector<plan::Assignment>& assignments, std::vector<std::string>& breaks) {
  std::map<std::string, double> units;
  std::map<std::string, int> sources_of;                    // package → suppliers assigned
  std::map<std::string, std::set<std::string>> parties_of;  // package → parties
  GroupedReasons ineligibilities;
  for (const plan::Assignment& a : assignments) {
    const plan::Package* package = index.package(a.package);
    const plan::Supplier* supplier = index.supplier(a.supplier);
    if (!package) breaks.push_back(a.package + " is no longer a work package of the product");
    if (!supplier) breaks.push_back(a.supplier + " is no longer a supplier on record (" + a.package + ")");
    if (!package || !supplier) continue;
    // The planner's own eligibility rule (which names the day a lapsed quote was last valid).
    if (const auto why =
            plan::ineligibility(instance, *package, *supplier, index.quote(a.package, a.supplier)))
      ineligibilities.add(*why, a.package);
    // The units the package needs of each source today: its volume may have grown since.
    units[a.supplier] += package->volume / package->sources;
    ++sources_of[a.package];
    if (!parties_of[a.package].insert(supplier->party).second) {
      breaks.push_back(a.package + " now goes to two suppliers of one party (" + supplier->party + ")");
    }
  }
  ineligibilities.write_to(breaks);
  // Every package of the product today, with as many sources as it needs today: a package added
  // since, or one that now needs more (or fewer) sources, is one the plan does not make.
  for (const plan::Package& package : instance.packages) {
    const int given = sources_of[package.id];
    if (given == package.sources) continue;
    const std::string needs =
        std::to_string(package.sources) + (package.sources == 1 ? " source" : " sources");
    breaks.push_back(given == 0 ? package.id + " is made by no supplier of the plan (it needs " + needs + ")"
                                : package.id + " needs " + needs + " now; the plan gives it " +
                                      std::to_string(given));
  }
  for (const auto& [id, assigned] : units) {
    const plan::Supplier* supplier = index.supplier(id);
    if (plan::over_capacity(assigned, supplier->capacity)) {
      breaks.push_back(id + " is assigned " + format_number(assigned) + " units; its capacity is now " +
                       format_number(supplier->capacity));
    }
  }
}

std::vector<std::string> strings(const json& value) {
  std::vector<std::string> out;
  for (const json& item : value) out.push_back(item.get<std::string>());
  return out;
}

template <typename F>
void for_product(const Model& model, std::string_view table, const std::string& product, F&& visit) {
  for (const auto& [key, entry] : model.of(table)) {
    if (key[0] == product) visit(entry.record);
  }
}

// The status the planner sees: a qualification whose validity ended before today is expired.
std::string qualification_status(const json& supplier, const std::string& today) {
  const std::optional<Date> as_of = Date::parse(today);
  const std::string stored = text(supplier["status"]);
  if (!as_of) return stored;
  return vet::effective_status(stored, Date::parse(text(supplier["qualified_until"])), *as_of);
}

// The product's quotes valid `today`, in the base currency: a quote in another currency at the
// latest rate dated on or before today (any date when `today` is empty). Those left out as lapsed
// go to the instance's lapsed_quotes.
Status add_quotes(const Model& model, const std::string& product, const std::string& today,
                  const Currencies& money, plan::Instance& instance) {
  const Date day = Date::parse(today).value_or(Date::from_days(1'000'000));
  Status missing;
  for_product(model, "quotes", product, [&](const json& q) {
    const std::string valid_until = text(q["valid_until"]);
    if (!today.empty() && !valid_until.empty() && valid_until < today) {
      instance.lapsed_quotes.emplace(std::make_pair(text(q["package"]), text(q["supplier"])), valid_until);
      return;
    }
    const std::string currency = text(q["currency"]).empty() ? money.base : text(q["currency"]);
    double factor = 1;
    if (currency != money.base) {
      const std::optional<Rate> rate = rate_on(money, currency, day);
      if (!rate) {
        if (missing.ok()) {
          missing =
              input_error("quotes/" + product + "/" + text(q["package"]) + "/" + text(q["supplier"]),
                          "the quote is in " + currency + " and moat.toml has no rate from " + currency +
                              " to " + money.base + (today.empty() ? "" : " dated by " + today) +
                              ": add one under [currency] (rates = [{ currency = \"" + currency +
                              "\", rate = ..., date = \"YYYY-MM-DD\" }])");
        }
        return;
      }
      factor = rate->rate;
    }
    instance.quotes.push_back({text(q["package"]), text(q["supplier"]), q["unit_cost"].get<double>() * factor,
                               q["fixed_cost"].get<double>() * factor});
  });
  return missing;
}

SavedPlan saved_of(const json& record) {
  SavedPlan saved;
  saved.id = text(record["id"]);
  saved.state = text(record["state"]);
  saved.created_at = text(record["created_at"]);
  saved.approved_by = text(record["approved_by"]);
  saved.collusion = static_cast<int>(record["collusion"].get<std::int64_t>());
  saved.max_exposure_share = record["max_exposure_share"].get<double>();
  const json body = json::parse(text(record["plan"]), nullptr, false);
  if (body.is_object()) {
    static const std::map<std::string, plan::PlanStatus> kStatus = {
        {"optimal", plan::PlanStatus::kOptimal},
        {"feasible", plan::PlanStatus::kFeasible},
        {"infeasible", plan::PlanStatus::kInfeasible},
        {"unknown", plan::PlanStatus::kUnknown}};
    const auto status = kStatus.find(text(body.value("status", json())));
    saved.plan.status = status == kStatus.end() ? plan::PlanStatus::kUnknown : status->second;
    if (body.contains("cost") && body["cost"].is_number()) saved.plan.cost = body["cost"].get<double>();
    for (const json& a : body.value("assignments", json::array())) {
      saved.plan.assignments.push_back({text(a["package"]), text(a["supplier"]), a.value("units", 0.0)});
    }
  }
  return saved;
}

// N of "plan-N"; 0 for any other id.
long plan_number(const std::string& id) {
  return fields_of::id_number(id, "plan-");
}

Result<std::vector<json>> product_plans(Workspace& workspace, const std::string& product) {
  MOAT_TRY(const auto records, workspace.store().list(*store::find_table("plans")));
  std::vector<json> plans;
  for (const json& r : records) {
    if (r["product"] == product) plans.push_back(r);
  }
  std::sort(plans.begin(), plans.end(), [](const json& a, const json& b) {
    return plan_number(text(a["id"])) < plan_number(text(b["id"]));
  });
  return plans;
}

}  // namespace

Result<plan::Instance> product_instance(Workspace& workspace, const std::string& product,
                                        const InstanceOptions& options) {
  MOAT_TRY(const Model model, load_model(workspace.store()));
  if (!model.of("products").contains({product})) {
    return Error(ErrorCode::kNotFound, "--product", "no product '" + product + "'");
  }
  plan::Instance instance;
  const Policy& policy = workspace.config().policy;
  instance.policy = {options.collusion.value_or(policy.collusion),
                     options.max_exposure_share.value_or(policy.max_exposure_share),
                     policy.allow_conditional};
  for_product(model, "secrets", product, [&](const json& s) {
    instance.secrets.push_back({text(s["id"]), s["weight"].get<double>()});
  });
  for_product(model, "derives", product, [&](const json& d) {
    instance.derives.push_back({strings(d["from"]), text(d["gives"])});
  });
  for_product(model, "recipes", product, [&](const json& r) {
    instance.recipes.push_back({text(r["id"]), strings(r["secrets"])});
  });
  for_product(model, "packages", product, [&](const json& p) {
    instance.packages.push_back({text(p["id"]), text(p["capability"]), strings(p["exposes"]),
                                 static_cast<double>(p["volume"].get<std::int64_t>()),
                                 static_cast<int>(p["sources"].get<std::int64_t>())});
  });
  std::vector<std::string> ids;
  std::vector<std::pair<std::string, std::string>> links;
  for (const auto& [key, unused] : model.of("suppliers")) ids.push_back(key[0]);
  for (const auto& [key, unused] : model.of("affiliations")) links.emplace_back(key[0], key[1]);
  const PartyMap parties = derive_parties(ids, links);
  for (const auto& [key, entry] : model.of("suppliers")) {
    const json& s = entry.record;
    plan::Supplier supplier{key[0],
                            parties.party_of.at(key[0]),
                            strings(s["capabilities"]),
                            static_cast<double>(s["capacity"].get<std::int64_t>()),
                            qualification_status(s, options.today),
                            s["trusted"] == true,
                            std::nullopt};
    if (s["max_exposure_share"].is_number())
      supplier.max_exposure_share = s["max_exposure_share"].get<double>();
    instance.suppliers.push_back(std::move(supplier));
  }
  MOAT_TRY(const Currencies money, currencies(workspace));
  MOAT_CHECK(add_quotes(model, product, options.today, money, instance));
  return instance;
}

Result<SavedPlan> save_plan(Workspace& workspace, const Session& session, const std::string& product,
                            const plan::Instance& instance, const plan::Plan& plan) {
  SavedPlan saved;
  const store::Author author = session.author();
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    MOAT_TRY(const auto existing, product_plans(workspace, product));
    // Past every plan the ledger has recorded too: a draft removed keeps its number, so that the
    // ledger's events of plan-3 are of one plan only.
    long last = existing.empty() ? 0 : plan_number(text(existing.back()["id"]));
    MOAT_TRY(const auto recorded, workspace.store().recorded_keys("plans", product + "/plan-"));
    for (const std::string& key : recorded)
      last = std::max(last, plan_number(key.substr(product.size() + 1)));
    const long next = last + 1;
    const json record = {{"product", product},
                         {"id", "plan-" + std::to_string(next)},
                         {"created_at", author.at},
                         {"state", "draft"},
                         {"collusion", instance.policy.collusion},
                         {"max_exposure_share", instance.policy.max_exposure_share},
                         {"status", std::string(plan::status_name(plan.status))},
                         {"cost", plan.cost ? json(*plan.cost) : json(nullptr)},
                         {"plan", plan::plan_json(plan)},
                         {"approved_by", nullptr},
                         {"approved_at", nullptr}};
    MOAT_CHECK(writer.put(*store::find_table("plans"), record, 0));
    saved = saved_of(record);
    return {};
  }));
  (void)events;
  return saved;
}

plan::Plan solve(const plan::Instance& instance, const plan::SolveOptions& options) {
  return plan::solve(instance, options);
}

std::vector<plan::FrontierPoint> frontier(const plan::Instance& instance, const plan::SolveOptions& options,
                                          const Progress& progress) {
  return plan::frontier(instance, options, progress);
}

Status check_plannable(const plan::Instance& instance, const std::string& product) {
  if (instance.secrets.empty()) {
    return input_error("--product", "product '" + product +
                                        "' has no secrets to protect yet: import its secrets (secrets.csv), "
                                        "recipes and work packages first (docs/formats.md)");
  }
  if (const plan::CostOverflow overflow = plan::cost_overflow(instance); overflow.any()) {
    const std::string where = overflow.quote
                                  ? "quotes/" + product + "/" + instance.quotes[*overflow.quote].package +
                                        "/" + instance.quotes[*overflow.quote].supplier
                                  : "quotes/" + product;
    return input_error(where, overflow.quote ? "the quote's cost for its package's volume is beyond what a "
                                               "number holds: write the costs in a larger unit"
                                             : "the product's quotes add up beyond what a number holds: "
                                               "write the costs in a larger unit");
  }
  return {};
}

Result<SavedPlan> solve_and_save(Workspace& workspace, const Session& session, const std::string& product,
                                 const plan::Instance& instance, const plan::SolveOptions& options) {
  MOAT_CHECK(check_plannable(instance, product));
  plan::Plan solved = plan::solve(instance, options);
  MOAT_TRY(SavedPlan saved, save_plan(workspace, session, product, instance, solved));
  saved.plan = std::move(solved);  // the whole plan, reasons and bounds included, as solved
  return saved;
}

bool approvable(std::string_view status) {
  return status == plan::status_name(plan::PlanStatus::kOptimal) ||
         status == plan::status_name(plan::PlanStatus::kFeasible);
}

namespace {

// "a single party (G3)", "2 parties (G3, G7)".
std::string coalition_text(const plan::RecipeExposure& recipe) {
  const int size = *recipe.min_coalition;
  const std::string count = size == 1 ? "a single party" : std::to_string(size) + " parties";
  return recipe.coalition.empty() ? count : count + " (" + join(recipe.coalition, ", ") + ")";
}

// What approving `saved` needs beyond its recorded status: a body that is a plan found valid (a
// record imported from a file may say "optimal" over anything), assignments that still hold
// against the workspace today (plan_breaks: every package made by its sources, each eligible,
// within capacity and the caps), and no recipe that a coalition within the policy's collusion
// level completes (the plan may have been made at a lower level, --collusion) — the gate's
// plan-valid or collusion-margin would fail it from the start.
Status check_approvable(Workspace& workspace, const Session& session, const std::string& product,
                        const SavedPlan& saved) {
  if (!approvable(plan::status_name(saved.plan.status))) {
    return input_error(saved.id, "its plan is " + std::string(plan::status_name(saved.plan.status)) +
                                     " (or not a plan moat can read), so it cannot be approved");
  }
  MOAT_TRY(const PlanReview review, review_plan(workspace, product, saved, session.today()));
  // Said alike to the terminal and over HTTP: both ways of saving a new plan.
  const std::string again = ". Plan again and save it (moat plan --product " + product +
                            " --save, or POST /api/products/" + product +
                            "/plans), then approve the new plan";
  if (!review.breaks.empty()) {
    return input_error(
        saved.id, "the plan no longer holds, so it cannot be approved: " + join(review.breaks, "; ") + again);
  }
  const int level = workspace.config().policy.collusion;
  std::vector<std::string> completed;
  for (const plan::RecipeExposure& recipe : review.exposure.recipes) {
    if (recipe.min_coalition && *recipe.min_coalition <= level)
      completed.push_back(coalition_text(recipe) + " can complete recipe " + recipe.recipe);
  }
  if (completed.empty()) return {};
  const std::string policy = "the policy's collusion level " + std::to_string(level);
  const std::string made = saved.collusion < level ? "it was made at collusion " +
                                                         std::to_string(saved.collusion) + ", below " + policy
                                                   : "it no longer meets " + policy;
  return input_error(saved.id, made + ", so it cannot be approved: " + join(completed, "; ") + again);
}

}  // namespace

Result<SavedPlan> approve_plan(Workspace& workspace, const Session& session, const std::string& product,
                               const std::optional<std::string>& plan_id) {
  SavedPlan approved;
  const store::Author author = session.author();
  const store::Table& table = *store::find_table("plans");
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    MOAT_TRY(const auto plans, product_plans(workspace, product));
    if (plans.empty()) {
      MOAT_TRY(const auto known, workspace.store().get_versioned(*store::find_table("products"), {product}));
      if (!known) return Error(ErrorCode::kNotFound, "--product", "no product '" + product + "'");
      return Error(ErrorCode::kNotFound, "--product",
                   "product '" + product + "' has no saved plan: save one with 'moat plan --product " +
                       product + " --save' (or POST /api/products/" + product + "/plans)");
    }
    const auto chosen =
        plan_id ? std::find_if(plans.begin(), plans.end(), [&](const json& p) { return p["id"] == *plan_id; })
                : plans.end() - 1;
    if (chosen == plans.end())
      return Error(ErrorCode::kNotFound, "--plan",
                   "no plan '" + *plan_id + "' for product '" + product + "'");
    const std::string status = text((*chosen)["status"]);
    if (!approvable(status)) {
      return input_error(text((*chosen)["id"]), "a plan that is " + status + " cannot be approved");
    }
    MOAT_CHECK(check_approvable(workspace, session, product, saved_of(*chosen)));
    if ((*chosen)["state"] == "approved") {  // approved already, and still holds: who and when stay
      approved = saved_of(*chosen);
      return {};
    }
    for (const json& other : plans) {
      if (other["state"] == "approved" && other["id"] != (*chosen)["id"]) {
        json superseded = other;
        superseded["state"] = "superseded";
        MOAT_CHECK(writer.put(table, superseded));
      }
    }
    json record = *chosen;
    record["state"] = "approved";
    record["approved_by"] = session.actor;
    record["approved_at"] = author.at;
    MOAT_CHECK(writer.put(table, record));
    approved = saved_of(record);
    return {};
  }));
  (void)events;
  return approved;
}

Result<std::optional<SavedPlan>> current_plan(Workspace& workspace, const std::string& product,
                                              const std::optional<std::string>& plan_id) {
  MOAT_TRY(const auto plans, product_plans(workspace, product));
  if (plan_id) {
    for (const json& p : plans) {
      if (p["id"] == *plan_id) return std::optional<SavedPlan>(saved_of(p));
    }
    return Error(ErrorCode::kNotFound, "--plan", "no plan '" + *plan_id + "' for product '" + product + "'");
  }
  for (const json& p : plans) {
    if (p["state"] == "approved") return std::optional<SavedPlan>(saved_of(p));
  }
  if (plans.empty()) return std::optional<SavedPlan>();
  return std::optional<SavedPlan>(saved_of(plans.back()));
}

namespace {

// The compiled instance a saved plan is read against: every option kept (a plan's supplier may
// have become one the planner would not consider), so that what it breaks can be said.
plan::Problem compiled_for_review(const plan::Instance& instance) {
  return plan::compile(instance, {.exclude_hopeless = false});
}

std::vector<std::string> breaks_on(const plan::Instance& instance, const plan::Problem& problem,
                                   const std::vector<plan::Assignment>& assignments);

ExposureReport exposure_of(const plan::Instance& instance, const plan::Problem& problem,
                           const SavedPlan& saved) {
  std::map<std::string, std::size_t> secret_index, package_index, party_index;
  for (std::size_t s = 0; s < instance.secrets.size(); ++s) secret_index[instance.secrets[s].id] = s;
  for (std::size_t p = 0; p < instance.packages.size(); ++p) package_index[instance.packages[p].id] = p;
  for (std::size_t g = 0; g < problem.parties.size(); ++g) party_index[problem.parties[g].id] = g;
  std::vector<plan::Holder> holders;
  std::vector<plan::Bitset> direct;
  for (const auto& party : problem.parties) {
    holders.push_back({party.id, party.trusted, plan::Bitset(problem.secret_count)});
    direct.emplace_back(problem.secret_count);
  }
  std::vector<std::set<std::string>> used(problem.parties.size());
  for (const plan::Assignment& a : saved.plan.assignments) {
    const auto supplier = std::find_if(instance.suppliers.begin(), instance.suppliers.end(),
                                       [&](const plan::Supplier& s) { return s.id == a.supplier; });
    const auto package = package_index.find(a.package);
    if (supplier == instance.suppliers.end() || package == package_index.end()) continue;  // since removed
    const std::size_t g = party_index.at(supplier->party);
    direct[g].unite(problem.packages[package->second].exposes);
    used[g].insert(a.supplier);
  }
  ExposureReport report;
  report.plan_id = saved.id;
  report.collusion = saved.collusion;
  for (const auto& s : instance.secrets) report.secrets.push_back(s.id);
  for (std::size_t g = 0; g < holders.size(); ++g) {
    holders[g].held = direct[g];
    problem.close(holders[g].held);
    if (holders[g].held.empty()) continue;
    ExposureRow row{problem.parties[g].id,
                    {used[g].begin(), used[g].end()},
                    problem.parties[g].trusted,
                    problem.total_weight > 0 ? problem.weight_of(holders[g].held) / problem.total_weight : 0,
                    problem.parties[g].cap,
                    false,
                    {}};
    row.over_cap = !row.trusted && plan::over_share(row.share, row.cap);
    for (std::size_t s = 0; s < problem.secret_count; ++s) {
      row.cells.push_back(direct[g].test(s) ? 'D' : holders[g].held.test(s) ? 'I' : ' ');
    }
    report.rows.push_back(std::move(row));
  }
  for (const auto& recipe : problem.recipes) {
    const plan::Coalition coalition = plan::min_coalition(problem, holders, recipe.secrets);
    plan::RecipeExposure exposure{recipe.id, coalition.size, {}};
    for (std::size_t h : coalition.members) exposure.coalition.push_back(holders[h].id);
    report.recipes.push_back(std::move(exposure));
  }
  return report;
}

std::vector<std::string> breaks_on(const plan::Instance& instance, const plan::Problem& problem,
                                   const std::vector<plan::Assignment>& assignments) {
  std::vector<std::string> breaks;
  const InstanceIndex index(instance);
  assignment_breaks(instance, index, assignments, breaks);
  if (!breaks.empty()) return breaks;  // exposure is measured over a plan whose pieces still hold
  std::map<std::string, std::size_t> party_index, package_index;
  for (std::size_t g = 0; g < problem.parties.size(); ++g) party_index[problem.parties[g].id] = g;
  for (std::size_t p = 0; p < problem.packages.size(); ++p) package_index[problem.packages[p].id] = p;
  std::vector<plan::Bitset> held(problem.parties.size(), plan::Bitset(problem.secret_count));
  for (const plan::Assignment& a : assignments) {
    const plan::Supplier* supplier = index.supplier(a.supplier);
    if (const auto p = package_index.find(a.package); p != package_index.end())
      held[party_index.at(supplier->party)].unite(problem.packages[p->second].exposes);
  }
  for (std::size_t g = 0; g < held.size(); ++g) {
    problem.close(held[g]);
    const plan::CompiledParty& party = problem.parties[g];
    const double share = problem.total_weight > 0 ? problem.weight_of(held[g]) / problem.total_weight : 0;
    if (party.trusted || !plan::over_share(share, party.cap)) continue;
    breaks.push_back("party " + party.id + " holds " + share_text(share, party.cap) +
                     " of the secret weight, above its cap of " + share_text(party.cap));
  }
  return breaks;
}

}  // namespace

Result<ExposureReport> plan_exposure(Workspace& workspace, const std::string& product,
                                     const std::optional<std::string>& plan_id) {
  MOAT_TRY(const auto saved, current_plan(workspace, product, plan_id));
  if (!saved) {
    return Error(ErrorCode::kNotFound, "--product",
                 "product '" + product + "' has no saved plan: save one with 'moat plan --product " +
                     product + " --save' (or POST /api/products/" + product + "/plans)");
  }
  // Each party's cap is today's (the policy's and its suppliers'), as the gate's plan-valid reads it.
  MOAT_TRY(const plan::Instance instance,
           product_instance(workspace, product, {saved->collusion, std::nullopt, ""}));
  return exposure_of(instance, compiled_for_review(instance), *saved);
}

Result<PlanReview> review_plan(Workspace& workspace, const std::string& product, const SavedPlan& saved,
                               Date today) {
  // Against the workspace's policy as it is today, as the gate's other checks and the release check
  // are, not the cap the plan was made under (`moat plan --max-exposure-share` plans past it).
  MOAT_TRY(const plan::Instance instance,
           product_instance(workspace, product, {saved.collusion, std::nullopt, today.to_string()}));
  const plan::Problem problem = compiled_for_review(instance);
  return PlanReview{exposure_of(instance, problem, saved),
                    breaks_on(instance, problem, saved.plan.assignments)};
}

std::vector<std::string> plan_breaks(const plan::Instance& instance,
                                     const std::vector<plan::Assignment>& assignments) {
  return breaks_on(instance, compiled_for_review(instance), assignments);
}

std::string share_text(double share) {
  return plan::percent(share);
}

std::string share_text(double share, double cap) {
  return plan::percent_above(share, cap);
}

}  // namespace moat::app
