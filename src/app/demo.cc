// SPDX-License-Identifier: Apache-2.0
#include "app/demo.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <sodium.h>
#include <nlohmann/json.hpp>

#include "app/demo_files.h"
#include "app/embedded.h"
#include "app/gate.h"
#include "store/database.h"

namespace moat::app {
namespace {

// The portal's supplier user works for Shenzhen Shengda (F04) as its sales manager 吴婷 (P06).
constexpr const char* kShengda = "F04";
constexpr const char* kShengdaPerson = "P06";
// Who grants the demo's waivers and requalifies its suppliers.
constexpr const char* kSourcingLead = "emma.larsen";

// The day the demo's data was written for. Every date in it moves by as many days as today is
// past this one, so that the demo tells the same story (an expired qualification, an overdue
// finding) whenever it is run.
constexpr int kAnchorYear = 2026;
constexpr unsigned kAnchorMonth = 11;
constexpr unsigned kAnchorDay = 29;

// The assessors' sheet: recorded through the qualification rules, not imported as records.
constexpr std::string_view kScoresFile = "qualification-scores.csv";

std::string shift_dates(const std::string& text, long days) {
  if (days == 0) return text;
  // A day alone, or the day of a time ("2026-11-27T10:12:00+08:00": a listing's capture).
  static const std::regex kDate(R"(\b(\d{4})-(\d{2})-(\d{2})(?=T|\b))");
  std::string out;
  auto last = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), kDate), end; it != end; ++it) {
    out.append(last, (*it)[0].first);
    const std::optional<Date> date = Date::parse(it->str());
    out += date ? Date::from_days(date->days_since_epoch() + days).to_string() : it->str();
    last = (*it)[0].second;
  }
  out.append(last, text.cend());
  return out;
}

Session acting_as(const Session& session, const std::string& actor) {
  return {actor, session.now};
}

// The supplier the approved plan gives `package` (empty when none).
std::string assigned(const SavedPlan& plan, const std::string& package) {
  for (const plan::Assignment& a : plan.plan.assignments) {
    if (a.package == package) return a.supplier;
  }
  return "";
}

// Records and approves each row of the assessors' sheet, as its assessor and its approver.
Result<std::vector<Assessment>> qualify_suppliers(Workspace& workspace, const Session& session,
                                                  const std::string& sheet) {
  MOAT_TRY(const std::vector<SheetRow> rows,
           read_assessment_sheet(workspace, sheet, "examples/aurora/" + std::string(kScoresFile)));
  std::vector<Assessment> out;
  for (const SheetRow& row : rows) {
    MOAT_TRY(const Assessment assessed,
             assess_supplier(workspace, acting_as(session, row.assessor), row.input));
    MOAT_TRY(Assessment approved,
             approve_assessment(workspace, acting_as(session, row.approver), assessed.supplier, assessed.id));
    out.push_back(std::move(approved));
  }
  return out;
}

// A password to read off a screen: four groups of four from an alphabet without look-alikes.
std::string demo_password() {
  static constexpr std::string_view kAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i > 0 && i % 4 == 0) out += '-';
    out += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return out;
}

// Aurora's design files, one add per package and set of secrets.
Result<std::vector<DesignFile>> add_design_files(Workspace& workspace, const Session& session) {
  std::vector<DesignFile> out;
  std::map<std::pair<std::string, std::vector<std::string>>, AddFiles> batches;
  for (DemoFile& file : demo_design_files(MOAT_REALWORLD_DIR)) {
    AddFiles& batch = batches[{file.package, file.secrets}];
    batch.package = file.package;
    if (!file.secrets.empty()) batch.secrets = file.secrets;
    batch.files.push_back({file.name, std::move(file.content)});
  }
  for (const auto& [key, batch] : batches) {
    MOAT_TRY(const std::vector<DesignFile> added, add_files(workspace, session, batch));
    out.insert(out.end(), added.begin(), added.end());
  }
  return out;
}

std::vector<std::string> files_named(const std::vector<DesignFile>& files,
                                     const std::vector<std::string>& names) {
  std::vector<std::string> ids;
  for (const DesignFile& f : files) {
    if (std::find(names.begin(), names.end(), f.name) != names.end()) ids.push_back(f.id);
  }
  return ids;
}

std::vector<std::string> files_of(const std::vector<DesignFile>& files, const std::string& package) {
  std::vector<std::string> ids;
  for (const DesignFile& f : files) {
    if (f.package == package) ids.push_back(f.id);
  }
  return ids;
}

// Waives, as of `then`, every check the gate fails for releasing `package` to `supplier`: granted
// by the head of sourcing while the paperwork was being completed, lapsed ten days before today.
Status waive_then(Workspace& workspace, const Session& session, const std::string& supplier,
                  const std::string& package, Date then, Date today) {
  MOAT_TRY(const gate::Verdict verdict, run_gate(workspace, {"aurora", supplier, package, then}));
  for (const gate::Check& c : verdict.checks) {
    if (c.status != gate::CheckStatus::kFail) continue;
    const WaiverInput waiver{c.id,
                             c.subject,
                             "aurora",
                             "Head of sourcing",
                             "first-article and line-setup data only, while the paperwork is completed",
                             kSourcingLead,
                             Date::from_days(then.days_since_epoch() - 1),
                             Date::from_days(today.days_since_epoch() - 10)};
    MOAT_CHECK(grant_waiver(workspace, acting_as(session, kSourcingLead), waiver, then));
  }
  return {};
}

// The package the approved plan gives `supplier` (empty when none).
std::string package_of(const SavedPlan& plan, const std::string& supplier) {
  for (const plan::Assignment& a : plan.plan.assignments) {
    if (a.supplier == supplier) return a.package;
  }
  return "";
}

// The ids of `package`'s files, adding a first-article drawing when it has none.
Result<std::vector<std::string>> files_for(Workspace& workspace, const Session& session,
                                           std::vector<DesignFile>& files, const std::string& package) {
  std::vector<std::string> ids = files_of(files, package);
  if (!ids.empty()) return ids;
  MOAT_TRY(const std::optional<store::Record> record,
           workspace.store().get(*store::find_table("packages"), {"aurora", package}));
  const DemoFile drawing = package_drawing(package, record ? (*record)["name"].get<std::string>() : package);
  MOAT_TRY(const std::vector<DesignFile> added,
           add_files(workspace, session,
                     {"aurora", package, {{drawing.name, drawing.content}}, std::nullopt, ""}));
  files.insert(files.end(), added.begin(), added.end());
  return files_of(files, package);
}

ReleaseRequest demo_request(const std::string& package, const std::string& supplier,
                            std::vector<std::string> people, std::vector<std::string> files,
                            std::string reason, Date on) {
  return {"aurora",
          package,
          supplier,
          std::move(people),
          std::move(files),
          Date::from_days(on.days_since_epoch() + 90),
          std::move(reason),
          "",
          false,
          on};
}

// The demo's releases. Forty days ago, on waivers since lapsed: final assembly's files to two people
// at the trusted factory F01 (all of them to one person is refused: 梁晓燕 alone would hold the
// look-alike recipe), and Shengda's (F04) package to 吴婷, the portal user's person. Today, on a
// go from the gate: the ring board's Gerbers to F06's SMT engineer.
Result<std::vector<ReleaseOutcome>> make_releases(Workspace& workspace, const Session& session,
                                                  const SavedPlan& plan, std::vector<DesignFile>& files,
                                                  Date today) {
  const Date then = Date::from_days(today.days_since_epoch() - 40);
  const std::string assembly = assigned(plan, "WP15"), shengda = package_of(plan, kShengda),
                    ring = assigned(plan, "WP07");
  MOAT_CHECK(waive_then(workspace, session, assembly, "WP15", then, today));
  if (shengda.empty()) return Error(ErrorCode::kInternal, "", "the demo's plan gives Shengda (F04) no work");
  MOAT_CHECK(waive_then(workspace, session, kShengda, shengda, then, today));
  MOAT_TRY(const std::vector<std::string> shengda_files, files_for(workspace, session, files, shengda));
  const std::vector<ReleaseRequest> requests = {
      demo_request("WP15", assembly, {"P01"},
                   files_named(files, {"final-assembly-drawing.pdf", "packaging-artwork.pdf"}),
                   "assembly drawing and packaging artwork for the line", then),
      demo_request("WP15", assembly, {"P01"}, files_named(files, {"final-assembly-drawing.pdf"}),
                   "assembly drawing for the line", then),
      demo_request(
          "WP15", assembly, {"P02"},
          files_named(files, {"aurora-fw-1.4.2.bin", "eol-test-procedure.pdf", "packaging-artwork.pdf"}),
          "firmware programming, end-of-line test and pack-out", then),
      demo_request(shengda, kShengda, {kShengdaPerson}, shengda_files, "first-article inspection drawings",
                   then),
  };
  std::vector<ReleaseOutcome> out;
  for (const ReleaseRequest& request : requests) {
    MOAT_TRY(ReleaseOutcome outcome, release_files(workspace, session, request));
    out.push_back(std::move(outcome));
  }
  MOAT_TRY(ReleaseOutcome ring_release,
           release_files(workspace, session,
                         demo_request("WP07", ring, {"P09"}, files_of(files, "WP07"),
                                      "stencil and AOI programs", today)));
  out.push_back(std::move(ring_release));
  return out;
}

}  // namespace

Result<std::vector<NewUser>> create_demo_sign_ins(Workspace& workspace, const Session& session) {
  if (sodium_init() < 0) return internal_error("libsodium failed to initialise");
  std::vector<NewUser> users = {
      {"admin", Role::kAdmin, "", ""},   {"sourcing", Role::kSourcing, "", ""},
      {"legal", Role::kLegal, "", ""},   {"oversight", Role::kOversight, "", ""},
      {"viewer", Role::kViewer, "", ""}, {"shengda", Role::kSupplier, kShengda, "", kShengdaPerson}};
  for (NewUser& user : users) {
    user.password = demo_password();
    MOAT_CHECK(add_user(workspace, session, user));
  }
  return users;
}

namespace {

// The demo's workspace, made, filled and planned; its database closed again when it fails.
Result<DemoResult> build_demo(const std::filesystem::path& dir, const Session& session,
                              const std::string& database) {
  const Date today = session.today();
  const std::string today_text = today.to_string();
  const long shift =
      today.days_since_epoch() - Date::from_ymd(kAnchorYear, kAnchorMonth, kAnchorDay)->days_since_epoch();
  MOAT_TRY(auto workspace, Workspace::init(dir, {"Aurora Audio Inc.", "US", database}));
  std::vector<SourceFile> files;
  std::string sheet;
  for (const EmbeddedFile& file : examples::aurora::embedded_files()) {
    std::string content = shift_dates(std::string(file.content), shift);
    if (file.name == kScoresFile) {
      sheet = std::move(content);
      continue;
    }
    files.push_back({"examples/aurora/" + std::string(file.name), std::move(content)});
  }
  MOAT_TRY(ImportReport imported, import_files(*workspace, session, files, {}));
  MOAT_TRY(std::vector<Assessment> assessments, qualify_suppliers(*workspace, session, sheet));
  constexpr double kSeconds = 10;
  MOAT_TRY(const plan::Instance instance,
           product_instance(*workspace, "aurora", {std::nullopt, std::nullopt, today_text}));
  const plan::Plan plan = plan::solve(instance, {kSeconds, true});
  MOAT_TRY(const SavedPlan saved, save_plan(*workspace, session, "aurora", instance, plan));
  MOAT_TRY(SavedPlan approved, approve_plan(*workspace, session, "aurora", saved.id));
  approved.plan = plan;
  std::vector<plan::FrontierPoint> frontier = plan::frontier(instance, {kSeconds, true});
  // The flags as they stood a week before F04's first order, when nobody from Aurora had visited
  // it yet; then today's, after the visit: owner-visit-missing resolves itself, naming the visit.
  const Date before_visit = Date::from_days(Date::from_ymd(kAnchorYear, 5, 1)->days_since_epoch() + shift);
  if (before_visit < today) MOAT_CHECK(refresh_flags(*workspace, session, before_visit));
  MOAT_TRY(std::vector<Flag> flags, refresh_flags(*workspace, session, today));
  MOAT_TRY(std::vector<vet::Reconciliation> reconciliations, reconcile_all(*workspace, today));
  MOAT_TRY(std::vector<DesignFile> design_files, add_design_files(*workspace, session));
  MOAT_TRY(std::vector<ReleaseOutcome> released,
           make_releases(*workspace, session, approved, design_files, today));
  MOAT_TRY(DemoWatch watch, add_watch_demo(*workspace, session, today, [shift](std::string_view text) {
             return shift_dates(std::string(text), shift);
           }));
  // Today's flags again, with what the watch's confirmed hit raised; what today's first evaluation
  // changed (a flag that resolved itself, one raised) is still said of them.
  MOAT_TRY(std::vector<Flag> latest, refresh_flags(*workspace, session, today));
  for (Flag& flag : latest) {
    const auto earlier =
        std::find_if(flags.begin(), flags.end(), [&](const Flag& f) { return f.id == flag.id; });
    if (earlier == flags.end()) continue;
    if (flag.changed_now.empty()) flag.changed_now = earlier->changed_now;
    flag.raised_now = flag.raised_now || earlier->raised_now;
  }
  flags = std::move(latest);
  return DemoResult{
      std::move(workspace), std::move(imported), std::move(assessments),     std::move(approved),
      std::move(frontier),  std::move(flags),    std::move(reconciliations), std::move(design_files),
      std::move(released),  std::move(watch)};
}

// What a demo that fails leaves behind: nothing of its own. A folder the demo made goes; in a
// folder that was there, what the demo wrote in it goes. Also on an exception (exit code 2).
class DemoFolder {
 public:
  enum class Left { kNothingWritten, kRemoved, kSomeLeft };

  explicit DemoFolder(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::error_code error;
    existed_ = std::filesystem::exists(dir_, error);
    before_ = entries();
  }
  DemoFolder(const DemoFolder&) = delete;
  DemoFolder& operator=(const DemoFolder&) = delete;
  ~DemoFolder() {
    if (!settled_) (void)remove();
  }
  void keep() { settled_ = true; }
  Left remove() {
    settled_ = true;
    bool wrote = false;
    for (const std::filesystem::path& path : entries()) {
      if (before_.contains(path)) continue;
      wrote = true;
      std::error_code error;
      std::filesystem::remove_all(path, error);
    }
    if (!wrote) return Left::kNothingWritten;
    return entries() == before_ ? Left::kRemoved : Left::kSomeLeft;
  }

 private:
  // What the folder holds now (nothing when it is not there); a folder the demo made counts as
  // one of its own entries, so that it goes as a whole.
  std::set<std::filesystem::path> entries() const {
    std::set<std::filesystem::path> found;
    std::error_code error;
    if (!std::filesystem::exists(dir_, error)) return found;
    if (!existed_) found.insert(dir_);
    for (const auto& entry : std::filesystem::directory_iterator(dir_, error)) found.insert(entry.path());
    return found;
  }

  std::filesystem::path dir_;
  bool existed_ = false;
  std::set<std::filesystem::path> before_;
  bool settled_ = false;
};

// `failed`, and what the failed demo left: nothing, or what could not be removed.
Error demo_failed(const Error& failed, const std::filesystem::path& dir, const std::string& database,
                  DemoFolder::Left left) {
  std::vector<Diagnostic> diagnostics = failed.diagnostics();
  std::string said = left == DemoFolder::Left::kRemoved
                         ? "the demo did not finish: what it had written here was removed"
                         : "the demo did not finish, and what it had written here could not all be removed: "
                           "delete it, it is not a finished workspace";
  if (!database.empty()) {
    said += "; the database " + store::redact_url(database) +
            " still holds what the demo wrote to it: empty it, or name another empty database";
  }
  diagnostics.push_back({dir.string(), said});
  return Error(failed.code(), std::move(diagnostics));
}

}  // namespace

Result<DemoResult> create_demo(const std::filesystem::path& dir, const Session& session,
                               const std::string& database) {
  DemoFolder folder(dir);
  Result<DemoResult> demo = build_demo(dir, session, database);
  if (demo.ok()) {
    folder.keep();
    return demo;
  }
  const DemoFolder::Left left = folder.remove();
  if (left == DemoFolder::Left::kNothingWritten) return demo;  // refused before it began
  return demo_failed(demo.error(), dir, database, left);
}

}  // namespace moat::app
