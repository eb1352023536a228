// SPDX-License-Identifier: Apache-2.0
// Inside cli (not for other folders): the core command groups the table in commands.cc lists
// (workspace_commands.cc, demo_commands.cc, plan_commands.cc), and what the demo's printing
// shares with the workspace and plan commands.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app/sourcing.h"
#include "app/workspace.h"
#include "cli/commands.h"
#include "core/result.h"

namespace moat::cli {

// The currency a plan's costs are in, and the rates its quotes were converted at.
struct Costing {
  std::string currency;            // empty: an instance file's, whatever its quotes are in
  std::vector<std::string> rates;  // "1 USD = 7.12 CNY (rate of 2026-11-30)"
};

// workspace_commands.cc
int show_summary(app::Workspace& workspace, bool as_json);
std::function<int()> define_init(CLI::App& app, GlobalOptions& global);
std::function<int()> define_status(CLI::App& app, GlobalOptions& global);
std::function<int()> define_import(CLI::App& app, GlobalOptions& global);
std::function<int()> define_remove(CLI::App& app, GlobalOptions& global);
std::function<int()> define_export(CLI::App& app, GlobalOptions& global);
std::function<int()> define_list(CLI::App& app, GlobalOptions& global);
std::function<int()> define_parties(CLI::App& app, GlobalOptions& global);
std::function<int()> define_uscc(CLI::App& app, GlobalOptions&);
std::function<int()> define_show(CLI::App& app, GlobalOptions& global);
std::function<int()> define_set(CLI::App& app, GlobalOptions& global);
std::function<int()> define_migrate(CLI::App& app, GlobalOptions& global);

// demo_commands.cc
std::function<int()> define_demo(CLI::App& app, GlobalOptions& global);

// plan_commands.cc
Result<Costing> costing_of(app::Workspace& workspace, const std::string& product, const std::string& today);
void print_plan(const plan::Plan& plan, const Costing& costing);
void print_plan(const plan::Plan& plan, const Costing& costing, std::ostream& out);
void print_frontier(const std::vector<plan::FrontierPoint>& points, const Costing& costing);
std::function<int()> define_plan(CLI::App& app, GlobalOptions& global);
void print_exposure(const app::ExposureReport& report);
std::function<int()> define_exposure(CLI::App& app, GlobalOptions& global);

}  // namespace moat::cli
