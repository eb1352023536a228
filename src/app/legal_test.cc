// SPDX-License-Identifier: Apache-2.0
// Legal use cases over the Aurora demo, on every backend: the launch is a no-go for the reasons
// the demo's paperwork gives, the release of the ring PCBA to the supplier the plan names is a
// go, a waiver turns a fail into waived until it expires, agreements are checked against China
// practice, deadlines follow the offices' calendars, and the paperwork's gaps raise red flags.
#include <gtest/gtest.h>

#include <algorithm>

#include "app/demo.h"
#include "app/demo_testing.h"
#include "app/gate.h"
#include "app/legal.h"
#include "app/red_flags.h"
#include "app/views.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

Date day(const char* text) {
  return *Date::parse(text);
}

class LegalTest : public DemoTest {
 protected:
  void SetUp() override {
    DemoTest::SetUp();
    if (HasFatalFailure()) return;
    plan_ = demo_->plan;
    flags_ = demo_->flags;
  }

  Date today() const { return *Date::parse(session_.now().substr(0, 10)); }
  Date in_days(long days) const { return Date::from_days(today().days_since_epoch() + days); }

  // The supplier the approved plan gives `package`.
  std::string planned(const std::string& package) const {
    for (const plan::Assignment& a : plan_.plan.assignments) {
      if (a.package == package) return a.supplier;
    }
    return "";
  }

  gate::Verdict gate(const std::string& supplier, const std::string& package, Date on) {
    auto verdict = run_gate(*workspace_, {"aurora", supplier, package, on});
    EXPECT_TRUE(verdict.ok()) << verdict.error().to_string();
    return verdict.ok() ? *verdict : gate::Verdict{};
  }

  static const gate::Check* find(const gate::Verdict& verdict, const std::string& id,
                                 const std::string& subject) {
    const auto it = std::find_if(verdict.checks.begin(), verdict.checks.end(),
                                 [&](const gate::Check& c) { return c.id == id && c.subject == subject; });
    return it == verdict.checks.end() ? nullptr : &*it;
  }

  bool raised(const std::string& rule, const std::string& subject) const {
    return std::any_of(flags_.begin(), flags_.end(),
                       [&](const Flag& f) { return f.rule == rule && f.subject == subject; });
  }

  SavedPlan plan_;
  std::vector<Flag> flags_;
};

INSTANTIATE_TEST_SUITE_P(Backends, LegalTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(LegalTest, DemoLaunchIsNoGoForTheDemosGaps) {
  const gate::Verdict verdict = gate("", "", today());
  EXPECT_FALSE(verdict.go);
  const gate::Check* nnn = find(verdict, "nnn", "supplier/F04");
  ASSERT_NE(nnn, nullptr);
  EXPECT_EQ(nnn->status, gate::CheckStatus::kFail);
  EXPECT_NE(nnn->reason.find("prc-governing-law"), std::string::npos) << nnn->reason;
  EXPECT_NE(nnn->reason.find("chinese-text-controls"), std::string::npos) << nnn->reason;
  EXPECT_NE(nnn->fix.find("AG01"), std::string::npos) << nnn->fix;
  const gate::Check* audit = find(verdict, "recent-audit", "supplier/F04");
  ASSERT_NE(audit, nullptr);
  EXPECT_EQ(audit->status, gate::CheckStatus::kFail);
  EXPECT_NE(audit->reason.find("critical"), std::string::npos) << audit->reason;
  const gate::Check* flags = find(verdict, "red-flags", "supplier/F04");
  ASSERT_NE(flags, nullptr);
  EXPECT_NE(flags->reason.find("unaccounted-units"), std::string::npos) << flags->reason;
  const gate::Check* light_guide = find(verdict, "priority-deadline", "secret/S11");
  ASSERT_NE(light_guide, nullptr);
  EXPECT_EQ(light_guide->status, gate::CheckStatus::kFail);
  EXPECT_NE(light_guide->reason.find("paris-priority-cn-design"), std::string::npos) << light_guide->reason;
  const gate::Check* chamber = find(verdict, "ip-filed", "secret/S02");
  ASSERT_NE(chamber, nullptr);
  EXPECT_EQ(chamber->status, gate::CheckStatus::kFail);
  EXPECT_NE(chamber->reason.find("深圳市声韵电声科技有限公司"), std::string::npos) << chamber->reason;
  const gate::Check* marks = find(verdict, "trademark-cn", "trademark/aurora/CN");
  ASSERT_NE(marks, nullptr);
  EXPECT_EQ(marks->status, gate::CheckStatus::kPass) << marks->reason;
}

TEST_P(LegalTest, ReleaseOfTheRingPcbaToThePlannedSupplierIsGo) {
  const std::string supplier = planned("WP07");
  ASSERT_FALSE(supplier.empty());
  const gate::Verdict verdict = gate(supplier, "WP07", today());
  for (const gate::Check& c : verdict.checks) {
    EXPECT_EQ(c.status, gate::CheckStatus::kPass) << c.id << " " << c.subject << ": " << c.reason;
  }
  EXPECT_TRUE(verdict.go);
  // The same package to the mold shop: not in the plan, and no NNN that passes.
  const gate::Verdict elsewhere = gate("F03", "WP07", today());
  EXPECT_FALSE(elsewhere.go);
  const gate::Check* assignment = find(elsewhere, "plan-assignment", "supplier/F03/package/WP07");
  ASSERT_NE(assignment, nullptr);
  EXPECT_EQ(assignment->status, gate::CheckStatus::kFail);
}

// AG06, the mold shop's NNN, lacks both flow-down clauses: the gate's fix names them, in its text
// and in its JSON, beside the agreement and the supplier; the day before AG06 takes effect, the
// NNN to sign names every clause rules/agreements.toml requires of an NNN.
TEST_P(LegalTest, NnnFixNamesTheClausesTheAgreementLacks) {
  const gate::Verdict verdict = gate("F03", "WP07", today());
  const gate::Check* nnn = find(verdict, "nnn", "supplier/F03");
  ASSERT_NE(nnn, nullptr);
  EXPECT_EQ(nnn->status, gate::CheckStatus::kFail);
  EXPECT_NE(nnn->fix.find("Amend AG06 ("), std::string::npos) << nnn->fix;
  EXPECT_NE(nnn->fix.find("; add the clauses subcontractor-flow-down and related-companies-liability)"),
            std::string::npos)
      << nnn->fix;
  const nlohmann::json checks = verdict_json(verdict)["checks"];
  const auto json_nnn = std::find_if(checks.begin(), checks.end(), [](const nlohmann::json& c) {
    return c["id"] == "nnn" && c["subject"] == "supplier/F03";
  });
  ASSERT_NE(json_nnn, checks.end());
  EXPECT_EQ((*json_nnn)["fix"], nnn->fix);
  EXPECT_EQ((*json_nnn)["missing_clauses"], nlohmann::json::parse(R"([{"agreement": "AG06", "supplier": "F03",
                                       "clauses": ["subcontractor-flow-down", "related-companies-liability"]}])"));
  for (const nlohmann::json& c : checks) {
    if (c["id"] != "nnn") {
      EXPECT_FALSE(c.contains("missing_clauses")) << c.dump();
    }
  }

  auto reviews = review_agreements(*workspace_, today(), "F03");
  ASSERT_TRUE(reviews.ok());
  const auto ag06 =
      std::find_if(reviews->begin(), reviews->end(), [](const AgreementReview& r) { return r.id == "AG06"; });
  ASSERT_TRUE(ag06 != reviews->end() && ag06->effective);
  const gate::Verdict before = gate("F03", "WP07", Date::from_days(ag06->effective->days_since_epoch() - 1));
  const gate::Check* unsigned_yet = find(before, "nnn", "supplier/F03");
  ASSERT_NE(unsigned_yet, nullptr);
  EXPECT_NE(unsigned_yet->fix.find("the clauses non-use, non-circumvention, subcontractor-flow-down and "
                                   "related-companies-liability"),
            std::string::npos)
      << unsigned_yet->fix;
  ASSERT_EQ(unsigned_yet->missing_clauses.size(), 1u);
  EXPECT_EQ(unsigned_yet->missing_clauses.front().agreement, "");
  EXPECT_EQ(unsigned_yet->missing_clauses.front().supplier, "F03");
}

TEST_P(LegalTest, WaiverTurnsAFailIntoWaivedUntilItExpires) {
  WaiverInput waiver{
      "nnn",   "supplier/F04", "aurora",   "IP counsel", "PRC-law amendment signed, chop pending",
      "Li Na", std::nullopt,   in_days(30)};
  auto earlier = list_waivers(*workspace_, "aurora");  // the demo's own, lapsed ones
  ASSERT_TRUE(earlier.ok());
  auto id = grant_waiver(*workspace_, session_, waiver, today());
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  EXPECT_EQ(*id, "W" + std::to_string(earlier->size() + 1));
  const gate::Verdict now = gate("", "", today());
  const gate::Check* waived = find(now, "nnn", "supplier/F04");
  ASSERT_NE(waived, nullptr);
  EXPECT_EQ(waived->status, gate::CheckStatus::kWaived);
  EXPECT_NE(waived->waiver.find("Li Na (IP counsel)"), std::string::npos) << waived->waiver;
  const gate::Verdict later = gate("", "", in_days(31));
  const gate::Check* expired = find(later, "nnn", "supplier/F04");
  ASSERT_NE(expired, nullptr);
  EXPECT_EQ(expired->status, gate::CheckStatus::kFail);
  EXPECT_NE(expired->reason.find("expired on " + in_days(30).to_string()), std::string::npos)
      << expired->reason;
  auto rows = list_waivers(*workspace_, "aurora");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), earlier->size() + 1);
  const auto granted =
      std::find_if(rows->begin(), rows->end(), [&](const auto& row) { return row.id == *id; });
  ASSERT_NE(granted, rows->end());
  EXPECT_EQ(granted->waiver.by, "Li Na");
}

TEST_P(LegalTest, WaiverNeedsARoleAReasonAndAnExpiry) {
  WaiverInput waiver{"nnn", "supplier/F04", "", "", " ", "", std::nullopt, std::nullopt};
  auto before = list_waivers(*workspace_);
  ASSERT_TRUE(before.ok());
  auto id = grant_waiver(*workspace_, session_, waiver, today());
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code(), ErrorCode::kInput);
  std::vector<std::string> where;
  for (const Diagnostic& d : id.error().diagnostics()) where.push_back(d.where);
  EXPECT_EQ(where, (std::vector<std::string>{"--role", "--reason", "--expires"}));
  auto waivers = list_waivers(*workspace_);
  ASSERT_TRUE(waivers.ok());
  EXPECT_EQ(waivers->size(), before->size());  // nothing recorded
}

TEST_P(LegalTest, GateRejectsBadRequests) {
  auto unknown = run_gate(*workspace_, {"speaker", "", "", today()});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  auto half = run_gate(*workspace_, {"aurora", "F06", "", today()});
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.error().where(), "--package");
  auto package = run_gate(*workspace_, {"aurora", "F06", "WP99", today()});
  ASSERT_FALSE(package.ok());
  EXPECT_EQ(package.error().where(), "--package");
}

TEST_P(LegalTest, AgreementsAreCheckedAgainstChinaPractice) {
  auto reviews = review_agreements(*workspace_, today());
  ASSERT_TRUE(reviews.ok()) << reviews.error().to_string();
  const auto of = [&](const std::string& id) {
    return *std::find_if(reviews->begin(), reviews->end(),
                         [&](const AgreementReview& r) { return r.id == id; });
  };
  std::vector<std::string> failed;
  for (const legal::CheckResult& c : of("AG01").failures) failed.push_back(c.id);
  EXPECT_EQ(failed, (std::vector<std::string>{"prc-governing-law", "chinese-text-controls",
                                              "prc-court-jurisdiction"}));
  EXPECT_TRUE(of("AG03").passes);
  EXPECT_TRUE(of("AG04").expiring);
  EXPECT_EQ(of("AG07").suppliers,
            (std::vector<std::string>{"F15", "F13"}));  // flowed down by the adapter maker
  failed.clear();
  for (const legal::CheckResult& c : of("AG06").failures) failed.push_back(c.id);
  EXPECT_EQ(failed,
            (std::vector<std::string>{"liquidated-damages", "subcontractor-flow-down",
                                      "related-companies-liability", "chop-and-legal-representative"}));

  AgreementInput bad;
  bad.kind = "contract";
  bad.supplier = "F04";
  auto kind = add_agreement(*workspace_, session_, bad);
  ASSERT_FALSE(kind.ok());
  EXPECT_EQ(kind.error().where(), "--kind");
  bad.kind = "nnn";
  bad.supplier = "F99";
  auto supplier = add_agreement(*workspace_, session_, bad);
  ASSERT_FALSE(supplier.ok());
  EXPECT_EQ(supplier.error().where(), "--supplier");
}

TEST_P(LegalTest, AgreementTakesTheRegisteredNameUnlessWrittenOtherwise) {
  AgreementInput nnn;
  nnn.kind = "nnn";
  nnn.supplier = "F10";
  nnn.governing_law = "CN";
  nnn.languages = {"zh"};
  nnn.court = "东莞市中级人民法院";
  nnn.court_division = "441900";
  nnn.liquidated_damages = 600000;
  nnn.currency = "CNY";
  nnn.clauses = {"non-use", "non-circumvention", "subcontractor-flow-down", "related-companies-liability"};
  nnn.signer_is_legal_rep = true;
  nnn.chop = true;
  nnn.effective = today();
  auto id = add_agreement(*workspace_, session_, nnn);
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  auto reviews = review_agreements(*workspace_, today(), "F10");
  ASSERT_TRUE(reviews.ok());
  ASSERT_EQ(reviews->size(), 1u);
  EXPECT_TRUE(reviews->front().passes)
      << (reviews->front().failures.empty() ? "" : reviews->front().failures.front().reason);
  nnn.counterparty_name = "东莞市鑫达电子科技公司";  // "有限" left out
  auto misnamed = add_agreement(*workspace_, session_, nnn);
  ASSERT_TRUE(misnamed.ok()) << misnamed.error().to_string();
  reviews = review_agreements(*workspace_, today(), "F10");
  ASSERT_TRUE(reviews.ok());
  ASSERT_EQ(reviews->size(), 2u);
  const auto review = std::find_if(reviews->begin(), reviews->end(),
                                   [&](const AgreementReview& r) { return r.id == *misnamed; });
  ASSERT_NE(review, reviews->end());
  EXPECT_FALSE(review->passes);
  ASSERT_FALSE(review->failures.empty());
  EXPECT_EQ(review->failures.front().id, "counterparty-identity");
}

TEST_P(LegalTest, PurchaseOrderTermsAreRecorded) {
  auto before = review_orders(*workspace_, "F08");
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 1u);
  EXPECT_FALSE(before->front().problems.empty());
  ASSERT_TRUE(
      set_order_terms(*workspace_, session_, "PO-2026-0103", "Art. 12: designs stay Aurora's", 500000, "CNY")
          .ok());
  auto after = review_orders(*workspace_, "F08");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->front().problems.empty());
  auto unknown = set_order_terms(*workspace_, session_, "PO-9", "x", 1, "CNY");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

TEST_P(LegalTest, DeadlinesFollowTheOfficesCalendars) {
  IpRightInput design;
  design.kind = "design";
  design.jurisdiction = "US";
  design.title = "Speaker grille";
  design.filed = day("2025-08-15");  // + 6 months: Sunday 2026-02-15, in the Spring Festival closure
  auto id = add_ip_right(*workspace_, session_, design);
  ASSERT_TRUE(id.ok()) << id.error().to_string();
  auto open = ip_deadlines(*workspace_, day("2026-01-15"));
  ASSERT_TRUE(open.ok()) << open.error().to_string();
  const auto priority = std::find_if(open->begin(), open->end(), [&](const legal::Deadline& d) {
    return d.right == *id && d.rule == "paris-priority-cn-design";
  });
  ASSERT_NE(priority, open->end());
  EXPECT_EQ(priority->nominal.to_string(), "2026-02-15");
  EXPECT_EQ(priority->due.to_string(), "2026-02-24");
  EXPECT_FALSE(priority->missed);
  auto later = ip_deadlines(*workspace_, day("2026-03-01"), 10);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(std::any_of(later->begin(), later->end(), [&](const legal::Deadline& d) {
    return d.right == *id && d.rule == "paris-priority-cn-design" && d.missed;
  }));
  for (const legal::Deadline& d : *later) {
    EXPECT_TRUE(d.missed || d.due <= day("2026-03-11"))
        << d.right << " " << d.rule << " " << d.due.to_string();
  }
  auto ics = ip_calendar(*workspace_, day("2026-01-15"), "2026-01-15T09:00:00Z");
  ASSERT_TRUE(ics.ok()) << ics.error().to_string();
  EXPECT_EQ(ics->rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_NE(ics->find("DTSTART;VALUE=DATE:20260224"), std::string::npos);

  design.jurisdiction = "usa";
  auto bad = add_ip_right(*workspace_, session_, design);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where(), "--jurisdiction");
  design.jurisdiction = "US";
  design.priority = day("2025-09-01");
  bad = add_ip_right(*workspace_, session_, design);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where(), "--priority");
}

TEST_P(LegalTest, PaperworkGapsRaiseRedFlags) {
  EXPECT_TRUE(raised("agreement-quality", "agreement/AG01"));
  EXPECT_TRUE(raised("agreement-quality", "agreement/AG06"));
  EXPECT_FALSE(raised("agreement-quality", "agreement/AG03"));
  EXPECT_TRUE(raised("agreement-expiring", "agreement/AG04"));
  EXPECT_TRUE(raised("ip-owned-by-other", "ip/IP04"));
  EXPECT_TRUE(raised("disclosure-before-filing", "disclosure/D1"));
  EXPECT_FALSE(raised("disclosure-before-filing", "disclosure/D2"));
  EXPECT_FALSE(raised("agreement-missing", "supplier/F06"));
  EXPECT_FALSE(raised("agreement-missing", "supplier/F01"));  // our own plant
  EXPECT_FALSE(raised("trademark-not-filed-cn", "product/aurora"));
}

}  // namespace
}  // namespace moat::app
