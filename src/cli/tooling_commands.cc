// SPDX-License-Identifier: Apache-2.0
// The vetting commands `moat tooling` (molds, dies and fixtures and their passports) and
// `moat reconcile` (material reconciliation).
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/overlaps.h"
#include "app/oversight.h"
#include "app/reads.h"
#include "app/red_flags.h"
#include "app/rules.h"
#include "app/tooling.h"
#include "app/vetting.h"
#include "app/views.h"
#include "cli/common.h"
#include "cli/table.h"
#include "cli/vetting_commands.h"
#include "core/number_text.h"
#include "core/text.h"

namespace moat::cli {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// ---- moat tooling ----------------------------------------------------------------------------

void define_tool_add(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  struct Flags {
    app::ToolInput input;
    std::string commissioned;
  };
  auto flags = std::make_shared<Flags>();
  app::ToolInput& in = flags->input;
  CLI::App* cmd = subcommand(parent, "add", "record a mold, die or fixture the owner paid for", global);
  cmd->add_option("ID", in.id, "the owner's tool number")->required();
  cmd->add_option("--kind", in.kind, "mold, die, fixture, jig or gauge")->required();
  cmd->add_option("--name", in.name, "what it makes")->required();
  cmd->add_option("--owner", in.owner, "who owns it")->required();
  cmd->add_option("--location", in.location, "the supplier holding it")->required();
  cmd->add_option("--product", in.product, "product");
  cmd->add_option("--package", in.package, "work package");
  cmd->add_option("--maker", in.maker, "toolmaker");
  cmd->add_option("--site", in.site, "site (address)");
  cmd->add_option("--marking", in.marking, "ownership marking on the steel");
  cmd->add_option("--id-plate", in.id_plate, "ID plate text");
  cmd->add_option("--cavities", in.cavities, "parts per shot")->capture_default_str();
  cmd->add_option("--parts-per-unit", in.parts_per_unit, "parts of this tool per finished unit")
      ->capture_default_str();
  cmd->add_option("--approved-location", in.approved_locations,
                  "a supplier it may be at (repeat; default: --location)");
  cmd->add_option("--commissioned", flags->commissioned, "commissioned on");
  cmd->add_option("--note", in.note, "a note");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto commissioned = parse_optional_date(flags->commissioned, "--commissioned");
      if (!commissioned.ok()) return fail(commissioned.error());
      flags->input.commissioned = *commissioned;
      const Status done = app::add_tool(workspace, app::terminal_session(), flags->input);
      if (!done.ok()) return fail(done.error());
      std::cout << "Recorded tool " << flags->input.id << "\n";
      return 0;
    });
  });
}

void define_tool_event(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  struct Flags {
    app::ToolEventInput input;
    std::string date, approved_on;
    std::vector<std::string> evidence;
  };
  auto flags = std::make_shared<Flags>();
  app::ToolEventInput& in = flags->input;
  CLI::App* cmd = subcommand(
      parent, "event", "add to a tool's passport: reading, relocation, change, sighting, scrap", global);
  cmd->add_option("TOOL", in.tool, "tool id")->required();
  cmd->add_option("--kind", in.kind, "reading, relocation, change, sighting or scrap")->required();
  cmd->add_option("--date", flags->date, "on (default: today)");
  cmd->add_option("--shots", in.shots, "reading: the shot counter");
  cmd->add_option("--to", in.to, "relocation: the new holder; sighting: where it was seen");
  cmd->add_option("--approved-by", in.approved_by, "relocation, change: who approved it");
  cmd->add_option("--approved-on", flags->approved_on, "change: approved on");
  cmd->add_option("--visit", in.visit, "sighting: the visit");
  cmd->add_option("--description", in.description, "what happened");
  cmd->add_option("--evidence", flags->evidence, "photos, proof of destruction (repeat)");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) -> int {
      const app::Session session = app::terminal_session();
      auto date = as_of(flags->date, session);
      if (!date.ok()) return fail(date.error());
      flags->input.date = *date;
      auto approved_on = parse_optional_date(flags->approved_on, "--approved-on");
      if (!approved_on.ok()) return fail(approved_on.error());
      flags->input.approved_on = *approved_on;
      auto evidence = store_files(workspace, session, flags->evidence);
      if (!evidence.ok()) return fail(evidence.error());
      flags->input.evidence = *evidence;
      auto id = app::record_tool_event(workspace, session, flags->input);
      if (!id.ok()) return fail(id.error());
      std::cout << "Recorded " << flags->input.kind << " " << flags->input.tool << "/" << *id << "\n";
      return 0;
    });
  });
}

}  // namespace

std::function<int()> define_tooling(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<std::vector<std::function<int()>>>();
  define_tool_add(app, global, *runs);
  define_tool_event(app, global, *runs);
  return first_parsed(runs);
}
namespace {

// ---- moat reconcile --------------------------------------------------------------------------

json reconciliation_json(const vet::Reconciliation& r) {
  json lines = json::array();
  for (const vet::Line& l : r.lines) {
    lines.push_back({{"check", l.check},
                     {"item", l.item},
                     {"possible", l.possible},
                     {"accounted", l.accounted},
                     {"unaccounted", l.unaccounted},
                     {"arithmetic", l.arithmetic}});
  }
  return {{"supplier", r.supplier},
          {"product", r.product},
          {"from", r.from.to_string()},
          {"to", r.to.to_string()},
          {"ordered", r.ordered},
          {"shipped", r.shipped},
          {"scrap", r.scrap},
          {"on_hand_start", r.on_hand_start},
          {"on_hand_end", r.on_hand_end},
          {"accounted", r.accounted},
          {"unaccounted_units", r.unaccounted_units},
          {"lines", lines}};
}

void print_reconciliation(const vet::Reconciliation& r) {
  std::cout << r.supplier << " × " << r.product << ", " << r.from.to_string() << " to " << r.to.to_string()
            << ": ordered " << format_number(r.ordered) << ", shipped " << format_number(r.shipped)
            << ", scrap " << format_number(r.scrap) << ", accounted " << format_number(r.accounted) << "\n";
  for (const vet::Line& l : r.lines) {
    std::cout << "  " << l.check << (l.item.empty() ? "" : " " + l.item) << ": " << l.arithmetic << "\n";
  }
  std::cout << "  unaccounted units: " << format_number(r.unaccounted_units) << "\n";
}

}  // namespace

std::function<int()> define_reconcile(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<std::array<std::string, 4>>();  // supplier, product, from, to
  app.add_option("--supplier", (*flags)[0], "supplier id (default: every supplier with orders or movements)");
  app.add_option("--product", (*flags)[1], "product id (with --supplier)");
  app.add_option("--from", (*flags)[2], "first day (with --supplier; default: 2000-01-01)");
  app.add_option("--to", (*flags)[3], "last day (default: today)");
  app.add_flag("--json", global.json, "print as JSON");
  add_xlsx_option(app, global);
  return [flags, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) -> int {
      auto to = as_of((*flags)[3], app::terminal_session());
      if (!to.ok()) return fail(to.error());
      std::vector<vet::Reconciliation> results;
      if ((*flags)[0].empty()) {
        // Without --supplier every pair is reconciled over its whole history: a product or a first
        // day given would be ignored.
        for (const auto& [flag, value] : {std::pair{"--product", (*flags)[1]}, {"--from", (*flags)[2]}}) {
          if (value.empty()) continue;
          return fail(input_error(flag,
                                  "needs --supplier and --product (without them, every supplier × "
                                  "product is reconciled from its first order or movement)"));
        }
        auto all = app::reconcile_all(workspace, *to);
        if (!all.ok()) return fail(all.error());
        results = *all;
      } else {
        auto supplier = app::read_record(workspace, "suppliers", {(*flags)[0]});
        if (!supplier.ok()) return fail(supplier.error());
        if (!*supplier)
          return fail(Error(ErrorCode::kNotFound, "--supplier", "no supplier '" + (*flags)[0] + "'"));
        if ((*flags)[1].empty()) return fail(input_error("--product", "name the product to reconcile"));
        auto from = parse_date((*flags)[2].empty() ? "2000-01-01" : (*flags)[2], "--from");
        if (!from.ok()) return fail(from.error());
        auto one = app::reconcile_supplier(workspace, (*flags)[0], (*flags)[1], *from, *to);
        if (!one.ok()) return fail(one.error());
        results.push_back(*one);
      }
      json out = json::array();
      for (const auto& r : results) out.push_back(reconciliation_json(r));
      if (Status written = write_xlsx_report(global, "reconciliation", out); !written.ok())
        return fail(written.error());
      if (global.json) {
        std::cout << out.dump(2) << "\n";
        return 0;
      }
      for (const auto& r : results) print_reconciliation(r);
      return 0;
    });
  };
}

}  // namespace moat::cli
