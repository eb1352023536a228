// SPDX-License-Identifier: Apache-2.0
// The vetting commands' table: supplier qualification, documents in the vault, on-site oversight
// (assignments, visits, findings), tooling passports, material reconciliation and red flags.
// Each group is a file of its own (vetting_commands.h), thin adapters over app/vetting.h,
// app/oversight.h, app/tooling.h and app/red_flags.h.
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/overlaps.h"
#include "app/oversight.h"
#include "app/red_flags.h"
#include "app/rules.h"
#include "app/tooling.h"
#include "app/vetting.h"
#include "app/views.h"
#include "cli/common.h"
#include "cli/table.h"
#include "cli/vetting_commands.h"
#include "core/text.h"

namespace moat::cli {

namespace fs = std::filesystem;

// "name=value" into its two halves.
Result<std::pair<std::string, std::string>> split_pair(const std::string& text, const std::string& flag) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0)
    return input_error(flag, "'" + text + "' is not NAME=VALUE");
  return std::make_pair(text.substr(0, equals), text.substr(equals + 1));
}

// Stores each file in the vault and returns the documents' ids.
Result<std::vector<std::string>> store_files(app::Workspace& workspace, const app::Session& session,
                                             const std::vector<std::string>& paths) {
  std::vector<std::string> ids;
  for (const std::string& path : paths) {
    MOAT_TRY(const std::string content, read_file(path));
    MOAT_TRY(const app::Document document,
             app::add_document(workspace, session, fs::path(path).filename().string(), content));
    ids.push_back(document.id);
  }
  return ids;
}

std::string share_text(const std::optional<double>& share) {
  return share ? app::share_text(*share) : "";
}

namespace {

const Command kVettingCommands[] = {
    {"supplier", "qualify suppliers: assess, approve (not by the assessor), status, criteria, certificates",
     define_supplier},
    {"document", "store files encrypted in the vault, or read them back", define_document},
    {"assign", "assign our agent or engineer to a supplier", define_assign},
    {"visit", "record visits and audits scored against a checklist", define_visit},
    {"finding", "record, answer and close audit findings", define_finding},
    {"tooling", "molds, dies and fixtures: record them and their passport", define_tooling},
    {"reconcile", "material reconciliation: units that could have been built but are not accounted for",
     define_reconcile},
    {"flags", "evaluate the red-flag rules; list, show, acknowledge and resolve flags", define_flags},
};

}  // namespace

std::span<const Command> vetting_commands() {
  return kVettingCommands;
}

}  // namespace moat::cli
