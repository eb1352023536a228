// SPDX-License-Identifier: Apache-2.0
// The sourcing commands: `moat plan` (solve an instance or a product, the frontier of cost
// against protection, save and approve) and `moat exposure` (what each party of a saved plan
// holds). Thin adapters over app/sourcing.h.
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/audit.h"
#include "app/demo.h"
#include "app/edit.h"
#include "app/export.h"
#include "app/gate.h"
#include "app/import.h"
#include "app/migrate.h"
#include "app/money.h"
#include "app/remove.h"
#include "app/sourcing.h"
#include "app/summary.h"
#include "app/views.h"
#include "app/workspace.h"
#include "cli/common.h"
#include "cli/core_commands.h"
#include "cli/progress.h"
#include "cli/table.h"
#include "cli/time_limit.h"
#include "core/memory.h"
#include "core/text.h"

namespace moat::cli {

namespace fs = std::filesystem;
using nlohmann::json;

Result<Costing> costing_of(app::Workspace& workspace, const std::string& product, const std::string& today) {
  MOAT_TRY(const app::Currencies money, app::currencies(workspace));
  Costing costing{money.base, {}};
  const std::optional<Date> day = Date::parse(today);
  MOAT_TRY(const std::vector<app::Rate> rates,
           app::quote_rates(workspace, product, day.value_or(Date::from_days(1'000'000))));
  for (const app::Rate& rate : rates) costing.rates.push_back(app::rate_text(rate, money.base));
  return costing;
}
namespace {

// "1,234,567.00 CNY"; an instance file's costs carry no currency of their own.
std::string cost_text(double amount, const Costing& costing) {
  return app::money_text(amount, costing.currency.empty() ? "(the quotes' currency)" : costing.currency);
}

}  // namespace

void print_plan(const plan::Plan& plan, const Costing& costing) {
  print_plan(plan, costing, std::cout);
}

void print_plan(const plan::Plan& plan, const Costing& costing, std::ostream& out) {
  out << "Plan: " << plan::status_name(plan.status);
  if (plan.cost) out << ", cost " << cost_text(*plan.cost, costing);
  if (plan.lower_bound && plan.status != plan::PlanStatus::kOptimal) {
    out << " (lower bound " << cost_text(*plan.lower_bound, costing) << ")";
  }
  out << "\n";
  for (const std::string& rate : costing.rates) out << "  quotes converted at " << rate << "\n";
  for (const std::string& reason : plan.reasons) out << "  - " << reason << "\n";
  if (plan.assignments.empty()) return;
  TextTable assignments({"package", "supplier", "units"});
  for (const auto& a : plan.assignments) {
    std::ostringstream units;
    units << a.units;
    assignments.add({a.package, a.supplier, units.str()});
  }
  out << "\n";
  assignments.print(out);
  TextTable recipes({"recipe", "min coalition", "a smallest coalition"});
  for (const auto& r : plan.recipes) {
    std::string members;
    for (const auto& m : r.coalition) members += (members.empty() ? "" : " + ") + m;
    recipes.add({r.recipe, r.min_coalition ? std::to_string(*r.min_coalition) : "none can", members});
  }
  out << "\n";
  recipes.print(out);
}

void print_frontier(const std::vector<plan::FrontierPoint>& points, const Costing& costing) {
  TextTable table({"collusion", "exposure cap", "status", "cost"});
  for (const auto& point : points) {
    table.add({std::to_string(point.collusion), app::share_text(point.max_exposure_share),
               std::string(plan::status_name(point.plan.status)),
               point.plan.cost ? cost_text(*point.plan.cost, costing) : "impossible"});
  }
  table.print(std::cout);
  for (const std::string& rate : costing.rates) std::cout << "quotes converted at " << rate << "\n";
}
namespace {

struct PlanFlags {
  std::string instance;
  std::string product;
  std::string emit_instance;
  bool save = false;
  std::optional<std::string> plan_id;
  std::optional<int> collusion;
  std::optional<double> max_exposure_share;
  double time_limit = 30;
  bool frontier = false;
  bool heuristic = false;
  bool whole_search = true;  // small instances searched whole before the MIP (plan/enumerate.h)
  // When the command began: reading the instance counts against the time limit.
  std::optional<std::chrono::steady_clock::time_point> started;
};

// The options of a solve; `line`, when drawn, is told how the search stands.
plan::SolveOptions solve_options(const PlanFlags& flags, SearchLine* line) {
  plan::SolveOptions options{flags.time_limit, !flags.heuristic, flags.started};
  options.enumerate = flags.whole_search;
  if (line) {
    options.on_progress = [line](const plan::SolveProgress& now) { line->update(now.cost, now.lower_bound); };
  }
  return options;
}

// `moat plan --frontier`, of an instance file or a product's instance.
int run_frontier(plan::Instance& instance, const PlanFlags& flags, const GlobalOptions& global,
                 const Costing& costing) {
  if (flags.collusion) instance.policy.collusion = *flags.collusion;
  if (flags.max_exposure_share) instance.policy.max_exposure_share = *flags.max_exposure_share;
  const plan::SolveOptions options = solve_options(flags, nullptr);
  const auto points =
      app::frontier(instance, options, progress_line(global, "Planning the frontier", "points"));
  if (global.json) {
    std::cout << app::frontier_json(points).dump(2) << "\n";
  } else {
    print_frontier(points, costing);
  }
  return 0;
}

// Reading a file too large to read within the time limit stops there, leaving this much of the
// limit to say so.
constexpr double kUnreadAnswerSeconds = 0.1;
// How long past the limit the answer may end: the planner may spend part of it looking for a
// first plan when it has none by the limit (plan::SolveOptions::grace_seconds).
constexpr double kAnswerSecondsPastLimit = 0.5;

// Reading may go on into the grace past the limit as far as compiling and the search for a first
// plan may (plan::kMostGraceShare of it), less the time to say it could not: under a limit of
// 0.1 s, the limit less that time left nothing, and every instance, however small, was unread.
plan::Deadline reading_deadline(const PlanFlags& flags) {
  const double past_limit = plan::kMostGraceShare * kAnswerSecondsPastLimit - kUnreadAnswerSeconds;
  return plan::Deadline::after(std::max(0.0, flags.time_limit + past_limit), *flags.started);
}

plan::Plan unknown_plan(std::string reason) {
  plan::Plan plan;
  plan.status = plan::PlanStatus::kUnknown;
  plan.reasons.push_back(std::move(reason));
  return plan;
}

// Given by the watch when the answer has not begun by the time the limit allows (a machine too
// loaded for the planner's own deadlines, which leave room for the answer, to be kept).
constexpr double kWatchSecondsPastLimit = 0.4;

// What the answer would print, as text.
std::string answer_text(const plan::Plan& plan, bool as_json) {
  if (as_json) return plan::plan_json(plan);
  std::ostringstream out;
  print_plan(plan, Costing{}, out);
  return out.str();
}

std::string late_answer(bool as_json) {
  return answer_text(unknown_plan("no answer was ready within the time limit"), as_json);
}

void print_answer(const plan::Plan& plan, bool as_json, const Costing& costing = {}) {
  if (as_json) {
    std::cout << plan::plan_json(plan);
  } else {
    print_plan(plan, costing);
  }
}

// Keys the instance's reader passed over, on standard error: a newer moat's, or a typo such as
// "colusion", which would otherwise leave the policy at its default without a word.
void warn_of_ignored_keys(const plan::Instance& instance, const std::string& file) {
  for (const std::string& warning : plan::ignored_key_warnings(instance, file))
    std::cerr << "moat: warning: " << warning << "\n";
}

// The search for a plan the watch answers for should it not end in time: the watch is offered
// each plan found, and ends the progress line before it answers; once this returns, the watch
// cannot answer and the line has ended.
plan::Plan solve_watched(const plan::Instance& instance, const PlanFlags& flags, const GlobalOptions& global,
                         AnswerWatch& watch) {
  std::unique_ptr<SearchLine> line = search_line(global, flags.time_limit);
  plan::SolveOptions options = solve_options(flags, line.get());
  options.grace_seconds = kAnswerSecondsPastLimit;
  options.on_plan = [&watch, as_json = global.json](const plan::Plan& found) {
    watch.offer(answer_text(found, as_json));
  };
  if (line) watch.before_answer([shown = line.get()] { shown->end(); });
  // Destroyed before the line, on return or an exception: from then the watch neither answers
  // nor touches the line (and the line ends before the plan is printed).
  struct ClaimFirst {
    AnswerWatch& watch;
    ~ClaimFirst() { watch.claim(); }
  } claim_first{watch};
  return app::solve(instance, options);
}

// `moat plan --instance FILE` (not --frontier): the file is mapped, not copied; reading, solving
// and printing all count against the limit from the process's start; the watch answers if the
// plan is not ready in time; and the process ends without freeing the instance.
int plan_instance_within_limit(PlanFlags& flags, const GlobalOptions& global) {
  const bool as_json = global.json;
  AnswerWatch watch(plan::Deadline::after(flags.time_limit + kWatchSecondsPastLimit, *flags.started).at(),
                    late_answer(as_json));
  auto file = MappedFile::open(flags.instance, plan::kInstanceTextPadding);
  if (!file.ok()) return fail(file.error());
  heap_on_huge_pages(plan::heap_for_instance(file->text().size()));
  auto instance =
      plan::parse_instance_within(file->text(), flags.instance, reading_deadline(flags), file->padded());
  if (!instance.ok()) return fail(instance.error());
  if (!*instance) {
    watch.claim();
    print_answer(unknown_plan("the instance could not even be read within the time limit"), as_json);
    end_process(0);
  }
  plan::Instance& read = **instance;
  warn_of_ignored_keys(read, flags.instance);
  if (flags.collusion) read.policy.collusion = *flags.collusion;
  if (flags.max_exposure_share) read.policy.max_exposure_share = *flags.max_exposure_share;
  print_answer(solve_watched(read, flags, global, watch), as_json);
  end_process(0);
}

std::string today(const app::Session& session) {
  return session.today().to_string();
}

// What to do with a plan just saved: approve it, or, when it cannot be, what would give one that can.
// With --json the plan is the contract on standard output, so this goes to standard error.
void print_saved(const app::SavedPlan& saved, const std::string& product, std::ostream& out) {
  out << "\nSaved as " << saved.id << " (draft); ";
  if (app::approvable(plan::status_name(saved.plan.status))) {
    out << "approve it with: moat plan approve --product " << product << " --plan " << saved.id << "\n";
  } else if (saved.plan.status == plan::PlanStatus::kInfeasible) {
    out << "being infeasible, it cannot be approved: change what the reasons above name (or plan with a "
           "lower --collusion or a higher --max-exposure-share), then save a new plan\n";
  } else {
    out << "no plan was found in the time allowed, so it cannot be approved: plan again with a longer "
           "--time-limit\n";
  }
}

// `moat plan --product P`: the workspace read, then planned, all against the limit from the
// process's start, the first plan sought into the grace past it as from an instance file. A plan
// only shown is answered for by the watch should it not be ready in time; one saved is written
// whole, whenever that ends.
int plan_product(const PlanFlags& flags, const GlobalOptions& global) {
  std::optional<AnswerWatch> watch;
  if (!flags.save && !flags.frontier) {
    watch.emplace(plan::Deadline::after(flags.time_limit + kWatchSecondsPastLimit, *flags.started).at(),
                  late_answer(global.json));
  }
  return with_workspace(global, [&](app::Workspace& workspace) {
    const app::Session session = app::terminal_session();
    auto instance = app::product_instance(workspace, flags.product,
                                          {flags.collusion, flags.max_exposure_share, today(session)});
    if (!instance.ok()) return fail(instance.error());
    if (Status plannable = app::check_plannable(*instance, flags.product); !plannable.ok())
      return fail(plannable.error());
    if (!flags.emit_instance.empty()) {
      if (Status written = write_file_atomically(flags.emit_instance, plan::instance_json(*instance));
          !written.ok()) {
        return fail(written.error());
      }
    }
    auto costing = costing_of(workspace, flags.product, today(session));
    if (!costing.ok()) return fail(costing.error());
    if (flags.frontier) return run_frontier(*instance, flags, global, *costing);
    if (watch) {
      print_answer(solve_watched(*instance, flags, global, *watch), global.json, *costing);
      return 0;
    }
    std::unique_ptr<SearchLine> line = search_line(global, flags.time_limit);
    plan::SolveOptions options = solve_options(flags, line.get());
    options.grace_seconds = kAnswerSecondsPastLimit;
    auto saved = app::solve_and_save(workspace, session, flags.product, *instance, options);
    line.reset();
    if (!saved.ok()) return fail(saved.error());
    const plan::Plan& plan = saved->plan;
    if (global.json) {
      std::cout << plan::plan_json(plan);
      print_saved(*saved, flags.product, std::cerr);
    } else {
      print_plan(plan, *costing);
      print_saved(*saved, flags.product, std::cout);
    }
    return 0;
  });
}

int approve(const PlanFlags& flags, const GlobalOptions& global) {
  return with_workspace(global, [&](app::Workspace& workspace) {
    auto approved = app::approve_plan(workspace, app::terminal_session(), flags.product, flags.plan_id);
    if (!approved.ok()) return fail(approved.error());
    if (global.json) {
      std::cout << json{{"plan", approved->id},
                        {"state", approved->state},
                        {"approved_by", approved->approved_by}}
                       .dump()
                << "\n";
    } else {
      std::cout << "Approved " << approved->id << " of " << flags.product << " (by " << approved->approved_by
                << ")\n";
    }
    return 0;
  });
}

// A time limit: a finite number of seconds above 0 (CLI11's PositiveNumber lets "nan" through and
// names the largest double in its message).
CLI::Validator seconds_above_zero() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        double seconds = 0;
        if (!CLI::detail::lexical_cast(text, seconds) || !std::isfinite(seconds) || seconds <= 0)
          return "must be a number of seconds above 0, not '" + text + "'";
        return {};
      },
      "SECONDS > 0");
}

// A share of the secret weight: a number from 0 to 1 (CLI::Range lets "nan" through, and a cap of
// nan would hold every party within it).
CLI::Validator share_from_zero_to_one() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        double share = 0;
        if (!CLI::detail::lexical_cast(text, share) || !(share >= 0 && share <= 1))
          return "must be a number from 0 to 1, not '" + text + "'";
        return {};
      },
      "0..1");
}

}  // namespace

std::function<int()> define_plan(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<PlanFlags>();
  CLI::App* approve_command = app.add_subcommand("approve", "approve a saved plan (default: the newest)");
  approve_command->add_option("--product", flags->product, "the product")->required();
  approve_command->add_option("--plan", flags->plan_id, "the plan's id (plan-N)");
  approve_command->add_option("-w,--workspace", global.workspace, "workspace folder");
  approve_command->add_option("--token", global.token,
                              "act as the user of this API token (default: $MOAT_TOKEN)");
  approve_command->add_flag("--json", global.json, "print as JSON");
  app.add_option("--instance", flags->instance,
                 "plan an instance file (the planner's contract, docs/planner.md)");
  app.add_option("--product", flags->product, "plan a product of the workspace");
  app.add_option("--emit-instance", flags->emit_instance,
                 "with --product: write the instance solved to FILE");
  app.add_flag("--save", flags->save, "with --product: save the plan as a draft in the workspace");
  app.add_option("--collusion", flags->collusion,
                 "coalitions of up to K untrusted parties must not complete a recipe")
      ->check(CLI::Validator(
          [](const std::string& text) -> std::string {
            int value = -1;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > 20)
              return "'" + text + "' is not a whole number from 0 to 20";
            return {};
          },
          "INT in 0..20"));
  app.add_option("--max-exposure-share", flags->max_exposure_share,
                 "most of the total secret weight one party may hold")
      ->check(share_from_zero_to_one());
  app.add_option("--time-limit", flags->time_limit, "seconds to search (default 30)")
      ->check(seconds_above_zero());
  app.add_flag("--frontier", flags->frontier,
               "the price of protection: cost at collusion 0..3 and tighter caps");
  app.add_flag("--heuristic", flags->heuristic, "the fast engine alone (no proof of optimality)");
  // Not in the help: for testing the MIP on instances small enough to be searched whole.
  app.add_flag("!--no-whole-search", flags->whole_search, "small instances straight to the MIP")->group("");
  app.add_flag("--json", global.json, "print the plan as JSON (the contract)");
  return [flags, &global, approve_command] {
    flags->started = process_started();
    if (approve_command->parsed()) return approve(*flags, global);
    if (!flags->product.empty() && !flags->instance.empty()) {
      return fail(input_error("--product", "give --instance or --product, not both"));
    }
    // Flags that would otherwise be dropped without a word.
    if (flags->product.empty() && flags->save)
      return fail(input_error("--save", "saves a plan of a --product (an instance file has nowhere to go)"));
    if (flags->product.empty() && !flags->emit_instance.empty())
      return fail(
          input_error("--emit-instance", "writes the instance of a --product (--instance is one already)"));
    if (flags->frontier && flags->save)
      return fail(input_error("--save", "saves one plan, not the frontier: plan without --frontier to save"));
    if (flags->save) global.command += " --save";  // saving writes: the right to edit (cli/authorization.cc)
    if (!flags->product.empty()) return plan_product(*flags, global);
    if (flags->instance.empty())
      return fail(input_error("--instance", "name an instance file or a --product"));
    if (!flags->frontier) return plan_instance_within_limit(*flags, global);
    auto text = read_file(flags->instance);
    if (!text.ok()) return fail(text.error());
    auto instance = plan::parse_instance(*text, flags->instance);
    if (!instance.ok()) return fail(instance.error());
    warn_of_ignored_keys(*instance, flags->instance);
    return run_frontier(*instance, *flags, global, Costing{});
  };
}

void print_exposure(const app::ExposureReport& report) {
  std::cout << "Exposure under " << report.plan_id << " (██ held directly, ░░ inferred):\n\n";
  std::vector<std::string> headers{"party", "share", "cap"};
  for (const auto& s : report.secrets) headers.push_back(s);
  headers.push_back("suppliers");
  TextTable table(headers);
  for (const auto& row : report.rows) {
    std::vector<std::string> cells{row.party + (row.trusted ? " (trusted)" : ""),
                                   app::share_text(row.share, row.cap) + (row.over_cap ? " > CAP" : ""),
                                   row.trusted ? "-" : app::share_text(row.cap)};
    for (char c : row.cells) cells.push_back(c == 'D' ? "██" : c == 'I' ? "░░" : "··");
    std::string suppliers;
    for (const auto& s : row.suppliers) suppliers += (suppliers.empty() ? "" : " ") + s;
    cells.push_back(suppliers);
    table.add(std::move(cells));
  }
  table.print(std::cout);
  if (std::any_of(report.rows.begin(), report.rows.end(),
                  [](const app::ExposureRow& r) { return r.over_cap; })) {
    std::cout
        << "\nA party holds more than its cap allows today (its inputs changed since the plan was approved): "
           "re-plan and approve the new plan.\n";
  }
  std::cout << "\nRecipes (collusion level " << report.collusion << "):\n";
  for (const auto& r : report.recipes) {
    std::string members;
    for (const auto& m : r.coalition) members += (members.empty() ? "" : " + ") + m;
    std::cout << "  " << r.recipe << ": "
              << (r.min_coalition
                      ? (*r.min_coalition == 1 ? "one party can complete it alone (" + members + ")"
                                               : "needs " + std::to_string(*r.min_coalition) +
                                                     " parties together (" + members + ")")
                      : std::string("no set of untrusted parties can complete it"))
              << ((r.min_coalition && *r.min_coalition <= report.collusion) ? "  ← BREAKS THE POLICY" : "")
              << "\n";
  }
}
namespace {

// --released: the plan's exposure (when the product has a plan) and then what releases gave out.
int released_exposure(app::Workspace& workspace, const std::string& product,
                      const std::optional<std::string>& plan_id, bool people, bool as_json) {
  auto report = app::plan_exposure(workspace, product, plan_id);
  if (!report.ok() && report.error().code() != ErrorCode::kNotFound) return fail(report.error());
  json plan = report.ok() ? app::exposure_json(*report) : json();
  if (report.ok() && !as_json) print_exposure(*report);
  const Status printed =
      print_released_knowledge(workspace, product, people, as_json, report.ok() ? &plan : nullptr);
  return printed.ok() ? 0 : fail(printed.error());
}

}  // namespace

std::function<int()> define_exposure(CLI::App& app, GlobalOptions& global) {
  auto product = std::make_shared<std::string>();
  auto plan_id = std::make_shared<std::optional<std::string>>();
  auto released = std::make_shared<std::array<bool, 2>>();  // --released, --people
  app.add_option("--product", *product, "the product")->required();
  app.add_option("--plan", *plan_id, "a saved plan (default: the approved one, else the newest)");
  app.add_flag("--released", (*released)[0], "also what releases gave out, per party, beside the plan's");
  app.add_flag("--people", (*released)[1], "with --released: per person rather than per party");
  app.add_flag("--json", global.json, "print as JSON");
  add_xlsx_option(app, global);
  return [product, plan_id, released, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      if ((*released)[0] || (*released)[1]) {
        return released_exposure(workspace, *product, *plan_id, (*released)[1], global.json);
      }
      auto report = app::plan_exposure(workspace, *product, *plan_id);
      if (!report.ok()) return fail(report.error());
      const json shown = app::exposure_json(*report);
      if (Status written = write_xlsx_report(global, "exposure", shown); !written.ok())
        return fail(written.error());
      if (!global.json) {
        print_exposure(*report);
        return 0;
      }
      std::cout << shown.dump(2) << "\n";
      return 0;
    });
  };
}

}  // namespace moat::cli
