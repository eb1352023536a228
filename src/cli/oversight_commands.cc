// SPDX-License-Identifier: Apache-2.0
// The vetting commands of on-site oversight: `moat assign`, `moat visit` (scored against a
// checklist) and `moat finding`.
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/overlaps.h"
#include "app/oversight.h"
#include "app/reads.h"
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
      const Status done = app::assign_person(
          workspace, session, {flags->supplier, flags->person, flags->role, *from, *to, flags->note});
      if (!done.ok()) return fail(done.error());
      std::cout << "Assigned " << flags->person << " (" << flags->role << ") to " << flags->supplier
                << " from " << from->to_string() << "\n";
      auto overlaps = app::overlapping_assignments(workspace, flags->person, flags->supplier, *from, *to);
      if (!overlaps.ok()) return fail(overlaps.error());
      if (!overlaps->empty()) {
        auto supplier = app::read_record(workspace, "suppliers", {flags->supplier});
        const std::string city = supplier.ok() && *supplier ? text((**supplier)["city"]) : "";
        std::cerr << "moat: warning: " << app::overlap_warning(flags->person, *overlaps, city) << "\n";
      }
      return 0;
    });
  };
}
namespace {

// ---- moat visit ------------------------------------------------------------------------------

struct VisitFlags {
  std::string supplier, kind = "audit", date, checklist, product, note;
  std::vector<std::string> by, items, sites, subcontractors, evidence;
  std::optional<std::int64_t> capacity, headcount;
  bool update_supplier = false;
};

Result<app::VisitInput> visit_input(app::Workspace& workspace, const app::Session& session,
                                    const VisitFlags& flags) {
  app::VisitInput input;
  input.supplier = flags.supplier;
  input.kind = flags.kind;
  MOAT_TRY(input.date, parse_date(flags.date.empty() ? today_text(session) : flags.date, "--date"));
  input.by = flags.by.empty() ? std::vector<std::string>{session.actor} : flags.by;
  input.checklist = flags.checklist;
  input.product = flags.product;
  // --item a=pass --item b=fail, or several in one: --item a=pass,b=fail
  for (const std::string& given : flags.items) {
    for (const std::string& text : split_list(given, ",")) {
      if (trim(text).empty()) continue;
      MOAT_TRY(const auto pair, split_pair(std::string(trim(text)), "--item"));
      MOAT_TRY(const vet::ItemResult result, app::parse_item_result(pair.second, "--item " + pair.first));
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
    const std::string share =
        std::to_string(static_cast<int>(score.share * 100 + 0.5)) + "% of applicable items passed";
    if (score.passed) {
      std::cout << ": passed (" << share << ")";
    } else if (!score.failed_critical.empty()) {
      std::cout << ": FAILED, critical item" << (score.failed_critical.size() == 1 ? " " : "s ")
                << join(score.failed_critical, ", ") << " failed (" << share << ")";
    } else {
      std::cout << ": FAILED, " << share << ", below the checklist's pass share";
    }
    if (!score.unscored.empty())
      std::cout << "; not scored, counted as failed: " << join(score.unscored, ", ");
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
  cmd->add_option("--checklist", flags->checklist,
                  "checklist id (default for audits with items: ip-protection)");
  cmd->add_option("--item,--items", flags->items, "ITEM=pass|fail|na, several joined by commas (repeat)");
  cmd->add_option("--product", flags->product, "the product concerned");
  cmd->add_option("--capacity", flags->capacity, "capacity seen (units per month)");
  cmd->add_option("--headcount", flags->headcount, "headcount seen");
  cmd->add_option("--site", flags->sites, "a site seen (repeat)");
  cmd->add_option("--subcontractor", flags->subcontractors, "a subcontractor seen on site (repeat)");
  cmd->add_flag("--update-supplier", flags->update_supplier,
                "capacity and headcount seen become the supplier's");
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
void define_visit_checklist(CLI::App& parent, GlobalOptions& global,
                            std::vector<std::function<int()>>& runs) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd =
      subcommand(parent, "checklist", "the audit checklists and their items (what --item scores)", global);
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
        out.push_back(
            {{"id", name}, {"title", list.title}, {"pass_share", list.pass_share}, {"items", items}});
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

}  // namespace

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
      auto id = app::add_finding(
          workspace, session,
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
      const std::string& visit = (*answer)[0];
      // A supplier's user answers the findings of visits to its own supplier only; any other
      // visit's finding does not exist for it (the API's own-visit scope), and the attempt is
      // recorded.
      if (signed_in().role == app::Role::kSupplier) {
        auto found = app::read_record(workspace, "visits", {visit});
        if (!found.ok()) return fail(found.error());
        if (!*found || text((**found)["supplier"]) != signed_in().supplier) {
          (void)app::record_denial(workspace, app::terminal_session(), "moat finding answer",
                                   "not the supplier's visit");
          return fail(
              Error(ErrorCode::kNotFound, "findings/" + visit + "/" + (*answer)[1], "no such finding"));
        }
      }
      const Status done =
          app::answer_finding(workspace, app::terminal_session(), visit, (*answer)[1], (*answer)[2]);
      if (!done.ok()) return fail(done.error());
      if (global.json) {
        std::cout << json{{"visit", (*answer)[0]}, {"finding", (*answer)[1]}, {"state", "answered"}}.dump(2)
                  << "\n";
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
        std::cout << json{{"visit", (*close)[0]},
                          {"finding", (*close)[1]},
                          {"state", "closed"},
                          {"closed_on", on->to_string()}}
                         .dump(2)
                  << "\n";
      } else {
        std::cout << "Closed finding " << (*close)[0] << "/" << (*close)[1] << " on " << on->to_string()
                  << "\n";
      }
      return 0;
    });
  });
  return first_parsed(runs);
}

}  // namespace moat::cli
