// SPDX-License-Identifier: Apache-2.0
// The vetting commands `moat supplier` (qualification: assessments, their approval, criteria,
// certificates) and `moat document` (files encrypted in the vault).
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <charconv>
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

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// ---- moat supplier ---------------------------------------------------------------------------

struct AssessFlags {
  std::string supplier, date, note, sheet, encoding;
  std::vector<std::string> scores, evidence;
};

Result<app::AssessmentInput> assessment_input(app::Workspace& workspace, const app::Session& session,
                                              const AssessFlags& flags) {
  app::AssessmentInput input;
  input.supplier = flags.supplier;
  MOAT_TRY(input.date, parse_date(flags.date.empty() ? today_text(session) : flags.date, "--date"));
  input.note = flags.note;
  for (const std::string& item : flags.scores) {
    MOAT_TRY(const auto pair, split_pair(item, "--score"));
    // A plain decimal (docs/formats.md): from_chars reads no "0x3", no "+3", no spaces.
    double value = 0;
    const std::string& text = pair.second;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
      return input_error("--score " + pair.first, "'" + text + "' is not a number");
    input.scores.push_back({pair.first, value});
  }
  for (const std::string& item : flags.evidence) {
    MOAT_TRY(const auto pair, split_pair(item, "--evidence"));
    MOAT_TRY(const std::vector<std::string> ids, store_files(workspace, session, {pair.second}));
    for (const std::string& id : ids) input.evidence[pair.first].push_back(id);
  }
  return input;
}

json assessment_json(const app::Assessment& a) {
  return {{"supplier", a.supplier},
          {"assessment", a.id},
          {"date", a.date},
          {"assessor", a.assessor},
          {"approver", a.approver.empty() ? json() : json(a.approver)},
          {"result", a.outcome.result},
          {"score", a.outcome.score},
          {"tier", a.outcome.tier},
          {"max_exposure_share", app::number_json(a.outcome.max_exposure_share)},
          {"valid_until", a.outcome.valid_until ? json(a.outcome.valid_until->to_string()) : json()},
          {"knocked_out_by", a.outcome.knocked_out_by},
          {"explanation", a.outcome.explanation}};
}

int print_assessment(const app::Assessment& a, bool as_json) {
  if (as_json) {
    std::cout << assessment_json(a).dump(2) << "\n";
    return 0;
  }
  std::cout << "Assessment " << a.supplier << "/" << a.id << " on " << a.date << " by " << a.assessor << ": "
            << a.outcome.result << "\n  " << a.outcome.explanation << "\n";
  if (a.approver.empty()) {
    std::cout << "  Awaiting approval by someone other than " << a.assessor << ": moat supplier approve "
              << a.supplier << " " << a.id << "\n";
  } else {
    std::cout << "  Approved by " << a.approver << "; the supplier is now " << a.outcome.result << "\n";
  }
  return 0;
}

int assess_sheet(app::Workspace& workspace, const std::string& file, const std::string& encoding,
                 bool as_json) {
  const app::Session session = app::terminal_session();
  auto text = read_file(file);
  if (!text.ok()) return fail(text.error());
  auto rows = app::read_assessment_sheet(workspace, *text, file, encoding);
  if (!rows.ok()) return fail(rows.error());
  if (const Status checked = app::check_assessment_sheet(workspace, session, *rows, file); !checked.ok()) {
    return fail(checked.error());
  }
  json out = json::array();
  for (const app::SheetRow& row : *rows) {
    auto assessed = app::assess_supplier(workspace, session, row.input);
    if (!assessed.ok()) return fail(assessed.error());
    if (as_json) {
      out.push_back(assessment_json(*assessed));
    } else {
      print_assessment(*assessed, false);
    }
  }
  if (as_json) std::cout << out.dump(2) << "\n";
  return 0;
}

void define_assess(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  auto flags = std::make_shared<AssessFlags>();
  CLI::App* cmd = subcommand(parent, "assess", "score a supplier against the qualification criteria", global);
  cmd->add_option("SUPPLIER", flags->supplier, "supplier id");
  cmd->add_option("--score", flags->scores, "CRITERION=SCORE (repeat; see moat supplier criteria)");
  cmd->add_option("--sheet", flags->sheet,
                  "an assessors' sheet (CSV): one assessment a row (docs/formats.md)");
  cmd->add_option("--encoding", flags->encoding,
                  "with --sheet: its text encoding when not UTF-8: gb18030 (or gbk), utf-16le, utf-16be");
  cmd->add_option("--evidence", flags->evidence,
                  "CRITERION=FILE: a file stored encrypted in the vault (repeat)");
  cmd->add_option("--date", flags->date, "assessed on (default: today)");
  cmd->add_option("--note", flags->note, "a note kept with the assessment");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    if (flags->sheet.empty() == (flags->supplier.empty() || flags->scores.empty())) {
      return fail(
          input_error("SUPPLIER", "give a SUPPLIER with --score CRITERION=SCORE ..., or --sheet FILE"));
    }
    return with_workspace(global, [&](app::Workspace& workspace) {
      if (!flags->sheet.empty()) return assess_sheet(workspace, flags->sheet, flags->encoding, global.json);
      const app::Session session = app::terminal_session();
      auto input = assessment_input(workspace, session, *flags);
      if (!input.ok()) return fail(input.error());
      auto assessed = app::assess_supplier(workspace, session, *input);
      return assessed.ok() ? print_assessment(*assessed, global.json) : fail(assessed.error());
    });
  });
}

void define_approve(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  auto ids = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* cmd = subcommand(parent, "approve", "approve an assessment (not by its assessor)", global);
  cmd->add_option("SUPPLIER", ids->first, "supplier id")->required();
  cmd->add_option("ASSESSMENT", ids->second, "assessment id (A1, A2, ...)")->required();
  runs.push_back([cmd, ids, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto approved = app::approve_assessment(workspace, app::terminal_session(), ids->first, ids->second);
      return approved.ok() ? print_assessment(*approved, global.json) : fail(approved.error());
    });
  });
}

int print_qualification(const std::vector<app::QualificationRow>& rows, bool as_json) {
  if (as_json) {
    json out = json::array();
    for (const auto& r : rows) {
      out.push_back(app::qualification_json(r));
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  TextTable table({"supplier", "name", "status", "tier", "cap", "until", "last assessment", "certificates"});
  for (const auto& r : rows) {
    std::string certificates;
    for (const auto& c : r.certificates) certificates += (certificates.empty() ? "" : "; ") + c;
    table.add({r.supplier, r.name, r.status, r.tier, share_text(r.max_exposure_share), r.qualified_until,
               r.last_assessment, certificates});
  }
  table.print(std::cout);
  return 0;
}

void define_qualification(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  auto date = std::make_shared<std::string>();
  CLI::App* cmd =
      subcommand(parent, "status", "every supplier's qualification, tier, cap and certificates", global);
  cmd->add_option("--as-of", *date, "as of this date (default: today)");
  runs.push_back([cmd, date, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto today = as_of(*date, app::terminal_session());
      if (!today.ok()) return fail(today.error());
      auto rows = app::qualification_overview(workspace, *today);
      return rows.ok() ? print_qualification(*rows, global.json) : fail(rows.error());
    });
  });
}

void define_criteria(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  CLI::App* cmd = subcommand(parent, "criteria",
                             "the qualification criteria, weights, knock-outs and bands in force", global);
  runs.push_back([cmd, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto rules = app::vetting_rules(workspace);
      if (!rules.ok()) return fail(rules.error());
      const vet::QualificationRules& q = rules->qualification;
      if (global.json) {
        json criteria = json::array(), bands = json::array();
        for (const auto& c : q.criteria) {
          criteria.push_back({{"id", c.id},
                              {"group", c.group},
                              {"title", c.title},
                              {"weight", c.weight},
                              {"knockout_below", app::number_json(c.knockout_below)}});
        }
        for (const auto& b : q.bands) {
          bands.push_back({{"result", b.result},
                           {"min_score", b.min_score},
                           {"tier", b.tier},
                           {"max_exposure_share", b.max_exposure_share},
                           {"valid_months", b.valid_months}});
        }
        std::cout << json{{"max_score", q.max_score}, {"criteria", criteria}, {"bands", bands}}.dump(2)
                  << "\n";
        return 0;
      }
      TextTable table({"criterion", "group", "weight", "knock-out below",
                       "what is scored (0.." + std::to_string(static_cast<int>(q.max_score)) + ")"});
      for (const auto& c : q.criteria) {
        table.add({c.id, c.group, std::to_string(c.weight).substr(0, 4),
                   c.knockout_below ? std::to_string(*c.knockout_below).substr(0, 4) : "", c.title});
      }
      table.print(std::cout);
      std::cout << "\n";
      TextTable bands({"result", "from score", "tier", "exposure cap", "valid (months)"});
      for (const auto& b : q.bands) {
        bands.add({b.result, std::to_string(b.min_score).substr(0, 5) + "%", b.tier,
                   share_text(b.max_exposure_share), std::to_string(b.valid_months)});
      }
      bands.print(std::cout);
      return 0;
    });
  });
}

struct CertificateFlags {
  std::string supplier, standard, issuer, number, issued, expires, scope;
  std::vector<std::string> evidence;
};

void define_certificate(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  auto flags = std::make_shared<CertificateFlags>();
  CLI::App* cmd =
      subcommand(parent, "certificate", "record a quality certificate (ISO 9001, IATF 16949, ...)", global);
  cmd->add_option("SUPPLIER", flags->supplier, "supplier id")->required();
  cmd->add_option("--standard", flags->standard, "ISO 9001, IATF 16949, ISO 13485, ...")->required();
  cmd->add_option("--expires", flags->expires, "expiry date")->required();
  cmd->add_option("--issuer", flags->issuer, "certification body");
  cmd->add_option("--number", flags->number, "certificate number");
  cmd->add_option("--issued", flags->issued, "issue date");
  cmd->add_option("--scope", flags->scope, "scope of certification");
  cmd->add_option("--evidence", flags->evidence, "the certificate's scan: a file stored in the vault");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) -> int {
      const app::Session session = app::terminal_session();
      app::CertificateInput input{flags->supplier, flags->standard,    flags->issuer, flags->number,
                                  std::nullopt,    Date::from_days(0), flags->scope,  {}};
      auto expires = parse_date(flags->expires, "--expires");
      if (!expires.ok()) return fail(expires.error());
      input.expires = *expires;
      auto issued = parse_optional_date(flags->issued, "--issued");
      if (!issued.ok()) return fail(issued.error());
      input.issued = *issued;
      auto evidence = store_files(workspace, session, flags->evidence);
      if (!evidence.ok()) return fail(evidence.error());
      input.evidence = *evidence;
      auto id = app::add_certificate(workspace, session, input);
      if (!id.ok()) return fail(id.error());
      std::cout << (global.json ? json{{"supplier", flags->supplier}, {"certificate", *id}}.dump()
                                : "Recorded certificate " + flags->supplier + "/" + *id)
                << "\n";
      return 0;
    });
  });
}

}  // namespace

std::function<int()> define_supplier(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<std::vector<std::function<int()>>>();
  define_assess(app, global, *runs);
  define_approve(app, global, *runs);
  define_qualification(app, global, *runs);
  define_criteria(app, global, *runs);
  define_certificate(app, global, *runs);
  return first_parsed(runs);
}

// ---- moat document ---------------------------------------------------------------------------

std::function<int()> define_document(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<std::vector<std::function<int()>>>();
  auto add = std::make_shared<std::array<std::string, 3>>();  // file, name, note
  CLI::App* add_cmd =
      subcommand(app, "add", "store a file encrypted in the vault (photos, reports, scans)", global);
  add_cmd->add_option("FILE", (*add)[0], "the file")->required();
  add_cmd->add_option("--name", (*add)[1], "its name (default: the file's)");
  add_cmd->add_option("--note", (*add)[2], "a note");
  runs->push_back([add_cmd, add, &global] {
    if (!add_cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      const std::string name = (*add)[1].empty() ? fs::path((*add)[0]).filename().string() : (*add)[1];
      auto document = app::add_document_file(workspace, app::terminal_session(), name, (*add)[0], (*add)[2]);
      if (!document.ok()) return fail(document.error());
      std::cout << (global.json
                        ? json{{"document", document->id}, {"name", document->name}, {"size", document->size}}
                              .dump()
                        : document->id + "  " + document->name)
                << "\n";
      return 0;
    });
  });
  auto get = std::make_shared<std::array<std::string, 2>>();  // id, output
  CLI::App* get_cmd = subcommand(app, "get", "decrypt a stored document (checked against its id)", global);
  get_cmd->add_option("ID", (*get)[0], "document id")->required();
  get_cmd->add_option("-o,--output", (*get)[1], "write it here (default: standard output)");
  runs->push_back([get_cmd, get, &global] {
    if (!get_cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      // Streamed in chunks; a file appears only once the whole content is checked, standard
      // output gets the checked chunks and, on a failure, an error and exit status 1.
      const Status written = (*get)[1].empty() ? app::write_document(workspace, (*get)[0], STDOUT_FILENO)
                                               : app::save_document(workspace, (*get)[0], (*get)[1]);
      return written.ok() ? 0 : fail(written.error());
    });
  });
  return first_parsed(runs);
}

}  // namespace moat::cli
