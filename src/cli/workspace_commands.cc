// SPDX-License-Identifier: Apache-2.0
// The workspace commands: `moat init`, `status`, `import`, `export`, `remove`, `list`, `show`,
// `set`, `parties`, `migrate` and `uscc`. Thin adapters over app/workspace.h, app/import.h,
// app/export.h, app/remove.h, app/edit.h, app/summary.h and app/migrate.h.
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/audit.h"
#include "app/demo.h"
#include "app/edit.h"
#include "app/export.h"
#include "app/gate.h"
#include "app/import.h"
#include "app/migrate.h"
#include "app/money.h"
#include "app/reads.h"
#include "app/remove.h"
#include "app/sourcing.h"
#include "app/summary.h"
#include "app/views.h"
#include "app/workspace.h"
#include "cli/common.h"
#include "cli/core_commands.h"
#include "cli/progress.h"
#include "cli/table.h"
#include "core/text.h"
#include "core/uscc.h"

namespace moat::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Says exactly what was checked of the ledger, and what is left to `moat audit verify`.
void print_ledger_head(const app::HeadCheck& head) {
  std::cout << "\nLedger: " << head.events << " events, ";
  if (!head.ok) {
    std::cout << "VERIFICATION FAILED: " << head.problem << " (run 'moat audit verify')\n";
    return;
  }
  std::cout << "head verified";
  if (head.checkpoint_size > 0) {
    std::cout << " from the signed checkpoint of " << head.checkpoint_size
              << " events (signature, tree root, its last event)";
    if (head.events_rehashed > 0)
      std::cout << "; the " << head.events_rehashed << " events after it rehashed and linked";
  } else {
    std::cout << " from the first event (no signed checkpoint yet): " << head.events_rehashed
              << " events rehashed and linked";
  }
  std::cout << "; tree head" << (head.witness_present ? " and witness" : "") << " agree.\n"
            << "  Not re-read here: "
            << (head.checkpoint_size > 0 ? "the events the checkpoint covers and " : "")
            << "the records against the ledger ('moat audit verify' checks both).\n";
}

void print_summary(const app::WorkspaceSummary& s, const fs::path& dir) {
  std::cout << "Workspace " << dir.string() << " — " << (s.company.empty() ? "(no company set)" : s.company)
            << ", home jurisdiction " << s.home_jurisdiction << "\n\n";
  TextTable products(
      {"product", "name", "BOM lines", "secrets", "weight", "inference", "recipes", "packages", "quotes"});
  for (const auto& p : s.products) {
    std::ostringstream weight;
    weight << p.secret_weight;
    products.add({p.id, p.name,
                  std::to_string(p.parts) +
                      (p.parts_not_fitted ? " (+" + std::to_string(p.parts_not_fitted) + " not fitted)" : ""),
                  std::to_string(p.secrets), weight.str(), std::to_string(p.derives),
                  std::to_string(p.recipes), std::to_string(p.packages), std::to_string(p.quotes)});
  }
  products.print(std::cout);
  for (const auto& p : s.products) {
    if (!p.packages_without_quotes.empty()) {
      std::cout << "  ! " << p.id << ": no quote from a qualified supplier for";
      for (const auto& id : p.packages_without_quotes) std::cout << ' ' << id;
      std::cout << "\n";
    }
  }
  std::cout << "\nSuppliers: " << s.suppliers << " in " << s.parties
            << " parties; people on file: " << s.people << "\n";
  std::cout << "  by city:  ";
  for (const auto& [city, n] : s.suppliers_by_city) std::cout << city << " " << n << "   ";
  std::cout << "\n  by status:";
  for (const auto& [status, n] : s.suppliers_by_status) std::cout << ' ' << status << " " << n << "  ";
  std::cout << "\n  trusted (own facilities): " << (s.trusted.empty() ? "none" : "");
  for (std::size_t i = 0; i < s.trusted.size(); ++i) std::cout << (i ? ", " : "") << s.trusted[i];
  std::cout << "\n  affiliated groups (each counts as one party):\n";
  if (s.affiliated_parties.empty()) std::cout << "    none\n";
  for (const auto& party : s.affiliated_parties) {
    std::cout << "    " << party.id << ":";
    for (const auto& member : party.members) std::cout << ' ' << member;
    std::cout << "\n";
  }
  print_ledger_head(s.ledger);
}

}  // namespace

int show_summary(app::Workspace& workspace, bool as_json) {
  auto summary = app::summarize(workspace);
  if (!summary.ok()) return fail(summary.error());
  if (as_json) {
    std::cout << app::summary_json(*summary).dump(2) << "\n";
  } else {
    print_summary(*summary, workspace.dir());
  }
  return 0;
}

// --- commands ---------------------------------------------------------------------------------

std::function<int()> define_init(CLI::App& app, GlobalOptions& global) {
  auto dir = std::make_shared<std::string>();
  auto options = std::make_shared<app::InitOptions>();
  app.add_option("DIR", *dir, "folder to create the workspace in (or -w DIR)");
  app.add_option("--company", options->company, "the company that owns the product data");
  app.add_option("--home-jurisdiction", options->home_jurisdiction,
                 "two-letter country code where IP is filed first")
      ->capture_default_str();
  app.add_option("--db", options->database,
                 "an empty PostgreSQL database (postgresql://...) instead of the embedded SQLite file");
  return [dir, options, &global] {
    auto target = new_workspace_dir(*dir, global);
    if (!target.ok()) return fail(target.error());
    *dir = *target;
    auto workspace = app::Workspace::init(*dir, *options);
    if (!workspace.ok()) return fail(workspace.error());
    if (global.json) {
      std::cout << json{{"workspace", fs::absolute(*dir).string()}}.dump() << "\n";
    } else {
      std::cout << "Created workspace " << *dir << " (moat.toml, "
                << (options->database.empty() ? "moat.db" : app::redacted_url(options->database))
                << ", vault/, keys/; owner-only)\n";
    }
    return 0;
  };
}

std::function<int()> define_status(CLI::App& app, GlobalOptions& global) {
  app.add_flag("--json", global.json, "print as JSON");
  return [&global] {
    return with_workspace(global, [&](app::Workspace& w) { return show_summary(w, global.json); });
  };
}
namespace {

// One line per record: "+" added, "~" changed (each field before → after), "-" removed; the
// first kShownChanges of each kind (--json lists all).
constexpr std::size_t kShownChanges = 100;

void print_records(const std::vector<app::RecordDifference>& records, std::string_view mark) {
  for (std::size_t i = 0; i < records.size() && i < kShownChanges; ++i) {
    const app::RecordDifference& r = records[i];
    std::cout << "  " << mark << " " << r.table << "/" << r.key;
    for (std::size_t f = 0; f < r.fields.size(); ++f) {
      std::cout << (f ? "; " : ": ") << r.fields[f].field << " " << r.fields[f].before << " → "
                << r.fields[f].after;
    }
    if (!r.reason.empty()) std::cout << " (" << r.reason << ")";
    std::cout << "\n";
  }
  if (records.size() > kShownChanges) {
    std::cout << "  … and " << records.size() - kShownChanges << " more (--json lists them all)\n";
  }
}

void print_difference(const app::Difference& d) {
  if (d.empty()) {
    std::cout << "No changes.\n";
    return;
  }
  std::cout << "Changes: " << d.added.size() << " added, " << d.changed.size() << " changed, "
            << d.removed.size() << " removed"
            << (d.unlinked.empty() ? "" : ", " + std::to_string(d.unlinked.size()) + " unlinked") << "\n";
  print_records(d.added, "+");
  print_records(d.changed, "~");
  print_records(d.removed, "-");
  print_records(d.unlinked, "~");
}

// How each file was read: its dialect or sheet, a BOM's layout, fitted lines and make/buy.
void print_file_reports(const std::vector<app::FileReport>& files) {
  for (const app::FileReport& f : files) {
    std::cout << f.file << ": " << f.records << " " << f.kind << " records, ";
    if (f.format == "csv") {
      std::cout << f.delimiter << "-separated";
      if (!f.encoding.empty() && f.encoding != "UTF-8") std::cout << ", read as " << f.encoding;
    }
    if (f.format == "xlsx") std::cout << "worksheet '" << f.sheet << "'";
    if (f.format == "json") std::cout << "workspace document";
    if (f.kind != "parts") {
      std::cout << "\n";
      continue;
    }
    std::cout << "; layout: " << f.layout_name << "\n";
    std::cout << "  fitted: " << f.fitted << ", not fitted: " << f.not_fitted << "\n";
    for (const auto& [classified, lines] : f.make_buy_reasons) {
      std::cout << "  " << classified.first << ": " << lines << " (" << classified.second << ")\n";
    }
    if (!f.ignored_columns.empty()) {
      std::cout << "  ignored columns:";
      for (std::size_t i = 0; i < f.ignored_columns.size(); ++i)
        std::cout << (i ? ", " : " ") << f.ignored_columns[i];
      std::cout << "\n";
    }
    if (f.preamble_rows > 0) std::cout << "  skipped " << f.preamble_rows << " rows before the header\n";
    if (f.trailing_empty_rows > 0) {
      std::cout << "  " << f.trailing_empty_rows << (f.trailing_empty_rows == 1 ? " row had" : " rows had")
                << " empty fields past the header's width (dropped)\n";
    }
  }
}

}  // namespace

std::function<int()> define_import(CLI::App& app, GlobalOptions& global) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto options = std::make_shared<app::ImportOptions>();
  app.add_option(
         "FILE", *files,
         "CSV files (bom.csv, suppliers.csv, ...), Excel workbooks (bom.xlsx) or a workspace JSON document")
      ->required();
  app.add_option("--kind", options->kind,
                 "what the files hold: products, parts (bom), secrets, derives, recipes, packages, "
                 "suppliers, affiliations, quotes, people, certificates, assignments, visits, audit_items, "
                 "findings, tooling, tool_events, orders, movements, agreements, ip_rights, ip_events, "
                 "disclosures, waivers");
  app.add_option("--product", options->product,
                 "product for files without a product column (created if new)");
  app.add_option("--sheet", options->sheet, "workbooks: the worksheet to read (default: the first)");
  app.add_flag(
      "--replace", options->replace,
      "the BOM files are the product's whole BOM: its parts they do not hold are removed (needs --product)");
  app.add_flag("--cascade", options->cascade,
               "with --replace: also remove (or unlink) what refers to the removed parts");
  app.add_flag("--dry-run", options->dry_run, "check everything and show the changes, write nothing");
  app.add_flag("--json", global.json, "print the report as JSON");
  auto encoding = std::make_shared<std::string>();
  app.add_option("--encoding", *encoding,
                 "the files' text encoding when not UTF-8: gb18030 (or gbk: Excel's CSV on Chinese Windows), "
                 "utf-16le, utf-16be (UTF-16 with its byte-order mark is read without it)");
  return [files, options, encoding, &global] {
    if (options->kind && *options->kind == "bom") options->kind = "parts";
    if (options->cascade && !options->replace) return fail(input_error("--cascade", "applies to --replace"));
    std::vector<app::SourceFile> sources;
    for (const std::string& path : *files) {
      auto content = read_file(path);
      if (!content.ok()) return fail(content.error());
      sources.push_back({path, std::move(*content), *encoding});
    }
    return with_workspace(global, [&](app::Workspace& workspace) {
      options->progress = progress_line(global, options->dry_run ? "Checking" : "Importing", "records");
      options->role = signed_in().role;
      auto report = app::import_files(workspace, app::terminal_session(), sources, *options);
      if (!report.ok()) return fail(report.error());
      for (const app::FileReport& file : report->files) {
        for (const Diagnostic& warning : file.warnings)
          std::cerr << "moat: warning: " << warning.where << ": " << warning.message << "\n";
      }
      if (global.json) {
        std::cout << app::import_report_json(*report, options->dry_run).dump(2) << "\n";
        return 0;
      }
      print_file_reports(report->files);
      print_difference(report->difference);
      std::size_t read = 0;
      for (const auto& [table, n] : report->records_read) read += n;
      std::cout << (options->dry_run ? "Checked " : "Imported ") << read << " records";
      if (options->dry_run) std::cout << ": nothing written (dry run)";
      if (!options->dry_run)
        std::cout << " (" << report->records_changed << " new, changed or removed, " << report->events
                  << " ledger events)";
      std::cout << "\n";
      return 0;
    });
  };
}

std::function<int()> define_remove(CLI::App& app, GlobalOptions& global) {
  auto kind = std::make_shared<std::string>();
  auto keys = std::make_shared<std::vector<std::string>>();
  auto options = std::make_shared<app::RemoveOptions>();
  app.add_option("KIND", *kind, "what to remove: parts (bom), suppliers, quotes, people, ...")->required();
  app.add_option("KEY", *keys, "each record's key as the ledger writes it (aurora/C1, F03, ...)")->required();
  app.add_option("--if-version", options->if_version,
                 "with one key: the version read (moat show); refused when it changed since");
  app.add_flag("--cascade", options->cascade,
               "also remove (or unlink from lists) the records that refer to them");
  app.add_flag("--dry-run", options->dry_run, "show what would be removed, remove nothing");
  app.add_flag("--json", global.json, "print as JSON");
  return [kind, keys, options, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      options->role = signed_in().role;
      auto report = app::remove_records(workspace, app::terminal_session(), *kind, *keys, *options);
      if (!report.ok()) return fail(report.error());
      if (global.json) {
        std::cout << app::remove_report_json(*report, options->dry_run).dump(2) << "\n";
        return 0;
      }
      print_difference(report->difference);
      std::cout << (options->dry_run
                        ? "Nothing removed (dry run).\n"
                        : "Removed " + std::to_string(report->difference.removed.size()) + " records (" +
                              std::to_string(report->events) + " ledger events).\n");
      return 0;
    });
  };
}

std::function<int()> define_export(CLI::App& app, GlobalOptions& global) {
  auto file = std::make_shared<std::string>();
  app.add_option("FILE", *file, "where to write the JSON document (default: standard output)");
  return [file, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto document = app::export_workspace(workspace, progress_line(global, "Exporting", "records"));
      if (!document.ok()) return fail(document.error());
      if (file->empty() || *file == "-") {
        std::cout << *document;
        return 0;
      }
      if (Status written = write_file_atomically(*file, *document); !written.ok())
        return fail(written.error());
      return 0;
    });
  };
}
namespace {

// The columns `list` shows: --columns as given (each must be a field of the table), all with
// --wide or when the output is not a terminal, else the fields that fit the terminal's width, the
// required ones first, leaving out those no row has a value for.
struct ListColumns {
  std::string asked;  // --columns a,b,c
  bool wide = false;  // --wide
};

std::size_t terminal_width() {
  if (!::isatty(STDOUT_FILENO)) return 0;
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  const char* columns = std::getenv("COLUMNS");
  return columns ? static_cast<std::size_t>(std::atoi(columns)) : 0;
}

// How wide a column prints: its widest value (up to the wrap width) or its header.
std::size_t column_width(const std::vector<json>& rows, const std::string& field) {
  constexpr std::size_t kWrap = 48;
  std::size_t width = display_width(field);
  for (const json& r : rows) width = std::max(width, std::min(kWrap, display_width(text(r[field]))));
  return width + 2;
}

Result<std::vector<std::string>> list_columns(const store::Table& table, const std::vector<json>& rows,
                                              const ListColumns& wanted) {
  std::vector<std::string> all;
  for (const auto& field : table.fields) all.emplace_back(field.name);
  if (!wanted.asked.empty()) {
    std::vector<std::string> chosen = split_list(wanted.asked, ",");
    for (std::string& c : chosen) {
      c = std::string(trim(c));
      if (std::find(all.begin(), all.end(), c) == all.end()) {
        return input_error("--columns", "'" + c + "' is not a field of " + std::string(table.name) + " (" +
                                            join(all, ", ") + ")");
      }
    }
    return chosen;
  }
  const std::size_t room = wanted.wide ? 0 : terminal_width();
  if (room == 0) return all;
  std::vector<std::string> shown;
  std::size_t used = 0;
  const auto fits = [&](const std::string& field) { return used + column_width(rows, field) <= room; };
  for (const auto& field : table.fields) {
    if (field.required && (shown.empty() || fits(std::string(field.name)))) {
      shown.emplace_back(field.name);
      used += column_width(rows, std::string(field.name));
    }
  }
  for (const auto& field : table.fields) {
    const std::string name(field.name);
    const bool any =
        std::any_of(rows.begin(), rows.end(), [&](const json& r) { return !text(r[name]).empty(); });
    if (field.required || !any || !fits(name)) continue;
    shown.push_back(name);
    used += column_width(rows, name);
  }
  // In the table's order.
  std::vector<std::string> ordered;
  for (const std::string& name : all) {
    if (std::find(shown.begin(), shown.end(), name) != shown.end()) ordered.push_back(name);
  }
  return ordered;
}

}  // namespace

std::function<int()> define_list(CLI::App& app, GlobalOptions& global) {
  auto kind = std::make_shared<std::string>();
  auto product = std::make_shared<std::string>();
  auto columns_wanted = std::make_shared<ListColumns>();
  app.add_option("KIND", *kind,
                 "products, parts (bom), secrets, derives, recipes, packages, suppliers, affiliations, "
                 "quotes, people, plans, documents, assessments, scores, certificates, assignments, visits, "
                 "audit_items, findings, tooling, tool_events, orders, movements, flags")
      ->required();
  app.add_option("--product", *product, "only this product's records");
  app.add_option("--columns", columns_wanted->asked, "the fields to show, in order: id,name,city");
  app.add_flag("--wide", columns_wanted->wide,
               "every field, however wide (the default on a terminal: what fits)");
  app.add_flag("--json", global.json, "print as JSON");
  add_xlsx_option(app, global);
  return [kind, product, columns_wanted, &global] {
    const store::Table* table = app::record_kind(*kind == "bom" ? "parts" : *kind);
    if (!table) return fail(input_error("KIND", "unknown kind '" + *kind + "'"));
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto records = app::read_records(workspace, table->name);
      if (!records.ok()) return fail(records.error());
      std::vector<json> shown;
      for (const json& r : *records) {
        if (product->empty() || !table->product_scoped || r["product"] == *product) shown.push_back(r);
      }
      std::vector<std::string> columns;
      for (const auto& field : table->fields) columns.emplace_back(field.name);
      if (Status written = write_xlsx_report(global, std::string(table->name), json(shown), columns);
          !written.ok()) {
        return fail(written.error());
      }
      if (global.json) {
        std::cout << json(shown).dump(2) << "\n";
        return 0;
      }
      auto headers = list_columns(*table, shown, *columns_wanted);
      if (!headers.ok()) return fail(headers.error());
      TextTable out(*headers);
      for (const json& r : shown) {
        std::vector<std::string> row;
        for (const std::string& field : *headers) row.push_back(text(r[field]));
        out.add(std::move(row));
      }
      out.print(std::cout);
      if (headers->size() < table->fields.size() && columns_wanted->asked.empty()) {
        std::cerr << "(" << table->fields.size() - headers->size()
                  << " more fields: --wide shows them all, --columns picks them)\n";
      }
      return 0;
    });
  };
}

std::function<int()> define_parties(CLI::App& app, GlobalOptions& global) {
  app.add_flag("--json", global.json, "print as JSON");
  return [&global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto parties = app::workspace_parties(workspace);
      if (!parties.ok()) return fail(parties.error());
      if (global.json) {
        json out = json::array();
        for (const auto& p : parties->parties) out.push_back({{"party", p.id}, {"members", p.members}});
        std::cout << out.dump(2) << "\n";
        return 0;
      }
      TextTable out({"party", "suppliers"});
      for (const auto& p : parties->parties) {
        std::string members;
        for (const auto& m : p.members) members += (members.empty() ? "" : ", ") + m;
        out.add({p.id, members});
      }
      out.print(std::cout);
      return 0;
    });
  };
}

std::function<int()> define_uscc(CLI::App& app, GlobalOptions&) {
  auto codes = std::make_shared<std::vector<std::string>>();
  app.add_option("CODE", *codes, "unified social credit codes (GB 32100-2015)")->required();
  return [codes] {
    int status = 0;
    for (const std::string& code : *codes) {
      const std::string problem = uscc_problem(code);
      std::cout << code << ": " << (problem.empty() ? "well formed" : problem) << "\n";
      if (!problem.empty()) status = 1;
    }
    return status;
  };
}

std::function<int()> define_show(CLI::App& app, GlobalOptions& global) {
  auto kind = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  app.add_option("KIND", *kind, "suppliers, parts (bom), secrets, ...")->required();
  app.add_option("KEY", *key, "the record's key, parts joined by '/' (F03, aurora/S01)")->required();
  app.add_flag("--json", global.json, "print as JSON");
  return [kind, key, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto shown = app::show_record(workspace, *kind, *key);
      if (!shown.ok()) return fail(shown.error());
      const json record = json::parse(shown->json);
      if (global.json) {
        std::cout << json{{"record", record}, {"version", shown->version}}.dump(2) << "\n";
        return 0;
      }
      TextTable out({"field", "value"});
      for (const auto& [name, value] : record.items()) out.add({name, text(value)});
      out.add({"(version)", std::to_string(shown->version)});
      out.print(std::cout);
      return 0;
    });
  };
}

std::function<int()> define_set(CLI::App& app, GlobalOptions& global) {
  auto kind = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  auto assignments = std::make_shared<std::vector<std::string>>();
  auto if_version = std::make_shared<std::optional<std::int64_t>>();
  app.add_option("KIND", *kind, "suppliers, parts (bom), secrets, ...")->required();
  app.add_option("KEY", *key, "the record's key, parts joined by '/' (F03, aurora/S01)")->required();
  app.add_option("FIELD=VALUE", *assignments, "new values, written as in a CSV cell (empty clears)")
      ->required();
  app.add_option("--if-version", *if_version,
                 "fail unless the record is still at this version (from 'moat show'): no lost updates");
  app.add_flag("--json", global.json, "print the result as JSON");
  return [kind, key, assignments, if_version, &global] {
    std::vector<app::FieldChange> changes;
    for (const std::string& assignment : *assignments) {
      const std::size_t equals = assignment.find('=');
      if (equals == std::string::npos || equals == 0) {
        return fail(input_error(assignment, "write each change as FIELD=VALUE"));
      }
      changes.push_back({assignment.substr(0, equals), assignment.substr(equals + 1)});
    }
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto edited = app::edit_record(workspace, app::terminal_session(), *kind, *key, changes, *if_version,
                                     signed_in().role);
      if (!edited.ok()) return fail(edited.error());
      if (global.json) {
        std::cout << json{{"changed", edited->changed}, {"version", edited->version}}.dump() << "\n";
      } else {
        std::cout << (edited->changed ? "Changed " : "Unchanged: ") << *kind << " " << *key
                  << ", now at version " << edited->version << "\n";
      }
      return 0;
    });
  };
}

std::function<int()> define_migrate(CLI::App& app, GlobalOptions& global) {
  auto url = std::make_shared<std::string>();
  app.add_option("--to", *url, "an empty PostgreSQL database: postgresql://user@host:port/db")->required();
  return [url, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      auto report = app::migrate_workspace(workspace, *url);
      if (!report.ok()) return fail(report.error());
      std::cout << "Migrated to " << app::redacted_url(*url)
                << (report->resumed ? " (it held this workspace already: an interrupted migration)" : "")
                << ": " << report->events << " ledger events verified, exports identical ("
                << report->export_bytes << " bytes). moat.toml now names it; "
                << (report->source_is_file ? report->source + " stays as a backup"
                                           : "the database it named before stays as it was")
                << ".\n";
      return 0;
    });
  };
}

}  // namespace moat::cli
