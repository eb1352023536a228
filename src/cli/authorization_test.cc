// SPDX-License-Identifier: Apache-2.0
#include "cli/authorization.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace moat::cli {
namespace {

// Every command's full name ("watch reference remove"), as `moat` declares them.
void collect(const CLI::App& app, const std::string& prefix, std::vector<std::string>& out) {
  const std::vector<const CLI::App*> subs = app.get_subcommands([](const CLI::App*) { return true; });
  if (subs.empty() && !prefix.empty()) out.push_back(prefix);
  for (const CLI::App* sub : subs)
    collect(*sub, prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name(), out);
}

// A command missing from the table falls back to its parents' capability, and at the top to
// reading: a new command that writes and is not listed could be run by a viewer. Every command
// that only reads is named here; any other must need more than reading.
TEST(AuthorizationTest, EveryCommandNotKnownToOnlyReadNeedsMoreThanReading) {
  CLI::App app{"moat"};
  GlobalOptions global;
  for (const Command& command : commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.help);
    command.define(*sub, global);
  }
  std::vector<std::string> names;
  collect(app, "", names);
  ASSERT_GT(names.size(), 50U);
  static const std::set<std::string> kReadOnly = {"init",
                                                  "demo",
                                                  "status",
                                                  "export",
                                                  "list",
                                                  "show",
                                                  "parties",
                                                  "exposure",
                                                  "audit verify",
                                                  "audit keys",
                                                  "audit keygen",
                                                  "audit prove",
                                                  "uscc",
                                                  "supplier status",
                                                  "supplier criteria",
                                                  "document get",
                                                  "visit checklist",
                                                  "reconcile",
                                                  "flags show",
                                                  "agreement list",
                                                  "agreement check",
                                                  "po list",
                                                  "po check",
                                                  "ip list",
                                                  "ip deadlines",
                                                  "ip calendar",
                                                  "gate",
                                                  "file list",
                                                  "file show",
                                                  "release list",
                                                  "release show",
                                                  "vault verify",
                                                  "watch reference list",
                                                  "watch listings",
                                                  "watch hits",
                                                  "watch document list",
                                                  "watch complaints"};
  std::vector<std::string> unlisted;
  for (const std::string& name : names) {
    if (capability_of(name) == app::Capability::kRead && !kReadOnly.contains(name)) unlisted.push_back(name);
  }
  std::string listed;
  for (const std::string& name : unlisted) listed += "\n  " + name;
  EXPECT_TRUE(unlisted.empty()) << "commands that need only reading, not known to only read:" << listed;
}

}  // namespace
}  // namespace moat::cli
