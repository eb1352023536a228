// SPDX-License-Identifier: Apache-2.0
#include "app/demo.h"

#include <regex>

#include <sodium.h>

#include "app/embedded.h"

namespace moat::app {
namespace {

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
  static const std::regex kDate(R"(\b(\d{4})-(\d{2})-(\d{2})\b)");
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

Session acting_as(const Session& session, const std::string& actor) { return {actor, session.now}; }

// Records and approves each row of the assessors' sheet, as its assessor and its approver.
Result<std::vector<Assessment>> qualify_suppliers(Workspace& workspace, const Session& session, const std::string& sheet) {
  MOAT_TRY(const std::vector<SheetRow> rows, read_assessment_sheet(sheet, "examples/aurora/" + std::string(kScoresFile)));
  std::vector<Assessment> out;
  for (const SheetRow& row : rows) {
    MOAT_TRY(const Assessment assessed, assess_supplier(workspace, acting_as(session, row.assessor), row.input));
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

}  // namespace

Result<std::vector<NewUser>> create_demo_sign_ins(Workspace& workspace, const Session& session) {
  if (sodium_init() < 0) return internal_error("libsodium failed to initialise");
  std::vector<NewUser> users = {{"admin", Role::kAdmin, "", ""},         {"sourcing", Role::kSourcing, "", ""},
                                {"legal", Role::kLegal, "", ""},         {"oversight", Role::kOversight, "", ""},
                                {"viewer", Role::kViewer, "", ""},       {"shengda", Role::kSupplier, "F04", ""}};
  for (NewUser& user : users) {
    user.password = demo_password();
    MOAT_TRY(const User added, add_user(workspace, session, user));
    (void)added;
  }
  return users;
}

Result<DemoResult> create_demo(const std::filesystem::path& dir, const Session& session,
                               const std::string& database) {
  const std::string today_text = session.now().substr(0, 10);
  const Date today = Date::parse(today_text).value_or(*Date::from_ymd(kAnchorYear, kAnchorMonth, kAnchorDay));
  const long shift = today.days_since_epoch() - Date::from_ymd(kAnchorYear, kAnchorMonth, kAnchorDay)->days_since_epoch();
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
  MOAT_TRY(const plan::Instance instance, product_instance(*workspace, "aurora", {std::nullopt, std::nullopt, today_text}));
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
  return DemoResult{std::move(workspace), std::move(imported), std::move(assessments), std::move(approved),
                    std::move(frontier), std::move(flags), std::move(reconciliations)};
}

}  // namespace moat::app
