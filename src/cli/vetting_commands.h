// SPDX-License-Identifier: Apache-2.0
// Inside cli (not for other folders): the vetting command groups the table in
// vetting_commands.cc lists, one file per group, and the small parsing helpers they share.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "cli/commands.h"
#include "core/result.h"

namespace moat::cli {

// "name=value" into its two halves.
Result<std::pair<std::string, std::string>> split_pair(const std::string& text, const std::string& flag);
// Stores each file in the vault and returns the documents' ids.
Result<std::vector<std::string>> store_files(app::Workspace& workspace, const app::Session& session,
                                             const std::vector<std::string>& paths);
std::string share_text(const std::optional<double>& share);

// supplier_commands.cc
std::function<int()> define_supplier(CLI::App& app, GlobalOptions& global);
std::function<int()> define_document(CLI::App& app, GlobalOptions& global);

// oversight_commands.cc
std::function<int()> define_assign(CLI::App& app, GlobalOptions& global);
std::function<int()> define_visit(CLI::App& app, GlobalOptions& global);
std::function<int()> define_finding(CLI::App& app, GlobalOptions& global);

// tooling_commands.cc
std::function<int()> define_tooling(CLI::App& app, GlobalOptions& global);
std::function<int()> define_reconcile(CLI::App& app, GlobalOptions& global);

// flag_commands.cc
std::function<int()> define_flags(CLI::App& app, GlobalOptions& global);

}  // namespace moat::cli
