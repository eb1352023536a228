// SPDX-License-Identifier: Apache-2.0
// `moat watch`: the counterfeit watch. Listings in from files, the references products are
// recognised by, hits and a person's decision on each, enforcement documents, takedown packages
// and the complaints' state. Thin adapters over app/watch.h and app/watch_complaints.h; --json
// prints the same objects the API returns.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/session.h"
#include "app/watch.h"
#include "app/watch_complaints.h"
#include "cli/common.h"
#include "cli/table.h"
#include "core/text.h"

namespace moat::cli {
namespace {

using nlohmann::json;

std::string score_text(double score) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", score);
  return text;
}

std::string price_text(const app::ListingView& l) {
  if (!l.price) return "";
  char text[48];
  std::snprintf(text, sizeof text, "%.2f", *l.price);
  return std::string(text) + (l.currency.empty() ? "" : " " + l.currency);
}

std::string rights_text(const std::vector<app::RightView>& rights) {
  std::vector<std::string> out;
  for (const app::RightView& r : rights)
    out.push_back(r.id + " (" + r.jurisdiction + " " + r.kind + ", " + r.status + ")");
  return join(out, "; ");
}

std::string reasons_text(const app::HitView& hit) {
  std::vector<std::string> out;
  for (const app::ReasonView& r : hit.reasons) out.push_back(r.kind + ": " + r.detail);
  return join(out, "; ");
}

void print_hits(const std::vector<app::HitView>& hits) {
  TextTable table({"hit", "score", "status", "product", "listing", "platform", "title", "reasons", "rights"});
  for (const app::HitView& h : hits) {
    table.add({h.id, score_text(h.score),
               h.listing_changed_at.empty() ? h.status : h.status + ", listing changed", h.product,
               h.listing.id, h.listing.platform, h.listing.title, reasons_text(h), rights_text(h.rights)});
  }
  table.print(std::cout);
}

int print_json(const json& value) {
  std::cout << value.dump(2) << "\n";
  return 0;
}

Result<Date> today_of(const app::Session& session) {
  return as_of("", session);
}

// Runs `body` with the workspace, the terminal's session and today; maps errors to exit codes.
int run(const GlobalOptions& global,
        const std::function<Status(app::Workspace&, const app::Session&, Date)>& body) {
  return with_workspace(global, [&](app::Workspace& workspace) {
    const app::Session session = app::terminal_session();
    Result<Date> today = today_of(session);
    if (!today.ok()) return fail(today.error());
    const Status done = body(workspace, session, *today);
    return done.ok() ? 0 : fail(done.error());
  });
}

// ---- moat watch import -------------------------------------------------------------------------

void define_import(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  struct Flags {
    std::vector<std::string> files;
    std::string images;
    std::string encoding;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd =
      subcommand(parent, "import",
                 "read listings (CSV or JSON) with their images, all or nothing, and match them", global);
  cmd->add_option("FILE", flags->files, "listings files: CSV (docs/watch.md) or JSON")->required();
  cmd->add_option("--images", flags->images, "the folder or ZIP holding the images the listings name");
  cmd->add_option(
      "--encoding", flags->encoding,
      "the files' text encoding when not UTF-8: gb18030 (or gbk: Excel's CSV on Chinese Windows), "
      "utf-16le, utf-16be (UTF-16 with its byte-order mark is read without it)");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session& session, Date) -> Status {
      app::ListingImport request;
      for (const std::string& path : flags->files) {
        MOAT_TRY(std::string content, read_file(path));
        request.files.push_back({path, std::move(content), flags->encoding});
      }
      request.images = flags->images;
      MOAT_TRY(const app::ListingImportReport report,
               app::import_listings(workspace, session, std::move(request)));
      if (global.json) {
        print_json(app::import_report_json(report));
        return {};
      }
      std::cout << "imported " << report.added.size() << " new and "
                << report.updated.size() + report.unchanged.size() + report.older.size() << " known listings"
                << (report.unchanged.empty() ? ""
                                             : " (" + std::to_string(report.unchanged.size()) + " unchanged)")
                << (report.older.empty() ? ""
                                         : " (" + std::to_string(report.older.size()) +
                                               " captured before what is recorded: the newer capture kept)")
                << ", " << report.images << " images captured; " << report.hits.size()
                << " hits found or changed\n";
      if (!report.hits.empty()) print_hits(report.hits);
      return {};
    });
  });
}

// ---- moat watch reference ----------------------------------------------------------------------

void define_reference(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  struct Flags {
    std::string product, right, secrets;
    std::vector<std::string> images, models, keywords;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* reference =
      parent.add_subcommand("reference", "what products are recognised by: images, model names, keywords");
  CLI::App* add =
      subcommand(*reference, "add",
                 "add reference images (or a design patent's figures), model names, keywords", global);
  add->add_option("PRODUCT", flags->product, "the product")->required();
  add->add_option("IMAGE", flags->images, "reference images (JPEG, PNG, WebP, BMP, TIFF)");
  add->add_option("--model", flags->models, "a model name a copy is sold under (repeat for more)");
  add->add_option("--keyword", flags->keywords, "a keyword a copy is sold under (repeat for more)");
  add->add_option("--right", flags->right, "the design patent the images are figures of");
  add->add_option("--secrets", flags->secrets, "secrets of the product the images show (a;b)");
  CLI::App* show = subcommand(
      *reference, "list", "every product's references: marks, designs, images, models, price floor", global);
  auto removing = std::make_shared<std::vector<std::string>>();
  CLI::App* remove =
      subcommand(*reference, "remove", "remove references (WR1 ...) and match every listing again", global);
  remove->add_option("REFERENCE", *removing, "the references to remove (moat watch reference list)")
      ->required();
  runs.push_back([remove, removing, &global] {
    if (!remove->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session& session, Date) -> Status {
      MOAT_TRY(const std::vector<app::ReferenceView> removed,
               app::remove_references(workspace, session, *removing));
      if (global.json) {
        json out = json::array();
        for (const app::ReferenceView& r : removed) out.push_back(app::reference_json(r));
        print_json(out);
        return {};
      }
      for (const app::ReferenceView& r : removed) {
        std::cout << "removed " << r.id << "  " << r.product << "  " << r.kind << "  "
                  << (r.kind == "image" ? r.name : r.text) << "\n";
      }
      std::cout << "every listing matched again (moat watch hits)\n";
      return {};
    });
  });
  runs.push_back([add, flags, &global] {
    if (!add->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session& session, Date) -> Status {
      app::ReferenceInput input{
          flags->product, {}, {}, flags->models, flags->keywords, flags->right, split_list(flags->secrets)};
      for (const std::string& image : flags->images) input.images.emplace_back(image);
      MOAT_TRY(const std::vector<app::ReferenceView> added, app::add_references(workspace, session, input));
      if (global.json) {
        json out = json::array();
        for (const app::ReferenceView& r : added) out.push_back(app::reference_json(r));
        print_json(out);
        return {};
      }
      for (const app::ReferenceView& r : added) {
        std::cout << r.id << "  " << r.kind << "  "
                  << (r.kind == "image" ? r.name + "  SHA-256 " + r.sha256 : r.text)
                  << (r.right.empty() ? "" : "  figure of " + r.right) << "\n";
      }
      return {};
    });
  });
  runs.push_back([show, &global] {
    if (!show->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session&, Date today) -> Status {
      MOAT_TRY(const std::vector<app::ProductReferences> all, app::list_references(workspace, today));
      if (global.json) {
        json out = json::array();
        for (const app::ProductReferences& p : all) out.push_back(app::product_references_json(p));
        print_json(out);
        return {};
      }
      for (const app::ProductReferences& p : all) {
        std::cout << p.product << "  " << p.name << "\n  marks       " << rights_text(p.marks)
                  << "\n  designs     " << rights_text(p.designs) << "\n  price floor "
                  << (p.price_floor ? score_text(*p.price_floor) + " " + p.currency : "none") << " ("
                  << p.price_floor_source << ")\n";
        for (const app::RightView& r : p.not_matched) {
          std::cout << "  not matched " << r.id << " (" << r.jurisdiction << " " << r.kind << ") held by "
                    << r.owner << ", not by the company (moat.toml's company names)\n";
        }
        for (const app::ReferenceView& r : p.references) {
          std::cout << "  " << r.id << "  " << r.kind << "  " << (r.kind == "image" ? r.name : r.text)
                    << (r.right.empty() ? "" : "  figure of " + r.right) << "\n";
        }
      }
      return {};
    });
  });
}

// ---- moat watch listings, match, hits, confirm, dismiss ----------------------------------------

void define_listings(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  CLI::App* cmd = subcommand(parent, "listings", "the listings recorded, with their captured images", global);
  runs.push_back([cmd, &global] {
    if (!cmd->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session&, Date) -> Status {
      MOAT_TRY(const std::vector<app::ListingView> listings, app::list_listings(workspace));
      if (global.json) {
        json out = json::array();
        for (const app::ListingView& l : listings) out.push_back(app::listing_json(l));
        print_json(out);
        return {};
      }
      TextTable table({"listing", "platform", "title", "price", "seller", "location", "images", "captured"});
      for (const app::ListingView& l : listings) {
        table.add({l.id, l.platform, l.title, price_text(l), l.seller, l.seller_location,
                   std::to_string(l.images.size()), l.captured_at});
      }
      table.print(std::cout);
      return {};
    });
  });
}

void define_match(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  CLI::App* cmd =
      subcommand(parent, "match", "match every listing again against the current references", global);
  runs.push_back([cmd, &global] {
    if (!cmd->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session& session, Date today) -> Status {
      MOAT_TRY(const std::vector<app::HitView> hits, app::match_listings(workspace, session, today));
      if (global.json) {
        json out = json::array();
        for (const app::HitView& h : hits) out.push_back(app::hit_json(h));
        print_json(out);
        return {};
      }
      std::cout << hits.size() << " hits found or changed\n";
      if (!hits.empty()) print_hits(hits);
      return {};
    });
  });
}

void define_hits(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  auto status = std::make_shared<std::string>();
  CLI::App* cmd = subcommand(parent, "hits",
                             "hits, strongest first: listing, score, reasons, the rights matched", global);
  cmd->add_option("--status", *status, "new, confirmed, dismissed or unmatched (default: all)");
  runs.push_back([cmd, status, &global] {
    if (!cmd->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session&, Date today) -> Status {
      MOAT_TRY(const std::vector<app::HitView> hits, app::list_hits(workspace, *status, today));
      if (global.json) {
        json out = json::array();
        for (const app::HitView& h : hits) out.push_back(app::hit_json(h));
        print_json(out);
        return {};
      }
      print_hits(hits);
      return {};
    });
  });
}

void define_decision(CLI::App& parent, GlobalOptions& global, Runs& runs, const char* name,
                     const char* status, const char* help) {
  struct Flags {
    std::string hit, reason;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = subcommand(parent, name, help, global);
  cmd->add_option("HIT", flags->hit, "the hit (H1, ...)")->required();
  cmd->add_option("--reason", flags->reason, "why (kept in the ledger)")->required();
  runs.push_back([cmd, flags, status, &global] {
    if (!cmd->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session& session, Date today) -> Status {
      MOAT_TRY(const app::Decision decision,
               app::decide_hit(workspace, session, flags->hit, status, flags->reason, today));
      if (global.json) {
        json out = app::hit_json(decision.hit);
        out["flags"] = decision.flags;
        print_json(out);
        return {};
      }
      std::cout << decision.hit.id << " is " << decision.hit.status << "\n";
      for (const std::string& flag : decision.flags) {
        std::cout << "red flag " << flag << ": it points back to a supplier (moat flags show " << flag
                  << ")\n";
      }
      return {};
    });
  });
}

// ---- moat watch document, package, complaints, complaint set ------------------------------------

void define_document(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  struct Flags {
    std::string kind, file, right, language, expires, note;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* document = parent.add_subcommand(
      "document", "documents a complaint needs: certificates, licence, power of attorney");
  CLI::App* add = subcommand(*document, "add", "store an enforcement document in the vault", global);
  add->add_option("KIND", flags->kind,
                  "certificate, power-of-attorney, business-licence, translation, identity, test-buy")
      ->required();
  add->add_option("FILE", flags->file, "the document")->required();
  add->add_option("--right", flags->right, "the right it is for (certificates, translations)");
  add->add_option("--language", flags->language, "its language: zh, en, de, ...");
  add->add_option("--expires", flags->expires, "when it stops being valid (YYYY-MM-DD)");
  add->add_option("--note", flags->note, "a note");
  CLI::App* show = subcommand(*document, "list", "the enforcement documents on file", global);
  runs.push_back([add, flags, &global] {
    if (!add->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session& session, Date) -> Status {
      MOAT_TRY(const std::optional<Date> expires, parse_optional_date(flags->expires, "--expires"));
      MOAT_TRY(const app::EnforcementDocument added,
               app::add_enforcement_document(
                   workspace, session,
                   {flags->kind, flags->file, flags->right, flags->language, expires, flags->note}));
      if (global.json) {
        print_json(app::enforcement_document_json(added));
        return {};
      }
      std::cout << added.id << "  " << added.kind << "  " << added.name << "  vault " << added.document
                << "\n";
      return {};
    });
  });
  runs.push_back([show, &global] {
    if (!show->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session&, Date) -> Status {
      MOAT_TRY(const std::vector<app::EnforcementDocument> all, app::list_enforcement_documents(workspace));
      if (global.json) {
        json out = json::array();
        for (const app::EnforcementDocument& d : all) out.push_back(app::enforcement_document_json(d));
        print_json(out);
        return {};
      }
      TextTable table({"id", "kind", "name", "right", "language", "expires"});
      for (const app::EnforcementDocument& d : all)
        table.add({d.id, d.kind, d.name, d.right, d.language, d.expires});
      table.print(std::cout);
      return {};
    });
  });
}

void print_complaints(const std::vector<app::ComplaintView>& complaints) {
  TextTable table({"complaint", "platform", "status", "hits", "right", "filed", "removed", "counter-notice",
                   "relisted", "missing"});
  for (const app::ComplaintView& c : complaints) {
    table.add({c.id, c.platform, c.status, join(c.hits, ", "), join(c.rights, ", "), c.filed_on, c.removed_on,
               c.counter_notice_on, c.relisted_on, c.ready ? "nothing: ready" : join(c.missing, "; ")});
  }
  table.print(std::cout);
}

void define_package(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  struct Flags {
    std::string platform, hits, out = "takedown", agent;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd =
      subcommand(parent, "package", "write takedown complaints for a platform, a folder each", global);
  cmd->add_option("PLATFORM", flags->platform,
                  "alibaba, 1688, taobao, tmall, aliexpress, jd, pinduoduo, amazon, ebay, other")
      ->required();
  cmd->add_option("--hits", flags->hits,
                  "confirmed hits (H1,H3; default: every one on the platform in no open complaint)");
  cmd->add_option("--out", flags->out, "the folder the complaints are written in (default: takedown)");
  cmd->add_option("--agent", flags->agent,
                  "who files, when not the rights holder (needs a power of attorney)");
  runs.push_back([cmd, flags, &global] {
    if (!cmd->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session& session, Date today) -> Status {
      // --hits given names at least one hit: an empty list (a script's empty variable) would package
      // every confirmed hit.
      const std::vector<std::string> hits = split_list(flags->hits, ",;");
      if (cmd->count("--hits") > 0 && hits.empty())
        return input_error("--hits",
                           "names no hit: give hit ids (H1,H3), or leave --hits out to package every one");
      const app::PackageRequest request{flags->platform, hits, flags->out, flags->agent};
      MOAT_TRY(const app::PackageReport report, app::write_packages(workspace, session, request, today));
      if (global.json) {
        print_json(app::package_report_json(report));
        return {};
      }
      for (const app::ComplaintView& c : report.complaints)
        std::cout << c.id << " written to " << c.folder << "\n";
      if (!report.complaints.empty()) print_complaints(report.complaints);
      for (const app::Enforceability& e : report.not_usable) {
        std::vector<std::string> why;
        for (const app::UsableRight& r : e.rights) why.push_back(r.right.id + ": " + r.why);
        std::cout << e.hit.id << " not packaged: no right usable on " << flags->platform
                  << (why.empty() ? "" : " (" + join(why, "; ") + ")") << "\n";
      }
      for (const app::HitView& h : report.changed)
        std::cout << h.id << " not packaged: its listing changed since it was confirmed (seen "
                  << h.listing_changed_at << "): confirm it again or dismiss it\n";
      if (report.complaints.empty() && report.not_usable.empty() && report.changed.empty())
        std::cout << "no confirmed hit to package\n";
      return {};
    });
  });
}

void define_complaints(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  CLI::App* cmd =
      subcommand(parent, "complaints", "takedown complaints, their state and what they still lack", global);
  runs.push_back([cmd, &global] {
    if (!cmd->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session&, Date today) -> Status {
      MOAT_TRY(const std::vector<app::ComplaintView> all, app::list_complaints(workspace, today));
      if (global.json) {
        json out = json::array();
        for (const app::ComplaintView& c : all) out.push_back(app::complaint_json(c));
        print_json(out);
        return {};
      }
      print_complaints(all);
      return {};
    });
  });
}

void define_complaint(CLI::App& parent, GlobalOptions& global, Runs& runs) {
  struct Flags {
    std::string id, status, on, reference, note;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* complaint = parent.add_subcommand("complaint", "a complaint's state as the platform answers");
  CLI::App* set = subcommand(*complaint, "set", "record a complaint's new status with its date", global);
  set->add_option("ID", flags->id, "the complaint (C1, ...)")->required();
  set->add_option("--status", flags->status, "drafted, filed, removed, counter-notice, relisted, withdrawn")
      ->required();
  set->add_option("--on", flags->on, "the day it happened (default: today)");
  set->add_option("--reference", flags->reference, "the platform's case number");
  set->add_option("--note", flags->note, "a note");
  runs.push_back([set, flags, &global] {
    if (!set->parsed()) return -1;
    return run(global, [&](app::Workspace& workspace, const app::Session& session, Date today) -> Status {
      MOAT_TRY(const std::optional<Date> on, parse_optional_date(flags->on, "--on"));
      MOAT_TRY(const app::ComplaintView view,
               app::set_complaint_status(workspace, session, flags->id,
                                         {flags->status, on, flags->reference, flags->note}, today));
      if (global.json) {
        print_json(app::complaint_json(view));
        return {};
      }
      std::cout << view.id << " is " << view.status << "\n";
      // Recorded as the platform answered; but a complaint filed while it still lacked something
      // is one the platform is likely to turn down, and the person should know what.
      if (flags->status == "filed" && !view.missing.empty()) {
        std::cerr << "warning: " << view.id << " was filed while it lacked: " << join(view.missing, "; ")
                  << "\n";
      }
      return {};
    });
  });
}

std::function<int()> define_watch(CLI::App& app, GlobalOptions& global) {
  auto runs = std::make_shared<Runs>();
  define_import(app, global, *runs);
  define_reference(app, global, *runs);
  define_listings(app, global, *runs);
  define_match(app, global, *runs);
  define_hits(app, global, *runs);
  define_decision(app, global, *runs, "confirm", "confirmed", "confirm a hit is a counterfeit, saying why");
  define_decision(app, global, *runs, "dismiss", "dismissed", "dismiss a hit, saying why");
  define_document(app, global, *runs);
  define_package(app, global, *runs);
  define_complaints(app, global, *runs);
  define_complaint(app, global, *runs);
  app.require_subcommand(1);
  return first_parsed(runs);
}

const Command kWatchCommands[] = {
    {"watch", "counterfeit watch: listings, references, hits, decisions, takedown packages", define_watch},
};

}  // namespace

std::span<const Command> watch_commands() {
  return kWatchCommands;
}

}  // namespace moat::cli
