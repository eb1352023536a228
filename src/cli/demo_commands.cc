// SPDX-License-Identifier: Apache-2.0
// `moat demo`: create the Aurora workspace (app/demo.h) and print what it shows: the summary,
// the plan and its exposure, the price of protection, vetting, the gate and the releases.
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
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
#include "cli/table.h"
#include "core/number_text.h"
#include "core/text.h"

namespace moat::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// What the demo's qualification, reconciliation and red flags show.
void print_demo_vetting(const app::DemoResult& demo) {
  std::cout << "\n== Supplier qualification (assessed, then approved by someone else) ==\n";
  TextTable qualified({"supplier", "result", "score", "exposure cap", "valid until"});
  for (const app::Assessment& a : demo.assessments) {
    char score[16];
    std::snprintf(score, sizeof score, "%.1f%%", a.outcome.score);
    const std::optional<double>& cap = a.outcome.max_exposure_share;
    qualified.add({a.supplier, a.outcome.result, score, cap ? app::share_text(*cap) : "",
                   a.outcome.valid_until ? a.outcome.valid_until->to_string() : ""});
  }
  qualified.print(std::cout);
  std::cout << "Rejected and expired suppliers are never eligible in the plan; conditional ones only where "
               "the policy allows.\n";
  std::cout << "\n== Material reconciliation (the ghost-shift check) ==\n";
  for (const vet::Reconciliation& r : demo.reconciliations) {
    std::cout << r.supplier << " × " << r.product << ": " << format_number(r.unaccounted_units)
              << " units unaccounted\n";
    for (const vet::Line& line : r.lines) {
      if (line.unaccounted > 0)
        std::cout << "  " << line.check << " " << line.item << ": " << line.arithmetic << "\n";
    }
  }
  std::cout << "\n== Red flags ==\n";
  TextTable flags({"id", "severity", "state", "rule", "subject", "summary"});
  for (const app::Flag& f : demo.flags) flags.add({f.id, f.severity, f.state, f.rule, f.subject, f.summary});
  flags.print(std::cout);
  for (const app::Flag& f : demo.flags) {
    if (f.changed_now == "cleared")
      std::cout << f.id << " (" << f.rule << ") resolved itself: " << shown_in_cell(f.reason) << "\n";
  }
}

// One failing (or waived) check with its reason and fix.
void print_gate_check(const gate::Check& c) {
  std::cout << "  " << gate::status_name(c.status) << " " << c.id << " " << shown_in_cell(c.subject) << ": "
            << shown_in_cell(c.reason) << "\n      fix: " << shown_in_cell(c.fix) << "\n";
}

// A verdict in short: product checks that fail in full; supplier checks as one line per supplier,
// in full only for the first supplier with an open critical red flag (moat gate shows them all).
void print_gate_summary(const gate::Verdict& verdict, const std::string& title) {
  const auto failing = std::count_if(verdict.checks.begin(), verdict.checks.end(), [](const gate::Check& c) {
    return c.status == gate::CheckStatus::kFail;
  });
  std::cout << title << ": " << (verdict.go ? "GO" : "NO-GO") << " (" << failing << " of "
            << verdict.checks.size() << " checks fail)\n";
  std::map<std::string, std::vector<const gate::Check*>> by_supplier;
  std::string worst;
  for (const gate::Check& c : verdict.checks) {
    if (c.status == gate::CheckStatus::kPass) continue;
    if (!c.subject.starts_with("supplier/")) {
      print_gate_check(c);
      continue;
    }
    const std::string supplier = c.subject.substr(9, c.subject.find('/', 9) - 9);
    by_supplier[supplier].push_back(&c);
    if (worst.empty() && c.id == "red-flags") worst = supplier;
  }
  if (by_supplier.empty()) return;
  std::cout << "  Supplier checks that fail:\n";
  for (const auto& [supplier, checks] : by_supplier) {
    std::cout << "    " << supplier << ":";
    for (const gate::Check* c : checks) std::cout << " " << c->id;
    std::cout << "\n";
  }
  if (worst.empty()) worst = by_supplier.begin()->first;
  std::cout << "  " << worst << " in full:\n";
  for (const gate::Check* c : by_supplier[worst]) print_gate_check(*c);
}

// The demo's go / no-go: the production launch, and the release of the ring PCBA (WP07) to the
// supplier the approved plan gives it, whose paperwork is complete.
int print_demo_gate(app::Workspace& workspace, const app::SavedPlan& plan) {
  constexpr std::string_view kPackage = "WP07";
  const Date today = app::terminal_session().today();
  std::vector<app::GateRequest> requests = {{"aurora", "", "", today}};
  for (const plan::Assignment& a : plan.plan.assignments) {
    if (a.package == kPackage) requests.push_back({"aurora", a.supplier, a.package, today});
  }
  std::cout << "\n== Go / no-go gate (moat gate --product aurora [--supplier ID --package ID]) ==\n";
  for (const app::GateRequest& request : requests) {
    auto verdict = app::run_gate(workspace, app::terminal_session(), request);
    if (!verdict.ok()) return fail(verdict.error());
    print_gate_summary(*verdict, request.supplier.empty()
                                     ? "Production launch of aurora"
                                     : "Release of " + request.package + " to " + request.supplier);
  }
  return 0;
}

int print_demo_sign_ins(app::Workspace& workspace) {
  auto users = app::create_demo_sign_ins(workspace, app::terminal_session());
  if (!users.ok()) return fail(users.error());
  std::cout << "\n== Sign-ins for the dashboard (the passwords are shown only now) ==\n";
  TextTable table({"name", "password", "role", "sees"});
  for (const app::NewUser& user : *users) {
    std::string sees;
    switch (user.role) {
      case app::Role::kAdmin:
        sees = "everything, the ledger's events included";
        break;
      case app::Role::kSourcing:
        sees = "suppliers, plans, flags; plans and approves";
        break;
      case app::Role::kLegal:
        sees = "agreements, IP deadlines, the gate, the ledger";
        break;
      case app::Role::kOversight:
        sees = "visits and findings, flags, the ledger";
        break;
      case app::Role::kViewer:
        sees = "reads all but the ledger's events";
        break;
      case app::Role::kSupplier:
        sees = "only supplier " + user.supplier + "'s own records and work";
        break;
    }
    table.add({user.name, user.password, std::string(app::role_name(user.role)), sees});
  }
  table.print(std::cout);
  return 0;
}

// What the demo released, and what it refused and why.
void print_demo_releases(const app::DemoResult& demo) {
  std::cout << "\n== Design files and releases ==\n"
            << demo.files.size()
            << " design files in the vault. Releases through the gate and the knowledge rules:\n";
  for (const app::ReleaseOutcome& r : demo.releases) {
    std::cout << "  " << (r.go ? r.id + "  released" : std::string("refused")) << " " << r.package << " to "
              << r.supplier << " (" << join(r.recipients, ", ") << "): " << r.files.size() << " file(s)"
              << (r.go ? ", " + std::to_string(r.copies.size()) + " copies" : "") << "\n";
    for (const app::Refusal& refusal : r.refusals)
      std::cout << "      " << refusal.rule << ": " << refusal.message << "\n";
  }
}

}  // namespace

// The counterfeit watch: the hits the listings gave, the copy confirmed and whom it points to,
// and the complaint package for Alibaba's IP protection platform.
int print_demo_watch(const app::DemoResult& demo) {
  const app::DemoWatch& watch = demo.watch;
  std::cout << "\n== Counterfeit watch ==\n"
            << "Imported " << watch.imported.added.size() << " marketplace listings with "
            << watch.imported.images << " photos (in the vault, with their SHA-256); "
            << watch.imported.hits.size() << " hits:\n";
  for (const app::HitView& hit : watch.imported.hits) {
    char score[16];
    std::snprintf(score, sizeof score, "%.2f", hit.score);
    std::cout << "  " << hit.id << "  " << score << "  " << hit.listing.platform << "  " << hit.listing.title
              << "\n";
    for (const app::ReasonView& r : hit.reasons)
      std::cout << "        " << r.kind << ": " << r.detail << "\n";
  }
  if (!watch.confirmed.hit.id.empty()) {
    std::cout << "Confirmed " << watch.confirmed.hit.id << " (" << watch.confirmed.hit.decision_reason
              << ").\n";
  }
  auto flags = app::recorded_flags(*demo.workspace);
  if (!flags.ok()) return fail(flags.error());
  for (const app::Flag& flag : *flags) {
    if (std::find(watch.confirmed.flags.begin(), watch.confirmed.flags.end(), flag.id) ==
        watch.confirmed.flags.end())
      continue;
    std::cout << "  red flag " << flag.id << " on " << flag.subject << ": " << flag.summary << "\n";
  }
  for (const app::ComplaintView& c : watch.packages.complaints) {
    std::cout << "Complaint " << c.id << " for " << c.platform
              << " (Alibaba IP Protection Platform) written to " << c.folder
              << (c.ready ? ": ready to file\n" : ": still missing " + join(c.missing, "; ") + "\n");
  }
  return 0;
}

std::function<int()> define_demo(CLI::App& app, GlobalOptions& global) {
  auto dir = std::make_shared<std::string>();
  auto database = std::make_shared<std::string>();
  app.add_option("DIR", *dir, "folder to create the demo workspace in (or -w DIR)");
  app.add_option("--db", *database, "an empty PostgreSQL database (postgresql://...) instead of SQLite");
  auto sign_ins = std::make_shared<bool>(false);
  app.add_flag("--json", global.json, "print the summary as JSON");
  app.add_flag("--sign-ins", *sign_ins,
               "also make an account per role and a supplier user, each with a new password printed once");
  return [dir, database, sign_ins, &global] {
    auto target = new_workspace_dir(*dir, global);
    if (!target.ok()) return fail(target.error());
    *dir = *target;
    auto demo = app::create_demo(*dir, app::terminal_session(), *database);
    if (!demo.ok()) return fail(demo.error());
    if (global.json) return show_summary(*demo->workspace, true);
    std::cout << "Imported the Aurora smart speaker: " << demo->imported.records_changed << " records, "
              << demo->imported.events << " ledger events.\n\n";
    if (int status = show_summary(*demo->workspace, false); status != 0) return status;
    const app::Config& config = demo->workspace->config();
    std::cout << "\n== Sourcing plan (collusion " << config.policy.collusion << ", exposure cap "
              << app::share_text(config.policy.max_exposure_share) << "), saved and approved as "
              << demo->plan.id << " ==\n";
    auto costing = costing_of(*demo->workspace, "aurora", today_text(app::terminal_session()));
    if (!costing.ok()) return fail(costing.error());
    print_plan(demo->plan.plan, *costing);
    auto exposure = app::plan_exposure(*demo->workspace, "aurora", demo->plan.id);
    if (!exposure.ok()) return fail(exposure.error());
    std::cout << "\n";
    print_exposure(*exposure);
    std::cout << "\n== The price of protection ==\n";
    print_frontier(demo->frontier, *costing);
    print_demo_vetting(*demo);
    if (int status = print_demo_gate(*demo->workspace, demo->plan); status != 0) return status;
    print_demo_releases(*demo);
    if (int status = print_demo_watch(*demo); status != 0) return status;
    std::cout << "\nThe workspace is " << *dir << ": try 'moat -w " << *dir
              << " exposure --product aurora'.\n";
    if (*sign_ins) return print_demo_sign_ins(*demo->workspace);
    return 0;
  };
}

}  // namespace moat::cli
