// SPDX-License-Identifier: Apache-2.0
// `moat audit`: verify the ledger (chain, Merkle tree, checkpoints, records), list its events,
// print the log's verifier key, sign checkpoints, let a witness cosign one, prove one event and
// export an evidence bundle. Thin: each subcommand calls app/audit.h, app/checkpoints.h or
// app/evidence.h and renders the result.
#include <chrono>
#include <iostream>
#include <limits>

#include <CLI/CLI.hpp>

#include "app/audit.h"
#include "app/checkpoints.h"
#include "app/evidence.h"
#include "app/views.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "cli/table.h"
#include "core/text.h"

namespace moat::cli {
namespace {

using nlohmann::json;

int run_with_session(const GlobalOptions& global,
                     const std::function<Status(app::Workspace&, const app::Session&)>& body) {
  return with_workspace(global, [&](app::Workspace& workspace) {
    const Status done = body(workspace, app::terminal_session());
    return done.ok() ? 0 : fail(done.error());
  });
}

// What to print to stdout or write to --out (whole or not at all).
Status emit(const std::string& out, const std::string& text) {
  if (out.empty() || out == "-") {
    std::cout << text;
    return {};
  }
  return write_file_atomically(out, text);
}

json checkpoint_json(const app::SignedCheckpoint& c) {
  return {
      {"id", c.id}, {"size", c.size}, {"root", ledger::to_base64(c.root)}, {"at", c.at}, {"note", c.note}};
}

json tree_json(const app::AuditReport& r) {
  if (!r.tree) return nullptr;
  const app::TreeAudit& t = *r.tree;
  return {{"ok", t.tree.ok && t.problems.empty()},
          {"size", t.tree.size},
          {"root", t.tree.ok ? json(ledger::to_base64(t.tree.root)) : json(nullptr)},
          {"first_bad_event", t.tree.first_bad ? json(*t.tree.first_bad) : json(nullptr)},
          {"problem", t.tree.ok ? json(nullptr) : json(t.tree.problem)},
          {"checkpoints_checked", t.checkpoints_checked},
          {"last_checkpoint", t.last_checkpoint ? checkpoint_json(*t.last_checkpoint) : json(nullptr)},
          {"checkpoint_problems", t.problems}};
}

std::optional<std::int64_t> first_bad_event(const app::AuditReport& r) {
  if (r.chain.first_bad) return r.chain.first_bad;
  if (r.tree && r.tree->tree.first_bad) return r.tree->tree.first_bad;
  return std::nullopt;
}

void print_verified(const app::AuditReport& r) {
  std::cout << "Ledger verified: " << r.chain.events_checked << " events chained from the genesis"
            << (r.witness_present ? ", reaching the witness" : "") << "; " << r.records_checked
            << " records match the ledger.\n";
  if (!r.tree) return;
  std::cout << "Merkle tree verified: " << r.tree->tree.size << " leaves, root "
            << ledger::to_base64(r.tree->tree.root);
  if (r.tree->last_checkpoint) {
    std::cout << "; " << r.tree->checkpoints_checked
              << " signed checkpoint(s) consistent with it, the last of " << r.tree->last_checkpoint->size
              << " events";
  }
  std::cout << ".\n";
}

int audit_verify(app::Workspace& workspace, bool as_json, const Progress& progress) {
  auto report = app::verify_ledger(workspace, progress);
  if (!report.ok()) return fail(report.error());
  const app::AuditReport& r = *report;
  const auto bad = first_bad_event(r);
  if (as_json) {
    json out = {{"ok", r.ok()},
                {"events_checked", r.chain.events_checked},
                {"first_bad_event", bad ? json(*bad) : json(nullptr)},
                {"problem", r.chain.ok ? json(nullptr) : json(r.chain.problem)},
                {"witness", r.witness_present},
                {"records_checked", r.records_checked},
                {"state_problems", r.state_problems},
                {"tree", tree_json(r)}};
    if (r.chain.ok && r.tree && !r.tree->tree.ok) out["problem"] = r.tree->tree.problem;
    std::cout << out.dump(2) << "\n";
  } else if (r.ok()) {
    print_verified(r);
  } else if (!r.chain.ok) {
    std::cerr << "moat: ledger verification failed at event " << *r.chain.first_bad << ": " << r.chain.problem
              << "\n";
  } else if (r.tree && !r.tree->tree.ok) {
    std::cerr << "moat: ledger verification failed at event " << *r.tree->tree.first_bad << ": "
              << r.tree->tree.problem << "\n";
  } else if (!r.tree_ok()) {
    std::cerr << "moat: the ledger's signed checkpoints do not hold:\n";
    for (const std::string& problem : r.tree->problems) std::cerr << "  " << problem << "\n";
  } else {
    std::cerr << "moat: the records do not match the ledger:\n";
    for (const std::string& problem : r.state_problems) std::cerr << "  " << problem << "\n";
  }
  return r.ok() ? 0 : 1;
}

// A list of fields cut to fit a table's column: whole fields, then "…" for the rest (--json has all).
std::string shortened(const std::string& fields) {
  constexpr std::size_t kWidth = 40;
  if (fields.size() <= kWidth) return fields;
  const std::size_t cut = fields.rfind(", ", kWidth - 3);
  return cut == std::string::npos ? fields.substr(0, kWidth - 3) + "…" : fields.substr(0, cut) + ", …";
}

int audit_log(app::Workspace& workspace, bool as_json, std::int64_t from, std::int64_t limit,
              const app::EventFilter& filter) {
  auto events = app::ledger_events(workspace, from, limit, filter);
  if (!events.ok()) return fail(events.error());
  if (as_json) {
    json out = json::array();
    for (const auto& e : *events) out.push_back(app::listed_event_json(e));  // "changed" whole
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (events->empty()) {
    std::cout << (filter.any() ? "No event matches." : "No events.");
    // Past the ledger's end: say where it ends.
    auto last = app::ledger_last_seq(workspace);
    if (!last.ok()) return fail(last.error());
    if (from > *last && *last > 0) std::cout << " The ledger's last event is seq " << *last << ".";
    // An entity, action or actor no event has is likely misspelt ("supplier" for "suppliers"):
    // the ledger's are named. Actors compare whatever the case, as the filter matches them.
    const auto name_known = [&](const std::string& wanted, const char* what,
                                Result<std::vector<std::string>> (*known_in)(app::Workspace&),
                                bool any_case) -> Status {
      if (wanted.empty()) return {};
      MOAT_TRY(const std::vector<std::string> known, known_in(workspace));
      const auto same = [&](const std::string& value) {
        return any_case ? to_lower_ascii(value) == to_lower_ascii(wanted) : value == wanted;
      };
      if (std::any_of(known.begin(), known.end(), same)) return {};
      std::cout << " No event has the " << what << " '" << shown_in_cell(wanted)
                << "'; the ledger's are: " << join(known, ", ") << ".";
      return {};
    };
    if (Status named = name_known(filter.entity, "entity", app::ledger_entities, false); !named.ok())
      return fail(named.error());
    if (Status named = name_known(filter.action, "action", app::ledger_actions, false); !named.ok())
      return fail(named.error());
    if (Status named = name_known(filter.actor, "actor", app::ledger_actor_names, true); !named.ok())
      return fail(named.error());
    std::cout << "\n";
    return 0;
  }
  TextTable table({"seq", "at", "actor", "action", "entity", "key", "changed", "hash"});
  for (const auto& e : *events) {
    table.add({std::to_string(e.seq), e.at, e.actor, e.action, e.entity, e.key,
               shortened(app::changed_fields(e)), e.hash.substr(0, 16)});
  }
  table.print(std::cout);
  return 0;
}

void define_verify_and_log(CLI::App& app, GlobalOptions& global, Runs& runs) {
  CLI::App* verify =
      subcommand(app, "verify",
                 "recompute the ledger's hash chain and Merkle tree, check the signed checkpoints "
                 "and the records",
                 global);
  runs.push_back([verify, &global] {
    if (!verify->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      return audit_verify(workspace, global.json, progress_line(global, "Verifying", "events and records"));
    });
  });
  CLI::App* log = subcommand(app, "log", "list the ledger's events", global);
  auto from = std::make_shared<std::int64_t>(1);
  auto limit = std::make_shared<std::int64_t>(-1);
  log->add_option("--from", *from, "first event's seq")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::numeric_limits<std::int64_t>::max()));
  log->add_option("--limit", *limit, "at most this many events (-1: all)")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{-1}, std::numeric_limits<std::int64_t>::max()));
  auto filter = std::make_shared<app::EventFilter>();
  log->add_option("--entity", filter->entity, "only events of this kind of record (suppliers, account, ...)");
  log->add_option("--key", filter->key, "only events of the record with this key (F03, plan-2, ...)");
  log->add_option("--actor", filter->actor,
                  "only events by this user (by name: 'ada' matches 'ada (token ...)')");
  log->add_option("--action", filter->action, "only events of this action (put, remove, user-disable, ...)");
  log->add_option("--about", filter->about,
                  "only events of records that name this id in their key, subject or a field of ids "
                  "(F03: the supplier, its assessments, quotes, affiliations, flags, agreements, people, "
                  "releases, tool moves)");
  runs.push_back([log, &global, from, limit, filter] {
    if (!log->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      return audit_log(workspace, global.json, *from, *limit, *filter);
    });
  });
}

void define_keys(CLI::App& app, GlobalOptions& global, Runs& runs) {
  CLI::App* cmd = subcommand(app, "keys", "print the ledger's verifier key (name+hash+keydata)", global);
  auto rotate = std::make_shared<bool>(false);
  auto all = std::make_shared<bool>(false);
  cmd->add_flag("--rotate", *rotate,
                "sign from now on with a new key (the old public key stays valid for old checkpoints)");
  cmd->add_flag("--all", *all, "every key the log has signed with, oldest first, then the witnesses' keys");
  runs.push_back([cmd, &global, rotate, all] {
    if (!cmd->parsed()) return -1;
    return run_with_session(global, [&](app::Workspace& workspace, const app::Session&) -> Status {
      if (*rotate) {
        MOAT_CHECK(app::rotate_log_key(workspace));
      }
      MOAT_TRY(const app::LogKeys keys, app::log_keys(workspace));
      MOAT_TRY(const auto witnesses, app::witness_keys(workspace));
      if (global.json) {
        json out = {{"origin", keys.current.name}, {"current", keys.current.verifier().text()}};
        for (const auto& k : keys.all) out["log_keys"].push_back(k.text());
        out["witness_keys"] = json::array();
        for (const auto& k : witnesses) out["witness_keys"].push_back(k.text());
        std::cout << out.dump(2) << "\n";
        return {};
      }
      if (!*all) {
        std::cout << keys.current.verifier().text() << "\n";
        return {};
      }
      for (const auto& k : keys.all) std::cout << k.text() << "\n";
      for (const auto& k : witnesses) std::cout << k.text() << "\n";
      return {};
    });
  });
}

void define_checkpoint(CLI::App& app, GlobalOptions& global, Runs& runs) {
  CLI::App* cmd =
      subcommand(app, "checkpoint", "sign the ledger's current tree head and print the checkpoint", global);
  auto out = std::make_shared<std::string>();
  cmd->add_option("--out", *out, "write it to this file instead");
  runs.push_back([cmd, &global, out] {
    if (!cmd->parsed()) return -1;
    return run_with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      MOAT_TRY(const app::SignedCheckpoint checkpoint, app::checkpoint_now(workspace, session));
      if (global.json) return emit(*out, checkpoint_json(checkpoint).dump(2) + "\n");
      return emit(*out, checkpoint.note);
    });
  });
}

std::uint64_t now_seconds() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

void define_cosign(CLI::App& app, GlobalOptions& global, Runs& runs) {
  struct Flags {
    std::string checkpoint, key, out;
    std::vector<std::string> log_keys;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = subcommand(
      app, "cosign", "add a witness's cosignature (c2sp.org/tlog-cosignature) to a checkpoint", global);
  cmd->add_option("CHECKPOINT", flags->checkpoint,
                  "the signed checkpoint's file (as moat audit checkpoint prints it)")
      ->required();
  cmd->add_option("--key", flags->key, "the witness's private key file (moat audit keygen makes one)")
      ->required();
  cmd->add_option("--log-key", flags->log_keys,
                  "the log's verifier key, when cosigning outside the workspace (repeat)");
  cmd->add_option("--out", flags->out, "write the cosigned checkpoint to this file instead of printing it");
  runs.push_back([cmd, &global, flags] {
    if (!cmd->parsed()) return -1;
    const auto run = [&](app::Workspace* workspace) -> Status {
      MOAT_TRY(const std::string note, read_file(flags->checkpoint));
      MOAT_TRY(const std::string key_text, read_file(flags->key));
      auto witness = ledger::parse_signer_key(key_text.substr(0, key_text.find('\n')));
      if (!witness.ok()) return input_error(flags->key, witness.error().to_string());
      std::vector<ledger::VerifierKey> log_keys;
      for (const std::string& text : flags->log_keys) {
        auto key = ledger::parse_verifier_key(text);
        if (!key.ok()) return input_error("--log-key", key.error().to_string());
        log_keys.push_back(*key);
      }
      MOAT_TRY(const std::string cosigned,
               app::cosign_checkpoint(workspace, note, *witness, log_keys, now_seconds()));
      return emit(flags->out, cosigned);
    };
    if (!flags->log_keys.empty() && !global.workspace) {
      // A witness outside the company checks against the log's published key alone.
      const Status done = run(nullptr);
      return done.ok() ? 0 : fail(done.error());
    }
    return with_workspace(global, [&](app::Workspace& workspace) {
      const Status done = run(&workspace);
      return done.ok() ? 0 : fail(done.error());
    });
  });
}

void define_keygen(CLI::App& app, GlobalOptions& global, Runs& runs) {
  struct Flags {
    std::string name, out;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = subcommand(app, "keygen", "make a witness's key pair for cosigning checkpoints", global);
  cmd->add_option("NAME", flags->name, "the witness's name, a schema-less URL: counsel.example.com/witness")
      ->required();
  cmd->add_option("--out", flags->out, "the private key's file (written owner-only; must not exist)")
      ->required();
  runs.push_back([cmd, &global, flags] {
    if (!cmd->parsed()) return -1;
    const auto made = [&]() -> Status {
      if (std::filesystem::exists(flags->out))
        return input_error(flags->out, "exists already: not replacing a key");
      MOAT_TRY(const ledger::SignerKey key, app::generate_key(flags->name, ledger::KeyType::kCosignature));
      // Owner-only from its first byte, and never over a file made meanwhile.
      MOAT_CHECK(write_file_atomically(flags->out, key.text() + "\n", {.mode = 0600, .replace = false}));
      std::cout << (global.json ? json{{"verifier_key", key.verifier().text()}}.dump()
                                : key.verifier().text())
                << "\n";
      return {};
    }();
    return made.ok() ? 0 : fail(made.error());
  });
}

void define_prove(CLI::App& app, GlobalOptions& global, Runs& runs) {
  auto seq = std::make_shared<std::int64_t>(0);
  auto out = std::make_shared<std::string>();
  CLI::App* cmd =
      subcommand(app, "prove", "print an event's inclusion proof (c2sp.org/tlog-proof@v1)", global);
  cmd->add_option("SEQ", *seq, "the event's sequence number")->required();
  cmd->add_option("--out", *out, "write the proof to this file instead");
  runs.push_back([cmd, &global, seq, out] {
    if (!cmd->parsed()) return -1;
    return run_with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      MOAT_TRY(const std::string proof, app::prove_event(workspace, session, *seq));
      return emit(*out, proof);
    });
  });
}

void define_export(CLI::App& app, GlobalOptions& global, Runs& runs) {
  struct Flags {
    std::string dir, release, events, supplier;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd =
      subcommand(app, "export", "write an evidence bundle a third party verifies on its own", global);
  cmd->add_option("DIR", flags->dir, "a new (or empty) folder for the bundle")->required();
  auto* release = cmd->add_option("--release", flags->release, "the events of one release");
  auto* events = cmd->add_option("--events", flags->events, "events A..B");
  auto* supplier = cmd->add_option("--supplier", flags->supplier, "the events that concern one supplier");
  release->excludes(events)->excludes(supplier);
  events->excludes(supplier);
  runs.push_back([cmd, &global, flags] {
    if (!cmd->parsed()) return -1;
    return run_with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      app::BundleSelection selection;
      if (!flags->release.empty()) selection.release = flags->release;
      if (!flags->events.empty()) selection.events = flags->events;
      if (!flags->supplier.empty()) selection.supplier = flags->supplier;
      MOAT_TRY(const app::BundleReport report, app::export_bundle(workspace, session, flags->dir, selection));
      if (global.json) {
        std::cout << json{{"dir", report.dir.string()},
                          {"events", report.events},
                          {"checkpoint_size", report.checkpoint_size},
                          {"checkpoints", report.checkpoints},
                          {"files", report.files}}
                         .dump(2)
                  << "\n";
        return {};
      }
      std::cout << "Wrote the evidence bundle " << report.dir.string() << ": " << report.events.size()
                << " event(s) with their inclusion proofs against the checkpoint of "
                << report.checkpoint_size << " events (" << report.checkpoints << " checkpoint(s) in all), "
                << report.files << " file hash(es). Check it with: python3 "
                << (report.dir / "verify.py").string() << "\n";
      return {};
    });
  });
}

}  // namespace

std::function<int()> define_audit(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<Runs>();
  define_verify_and_log(app, global, *runs);
  define_keys(app, global, *runs);
  define_checkpoint(app, global, *runs);
  define_cosign(app, global, *runs);
  define_keygen(app, global, *runs);
  define_prove(app, global, *runs);
  define_export(app, global, *runs);
  return first_parsed(runs);
}

}  // namespace moat::cli
