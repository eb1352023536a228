// SPDX-License-Identifier: Apache-2.0
// moat's command-line entry point: builds the parser from the command table, runs the chosen
// command, and maps whatever escapes to exit code 2 — the one try/catch of the binary.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "core/memory.h"

namespace {

// "flags resolve": the names of the subcommands parsed, outermost first.
std::string command_path(const CLI::App& app) {
  std::string path;
  for (const CLI::App* at = &app;;) {
    const auto parsed = at->get_subcommands();
    if (parsed.empty()) return path;
    at = parsed.front();
    path += (path.empty() ? "" : " ") + at->get_name();
  }
}

}  // namespace

int main(int argc, char** argv) {
  umask(077);  // every file moat creates is its owner's alone
  moat::keep_freed_memory();
  try {
    CLI::App app{"moat: plan, enforce and prove the protection of a product's IP across its suppliers"};
    app.name("moat");
    app.require_subcommand(1);
    app.set_version_flag("--version", "moat 0.1.0");
    moat::cli::GlobalOptions global;
    std::function<int()> chosen;
    app.add_option("-w,--workspace", global.workspace,
                   "workspace folder (default: $MOAT_WORKSPACE, else the current folder)");
    for (const moat::cli::Command& command : moat::cli::commands()) {
      CLI::App* sub = app.add_subcommand(command.name, command.help);
      sub->add_option("-w,--workspace", global.workspace,
                      "workspace folder (default: $MOAT_WORKSPACE, else the current folder)");
      sub->add_option(
          "--token", global.token,
          "act as the user of this API token (default: $MOAT_TOKEN), in a workspace with accounts");
      auto run = command.define(*sub, global);
      sub->callback([&chosen, run] { chosen = run; });
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      app.exit(e);
      return 1;
    }
    global.command = command_path(app);
    return chosen ? chosen() : 1;
  } catch (const std::exception& e) {
    std::cerr << "moat: internal error: " << e.what() << "\n";
    return 2;
  } catch (...) {
    std::cerr << "moat: internal error\n";
    return 2;
  }
}
