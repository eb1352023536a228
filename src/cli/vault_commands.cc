// SPDX-License-Identifier: Apache-2.0
// The vault commands: `moat vault verify` checks every stored file (and that every file a record
// names is there), `moat vault rotate-key` re-encrypts every file under a new key. Thin adapters
// over app/vault.h; progress is shown on a terminal only.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/session.h"
#include "app/vault.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "core/text.h"

namespace moat::cli {
namespace {

using nlohmann::json;

json report_json(const app::VaultReport& r) {
  json problems = json::array(), missing = json::array();
  for (const auto& p : r.problems) {
    const auto named = r.named_by.find(p.id);
    problems.push_back({{"id", p.id},
                        {"problem", p.problem},
                        {"records", named == r.named_by.end() ? json::array() : json(named->second)}});
  }
  for (const auto& m : r.missing) missing.push_back({{"record", m.record}, {"id", m.id}});
  return {{"ok", r.ok()},
          {"files", r.files},
          {"key", r.key},
          {"pending_rotation", r.pending_key ? json{{"to_key", *r.pending_key}} : json(nullptr)},
          {"problems", problems},
          {"missing", missing}};
}

int print_report(const app::VaultReport& r, bool as_json) {
  if (as_json) {
    std::cout << report_json(r).dump(2) << "\n";
  } else if (r.ok()) {
    std::cout << "Vault verified: " << r.files << " files decrypt and match their ids (key " << r.key
              << ").\n";
  } else {
    std::cerr << "moat: the vault has bad or missing files (never served):\n";
    for (const auto& p : r.problems) {
      const auto named = r.named_by.find(p.id);
      std::cerr << "  vault/" << p.id << ": " << p.problem
                << (named == r.named_by.end() ? "" : " (the content of " + join(named->second, ", ") + ")")
                << "\n";
    }
    for (const auto& m : r.missing) std::cerr << "  " << m.record << ": its file " << m.id << " is missing\n";
  }
  if (r.pending_key && !as_json) {
    std::cerr << "moat: a key rotation to key " << *r.pending_key
              << " is unfinished: run 'moat vault rotate-key' to finish it\n";
  }
  return r.ok() ? 0 : 1;
}

std::function<int()> define_vault(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<Runs>();
  CLI::App* verify =
      subcommand(app, "verify", "decrypt and check every stored file; name the bad ones", global);
  runs->push_back([verify, &global] {
    if (!verify->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto report = app::verify_vault(workspace, progress_line(global, "Checking", "files"));
      return report.ok() ? print_report(*report, global.json) : fail(report.error());
    });
  });
  CLI::App* rotate = subcommand(
      app, "rotate-key",
      "re-encrypt every stored file under a new key, all or nothing (resumes an interrupted one)", global);
  runs->push_back([rotate, &global] {
    if (!rotate->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto done = app::rotate_vault_key(workspace, app::terminal_session(),
                                        progress_line(global, "Re-encrypting", "files"));
      if (!done.ok()) return fail(done.error());
      if (global.json) {
        std::cout << json{{"from_key", done->from_key},
                          {"to_key", done->to_key},
                          {"files", done->files},
                          {"resumed", done->resumed}}
                         .dump(2)
                  << "\n";
      } else {
        std::cout << "Vault key rotated" << (done->resumed ? " (an interrupted rotation, finished)" : "")
                  << ": " << done->files << " files under key " << done->to_key << ", key " << done->from_key
                  << " removed.\n";
      }
      return 0;
    });
  });
  return first_parsed(runs);
}

const Command kVaultCommands[] = {
    {"vault", "check the encrypted vault's files, or rotate its key", define_vault},
};

}  // namespace

std::span<const Command> vault_commands() {
  return kVaultCommands;
}

}  // namespace moat::cli
