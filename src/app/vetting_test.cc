// SPDX-License-Identifier: Apache-2.0
// Vetting use cases over the Aurora demo, on every backend: qualification decides eligibility
// and caps in the planner, an assessor never approves their own work, the demo's overrun is
// found with its arithmetic, and flags are raised once per cause.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "app/accounts.h"
#include "app/demo.h"
#include "app/demo_testing.h"
#include "app/edit.h"
#include "app/import.h"
#include "app/oversight.h"
#include "app/red_flags.h"
#include "app/rules.h"
#include "app/tooling.h"
#include "app/vetting.h"
#include "plan/planner.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

class VettingTest : public DemoTest {
 protected:
  void SetUp() override {
    DemoTest::SetUp();
    if (HasFatalFailure()) return;
    plan_ = demo_->plan;
    flags_ = demo_->flags;
    reconciliations_ = demo_->reconciliations;
  }

  Date today() const { return *Date::parse(session_.now().substr(0, 10)); }

  const plan::Supplier& supplier(const plan::Instance& instance, const std::string& id) {
    return *std::find_if(instance.suppliers.begin(), instance.suppliers.end(),
                         [&](const plan::Supplier& s) { return s.id == id; });
  }

  AssessmentInput scores(const std::string& supplier, double each) {
    AssessmentInput input;
    input.supplier = supplier;
    input.date = today();
    auto rules = vetting_rules(*workspace_);
    EXPECT_TRUE(rules.ok());
    for (const vet::Criterion& c : rules->qualification.criteria) input.scores.push_back({c.id, each});
    return input;
  }

  SavedPlan plan_;
  std::vector<Flag> flags_;
  std::vector<vet::Reconciliation> reconciliations_;
};

INSTANTIATE_TEST_SUITE_P(Backends, VettingTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(VettingTest, AssessorCannotApproveTheirOwnAssessment) {
  auto assessed = assess_supplier(*workspace_, session_, scores("F18", 4));
  ASSERT_TRUE(assessed.ok()) << assessed.error().to_string();
  EXPECT_EQ(assessed->outcome.result, "qualified");
  auto own = approve_assessment(*workspace_, session_, "F18", assessed->id);
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code(), ErrorCode::kConflict);
  EXPECT_NE(own.error().message().find("cannot approve their own"), std::string::npos);
  auto other = approve_assessment(*workspace_, testing::fixed_session("Emma Larsen"), "F18", assessed->id);
  ASSERT_TRUE(other.ok()) << other.error().to_string();
  EXPECT_EQ(other->approver, "Emma Larsen");
  auto twice = approve_assessment(*workspace_, testing::fixed_session("someone else"), "F18", assessed->id);
  EXPECT_FALSE(twice.ok());
}

// What the approval of an assessment writes (status, tier, cap, qualified_until) is never written
// by hand once the supplier has an assessment or the workspace has accounts: not by an edit (moat
// set, PATCH), not by an import. A supplier never assessed in a workspace without accounts may
// still be given them (the first import of a list qualified elsewhere).
TEST_P(VettingTest, ApprovalFieldsAreNotWrittenByHandOnceAssessedOrWithAccounts) {
  // F16's approved assessment rejected it.
  auto edited = edit_record(*workspace_, session_, "suppliers", "F16",
                            {{"status", "qualified"},
                             {"qualified_until", "2030-01-01"},
                             {"tier", "low risk"},
                             {"max_exposure_share", "0.5"}},
                            std::nullopt);
  ASSERT_FALSE(edited.ok());
  EXPECT_EQ(edited.error().code(), ErrorCode::kInput);
  ASSERT_EQ(edited.error().diagnostics().size(), 4U) << edited.error().to_string();
  EXPECT_EQ(edited.error().diagnostics()[0].where, "status");
  EXPECT_NE(edited.error().message().find("moat supplier assess"), std::string::npos)
      << edited.error().message();
  EXPECT_TRUE(
      edit_record(*workspace_, session_, "suppliers", "F16", {{"capacity", "70000"}}, std::nullopt).ok());

  const std::string header = "id,legal_name,uscc,status\n";
  const std::string row = "F16,惠州市宏图电路板有限公司,914413006586082150,qualified\n";
  auto imported = import_files(*workspace_, session_, {{"suppliers.csv", header + row}}, {});
  ASSERT_FALSE(imported.ok());
  EXPECT_TRUE(imported.error().where().starts_with("suppliers.csv:2:")) << imported.error().to_string();
  EXPECT_NE(imported.error().message().find("status is written by the approval"), std::string::npos);

  // F18 was never assessed: without accounts, its record is the user's to fill in.
  ASSERT_TRUE(
      edit_record(*workspace_, session_, "suppliers", "F18", {{"tier", "medium"}}, std::nullopt).ok());
  // With accounts, the four-eyes rule holds for every supplier.
  ASSERT_TRUE(add_user(*workspace_, session_, {"ada", Role::kAdmin, "", "correct-horse-battery"}).ok());
  auto with_accounts =
      edit_record(*workspace_, session_, "suppliers", "F18", {{"tier", "low"}}, std::nullopt);
  ASSERT_FALSE(with_accounts.ok());
  EXPECT_EQ(with_accounts.error().where(), "tier");
  auto created = import_files(
      *workspace_, session_,
      {{"suppliers.csv", "id,legal_name,uscc,status\nF90,甲,91110000600037341L,qualified\n"}}, {});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().where(), "suppliers.csv:2:26") << created.error().to_string();
  EXPECT_NE(created.error().message().find("status is written by the approval"), std::string::npos);
  EXPECT_TRUE(import_files(*workspace_, session_,
                           {{"suppliers.csv", "id,legal_name,uscc\nF90,甲,91110000600037341L\n"}}, {})
                  .ok());
}

// A supplier's `trusted` makes it an own facility, left out of the planner's collusion and exposure
// rules and gated as the company's own: whoever may edit suppliers does not change it alone. With a
// role (a workspace with accounts) only an administrator changes it, by an edit or an import, a new
// supplier given as trusted included; each refusal is recorded. Given unchanged, it passes.
TEST_P(VettingTest, OnlyAnAdministratorChangesWhetherASupplierIsTrusted) {
  const auto edit = [&](const std::string& value, std::optional<Role> role) {
    return edit_record(*workspace_, session_, "suppliers", "F20", {{"trusted", value}}, std::nullopt, role);
  };
  EXPECT_TRUE(edit("true", std::nullopt).ok());  // a workspace without accounts: the user's
  EXPECT_TRUE(edit("false", std::nullopt).ok());
  auto refused = edit("true", Role::kSourcing);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(refused.error().where(), "trusted");
  EXPECT_NE(
      refused.error().message().find("administer the workspace (admin): " + session_.actor + " is sourcing"),
      std::string::npos)
      << refused.error().message();
  EXPECT_FALSE(is_stale_edit(refused.error(), "suppliers", "F20"));
  EXPECT_TRUE(edit("false", Role::kSourcing).ok());  // unchanged
  EXPECT_TRUE(edit("true", Role::kAdmin).ok());

  const auto import_supplier = [&](const std::string& trusted) {
    const std::string csv = "id,legal_name,uscc,trusted\nF90,甲,91110000600037341L," + trusted + "\n";
    return import_files(*workspace_, session_, {{"suppliers.csv", csv}}, {.role = Role::kSourcing});
  };
  auto created = import_supplier("true");
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(created.error().where(), "suppliers.csv:2:26") << created.error().to_string();
  ASSERT_TRUE(import_supplier("false").ok());
  EXPECT_FALSE(import_supplier("true").ok());

  auto events = workspace_->store().events();
  ASSERT_TRUE(events.ok());
  const auto denied = std::count_if(events->begin(), events->end(), [](const ledger::Event& e) {
    return e.action == "denied" && e.after && e.after->find("field trusted") != std::string::npos;
  });
  EXPECT_EQ(denied, 3);
}

TEST_P(VettingTest, UnapprovedAssessmentLeavesTheSupplierAsItWas) {
  auto before = product_instance(*workspace_, "aurora", {std::nullopt, std::nullopt, today().to_string()});
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(assess_supplier(*workspace_, session_, scores("F18", 5)).ok());
  auto after = product_instance(*workspace_, "aurora", {std::nullopt, std::nullopt, today().to_string()});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(supplier(*after, "F18").status, "pending");
}

TEST_P(VettingTest, QualificationResultsReachThePlanner) {
  auto instance = product_instance(*workspace_, "aurora", {std::nullopt, std::nullopt, today().to_string()});
  ASSERT_TRUE(instance.ok()) << instance.error().to_string();
  EXPECT_EQ(supplier(*instance, "F16").status, "rejected");  // knocked out: lost an IP case
  EXPECT_EQ(supplier(*instance, "F07").status, "expired");   // qualified, but its validity ended
  EXPECT_EQ(supplier(*instance, "F02").status, "conditional");
  ASSERT_TRUE(supplier(*instance, "F02").max_exposure_share.has_value());
  EXPECT_DOUBLE_EQ(*supplier(*instance, "F02").max_exposure_share, 0.2);
  EXPECT_EQ(supplier(*instance, "F04").status, "qualified");
}

TEST_P(VettingTest, RejectedExpiredAndConditionalSuppliersAreNeverAssignedByDefault) {
  ASSERT_TRUE(plan_.plan.status == plan::PlanStatus::kOptimal ||
              plan_.plan.status == plan::PlanStatus::kFeasible);
  for (const plan::Assignment& a : plan_.plan.assignments) {
    EXPECT_NE(a.supplier, "F16") << a.package;
    EXPECT_NE(a.supplier, "F07") << a.package;
    EXPECT_NE(a.supplier, "F02") << a.package;  // conditional, and the policy does not allow conditional
    EXPECT_NE(a.supplier, "F20") << a.package;
  }
}

TEST_P(VettingTest, ConditionalSupplierStaysUnderItsCapWhenPolicyAllowsIt) {
  auto instance = product_instance(*workspace_, "aurora", {std::nullopt, std::nullopt, today().to_string()});
  ASSERT_TRUE(instance.ok());
  instance->policy.allow_conditional = true;
  const plan::Plan plan = plan::solve(*instance, {10, true});
  ASSERT_TRUE(plan.status == plan::PlanStatus::kOptimal || plan.status == plan::PlanStatus::kFeasible);
  const std::string f02_party = supplier(*instance, "F02").party;
  for (const plan::PartyExposure& party : plan.parties) {
    if (party.party == f02_party) {
      EXPECT_LE(party.share, 0.2 + 1e-9);
    }
  }
  for (const plan::Assignment& a : plan.assignments) EXPECT_NE(a.supplier, "F16");
}

TEST_P(VettingTest, TheDemoOverrunIsFoundWithItsArithmetic) {
  const auto f04 = std::find_if(reconciliations_.begin(), reconciliations_.end(),
                                [](const vet::Reconciliation& r) { return r.supplier == "F04"; });
  ASSERT_NE(f04, reconciliations_.end());
  EXPECT_DOUBLE_EQ(f04->unaccounted_units, 10800);  // 31000 shots × 2 cavities − (50000 shipped + 1200 scrap)
  const auto flag = std::find_if(flags_.begin(), flags_.end(), [](const Flag& f) {
    return f.rule == "unaccounted-units" && f.subject == "supplier/F04";
  });
  ASSERT_NE(flag, flags_.end());
  EXPECT_EQ(flag->severity, "critical");
  std::string evidence;
  for (const flags::Evidence& e : flag->evidence) evidence += e.name + ": " + e.value + "\n";
  EXPECT_NE(evidence.find("31000"), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("10800"), std::string::npos) << evidence;
  const auto f06 = std::find_if(reconciliations_.begin(), reconciliations_.end(),
                                [](const vet::Reconciliation& r) { return r.supplier == "F06"; });
  ASSERT_NE(f06, reconciliations_.end());
  EXPECT_DOUBLE_EQ(f06->unaccounted_units, 0);  // consigned 52000 − 1400 returned = 50000 + 600 scrap
}

// The flags' causes (rule and subject), one a line: what a failed comparison of two lists shows.
std::string causes(const std::vector<Flag>& flags) {
  std::string out;
  for (const Flag& f : flags) out += f.id + " " + f.rule + " " + f.subject + "\n";
  return out;
}

TEST_P(VettingTest, FlagsAreRaisedOncePerCause) {
  ASSERT_FALSE(flags_.empty());
  auto again = refresh_flags(*workspace_, session_, today());
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(again->size(), flags_.size()) << "first:\n" << causes(flags_) << "again:\n" << causes(*again);
  EXPECT_TRUE(std::none_of(again->begin(), again->end(), [](const Flag& f) { return f.raised_now; }));
  auto resolved = update_flag(*workspace_, session_, flags_.front().id, "resolved", "checked on site");
  ASSERT_TRUE(resolved.ok());
  auto after = refresh_flags(*workspace_, session_, today());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), flags_.size());  // resolved stays resolved, not raised anew
  EXPECT_FALSE(update_flag(*workspace_, session_, flags_.front().id, "resolved", "").ok());
  EXPECT_FALSE(update_flag(*workspace_, session_, "FL999", "resolved", "x").ok());
}

// An evaluation returns every flag as recorded, in the order reading them back gives, whether it
// raised, cleared, left or found them changed by a person.
TEST_P(VettingTest, AnEvaluationReturnsTheFlagsAsRecorded) {
  const auto fields = [](const std::vector<Flag>& flags) {
    std::vector<std::vector<std::string>> out;
    for (const Flag& f : flags) {
      std::vector<std::string> row{f.id,    f.rule,      f.severity,   f.subject,    f.cause,  f.summary,
                                   f.state, f.raised_at, f.updated_by, f.updated_at, f.reason, f.resolution};
      for (const flags::Evidence& e : f.evidence) row.insert(row.end(), {e.name, e.value});
      out.push_back(std::move(row));
    }
    return out;
  };
  const auto recorded = [&] {
    auto all = recorded_flags(*workspace_);
    EXPECT_TRUE(all.ok());
    return fields(all.ok() ? *all : std::vector<Flag>{});
  };
  ASSERT_GE(flags_.size(), 2u);
  ASSERT_TRUE(update_flag(*workspace_, session_, flags_.front().id, "resolved", "checked on site").ok());
  ASSERT_TRUE(update_flag(*workspace_, session_, flags_.back().id, "acknowledged", "on it").ok());
  auto again = refresh_flags(*workspace_, session_, today());
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(fields(*again), recorded());
  const Date later = today().add_months(30);  // agreements, certificates and rights lapse
  auto lapsed = refresh_flags(*workspace_, testing::session_on(later, "王涛"), later);
  ASSERT_TRUE(lapsed.ok()) << lapsed.error().to_string();
  EXPECT_TRUE(std::any_of(lapsed->begin(), lapsed->end(), [](const Flag& f) { return f.raised_now; }));
  EXPECT_EQ(fields(*lapsed), recorded());
}

// A look ahead (a day after today) records nothing: it shows what an evaluation then would raise
// and clear, and the flags and the ledger stay as they were, so that no later evaluation of today
// has anything of it to undo.
TEST_P(VettingTest, ALookAheadRecordsNothing) {
  const auto ledger_length = [&] {
    auto rows = workspace_->store().database().query(R"(SELECT COUNT(*) FROM "ledger")");
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? rows->front().front() : store::SqlValue();
  };
  const auto states = [&] {
    std::vector<std::string> out;
    auto all = recorded_flags(*workspace_);
    EXPECT_TRUE(all.ok());
    for (const Flag& f : all.ok() ? *all : std::vector<Flag>{})
      out.push_back(f.id + " " + f.state + " " + f.updated_at + " " + f.reason);
    return out;
  };
  const auto events = ledger_length();
  const std::vector<std::string> before = states();
  const Date later = today().add_months(30);
  ASSERT_TRUE(is_look_ahead(session_, later));
  EXPECT_FALSE(is_look_ahead(session_, today()));
  auto ahead = refresh_flags(*workspace_, session_, later);
  ASSERT_TRUE(ahead.ok()) << ahead.error().to_string();
  const auto raised = std::count_if(ahead->begin(), ahead->end(), [](const Flag& f) { return f.raised_now; });
  EXPECT_GT(raised, 0) << "the look ahead shows the flags it would raise";
  for (const Flag& f : *ahead) {
    if (!f.raised_now) continue;
    EXPECT_TRUE(f.id.empty()) << f.id << ": a flag of a look ahead is not numbered";
  }
  EXPECT_TRUE(std::any_of(ahead->begin(), ahead->end(), [](const Flag& f) {
    return f.changed_now == "cleared";
  })) << "the look ahead shows the flags that would resolve themselves";
  EXPECT_EQ(ledger_length(), events);
  EXPECT_EQ(states(), before);
  auto now = refresh_flags(*workspace_, session_, today());
  ASSERT_TRUE(now.ok()) << now.error().to_string();
  EXPECT_TRUE(std::none_of(now->begin(), now->end(), [](const Flag& f) {
    return f.raised_now || !f.changed_now.empty();
  })) << "today's evaluation after a look ahead changes something";
}

// Whether an evaluation is a look ahead is decided once, when it starts: one begun a millisecond
// before midnight for the next day previews, says so, and records nothing, though the day has come
// by the time it ends (the command line says "would be" from what it was told, not from the clock).
TEST_P(VettingTest, ALookAheadIsDecidedOnceWhenTheEvaluationStarts) {
  const Date next = Date::from_days(today().days_since_epoch() + 1);
  Session midnight = session_;
  auto calls = std::make_shared<int>(0);
  const std::string before = today().to_string() + "T23:59:59.999Z";
  const std::string after = next.to_string() + "T00:00:00.001Z";
  midnight.now = [calls, before, after] { return (*calls)++ == 0 ? before : after; };
  const auto count = [&] {
    auto rows = workspace_->store().database().query(R"(SELECT COUNT(*) FROM "ledger")");
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? rows->front().front() : store::SqlValue();
  };
  const auto events = count();
  auto refreshed = refresh_flags_telling(*workspace_, midnight, next);
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().to_string();
  EXPECT_TRUE(refreshed->look_ahead);
  EXPECT_GT(*calls, 1) << "the clock was read again after the decision";
  EXPECT_EQ(count(), events) << "a look ahead recorded something";
}

TEST_P(VettingTest, FailedChecklistItemsRaiseFindingsThatCanBeClosed) {
  VisitInput visit;
  visit.supplier = "F08";
  visit.date = today();
  visit.by = {"王涛"};
  visit.checklist = "ip-protection";
  visit.items = {{"document-control", vet::ItemResult::kFail, "", {}}};
  visit.capacity_seen = 90000;
  visit.update_supplier = true;
  auto recorded = record_visit(*workspace_, session_, visit);
  ASSERT_TRUE(recorded.ok()) << recorded.error().to_string();
  ASSERT_TRUE(recorded->score.has_value());
  EXPECT_FALSE(recorded->score->passed);
  ASSERT_FALSE(recorded->findings.empty());
  EXPECT_EQ(recorded->findings.front(), recorded->id + "/F1");
  EXPECT_TRUE(
      answer_finding(*workspace_, session_, recorded->id, "F1", "Drawings moved to the PLM vault").ok());
  EXPECT_TRUE(close_finding(*workspace_, session_, recorded->id, "F1", today()).ok());
  EXPECT_EQ(close_finding(*workspace_, session_, recorded->id, "F1", today()).error().code(),
            ErrorCode::kConflict);
  auto instance = product_instance(*workspace_, "aurora", {std::nullopt, std::nullopt, today().to_string()});
  ASSERT_TRUE(instance.ok());
  EXPECT_DOUBLE_EQ(supplier(*instance, "F08").capacity, 90000);  // the audit updated what moat believes
  visit.items = {{"no-such-item", vet::ItemResult::kPass, "", {}}};
  EXPECT_FALSE(record_visit(*workspace_, session_, visit).ok());
}

TEST_P(VettingTest, ToolPassportRefusesCountersGoingBackAndScrapWithoutProof) {
  ToolEventInput reading{"T-01", "reading", today(), 100, "", "", std::nullopt, "", "", {}};
  auto low = record_tool_event(*workspace_, session_, reading);
  ASSERT_FALSE(low.ok());
  EXPECT_EQ(low.error().where(), "shots");
  ToolEventInput scrap{"T-02", "scrap", today(), std::nullopt, "", "", std::nullopt, "", "", {}};
  EXPECT_FALSE(record_tool_event(*workspace_, session_, scrap).ok());
  auto proof = add_document(*workspace_, session_, "T-02-destruction.jpg", "photo bytes");
  ASSERT_TRUE(proof.ok()) << proof.error().to_string();
  scrap.evidence = {proof->id};
  ASSERT_TRUE(record_tool_event(*workspace_, session_, scrap).ok());
  EXPECT_EQ(record_tool_event(*workspace_, session_, scrap).error().code(), ErrorCode::kConflict);
  auto read_back = read_document(*workspace_, proof->id);
  ASSERT_TRUE(read_back.ok());
  EXPECT_EQ(*read_back, "photo bytes");
}

}  // namespace
}  // namespace moat::app
