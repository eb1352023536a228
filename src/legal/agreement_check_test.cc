// SPDX-License-Identifier: Apache-2.0
// The shipped agreement checks (rules/agreements.toml): a complete NNN passes all of them, and
// each check fails on one realistic defect while every other check still passes.
#include "legal/agreement_check.h"

#include <gtest/gtest.h>

#include <functional>

#include "core/uscc.h"
#include "legal/legal_testing.h"

namespace moat::legal {
namespace {

using testing::day;
using testing::shipped_agreement_rules;

constexpr const char* kCheckedOn = "2025-07-01";

SupplierIdentity supplier() {
  return {"深圳市华星精密模具有限公司（南山分公司）", "91440300MA5F3K7Q81", "张伟", ""};
}

Agreement complete_nnn() {
  Agreement a;
  a.id = "NNN-2025-001";
  a.kind = AgreementKind::kNnn;
  a.counterparty_name = supplier().legal_name;
  a.counterparty_uscc = supplier().uscc;
  a.governing_law = "CN";
  a.languages = {"zh", "en"};
  a.controlling_language = "zh";
  a.forum = ForumKind::kCourt;
  a.forum_country = "CN";
  a.forum_division = "440300";
  a.forum_name = "深圳市中级人民法院";
  a.liquidated_damages = 1'000'000;
  a.currency = "CNY";
  a.clauses = {"non-disclosure", "non-use", "non-circumvention", "subcontractor-flow-down",
               "related-companies-liability"};
  a.chop = true;
  a.signed_by = "张伟";
  a.effective = day("2025-01-01");
  a.expires = day("2030-12-31");
  return a;
}

AgreementPolicy policy() {
  return {{{"CNY", 500'000}}};
}

std::vector<CheckResult> check(const Agreement& agreement) {
  return check_agreement(shipped_agreement_rules(), agreement, supplier(), day(kCheckedOn), policy());
}

TEST(AgreementCheck, FixtureCreditCodeIsWellFormed) {
  EXPECT_EQ(uscc_problem(supplier().uscc), "");
}

TEST(AgreementCheck, CompleteNnnPassesEveryRule) {
  const std::vector<CheckResult> results = check(complete_nnn());
  EXPECT_EQ(results.size(), 11U);
  for (const CheckResult& result : results) {
    EXPECT_TRUE(result.passed) << result.id << ": " << result.reason;
    EXPECT_TRUE(result.fix.empty()) << result.id;
    EXPECT_FALSE(result.reason.empty()) << result.id;
    EXPECT_FALSE(result.source.empty()) << result.id;
  }
  EXPECT_TRUE(all_passed(results));
}

struct Defect {
  std::string name;
  std::function<void(Agreement&)> introduce;
  std::string failing_rule;
  std::string reason;  // a fragment of the reason
  friend void PrintTo(const Defect& c, std::ostream* out) { *out << c.name; }
};

class AgreementDefect : public ::testing::TestWithParam<Defect> {};

TEST_P(AgreementDefect, FailsExactlyTheRuleItBreaks) {
  const Defect& defect = GetParam();
  Agreement agreement = complete_nnn();
  defect.introduce(agreement);
  const std::vector<CheckResult> results = check(agreement);
  EXPECT_FALSE(all_passed(results));
  for (const CheckResult& result : results) {
    if (result.id == defect.failing_rule) {
      EXPECT_FALSE(result.passed) << result.reason;
      EXPECT_NE(result.reason.find(defect.reason), std::string::npos) << result.reason;
      EXPECT_FALSE(result.fix.empty());
    } else {
      EXPECT_TRUE(result.passed) << result.id << " also failed: " << result.reason;
    }
  }
}

void drop_clause(Agreement& a, const std::string& clause) {
  std::erase(a.clauses, clause);
}

INSTANTIATE_TEST_SUITE_P(
    AgreementCheck, AgreementDefect,
    ::testing::Values(
        Defect{"HongKongLaw", [](Agreement& a) { a.governing_law = "HK"; }, "prc-governing-law", "HK law"},
        Defect{"NoGoverningLaw", [](Agreement& a) { a.governing_law.clear(); }, "prc-governing-law",
               "no governing law"},
        Defect{"EnglishControls", [](Agreement& a) { a.controlling_language = "en"; },
               "chinese-text-controls", "en text controls"},
        Defect{"NothingControls", [](Agreement& a) { a.controlling_language.clear(); },
               "chinese-text-controls", "none named"},
        Defect{"EnglishOnly",
               [](Agreement& a) {
                 a.languages = {"en"};
                 a.controlling_language = "en";
               },
               "chinese-text-controls", "no Chinese text"},
        Defect{"Arbitration", [](Agreement& a) { a.forum = ForumKind::kArbitration; },
               "prc-court-jurisdiction", "arbitration"},
        Defect{"HongKongCourt", [](Agreement& a) { a.forum_country = "HK"; }, "prc-court-jurisdiction",
               "outside"},
        Defect{"ShanghaiCourtForAShenzhenFactory",
               [](Agreement& a) {
                 a.forum_division = "310000";
                 a.forum_name = "上海市高级人民法院";
               },
               "prc-court-jurisdiction", "does not sit where"},
        Defect{"DamagesBelowPolicy", [](Agreement& a) { a.liquidated_damages = 100'000; },
               "liquidated-damages", "below the policy minimum"},
        Defect{"NoDamages", [](Agreement& a) { a.liquidated_damages.reset(); }, "liquidated-damages",
               "no liquidated"},
        Defect{"DamagesInAnUnsetCurrency", [](Agreement& a) { a.currency = "USD"; }, "liquidated-damages",
               "no minimum for USD"},
        Defect{"NoNonUse", [](Agreement& a) { drop_clause(a, "non-use"); }, "non-use", "missing: non-use"},
        Defect{"NoNonCircumvention", [](Agreement& a) { drop_clause(a, "non-circumvention"); },
               "non-circumvention", "missing: non-circumvention"},
        Defect{"NoFlowDown", [](Agreement& a) { drop_clause(a, "subcontractor-flow-down"); },
               "subcontractor-flow-down", "missing"},
        Defect{"NoRelatedCompanies", [](Agreement& a) { drop_clause(a, "related-companies-liability"); },
               "related-companies-liability", "missing"},
        Defect{"NoChop", [](Agreement& a) { a.chop = false; }, "chop-and-legal-representative", "chop"},
        Defect{"SignedByTheSalesManager", [](Agreement& a) { a.signed_by = "李娜"; },
               "chop-and-legal-representative", "not by the legal representative 张伟"},
        Defect{"NameWithAsciiBrackets",
               [](Agreement& a) { a.counterparty_name = "深圳市华星精密模具有限公司(南山分公司)"; },
               "counterparty-identity", "brackets"},
        Defect{"ParentCompanyInsteadOfTheFactory",
               [](Agreement& a) { a.counterparty_name = "华星控股集团有限公司"; }, "counterparty-identity",
               "not the registered name"},
        Defect{"CreditCodeTypo", [](Agreement& a) { a.counterparty_uscc = "91440300MA5F3K7Q2F"; },
               "counterparty-identity", "check character"},
        Defect{"Expired", [](Agreement& a) { a.expires = day("2025-06-30"); }, "in-force",
               "expired 2025-06-30"},
        Defect{"NotYetEffective", [](Agreement& a) { a.effective = day("2025-08-01"); }, "in-force",
               "not yet"},
        Defect{"NoEffectiveDate", [](Agreement& a) { a.effective.reset(); }, "in-force",
               "no effective date"}),
    testing::ByName());

TEST(AgreementCheck, SupplierDivisionComesFromTheCreditCodeUnlessGiven) {
  Agreement district_court = complete_nnn();
  district_court.forum_division = "440305";  // Nanshan district court
  SupplierIdentity in_nanshan = supplier();
  in_nanshan.division = "440305";
  const auto passes = [](const std::vector<CheckResult>& results) {
    for (const CheckResult& r : results) {
      if (r.id == "prc-court-jurisdiction") return r.passed;
    }
    return false;
  };
  EXPECT_FALSE(passes(check(district_court)));  // the code says 440300 (Shenzhen), not Nanshan
  EXPECT_TRUE(passes(
      check_agreement(shipped_agreement_rules(), district_court, in_nanshan, day(kCheckedOn), policy())));
  Agreement provincial = complete_nnn();
  provincial.forum_division = "440000";  // Guangdong High Court: covers Shenzhen
  EXPECT_TRUE(passes(check(provincial)));
}

TEST(AgreementCheck, ChineseIsChineseInAnyLanguageTag) {
  const auto passes = [](const std::vector<CheckResult>& results) {
    for (const CheckResult& r : results) {
      if (r.id == "chinese-text-controls") return r.passed;
    }
    return false;
  };
  for (const char* tag : {"zh-CN", "ZH", "zh-Hans", "Zh-cn"}) {
    Agreement tagged = complete_nnn();
    tagged.languages = {tag, "en"};
    tagged.controlling_language = tag;
    EXPECT_TRUE(passes(check(tagged))) << tag;
  }
  Agreement english = complete_nnn();
  english.controlling_language = "en";
  EXPECT_FALSE(passes(check(english)));
  english.languages = {"zhx", "en"};  // not the tag of Chinese
  english.controlling_language = "zhx";
  EXPECT_FALSE(passes(check(english)));
}

TEST(AgreementCheck, WhichRulesApplyDependsOnTheKind) {
  const auto ids = [](AgreementKind kind) {
    Agreement agreement = complete_nnn();
    agreement.kind = kind;
    std::vector<std::string> out;
    for (const CheckResult& r : check(agreement)) out.push_back(r.id);
    return out;
  };
  const auto has = [](const std::vector<std::string>& v, const char* id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  EXPECT_FALSE(has(ids(AgreementKind::kNda), "non-use"));
  EXPECT_FALSE(has(ids(AgreementKind::kNda), "non-circumvention"));
  EXPECT_TRUE(has(ids(AgreementKind::kTooling), "tooling-ownership"));
  EXPECT_FALSE(has(ids(AgreementKind::kNnn), "tooling-ownership"));
  EXPECT_TRUE(has(ids(AgreementKind::kManufacturing), "improvements-ownership"));
  EXPECT_TRUE(has(ids(AgreementKind::kPoTerms), "liquidated-damages"));
}

TEST(AgreementCheck, ToolingAgreementWithoutOwnershipFails) {
  Agreement tooling = complete_nnn();
  tooling.kind = AgreementKind::kTooling;
  for (const CheckResult& r : check(tooling)) {
    if (r.id == "tooling-ownership") {
      EXPECT_FALSE(r.passed);
    }
  }
  tooling.clauses.push_back("tooling-ownership");
  EXPECT_TRUE(all_passed(check(tooling)));
}

TEST(AgreementCheck, ClauseChecksNameTheClausesTheAgreementLacks) {
  Agreement agreement = complete_nnn();
  std::erase(agreement.clauses, "subcontractor-flow-down");
  std::erase(agreement.clauses, "related-companies-liability");
  std::vector<std::string> missing;
  for (const CheckResult& r : check(agreement)) {
    if (r.passed) {
      EXPECT_TRUE(r.missing_clauses.empty()) << r.id;
    }
    missing.insert(missing.end(), r.missing_clauses.begin(), r.missing_clauses.end());
  }
  EXPECT_EQ(missing, (std::vector<std::string>{"subcontractor-flow-down", "related-companies-liability"}));
}

TEST(AgreementCheck, RequiredClausesAreThoseTheKindsClauseChecksAsk) {
  const AgreementRules& rules = shipped_agreement_rules();
  EXPECT_EQ(required_clauses(rules, AgreementKind::kNnn),
            (std::vector<std::string>{"non-use", "non-circumvention", "subcontractor-flow-down",
                                      "related-companies-liability"}));
  EXPECT_EQ(required_clauses(rules, AgreementKind::kTooling), std::vector<std::string>{"tooling-ownership"});
  EXPECT_EQ(required_clauses(rules, AgreementKind::kNda), std::vector<std::string>{});
}

struct BadCheck {
  std::string name;
  std::string text;
  std::string where;
  std::string message;
  friend void PrintTo(const BadCheck& c, std::ostream* out) { *out << c.name; }
};

class RejectsAgreementRules : public ::testing::TestWithParam<BadCheck> {};

TEST_P(RejectsAgreementRules, WithALocatedMessage) {
  const BadCheck& c = GetParam();
  const auto rules = parse_agreement_rules(c.text, "a.toml");
  ASSERT_FALSE(rules.ok());
  EXPECT_TRUE(testing::reports(rules.error(), c.where, c.message)) << rules.error().to_string();
}

constexpr const char* kCheckHead = "[[checks]]\nid = \"x\"\ntitle = \"t\"\nfix = \"f\"\nsource = \"s\"\n";

INSTANTIATE_TEST_SUITE_P(
    AgreementCheck, RejectsAgreementRules,
    ::testing::Values(
        BadCheck{"UnknownTest",
                 std::string(kCheckHead) + "test = \"vibes\"\nkinds = [\"nnn\"]\nseverity = \"high\"\n",
                 "a.toml:6:8", "unknown test 'vibes'"},
        BadCheck{"UnknownKind",
                 std::string(kCheckHead) + "test = \"in-force\"\nkinds = [\"lease\"]\nseverity = \"high\"\n",
                 "a.toml:7:9", "unknown agreement kind"},
        BadCheck{
            "UnknownClause",
            std::string(kCheckHead) +
                "test = \"clauses\"\nclauses = [\"non-compete\"]\nkinds = [\"nnn\"]\nseverity = \"high\"\n",
            "a.toml:7:11", "unknown clause"},
        BadCheck{"ClausesTestWithoutClauses",
                 std::string(kCheckHead) + "test = \"clauses\"\nkinds = [\"nnn\"]\nseverity = \"high\"\n",
                 "a.toml:1:1", "needs 'clauses'"},
        BadCheck{"BadSeverity",
                 std::string(kCheckHead) + "test = \"in-force\"\nkinds = [\"nnn\"]\nseverity = \"severe\"\n",
                 "a.toml:8:12", "severity is"},
        BadCheck{"NoChecks", "title = \"x\"\n", "a.toml:1:1", "no [[checks]]"}),
    testing::ByName());

}  // namespace
}  // namespace moat::legal
