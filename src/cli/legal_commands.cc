// SPDX-License-Identifier: Apache-2.0
// The legal commands: agreements and their quality check, the IP terms of purchase orders, IP
// rights, disclosures and their deadlines (a list, or an iCalendar file), the go / no-go gate and
// its waivers. Thin adapters over app/legal.h and app/gate.h.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/gate.h"
#include "app/legal.h"
#include "app/session.h"
#include "app/vetting.h"
#include "app/views.h"
#include "cli/common.h"
#include "cli/progress.h"
#include "cli/table.h"
#include "core/number_text.h"
#include "core/text.h"

namespace moat::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// ---- Shared parsing --------------------------------------------------------------------------

// A plain decimal as formats.md writes numbers: digits, optionally a point and more digits
// (500000, 500000.50); no sign, exponent, hexadecimal, infinity or spaces.
Result<std::optional<double>> parse_amount(const std::string& text, const std::string& flag) {
  if (text.empty()) return std::optional<double>();
  const std::size_t point = text.find('.');
  const auto digits = [](std::string_view part) {
    return !part.empty() &&
           std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const std::string_view whole = std::string_view(text).substr(0, point);
  const bool plain =
      digits(whole) && (point == std::string::npos || digits(std::string_view(text).substr(point + 1)));
  double value = 0;
  if (plain) std::from_chars(text.data(), text.data() + text.size(), value);
  if (!plain || !std::isfinite(value))
    return input_error(flag,
                       "'" + text + "' is not an amount of 0 or more (plain digits: 500000 or 500000.50)");
  return std::optional<double>(value);
}

Result<long> parse_count(const std::string& text, const std::string& flag) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 0)
    return input_error(flag, "'" + text + "' is not a whole number of 0 or more");
  return value;
}

std::string date_text(const std::optional<Date>& date) {
  return date ? date->to_string() : "";
}

std::string amount_text(const std::optional<double>& amount, const std::string& currency) {
  if (!amount) return "";
  return format_number(*amount) + (currency.empty() ? "" : " " + currency);
}

// Runs `body` with the workspace and the session; maps errors to exit codes.
int with_session(const GlobalOptions& global,
                 const std::function<Status(app::Workspace&, const app::Session&)>& body) {
  return with_workspace(global, [&](app::Workspace& workspace) {
    const Status done = body(workspace, app::terminal_session());
    return done.ok() ? 0 : fail(done.error());
  });
}

// ---- moat agreement --------------------------------------------------------------------------

struct AgreementFlags {
  app::AgreementInput input;
  std::string damages, effective, expires, file;
};

Status fill_agreement(app::Workspace& workspace, const app::Session& session, AgreementFlags& flags) {
  MOAT_TRY(flags.input.liquidated_damages, parse_amount(flags.damages, "--damages"));
  MOAT_TRY(flags.input.effective, parse_optional_date(flags.effective, "--effective"));
  MOAT_TRY(flags.input.expires, parse_optional_date(flags.expires, "--expires"));
  if (flags.file.empty()) return {};
  MOAT_TRY(const std::string content, read_file(flags.file));
  MOAT_TRY(const app::Document document,
           app::add_document(workspace, session, fs::path(flags.file).filename().string(), content));
  flags.input.document = document.id;
  return {};
}

void define_agreement_add(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  auto flags = std::make_shared<AgreementFlags>();
  app::AgreementInput& in = flags->input;
  CLI::App* cmd = subcommand(parent, "add", "record a signed agreement with a supplier", global);
  cmd->add_option(
         "--kind", in.kind,
         "nnn, nda, manufacturing, tooling, po-terms or confidentiality (employees of an own facility)")
      ->required();
  cmd->add_option("--supplier", in.supplier, "the counterparty (supplier id)")->required();
  cmd->add_option("--id", in.id, "its id (default: AG1, AG2, ...)");
  cmd->add_option("--counterparty-name", in.counterparty_name,
                  "the Chinese legal name as written (default: as registered)");
  cmd->add_option("--counterparty-uscc", in.counterparty_uscc,
                  "the credit code as written (default: as registered)");
  cmd->add_option("--law,--governing-law", in.governing_law,
                  "governing law, as a country code: CN for PRC law");
  cmd->add_option("--language,--languages", in.languages, "a language of its text: zh, en (repeat)");
  cmd->add_option("--controlling,--controlling-language", in.controlling_language,
                  "the language whose text controls");
  cmd->add_option("--court", in.court, "the court with jurisdiction");
  cmd->add_option("--court-country", in.court_country, "where that court sits (default: CN)");
  cmd->add_option("--court-division", in.court_division,
                  "GB/T 2260 code of the court's area: 440300 (Shenzhen)");
  cmd->add_flag("--arbitration", in.arbitration, "disputes go to arbitration instead of a court");
  cmd->add_option("--damages,--liquidated-damages", flags->damages, "liquidated damages per breach");
  cmd->add_option("--currency", in.currency, "their currency: CNY");
  cmd->add_option("--clause", in.clauses,
                  "a clause present (repeat): " + join(app::agreement_clause_names(), ", "));
  cmd->add_option("--signed-by", in.signed_by, "who signed for the supplier");
  cmd->add_flag("--legal-rep,--signer-is-legal-rep", in.signer_is_legal_rep,
                "the signer is the legal representative");
  cmd->add_flag("--chop", in.chop, "sealed with the company chop");
  cmd->add_option("--effective", flags->effective, "in force from");
  cmd->add_option("--expires", flags->expires, "in force until");
  cmd->add_option("--product", in.products, "a product it covers (repeat; none: every product)");
  cmd->add_option("--secret", in.secrets, "a secret it names (repeat)");
  cmd->add_option("--file,--document", flags->file, "the signed copy, stored encrypted in the vault");
  cmd->add_option("--contracted-by", in.contracted_by,
                  "made for us by the contract manufacturer: who signed");
  cmd->add_option("--on-behalf-of", in.on_behalf_of, "on whose behalf");
  cmd->add_option("--flows-down-to", in.flows_down_to, "a subcontractor it binds too (repeat)");
  cmd->add_option("--person", in.people, "confidentiality: an employee it binds (person id; repeat)");
  cmd->add_option("--note", in.note, "a note");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      MOAT_CHECK(fill_agreement(workspace, session, *flags));
      MOAT_TRY(const std::string id, app::add_agreement(workspace, session, flags->input));
      std::cout << (global.json ? json{{"agreement", id}}.dump() : "Recorded agreement " + id) << "\n";
      return {};
    });
  });
}

std::vector<std::string> failed_ids(const app::AgreementReview& a) {
  std::vector<std::string> ids;
  for (const auto& c : a.checks) {
    if (!c.passed) ids.push_back(c.id);
  }
  return ids;
}

void print_agreements(const std::vector<app::AgreementReview>& all) {
  TextTable table({"id", "kind", "supplier", "bound", "products", "effective", "expires", "quality check"});
  for (const auto& a : all) {
    const std::string verdict =
        a.passes ? (a.expiring ? "passes (expiring soon)" : "passes") : "fails: " + join(failed_ids(a), ", ");
    table.add({a.id, a.kind, a.supplier + (a.supplier_name.empty() ? "" : " " + a.supplier_name),
               join(a.suppliers, ";"), a.products.empty() ? "(all)" : join(a.products, ";"),
               date_text(a.effective), date_text(a.expires), verdict});
  }
  table.print(std::cout);
}

void print_checks(const std::vector<app::AgreementReview>& all) {
  for (const auto& a : all) {
    std::cout << a.id << " (" << a.kind << " with " << a.supplier << "): " << (a.passes ? "passes" : "FAILS")
              << "\n";
    for (const auto& c : a.checks) {
      std::cout << "  " << (c.passed ? "pass " : "FAIL ") << c.id << ": " << shown_in_cell(c.reason) << "\n";
      if (!c.passed) std::cout << "       fix: " << shown_in_cell(c.fix) << "\n";
    }
  }
}

void define_agreement_review(CLI::App& parent, GlobalOptions& global, Runs& runs, const char* name,
                             bool details) {
  struct Flags {
    std::string supplier, date;
    std::vector<std::string> ids;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd =
      subcommand(parent, name,
                 details ? "check agreements against China practice, each check with its reason and fix"
                         : "list agreements and whether each passes its quality check",
                 global);
  if (details) cmd->add_option("ID", flags->ids, "agreements to check (default: all)");
  cmd->add_option("--supplier", flags->supplier, "only those binding this supplier");
  cmd->add_option("--as-of", flags->date, "checked as of this date (default: today)");
  runs.push_back([cmd, flags, details, &global] {
    if (!cmd->parsed()) return -1;
    bool failing = false;
    const int code =
        with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
          MOAT_TRY(const Date today, as_of(flags->date, session));
          MOAT_TRY(std::vector<app::AgreementReview> all,
                   app::review_agreements(workspace, today, flags->supplier));
          for (const std::string& id : flags->ids) {
            const bool known = std::any_of(all.begin(), all.end(), [&](const auto& a) { return a.id == id; });
            if (!known) return Error(ErrorCode::kNotFound, "agreements/" + id, "no such agreement");
          }
          if (!flags->ids.empty()) {
            std::erase_if(all, [&](const auto& a) {
              return std::find(flags->ids.begin(), flags->ids.end(), a.id) == flags->ids.end();
            });
          }
          if (global.json) {
            json out = json::array();
            for (const auto& a : all) out.push_back(app::agreement_json(a));
            std::cout << out.dump(2) << "\n";
          } else if (details) {
            print_checks(all);
          } else {
            print_agreements(all);
          }
          failing =
              std::any_of(all.begin(), all.end(), [](const app::AgreementReview& a) { return !a.passes; });
          return {};
        });
    // `check` is a verdict: an agreement that fails it is exit code 3; `list` only lists.
    return code == 0 && details && failing ? kExitNoGo : code;
  });
}

std::function<int()> define_agreement(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<Runs>();
  define_agreement_add(app, global, *runs);
  define_agreement_review(app, global, *runs, "list", false);
  define_agreement_review(app, global, *runs, "check", true);
  return first_parsed(runs);
}

// ---- moat po ---------------------------------------------------------------------------------

void define_po_add(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  struct Flags {
    app::OrderInput input;
    std::string issued, due, penalty;
  };
  auto flags = std::make_shared<Flags>();
  app::OrderInput& in = flags->input;
  CLI::App* cmd = subcommand(parent, "add", "record a purchase order with its IP clause and penalty", global);
  cmd->add_option("ID", in.id, "the PO number")->required();
  cmd->add_option("--supplier", in.supplier, "supplier id")->required();
  cmd->add_option("--product", in.product, "product id")->required();
  cmd->add_option("--package", in.package, "work package id");
  cmd->add_option("--quantity", in.quantity, "units ordered")->required();
  cmd->add_option("--issued", flags->issued, "issued on (default: today)");
  cmd->add_option("--due", flags->due, "due on");
  cmd->add_option("--ip-clause", in.ip_clause, "the IP clause, its text or article");
  cmd->add_option("--penalty", flags->penalty, "liquidated damages for breaching it");
  cmd->add_option("--currency", in.currency, "their currency: CNY");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      MOAT_TRY(flags->input.issued,
               parse_date(flags->issued.empty() ? today_text(session) : flags->issued, "--issued"));
      MOAT_TRY(flags->input.due, parse_optional_date(flags->due, "--due"));
      MOAT_TRY(flags->input.penalty, parse_amount(flags->penalty, "--penalty"));
      MOAT_CHECK(app::add_order(workspace, session, flags->input));
      std::cout << (global.json ? json{{"order", flags->input.id}}.dump()
                                : "Recorded purchase order " + flags->input.id)
                << "\n";
      return {};
    });
  });
}

void define_po_terms(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  auto flags = std::make_shared<std::array<std::string, 4>>();  // id, clause, penalty, currency
  CLI::App* cmd = subcommand(parent, "terms", "record the IP clause and penalty of a purchase order", global);
  cmd->alias("set");
  cmd->add_option("ID", (*flags)[0], "the PO number")->required();
  cmd->add_option("--ip-clause", (*flags)[1], "the IP clause, its text or article");
  cmd->add_option("--penalty", (*flags)[2], "liquidated damages for breaching it");
  cmd->add_option("--currency", (*flags)[3], "their currency: CNY");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      const auto& f = *flags;
      if (f[1].empty() && f[2].empty() && f[3].empty()) {
        return input_error("--ip-clause", "give the IP clause, the penalty or the currency to record");
      }
      MOAT_TRY(const std::optional<double> penalty, parse_amount(f[2], "--penalty"));
      MOAT_CHECK(app::set_order_terms(workspace, session, f[0], f[1], penalty, f[3]));
      std::cout << (global.json ? json{{"order", f[0]}}.dump() : "Recorded the terms of " + f[0]) << "\n";
      return {};
    });
  });
}

void define_po_review(CLI::App& parent, GlobalOptions& global, Runs& runs, const char* name,
                      bool only_problems) {
  auto flags = std::make_shared<std::array<std::string, 2>>();  // supplier, product
  CLI::App* cmd =
      subcommand(parent, name,
                 only_problems ? "check that every purchase order carries the IP clause and a penalty"
                               : "list purchase orders with their IP terms",
                 global);
  cmd->add_option("--supplier", (*flags)[0], "only this supplier's");
  cmd->add_option("--product", (*flags)[1], "only this product's");
  runs.push_back([cmd, flags, only_problems, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session&) -> Status {
      MOAT_TRY(const std::vector<app::OrderReview> orders,
               app::review_orders(workspace, (*flags)[0], (*flags)[1]));
      if (global.json) {
        json out = json::array();
        for (const auto& o : orders) out.push_back(app::order_json(o));
        std::cout << out.dump(2) << "\n";
        return {};
      }
      TextTable table({"po", "supplier", "product", "package", "quantity", "issued", "penalty", "IP terms"});
      for (const auto& o : orders) {
        if (only_problems && o.problems.empty()) continue;
        table.add({o.id, o.supplier, o.product, o.package, std::to_string(o.quantity), o.issued,
                   amount_text(o.penalty, o.currency),
                   o.problems.empty() ? "ok" : "missing: " + join(o.problems, "; ")});
      }
      table.print(std::cout);
      return {};
    });
  });
}

std::function<int()> define_po(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<Runs>();
  define_po_add(app, global, *runs);
  define_po_terms(app, global, *runs);
  define_po_review(app, global, *runs, "list", false);
  define_po_review(app, global, *runs, "check", true);
  return first_parsed(runs);
}

// ---- moat ip ---------------------------------------------------------------------------------

struct RightFlags {
  app::IpRightInput input;
  std::string filed, priority, published, registered, expires;
};

void define_ip_add(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  auto flags = std::make_shared<RightFlags>();
  app::IpRightInput& in = flags->input;
  CLI::App* cmd = subcommand(parent, "add",
                             "record an IP right: a patent, design, trademark or copyright filing", global);
  cmd->add_option(
         "--kind", in.kind,
         "invention, utility-model, design, trademark, copyright, software-copyright or customs-recordation")
      ->required();
  cmd->add_option("--jurisdiction", in.jurisdiction, "office code: CN, US, EP; WO for a PCT application")
      ->required();
  cmd->add_option("--title", in.title, "title, or the mark for a trademark")->required();
  cmd->add_option("--filed", flags->filed, "filing date")->required();
  cmd->add_option("--priority", flags->priority, "earliest priority date claimed");
  cmd->add_option("--published", flags->published, "publication date");
  cmd->add_option("--registered", flags->registered, "registration or grant date");
  cmd->add_option("--expires", flags->expires, "expiry date");
  cmd->add_flag("--pct", in.pct, "filed under the PCT");
  cmd->add_flag("--made-in-china", in.made_in_china, "its substance was completed in mainland China");
  cmd->add_option("--owner", in.owner, "owner as registered (default: the company)");
  cmd->add_option("--product", in.products, "a product it covers (repeat)");
  cmd->add_option("--secret", in.secrets, "a secret it covers (repeat)");
  cmd->add_option("--part", in.parts, "a part it covers (repeat)");
  cmd->add_option("--mark", in.mark, "trademarks: the mark (default: the title)");
  cmd->add_option("--script", in.script, "trademarks: latin or chinese (default: from the mark)");
  cmd->add_option("--class", in.nice_classes, "trademarks: a Nice class (repeat)");
  cmd->add_option("--subclass", in.subclasses, "trademarks: a Chinese subclass, e.g. 0901 (repeat)");
  cmd->add_option("--application-number", in.application_number, "application number");
  cmd->add_option("--registration-number", in.registration_number, "registration or patent number");
  cmd->add_option("--id", in.id, "its id (default: IP1, IP2, ...)");
  cmd->add_option("--note", in.note, "a note");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      RightFlags& f = *flags;
      MOAT_TRY(f.input.filed, parse_optional_date(f.filed, "--filed"));
      MOAT_TRY(f.input.priority, parse_optional_date(f.priority, "--priority"));
      MOAT_TRY(f.input.published, parse_optional_date(f.published, "--published"));
      MOAT_TRY(f.input.registered, parse_optional_date(f.registered, "--registered"));
      MOAT_TRY(f.input.expires, parse_optional_date(f.expires, "--expires"));
      MOAT_TRY(const std::string id, app::add_ip_right(workspace, session, f.input));
      std::cout << (global.json ? json{{"right", id}}.dump() : "Recorded IP right " + id) << "\n";
      return {};
    });
  });
}

void define_ip_event(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  auto flags = std::make_shared<std::array<std::string, 4>>();  // right, event, date, note
  CLI::App* cmd = subcommand(parent, "event",
                             "record an event of a right: filed-in-cn, entered-cn-national-phase, "
                             "confidentiality-cleared, renewed, abandoned, ...",
                             global);
  cmd->add_option("RIGHT", (*flags)[0], "the right's id")->required();
  cmd->add_option("EVENT", (*flags)[1], "the event")->required();
  cmd->add_option("--date", (*flags)[2], "on (default: today)");
  cmd->add_option("--note", (*flags)[3], "a note");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      const auto& f = *flags;
      MOAT_TRY(const Date on, parse_date(f[2].empty() ? today_text(session) : f[2], "--date"));
      MOAT_CHECK(app::add_ip_event(workspace, session, f[0], f[1], on, f[3]));
      std::cout << (global.json ? json{{"right", f[0]}, {"event", f[1]}, {"date", on.to_string()}}.dump()
                                : "Recorded " + f[1] + " of " + f[0] + " on " + on.to_string())
                << "\n";
      return {};
    });
  });
}

void define_ip_list(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  CLI::App* cmd = subcommand(parent, "list", "list IP rights", global);
  runs.push_back([cmd, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session&) -> Status {
      MOAT_TRY(const std::vector<app::IpRightRow> rights, app::list_ip_rights(workspace));
      if (global.json) {
        json out = json::array();
        for (const auto& r : rights) out.push_back(app::right_json(r));
        std::cout << out.dump(2) << "\n";
        return {};
      }
      TextTable table(
          {"id", "kind", "office", "title", "number", "filed", "priority", "registered", "owner", "covers"});
      for (const auto& row : rights) {
        const app::IpRightInput& r = row.right;
        std::vector<std::string> covers = r.products;
        covers.insert(covers.end(), r.secrets.begin(), r.secrets.end());
        table.add({r.id, r.kind + (r.pct ? " (PCT)" : ""), r.jurisdiction, r.title,
                   r.registration_number.empty() ? r.application_number : r.registration_number,
                   date_text(r.filed), date_text(r.priority), date_text(r.registered), r.owner,
                   join(covers, ";")});
      }
      table.print(std::cout);
      return {};
    });
  });
}

void define_ip_disclose(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  struct Flags {
    app::DisclosureInput input;
    std::string date;
  };
  auto flags = std::make_shared<Flags>();
  app::DisclosureInput& in = flags->input;
  CLI::App* cmd = subcommand(
      parent, "disclose",
      "record a public disclosure: trade show, crowdfunding, samples without an NNN, publication", global);
  cmd->add_option("--kind", in.kind, "trade-show, crowdfunding, samples-without-nnn, publication or other")
      ->required();
  cmd->add_option("--product", in.product, "the product shown")->required();
  cmd->add_option("--date", flags->date, "on (default: today)");
  cmd->add_option("--secret", in.secrets, "a secret made public (repeat)");
  cmd->add_option("--note", in.note, "where, to whom");
  cmd->add_option("--id", in.id, "its id (default: D1, D2, ...)");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      MOAT_TRY(flags->input.date,
               parse_date(flags->date.empty() ? today_text(session) : flags->date, "--date"));
      MOAT_TRY(const std::string id, app::record_disclosure(workspace, session, flags->input));
      std::cout << (global.json ? json{{"disclosure", id}}.dump() : "Recorded disclosure " + id) << "\n";
      return {};
    });
  });
}

void print_deadlines(const std::vector<legal::Deadline>& deadlines, Date as_of) {
  if (deadlines.empty()) {
    std::cout << "No deadlines.\n";
    return;
  }
  TextTable table({"due", "state", "right", "rule", "what to do"});
  for (const auto& d : deadlines) {
    const long days = d.due.days_since_epoch() - as_of.days_since_epoch();
    const std::string state = d.missed ? "MISSED" : "in " + std::to_string(days) + " days";
    table.add({d.due.to_string(), state, d.right, d.rule, d.title});
  }
  table.print(std::cout);
}

void define_ip_deadlines(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  auto flags = std::make_shared<std::array<std::string, 2>>();  // within, as-of
  CLI::App* cmd = subcommand(parent, "deadlines", "IP deadlines due soon, and those already missed", global);
  cmd->add_option("--within", (*flags)[0], "only those due within DAYS (missed ones always show)");
  cmd->add_option("--as-of", (*flags)[1], "as of this date (default: today)");
  add_xlsx_option(*cmd, global);
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      MOAT_TRY(const Date day, as_of((*flags)[1], session));
      std::optional<long> within;
      if (!(*flags)[0].empty()) {
        MOAT_TRY(within, parse_count((*flags)[0], "--within"));
      }
      MOAT_TRY(const std::vector<legal::Deadline> deadlines, app::ip_deadlines(workspace, day, within));
      json out = json::array();
      for (const auto& d : deadlines) out.push_back(app::deadline_json(d));
      MOAT_CHECK(write_xlsx_report(global, "deadlines", out));
      if (!global.json) {
        print_deadlines(deadlines, day);
        return {};
      }
      std::cout << out.dump(2) << "\n";
      return {};
    });
  });
}

void define_ip_calendar(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  auto flags = std::make_shared<std::array<std::string, 2>>();  // file, as-of
  CLI::App* cmd =
      subcommand(parent, "calendar", "write the IP deadlines as an iCalendar file (.ics)", global);
  cmd->add_option("FILE", (*flags)[0], "the .ics file to write")->required();
  cmd->add_option("--as-of", (*flags)[1], "as of this date (default: today)");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      MOAT_TRY(const Date day, as_of((*flags)[1], session));
      MOAT_TRY(const std::string ics, app::ip_calendar(workspace, day, session.now()));
      MOAT_CHECK(write_file_atomically((*flags)[0], ics));
      std::cout << (global.json ? json{{"file", (*flags)[0]}}.dump() : "Wrote " + (*flags)[0]) << "\n";
      return {};
    });
  });
}

std::function<int()> define_ip(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  auto runs = std::make_shared<Runs>();
  define_ip_add(app, global, *runs);
  define_ip_event(app, global, *runs);
  define_ip_list(app, global, *runs);
  define_ip_disclose(app, global, *runs);
  define_ip_deadlines(app, global, *runs);
  define_ip_calendar(app, global, *runs);
  return first_parsed(runs);
}

// ---- moat gate and moat waive ----------------------------------------------------------------

// The contract: {"verdict", "checks": [{"id", "subject", "status", "reason", "fix"}]}; a waived
// check's reason ends with who waived it, until when and why.
void print_verdict(const gate::Verdict& verdict, const std::string& what) {
  const auto failing = std::count_if(verdict.checks.begin(), verdict.checks.end(), [](const gate::Check& c) {
    return c.status == gate::CheckStatus::kFail;
  });
  std::cout << what << ": " << (verdict.go ? "GO" : "NO-GO") << " (" << failing << " of "
            << verdict.checks.size() << " checks fail)\n";
  // Reasons quote supplier data (a name holding a right-to-left override would turn the rest of
  // the line): shown as a table cell shows it.
  for (const gate::Check& c : verdict.checks) {
    std::cout << "  " << gate::status_name(c.status) << "  " << c.id << "  " << shown_in_cell(c.subject)
              << "\n      " << shown_in_cell(c.reason) << "\n";
    if (!c.waiver.empty()) std::cout << "      " << shown_in_cell(c.waiver) << "\n";
    if (c.status != gate::CheckStatus::kPass) std::cout << "      fix: " << shown_in_cell(c.fix) << "\n";
  }
}

std::string gate_title(const app::GateRequest& request) {
  if (request.supplier.empty()) return "Production launch of " + request.product;
  return "Release of " + request.package + " (" + request.product + ") to " + request.supplier;
}

std::function<int()> define_gate(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<std::array<std::string, 4>>();  // product, supplier, package, as-of
  app.add_option("--product", (*flags)[0], "the product")->required();
  app.add_option("--supplier", (*flags)[1], "with --package: gate releasing the package to this supplier");
  app.add_option("--package", (*flags)[2], "with --supplier: the work package to release");
  app.add_option("--as-of", (*flags)[3], "decide as of this date (default: today)");
  app.add_flag("--json", global.json, "print as JSON");
  add_xlsx_option(app, global);
  return [flags, &global] {
    bool go = false;
    const int code =
        with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
          MOAT_TRY(const Date today, as_of((*flags)[3], session));
          const app::GateRequest request{(*flags)[0], (*flags)[1], (*flags)[2], today};
          MOAT_TRY(const gate::Verdict verdict,
                   app::run_gate(workspace, session, request,
                                 progress_line(global, "Deciding the gate", "steps")));
          MOAT_CHECK(write_xlsx_report(global, "gate", app::verdict_json(verdict)));
          if (global.json) {
            std::cout << app::verdict_json(verdict).dump(2) << "\n";
          } else {
            print_verdict(verdict, gate_title(request));
          }
          go = verdict.go;
          return {};
        });
    return code == 0 && !go ? kExitNoGo : code;
  };
}

std::function<int()> define_waive(CLI::App& app, GlobalOptions& global) {
  struct Flags {
    app::WaiverInput input;
    std::string check, subject, granted, expires;
  };
  auto flags = std::make_shared<Flags>();
  app::WaiverInput& in = flags->input;
  app.add_option("CHECK", flags->check, "the gate check to waive: onsite-agent, owner-visit, ...");
  app.add_option("SUBJECT", flags->subject, "the check's subject, as the gate names it: supplier/F03");
  app.add_option("--check", in.check, "the check (instead of CHECK)");
  app.add_option("--subject", in.subject, "the subject (instead of SUBJECT)");
  app.add_option("--role", in.role, "the role of who grants it: IP counsel, sourcing lead")->required();
  app.add_option("--reason", in.reason, "why going ahead is acceptable")->required();
  app.add_option("--expires,--until", flags->expires, "the last day it applies")->required();
  app.add_option("--by", in.by, "who grants it (default: you)");
  app.add_option("--granted", flags->granted, "granted on (default: today)");
  app.add_option("--product", in.product, "only for this product (default: every product)");
  app.add_flag("--json", global.json, "print as JSON");
  return [flags, &global] {
    return with_session(global, [&](app::Workspace& workspace, const app::Session& session) -> Status {
      Flags& f = *flags;
      if (f.input.check.empty()) f.input.check = f.check;
      if (f.input.subject.empty()) f.input.subject = f.subject;
      if (f.input.check.empty()) return input_error("--check", "name the gate check to waive");
      // With accounts the grantor is who signed in, as POST /api/waivers records the caller: a
      // name typed on the command line is not evidence of who granted it.
      const app::Actor& actor = signed_in();
      if (!f.input.by.empty() && actor.role && f.input.by != actor.name) {
        return input_error("--by", "in a workspace with accounts a waiver is granted by who signs in (" +
                                       actor.name + "), not '" + f.input.by + "'");
      }
      MOAT_TRY(f.input.granted, parse_optional_date(f.granted, "--granted"));
      MOAT_TRY(f.input.expires, parse_optional_date(f.expires, "--expires"));
      MOAT_TRY(const Date today, as_of("", session));
      MOAT_TRY(const std::string id, app::grant_waiver(workspace, session, f.input, today));
      std::cout << (global.json ? json{{"waiver", id}}.dump()
                                : "Recorded waiver " + id + ": " + f.input.check + " for " + f.input.subject +
                                      " until " + f.input.expires->to_string())
                << "\n";
      return {};
    });
  };
}

const Command kLegalCommands[] = {
    {"agreement", "agreements with suppliers: record, list, and check them against China practice",
     define_agreement},
    {"po", "purchase orders: record their IP clause and penalty, list and check them", define_po},
    {"ip", "IP rights and disclosures: record, list, deadlines, calendar", define_ip},
    {"gate", "go / no-go for releasing a work package to a supplier, or for a production launch",
     define_gate},
    {"waive", "waive a failing gate check for a subject, with a role, a reason and an expiry", define_waive},
};

}  // namespace

std::span<const Command> legal_commands() {
  return kLegalCommands;
}

}  // namespace moat::cli
