// SPDX-License-Identifier: Apache-2.0
// The vetting command `moat flags`: evaluate the red-flag rules; list, show, acknowledge and
// resolve flags. An evaluation of another day than today (--as-of) is a preview that records nothing.
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/overlaps.h"
#include "app/oversight.h"
#include "app/red_flags.h"
#include "app/rules.h"
#include "app/tooling.h"
#include "app/vetting.h"
#include "app/views.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "cli/table.h"
#include "cli/vetting_commands.h"
#include "core/text.h"

namespace moat::cli {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// ---- moat flags ------------------------------------------------------------------------------

// What an evaluation did or, as of another day than today, would do: a preview records nothing and
// says so.
struct Evaluated {
  std::vector<app::Flag> all;
  std::optional<Date> look_ahead;  // the day previewed (after or before today)
  bool past = false;               // before today
};

// The flags this evaluation resolved because their cause cleared, each with the fact that did.
void print_cleared(const Evaluated& e) {
  for (const app::Flag& f : e.all) {
    if (f.changed_now == "cleared")
      std::cout << "\n"
                << f.id << " (" << f.rule << ") "
                << (e.look_ahead ? "would resolve itself" : "resolved itself") << ": "
                << shown_in_cell(f.reason) << "\n";
  }
}

json flags_json(const std::vector<app::Flag>& shown, bool preview) {
  json out = json::array();
  for (const auto& f : shown) {
    json one = app::flag_json(f);
    if (preview) {
      one["preview"] = true;
      if (f.id.empty()) one["id"] = nullptr;  // never recorded
    }
    out.push_back(std::move(one));
  }
  return out;
}

std::string change_mark(const app::Flag& f, bool preview) {
  if (f.raised_now) return preview ? " (would be new)" : " (new)";
  if (f.changed_now.empty()) return "";
  return preview ? " (would be " + f.changed_now + ")" : " (" + f.changed_now + ")";
}

int print_flags(const Evaluated& e, const GlobalOptions& global, bool every_state) {
  std::vector<app::Flag> shown;
  for (const app::Flag& f : e.all) {
    if (every_state || f.state != "resolved") shown.push_back(f);
  }
  const bool preview = e.look_ahead.has_value();
  // The JSON (and the report) carry what the text says after the table too: the flags this
  // evaluation resolved, or would, because their cause cleared ("changed": "cleared").
  std::vector<app::Flag> listed = shown;
  for (const app::Flag& f : e.all) {
    if (!every_state && f.state == "resolved" && f.changed_now == "cleared") listed.push_back(f);
  }
  const json out = flags_json(listed, preview);
  if (Status written = write_xlsx_report(global, "flags", out); !written.ok()) return fail(written.error());
  if (preview) {
    (global.json ? std::cerr : std::cout)
        << "Preview as of " << e.look_ahead->to_string()
        << (e.past ? ", a date before today: the rules applied to that day's date over the records as they"
                     " are now (what was recorded after it still counts, and no flag's later change is taken "
                     "back)."
                   : ", a date after today: what an evaluation then would raise and clear.")
        << " Nothing is recorded.\n"
        << (global.json ? "" : "\n");
  }
  if (global.json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (shown.empty()) {
    std::cout << "No red flags.\n";
    print_cleared(e);
    return 0;
  }
  TextTable table({"id", "severity", "state", "rule", "subject", "summary"});
  for (const auto& f : shown) {
    table.add({(f.id.empty() ? "-" : f.id) + change_mark(f, preview), f.severity, f.state, f.rule, f.subject,
               f.summary});
  }
  table.print(std::cout);
  print_cleared(e);
  std::cout << "\nEvidence: moat flags show ID; acknowledge or resolve: moat flags ack|resolve ID... "
               "--reason TEXT\n";
  return 0;
}

struct FlagStateFlags {
  std::vector<std::string> ids;
  std::string reason;
};

void define_flag_state(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs,
                       const char* name, const char* state, const char* help) {
  auto flags = std::make_shared<FlagStateFlags>();
  CLI::App* cmd = subcommand(parent, name, help, global);
  cmd->add_option("ID", flags->ids, "flag ids (FL1 FL4 ...): all change or none")->required();
  cmd->add_option("--reason", flags->reason, "why (kept in the ledger)")->required();
  runs.push_back([cmd, flags, state, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto updated = app::update_flags(workspace, app::terminal_session(), flags->ids, state, flags->reason);
      if (!updated.ok()) return fail(updated.error());
      if (global.json) {
        json out = json::array();
        for (const app::Flag& f : *updated) out.push_back(app::flag_json(f));
        std::cout << (updated->size() == 1 ? out.front() : out).dump(2) << "\n";
        return 0;
      }
      for (const app::Flag& f : *updated) std::cout << f.id << " is " << f.state << "\n";
      return 0;
    });
  });
}

void define_flag_show(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = subcommand(parent, "show", "one flag with its evidence", global);
  cmd->add_option("ID", *id, "flag id")->required();
  runs.push_back([cmd, id, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto all = app::recorded_flags(workspace);
      if (!all.ok()) return fail(all.error());
      for (const app::Flag& f : *all) {
        if (f.id != *id) continue;
        if (global.json) {
          std::cout << app::flag_json(f).dump(2) << "\n";
          return 0;
        }
        std::cout << f.id << " [" << f.severity << ", " << f.state << "] " << f.rule << " — " << f.subject
                  << "\n"
                  << f.summary << "\n";
        TextTable table({"evidence", "value"});
        for (const auto& e : f.evidence) table.add({e.name, e.value});
        table.print(std::cout);
        if (!f.updated_by.empty())
          std::cout << f.state << " by " << f.updated_by << " at " << f.updated_at << ": " << f.reason
                    << "\n";
        return 0;
      }
      return fail(Error(ErrorCode::kNotFound, "flags/" + *id, "no such red flag"));
    });
  });
}

}  // namespace

std::function<int()> define_flags(CLI::App& app, GlobalOptions& global) {
  auto runs = std::make_shared<std::vector<std::function<int()>>>();
  define_flag_show(app, global, *runs);
  define_flag_state(app, global, *runs, "ack", "acknowledged", "acknowledge a flag: someone is on it");
  define_flag_state(app, global, *runs, "resolve", "resolved", "resolve a flag, saying why");
  define_flag_state(app, global, *runs, "reopen", "open", "reopen a flag");
  auto date = std::make_shared<std::string>();
  auto every = std::make_shared<bool>(false);
  app.add_option("--as-of", *date,
                 "evaluate as of this date (default: today; another day previews, recording nothing)");
  app.add_flag("--all", *every, "include resolved flags");
  app.add_flag("--json", global.json, "print as JSON");
  add_xlsx_option(app, global);
  return [runs, date, every, &global] {
    for (const auto& run : *runs) {
      const int code = run();
      if (code >= 0) return code;
    }
    return with_workspace(global, [&](app::Workspace& workspace) {
      const app::Session session = app::terminal_session();
      auto today = as_of(*date, session);
      if (!today.ok()) return fail(today.error());
      const bool past = *today < session.today();
      auto refreshed = app::refresh_flags_telling(workspace, session, *today,
                                                  progress_line(global, "Evaluating flags", "steps"), past);
      if (!refreshed.ok()) return fail(refreshed.error());
      const Evaluated evaluated{std::move(refreshed->flags),
                                refreshed->look_ahead ? std::optional<Date>(*today) : std::optional<Date>(),
                                past};
      return print_flags(evaluated, global, *every);
    });
  };
}

}  // namespace moat::cli
