// SPDX-License-Identifier: Apache-2.0
// The `moat` command table: every subcommand's name, one-line help, its flags and the function
// that runs it. One table drives dispatch and help (like Ninja's kTools); each command is a
// thin adapter that parses, calls src/app and renders a table or JSON.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace moat::cli {

// Flags every command shares.
struct GlobalOptions {
  std::optional<std::string> workspace;  // -w DIR
  bool json = false;                     // --json
  std::string xlsx;                      // --xlsx FILE: reports also written as a workbook
  std::string token;                     // --token: who acts, in a workspace with accounts
  std::string command;                   // the command run: "flags resolve" (what it may do)
};

struct Command {
  const char* name;
  const char* help;
  // Declares the command's flags on `app`; returns what runs it (an exit code: 0, 1 or 2).
  std::function<std::function<int()>(CLI::App& app, GlobalOptions& global)> define;
};

// Every command, in help order: the tables of each command file, concatenated.
std::vector<Command> commands();

// One table per command file (commands.cc, vetting_commands.cc, ...).
std::span<const Command> core_commands();
std::span<const Command> vetting_commands();
std::span<const Command> legal_commands();
std::span<const Command> serve_commands();
std::span<const Command> vault_commands();
std::span<const Command> release_commands();
std::span<const Command> trace_commands();
std::span<const Command> watch_commands();

// `moat audit` (audit_commands.cc).
std::function<int()> define_audit(CLI::App& app, GlobalOptions& global);

}  // namespace moat::cli
