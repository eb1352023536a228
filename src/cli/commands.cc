// SPDX-License-Identifier: Apache-2.0
#include "cli/commands.h"

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
#include "app/migrate.h"
#include "app/money.h"
#include "app/sourcing.h"
#include "app/views.h"
#include "app/import.h"
#include "app/remove.h"
#include "app/summary.h"
#include "app/workspace.h"
#include "cli/common.h"
#include "cli/table.h"
#include "vet/number_text.h"
#include "core/text.h"
#include "core/uscc.h"
#include "plan/planner.h"

namespace moat::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void print_summary(const app::WorkspaceSummary& s, const fs::path& dir) {
  std::cout << "Workspace " << dir.string() << " — " << (s.company.empty() ? "(no company set)" : s.company)
            << ", home jurisdiction " << s.home_jurisdiction << "\n\n";
  TextTable products({"product", "name", "BOM lines", "secrets", "weight", "inference", "recipes",
                      "packages", "quotes"});
  for (const auto& p : s.products) {
    std::ostringstream weight;
    weight << p.secret_weight;
    products.add({p.id, p.name, std::to_string(p.parts) + (p.parts_not_fitted ? " (+" + std::to_string(p.parts_not_fitted) + " not fitted)" : ""),
                  std::to_string(p.secrets), weight.str(),
                  std::to_string(p.derives), std::to_string(p.recipes), std::to_string(p.packages),
                  std::to_string(p.quotes)});
  }
  products.print(std::cout);
  for (const auto& p : s.products) {
    if (!p.packages_without_quotes.empty()) {
      std::cout << "  ! " << p.id << ": no quote from a qualified supplier for";
      for (const auto& id : p.packages_without_quotes) std::cout << ' ' << id;
      std::cout << "\n";
    }
  }
  std::cout << "\nSuppliers: " << s.suppliers << " in " << s.parties << " parties; people on file: " << s.people << "\n";
  std::cout << "  by city:  ";
  for (const auto& [city, n] : s.suppliers_by_city) std::cout << city << " " << n << "   ";
  std::cout << "\n  by status:";
  for (const auto& [status, n] : s.suppliers_by_status) std::cout << ' ' << status << " " << n << "  ";
  std::cout << "\n  trusted (own facilities): " << (s.trusted.empty() ? "none" : "");
  for (std::size_t i = 0; i < s.trusted.size(); ++i) std::cout << (i ? ", " : "") << s.trusted[i];
  std::cout << "\n  affiliated groups (each counts as one party):\n";
  if (s.affiliated_parties.empty()) std::cout << "    none\n";
  for (const auto& party : s.affiliated_parties) {
    std::cout << "    " << party.id << ":";
    for (const auto& member : party.members) std::cout << ' ' << member;
    std::cout << "\n";
  }
  std::cout << "\nLedger: " << s.events << " events, " << (s.ledger_ok ? "verified" : "VERIFICATION FAILED (run 'moat audit verify')") << "\n";
}

int show_summary(app::Workspace& workspace, bool as_json) {
  auto summary = app::summarize(workspace);
  if (!summary.ok()) return fail(summary.error());
  if (as_json) {
    std::cout << app::summary_json(*summary).dump(2) << "\n";
  } else {
    print_summary(*summary, workspace.dir());
  }
  return 0;
}

// --- commands ---------------------------------------------------------------------------------

std::function<int()> define_init(CLI::App& app, GlobalOptions& global) {
  auto dir = std::make_shared<std::string>();
  auto options = std::make_shared<app::InitOptions>();
  app.add_option("DIR", *dir, "folder to create the workspace in")->required();
  app.add_option("--company", options->company, "the company that owns the product data");
  app.add_option("--home-jurisdiction", options->home_jurisdiction,
                 "two-letter country code where IP is filed first")->capture_default_str();
  app.add_option("--db", options->database,
                 "an empty PostgreSQL database (postgresql://...) instead of the embedded SQLite file");
  return [dir, options, &global] {
    auto workspace = app::Workspace::init(*dir, *options);
    if (!workspace.ok()) return fail(workspace.error());
    if (global.json) {
      std::cout << json{{"workspace", fs::absolute(*dir).string()}}.dump() << "\n";
    } else {
      std::cout << "Created workspace " << *dir << " (moat.toml, "
                << (options->database.empty() ? "moat.db" : store::redact_url(options->database))
                << ", vault/, keys/; owner-only)\n";
    }
    return 0;
  };
}

// The currency a plan's costs are in, and the rates its quotes were converted at.
struct Costing {
  std::string currency;            // empty: an instance file's, whatever its quotes are in
  std::vector<std::string> rates;  // "1 USD = 7.12 CNY (rate of 2026-11-30)"
};
Result<Costing> costing_of(app::Workspace& workspace, const std::string& product, const std::string& today);
void print_plan(const plan::Plan& plan, const Costing& costing);
void print_frontier(const std::vector<plan::FrontierPoint>& points, const Costing& costing);
void print_exposure(const app::ExposureReport& report);

// What the demo's qualification, reconciliation and red flags show.
void print_demo_vetting(const app::DemoResult& demo) {
  std::cout << "\n== Supplier qualification (assessed, then approved by someone else) ==\n";
  TextTable qualified({"supplier", "result", "score", "exposure cap", "valid until"});
  for (const app::Assessment& a : demo.assessments) {
    char score[16];
    std::snprintf(score, sizeof score, "%.1f%%", a.outcome.score);
    const std::string cap = a.outcome.max_exposure_share ? std::to_string(static_cast<int>(*a.outcome.max_exposure_share * 100 + 0.5)) + "%" : "";
    qualified.add({a.supplier, a.outcome.result, score, cap, a.outcome.valid_until ? a.outcome.valid_until->to_string() : ""});
  }
  qualified.print(std::cout);
  std::cout << "Rejected and expired suppliers are never eligible in the plan; conditional ones only where the policy allows.\n";
  std::cout << "\n== Material reconciliation (the ghost-shift check) ==\n";
  for (const vet::Reconciliation& r : demo.reconciliations) {
    std::cout << r.supplier << " × " << r.product << ": " << vet::format_number(r.unaccounted_units)
              << " units unaccounted\n";
    for (const vet::Line& line : r.lines) {
      if (line.unaccounted > 0) std::cout << "  " << line.check << " " << line.item << ": " << line.arithmetic << "\n";
    }
  }
  std::cout << "\n== Red flags ==\n";
  TextTable flags({"id", "severity", "state", "rule", "subject", "summary"});
  for (const app::Flag& f : demo.flags) flags.add({f.id, f.severity, f.state, f.rule, f.subject, f.summary});
  flags.print(std::cout);
  for (const app::Flag& f : demo.flags) {
    if (f.changed_now == "cleared") std::cout << f.id << " (" << f.rule << ") resolved itself: " << f.reason << "\n";
  }
}

// One failing (or waived) check with its reason and fix.
void print_gate_check(const gate::Check& c) {
  std::cout << "  " << gate::status_name(c.status) << " " << c.id << " " << c.subject << ": " << c.reason
            << "\n      fix: " << c.fix << "\n";
}

// A verdict in short: product checks that fail in full; supplier checks as one line per supplier,
// in full only for the first supplier with an open critical red flag (moat gate shows them all).
void print_gate_summary(const gate::Verdict& verdict, const std::string& title) {
  const auto failing = std::count_if(verdict.checks.begin(), verdict.checks.end(),
                                     [](const gate::Check& c) { return c.status == gate::CheckStatus::kFail; });
  std::cout << title << ": " << (verdict.go ? "GO" : "NO-GO") << " (" << failing << " of " << verdict.checks.size()
            << " checks fail)\n";
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
  const Date today = *Date::parse(app::terminal_session().now().substr(0, 10));
  std::vector<app::GateRequest> requests = {{"aurora", "", "", today}};
  for (const plan::Assignment& a : plan.plan.assignments) {
    if (a.package == kPackage) requests.push_back({"aurora", a.supplier, a.package, today});
  }
  std::cout << "\n== Go / no-go gate (moat gate --product aurora [--supplier ID --package ID]) ==\n";
  for (const app::GateRequest& request : requests) {
    auto verdict = app::run_gate(workspace, app::terminal_session(), request);
    if (!verdict.ok()) return fail(verdict.error());
    print_gate_summary(*verdict, request.supplier.empty() ? "Production launch of aurora"
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
      case app::Role::kAdmin: sees = "everything, the ledger's events included"; break;
      case app::Role::kSourcing: sees = "suppliers, plans, flags; plans and approves"; break;
      case app::Role::kLegal: sees = "agreements, IP deadlines, the gate, the ledger"; break;
      case app::Role::kOversight: sees = "visits and findings, flags, the ledger"; break;
      case app::Role::kViewer: sees = "reads all but the ledger's events"; break;
      case app::Role::kSupplier: sees = "only supplier " + user.supplier + "'s own records and work"; break;
    }
    table.add({user.name, user.password, std::string(app::role_name(user.role)), sees});
  }
  table.print(std::cout);
  return 0;
}

// What the demo released, and what it refused and why.
void print_demo_releases(const app::DemoResult& demo) {
  std::cout << "\n== Design files and releases ==\n" << demo.files.size()
            << " design files in the vault. Releases through the gate and the knowledge rules:\n";
  for (const app::ReleaseOutcome& r : demo.releases) {
    std::cout << "  " << (r.go ? r.id + "  released" : std::string("refused")) << " " << r.package << " to " << r.supplier
              << " (" << join(r.recipients, ", ") << "): " << r.files.size() << " file(s)"
              << (r.go ? ", " + std::to_string(r.copies.size()) + " copies" : "") << "\n";
    for (const app::Refusal& refusal : r.refusals) std::cout << "      " << refusal.rule << ": " << refusal.message << "\n";
  }
}

// The counterfeit watch: the hits the listings gave, the copy confirmed and whom it points to,
// and the complaint package for Alibaba's IP protection platform.
int print_demo_watch(const app::DemoResult& demo) {
  const app::DemoWatch& watch = demo.watch;
  std::cout << "\n== Counterfeit watch ==\n"
            << "Imported " << watch.imported.added.size() << " marketplace listings with " << watch.imported.images
            << " photos (in the vault, with their SHA-256); " << watch.imported.hits.size() << " hits:\n";
  for (const app::HitView& hit : watch.imported.hits) {
    char score[16];
    std::snprintf(score, sizeof score, "%.2f", hit.score);
    std::cout << "  " << hit.id << "  " << score << "  " << hit.listing.platform << "  " << hit.listing.title << "\n";
    for (const app::ReasonView& r : hit.reasons) std::cout << "        " << r.kind << ": " << r.detail << "\n";
  }
  if (!watch.confirmed.hit.id.empty()) {
    std::cout << "Confirmed " << watch.confirmed.hit.id << " (" << watch.confirmed.hit.decision_reason << ").\n";
  }
  auto flags = app::recorded_flags(*demo.workspace);
  if (!flags.ok()) return fail(flags.error());
  for (const app::Flag& flag : *flags) {
    if (std::find(watch.confirmed.flags.begin(), watch.confirmed.flags.end(), flag.id) == watch.confirmed.flags.end()) continue;
    std::cout << "  red flag " << flag.id << " on " << flag.subject << ": " << flag.summary << "\n";
  }
  for (const app::ComplaintView& c : watch.packages.complaints) {
    std::cout << "Complaint " << c.id << " for " << c.platform << " (Alibaba IP Protection Platform) written to " << c.folder
              << (c.ready ? ": ready to file\n" : ": still missing " + join(c.missing, "; ") + "\n");
  }
  return 0;
}

std::function<int()> define_demo(CLI::App& app, GlobalOptions& global) {
  auto dir = std::make_shared<std::string>();
  auto database = std::make_shared<std::string>();
  app.add_option("DIR", *dir, "folder to create the demo workspace in")->required();
  app.add_option("--db", *database, "an empty PostgreSQL database (postgresql://...) instead of SQLite");
  auto sign_ins = std::make_shared<bool>(false);
  app.add_flag("--json", global.json, "print the summary as JSON");
  app.add_flag("--sign-ins", *sign_ins,
               "also make an account per role and a supplier user, each with a new password printed once");
  return [dir, database, sign_ins, &global] {
    auto demo = app::create_demo(*dir, app::terminal_session(), *database);
    if (!demo.ok()) return fail(demo.error());
    if (global.json) return show_summary(*demo->workspace, true);
    std::cout << "Imported the Aurora smart speaker: " << demo->imported.records_changed << " records, "
              << demo->imported.events << " ledger events.\n\n";
    if (int status = show_summary(*demo->workspace, false); status != 0) return status;
    const app::Config& config = demo->workspace->config();
    std::cout << "\n== Sourcing plan (collusion " << config.policy.collusion << ", exposure cap "
              << config.policy.max_exposure_share * 100 << "%), saved and approved as " << demo->plan.id << " ==\n";
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
    std::cout << "\nThe workspace is " << *dir << ": try 'moat -w " << *dir << " exposure --product aurora'.\n";
    if (*sign_ins) return print_demo_sign_ins(*demo->workspace);
    return 0;
  };
}

std::function<int()> define_status(CLI::App& app, GlobalOptions& global) {
  app.add_flag("--json", global.json, "print as JSON");
  return [&global] { return with_workspace(global, [&](app::Workspace& w) { return show_summary(w, global.json); }); };
}

// One line per record: "+" added, "~" changed (each field before → after), "-" removed; the
// first kShownChanges of each kind (--json lists all).
constexpr std::size_t kShownChanges = 100;

void print_records(const std::vector<app::RecordDifference>& records, std::string_view mark) {
  for (std::size_t i = 0; i < records.size() && i < kShownChanges; ++i) {
    const app::RecordDifference& r = records[i];
    std::cout << "  " << mark << " " << r.table << "/" << r.key;
    for (std::size_t f = 0; f < r.fields.size(); ++f) {
      std::cout << (f ? "; " : ": ") << r.fields[f].field << " " << r.fields[f].before << " → " << r.fields[f].after;
    }
    if (!r.reason.empty()) std::cout << " (" << r.reason << ")";
    std::cout << "\n";
  }
  if (records.size() > kShownChanges) {
    std::cout << "  … and " << records.size() - kShownChanges << " more (--json lists them all)\n";
  }
}

void print_difference(const app::Difference& d) {
  if (d.empty()) {
    std::cout << "No changes.\n";
    return;
  }
  std::cout << "Changes: " << d.added.size() << " added, " << d.changed.size() << " changed, " << d.removed.size()
            << " removed" << (d.unlinked.empty() ? "" : ", " + std::to_string(d.unlinked.size()) + " unlinked") << "\n";
  print_records(d.added, "+");
  print_records(d.changed, "~");
  print_records(d.removed, "-");
  print_records(d.unlinked, "~");
}

// How each file was read: its dialect or sheet, a BOM's layout, fitted lines and make/buy.
void print_file_reports(const std::vector<app::FileReport>& files) {
  for (const app::FileReport& f : files) {
    std::cout << f.file << ": " << f.records << " " << f.kind << " records, ";
    if (f.format == "csv") std::cout << f.delimiter << "-separated";
    if (f.format == "xlsx") std::cout << "worksheet '" << f.sheet << "'";
    if (f.format == "json") std::cout << "workspace document";
    if (f.kind != "parts") {
      std::cout << "\n";
      continue;
    }
    std::cout << "; layout: " << f.layout_name << "\n";
    std::cout << "  fitted: " << f.fitted << ", not fitted: " << f.not_fitted << "\n";
    for (const auto& [classified, lines] : f.make_buy_reasons) {
      std::cout << "  " << classified.first << ": " << lines << " (" << classified.second << ")\n";
    }
    if (!f.ignored_columns.empty()) {
      std::cout << "  ignored columns:";
      for (std::size_t i = 0; i < f.ignored_columns.size(); ++i) std::cout << (i ? ", " : " ") << f.ignored_columns[i];
      std::cout << "\n";
    }
    if (f.preamble_rows > 0) std::cout << "  skipped " << f.preamble_rows << " rows before the header\n";
    if (f.trailing_empty_rows > 0) {
      std::cout << "  " << f.trailing_empty_rows << " rows had empty fields past the header's width (dropped)\n";
    }
  }
}

std::function<int()> define_import(CLI::App& app, GlobalOptions& global) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto options = std::make_shared<app::ImportOptions>();
  app.add_option("FILE", *files, "CSV files (bom.csv, suppliers.csv, ...), Excel workbooks (bom.xlsx) or a workspace JSON document")->required();
  app.add_option("--kind", options->kind, "what the files hold: products, parts (bom), secrets, derives, recipes, packages, suppliers, affiliations, quotes, people, certificates, assignments, visits, audit_items, findings, tooling, tool_events, orders, movements");
  app.add_option("--product", options->product, "product for files without a product column (created if new)");
  app.add_option("--sheet", options->sheet, "workbooks: the worksheet to read (default: the first)");
  app.add_flag("--replace", options->replace, "the BOM files are the product's whole BOM: its parts they do not hold are removed (needs --product)");
  app.add_flag("--cascade", options->cascade, "with --replace: also remove (or unlink) what refers to the removed parts");
  app.add_flag("--dry-run", options->dry_run, "check everything and show the changes, write nothing");
  app.add_flag("--json", global.json, "print the report as JSON");
  return [files, options, &global] {
    if (options->kind && *options->kind == "bom") options->kind = "parts";
    if (options->cascade && !options->replace) return fail(input_error("--cascade", "applies to --replace"));
    std::vector<app::SourceFile> sources;
    for (const std::string& path : *files) {
      auto content = read_file(path);
      if (!content.ok()) return fail(content.error());
      sources.push_back({path, std::move(*content)});
    }
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto report = app::import_files(workspace, app::terminal_session(), sources, *options);
      if (!report.ok()) return fail(report.error());
      if (global.json) {
        std::cout << app::import_report_json(*report, options->dry_run).dump(2) << "\n";
        return 0;
      }
      print_file_reports(report->files);
      print_difference(report->difference);
      std::size_t read = 0;
      for (const auto& [table, n] : report->records_read) read += n;
      std::cout << (options->dry_run ? "Checked " : "Imported ") << read << " records";
      if (options->dry_run) std::cout << ": nothing written (dry run)";
      if (!options->dry_run) std::cout << " (" << report->records_changed << " new, changed or removed, " << report->events << " ledger events)";
      std::cout << "\n";
      return 0;
    });
  };
}

std::function<int()> define_remove(CLI::App& app, GlobalOptions& global) {
  auto kind = std::make_shared<std::string>();
  auto keys = std::make_shared<std::vector<std::string>>();
  auto options = std::make_shared<app::RemoveOptions>();
  app.add_option("KIND", *kind, "what to remove: parts (bom), suppliers, quotes, people, ...")->required();
  app.add_option("KEY", *keys, "each record's key as the ledger writes it (aurora/C1, F03, ...)")->required();
  app.add_option("--if-version", options->if_version, "with one key: the version read (moat show); refused when it changed since");
  app.add_flag("--cascade", options->cascade, "also remove (or unlink from lists) the records that refer to them");
  app.add_flag("--dry-run", options->dry_run, "show what would be removed, remove nothing");
  app.add_flag("--json", global.json, "print as JSON");
  return [kind, keys, options, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto report = app::remove_records(workspace, app::terminal_session(), *kind, *keys, *options);
      if (!report.ok()) return fail(report.error());
      if (global.json) {
        std::cout << app::remove_report_json(*report, options->dry_run).dump(2) << "\n";
        return 0;
      }
      print_difference(report->difference);
      std::cout << (options->dry_run ? "Nothing removed (dry run).\n"
                                     : "Removed " + std::to_string(report->difference.removed.size()) + " records (" +
                                           std::to_string(report->events) + " ledger events).\n");
      return 0;
    });
  };
}

std::function<int()> define_export(CLI::App& app, GlobalOptions& global) {
  auto file = std::make_shared<std::string>();
  app.add_option("FILE", *file, "where to write the JSON document (default: standard output)");
  return [file, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto document = app::export_workspace(workspace);
      if (!document.ok()) return fail(document.error());
      if (file->empty() || *file == "-") {
        std::cout << *document;
        return 0;
      }
      if (Status written = write_file_atomically(*file, *document); !written.ok()) return fail(written.error());
      return 0;
    });
  };
}

// The columns `list` shows: --columns as given (each must be a field of the table), all with
// --wide or when the output is not a terminal, else the fields that fit the terminal's width, the
// required ones first, leaving out those no row has a value for.
struct ListColumns {
  std::string asked;  // --columns a,b,c
  bool wide = false;  // --wide
};

std::size_t terminal_width() {
  if (!::isatty(STDOUT_FILENO)) return 0;
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  const char* columns = std::getenv("COLUMNS");
  return columns ? static_cast<std::size_t>(std::atoi(columns)) : 0;
}

// How wide a column prints: its widest value (up to the wrap width) or its header.
std::size_t column_width(const std::vector<json>& rows, const std::string& field) {
  constexpr std::size_t kWrap = 48;
  std::size_t width = display_width(field);
  for (const json& r : rows) width = std::max(width, std::min(kWrap, display_width(text(r[field]))));
  return width + 2;
}

Result<std::vector<std::string>> list_columns(const store::Table& table, const std::vector<json>& rows,
                                              const ListColumns& wanted) {
  std::vector<std::string> all;
  for (const auto& field : table.fields) all.emplace_back(field.name);
  if (!wanted.asked.empty()) {
    std::vector<std::string> chosen = split_list(wanted.asked, ",");
    for (std::string& c : chosen) {
      c = std::string(trim(c));
      if (std::find(all.begin(), all.end(), c) == all.end()) {
        return input_error("--columns", "'" + c + "' is not a field of " + std::string(table.name) + " (" + join(all, ", ") + ")");
      }
    }
    return chosen;
  }
  const std::size_t room = wanted.wide ? 0 : terminal_width();
  if (room == 0) return all;
  std::vector<std::string> shown;
  std::size_t used = 0;
  const auto fits = [&](const std::string& field) { return used + column_width(rows, field) <= room; };
  for (const auto& field : table.fields) {
    if (field.required && (shown.empty() || fits(std::string(field.name)))) {
      shown.emplace_back(field.name);
      used += column_width(rows, std::string(field.name));
    }
  }
  for (const auto& field : table.fields) {
    const std::string name(field.name);
    const bool any = std::any_of(rows.begin(), rows.end(), [&](const json& r) { return !text(r[name]).empty(); });
    if (field.required || !any || !fits(name)) continue;
    shown.push_back(name);
    used += column_width(rows, name);
  }
  // In the table's order.
  std::vector<std::string> ordered;
  for (const std::string& name : all) {
    if (std::find(shown.begin(), shown.end(), name) != shown.end()) ordered.push_back(name);
  }
  return ordered;
}

std::function<int()> define_list(CLI::App& app, GlobalOptions& global) {
  auto kind = std::make_shared<std::string>();
  auto product = std::make_shared<std::string>();
  auto columns_wanted = std::make_shared<ListColumns>();
  app.add_option("KIND", *kind, "products, parts (bom), secrets, derives, recipes, packages, suppliers, affiliations, quotes, people, plans, documents, assessments, scores, certificates, assignments, visits, audit_items, findings, tooling, tool_events, orders, movements, flags")->required();
  app.add_option("--product", *product, "only this product's records");
  app.add_option("--columns", columns_wanted->asked, "the fields to show, in order: id,name,city");
  app.add_flag("--wide", columns_wanted->wide, "every field, however wide (the default on a terminal: what fits)");
  app.add_flag("--json", global.json, "print as JSON");
  add_xlsx_option(app, global);
  return [kind, product, columns_wanted, &global] {
    const store::Table* table = store::find_table(*kind == "bom" ? "parts" : *kind);
    if (!table) return fail(input_error("KIND", "unknown kind '" + *kind + "'"));
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto records = workspace.store().list(*table);
      if (!records.ok()) return fail(records.error());
      std::vector<json> shown;
      for (const json& r : *records) {
        if (product->empty() || !table->product_scoped || r["product"] == *product) shown.push_back(r);
      }
      std::vector<std::string> columns;
      for (const auto& field : table->fields) columns.emplace_back(field.name);
      if (Status written = write_xlsx_report(global, std::string(table->name), json(shown), columns); !written.ok()) {
        return fail(written.error());
      }
      if (global.json) {
        std::cout << json(shown).dump(2) << "\n";
        return 0;
      }
      auto headers = list_columns(*table, shown, *columns_wanted);
      if (!headers.ok()) return fail(headers.error());
      TextTable out(*headers);
      for (const json& r : shown) {
        std::vector<std::string> row;
        for (const std::string& field : *headers) row.push_back(text(r[field]));
        out.add(std::move(row));
      }
      out.print(std::cout);
      if (headers->size() < table->fields.size() && columns_wanted->asked.empty()) {
        std::cerr << "(" << table->fields.size() - headers->size()
                  << " more fields: --wide shows them all, --columns picks them)\n";
      }
      return 0;
    });
  };
}

std::function<int()> define_parties(CLI::App& app, GlobalOptions& global) {
  app.add_flag("--json", global.json, "print as JSON");
  return [&global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto parties = app::workspace_parties(workspace);
      if (!parties.ok()) return fail(parties.error());
      if (global.json) {
        json out = json::array();
        for (const auto& p : parties->parties) out.push_back({{"party", p.id}, {"members", p.members}});
        std::cout << out.dump(2) << "\n";
        return 0;
      }
      TextTable out({"party", "suppliers"});
      for (const auto& p : parties->parties) {
        std::string members;
        for (const auto& m : p.members) members += (members.empty() ? "" : ", ") + m;
        out.add({p.id, members});
      }
      out.print(std::cout);
      return 0;
    });
  };
}

std::function<int()> define_uscc(CLI::App& app, GlobalOptions&) {
  auto codes = std::make_shared<std::vector<std::string>>();
  app.add_option("CODE", *codes, "unified social credit codes (GB 32100-2015)")->required();
  return [codes] {
    int status = 0;
    for (const std::string& code : *codes) {
      const std::string problem = uscc_problem(code);
      std::cout << code << ": " << (problem.empty() ? "well formed" : problem) << "\n";
      if (!problem.empty()) status = 1;
    }
    return status;
  };
}

std::function<int()> define_show(CLI::App& app, GlobalOptions& global) {
  auto kind = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  app.add_option("KIND", *kind, "suppliers, parts (bom), secrets, ...")->required();
  app.add_option("KEY", *key, "the record's key, parts joined by '/' (F03, aurora/S01)")->required();
  app.add_flag("--json", global.json, "print as JSON");
  return [kind, key, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto shown = app::show_record(workspace, *kind, *key);
      if (!shown.ok()) return fail(shown.error());
      const json record = json::parse(shown->json);
      if (global.json) {
        std::cout << json{{"record", record}, {"version", shown->version}}.dump(2) << "\n";
        return 0;
      }
      TextTable out({"field", "value"});
      for (const auto& [name, value] : record.items()) out.add({name, text(value)});
      out.add({"(version)", std::to_string(shown->version)});
      out.print(std::cout);
      return 0;
    });
  };
}

std::function<int()> define_set(CLI::App& app, GlobalOptions& global) {
  auto kind = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  auto assignments = std::make_shared<std::vector<std::string>>();
  auto if_version = std::make_shared<std::optional<std::int64_t>>();
  app.add_option("KIND", *kind, "suppliers, parts (bom), secrets, ...")->required();
  app.add_option("KEY", *key, "the record's key, parts joined by '/' (F03, aurora/S01)")->required();
  app.add_option("FIELD=VALUE", *assignments, "new values, written as in a CSV cell (empty clears)")->required();
  app.add_option("--if-version", *if_version,
                 "fail unless the record is still at this version (from 'moat show'): no lost updates");
  app.add_flag("--json", global.json, "print the result as JSON");
  return [kind, key, assignments, if_version, &global] {
    std::vector<app::FieldChange> changes;
    for (const std::string& assignment : *assignments) {
      const std::size_t equals = assignment.find('=');
      if (equals == std::string::npos || equals == 0) {
        return fail(input_error(assignment, "write each change as FIELD=VALUE"));
      }
      changes.push_back({assignment.substr(0, equals), assignment.substr(equals + 1)});
    }
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto edited = app::edit_record(workspace, app::terminal_session(), *kind, *key, changes, *if_version);
      if (!edited.ok()) return fail(edited.error());
      if (global.json) {
        std::cout << json{{"changed", edited->changed}, {"version", edited->version}}.dump() << "\n";
      } else {
        std::cout << (edited->changed ? "Changed " : "Unchanged: ") << *kind << " " << *key << ", now at version "
                  << edited->version << "\n";
      }
      return 0;
    });
  };
}

std::function<int()> define_migrate(CLI::App& app, GlobalOptions& global) {
  auto url = std::make_shared<std::string>();
  app.add_option("--to", *url, "an empty PostgreSQL database: postgresql://user@host:port/db")->required();
  return [url, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto report = app::migrate_workspace(workspace, *url);
      if (!report.ok()) return fail(report.error());
      std::cout << "Migrated to " << store::redact_url(*url) << ": " << report->events
                << " ledger events verified, exports identical (" << report->export_bytes
                << " bytes). moat.toml now names it; moat.db stays as a backup.\n";
      return 0;
    });
  };
}

Result<Costing> costing_of(app::Workspace& workspace, const std::string& product, const std::string& today) {
  MOAT_TRY(const app::Currencies money, app::currencies(workspace));
  Costing costing{money.base, {}};
  const std::optional<Date> day = Date::parse(today);
  MOAT_TRY(const std::vector<app::Rate> rates,
           app::quote_rates(workspace, product, day.value_or(Date::from_days(1'000'000))));
  for (const app::Rate& rate : rates) costing.rates.push_back(app::rate_text(rate, money.base));
  return costing;
}

// "1,234,567.00 CNY"; an instance file's costs carry no currency of their own.
std::string cost_text(double amount, const Costing& costing) {
  return app::money_text(amount, costing.currency.empty() ? "(the quotes' currency)" : costing.currency);
}

void print_plan(const plan::Plan& plan, const Costing& costing) {
  std::cout << "Plan: " << plan::status_name(plan.status);
  if (plan.cost) std::cout << ", cost " << cost_text(*plan.cost, costing);
  if (plan.lower_bound && plan.status != plan::PlanStatus::kOptimal) {
    std::cout << " (lower bound " << cost_text(*plan.lower_bound, costing) << ")";
  }
  std::cout << "\n";
  for (const std::string& rate : costing.rates) std::cout << "  quotes converted at " << rate << "\n";
  for (const std::string& reason : plan.reasons) std::cout << "  - " << reason << "\n";
  if (plan.assignments.empty()) return;
  TextTable assignments({"package", "supplier", "units"});
  for (const auto& a : plan.assignments) {
    std::ostringstream units;
    units << a.units;
    assignments.add({a.package, a.supplier, units.str()});
  }
  std::cout << "\n";
  assignments.print(std::cout);
  TextTable recipes({"recipe", "min coalition", "a smallest coalition"});
  for (const auto& r : plan.recipes) {
    std::string members;
    for (const auto& m : r.coalition) members += (members.empty() ? "" : " + ") + m;
    recipes.add({r.recipe, r.min_coalition ? std::to_string(*r.min_coalition) : "none can", members});
  }
  std::cout << "\n";
  recipes.print(std::cout);
}

void print_frontier(const std::vector<plan::FrontierPoint>& points, const Costing& costing) {
  TextTable table({"collusion", "exposure cap", "status", "cost"});
  for (const auto& point : points) {
    std::ostringstream cap;
    cap << point.max_exposure_share * 100 << "%";
    table.add({std::to_string(point.collusion), cap.str(), std::string(plan::status_name(point.plan.status)),
               point.plan.cost ? cost_text(*point.plan.cost, costing) : "impossible"});
  }
  table.print(std::cout);
  for (const std::string& rate : costing.rates) std::cout << "quotes converted at " << rate << "\n";
}

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
  // When the command began: reading the instance counts against the time limit.
  std::optional<std::chrono::steady_clock::time_point> started;
};

int run_plan(plan::Instance instance, const PlanFlags& flags, bool as_json, const Costing& costing) {
  if (flags.collusion) instance.policy.collusion = *flags.collusion;
  if (flags.max_exposure_share) instance.policy.max_exposure_share = *flags.max_exposure_share;
  const plan::SolveOptions options{flags.time_limit, !flags.heuristic, flags.started};
  if (flags.frontier) {
    const auto points = plan::frontier(instance, options);
    if (as_json) {
      std::cout << app::frontier_json(points).dump(2) << "\n";
    } else {
      print_frontier(points, costing);
    }
    return 0;
  }
  const plan::Plan plan = plan::solve(instance, options);
  if (as_json) {
    std::cout << plan::plan_json(plan);
  } else {
    print_plan(plan, costing);
  }
  return 0;
}

std::string today(const app::Session& session) { return session.now().substr(0, 10); }

int plan_product(const PlanFlags& flags, const GlobalOptions& global) {
  return with_workspace(global, [&](app::Workspace& workspace) {
    const app::Session session = app::terminal_session();
    auto instance = app::product_instance(workspace, flags.product, {flags.collusion, flags.max_exposure_share, today(session)});
    if (!instance.ok()) return fail(instance.error());
    if (!flags.emit_instance.empty()) {
      if (Status written = write_file_atomically(flags.emit_instance, plan::instance_json(*instance)); !written.ok()) {
        return fail(written.error());
      }
    }
    auto costing = costing_of(workspace, flags.product, today(session));
    if (!costing.ok()) return fail(costing.error());
    if (flags.frontier || !flags.save) return run_plan(std::move(*instance), flags, global.json, *costing);
    const plan::Plan plan = plan::solve(*instance, {flags.time_limit, !flags.heuristic, flags.started});
    auto saved = app::save_plan(workspace, session, flags.product, *instance, plan);
    if (!saved.ok()) return fail(saved.error());
    if (global.json) {
      std::cout << plan::plan_json(plan);
    } else {
      print_plan(plan, *costing);
      std::cout << "\nSaved as " << saved->id << " (draft); approve it with: moat plan approve --product "
                << flags.product << " --plan " << saved->id << "\n";
    }
    return 0;
  });
}

int approve(const PlanFlags& flags, const GlobalOptions& global) {
  return with_workspace(global, [&](app::Workspace& workspace) {
    auto approved = app::approve_plan(workspace, app::terminal_session(), flags.product, flags.plan_id);
    if (!approved.ok()) return fail(approved.error());
    if (global.json) {
      std::cout << json{{"plan", approved->id}, {"state", approved->state}, {"approved_by", approved->approved_by}}.dump() << "\n";
    } else {
      std::cout << "Approved " << approved->id << " of " << flags.product << " (by " << approved->approved_by << ")\n";
    }
    return 0;
  });
}

std::function<int()> define_plan(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<PlanFlags>();
  CLI::App* approve_command = app.add_subcommand("approve", "approve a saved plan (default: the newest)");
  approve_command->add_option("--product", flags->product, "the product")->required();
  approve_command->add_option("--plan", flags->plan_id, "the plan's id (plan-N)");
  approve_command->add_option("-w,--workspace", global.workspace, "workspace folder");
  approve_command->add_option("--token", global.token, "act as the user of this API token (default: $MOAT_TOKEN)");
  approve_command->add_flag("--json", global.json, "print as JSON");
  app.add_option("--instance", flags->instance, "plan an instance file (the planner's contract, docs/planner.md)");
  app.add_option("--product", flags->product, "plan a product of the workspace");
  app.add_option("--emit-instance", flags->emit_instance, "with --product: write the instance solved to FILE");
  app.add_flag("--save", flags->save, "with --product: save the plan as a draft in the workspace");
  app.add_option("--collusion", flags->collusion, "coalitions of up to K untrusted parties must not complete a recipe")
      ->check(CLI::Range(0, 20));
  app.add_option("--max-exposure-share", flags->max_exposure_share, "most of the total secret weight one party may hold")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--time-limit", flags->time_limit, "seconds to search (default 30)")->check(CLI::PositiveNumber);
  app.add_flag("--frontier", flags->frontier, "the price of protection: cost at collusion 0..3 and tighter caps");
  app.add_flag("--heuristic", flags->heuristic, "the fast engine alone (no proof of optimality)");
  app.add_flag("--json", global.json, "print the plan as JSON (the contract)");
  return [flags, &global, approve_command] {
    flags->started = std::chrono::steady_clock::now();
    if (approve_command->parsed()) return approve(*flags, global);
    if (!flags->product.empty() && !flags->instance.empty()) {
      return fail(input_error("--product", "give --instance or --product, not both"));
    }
    if (!flags->product.empty()) return plan_product(*flags, global);
    if (flags->instance.empty()) return fail(input_error("--instance", "name an instance file or a --product"));
    auto text = read_file(flags->instance);
    if (!text.ok()) return fail(text.error());
    auto instance = plan::parse_instance(*text, flags->instance);
    if (!instance.ok()) return fail(instance.error());
    return run_plan(std::move(*instance), *flags, global.json, Costing{});
  };
}

void print_exposure(const app::ExposureReport& report) {
  std::cout << "Exposure under " << report.plan_id << " (██ held directly, ░░ inferred):\n\n";
  std::vector<std::string> headers{"party", "share", "cap"};
  for (const auto& s : report.secrets) headers.push_back(s);
  headers.push_back("suppliers");
  TextTable table(headers);
  for (const auto& row : report.rows) {
    std::ostringstream share, cap;
    share << std::fixed << std::setprecision(0) << row.share * 100 << "%";
    cap << std::fixed << std::setprecision(0) << row.cap * 100 << "%";
    std::vector<std::string> cells{row.party + (row.trusted ? " (trusted)" : ""),
                                   share.str() + (row.over_cap ? " > CAP" : ""), row.trusted ? "-" : cap.str()};
    for (char c : row.cells) cells.push_back(c == 'D' ? "██" : c == 'I' ? "░░" : "··");
    std::string suppliers;
    for (const auto& s : row.suppliers) suppliers += (suppliers.empty() ? "" : " ") + s;
    cells.push_back(suppliers);
    table.add(std::move(cells));
  }
  table.print(std::cout);
  if (std::any_of(report.rows.begin(), report.rows.end(), [](const app::ExposureRow& r) { return r.over_cap; })) {
    std::cout << "\nA party holds more than its cap allows today (its inputs changed since the plan was approved): "
                 "re-plan and approve the new plan.\n";
  }
  std::cout << "\nRecipes (collusion level " << report.collusion << "):\n";
  for (const auto& r : report.recipes) {
    std::string members;
    for (const auto& m : r.coalition) members += (members.empty() ? "" : " + ") + m;
    std::cout << "  " << r.recipe << ": "
              << (r.min_coalition ? "needs " + std::to_string(*r.min_coalition) + " parties together (" + members + ")"
                                  : std::string("no set of untrusted parties can complete it"))
              << ((r.min_coalition && *r.min_coalition <= report.collusion) ? "  ← BREAKS THE POLICY" : "") << "\n";
  }
}

json exposure_json(const app::ExposureReport& report);

// --released: the plan's exposure (when the product has a plan) and then what releases gave out.
int released_exposure(app::Workspace& workspace, const std::string& product, const std::optional<std::string>& plan_id,
                      bool people, bool as_json) {
  auto report = app::plan_exposure(workspace, product, plan_id);
  if (!report.ok() && report.error().code() != ErrorCode::kNotFound) return fail(report.error());
  json plan = report.ok() ? exposure_json(*report) : json();
  if (report.ok() && !as_json) print_exposure(*report);
  const Status printed = print_released_knowledge(workspace, product, people, as_json, report.ok() ? &plan : nullptr);
  return printed.ok() ? 0 : fail(printed.error());
}

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
      const json shown = exposure_json(*report);
      if (Status written = write_xlsx_report(global, "exposure", shown); !written.ok()) return fail(written.error());
      if (!global.json) {
        print_exposure(*report);
        return 0;
      }
      std::cout << shown.dump(2) << "\n";
      return 0;
    });
  };
}

json exposure_json(const app::ExposureReport& report) {
  json rows = json::array();
  for (const auto& row : report.rows) {
    json held = json::array(), inferred = json::array();
    for (std::size_t s = 0; s < row.cells.size(); ++s) {
      if (row.cells[s] != ' ') held.push_back(report.secrets[s]);
      if (row.cells[s] == 'I') inferred.push_back(report.secrets[s]);
    }
    rows.push_back({{"party", row.party}, {"suppliers", row.suppliers}, {"trusted", row.trusted},
                    {"secrets", held}, {"inferred", inferred}, {"share", row.share}, {"cap", row.cap}});
  }
  json recipes = json::array();
  for (const auto& r : report.recipes) {
    recipes.push_back({{"recipe", r.recipe}, {"min_coalition", r.min_coalition ? json(*r.min_coalition) : json(nullptr)},
                       {"coalition", r.coalition}});
  }
  return {{"plan", report.plan_id}, {"collusion", report.collusion}, {"parties", rows}, {"recipes", recipes}};
}

const Command kCoreCommands[] = {
    {"init", "create a workspace: moat.toml, the database, the vault and the keys", define_init},
    {"demo", "create a workspace holding the Aurora demo product and show its summary", define_demo},
    {"status", "summarize the workspace: products, suppliers, parties, ledger", define_status},
    {"import", "import CSV files or a workspace JSON document, all or nothing", define_import},
    {"export", "write the whole workspace as one JSON document", define_export},
    {"remove", "remove records (refused while others refer to them, unless --cascade)", define_remove},
    {"list", "list the records of one kind", define_list},
    {"show", "show one record with its version", define_show},
    {"set", "change fields of one record (optimistically: --if-version)", define_set},
    {"parties", "list parties: suppliers grouped by affiliation", define_parties},
    {"plan", "choose suppliers so that no party, or coalition of K, can copy the product", define_plan},
    {"exposure", "what each party of a saved plan holds: a heatmap of parties x secrets", define_exposure},
    {"audit", "verify the ledger, list its events, sign checkpoints, prove events, export evidence", define_audit},
    {"migrate", "copy the workspace into an empty PostgreSQL database and switch to it", define_migrate},
    {"uscc", "check unified social credit codes", define_uscc},
};

}  // namespace

std::span<const Command> core_commands() { return kCoreCommands; }

std::vector<Command> commands() {
  std::vector<Command> all;
  for (const auto table : {core_commands(), vetting_commands(), legal_commands(), release_commands(),
                           serve_commands(), vault_commands(), trace_commands(), watch_commands()})
    all.insert(all.end(), table.begin(), table.end());
  return all;
}

}  // namespace moat::cli
