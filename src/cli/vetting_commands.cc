// SPDX-License-Identifier: Apache-2.0
// The vetting commands: supplier qualification, documents in the vault, on-site oversight
// (assignments, visits, findings), tooling passports, material reconciliation and red flags.
// Thin adapters over app/vetting.h, app/oversight.h, app/tooling.h and app/red_flags.h.
#include <CLI/CLI.hpp>
#include <unistd.h>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/oversight.h"
#include "app/overlaps.h"
#include "app/red_flags.h"
#include "app/rules.h"
#include "app/tooling.h"
#include "app/vetting.h"
#include "app/views.h"
#include "cli/common.h"
#include "cli/table.h"
#include "core/text.h"
#include "vet/number_text.h"

namespace moat::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// "name=value" into its two halves.
Result<std::pair<std::string, std::string>> split_pair(const std::string& text, const std::string& flag) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) return input_error(flag, "'" + text + "' is not NAME=VALUE");
  return std::make_pair(text.substr(0, equals), text.substr(equals + 1));
}

// Stores each file in the vault and returns the documents' ids.
Result<std::vector<std::string>> store_files(app::Workspace& workspace, const app::Session& session,
                                             const std::vector<std::string>& paths) {
  std::vector<std::string> ids;
  for (const std::string& path : paths) {
    MOAT_TRY(const std::string content, read_file(path));
    MOAT_TRY(const app::Document document,
             app::add_document(workspace, session, fs::path(path).filename().string(), content));
    ids.push_back(document.id);
  }
  return ids;
}

std::string share_text(const std::optional<double>& share) {
  if (!share) return "";
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", *share * 100);
  return text;
}


// ---- moat supplier ---------------------------------------------------------------------------

struct AssessFlags {
  std::string supplier, date, note, sheet;
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
    char* end = nullptr;
    const double value = std::strtod(pair.second.c_str(), &end);
    if (pair.second.empty() || *end != '\0') return input_error("--score " + pair.first, "'" + pair.second + "' is not a number");
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
  return {{"supplier", a.supplier}, {"assessment", a.id}, {"date", a.date}, {"assessor", a.assessor},
          {"approver", a.approver.empty() ? json() : json(a.approver)}, {"result", a.outcome.result},
          {"score", a.outcome.score}, {"tier", a.outcome.tier},
          {"max_exposure_share", app::number_json(a.outcome.max_exposure_share)},
          {"valid_until", a.outcome.valid_until ? json(a.outcome.valid_until->to_string()) : json()},
          {"knocked_out_by", a.outcome.knocked_out_by}, {"explanation", a.outcome.explanation}};
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

// Checks every row of an assessors' sheet before any is recorded, so that a bad row leaves
// nothing half-written: the rows are the actor's own, name known suppliers and score validly.
Status check_sheet(app::Workspace& workspace, const app::Session& session, const std::vector<app::SheetRow>& rows,
                   const std::string& file) {
  MOAT_TRY(const app::VettingRules rules, app::vetting_rules(workspace));
  for (const app::SheetRow& row : rows) {
    const std::string where = file + ":" + std::to_string(row.line);
    if (!row.assessor.empty() && row.assessor != session.actor) {
      return input_error(where, "assessed by " + row.assessor + ", but you are " + session.actor +
                                    ": each assessor records their own assessments");
    }
    MOAT_TRY(const auto supplier, workspace.store().get(*store::find_table("suppliers"), {row.input.supplier}));
    if (!supplier) return input_error(where, "unknown supplier '" + row.input.supplier + "'");
    const Result<vet::Outcome> outcome = vet::qualify(rules.qualification, row.input.scores, row.input.date);
    if (!outcome.ok()) return input_error(where + " " + outcome.error().where(), outcome.error().message());
  }
  return {};
}

int assess_sheet(app::Workspace& workspace, const std::string& file, bool as_json) {
  const app::Session session = app::terminal_session();
  auto text = read_file(file);
  if (!text.ok()) return fail(text.error());
  auto rows = app::read_assessment_sheet(*text, file);
  if (!rows.ok()) return fail(rows.error());
  if (const Status checked = check_sheet(workspace, session, *rows, file); !checked.ok()) return fail(checked.error());
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
  cmd->add_option("--sheet", flags->sheet, "an assessors' sheet (CSV): one assessment a row (docs/formats.md)");
  cmd->add_option("--evidence", flags->evidence, "CRITERION=FILE: a file stored encrypted in the vault (repeat)");
  cmd->add_option("--date", flags->date, "assessed on (default: today)");
  cmd->add_option("--note", flags->note, "a note kept with the assessment");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    if (flags->sheet.empty() == (flags->supplier.empty() || flags->scores.empty())) {
      return fail(input_error("SUPPLIER", "give a SUPPLIER with --score CRITERION=SCORE ..., or --sheet FILE"));
    }
    return with_workspace(global, [&](app::Workspace& workspace) {
      if (!flags->sheet.empty()) return assess_sheet(workspace, flags->sheet, global.json);
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
  CLI::App* cmd = subcommand(parent, "status", "every supplier's qualification, tier, cap and certificates", global);
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
  CLI::App* cmd = subcommand(parent, "criteria", "the qualification criteria, weights, knock-outs and bands in force", global);
  runs.push_back([cmd, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto rules = app::vetting_rules(workspace);
      if (!rules.ok()) return fail(rules.error());
      const vet::QualificationRules& q = rules->qualification;
      if (global.json) {
        json criteria = json::array(), bands = json::array();
        for (const auto& c : q.criteria) {
          criteria.push_back({{"id", c.id}, {"group", c.group}, {"title", c.title}, {"weight", c.weight},
                              {"knockout_below", app::number_json(c.knockout_below)}});
        }
        for (const auto& b : q.bands) {
          bands.push_back({{"result", b.result}, {"min_score", b.min_score}, {"tier", b.tier},
                           {"max_exposure_share", b.max_exposure_share}, {"valid_months", b.valid_months}});
        }
        std::cout << json{{"max_score", q.max_score}, {"criteria", criteria}, {"bands", bands}}.dump(2) << "\n";
        return 0;
      }
      TextTable table({"criterion", "group", "weight", "knock-out below", "what is scored (0.." + std::to_string(static_cast<int>(q.max_score)) + ")"});
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
  CLI::App* cmd = subcommand(parent, "certificate", "record a quality certificate (ISO 9001, IATF 16949, ...)", global);
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
      app::CertificateInput input{flags->supplier, flags->standard, flags->issuer, flags->number, std::nullopt,
                                  Date::from_days(0), flags->scope, {}};
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
  CLI::App* add_cmd = subcommand(app, "add", "store a file encrypted in the vault (photos, reports, scans)", global);
  add_cmd->add_option("FILE", (*add)[0], "the file")->required();
  add_cmd->add_option("--name", (*add)[1], "its name (default: the file's)");
  add_cmd->add_option("--note", (*add)[2], "a note");
  runs->push_back([add_cmd, add, &global] {
    if (!add_cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      const std::string name = (*add)[1].empty() ? fs::path((*add)[0]).filename().string() : (*add)[1];
      auto document = app::add_document_file(workspace, app::terminal_session(), name, (*add)[0], (*add)[2]);
      if (!document.ok()) return fail(document.error());
      std::cout << (global.json ? json{{"document", document->id}, {"name", document->name}, {"size", document->size}}.dump()
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

// ---- moat assign -----------------------------------------------------------------------------

std::function<int()> define_assign(CLI::App& app, GlobalOptions& global) {
  struct Flags {
    std::string supplier, person, role = "agent", from, to, note;
  };
  auto flags = std::make_shared<Flags>();
  app.add_option("SUPPLIER", flags->supplier, "supplier id")->required();
  app.add_option("PERSON", flags->person, "our person (people.csv id)")->required();
  app.add_option("--role", flags->role, "agent, engineer, quality or auditor")->capture_default_str();
  app.add_option("--from", flags->from, "first day (default: today)");
  app.add_option("--to", flags->to, "last day (default: open)");
  app.add_option("--note", flags->note, "a note");
  return [flags, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) -> int {
      const app::Session session = app::terminal_session();
      auto from = parse_date(flags->from.empty() ? today_text(session) : flags->from, "--from");
      if (!from.ok()) return fail(from.error());
      auto to = parse_optional_date(flags->to, "--to");
      if (!to.ok()) return fail(to.error());
      const Status done = app::assign_person(workspace, session,
                                             {flags->supplier, flags->person, flags->role, *from, *to, flags->note});
      if (!done.ok()) return fail(done.error());
      std::cout << "Assigned " << flags->person << " (" << flags->role << ") to " << flags->supplier << " from "
                << from->to_string() << "\n";
      auto overlaps = app::overlapping_assignments(workspace, flags->person, flags->supplier, *from, *to);
      if (!overlaps.ok()) return fail(overlaps.error());
      if (!overlaps->empty()) {
        auto supplier = workspace.store().get(*store::find_table("suppliers"), {flags->supplier});
        const std::string city = supplier.ok() && *supplier ? text((**supplier)["city"]) : "";
        std::cerr << "moat: warning: " << app::overlap_warning(flags->person, *overlaps, city) << "\n";
      }
      return 0;
    });
  };
}

// ---- moat visit ------------------------------------------------------------------------------

struct VisitFlags {
  std::string supplier, kind = "audit", date, checklist, product, note;
  std::vector<std::string> by, items, sites, subcontractors, evidence;
  std::optional<std::int64_t> capacity, headcount;
  bool update_supplier = false;
};

Result<vet::ItemResult> item_result(const std::string& text, const std::string& item) {
  if (text == "pass") return vet::ItemResult::kPass;
  if (text == "fail") return vet::ItemResult::kFail;
  if (text == "na") return vet::ItemResult::kNotApplicable;
  return input_error("--item " + item, "'" + text + "' is not pass, fail or na");
}

Result<app::VisitInput> visit_input(app::Workspace& workspace, const app::Session& session, const VisitFlags& flags) {
  app::VisitInput input;
  input.supplier = flags.supplier;
  input.kind = flags.kind;
  MOAT_TRY(input.date, parse_date(flags.date.empty() ? today_text(session) : flags.date, "--date"));
  input.by = flags.by.empty() ? std::vector<std::string>{session.actor} : flags.by;
  input.checklist = flags.checklist;
  if (input.checklist.empty() && !flags.items.empty() && input.kind == "audit") input.checklist = "ip-protection";
  input.product = flags.product;
  // --item a=pass --item b=fail, or several in one: --item a=pass,b=fail
  for (const std::string& given : flags.items) {
    for (const std::string& text : split_list(given, ",")) {
      if (trim(text).empty()) continue;
      MOAT_TRY(const auto pair, split_pair(std::string(trim(text)), "--item"));
      MOAT_TRY(const vet::ItemResult result, item_result(pair.second, pair.first));
      input.items.push_back({pair.first, result, "", {}});
    }
  }
  input.capacity_seen = flags.capacity;
  input.headcount_seen = flags.headcount;
  input.sites_seen = flags.sites;
  input.subcontractors_seen = flags.subcontractors;
  input.update_supplier = flags.update_supplier;
  MOAT_TRY(input.evidence, store_files(workspace, session, flags.evidence));
  input.note = flags.note;
  return input;
}

int print_visit(const app::VisitResult& visit, bool as_json) {
  if (as_json) {
    std::cout << app::visit_json(visit).dump(2) << "\n";
    return 0;
  }
  std::cout << "Recorded visit " << visit.id;
  if (visit.score) {
    const vet::AuditScore& score = *visit.score;
    const std::string share = std::to_string(static_cast<int>(score.share * 100 + 0.5)) + "% of applicable items passed";
    if (score.passed) {
      std::cout << ": passed (" << share << ")";
    } else if (!score.failed_critical.empty()) {
      std::cout << ": FAILED, critical item" << (score.failed_critical.size() == 1 ? " " : "s ")
                << join(score.failed_critical, ", ") << " failed (" << share << ")";
    } else {
      std::cout << ": FAILED, " << share << ", below the checklist's pass share";
    }
    if (!score.unscored.empty()) std::cout << "; not scored, counted as failed: " << join(score.unscored, ", ");
  }
  std::cout << "\n";
  for (const std::string& finding : visit.findings) std::cout << "  finding " << finding << " raised\n";
  return 0;
}

void define_visit_add(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  auto flags = std::make_shared<VisitFlags>();
  CLI::App* cmd = subcommand(parent, "add", "record a visit or an audit (with a checklist)", global);
  cmd->add_option("SUPPLIER", flags->supplier, "supplier id")->required();
  cmd->add_option("--kind", flags->kind, "audit, visit or owner-visit")->capture_default_str();
  cmd->add_option("--date", flags->date, "visited on (default: today)");
  cmd->add_option("--by", flags->by, "who visited (repeat)");
  cmd->add_option("--checklist", flags->checklist, "checklist id (default for audits with items: ip-protection)");
  cmd->add_option("--item,--items", flags->items, "ITEM=pass|fail|na, several joined by commas (repeat)");
  cmd->add_option("--product", flags->product, "the product concerned");
  cmd->add_option("--capacity", flags->capacity, "capacity seen (units per month)");
  cmd->add_option("--headcount", flags->headcount, "headcount seen");
  cmd->add_option("--site", flags->sites, "a site seen (repeat)");
  cmd->add_option("--subcontractor", flags->subcontractors, "a subcontractor seen on site (repeat)");
  cmd->add_flag("--update-supplier", flags->update_supplier, "capacity and headcount seen become the supplier's");
  cmd->add_option("--evidence", flags->evidence, "photos and documents, stored encrypted (repeat)");
  cmd->add_option("--note", flags->note, "a note");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      const app::Session session = app::terminal_session();
      auto input = visit_input(workspace, session, *flags);
      if (!input.ok()) return fail(input.error());
      auto visit = app::record_visit(workspace, session, *input);
      return visit.ok() ? print_visit(*visit, global.json) : fail(visit.error());
    });
  });
}

// moat visit checklist [ID]: the checklists in force and their items, which --item scores.
void define_visit_checklist(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = subcommand(parent, "checklist", "the audit checklists and their items (what --item scores)", global);
  cmd->add_option("ID", *id, "one checklist (default: all)");
  runs.push_back([cmd, id, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto rules = app::vetting_rules(workspace);
      if (!rules.ok()) return fail(rules.error());
      if (!id->empty() && !rules->checklists.count(*id)) {
        std::string known;
        for (const auto& [name, list] : rules->checklists) known += (known.empty() ? "" : ", ") + name;
        return fail(input_error("ID", "unknown checklist '" + *id + "' (known: " + known + ")"));
      }
      json out = json::array();
      TextTable table({"checklist", "item", "critical", "topic"});
      for (const auto& [name, list] : rules->checklists) {
        if (!id->empty() && name != *id) continue;
        json items = json::array();
        for (const vet::ChecklistItem& item : list.items) {
          items.push_back({{"id", item.id}, {"topic", item.topic}, {"critical", item.critical}});
          table.add({name, item.id, item.critical ? "critical" : "", item.topic});
        }
        out.push_back({{"id", name}, {"title", list.title}, {"pass_share", list.pass_share}, {"items", items}});
      }
      if (global.json) {
        std::cout << out.dump(2) << "\n";
      } else {
        table.print(std::cout);
      }
      return 0;
    });
  });
}

std::function<int()> define_visit(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<std::vector<std::function<int()>>>();
  define_visit_add(app, global, *runs);
  define_visit_checklist(app, global, *runs);
  return first_parsed(runs);
}

// ---- moat finding ----------------------------------------------------------------------------

std::function<int()> define_finding(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<std::vector<std::function<int()>>>();
  struct AddFlags {
    std::string visit, severity, description, item, action, owner, due;
    std::vector<std::string> evidence;
  };
  auto add = std::make_shared<AddFlags>();
  CLI::App* add_cmd = subcommand(app, "add", "record a finding with its corrective action", global);
  add_cmd->add_option("VISIT", add->visit, "visit id")->required();
  add_cmd->add_option("--severity", add->severity, "critical, major, minor or observation")->required();
  add_cmd->add_option("--description", add->description, "what was found")->required();
  add_cmd->add_option("--item", add->item, "the checklist item");
  add_cmd->add_option("--action", add->action, "the corrective action asked for");
  add_cmd->add_option("--owner", add->owner, "who must carry it out");
  add_cmd->add_option("--due", add->due, "due date");
  add_cmd->add_option("--evidence", add->evidence, "photos and documents (repeat)");
  runs->push_back([add_cmd, add, &global] {
    if (!add_cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) -> int {
      const app::Session session = app::terminal_session();
      auto due = parse_optional_date(add->due, "--due");
      if (!due.ok()) return fail(due.error());
      auto evidence = store_files(workspace, session, add->evidence);
      if (!evidence.ok()) return fail(evidence.error());
      auto id = app::add_finding(workspace, session,
                                 {add->visit, add->severity, add->description, add->item, add->action, add->owner, *due, *evidence});
      if (!id.ok()) return fail(id.error());
      if (global.json) {
        std::cout << json{{"visit", add->visit}, {"finding", *id}}.dump(2) << "\n";
      } else {
        std::cout << "Recorded finding " << add->visit << "/" << *id << "\n";
      }
      return 0;
    });
  });
  auto answer = std::make_shared<std::array<std::string, 3>>();  // visit, finding, answer
  CLI::App* answer_cmd = subcommand(app, "answer", "the supplier's answer to a finding", global);
  answer_cmd->add_option("VISIT", (*answer)[0], "visit id")->required();
  answer_cmd->add_option("FINDING", (*answer)[1], "finding id")->required();
  answer_cmd->add_option("--answer", (*answer)[2], "what was done")->required();
  runs->push_back([answer_cmd, answer, &global] {
    if (!answer_cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      const Status done = app::answer_finding(workspace, app::terminal_session(), (*answer)[0], (*answer)[1], (*answer)[2]);
      if (!done.ok()) return fail(done.error());
      if (global.json) {
        std::cout << json{{"visit", (*answer)[0]}, {"finding", (*answer)[1]}, {"state", "answered"}}.dump(2) << "\n";
      } else {
        std::cout << "Recorded the answer to finding " << (*answer)[0] << "/" << (*answer)[1] << "\n";
      }
      return 0;
    });
  });
  auto close = std::make_shared<std::array<std::string, 3>>();  // visit, finding, date
  CLI::App* close_cmd = subcommand(app, "close", "close a finding once its correction is verified", global);
  close_cmd->add_option("VISIT", (*close)[0], "visit id")->required();
  close_cmd->add_option("FINDING", (*close)[1], "finding id")->required();
  close_cmd->add_option("--on", (*close)[2], "closed on (default: today)");
  runs->push_back([close_cmd, close, &global] {
    if (!close_cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      const app::Session session = app::terminal_session();
      auto on = as_of((*close)[2], session);
      if (!on.ok()) return fail(on.error());
      const Status done = app::close_finding(workspace, session, (*close)[0], (*close)[1], *on);
      if (!done.ok()) return fail(done.error());
      if (global.json) {
        std::cout << json{{"visit", (*close)[0]}, {"finding", (*close)[1]}, {"state", "closed"}, {"closed_on", on->to_string()}}
                         .dump(2)
                  << "\n";
      } else {
        std::cout << "Closed finding " << (*close)[0] << "/" << (*close)[1] << " on " << on->to_string() << "\n";
      }
      return 0;
    });
  });
  return first_parsed(runs);
}

// ---- moat tooling ----------------------------------------------------------------------------

void define_tool_add(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  struct Flags {
    app::ToolInput input;
    std::string commissioned;
  };
  auto flags = std::make_shared<Flags>();
  app::ToolInput& in = flags->input;
  CLI::App* cmd = subcommand(parent, "add", "record a mold, die or fixture the owner paid for", global);
  cmd->add_option("ID", in.id, "the owner's tool number")->required();
  cmd->add_option("--kind", in.kind, "mold, die, fixture, jig or gauge")->required();
  cmd->add_option("--name", in.name, "what it makes")->required();
  cmd->add_option("--owner", in.owner, "who owns it")->required();
  cmd->add_option("--location", in.location, "the supplier holding it")->required();
  cmd->add_option("--product", in.product, "product");
  cmd->add_option("--package", in.package, "work package");
  cmd->add_option("--maker", in.maker, "toolmaker");
  cmd->add_option("--site", in.site, "site (address)");
  cmd->add_option("--marking", in.marking, "ownership marking on the steel");
  cmd->add_option("--id-plate", in.id_plate, "ID plate text");
  cmd->add_option("--cavities", in.cavities, "parts per shot")->capture_default_str();
  cmd->add_option("--parts-per-unit", in.parts_per_unit, "parts of this tool per finished unit")->capture_default_str();
  cmd->add_option("--approved-location", in.approved_locations, "a supplier it may be at (repeat; default: --location)");
  cmd->add_option("--commissioned", flags->commissioned, "commissioned on");
  cmd->add_option("--note", in.note, "a note");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto commissioned = parse_optional_date(flags->commissioned, "--commissioned");
      if (!commissioned.ok()) return fail(commissioned.error());
      flags->input.commissioned = *commissioned;
      const Status done = app::add_tool(workspace, app::terminal_session(), flags->input);
      if (!done.ok()) return fail(done.error());
      std::cout << "Recorded tool " << flags->input.id << "\n";
      return 0;
    });
  });
}

void define_tool_event(CLI::App& parent, GlobalOptions& global, std::vector<std::function<int()>>& runs) {
  struct Flags {
    app::ToolEventInput input;
    std::string date, approved_on;
    std::vector<std::string> evidence;
  };
  auto flags = std::make_shared<Flags>();
  app::ToolEventInput& in = flags->input;
  CLI::App* cmd = subcommand(parent, "event", "add to a tool's passport: reading, relocation, change, sighting, scrap", global);
  cmd->add_option("TOOL", in.tool, "tool id")->required();
  cmd->add_option("--kind", in.kind, "reading, relocation, change, sighting or scrap")->required();
  cmd->add_option("--date", flags->date, "on (default: today)");
  cmd->add_option("--shots", in.shots, "reading: the shot counter");
  cmd->add_option("--to", in.to, "relocation: the new holder; sighting: where it was seen");
  cmd->add_option("--approved-by", in.approved_by, "relocation, change: who approved it");
  cmd->add_option("--approved-on", flags->approved_on, "change: approved on");
  cmd->add_option("--visit", in.visit, "sighting: the visit");
  cmd->add_option("--description", in.description, "what happened");
  cmd->add_option("--evidence", flags->evidence, "photos, proof of destruction (repeat)");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_workspace(global, [&](app::Workspace& workspace) -> int {
      const app::Session session = app::terminal_session();
      auto date = as_of(flags->date, session);
      if (!date.ok()) return fail(date.error());
      flags->input.date = *date;
      auto approved_on = parse_optional_date(flags->approved_on, "--approved-on");
      if (!approved_on.ok()) return fail(approved_on.error());
      flags->input.approved_on = *approved_on;
      auto evidence = store_files(workspace, session, flags->evidence);
      if (!evidence.ok()) return fail(evidence.error());
      flags->input.evidence = *evidence;
      auto id = app::record_tool_event(workspace, session, flags->input);
      if (!id.ok()) return fail(id.error());
      std::cout << "Recorded " << flags->input.kind << " " << flags->input.tool << "/" << *id << "\n";
      return 0;
    });
  });
}

std::function<int()> define_tooling(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<std::vector<std::function<int()>>>();
  define_tool_add(app, global, *runs);
  define_tool_event(app, global, *runs);
  return first_parsed(runs);
}

// ---- moat reconcile --------------------------------------------------------------------------

json reconciliation_json(const vet::Reconciliation& r) {
  json lines = json::array();
  for (const vet::Line& l : r.lines) {
    lines.push_back({{"check", l.check}, {"item", l.item}, {"possible", l.possible}, {"accounted", l.accounted},
                     {"unaccounted", l.unaccounted}, {"arithmetic", l.arithmetic}});
  }
  return {{"supplier", r.supplier}, {"product", r.product}, {"from", r.from.to_string()}, {"to", r.to.to_string()},
          {"ordered", r.ordered}, {"shipped", r.shipped}, {"scrap", r.scrap}, {"on_hand_start", r.on_hand_start},
          {"on_hand_end", r.on_hand_end}, {"accounted", r.accounted}, {"unaccounted_units", r.unaccounted_units},
          {"lines", lines}};
}

void print_reconciliation(const vet::Reconciliation& r) {
  using vet::format_number;
  std::cout << r.supplier << " × " << r.product << ", " << r.from.to_string() << " to " << r.to.to_string()
            << ": ordered " << format_number(r.ordered) << ", shipped " << format_number(r.shipped) << ", scrap "
            << format_number(r.scrap) << ", accounted " << format_number(r.accounted) << "\n";
  for (const vet::Line& l : r.lines) {
    std::cout << "  " << l.check << (l.item.empty() ? "" : " " + l.item) << ": " << l.arithmetic << "\n";
  }
  std::cout << "  unaccounted units: " << vet::format_number(r.unaccounted_units) << "\n";
}

std::function<int()> define_reconcile(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<std::array<std::string, 4>>();  // supplier, product, from, to
  app.add_option("--supplier", (*flags)[0], "supplier id (default: every supplier with orders or movements)");
  app.add_option("--product", (*flags)[1], "product id (with --supplier)");
  app.add_option("--from", (*flags)[2], "first day (with --supplier; default: 2000-01-01)");
  app.add_option("--to", (*flags)[3], "last day (default: today)");
  app.add_flag("--json", global.json, "print as JSON");
  add_xlsx_option(app, global);
  return [flags, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) -> int {
      auto to = as_of((*flags)[3], app::terminal_session());
      if (!to.ok()) return fail(to.error());
      std::vector<vet::Reconciliation> results;
      if ((*flags)[0].empty()) {
        auto all = app::reconcile_all(workspace, *to);
        if (!all.ok()) return fail(all.error());
        results = *all;
      } else {
        if ((*flags)[1].empty()) return fail(input_error("--product", "name the product to reconcile"));
        auto from = parse_date((*flags)[2].empty() ? "2000-01-01" : (*flags)[2], "--from");
        if (!from.ok()) return fail(from.error());
        auto one = app::reconcile_supplier(workspace, (*flags)[0], (*flags)[1], *from, *to);
        if (!one.ok()) return fail(one.error());
        results.push_back(*one);
      }
      json out = json::array();
      for (const auto& r : results) out.push_back(reconciliation_json(r));
      if (Status written = write_xlsx_report(global, "reconciliation", out); !written.ok()) return fail(written.error());
      if (global.json) {
        std::cout << out.dump(2) << "\n";
        return 0;
      }
      for (const auto& r : results) print_reconciliation(r);
      return 0;
    });
  };
}

// ---- moat flags ------------------------------------------------------------------------------

// The flags this evaluation resolved because their cause cleared, each with the fact that did.
void print_cleared(const std::vector<app::Flag>& all) {
  for (const app::Flag& f : all) {
    if (f.changed_now == "cleared") std::cout << "\n" << f.id << " (" << f.rule << ") resolved itself: " << f.reason << "\n";
  }
}

int print_flags(const std::vector<app::Flag>& all, const GlobalOptions& global, bool every_state) {
  std::vector<app::Flag> shown;
  for (const app::Flag& f : all) {
    if (every_state || f.state != "resolved") shown.push_back(f);
  }
  json out = json::array();
  for (const auto& f : shown) out.push_back(app::flag_json(f));
  if (Status written = write_xlsx_report(global, "flags", out); !written.ok()) return fail(written.error());
  if (global.json) {
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (shown.empty()) {
    std::cout << "No red flags.\n";
    print_cleared(all);
    return 0;
  }
  TextTable table({"id", "severity", "state", "rule", "subject", "summary"});
  for (const auto& f : shown) {
    const std::string mark = f.raised_now ? " (new)" : f.changed_now.empty() ? "" : " (" + f.changed_now + ")";
    table.add({f.id + mark, f.severity, f.state, f.rule, f.subject, f.summary});
  }
  table.print(std::cout);
  print_cleared(all);
  std::cout << "\nEvidence: moat flags show ID; acknowledge or resolve: moat flags ack|resolve ID... --reason TEXT\n";
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
        std::cout << f.id << " [" << f.severity << ", " << f.state << "] " << f.rule << " — " << f.subject << "\n"
                  << f.summary << "\n";
        TextTable table({"evidence", "value"});
        for (const auto& e : f.evidence) table.add({e.name, e.value});
        table.print(std::cout);
        if (!f.updated_by.empty()) std::cout << f.state << " by " << f.updated_by << " at " << f.updated_at << ": " << f.reason << "\n";
        return 0;
      }
      return fail(Error(ErrorCode::kNotFound, "flags/" + *id, "no such red flag"));
    });
  });
}

std::function<int()> define_flags(CLI::App& app, GlobalOptions& global) {
  auto runs = std::make_shared<std::vector<std::function<int()>>>();
  define_flag_show(app, global, *runs);
  define_flag_state(app, global, *runs, "ack", "acknowledged", "acknowledge a flag: someone is on it");
  define_flag_state(app, global, *runs, "resolve", "resolved", "resolve a flag, saying why");
  define_flag_state(app, global, *runs, "reopen", "open", "reopen a flag");
  auto date = std::make_shared<std::string>();
  auto every = std::make_shared<bool>(false);
  app.add_option("--as-of", *date, "evaluate as of this date (default: today)");
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
      auto all = app::refresh_flags(workspace, session, *today);
      return all.ok() ? print_flags(*all, global, *every) : fail(all.error());
    });
  };
}

const Command kVettingCommands[] = {
    {"supplier", "qualify suppliers: assess, approve (not by the assessor), status, criteria, certificates", define_supplier},
    {"document", "store files encrypted in the vault, or read them back", define_document},
    {"assign", "assign our agent or engineer to a supplier", define_assign},
    {"visit", "record visits and audits scored against a checklist", define_visit},
    {"finding", "record, answer and close audit findings", define_finding},
    {"tooling", "molds, dies and fixtures: record them and their passport", define_tooling},
    {"reconcile", "material reconciliation: units that could have been built but are not accounted for", define_reconcile},
    {"flags", "evaluate the red-flag rules; list, show, acknowledge and resolve flags", define_flags},
};

}  // namespace

std::span<const Command> vetting_commands() { return kVettingCommands; }

}  // namespace moat::cli
