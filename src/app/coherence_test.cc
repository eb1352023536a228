// SPDX-License-Identifier: Apache-2.0
// One truth: the red flags and the gate read the same facts, over the Aurora demo and over
// workspaces generated from it (owner visits, NNNs and production starts changed at random, the
// day moving on), and derived state keeps up — a flag whose cause is fixed resolves itself with
// the fact that fixed it, reopens when the cause returns, and a person's decisions survive.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>

#include "app/demo.h"
#include "app/demo_testing.h"
#include "app/edit.h"
#include "app/gate.h"
#include "app/legal.h"
#include "app/oversight.h"
#include "app/red_flags.h"
#include "app/sourcing.h"
#include "app/workspace.h"
#include "core/text.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

constexpr int kOwnerVisitLeadDays = 14;  // owner-visit-missing's default lead_days

Date plus_days(Date day, long days) {
  return Date::from_days(day.days_since_epoch() + days);
}

class CoherenceTest : public DemoTest {
 protected:
  void SetUp() override {
    DemoTest::SetUp();
    if (HasFatalFailure()) return;
    flags_ = demo_->flags;
    for (const plan::Assignment& a : demo_->plan.plan.assignments) planned_.insert(a.supplier);
    assignments_ = demo_->plan.plan.assignments;
  }

  Date today() const { return *Date::parse(session_.now().substr(0, 10)); }

  const Flag* find_flag(const std::vector<Flag>& flags, std::string_view rule, std::string_view subject) {
    const auto it = std::find_if(flags.begin(), flags.end(),
                                 [&](const Flag& f) { return f.rule == rule && f.subject == subject; });
    return it == flags.end() ? nullptr : &*it;
  }

  std::vector<store::Record> records(std::string_view table) {
    auto listed = workspace_->store().list(*store::find_table(table));
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? *listed : std::vector<store::Record>{};
  }

  // Writes a supplier's cap as the approval of an assessment does (edits may not: app/approval_fields.h).
  void requalify(const std::string& supplier, nlohmann::json cap) {
    const store::Table& suppliers = *store::find_table("suppliers");
    auto record = workspace_->store().get(suppliers, {supplier});
    ASSERT_TRUE(record.ok() && record->has_value());
    store::Record changed = **record;
    changed["max_exposure_share"] = std::move(cap);
    auto written = workspace_->store().write(session_.author(), [&](store::Writer& writer) -> Status {
      MOAT_TRY(const bool put, writer.put(suppliers, changed));
      (void)put;
      return {};
    });
    ASSERT_TRUE(written.ok()) << written.error().to_string();
  }

  Status record_owner_visit(const std::string& supplier, Date on) {
    VisitInput visit;
    visit.supplier = supplier;
    visit.kind = "owner-visit";
    visit.date = on;
    visit.by = {"Emma Larsen"};
    visit.product = "aurora";
    MOAT_CHECK(record_visit(*workspace_, session_, visit));
    return {};
  }

  Status sign_nnn(const std::string& supplier, Date effective, Date expires) {
    AgreementInput nnn;
    nnn.kind = "nnn";
    nnn.supplier = supplier;
    nnn.governing_law = "CN";
    nnn.languages = {"zh", "en"};
    nnn.controlling_language = "zh";
    nnn.court = "深圳市中级人民法院";
    nnn.court_division = "440300";
    nnn.liquidated_damages = 1000000;
    nnn.currency = "CNY";
    nnn.clauses = agreement_clause_names();
    nnn.signed_by = "法定代表人";
    nnn.signer_is_legal_rep = true;
    nnn.chop = true;
    nnn.effective = effective;
    nnn.expires = expires;
    nnn.products = {"aurora"};
    MOAT_CHECK(add_agreement(*workspace_, session_, nnn));
    return {};
  }

  // An own-facility audit of `supplier` that scores access control.
  Status audit_access(const std::string& supplier, Date on, vet::ItemResult result) {
    VisitInput audit;
    audit.supplier = supplier;
    audit.date = on;
    audit.by = {"王涛"};
    audit.checklist = "own-facility";
    audit.items = {{"access-control", result, "", {}},
                   {"employee-confidentiality", vet::ItemResult::kPass, "", {}},
                   {"document-control", vet::ItemResult::kPass, "", {}},
                   {"visitor-logs", vet::ItemResult::kPass, "", {}},
                   {"leavers", vet::ItemResult::kPass, "", {}}};
    MOAT_CHECK(record_visit(*workspace_, session_, audit));
    return {};
  }

  // A gate check about a supplier fails exactly when the flag about the same fact stands.
  void expect_same(const gate::Check& check, const std::vector<Flag>& standing, std::string_view rule) {
    const bool flagged = find_flag(standing, rule, check.subject) != nullptr;
    EXPECT_EQ(check.status == gate::CheckStatus::kFail, flagged)
        << check.id << " " << check.subject << ": " << check.reason;
  }

  // Every fact the flags and the launch gate share, for each supplier of the approved plan.
  void expect_agreement(Date on, const std::string& where) {
    SCOPED_TRACE(where + " on " + on.to_string());
    // Recorded as of `on` (a session whose today is earlier would only preview it).
    auto refreshed = refresh_flags(*workspace_, testing::session_on(on), on);
    ASSERT_TRUE(refreshed.ok()) << refreshed.error().to_string();
    auto standing = standing_flags(*workspace_, on);
    ASSERT_TRUE(standing.ok()) << standing.error().to_string();
    std::set<std::string> listed, held;
    for (const Flag& f : *refreshed) {
      if (f.state != "resolved") listed.insert(f.rule + " " + f.subject + " " + f.cause);
    }
    for (const Flag& f : *standing) held.insert(f.rule + " " + f.subject + " " + f.cause);
    EXPECT_EQ(listed, held) << "moat flags and the flags the gate reads differ";
    auto verdict = run_gate(*workspace_, {"aurora", "", "", on});
    ASSERT_TRUE(verdict.ok()) << verdict.error().to_string();
    const auto products = records("products");
    const auto orders = records("orders");
    for (const gate::Check& check : verdict->checks) {
      if (check.subject.rfind("supplier/", 0) != 0) continue;
      const std::string supplier = check.subject.substr(9);
      const bool failed = check.status == gate::CheckStatus::kFail;
      if (check.id == "owner-visit") {
        const bool flagged = find_flag(*standing, "owner-visit-missing", check.subject) != nullptr;
        const ProductionStart start = production_start(products, orders, "aurora", supplier, on);
        const bool warning_due = plus_days(on, kOwnerVisitLeadDays) >= start.day;
        if (flagged) {
          EXPECT_TRUE(failed) << supplier << ": flag raised, gate passes: " << check.reason;
        }
        if (failed && warning_due) {
          EXPECT_TRUE(flagged) << supplier << ": gate fails, no flag: " << check.reason;
        }
        if (!failed) {
          EXPECT_FALSE(flagged) << supplier << ": " << check.reason;
        }
      }
      if (check.id == "nnn") {
        const Flag* missing = find_flag(*standing, "agreement-missing", check.subject);
        if (missing) {
          EXPECT_TRUE(failed) << supplier << ": agreement-missing raised, gate passes: " << check.reason;
        }
        if (!failed) {
          EXPECT_EQ(missing, nullptr) << supplier;
        }
      }
      if (check.id == "employee-confidentiality") expect_same(check, *standing, "confidentiality-missing");
      if (check.id == "access-control") expect_same(check, *standing, "access-control-unverified");
      if (check.id == "red-flags") {
        bool critical = false;
        for (const Flag& f : *standing)
          critical = critical || (f.subject == check.subject && f.severity == "critical");
        if (critical) {
          EXPECT_TRUE(failed) << supplier << ": " << check.reason;
        }
      }
    }
  }

  std::vector<Flag> flags_;
  std::set<std::string> planned_;
  std::vector<plan::Assignment> assignments_;
};

INSTANTIATE_TEST_SUITE_P(Backends, CoherenceTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(CoherenceTest, FlagsAndGateAgreeOnTheDemo) {
  expect_agreement(today(), "demo");
}

// The demo records no production start: production is taken to start today, by the gate's
// owner-visit check and the owner-visit-missing flag alike, so both name the same suppliers.
TEST_P(CoherenceTest, OwnerVisitWithoutAProductionStartOnRecordIsTodaysForGateAndFlag) {
  for (const store::Record& product : records("products")) ASSERT_TRUE(product["production_start"].is_null());
  auto verdict = run_gate(*workspace_, {"aurora", "", "", today()});
  ASSERT_TRUE(verdict.ok()) << verdict.error().to_string();
  auto standing = standing_flags(*workspace_, today());
  ASSERT_TRUE(standing.ok()) << standing.error().to_string();
  std::set<std::string> failing, flagged;
  for (const gate::Check& check : verdict->checks) {
    if (check.id == "owner-visit" && check.status == gate::CheckStatus::kFail) failing.insert(check.subject);
  }
  for (const Flag& f : *standing) {
    if (f.rule == "owner-visit-missing") flagged.insert(f.subject);
  }
  EXPECT_GT(failing.size(), 1u);
  EXPECT_EQ(failing, flagged);
  const auto orderless = std::find_if(standing->begin(), standing->end(), [](const Flag& f) {
    return f.rule == "owner-visit-missing" && f.cause == "no production start on record";
  });
  ASSERT_NE(orderless, standing->end()) << "a supplier without orders is flagged too";
  // The next day the same flag stands: its cause does not move with the day.
  auto tomorrow =
      refresh_flags(*workspace_, testing::session_on(plus_days(today(), 1)), plus_days(today(), 1));
  ASSERT_TRUE(tomorrow.ok());
  const auto same = std::find_if(tomorrow->begin(), tomorrow->end(), [&](const Flag& f) {
    return f.rule == "owner-visit-missing" && f.subject == orderless->subject && f.state != "resolved";
  });
  ASSERT_NE(same, tomorrow->end());
  EXPECT_EQ(same->cause, orderless->cause);
}

TEST_P(CoherenceTest, FlagsAndGateAgreeOnGeneratedWorkspaces) {
  std::mt19937 random(20261205);
  const std::vector<std::string> suppliers(planned_.begin(), planned_.end());
  ASSERT_FALSE(suppliers.empty());
  const auto pick = [&] {
    return suppliers[std::uniform_int_distribution<std::size_t>(0, suppliers.size() - 1)(random)];
  };
  const auto offset = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  Date on = today();
  for (int round = 0; round < 8; ++round) {
    on = plus_days(on, offset(0, 20));
    switch (offset(0, 5)) {
      case 0:
        ASSERT_TRUE(record_owner_visit(pick(), plus_days(on, offset(-60, 20))).ok());
        break;
      case 1: {
        const Date effective = plus_days(on, offset(-400, 20));
        ASSERT_TRUE(sign_nnn(pick(), effective, plus_days(effective, offset(10, 800))).ok());
        break;
      }
      case 2: {
        const std::string start = offset(0, 3) == 0 ? "" : plus_days(on, offset(-40, 40)).to_string();
        ASSERT_TRUE(edit_record(*workspace_, session_, "products", "aurora", {{"production_start", start}},
                                std::nullopt)
                        .ok());
        break;
      }
      case 3: {
        const vet::ItemResult result = offset(0, 1) == 0 ? vet::ItemResult::kFail : vet::ItemResult::kPass;
        ASSERT_TRUE(audit_access("F01", plus_days(on, offset(-400, 0)), result).ok());
        break;
      }
      case 4: {
        const std::string expires = offset(0, 2) == 0 ? "" : plus_days(on, offset(-30, 30)).to_string();
        ASSERT_TRUE(
            edit_record(*workspace_, session_, "agreements", "AG09", {{"expires", expires}}, std::nullopt)
                .ok());
        break;
      }
      default:
        break;  // only the day moves on
    }
    expect_agreement(on, "round " + std::to_string(round));
  }
}

TEST_P(CoherenceTest, FlagResolvesItselfWhenItsCauseIsFixedAndReopensWhenItReturns) {
  const auto missing =
      std::find_if(flags_.begin(), flags_.end(), [](const Flag& f) { return f.rule == "agreement-missing"; });
  ASSERT_NE(missing, flags_.end()) << "the demo raises agreement-missing";
  const std::string supplier = missing->subject.substr(9);
  ASSERT_TRUE(sign_nnn(supplier, today(), plus_days(today(), 30)).ok());
  auto after = refresh_flags(*workspace_, session_, today());
  ASSERT_TRUE(after.ok()) << after.error().to_string();
  const Flag* cleared = find_flag(*after, "agreement-missing", missing->subject);
  ASSERT_NE(cleared, nullptr);
  EXPECT_EQ(cleared->state, "resolved");
  EXPECT_EQ(cleared->resolution, "automatic");
  EXPECT_EQ(cleared->changed_now, "cleared");
  EXPECT_NE(cleared->reason.find("NNN"), std::string::npos) << cleared->reason;
  EXPECT_NE(cleared->reason.find("covers aurora"), std::string::npos) << cleared->reason;
  // The ledger keeps the fact that cleared it.
  auto events = workspace_->store().events();
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(std::any_of(events->begin(), events->end(),
                          [&](const ledger::Event& e) {
                            return e.entity == "flags" && e.key == missing->id &&
                                   e.after.value_or("").find("covers aurora") != std::string::npos;
                          }))
      << "no ledger event resolves " << missing->id << " with the fact that cleared it";
  // The NNN lapses: the same cause is back, and the same flag reopens.
  const Date later = plus_days(today(), 40);
  auto lapsed = refresh_flags(*workspace_, testing::session_on(later), later);
  ASSERT_TRUE(lapsed.ok());
  const Flag* reopened = find_flag(*lapsed, "agreement-missing", missing->subject);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->id, missing->id);
  EXPECT_EQ(reopened->state, "open");
  EXPECT_EQ(reopened->changed_now, "reopened");
  // Recorded, not previewed: the ledger's last event of the flag opens it again.
  auto recorded = workspace_->store().events();
  ASSERT_TRUE(recorded.ok());
  const auto last = std::find_if(recorded->rbegin(), recorded->rend(), [&](const ledger::Event& e) {
    return e.entity == "flags" && e.key == missing->id;
  });
  ASSERT_NE(last, recorded->rend());
  EXPECT_NE(last->after.value_or("").find("\"open\""), std::string::npos) << last->after.value_or("");
}

TEST_P(CoherenceTest, PeoplesDecisionsSurviveRecomputation) {
  ASSERT_GE(flags_.size(), 3u);
  std::vector<std::string> ids;
  for (const Flag& f : flags_) {
    if (f.state == "open" && ids.size() < 2) ids.push_back(f.id);
  }
  ASSERT_EQ(ids.size(), 2u);
  auto acked = update_flags(*workspace_, session_, ids, "acknowledged", "on it");
  ASSERT_TRUE(acked.ok()) << acked.error().to_string();
  EXPECT_EQ(acked->size(), 2u);
  auto bad = update_flags(*workspace_, session_, {ids[0], "FL999"}, "resolved", "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where(), "flags/FL999");
  auto resolved = update_flags(*workspace_, session_, {ids[1]}, "resolved", "accepted risk: sole source");
  ASSERT_TRUE(resolved.ok());
  auto again = refresh_flags(*workspace_, session_, today());
  ASSERT_TRUE(again.ok());
  const auto state_of = [&](const std::string& id) {
    for (const Flag& f : *again) {
      if (f.id == id) return f.state + "/" + f.resolution;
    }
    return std::string("missing");
  };
  EXPECT_EQ(state_of(ids[0]), "acknowledged/");  // all-or-nothing: FL999 changed nothing
  EXPECT_EQ(state_of(ids[1]), "resolved/manual");
  auto standing = standing_flags(*workspace_, today());
  ASSERT_TRUE(standing.ok());
  EXPECT_TRUE(
      std::none_of(standing->begin(), standing->end(), [&](const Flag& f) { return f.id == ids[1]; }));
}

const gate::Check* find_check(const gate::Verdict& verdict, std::string_view id) {
  const auto it = std::find_if(verdict.checks.begin(), verdict.checks.end(),
                               [&](const gate::Check& c) { return c.id == id; });
  return it == verdict.checks.end() ? nullptr : &*it;
}

TEST_P(CoherenceTest, TheApprovedPlanIsRevalidatedWhenItsInputsChange) {
  auto instance = product_instance(*workspace_, "aurora", {std::nullopt, std::nullopt, today().to_string()});
  ASSERT_TRUE(instance.ok());
  std::string supplier;  // an untrusted supplier the approved plan assigns
  for (const plan::Assignment& a : assignments_) {
    for (const plan::Supplier& s : instance->suppliers) {
      if (s.id == a.supplier && !s.trusted && supplier.empty()) supplier = s.id;
    }
  }
  ASSERT_FALSE(supplier.empty());
  auto before = run_gate(*workspace_, {"aurora", "", "", today()});
  ASSERT_TRUE(before.ok());
  ASSERT_NE(find_check(*before, "plan-valid"), nullptr);
  EXPECT_EQ(find_check(*before, "plan-valid")->status, gate::CheckStatus::kPass)
      << find_check(*before, "plan-valid")->reason;
  // Re-qualified with a small exposure cap: the exposure view marks the party, the gate fails.
  requalify(supplier, 0.01);
  auto exposure = plan_exposure(*workspace_, "aurora", std::nullopt);
  ASSERT_TRUE(exposure.ok()) << exposure.error().to_string();
  EXPECT_TRUE(std::any_of(exposure->rows.begin(), exposure->rows.end(), [&](const ExposureRow& r) {
    return r.over_cap && std::find(r.suppliers.begin(), r.suppliers.end(), supplier) != r.suppliers.end();
  }));
  auto capped = run_gate(*workspace_, {"aurora", "", "", today()});
  ASSERT_TRUE(capped.ok());
  const gate::Check* valid = find_check(*capped, "plan-valid");
  EXPECT_EQ(valid->status, gate::CheckStatus::kFail);
  EXPECT_NE(valid->reason.find("of the secret weight, above its cap of 1%"), std::string::npos)
      << valid->reason;
  EXPECT_NE(valid->fix.find("Re-plan aurora"), std::string::npos) << valid->fix;
  // Its capacity cut below what the plan gives it.
  requalify(supplier, nullptr);
  ASSERT_TRUE(
      edit_record(*workspace_, session_, "suppliers", supplier, {{"capacity", "1"}}, std::nullopt).ok());
  auto cut = run_gate(*workspace_, {"aurora", "", "", today()});
  ASSERT_TRUE(cut.ok());
  EXPECT_NE(find_check(*cut, "plan-valid")->reason.find(supplier + " is assigned"), std::string::npos)
      << find_check(*cut, "plan-valid")->reason;
  EXPECT_NE(find_check(*cut, "plan-valid")->reason.find("its capacity is now 1"), std::string::npos);
}

// What no longer holds is said once a cause: a supplier's qualification lapsed is one line with
// the packages it makes, and a quote left out because its validity ended says until when it was
// valid, not that there is no quote.
TEST_P(CoherenceTest, APlanThatNoLongerHoldsSaysWhyOnceACause) {
  std::map<std::string, std::vector<std::string>> made;  // untrusted supplier -> packages it makes
  auto instance = product_instance(*workspace_, "aurora", {std::nullopt, std::nullopt, today().to_string()});
  ASSERT_TRUE(instance.ok());
  for (const plan::Assignment& a : assignments_) {
    for (const plan::Supplier& s : instance->suppliers) {
      if (s.id == a.supplier && !s.trusted) made[s.id].push_back(a.package);
    }
  }
  const auto most = std::max_element(made.begin(), made.end(), [](const auto& a, const auto& b) {
    return a.second.size() < b.second.size();
  });
  ASSERT_NE(most, made.end());
  ASSERT_GE(most->second.size(), 2u) << "the fixture's plan gives some supplier two packages";
  const std::string supplier = most->first;
  const std::string package = most->second.front();
  const std::string yesterday = plus_days(today(), -1).to_string();
  const store::Table& quotes = *store::find_table("quotes");
  auto quote = workspace_->store().get(quotes, {"aurora", package, supplier});
  ASSERT_TRUE(quote.ok() && quote->has_value());
  store::Record lapsed = **quote;
  lapsed["valid_until"] = yesterday;
  auto written = workspace_->store().write(session_.author(), [&](store::Writer& writer) -> Status {
    MOAT_TRY(const bool put, writer.put(quotes, lapsed));
    (void)put;
    return {};
  });
  ASSERT_TRUE(written.ok()) << written.error().to_string();
  auto verdict = run_gate(*workspace_, {"aurora", "", "", today()});
  ASSERT_TRUE(verdict.ok());
  const std::string reason = find_check(*verdict, "plan-valid")->reason;
  EXPECT_NE(reason.find(supplier + "'s quote was valid until " + yesterday + " (" + package + ")"),
            std::string::npos)
      << reason;
  EXPECT_EQ(reason.find("has no quote"), std::string::npos) << reason;
  // Its qualification ended yesterday too: one line for every package it makes.
  const store::Table& suppliers = *store::find_table("suppliers");
  auto record = workspace_->store().get(suppliers, {supplier});
  ASSERT_TRUE(record.ok() && record->has_value());
  store::Record expired = **record;
  expired["qualified_until"] = yesterday;
  written = workspace_->store().write(session_.author(), [&](store::Writer& writer) -> Status {
    MOAT_TRY(const bool put, writer.put(suppliers, expired));
    (void)put;
    return {};
  });
  ASSERT_TRUE(written.ok()) << written.error().to_string();
  verdict = run_gate(*workspace_, {"aurora", "", "", today()});
  ASSERT_TRUE(verdict.ok());
  const std::string expired_reason = find_check(*verdict, "plan-valid")->reason;
  const std::string line = supplier + " is not qualified (expired) (" + join(most->second, ", ") + ")";
  EXPECT_NE(expired_reason.find(line), std::string::npos) << expired_reason;
  EXPECT_EQ(expired_reason.find(supplier + " is not qualified (expired)"),
            expired_reason.rfind(supplier + " is not qualified (expired)"))
      << "said once: " << expired_reason;
}

// The own plant F01 is checked as what it is, by the gate and the flags alike: no NNN with itself,
// no PO clause, no owner's visit; its staff's confidentiality agreements and its access control.
TEST_P(CoherenceTest, TheOwnFacilityIsCheckedAsWhatItIs) {
  const auto checks_of = [&](Date on) {
    auto verdict = run_gate(*workspace_, {"aurora", "", "", on});
    EXPECT_TRUE(verdict.ok());
    std::map<std::string, gate::Check> f01;
    for (const gate::Check& c : verdict->checks) {
      if (c.subject == "supplier/F01") f01.emplace(c.id, c);
    }
    return f01;
  };
  ASSERT_TRUE(planned_.count("F01"));
  auto f01 = checks_of(today());
  EXPECT_EQ(f01.count("nnn") + f01.count("po-ip-clause") + f01.count("owner-visit"), 0u);
  ASSERT_EQ(f01.count("employee-confidentiality"), 1u);
  EXPECT_EQ(f01.at("employee-confidentiality").status, gate::CheckStatus::kPass)
      << f01.at("employee-confidentiality").reason;
  EXPECT_NE(f01.at("employee-confidentiality").reason.find("AG09"), std::string::npos);
  ASSERT_EQ(f01.count("access-control"), 1u);
  EXPECT_EQ(f01.at("access-control").status, gate::CheckStatus::kFail);
  auto flags = refresh_flags(*workspace_, session_, today());
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(find_flag(*flags, "owner-visit-missing", "supplier/F01"), nullptr);
  const Flag* access = find_flag(*flags, "access-control-unverified", "supplier/F01");
  ASSERT_NE(access, nullptr);
  EXPECT_EQ(access->state, "open");
  // Never audited: recent-audit fails for it as for anyone, and audit-overdue says so too.
  ASSERT_EQ(f01.count("recent-audit"), 1u);
  EXPECT_EQ(f01.at("recent-audit").status, gate::CheckStatus::kFail) << f01.at("recent-audit").reason;
  const Flag* overdue = find_flag(*flags, "audit-overdue", "supplier/F01");
  ASSERT_NE(overdue, nullptr);
  EXPECT_EQ(overdue->state, "open");
  EXPECT_EQ(overdue->cause, "never audited");
  // Audited with access control passing: the check passes, the flag resolves itself with the audit.
  ASSERT_TRUE(audit_access("F01", today(), vet::ItemResult::kPass).ok());
  EXPECT_EQ(checks_of(today()).at("access-control").status, gate::CheckStatus::kPass);
  flags = refresh_flags(*workspace_, session_, today());
  ASSERT_TRUE(flags.ok());
  access = find_flag(*flags, "access-control-unverified", "supplier/F01");
  ASSERT_NE(access, nullptr);
  EXPECT_EQ(access->state, "resolved");
  EXPECT_NE(access->reason.find("passed access-control"), std::string::npos) << access->reason;
  EXPECT_EQ(checks_of(today()).at("recent-audit").status, gate::CheckStatus::kPass);
  overdue = find_flag(*flags, "audit-overdue", "supplier/F01");
  ASSERT_NE(overdue, nullptr);
  EXPECT_EQ(overdue->state, "resolved");
  // The staff's confidentiality agreement lapses: the check fails naming them, a flag per person.
  ASSERT_TRUE(edit_record(*workspace_, session_, "agreements", "AG09",
                          {{"expires", plus_days(today(), -1).to_string()}}, std::nullopt)
                  .ok());
  f01 = checks_of(today());
  EXPECT_EQ(f01.at("employee-confidentiality").status, gate::CheckStatus::kFail);
  EXPECT_NE(f01.at("employee-confidentiality").reason.find("AG09 expired on"), std::string::npos)
      << f01.at("employee-confidentiality").reason;
  flags = refresh_flags(*workspace_, session_, today());
  ASSERT_TRUE(flags.ok());
  int unbound = 0;
  for (const Flag& f : *flags) unbound += f.rule == "confidentiality-missing" && f.state == "open";
  EXPECT_EQ(unbound, 2);  // 梁晓燕 (P01) and 韩磊 (P02) received design data
  expect_agreement(today(), "confidentiality lapsed");
}

TEST_P(CoherenceTest, ARegisteredAddressIsNeverAnUnknownSite) {
  VisitInput visit;
  visit.supplier = "F01";
  visit.kind = "visit";
  visit.date = today();
  visit.by = {"Emma Larsen"};
  visit.sites_seen = {"广东省东莞市松山湖高新技术产业开发区工业西路12号", "Unit 5, Liaobu back street"};
  ASSERT_TRUE(record_visit(*workspace_, session_, visit).ok());
  auto flags = refresh_flags(*workspace_, session_, today());
  ASSERT_TRUE(flags.ok());
  std::vector<std::string> causes;
  for (const Flag& f : *flags) {
    if (f.rule == "unknown-site" && f.subject == "supplier/F01") causes.push_back(f.cause);
  }
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_NE(causes[0].find("liaobu"), std::string::npos) << causes[0];
}

// Every setting a gate reason, fix or check description names ("policy.allow_conditional") is
// one moat.toml accepts: advice that the configuration then refuses is worse than none.
TEST_P(CoherenceTest, EveryFixThatNamesASettingNamesOneThatExists) {
  const std::vector<std::string> known = known_settings();
  std::vector<std::string> texts;
  for (const gate::CheckInfo& info : gate::check_table()) texts.emplace_back(info.description);
  // A launch, and a release to the demo's conditional supplier (F02): its fix names the setting.
  for (const GateRequest& request :
       {GateRequest{"aurora", "", "", today()}, GateRequest{"aurora", "F02", "WP01", today()}}) {
    auto verdict = run_gate(*workspace_, request);
    ASSERT_TRUE(verdict.ok()) << verdict.error().to_string();
    for (const gate::Check& c : verdict->checks) {
      texts.push_back(c.reason);
      texts.push_back(c.fix);
    }
  }
  const std::regex setting(R"(\b(policy|gate|serve|catalog|qualification|flags|checklists)\.[a-z_]+)");
  int named = 0;
  for (const std::string& text : texts) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), setting); it != std::sregex_iterator();
         ++it) {
      ++named;
      const std::string name = it->str();
      const bool exists = std::find(known.begin(), known.end(), name) != known.end();
      EXPECT_TRUE(exists) << name << " is named in \"" << text << "\" but moat.toml does not accept it";
    }
  }
  EXPECT_GT(named, 0) << "no text names a setting: the test reads nothing";
}

}  // namespace
}  // namespace moat::app
