// SPDX-License-Identifier: Apache-2.0
// moat's command-line entry point: builds the parser from the command table, runs the chosen
// command, and maps whatever escapes to exit code 2 — the one try/catch of the binary.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <iostream>
#include <string_view>

#include "cli/commands.h"
#include "core/memory.h"

namespace {

constexpr const char* kWorkspaceHelp = "workspace folder (default: $MOAT_WORKSPACE, else the current folder)";
constexpr const char* kTokenHelp =
    "act as the user of this API token (default: $MOAT_TOKEN), in a workspace with accounts";

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

// The command the arguments name, found as the parser finds it: the first word that is neither
// an option nor the value of an option taken before it (the workspace, the token). Empty when
// there is none (help, the version).
std::string_view named_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return {};
    if (arg == "-w" || arg == "--workspace" || arg == "--token") {
      ++i;
    } else if (!arg.starts_with('-')) {
      return arg;
    }
  }
  return {};
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
    // The options every command takes are taken before its name too ("moat -w W --token T trace").
    app.add_option("-w,--workspace", global.workspace, kWorkspaceHelp);
    app.add_option("--token", global.token, kTokenHelp);
    // Only the command named has its flags declared (the others their name and help, for the
    // list `moat --help` prints): declaring all of them was a sixth of a `moat set`'s work
    // (docs/PERFORMANCE.md, "A write on a large workspace"). When the arguments name a command,
    // it is the only one declared: the parser needs no other, and declaring the sixty others
    // with their two options each was another tenth of a `moat set`.
    const std::string_view named = named_command(argc, argv);
    const auto& commands = moat::cli::commands();
    const bool known = std::any_of(commands.begin(), commands.end(),
                                   [&](const moat::cli::Command& command) { return command.name == named; });
    for (const moat::cli::Command& command : commands) {
      if (known && named != command.name) continue;
      CLI::App* sub = app.add_subcommand(command.name, command.help);
      sub->add_option("-w,--workspace", global.workspace, kWorkspaceHelp);
      sub->add_option("--token", global.token, kTokenHelp);
      if (!named.empty() && named != command.name) continue;
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
