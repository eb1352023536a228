// SPDX-License-Identifier: Apache-2.0
// The trace command: `moat trace FILE` names who a leaked design file was released to, with the
// evidence, or says it carries no fingerprint. A thin adapter over app/tracing.h. Exit 0 when
// someone is named, 1 when no one is, 3 when someone is named but the ledger does not vouch for
// the records that name them (not evidence: a warning on stderr says why). The search for how the
// suspect sits on each master shows its progress on a terminal only. A suspect larger than moat
// reads into memory is traced by its SHA-256 alone, read in chunks.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/session.h"
#include "app/tracing.h"
#include "cli/common.h"
#include "cli/progress.h"

namespace moat::cli {
namespace {

std::string figure(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

void print_copy(const app::TracedCopy& c) {
  std::cout << "  release    " << c.release << " of " << c.date << " (copy " << c.copy << ")\n"
            << "  recipient  " << c.recipient << (c.recipient_name.empty() ? "" : "  " + c.recipient_name)
            << "\n"
            << "  supplier   " << c.supplier << (c.supplier_name.empty() ? "" : "  " + c.supplier_name)
            << "\n"
            << "  agreement  "
            << (c.agreement.empty() ? "none on file covers that release"
                                    : c.agreement + " (" + c.agreement_kind + ")")
            << "\n";
  for (const std::string& change : c.renamed_since) std::cout << "  changed    " << change << "\n";
  if (!c.vouched) return;
  std::cout << "  ledger     ";
  if (!*c.vouched) {
    std::cout << "NOT vouched for by the ledger, so not evidence (the warning says why)\n";
    return;
  }
  std::cout << "vouched for by event" << (c.events.size() == 1 ? " " : "s ");
  for (std::size_t i = 0; i < c.events.size(); ++i) std::cout << (i ? ", " : "") << c.events[i];
  std::cout << "\n";
}

// A naming the ledger does not vouch for is said on stderr too, whatever the output's form.
void warn_unvouched(const app::TraceOutcome& o) {
  if (!o.someone_named() || o.vouched()) return;
  std::cerr << "warning: the ledger does not vouch for the records that name " << o.named.front().recipient
            << ", so this trace is not evidence:\n";
  for (const std::string& problem : o.ledger_problems) std::cerr << "  " << problem << "\n";
  std::cerr << "  run 'moat audit verify' to find what was changed\n";
}

// What one suspect (or one member of a ZIP) was found to be, and its evidence.
void print_member(const app::TraceOutcome& o) {
  if (!o.member.empty()) std::cout << "  member     " << o.member << "\n";
  if (!o.file.empty()) std::cout << "  file       " << o.file << "  " << o.file_name << "\n";
  for (const app::TracedCopy& c : o.named) {
    print_copy(c);
    if (o.verdict == "named") {
      std::cout << "  evidence   score " << figure(c.score) << " over threshold " << figure(o.threshold)
                << ", p-value ≤ " << figure(c.p_value) << " (" << o.symbols_read
                << " symbols read; innocent named with probability ≤ " << figure(o.epsilon) << ")\n";
    } else {
      std::cout << "  evidence   SHA-256 " << o.sha256 << " equals the copy's\n";
    }
  }
  if (o.verdict == "shared-copy") {
    for (const app::TracedCopy& c : o.scored) print_copy(c);
    std::cout << "  evidence   SHA-256 " << o.sha256 << " equals each of these copies'\n";
  }
  if (o.verdict == "too-large")
    std::cout << "  evidence   SHA-256 " << o.sha256 << " is no master's or copy's\n";
  if (o.verdict == "no-fingerprint") {
    std::cout << "  evidence   " << o.symbols_read << " symbols read, threshold " << figure(o.threshold)
              << "; " << o.scored.size() << " copies scored, none above it\n";
  }
}

void print_outcome(const app::TraceOutcome& o) {
  std::cout << o.name << ": " << o.message << "\n";
  for (const std::string& unread : o.masters_unread)
    std::cout << "  not read   " << unread << " (not compared; run 'moat vault verify')\n";
  for (const std::string& unopened : o.archives_unopened) std::cout << "  not opened " << unopened << "\n";
  if (!o.archive_sha256.empty()) std::cout << "  archive    SHA-256 " << o.archive_sha256 << "\n";
  print_member(o);
  for (const app::TraceOutcome& other : o.other_members) {
    std::cout << "  also       " << other.message << "\n";
    print_member(other);
  }
}

// A suspect larger than moat reads into memory is traced by its SHA-256, read in chunks: an exact
// copy of a large file is still named.
Result<app::TraceOutcome> trace(app::Workspace& workspace, const GlobalOptions& global,
                                const std::string& path) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (!error && size > max_input_bytes()) {
    return app::trace_large_file(workspace, app::terminal_session(), path, path, size, max_input_bytes());
  }
  MOAT_TRY(const std::string content, read_file(path));
  return app::trace_file(workspace, app::terminal_session(), content, path,
                         progress_line(global, "Tracing", "search steps"));
}

std::function<int()> define_trace(CLI::App& app, GlobalOptions& global) {
  auto path = std::make_shared<std::string>();
  app.add_option("FILE", *path,
                 "the file found outside (PDF, STEP, Gerber, Excellon, a ZIP of them, or any other)")
      ->required();
  app.add_flag("--json", global.json, "print the trace as JSON");
  return [path, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      Result<app::TraceOutcome> traced = trace(workspace, global, *path);
      if (!traced.ok()) return fail(traced.error());
      if (global.json) {
        std::cout << app::trace_json(*traced).dump(2) << "\n";
      } else {
        print_outcome(*traced);
      }
      warn_unvouched(*traced);
      for (const app::TraceOutcome& other : traced->other_members) warn_unvouched(other);
      if (!traced->someone_named()) return 1;
      return traced->all_vouched() ? 0 : kExitNoGo;
    });
  };
}

const Command kTraceCommands[] = {
    {"trace", "name who a leaked design file was released to, with the evidence", define_trace},
};

}  // namespace

std::span<const Command> trace_commands() {
  return kTraceCommands;
}

}  // namespace moat::cli
