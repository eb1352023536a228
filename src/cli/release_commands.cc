// SPDX-License-Identifier: Apache-2.0
// The release commands: design files in the vault (moat file), releases of them to people at a
// supplier (moat release, with list, show, revoke and returned), and the released knowledge beside
// the plan's (moat exposure --released). Thin adapters over app/design_files.h and app/releases.h.
#include <CLI/CLI.hpp>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/design_files.h"
#include "app/file_kinds.h"
#include "app/marking.h"
#include "app/releases.h"
#include "app/views.h"
#include "cli/common.h"
#include "cli/table.h"
#include "core/text.h"

namespace moat::cli {
namespace {

using nlohmann::json;

// Exit status of a dry run that would be refused: the gate's no-go.
constexpr int kWouldBeRefused = 3;

int with_session(const GlobalOptions& global,
                 const std::function<Status(app::Workspace&, const app::Session&)>& body) {
  return with_workspace(global, [&](app::Workspace& workspace) {
    const Status done = body(workspace, app::terminal_session());
    return done.ok() ? 0 : fail(done.error());
  });
}

std::string size_text(std::uint64_t bytes) {
  std::ostringstream out;
  if (bytes < 1024) return std::to_string(bytes) + " B";
  out << std::fixed << std::setprecision(1);
  const auto size = static_cast<double>(bytes);
  if (bytes < 1024 * 1024)
    out << size / 1024.0 << " KiB";
  else
    out << size / (1024.0 * 1024.0) << " MiB";
  return out.str();
}

// ---- moat file --------------------------------------------------------------------------------

void print_files(const std::vector<app::DesignFile>& files) {
  TextTable table({"id", "package", "name", "rev", "kind", "size", "secrets", "sha256"});
  for (const app::DesignFile& f : files) {
    table.add({f.id, f.package, f.name, std::to_string(f.revision), std::string(app::kind_name(f.media_type)),
               size_text(f.size), join(f.secrets, ";"), f.sha256.substr(0, 12)});
  }
  table.print(std::cout);
}

json files_json(const std::vector<app::DesignFile>& files) {
  json out = json::array();
  for (const app::DesignFile& f : files) out.push_back(app::file_json(f));
  return out;
}

void define_file_add(CLI::App& app, GlobalOptions& global, Runs& runs) {
  struct Flags {
    app::AddFiles request;
    std::vector<std::string> paths;
    std::string secrets;
    bool secrets_given = false;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = subcommand(
      app, "add", "store design files of a work package in the vault (a ZIP of Gerbers as its members)",
      global);
  cmd->add_option("PACKAGE", flags->request.package, "the work package the files belong to")->required();
  cmd->add_option("FILE", flags->paths, "the files")->required();
  cmd->add_option("--product", flags->request.product, "the product (when several have the package)");
  cmd->add_option("--secrets", flags->secrets,
                  "the secrets they carry, S1;S2 (default: all the package exposes)");
  cmd->add_option("--note", flags->request.note, "a note");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      Flags& f = *flags;
      if (cmd->count("--secrets") > 0) f.request.secrets = split_list(f.secrets, ";, ");
      for (const std::string& path : f.paths) f.request.files.push_back({path, "", path});  // streamed
      MOAT_TRY(const std::vector<app::DesignFile> added,
               app::add_files(workspace, session, std::move(f.request)));
      if (global.json) {
        std::cout << files_json(added).dump(2) << "\n";
      } else {
        print_files(added);
      }
      return {};
    });
  });
}

void define_file_list(CLI::App& app, GlobalOptions& global, Runs& runs) {
  auto filter = std::make_shared<app::FileFilter>();
  CLI::App* cmd =
      subcommand(app, "list", "design files: each name's current revision (--all: every revision)", global);
  cmd->add_option("--product", filter->product, "only this product's");
  cmd->add_option("--package", filter->package, "only this work package's");
  cmd->add_flag("--all", filter->all_revisions, "every revision, not only the current ones");
  runs.push_back([cmd, filter, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session&) -> Status {
      MOAT_TRY(const std::vector<app::DesignFile> files, app::list_files(workspace, *filter));
      if (global.json) {
        std::cout << files_json(files).dump(2) << "\n";
      } else {
        print_files(files);
      }
      return {};
    });
  });
}

void define_file_show(CLI::App& app, GlobalOptions& global, Runs& runs) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = subcommand(app, "show", "one design file with its revisions", global);
  cmd->add_option("ID", *id, "the file's id (D1, ...)")->required();
  runs.push_back([cmd, id, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session&) -> Status {
      MOAT_TRY(const app::DesignFile file, app::find_file(workspace, *id));
      MOAT_TRY(const std::vector<app::DesignFile> revisions, app::revisions_of(workspace, file));
      if (global.json) {
        json out = app::file_json(file);
        out["revisions"] = files_json(revisions);
        std::cout << out.dump(2) << "\n";
        return {};
      }
      std::cout << file.id << "  " << file.name << " (revision " << file.revision << ")\n"
                << "  product " << file.product << ", work package " << file.package << "\n"
                << "  kind " << app::kind_name(file.media_type) << " (" << file.media_type << "), "
                << size_text(file.size) << "\n  sha256 " << file.sha256 << "\n  secrets "
                << (file.secrets.empty() ? "none" : join(file.secrets, ", ")) << "\n  added " << file.added_at
                << " by " << file.added_by << "\n";
      if (!file.archive.empty()) std::cout << "  from the archive " << file.archive << "\n";
      if (!file.note.empty()) std::cout << "  note " << file.note << "\n";
      std::cout << "\nRevisions:\n";
      print_files(revisions);
      return {};
    });
  });
}

void define_file_get(CLI::App& app, GlobalOptions& global, Runs& runs) {
  auto flags = std::make_shared<std::array<std::string, 2>>();  // id, output
  CLI::App* cmd =
      subcommand(app, "get", "write a file's unmarked master (administrators only; recorded)", global);
  cmd->add_option("ID", (*flags)[0], "the file's id")->required();
  cmd->add_option("-o,--output", (*flags)[1], "write it here (default: standard output)");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      MOAT_TRY(const std::string content, app::read_master(workspace, session, (*flags)[0]));
      if ((*flags)[1].empty()) {
        std::cout << content;
        return {};
      }
      MOAT_CHECK(write_file_atomically((*flags)[1], content));
      if (global.json)
        std::cout << json{{"file", (*flags)[0]}, {"written", (*flags)[1]}, {"size", content.size()}}.dump()
                  << "\n";
      return {};
    });
  });
}

std::function<int()> define_file(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<Runs>();
  define_file_add(app, global, *runs);
  define_file_list(app, global, *runs);
  define_file_show(app, global, *runs);
  define_file_get(app, global, *runs);
  return first_parsed(runs);
}

// ---- moat release ----------------------------------------------------------------------------

void print_refusals(std::ostream& out, const std::vector<app::Refusal>& refusals) {
  for (const app::Refusal& r : refusals) out << "  " << r.rule << ": " << r.message << "\n";
}

void print_changes(const std::vector<app::KnowledgeChange>& changes) {
  if (changes.empty()) return;
  std::cout << "\nWhat it does to exposure (held after inference):\n";
  TextTable table({"holder", "", "before", "after", "share", "cap"});
  for (const app::KnowledgeChange& c : changes) {
    table.add({c.kind + " " + c.holder + (c.trusted ? " (trusted)" : ""), c.label,
               c.before.empty() ? "-" : join(c.before, " "), join(c.after, " "),
               app::share_text(c.share_before, c.cap) + " -> " + app::share_text(c.share_after, c.cap),
               app::share_text(c.cap)});
  }
  table.print(std::cout);
}

// Files whose copies went out unmarked, each once: every recipient holds the master's bytes, so a
// leak of them names no one. A file moat could not mark although its kind is marked is a warning;
// one of a kind moat does not mark, a note.
void warn_unmarked(const std::vector<app::CopyMade>& copies) {
  std::map<std::string, std::pair<const app::CopyMade*, std::size_t>> files;
  for (const app::CopyMade& c : copies) {
    if (c.unmarked.empty()) continue;
    auto& [first, count] = files[c.file];
    if (!first) first = &c;
    ++count;
  }
  for (const auto& [file, seen] : files) {
    const auto& [c, count] = seen;
    const bool kind = c->unmarked == app::kNotMarkedKind;
    std::cerr << (kind ? "note: " : "warning: ") << file << " (" << c->name << ") went out unmarked"
              << (kind ? " (" + c->unmarked + ")" : ": " + c->unmarked) << "; its " << count
              << (count == 1 ? " copy is" : " copies are")
              << " the master's bytes, so a leak of it names no one\n";
  }
}

// How many colluders a copy's mark resists, or "-" for a copy not marked.
std::string resists_text(const app::CopyMade& c) {
  return c.unmarked.empty() && c.scheme != "none" ? std::to_string(c.resists) : "-";
}

// Files whose copies are marked too lightly to name one recipient at the accusation threshold
// (`resists` 0: a layer of few carriers, a drawing of few lines), each once: such a copy names its
// recipient only byte for byte (the copies' registry); altered, it names no one.
void warn_weak(const std::vector<app::CopyMade>& copies) {
  std::map<std::string, const app::CopyMade*> files;
  for (const app::CopyMade& c : copies) {
    if (c.unmarked.empty() && c.scheme != "none" && c.resists == 0) files.emplace(c.file, &c);
  }
  for (const auto& [file, c] : files) {
    std::cerr << "warning: " << file << " (" << c->name << ") is marked too lightly to name its "
              << "recipient once altered (resists 0): a leak of it may name them only byte for byte\n";
  }
}

void print_outcome(const app::ReleaseOutcome& o) {
  const auto waived =
      std::count_if(o.verdict.checks.begin(), o.verdict.checks.end(),
                    [](const gate::Check& c) { return c.status == gate::CheckStatus::kWaived; });
  std::cout << (o.dry_run ? "Dry run: releasing "
                : o.go    ? "Released " + o.id + ": "
                          : "Refused: ")
            << o.package << " (" << o.product << ") to " << o.supplier << ", " << o.recipients.size()
            << " recipient(s) x " << o.files.size() << " file(s)\n"
            << "Gate: " << gate::verdict_name(o.verdict) << " (" << o.verdict.checks.size() << " checks"
            << (waived ? ", " + std::to_string(waived) + " waived" : "") << ")\n";
  if (o.dry_run) std::cout << (o.go ? "It would go." : "It would be refused:") << "\n";
  print_refusals(std::cout, o.refusals);
  print_changes(o.changes);
  if (o.copies.empty()) return;
  std::cout << "\nCopies:\n";
  TextTable table({"copy", "recipient", "file", "rev", "name", "sha256", "scheme", "resists", "where"});
  for (const app::CopyMade& c : o.copies) {
    table.add({c.id, c.recipient, c.file, std::to_string(c.revision), c.name, c.copy_hash.substr(0, 12),
               c.scheme, resists_text(c), c.path.empty() ? "vault" : c.path});
  }
  table.print(std::cout);
  warn_unmarked(o.copies);
  warn_weak(o.copies);
}

struct ReleaseFlags {
  app::ReleaseRequest request;
  std::string expires, as_of;
};

int run_release(app::Workspace& workspace, ReleaseFlags& f, const GlobalOptions& global) {
  const app::Session session = app::terminal_session();
  // A release leaves today, on today's verdict: an earlier day's (or a later one's) is only asked.
  if (!f.as_of.empty() && !f.request.dry_run) {
    return fail(input_error("--as-of",
                            "a release goes out today, on today's gate: --as-of only asks what a "
                            "release would have done on another day (add --dry-run)"));
  }
  auto today = as_of(f.as_of, session);
  if (!today.ok()) return fail(today.error());
  f.request.today = *today;
  auto expires = parse_optional_date(f.expires, "--expires");
  if (!expires.ok()) return fail(expires.error());
  f.request.expires = *expires;
  auto outcome = app::release_files(workspace, session, f.request);
  if (!outcome.ok()) return fail(outcome.error());
  if (global.json) {
    std::cout << app::outcome_json(*outcome).dump(2) << "\n";
  } else if (outcome->go || f.request.dry_run) {
    print_outcome(*outcome);
  }
  if (f.request.dry_run) return outcome->go ? 0 : kWouldBeRefused;
  if (outcome->go) return 0;
  if (!global.json) {
    std::cerr << "moat: release refused, nothing written:\n";
    print_refusals(std::cerr, outcome->refusals);
  }
  return 1;
}

void print_releases(const std::vector<app::ReleaseView>& releases) {
  TextTable table(
      {"release", "package", "supplier", "recipients", "files", "date", "expires", "state", "returned"});
  for (const app::ReleaseView& r : releases) {
    table.add({r.id, r.product + "/" + r.package, r.supplier, join(r.recipients, " "),
               std::to_string(r.files.size()), r.date, r.expires, r.state + (r.flagged ? " (!)" : ""),
               r.returned ? "yes" : ""});
  }
  table.print(std::cout);
}

void print_release(const app::ReleaseView& r) {
  std::cout << r.id << "  " << r.product << "/" << r.package << " to " << r.supplier << " " << r.supplier_name
            << "\n"
            << "  on " << r.date << " by " << r.created_by
            << (r.expires.empty() ? "" : ", expires " + r.expires) << "\n"
            << "  state " << r.state
            << (r.returned  ? ", return confirmed"
                : r.flagged ? ", files NOT confirmed returned"
                            : "")
            << "\n";
  if (!r.reason.empty()) std::cout << "  reason " << r.reason << "\n";
  if (!r.revoked_at.empty())
    std::cout << "  revoked " << r.revoked_at << " by " << r.revoked_by << ": " << r.revoke_reason << "\n";
  if (!r.returned_at.empty())
    std::cout << "  returned " << r.returned_at << " by " << r.returned_by << ": " << r.return_reason << "\n";
  std::cout << "  to " << r.destination << "\n\n";
  TextTable table({"copy", "recipient", "file", "rev", "name", "sha256", "scheme", "resists"});
  for (const app::CopyMade& c : r.copies) {
    table.add({c.id, c.recipient, c.file, std::to_string(c.revision), c.name, c.copy_hash.substr(0, 12),
               c.scheme, resists_text(c)});
  }
  table.print(std::cout);
}

void define_release_list(CLI::App& app, GlobalOptions& global, Runs& runs) {
  struct Flags {
    app::ReleaseFilter filter;
    std::string as_of;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd =
      subcommand(app, "list", "releases, newest first: who has what, since when, and their state", global);
  cmd->add_option("--supplier", flags->filter.supplier, "only those to this supplier");
  cmd->add_option("--product", flags->filter.product, "only this product's");
  cmd->add_option("--person", flags->filter.person, "only those to this person");
  cmd->add_option("--as-of", flags->as_of, "states as of this date (default: today)");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      MOAT_TRY(const Date today, as_of(flags->as_of, session));
      MOAT_CHECK(app::check_release_filter(workspace, flags->filter));
      MOAT_TRY(const std::vector<app::ReleaseView> releases,
               app::list_releases(workspace, flags->filter, today));
      if (!global.json) {
        print_releases(releases);
        return {};
      }
      json out = json::array();
      for (const app::ReleaseView& r : releases) out.push_back(app::release_json(r));
      std::cout << out.dump(2) << "\n";
      return {};
    });
  });
}

void define_release_show(CLI::App& app, GlobalOptions& global, Runs& runs) {
  auto flags = std::make_shared<std::array<std::string, 2>>();  // id, as-of
  CLI::App* cmd = subcommand(app, "show", "one release with its copies", global);
  cmd->add_option("ID", (*flags)[0], "the release (R1, ...)")->required();
  cmd->add_option("--as-of", (*flags)[1], "its state as of this date (default: today)");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      MOAT_TRY(const Date today, as_of((*flags)[1], session));
      MOAT_TRY(const app::ReleaseView release, app::find_release(workspace, (*flags)[0], today));
      if (global.json) {
        std::cout << app::release_json(release).dump(2) << "\n";
      } else {
        print_release(release);
      }
      return {};
    });
  });
}

using ReleaseChange = Result<app::ReleaseView> (*)(app::Workspace&, const app::Session&, const std::string&,
                                                   const std::string&, Date);

void define_release_change(CLI::App& app, GlobalOptions& global, Runs& runs, const char* name,
                           const char* help, ReleaseChange change) {
  auto flags = std::make_shared<std::array<std::string, 2>>();  // id, reason
  CLI::App* cmd = subcommand(app, name, help, global);
  cmd->add_option("ID", (*flags)[0], "the release (R1, ...)")->required();
  cmd->add_option("--reason", (*flags)[1], "why (recorded in the ledger)")->required();
  runs.push_back([cmd, flags, &global, change] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      MOAT_TRY(const Date today, as_of("", session));
      MOAT_TRY(const app::ReleaseView release, change(workspace, session, (*flags)[0], (*flags)[1], today));
      if (global.json) {
        std::cout << app::release_json(release).dump(2) << "\n";
      } else {
        print_release(release);
      }
      return {};
    });
  });
}

std::function<int()> define_release(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<ReleaseFlags>();
  app::ReleaseRequest& r = flags->request;
  app.add_option("PACKAGE", r.package, "the work package whose files are released");
  app.add_option("--to", r.supplier, "the supplier (the approved plan must name it for the package)");
  app.add_option("--recipient", r.recipients,
                 "a person at the supplier who receives a copy (repeat for each)");
  app.add_option("--files", r.files, "only these files (ids; default: the package's current files)");
  app.add_option("--product", r.product, "the product (when several have the package)");
  app.add_option("--expires", flags->expires, "the last day the release may be used");
  app.add_option("--reason", r.reason, "why it is released (recorded)");
  app.add_option("--out", r.out, "write the copies here, one folder per recipient (default: the vault)");
  app.add_option("--as-of", flags->as_of, "with --dry-run: decide as of this date (default: today)");
  app.add_flag("--dry-run", r.dry_run,
               "show what the release would do to exposure; write nothing (exit 3: refused)");
  app.add_flag("--json", global.json, "print as JSON");
  auto runs = std::make_shared<Runs>();
  define_release_list(app, global, *runs);
  define_release_show(app, global, *runs);
  define_release_change(app, global, *runs, "revoke", "revoke a release: its copies are no longer served",
                        app::revoke_release);
  define_release_change(app, global, *runs, "returned",
                        "confirm that a release's files were returned or destroyed", app::confirm_return);
  const auto sub = first_parsed(runs);
  return [&app, flags, sub, &global] {
    if (!app.get_subcommands([](CLI::App* s) { return s->parsed(); }).empty()) return sub();
    if (flags->request.package.empty() || flags->request.supplier.empty()) {
      return fail(input_error(
          flags->request.package.empty() ? "PACKAGE" : "--to",
          "name the work package and the supplier: moat release PACKAGE --to SUPPLIER --recipient PERSON"));
    }
    return with_workspace(global,
                          [&](app::Workspace& workspace) { return run_release(workspace, *flags, global); });
  };
}

const Command kReleaseCommands[] = {
    {"file", "design files in the vault: add (a ZIP of Gerbers as its members), list, show, get the master",
     define_file},
    {"release",
     "release a work package's files to named people at a supplier, through the gate; list, show, revoke",
     define_release},
};

}  // namespace

std::span<const Command> release_commands() {
  return kReleaseCommands;
}

// The product's released knowledge, per party or per person (moat exposure --released).
Status print_released_knowledge(app::Workspace& workspace, const std::string& product, bool people,
                                bool as_json, nlohmann::json* plan_json) {
  MOAT_TRY(const app::ReleasedKnowledge k, app::released_knowledge(workspace, product, people));
  if (as_json) {
    std::cout << json{{"product", product},
                      {"plan", plan_json ? *plan_json : json()},
                      {"released", app::knowledge_json(k)}}
                     .dump(2)
              << "\n";
    return {};
  }
  std::cout << "\nReleased so far, per " << (people ? "person" : "party")
            << " (██ released, ░░ inferred):\n\n";
  std::vector<std::string> headers{people ? "person" : "party", "share", "cap"};
  headers.insert(headers.end(), k.secrets.begin(), k.secrets.end());
  headers.push_back(people ? "name" : "suppliers");
  TextTable table(headers);
  for (const app::KnowledgeRow& row : k.rows) {
    std::vector<std::string> cells{
        row.holder + (people ? " @" + row.supplier : "") + (row.trusted ? " (trusted)" : ""),
        app::share_text(row.share, row.cap), app::share_text(row.cap)};
    for (const char c : row.cells) cells.push_back(c == 'D' ? "██" : c == 'I' ? "░░" : "··");
    cells.push_back(row.label);
    table.add(std::move(cells));
  }
  table.print(std::cout);
  const int level = people ? k.person_collusion : k.collusion;
  std::cout << "\nRecipes (" << (people ? "person_collusion " : "collusion ") << level << "):\n";
  for (const app::RecipeReach& r : k.recipes) {
    std::cout << "  " << r.recipe << ": "
              << (r.min_coalition ? "reachable by " + std::to_string(*r.min_coalition) + " (" +
                                        join(r.holders, " + ") + ")"
                                  : std::string("no holder can complete it"))
              << (r.min_coalition && *r.min_coalition <= level ? "  <- BREAKS THE POLICY" : "") << "\n";
  }
  return {};
}

}  // namespace moat::cli
