// SPDX-License-Identifier: Apache-2.0
#include "gate/gate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>

namespace moat::gate {
namespace {

Date day(std::string_view text) {
  return *Date::parse(text);
}

// ---- One realistic, fully passing release and launch of Aurora --------------------------------

constexpr std::string_view kToday = "2026-03-02";
const std::vector<std::string> kCompany = {"Aurora Audio Inc.", "奥罗拉音频（东莞）制造有限公司"};

Product aurora() {
  return {"aurora",
          "Aurora smart speaker",
          {{"S01", "Enclosure geometry", "design"},
           {"S02", "Acoustic chamber design", "patent"},
           {"S03", "PCB layout", "trade-secret"},
           {"S05", "Firmware image", "copyright"},
           {"S09", "Approved vendor list / BOM", "trade-secret"},
           {"S10", "Brand artwork and packaging design", "trademark"},
           {"S11", "LED light guide optics", "design"}},
          {"AURORA", "极光"}};
}

IpRight right(std::string id, std::string kind, std::string jurisdiction, std::string number,
              std::string filed, std::vector<std::string> secrets, std::string mark = "") {
  return {std::move(id),      std::move(kind), std::move(jurisdiction),
          std::move(number),  day(filed),      "Aurora Audio Inc.",
          std::move(secrets), std::move(mark), {}};
}

std::vector<IpRight> aurora_rights() {
  return {right("R01", "design", "US", "29/912,345", "2025-06-10", {"S01", "S11"}),
          right("R02", "design", "CN", "202530345678.9", "2025-11-20", {"S01", "S11"}),
          right("R03", "invention", "US", "18/456,789", "2025-03-03", {"S02"}),
          right("R04", "invention", "CN", "202610012345.6", "2026-02-20", {"S02"}),
          right("R05", "copyright", "US", "TXu 2-456-789", "2025-09-01", {"S05"}),
          right("R06", "software-copyright", "CN", "2025SR1234567", "2025-10-15", {"S05"}),
          right("R07", "trademark", "US", "98/765,432", "2025-01-20", {"S10"}, "AURORA"),
          right("R08", "trademark", "CN", "78123456", "2025-02-14", {"S10"}, "AURORA"),
          right("R09", "trademark", "CN", "78123457", "2025-02-14", {"S10"}, "极光")};
}

ApprovedPlan aurora_plan() {
  return {"P-2026-01",
          {{"WP01", "F03"}, {"WP05", "F05"}, {"WP15", "F01"}},
          {{"R1", "Functional clone", 3, {}},
           {"R2", "Look-alike", 2, {}},
           {"R3", "Full counterfeit", std::nullopt, {}}},
          std::vector<std::string>{}};
}

// A supplier whose paperwork and oversight are complete.
SupplierFacts complete_supplier(std::string id, std::string name, std::string legal_name, std::string uscc,
                                std::string legal_rep, std::string city) {
  SupplierFacts s;
  s.id = id;
  s.name = std::move(name);
  s.legal_name = std::move(legal_name);
  s.uscc = std::move(uscc);
  s.legal_rep = std::move(legal_rep);
  s.city = std::move(city);
  s.status = "qualified";
  s.qualified_until = day("2026-11-30");
  s.nnns = {{"NNN-" + id, {"aurora"}, false, day("2025-09-01"), day("2030-08-31"), {}}};
  s.purchase_orders = {{"PO-" + id + "-0007", "aurora", true, 500000, "CNY"}};
  s.on_site = {{"王强", "engineer", day("2025-10-01"), std::nullopt}};
  s.audits = {{"AU-" + id,
               day("2025-11-18"),
               {{"F1", "minor", "visitor log incomplete on night shift", false},
                {"F2", "critical", "scrapped housings not destroyed", true}}}};
  s.owner_visits = {{"V-" + id, day("2026-02-10"), "Anna Berg"}};
  s.open_flags = {{"capacity-swing", "medium", "capacity seen went from 80000 to 110000"}};
  return s;
}

SupplierFacts huasheng() {
  return complete_supplier("F03", "Shenzhen Huasheng Precision Mould Co., Ltd.", "深圳市华晟精密模具有限公司",
                           "91440300MA53U1DB8E", "陈志强", "Shenzhen");
}

SupplierFacts lianchuang() {
  return complete_supplier("F05", "Shenzhen Lianchuang Circuit Technology Co., Ltd.",
                           "深圳市联创电路科技有限公司", "91440300603446634B", "刘海涛", "Shenzhen");
}

// The company's own plant: no NNN with itself, no purchase order, no owner's visit; its staff who
// receive design data are bound to confidentiality and its access control was audited.
SupplierFacts aurora_dongguan() {
  SupplierFacts s =
      complete_supplier("F01", "Aurora Audio (Dongguan) Manufacturing Co., Ltd.",
                        "奥罗拉音频（东莞）制造有限公司", "91441900MA4KTQA80E", "周立新", "Dongguan");
  s.trusted = true;
  s.nnns.clear();
  s.purchase_orders.clear();
  s.owner_visits.clear();
  s.recipients = {{"P01", "梁晓燕", "R1, R2", "AG09 (in force since 2026-01-05)", ""},
                  {"P02", "韩磊", "R3", "AG09 (in force since 2026-01-05)", ""}};
  s.access_control = {true, "audit AU-F01 on 2025-11-18 passed access-control"};
  return s;
}

ReleaseFacts release_fixture() {
  return {day(kToday), kCompany,        aurora(),      {"WP01", "Enclosure housings", {"S01"}},
          huasheng(),  aurora_rights(), aurora_plan(), {}};
}

LaunchFacts launch_fixture() {
  return {
      day(kToday),     day("2026-04-01"), kCompany, aurora(), {aurora_dongguan(), huasheng(), lianchuang()},
      aurora_rights(), aurora_plan(),     {}};
}

// "id subject" of every check with `status`.
std::vector<std::string> with_status(const Verdict& verdict, CheckStatus status) {
  std::vector<std::string> found;
  for (const Check& c : verdict.checks) {
    if (c.status == status) found.push_back(c.id + " " + c.subject);
  }
  return found;
}

std::vector<std::string> failures(const Verdict& verdict) {
  return with_status(verdict, CheckStatus::kFail);
}

const Check& find_check(const Verdict& verdict, std::string_view id, std::string_view subject) {
  const auto it = std::find_if(verdict.checks.begin(), verdict.checks.end(),
                               [&](const Check& c) { return c.id == id && c.subject == subject; });
  if (it == verdict.checks.end()) ADD_FAILURE() << "no check " << id << " " << subject;
  return it == verdict.checks.end() ? verdict.checks.front() : *it;
}

std::set<std::string> ids_for(Applies gate) {
  std::set<std::string> ids;
  for (const CheckInfo& info : check_table()) {
    if (info.applies == Applies::kBoth || info.applies == gate) ids.emplace(info.id);
  }
  return ids;
}

template <typename Case>
std::string case_name(const ::testing::TestParamInfo<Case>& param) {
  return param.param.name;
}

// ---- The fixtures pass ------------------------------------------------------------------------

TEST(GateRelease, CompletePaperworkIsGoWithEveryReleaseCheckPassing) {
  const Verdict verdict = gate_release(release_fixture(), Settings{});
  EXPECT_TRUE(verdict.go);
  EXPECT_EQ(verdict_name(verdict), "go");
  EXPECT_EQ(failures(verdict), std::vector<std::string>{});
  std::set<std::string> ids;
  for (const Check& c : verdict.checks) {
    ids.insert(c.id);
    EXPECT_FALSE(c.reason.empty()) << c.id;
    EXPECT_TRUE(c.fix.empty()) << c.id;
  }
  std::set<std::string> expected = ids_for(Applies::kRelease);
  for (const char* own : {"employee-confidentiality", "access-control"})
    expected.erase(own);  // F03 is not ours
  EXPECT_EQ(ids, expected);
}

TEST(GateLaunch, CompletePaperworkIsGoWithEveryLaunchCheckPassing) {
  const Verdict verdict = gate_launch(launch_fixture(), Settings{});
  EXPECT_TRUE(verdict.go);
  EXPECT_EQ(failures(verdict), std::vector<std::string>{});
  std::set<std::string> ids;
  for (const Check& c : verdict.checks) ids.insert(c.id);
  EXPECT_EQ(ids, ids_for(Applies::kLaunch));
}

// ---- Every check fails when one fact breaks ---------------------------------------------------

struct ReleaseCase {
  std::string name;
  std::function<void(ReleaseFacts&)> breaks;
  std::string failing;  // "id subject"
  std::string reason_has;
  std::string fix_has;
};
void PrintTo(const ReleaseCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<ReleaseCase>& release_cases() {
  static const std::vector<ReleaseCase> cases = {
      {"QualificationExpired",
       [](ReleaseFacts& f) {
         f.supplier.status = "expired";
         f.supplier.qualified_until = day("2026-02-28");
       },
       "supplier-qualified supplier/F03", "qualification expired on 2026-02-28", "moat supplier assess F03"},
      {"QualifiedUntilYesterday", [](ReleaseFacts& f) { f.supplier.qualified_until = day("2026-03-01"); },
       "supplier-qualified supplier/F03", "expired on 2026-03-01", ""},
      {"NoQualificationDate", [](ReleaseFacts& f) { f.supplier.qualified_until.reset(); },
       "supplier-qualified supplier/F03", "no re-qualification date", ""},
      {"ConditionalNotAllowed", [](ReleaseFacts& f) { f.supplier.status = "conditional"; },
       "supplier-qualified supplier/F03", "policy.allow_conditional = false", ""},
      {"Rejected", [](ReleaseFacts& f) { f.supplier.status = "rejected"; }, "supplier-qualified supplier/F03",
       "was rejected", ""},
      {"NoNnn", [](ReleaseFacts& f) { f.supplier.nnns.clear(); }, "nnn supplier/F03",
       "No NNN with Shenzhen Huasheng Precision Mould Co., Ltd. (F03) covers aurora",
       "Sign an NNN with 深圳市华晟精密模具有限公司 (91440300MA53U1DB8E) covering aurora: PRC law, the "
       "Chinese text "
       "controlling, the Shenzhen court"},
      {"NnnExpired", [](ReleaseFacts& f) { f.supplier.nnns[0].expiry = day("2026-02-28"); },
       "nnn supplier/F03", "NNN-F03 expired on 2026-02-28", "signed by its legal representative 陈志强"},
      {"NnnNotYetEffective", [](ReleaseFacts& f) { f.supplier.nnns[0].effective = day("2026-03-03"); },
       "nnn supplier/F03", "takes effect only on 2026-03-03", ""},
      {"NnnUnsigned", [](ReleaseFacts& f) { f.supplier.nnns[0].effective.reset(); }, "nnn supplier/F03",
       "NNN-F03 is not signed", ""},
      {"NnnForAnotherProduct", [](ReleaseFacts& f) { f.supplier.nnns[0].products = {"borealis"}; },
       "nnn supplier/F03", "No NNN with", ""},
      {"NnnFailsQualityCheck",
       [](ReleaseFacts& f) {
         f.supplier.nnns[0].quality_failures = {{"governing-law", "governed by the law of California"},
                                                {"chop", "not sealed with the company chop"}};
       },
       "nnn supplier/F03",
       "NNN-F03 fails its quality check: governing-law (governed by the law of California); chop (not sealed "
       "with the company chop)",
       "Amend NNN-F03"},
      {"NoPurchaseOrder", [](ReleaseFacts& f) { f.supplier.purchase_orders.clear(); },
       "po-ip-clause supplier/F03", "has no purchase order for aurora yet", "liquidated damages"},
      {"PurchaseOrderOnlyForAnotherProduct",
       [](ReleaseFacts& f) { f.supplier.purchase_orders[0].product = "borealis"; },
       "po-ip-clause supplier/F03", "no purchase order for aurora", ""},
      {"PurchaseOrderWithoutIpClause",
       [](ReleaseFacts& f) { f.supplier.purchase_orders[0].ip_clause = false; }, "po-ip-clause supplier/F03",
       "PO-F03-0007 has no IP clause", "Amend PO-F03-0007"},
      {"PurchaseOrderWithoutPenalty", [](ReleaseFacts& f) { f.supplier.purchase_orders[0].penalty = 0; },
       "po-ip-clause supplier/F03", "no liquidated damages", ""},
      {"PurchaseOrderPenaltyWithoutCurrency",
       [](ReleaseFacts& f) { f.supplier.purchase_orders[0].currency.clear(); }, "po-ip-clause supplier/F03",
       "PO-F03-0007 states liquidated damages of", "Amend PO-F03-0007"},
      {"OneOfTwoPurchaseOrdersLacksClause",
       [](ReleaseFacts& f) {
         f.supplier.purchase_orders.push_back({"PO-F03-0011", "aurora", false, 0, "CNY"});
       },
       "po-ip-clause supplier/F03", "PO-F03-0011 has no IP clause and no liquidated damages", ""},
      {"DesignNotFiledInChina",
       [](ReleaseFacts& f) { std::erase_if(f.rights, [](const IpRight& r) { return r.id == "R02"; }); },
       "ip-filed secret/S01", "no filing owned by the company in CN", "a design patent application at CNIPA"},
      {"DesignNotFiledAtHome",
       [](ReleaseFacts& f) { std::erase_if(f.rights, [](const IpRight& r) { return r.id == "R01"; }); },
       "ip-filed secret/S01", "no filing owned by the company in US", ""},
      {"ChinaDesignOwnedBySupplier",
       [](ReleaseFacts& f) { f.rights[1].owner = "深圳市华晟精密模具有限公司"; }, "ip-filed secret/S01",
       "owned by 深圳市华晟精密模具有限公司", ""},
      {"ChinaDesignFiledOnlyTomorrow", [](ReleaseFacts& f) { f.rights[1].filed = day("2026-03-03"); },
       "ip-filed secret/S01", "no filing owned by the company in CN", ""},
      {"ChinaDesignOnlyPlanned", [](ReleaseFacts& f) { f.rights[1].filed.reset(); }, "ip-filed secret/S01",
       "", ""},
      {"PriorityMissed",
       [](ReleaseFacts& f) {
         f.rights[0].missed_protection = {
             {"paris-priority-design", day("2025-12-10"), "file in CN claiming priority"}};
       },
       "priority-deadline secret/S01",
       "US design 29/912,345 missed paris-priority-design (file in CN claiming priority by 2025-12-10)",
       "file in CN now without claiming priority"},
      {"InventionFiledAbroadWithoutClearance",
       [](ReleaseFacts& f) {
         f.rights[0].missed_protection = {
             {"cn-confidentiality-exam", day("2025-06-09"), "request the examination", true}};
       },
       "priority-deadline secret/S01",
       "US design 29/912,345 was filed abroad without CNIPA's confidentiality examination "
       "(cn-confidentiality-exam, due 2025-06-09): China grants no patent for it",
       "how else to protect S01 in China"},
      {"ChineseMarkOwnedByAgent", [](ReleaseFacts& f) { f.rights[8].owner = "深圳市知联商标代理有限公司"; },
       "trademark-cn trademark/aurora/CN",
       "极光 is filed in CN by 深圳市知联商标代理有限公司, not by Aurora Audio Inc.",
       "assigned to Aurora Audio Inc."},
      {"ChineseMarkNotFiled", [](ReleaseFacts& f) { f.rights.pop_back(); },
       "trademark-cn trademark/aurora/CN", "极光 is not filed in CN", ""},
      {"NoChineseMarkAtAll",
       [](ReleaseFacts& f) {
         f.rights.pop_back();
         f.product.marks = {"AURORA"};
       },
       "trademark-cn trademark/aurora/CN", "aurora has no Chinese-character mark on record", "squatter"},
      {"LatinMarkOnlyFiledAtHome", [](ReleaseFacts& f) { f.rights[7].jurisdiction = "HK"; },
       "trademark-cn trademark/aurora/CN", "AURORA is not filed in CN", ""},
      {"NoTrademarkAtAll",
       [](ReleaseFacts& f) {
         f.product.marks.clear();
         std::erase_if(f.rights, [](const IpRight& r) { return r.kind == "trademark"; });
       },
       "trademark-cn trademark/aurora/CN", "aurora has no trademark on record", ""},
      {"NobodyOnSite", [](ReleaseFacts& f) { f.supplier.on_site.clear(); }, "onsite-agent supplier/F03",
       "Nobody is assigned on site", "Assign an on-site agent or engineer"},
      {"OnSiteAssignmentEnded", [](ReleaseFacts& f) { f.supplier.on_site[0].to = day("2026-02-15"); },
       "onsite-agent supplier/F03", "the last assignment ended on 2026-02-15", ""},
      {"OnSiteAssignmentStartsLater", [](ReleaseFacts& f) { f.supplier.on_site[0].from = day("2026-03-10"); },
       "onsite-agent supplier/F03", "", ""},
      {"NeverAudited", [](ReleaseFacts& f) { f.supplier.audits.clear(); }, "recent-audit supplier/F03",
       "has never been audited", "IP-protection checklist"},
      {"AuditTooOld", [](ReleaseFacts& f) { f.supplier.audits[0].date = day("2025-03-01"); },
       "recent-audit supplier/F03", "last audit AU-F03 on 2025-03-01 is 366 days old; the policy allows 365",
       ""},
      {"OpenCriticalFinding", [](ReleaseFacts& f) { f.supplier.audits[0].findings[1].closed = false; },
       "recent-audit supplier/F03", "finding F2: scrapped housings not destroyed",
       "Close the critical findings"},
      {"PackageAssignedElsewhere", [](ReleaseFacts& f) { f.plan->assignments[0].supplier = "F04"; },
       "plan-assignment supplier/F03/package/WP01", "assigns WP01 to F04, not to F03",
       "Release WP01 to F04 instead"},
      {"PackageNotInPlan", [](ReleaseFacts& f) { f.plan->assignments.erase(f.plan->assignments.begin()); },
       "plan-assignment supplier/F03/package/WP01", "assigns WP01 to no supplier", "Approve a plan"},
      {"SinglePartyCompletesRecipe",
       [](ReleaseFacts& f) {
         f.plan->recipes[1].min_coalition = 1;
         f.plan->recipes[1].parties = {"G3"};
       },
       "collusion-margin recipe/R2", "a single party (G3) can complete R2 (Look-alike)", "Re-plan aurora"},
      {"NoExposureAnalysis", [](ReleaseFacts& f) { f.plan->recipes.clear(); },
       "collusion-margin product/aurora", "No exposure analysis", ""},
      {"PlanNoLongerHolds",
       [](ReleaseFacts& f) {
         f.plan->broken = {"F03 is only conditional (WP01)",
                           "party G3 holds 27% of the secret weight, above its cap of 20%"};
       },
       "plan-valid product/aurora",
       "P-2026-01 no longer holds: F03 is only conditional (WP01); party G3 holds 27% of the secret weight",
       "Re-plan aurora (moat plan --product aurora --save)"},
      {"PlanNotRevalidated", [](ReleaseFacts& f) { f.plan->broken.reset(); }, "plan-valid product/aurora",
       "was not checked against today's inputs", "Re-plan aurora"},
      {"OpenCriticalRedFlag",
       [](ReleaseFacts& f) {
         f.supplier.open_flags.push_back(
             {"unaccounted-units", "critical", "1200 units of aurora unaccounted for"});
       },
       "red-flags supplier/F03", "unaccounted-units: 1200 units of aurora unaccounted for",
       "Investigate and resolve unaccounted-units"},
      {"RevokedReleaseNotReturned",
       [](ReleaseFacts& f) {
         f.supplier.unreturned_releases.push_back("R3 (revoked on 2026-12-01: contract ended)");
       },
       "files-returned supplier/F03", "still holds the files of R3 (revoked on 2026-12-01: contract ended)",
       "moat release returned"},
  };
  return cases;
}

class ReleaseFails : public ::testing::TestWithParam<ReleaseCase> {};

TEST_P(ReleaseFails, ExactlyTheBrokenCheckFailsAndTheVerdictIsNoGo) {
  const ReleaseCase& c = GetParam();
  ReleaseFacts facts = release_fixture();
  c.breaks(facts);
  const Verdict verdict = gate_release(facts, Settings{});
  EXPECT_FALSE(verdict.go);
  EXPECT_EQ(verdict_name(verdict), "no-go");
  ASSERT_EQ(failures(verdict), std::vector<std::string>{c.failing});
  const Check& check = *std::find_if(verdict.checks.begin(), verdict.checks.end(),
                                     [](const Check& k) { return k.status == CheckStatus::kFail; });
  EXPECT_NE(check.reason.find(c.reason_has), std::string::npos) << check.reason;
  EXPECT_NE(check.fix.find(c.fix_has), std::string::npos) << check.fix;
  EXPECT_FALSE(check.fix.empty());
}

INSTANTIATE_TEST_SUITE_P(Gate, ReleaseFails, ::testing::ValuesIn(release_cases()), case_name<ReleaseCase>);

struct LaunchCase {
  std::string name;
  std::function<void(LaunchFacts&)> breaks;
  std::vector<std::string> failing;
  std::string reason_has;
};
void PrintTo(const LaunchCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<LaunchCase>& launch_cases() {
  static const std::vector<LaunchCase> cases = {
      {"NoOwnerVisit",
       [](LaunchFacts& f) { f.suppliers[1].owner_visits.clear(); },
       {"owner-visit supplier/F03"},
       "Nobody from the owner has visited Shenzhen Huasheng Precision Mould Co., Ltd. (F03) on or before "
       "2026-03-02"},
      {"OwnerVisitAfterProductionStart",
       [](LaunchFacts& f) {
         f.production_start = day("2026-02-01");
         f.suppliers[1].owner_visits[0].date = day("2026-02-10");
         f.suppliers[2].owner_visits[0].date = day("2026-01-20");
       },
       {"owner-visit supplier/F03"},
       "production starts on 2026-02-01"},
      {"OwnerVisitOnlyPlanned",
       [](LaunchFacts& f) { f.suppliers[2].owner_visits[0].date = day("2026-03-20"); },
       {"owner-visit supplier/F05"},
       ""},
      {"SecondSupplierWithoutNnn",
       [](LaunchFacts& f) { f.suppliers[2].nnns.clear(); },
       {"nnn supplier/F05"},
       "No NNN with Shenzhen Lianchuang Circuit Technology Co., Ltd. (F05) covers aurora"},
      {"ProductSecretOutsideTheReleasedPackageNotFiledInChina",
       [](LaunchFacts& f) { std::erase_if(f.rights, [](const IpRight& r) { return r.id == "R04"; }); },
       {"ip-filed secret/S02"},
       "S02 (Acoustic chamber design, patent)"},
      {"AssignedSupplierWithoutFacts",
       [](LaunchFacts& f) { f.suppliers.pop_back(); },
       {"supplier-qualified supplier/F05", "nnn supplier/F05", "po-ip-clause supplier/F05",
        "onsite-agent supplier/F05", "recent-audit supplier/F05", "owner-visit supplier/F05"},
       ""},
      {"NoApprovedPlan",
       [](LaunchFacts& f) { f.plan.reset(); },
       {"collusion-margin product/aurora", "plan-valid product/aurora"},
       "aurora has no approved plan"},
      {"OwnFacilityStaffNotBoundToConfidentiality",
       [](LaunchFacts& f) {
         f.suppliers[0].recipients[1].covered_by.clear();
         f.suppliers[0].recipients[1].gap = "AG09 expired on 2026-02-28";
       },
       {"employee-confidentiality supplier/F01"},
       "people who receive design data are not bound by an employee confidentiality agreement in force: 韩磊 "
       "(P02), "
       "received R3: AG09 expired on 2026-02-28"},
      {"OwnFacilityAccessControlNotAudited",
       [](LaunchFacts& f) {
         f.suppliers[0].access_control = {false, "no audit has scored access-control"};
       },
       {"access-control supplier/F01"},
       "is not verified: no audit has scored access-control"},
  };
  return cases;
}

class LaunchFails : public ::testing::TestWithParam<LaunchCase> {};

// The own plant is checked as what it is: none of a supplier's paperwork, its own checks instead;
// a supplier is never asked for an own facility's.
TEST(GateLaunch, OwnFacilityIsCheckedForConfidentialityAndAccessNotForSupplierPaperwork) {
  const Verdict verdict = gate_launch(launch_fixture(), Settings{});
  std::set<std::string> f01, f03;
  for (const Check& c : verdict.checks) {
    if (c.subject == "supplier/F01") f01.insert(c.id);
    if (c.subject == "supplier/F03") f03.insert(c.id);
  }
  EXPECT_EQ(f01.count("nnn") + f01.count("po-ip-clause") + f01.count("owner-visit"), 0u);
  EXPECT_EQ(f01.count("employee-confidentiality") + f01.count("access-control"), 2u);
  EXPECT_EQ(f03.count("employee-confidentiality") + f03.count("access-control"), 0u);
  EXPECT_EQ(f03.count("nnn") + f03.count("po-ip-clause") + f03.count("owner-visit"), 3u);
  EXPECT_NE(find_check(verdict, "employee-confidentiality", "supplier/F01").reason.find("梁晓燕 (P01): AG09"),
            std::string::npos);
}

TEST(GateRelease, OwnFacilityRecipientsMustBeBoundBeforeTheyReceive) {
  ReleaseFacts facts = release_fixture();
  facts.package = {"WP15", "Final assembly", {"S05"}};
  facts.plan->assignments.push_back({"WP15", "F01"});
  facts.supplier = aurora_dongguan();
  facts.supplier.recipients.push_back(
      {"P07", "周敏", "this release", "", "no employee confidentiality agreement on record"});
  const Verdict verdict = gate_release(facts, Settings{});
  EXPECT_EQ(failures(verdict), std::vector<std::string>{"employee-confidentiality supplier/F01"});
  EXPECT_NE(find_check(verdict, "employee-confidentiality", "supplier/F01").fix.find("P07"),
            std::string::npos);
}

TEST_P(LaunchFails, ExactlyTheBrokenChecksFail) {
  const LaunchCase& c = GetParam();
  LaunchFacts facts = launch_fixture();
  c.breaks(facts);
  const Verdict verdict = gate_launch(facts, Settings{});
  EXPECT_FALSE(verdict.go);
  ASSERT_EQ(failures(verdict), c.failing);
  const Check& first = *std::find_if(verdict.checks.begin(), verdict.checks.end(),
                                     [](const Check& k) { return k.status == CheckStatus::kFail; });
  EXPECT_NE(first.reason.find(c.reason_has), std::string::npos) << first.reason;
}

INSTANTIATE_TEST_SUITE_P(Gate, LaunchFails, ::testing::ValuesIn(launch_cases()), case_name<LaunchCase>);

TEST(GateTable, EveryCheckHasAFailingCase) {
  std::set<std::string> covered;
  for (const ReleaseCase& c : release_cases()) covered.insert(c.failing.substr(0, c.failing.find(' ')));
  for (const LaunchCase& c : launch_cases()) {
    for (const std::string& f : c.failing) covered.insert(f.substr(0, f.find(' ')));
  }
  for (const CheckInfo& info : check_table()) EXPECT_EQ(covered.count(std::string(info.id)), 1u) << info.id;
}

TEST(GateTable, IdsAreUniqueAndDescribed) {
  std::set<std::string_view> ids;
  for (const CheckInfo& info : check_table()) {
    EXPECT_TRUE(ids.insert(info.id).second) << info.id;
    EXPECT_FALSE(info.title.empty());
    EXPECT_FALSE(info.description.empty());
  }
  EXPECT_EQ(ids.size(), 16u);
}

// ---- Other facts that still pass ------------------------------------------------------------

struct PassCase {
  std::string name;
  std::function<void(ReleaseFacts&, Settings&)> changes;
  std::string passing;  // "id subject"
  std::string reason_has;
};
void PrintTo(const PassCase& c, std::ostream* os) {
  *os << c.name;
}

const std::vector<PassCase>& pass_cases() {
  static const std::vector<PassCase> cases = {
      {"ConditionalWherePolicyAllows",
       [](ReleaseFacts& f, Settings& s) {
         f.supplier.status = "conditional";
         s.allow_conditional = true;
       },
       "supplier-qualified supplier/F03", "is conditional until 2026-11-30"},
      {"QualifiedUntilToday",
       [](ReleaseFacts& f, Settings&) { f.supplier.qualified_until = day("2026-03-02"); },
       "supplier-qualified supplier/F03", "until 2026-03-02"},
      {"GeneralNnnWithoutEnd",
       [](ReleaseFacts& f, Settings&) {
         f.supplier.nnns = {{"NNN-GEN", {}, true, day("2024-01-01"), std::nullopt, {}}};
       },
       "nnn supplier/F03", "NNN-GEN"},
      {"ExpiredNnnRenewed",
       [](ReleaseFacts& f, Settings&) {
         f.supplier.nnns.insert(f.supplier.nnns.begin(),
                                {"NNN-OLD", {"aurora"}, false, day("2023-01-01"), day("2025-08-31"), {}});
       },
       "nnn supplier/F03", "NNN-F03 with"},
      {"NnnExpiresToday", [](ReleaseFacts& f, Settings&) { f.supplier.nnns[0].expiry = day("2026-03-02"); },
       "nnn supplier/F03", "expires 2026-03-02"},
      {"PurchaseOrdersOfOtherProductsIgnored",
       [](ReleaseFacts& f, Settings&) {
         f.supplier.purchase_orders.push_back({"PO-B", "borealis", false, 0, ""});
       },
       "po-ip-clause supplier/F03", "PO-F03-0007 (500000 CNY)"},
      {"TradeSecretPackageHasNothingToRegister",
       [](ReleaseFacts& f, Settings&) {
         f.package = {"WP05", "Bare PCBs", {"S03"}};
         f.plan->assignments[0].package = "WP05";
       },
       "ip-filed package/WP05", "No secret in WP05 is to be registered"},
      {"HomeIsChina",
       [](ReleaseFacts& f, Settings& s) {
         std::erase_if(f.rights, [](const IpRight& r) { return r.id == "R01"; });
         s.home_jurisdiction = "CN";
       },
       "ip-filed secret/S01", "CN design 202530345678.9"},
      {"DesignKeptSecretWhenNotRegistrable",
       [](ReleaseFacts& f, Settings& s) {
         std::erase_if(f.rights, [](const IpRight& r) { return r.id == "R02"; });
         s.registrable = {"patent", "trademark", "copyright"};
       },
       "ip-filed package/WP01", "No secret in WP01"},
      {"OnSiteUntilToday", [](ReleaseFacts& f, Settings&) { f.supplier.on_site[0].to = day("2026-03-02"); },
       "onsite-agent supplier/F03", "王强 (engineer)"},
      {"AuditAtTheEdgeOfTheWindow",
       [](ReleaseFacts& f, Settings&) { f.supplier.audits[0].date = day("2025-03-02"); },
       "recent-audit supplier/F03", "365 days ago"},
      {"ShorterWindowFromSettings",
       [](ReleaseFacts& f, Settings& s) {
         f.supplier.audits[0].date = day("2026-01-31");
         s.audit_window_days = 30;
       },
       "recent-audit supplier/F03", "30 days ago"},
      {"NoCoalitionCanCompleteRecipe", [](ReleaseFacts&, Settings&) {}, "collusion-margin recipe/R3",
       "no set of untrusted parties can complete R3"},
      {"HigherCollusionLevelStillMet",
       [](ReleaseFacts& f, Settings& s) {
         s.collusion = 2;
         f.plan->recipes[1].min_coalition = 3;
       },
       "collusion-margin recipe/R1", "takes at least 3 parties; the policy requires more than 2"},
      {"LowerSeverityFlagsDoNotBlock", [](ReleaseFacts&, Settings&) {}, "red-flags supplier/F03",
       "1 open of lower severity"},
      {"NoEndedReleaseHeld", [](ReleaseFacts&, Settings&) {}, "files-returned supplier/F03",
       "holds no files of a revoked or expired release"},
  };
  return cases;
}

class ReleasePasses : public ::testing::TestWithParam<PassCase> {};

TEST_P(ReleasePasses, CheckPasses) {
  const PassCase& c = GetParam();
  ReleaseFacts facts = release_fixture();
  Settings settings;
  c.changes(facts, settings);
  const Verdict verdict = gate_release(facts, settings);
  EXPECT_TRUE(verdict.go) << ::testing::PrintToString(failures(verdict));
  const auto space = c.passing.find(' ');
  const Check& check = find_check(verdict, c.passing.substr(0, space), c.passing.substr(space + 1));
  EXPECT_EQ(check.status, CheckStatus::kPass);
  EXPECT_NE(check.reason.find(c.reason_has), std::string::npos) << check.reason;
}

INSTANTIATE_TEST_SUITE_P(Gate, ReleasePasses, ::testing::ValuesIn(pass_cases()), case_name<PassCase>);

TEST(GateRelease, CollusionAboveLevelFailsWhenPolicyIsStricter) {
  Settings settings;
  settings.collusion = 2;
  ReleaseFacts facts = release_fixture();
  facts.plan->recipes[1].min_coalition = 2;
  EXPECT_EQ(failures(gate_release(facts, settings)), std::vector<std::string>{"collusion-margin recipe/R2"});
}

TEST(GateRelease, NoApprovedPlanFailsAssignmentAndMargin) {
  ReleaseFacts facts = release_fixture();
  facts.plan.reset();
  EXPECT_EQ(failures(gate_release(facts, Settings{})),
            (std::vector<std::string>{"plan-assignment supplier/F03/package/WP01",
                                      "collusion-margin product/aurora", "plan-valid product/aurora"}));
}

TEST(GateRelease, ChecksFollowTheTableOrder) {
  const Verdict verdict = gate_release(release_fixture(), Settings{});
  std::vector<std::string> order;
  for (const Check& c : verdict.checks) {
    if (order.empty() || order.back() != c.id) order.push_back(c.id);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"supplier-qualified", "nnn", "po-ip-clause", "ip-filed",
                                             "priority-deadline", "trademark-cn", "onsite-agent",
                                             "recent-audit", "plan-assignment", "collusion-margin",
                                             "plan-valid", "red-flags", "files-returned"}));
}

// ---- The nnn check names the clauses an NNN lacks ---------------------------------------------

const std::vector<std::string> kNnnClauses = {"non-use", "non-circumvention", "subcontractor-flow-down",
                                              "related-companies-liability"};

Settings with_nnn_clauses() {
  Settings settings;
  settings.nnn_clauses = kNnnClauses;
  return settings;
}

// "agreement supplier: clause, clause" for each entry of the check's missing_clauses.
std::vector<std::string> clause_gaps(const Check& check) {
  std::vector<std::string> out;
  for (const MissingClauses& m : check.missing_clauses) {
    std::string clauses;
    for (const std::string& c : m.clauses) clauses += (clauses.empty() ? "" : ", ") + c;
    out.push_back((m.agreement.empty() ? "(to sign)" : m.agreement) + " " + m.supplier + ": " + clauses);
  }
  return out;
}

// The quality check's failures of an NNN signed without its flow-down clauses and without a chop.
std::vector<QualityFailure> without_flow_down() {
  return {{"subcontractor-flow-down", "missing: subcontractor-flow-down", {"subcontractor-flow-down"}},
          {"related-companies-liability",
           "missing: related-companies-liability",
           {"related-companies-liability"}},
          {"chop-and-legal-representative", "not sealed with the company chop", {}}};
}

TEST(GateNnn, AnNnnLackingFlowDownClausesIsToBeAmendedWithThoseClausesByName) {
  ReleaseFacts facts = release_fixture();
  facts.supplier.nnns[0].quality_failures = without_flow_down();
  const Verdict verdict = gate_release(facts, with_nnn_clauses());
  const Check& nnn = find_check(verdict, "nnn", "supplier/F03");
  EXPECT_EQ(nnn.status, CheckStatus::kFail);
  EXPECT_NE(
      nnn.fix.find("Amend NNN-F03 (subcontractor-flow-down, related-companies-liability, "
                   "chop-and-legal-representative; add the clauses subcontractor-flow-down and "
                   "related-companies-liability) until it passes the quality check, or sign an NNN with "
                   "深圳市华晟精密模具有限公司 (91440300MA53U1DB8E)"),
      std::string::npos)
      << nnn.fix;
  EXPECT_EQ(clause_gaps(nnn),
            std::vector<std::string>{"NNN-F03 F03: subcontractor-flow-down, related-companies-liability"});
}

TEST(GateNnn, WithoutAValidNnnTheOneToSignNamesEveryRequiredClause) {
  for (const auto& breaks : std::vector<std::function<void(SupplierFacts&)>>{
           [](SupplierFacts& s) { s.nnns.clear(); },
           [](SupplierFacts& s) {  // expired: not amended but replaced, so every clause is asked for
             s.nnns[0].expiry = day("2026-02-28");
             s.nnns[0].quality_failures = without_flow_down();
           }}) {
    ReleaseFacts facts = release_fixture();
    breaks(facts.supplier);
    const Verdict verdict = gate_release(facts, with_nnn_clauses());
    const Check& nnn = find_check(verdict, "nnn", "supplier/F03");
    EXPECT_TRUE(
        nnn.fix.starts_with("Sign an NNN with 深圳市华晟精密模具有限公司 (91440300MA53U1DB8E) covering "
                            "aurora:"))
        << nnn.fix;
    EXPECT_NE(nnn.fix.find("at least the policy minimum, the clauses non-use, non-circumvention, "
                           "subcontractor-flow-down and related-companies-liability, signed by its legal "
                           "representative 陈志强"),
              std::string::npos)
        << nnn.fix;
    EXPECT_EQ(clause_gaps(nnn),
              std::vector<std::string>{"(to sign) F03: non-use, non-circumvention, "
                                       "subcontractor-flow-down, related-companies-liability"});
  }
}

TEST(GateNnn, AFlowedDownNnnNamesTheContractManufacturerThatSignedIt) {
  ReleaseFacts facts = release_fixture();
  Agreement& flowed = facts.supplier.nnns[0];
  flowed.id = "AG07";
  flowed.counterparty = "F15";
  flowed.counterparty_name = "Huizhou Anyuan Power Technology Co., Ltd.";
  flowed.quality_failures = {{"non-use", "missing: non-use", {"non-use"}}};
  const Verdict verdict = gate_release(facts, with_nnn_clauses());
  const Check& nnn = find_check(verdict, "nnn", "supplier/F03");
  EXPECT_NE(nnn.fix.find("Amend AG07 with Huizhou Anyuan Power Technology Co., Ltd. (F15) (non-use; add the "
                         "clause non-use)"),
            std::string::npos)
      << nnn.fix;
  EXPECT_EQ(clause_gaps(nnn), std::vector<std::string>{"AG07 F15: non-use"});
}

TEST(GateNnn, OnlyAFailingNnnCheckNamesMissingClauses) {
  ReleaseFacts facts = release_fixture();
  facts.supplier.nnns[0].quality_failures = {{"prc-governing-law", "governed by HK law", {}}};
  facts.supplier.on_site.clear();
  const Verdict verdict = gate_release(facts, with_nnn_clauses());
  EXPECT_EQ(failures(verdict), (std::vector<std::string>{"nnn supplier/F03", "onsite-agent supplier/F03"}));
  for (const Check& c : verdict.checks) EXPECT_TRUE(c.missing_clauses.empty()) << c.id << " " << c.subject;
  for (const Check& c : gate_release(release_fixture(), with_nnn_clauses()).checks)
    EXPECT_TRUE(c.missing_clauses.empty()) << c.id;
}

// ---- Launch runs the supplier checks for every supplier in the plan ---------------------------

TEST(GateLaunch, RunsSupplierChecksForEachAssignedSupplier) {
  const Verdict verdict = gate_launch(launch_fixture(), Settings{});
  for (const std::string supplier : {"supplier/F03", "supplier/F05"}) {
    for (const std::string id : {"supplier-qualified", "nnn", "po-ip-clause", "onsite-agent", "recent-audit",
                                 "owner-visit", "red-flags"}) {
      EXPECT_EQ(find_check(verdict, id, supplier).status, CheckStatus::kPass) << id << " " << supplier;
    }
  }
  for (const std::string id : {"supplier-qualified", "employee-confidentiality", "access-control",
                               "onsite-agent", "recent-audit", "red-flags"}) {
    EXPECT_EQ(find_check(verdict, id, "supplier/F01").status, CheckStatus::kPass) << id;
  }
  for (const Check& c : verdict.checks) EXPECT_NE(c.id, "plan-assignment");
}

TEST(GateLaunch, SuppliersOutsideThePlanAreNotChecked) {
  LaunchFacts facts = launch_fixture();
  SupplierFacts idle = huasheng();
  idle.id = "F16";
  idle.status = "rejected";
  facts.suppliers.push_back(idle);
  const Verdict verdict = gate_launch(facts, Settings{});
  EXPECT_TRUE(verdict.go);
  for (const Check& c : verdict.checks) EXPECT_NE(c.subject, "supplier/F16");
}

TEST(GateLaunch, CoversEveryRegistrableSecretOfTheProduct) {
  const Verdict verdict = gate_launch(launch_fixture(), Settings{});
  std::vector<std::string> subjects;
  for (const Check& c : verdict.checks) {
    if (c.id == "ip-filed") subjects.push_back(c.subject);
  }
  EXPECT_EQ(subjects,
            (std::vector<std::string>{"secret/S01", "secret/S02", "secret/S05", "secret/S10", "secret/S11"}));
}

TEST(GateLaunch, ProductionStartDefaultsToToday) {
  LaunchFacts facts = launch_fixture();
  facts.production_start.reset();
  facts.suppliers[1].owner_visits[0].date = day("2026-03-02");
  const Verdict verdict = gate_launch(facts, Settings{});
  EXPECT_TRUE(verdict.go) << ::testing::PrintToString(failures(verdict));
  EXPECT_NE(find_check(verdict, "owner-visit", "supplier/F03").reason.find("production starts on 2026-03-02"),
            std::string::npos);
}

// ---- Waivers ----------------------------------------------------------------------------------

Waiver onsite_waiver() {
  return {
      "onsite-agent", "supplier/F03",    "sourcing lead",  "engineer on leave; 李明 covers from 2026-03-16",
      "Anna Berg",    day("2026-03-31"), day("2026-02-27")};
}

ReleaseFacts without_onsite_agent() {
  ReleaseFacts facts = release_fixture();
  facts.supplier.on_site.clear();
  return facts;
}

TEST(GateWaivers, WaiverTurnsTheOnlyFailIntoWaivedAndGo) {
  ReleaseFacts facts = without_onsite_agent();
  facts.waivers = {onsite_waiver()};
  const Verdict verdict = gate_release(facts, Settings{});
  EXPECT_TRUE(verdict.go);
  EXPECT_EQ(with_status(verdict, CheckStatus::kWaived),
            std::vector<std::string>{"onsite-agent supplier/F03"});
  const Check& check = find_check(verdict, "onsite-agent", "supplier/F03");
  EXPECT_NE(check.reason.find("Nobody is assigned on site"), std::string::npos) << check.reason;
  EXPECT_FALSE(check.fix.empty());
  EXPECT_EQ(check.waiver,
            "waived by Anna Berg (sourcing lead) on 2026-02-27 until 2026-03-31: engineer on leave; 李明 "
            "covers from "
            "2026-03-16");
}

TEST(GateWaivers, WaiverAppliesOnItsExpiryDay) {
  ReleaseFacts facts = without_onsite_agent();
  facts.waivers = {onsite_waiver()};
  facts.today = day("2026-03-31");
  facts.supplier.qualified_until = day("2026-11-30");
  EXPECT_EQ(with_status(gate_release(facts, Settings{}), CheckStatus::kWaived),
            std::vector<std::string>{"onsite-agent supplier/F03"});
}

TEST(GateWaivers, ExpiredWaiverTurnsItBackToFail) {
  ReleaseFacts facts = without_onsite_agent();
  facts.waivers = {onsite_waiver()};
  facts.waivers[0].expires = day("2026-03-01");
  const Verdict verdict = gate_release(facts, Settings{});
  EXPECT_FALSE(verdict.go);
  const Check& check = find_check(verdict, "onsite-agent", "supplier/F03");
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_TRUE(check.waiver.empty());
  EXPECT_NE(check.reason.find("The waiver by Anna Berg (sourcing lead) expired on 2026-03-01."),
            std::string::npos)
      << check.reason;
}

TEST(GateWaivers, WaiverForAnotherSubjectDoesNotApply) {
  ReleaseFacts facts = without_onsite_agent();
  facts.waivers = {onsite_waiver()};
  facts.waivers[0].subject = "supplier/F04";
  const Verdict verdict = gate_release(facts, Settings{});
  EXPECT_FALSE(verdict.go);
  EXPECT_EQ(failures(verdict), std::vector<std::string>{"onsite-agent supplier/F03"});
  EXPECT_EQ(find_check(verdict, "onsite-agent", "supplier/F03").reason.find("waiver"), std::string::npos);
}

TEST(GateWaivers, WaiverForAnotherCheckDoesNotApply) {
  ReleaseFacts facts = without_onsite_agent();
  facts.waivers = {onsite_waiver()};
  facts.waivers[0].check = "recent-audit";
  EXPECT_EQ(failures(gate_release(facts, Settings{})), std::vector<std::string>{"onsite-agent supplier/F03"});
}

TEST(GateWaivers, WaiverNotYetGrantedDoesNotApply) {
  ReleaseFacts facts = without_onsite_agent();
  facts.waivers = {onsite_waiver()};
  facts.waivers[0].granted = day("2026-03-05");
  const Verdict verdict = gate_release(facts, Settings{});
  EXPECT_NE(find_check(verdict, "onsite-agent", "supplier/F03").reason.find("applies only from 2026-03-05"),
            std::string::npos);
  EXPECT_FALSE(verdict.go);
}

TEST(GateWaivers, InvalidWaiverDoesNotApply) {
  ReleaseFacts facts = without_onsite_agent();
  facts.waivers = {onsite_waiver()};
  facts.waivers[0].role = " ";
  const Verdict verdict = gate_release(facts, Settings{});
  EXPECT_FALSE(verdict.go);
  EXPECT_NE(find_check(verdict, "onsite-agent", "supplier/F03")
                .reason.find("does not apply: a waiver needs the role"),
            std::string::npos);
}

TEST(GateWaivers, ValidWaiverAppliesBesideAnExpiredOne) {
  ReleaseFacts facts = without_onsite_agent();
  Waiver old = onsite_waiver();
  old.expires = day("2026-01-31");
  old.granted = day("2026-01-02");
  facts.waivers = {old, onsite_waiver()};
  EXPECT_TRUE(gate_release(facts, Settings{}).go);
}

TEST(GateWaivers, WaiverOnAPassingCheckChangesNothing) {
  ReleaseFacts facts = release_fixture();
  facts.waivers = {onsite_waiver()};
  const Verdict verdict = gate_release(facts, Settings{});
  EXPECT_EQ(find_check(verdict, "onsite-agent", "supplier/F03").status, CheckStatus::kPass);
  EXPECT_TRUE(find_check(verdict, "onsite-agent", "supplier/F03").waiver.empty());
}

TEST(GateWaivers, WaiverAppliesToOneSupplierOfALaunch) {
  LaunchFacts facts = launch_fixture();
  for (SupplierFacts& s : facts.suppliers) s.owner_visits.clear();
  facts.waivers = {{"owner-visit", "supplier/F03", "CEO",
                    "visited by our Shenzhen engineer weekly; trip booked", "Li Na", day("2026-06-30"),
                    day("2026-03-01")}};
  const Verdict verdict = gate_launch(facts, Settings{});
  EXPECT_EQ(with_status(verdict, CheckStatus::kWaived), std::vector<std::string>{"owner-visit supplier/F03"});
  EXPECT_EQ(failures(verdict), (std::vector<std::string>{"owner-visit supplier/F05"}));  // F01 is our own
}

TEST(CheckWaivers, AcceptsACompleteWaiver) {
  EXPECT_TRUE(check_waivers({onsite_waiver()}).ok());
}

TEST(CheckWaivers, NamesEveryMissingFieldWithItsPlace) {
  Waiver bad = onsite_waiver();
  bad.role.clear();
  bad.reason = "  ";
  bad.expires.reset();
  Waiver unknown = onsite_waiver();
  unknown.check = "nda";
  const Status status = check_waivers({onsite_waiver(), bad, unknown});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kInput);
  std::vector<std::string> where;
  for (const Diagnostic& d : status.error().diagnostics()) where.push_back(d.where);
  EXPECT_EQ(where, (std::vector<std::string>{"/waivers/1/role", "/waivers/1/reason", "/waivers/1/expires",
                                             "/waivers/2/check"}));
}

TEST(CheckWaivers, RejectsExpiryBeforeGrant) {
  Waiver bad = onsite_waiver();
  bad.expires = day("2026-02-01");
  const Status status = check_waivers({bad});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().where(), "/waivers/0/expires");
  EXPECT_EQ(status.error().message(), "expires 2026-02-01, before it was granted on 2026-02-27");
}

// ---- Settings and names -----------------------------------------------------------------------

TEST(CheckSettings, DefaultsAreValid) {
  EXPECT_TRUE(check_settings(Settings{}).ok());
}

TEST(CheckSettings, NamesEachBadSetting) {
  Settings settings;
  settings.audit_window_days = -1;
  settings.collusion = -2;
  settings.home_jurisdiction.clear();
  settings.registrable = {"design", "utility"};
  const Status status = check_settings(settings);
  ASSERT_FALSE(status.ok());
  std::vector<std::string> where;
  for (const Diagnostic& d : status.error().diagnostics()) where.push_back(d.where);
  EXPECT_EQ(where, (std::vector<std::string>{"gate.audit_window_days", "gate.collusion",
                                             "gate.home_jurisdiction", "gate.registrable"}));
}

TEST(StatusName, NamesEachStatus) {
  EXPECT_EQ(status_name(CheckStatus::kPass), "pass");
  EXPECT_EQ(status_name(CheckStatus::kFail), "fail");
  EXPECT_EQ(status_name(CheckStatus::kWaived), "waived");
}

}  // namespace
}  // namespace moat::gate
