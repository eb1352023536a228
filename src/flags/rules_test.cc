// SPDX-License-Identifier: Apache-2.0
#include "flags/rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace moat::flags {
namespace {

Date day(const char* text) {
  return *Date::parse(text);
}
Date days_before(Date date, long days) {
  return Date::from_days(date.days_since_epoch() - days);
}
Date days_after(Date date, long days) {
  return Date::from_days(date.days_since_epoch() + days);
}

constexpr const char* kToday = "2025-06-16";

// ---- A clean workspace: the Aurora speaker made in Guangdong ------------------------------------

// April 2025 at S-DG01: 10 300 programmed controllers consigned (net of returns), 10 300 units
// accounted for. `issued` changes the controllers issued, and with them the balance.
vet::Reconciliation april_at_dongguan(double issued = 10500) {
  vet::ReconcileInput input{
      .supplier = "S-DG01", .product = "aurora-speaker", .from = day("2025-04-01"), .to = day("2025-04-30")};
  input.orders = {{"PO-2504-01", day("2025-04-01"), 6000}, {"PO-2504-02", day("2025-04-14"), 4000}};
  input.movements = {
      {day("2025-03-31"), vet::MovementKind::kOnHand, "", 300, 1},
      {day("2025-04-02"), vet::MovementKind::kConsigned, "MCU-PROG", issued, 1},
      {day("2025-04-15"), vet::MovementKind::kShipped, "", 5000, 1},
      {day("2025-04-28"), vet::MovementKind::kShipped, "", 4800, 1},
      {day("2025-04-29"), vet::MovementKind::kReturned, "MCU-PROG", 200, 1},
      {day("2025-04-30"), vet::MovementKind::kScrap, "", 150, 1},
      {day("2025-04-30"), vet::MovementKind::kOnHand, "", 650, 1},
  };
  return vet::reconcile(input);
}

// The approved split: enclosure molded in Dongguan, PCBA in Shenzhen, firmware flashed and final
// assembly at the owner's own plant in Suzhou. Gerbers plus the BOM reveal the schematic.
PlanFacts approved_plan() {
  PlanFacts plan{.product = "aurora-speaker", .plan_id = "P-2025-03", .instance = {}, .assignments = {}};
  plan::Instance& instance = plan.instance;
  instance.policy = {1, 0.6, true};
  instance.secrets = {
      {"enclosure-geometry", 3}, {"pcb-layout", 4}, {"bom", 2}, {"schematic", 4}, {"firmware", 5}};
  instance.derives = {{{"pcb-layout", "bom"}, "schematic"}};
  instance.recipes = {{"hardware-clone", {"enclosure-geometry", "schematic"}},
                      {"functional-clone", {"enclosure-geometry", "schematic", "firmware"}}};
  instance.packages = {{"PK-ENC", "injection-molding", {"enclosure-geometry"}, 30000, 1},
                       {"PK-PCBA", "pcba-smt", {"pcb-layout", "bom"}, 30000, 1},
                       {"PK-FA", "final-assembly", {"firmware"}, 30000, 1}};
  instance.suppliers = {{"S-DG01", "G-DG01", {"injection-molding"}, 60000, "qualified", false, 0.5},
                        {"S-SZ02", "G-SZ02", {"pcba-smt"}, 240000, "conditional", false, 0.2},
                        {"S-SU00", "G-SU00", {"final-assembly"}, 100000, "qualified", true, std::nullopt}};
  instance.quotes = {
      {"PK-ENC", "S-DG01", 1.85, 42000}, {"PK-PCBA", "S-SZ02", 6.40, 3500}, {"PK-FA", "S-SU00", 2.10, 0}};
  plan.assignments = {{"PK-ENC", "S-DG01", 30000}, {"PK-PCBA", "S-SZ02", 30000}, {"PK-FA", "S-SU00", 30000}};
  return plan;
}

// Everything in order on 2025-06-16: no rule has anything to say.
Facts clean_workspace() {
  Facts facts{.today = day(kToday)};
  facts.suppliers = {
      {.id = "S-DG01",
       .name = "东莞恒泰精密塑胶有限公司",
       .status = "qualified",
       .qualified_until = day("2026-03-04"),
       .trusted = false,
       .active = true,
       .capacity = 60000,
       .sites = {"东莞市长安镇厦岗工业区 3 号厂房",
                 "Building 3, Xiagang Industrial Zone, Chang'an, Dongguan"},
       .approved_subcontractors = {"东莞市华辉表面处理有限公司"},
       .first_production = day("2025-03-10")},
      {.id = "S-SZ02",
       .name = "深圳市创联电子科技有限公司",
       .status = "conditional",
       .qualified_until = day("2025-12-31"),
       .trusted = false,
       .active = true,
       .capacity = 20000,
       .sites = {"深圳市宝安区福永街道凤凰第一工业区 B 栋"},
       .approved_subcontractors = {},
       .first_production = day("2025-04-01")},
      {.id = "S-NB03",
       .name = "宁波华峰模具有限公司",
       .status = "qualified",
       .qualified_until = day("2026-01-20"),
       .trusted = false,
       .active = false,
       .capacity = std::nullopt,
       .sites = {"宁波市北仑区小港街道"},
       .approved_subcontractors = {},
       .first_production = std::nullopt},
      {.id = "S-SU00",
       .name = "奥罗拉电子（苏州）有限公司",
       .status = "qualified",
       .qualified_until = std::nullopt,
       .trusted = true,
       .active = true,
       .capacity = 100000,
       .sites = {"苏州工业园区星湖街 328 号"},
       .approved_subcontractors = {},
       .first_production = day("2025-04-20"),
       .recipients = {{"P-SU-03", "王芳", "R2", "AG-SU-01 (in force since 2025-01-02)", ""}},
       .access_verified = true,
       .access_evidence = "audit V-2025-026 on 2025-05-12 passed access-control"},
  };
  facts.certificates = {
      {"S-DG01", "C-DG01-9001", "ISO 9001", "CQC 00124Q36582R2M", day("2027-05-20")},
      {"S-SZ02", "C-SZ02-9001", "ISO 9001", "04524Q30876R1M", day("2025-11-30")},
  };
  facts.visits = {
      {"V-2025-011", "S-DG01", "owner-visit", day("2025-02-20"), std::nullopt, {}, {}},
      {"V-2025-014",
       "S-DG01",
       "audit",
       day("2025-03-05"),
       55000,
       {"东莞市长安镇厦岗工业区 3 号厂房"},
       {"东莞市华辉表面处理有限公司"}},
      {"V-2025-018", "S-SZ02", "owner-visit", day("2025-03-20"), std::nullopt, {}, {}},
      {"V-2025-019",
       "S-SZ02",
       "audit",
       day("2025-03-21"),
       18000,
       {"深圳市宝安区福永街道凤凰第一工业区 B 栋"},
       {}},
      {"V-2025-023", "S-SU00", "owner-visit", day("2025-04-10"), std::nullopt, {}, {}},
      {"V-2025-026", "S-SU00", "audit", day("2025-05-12"), std::nullopt, {}, {}},
      {"V-2025-031", "S-DG01", "audit", day("2025-06-02"), 60000, {"东莞市长安镇厦岗工业区 3 号厂房"}, {}},
  };
  facts.findings = {
      {"V-2025-014", "F1", "S-DG01", "critical",
       "Rejected enclosures sold to a recycler without being crushed", day("2025-04-05"), true},
      {"V-2025-031", "F2", "S-DG01", "major", "Visitor log has no entries for 28 May", day("2025-06-10"),
       false},
      {"V-2025-031", "F3", "S-DG01", "critical", "Top cover mold not marked as the owner's property",
       day("2025-06-30"), false},
  };
  // Trial shots at the toolmaker in Ningbo, then 15 000 shots in Dongguan: 30 000 covers, 29 800
  // accounted for (within the 2 % allowance).
  facts.tools = {
      {.id = "T-ENC-01",
       .name = "Top cover mold, 2 cavities",
       .product = "aurora-speaker",
       .location = "S-DG01",
       .approved_locations = {"S-DG01", "S-NB03"},
       .cavities = 2,
       .parts_per_unit = 1,
       .scrapped = false,
       .events = {{"E-01", day("2025-02-18"), ToolEventKind::kReading, 350, "", "", false, ""},
                  {"R-01", day("2025-02-25"), ToolEventKind::kRelocation, std::nullopt, "S-NB03", "S-DG01",
                   true, ""},
                  {"C-01", day("2025-04-15"), ToolEventKind::kChange, std::nullopt, "", "", true, ""},
                  {"E-02", day("2025-05-31"), ToolEventKind::kReading, 15350, "", "", false, ""},
                  {"SG-01", day("2025-06-02"), ToolEventKind::kSighting, std::nullopt, "", "S-DG01", false,
                   "V-2025-031"}},
       .units_accounted = 29800}};
  facts.reconciliations = {april_at_dongguan()};
  facts.plans = {approved_plan()};
  return facts;
}

// ---- Finding things in the facts and the flags -------------------------------------------------

template <typename T, typename Match>
T& find_in(std::vector<T>& items, Match match) {
  const auto it = std::find_if(items.begin(), items.end(), match);
  if (it == items.end()) throw std::logic_error("test data lacks an item it refers to");
  return *it;
}

SupplierFacts& supplier(Facts& facts, const std::string& id) {
  return find_in(facts.suppliers, [&](const SupplierFacts& s) { return s.id == id; });
}
VisitFacts& visit(Facts& facts, const std::string& id) {
  return find_in(facts.visits, [&](const VisitFacts& v) { return v.id == id; });
}
FindingFacts& finding(Facts& facts, const std::string& id) {
  return find_in(facts.findings, [&](const FindingFacts& f) { return f.id == id; });
}
CertificateFacts& certificate(Facts& facts, const std::string& id) {
  return find_in(facts.certificates, [&](const CertificateFacts& c) { return c.id == id; });
}
ToolFacts& top_cover_mold(Facts& facts) {
  return facts.tools.front();
}
ToolEvent& event(ToolFacts& tool, const std::string& id) {
  return find_in(tool.events, [&](const ToolEvent& e) { return e.id == id; });
}

Settings defaults() {
  Result<Settings> settings_or = settings({});
  if (!settings_or.ok()) throw std::logic_error(settings_or.error().to_string());
  return *settings_or;
}

std::vector<Raised> of_rule(const std::vector<Raised>& raised, std::string_view rule) {
  std::vector<Raised> matching;
  std::copy_if(raised.begin(), raised.end(), std::back_inserter(matching),
               [&](const Raised& r) { return r.rule == rule; });
  return matching;
}

std::vector<Raised> raised_by(const Facts& facts, std::string_view rule) {
  return of_rule(evaluate(facts, defaults()), rule);
}

std::string evidence(const Raised& raised, const std::string& name) {
  for (const Evidence& e : raised.evidence) {
    if (e.name == name) return e.value;
  }
  return "(no evidence named " + name + ")";
}

using FlagKey = std::tuple<std::string, std::string, std::string>;
FlagKey key_of(const Raised& r) {
  return {r.rule, r.subject, r.cause};
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- Every built-in rule: raised by realistic data, quiet on the nearest clean data ------------

// The mold went to an unvetted molder in Huizhou, without approval.
void move_mold_to_unvetted_molder(Facts& facts) {
  ToolFacts& tool = top_cover_mold(facts);
  tool.location = "S-HZ07";
  tool.events.push_back(
      {"R-02", day("2025-06-05"), ToolEventKind::kRelocation, std::nullopt, "S-DG01", "S-HZ07", false, ""});
}

// The molder and the PCBA maker turn out to share a legal representative: one party, which holds
// the enclosure and (from Gerbers plus BOM) the schematic.
void affiliate_molder_with_pcba_maker(Facts& facts) {
  for (plan::Supplier& s : facts.plans.front().instance.suppliers) {
    if (s.id == "S-DG01" || s.id == "S-SZ02") s.party = "G-HENGTAI";
  }
}

// A speaker-driver maker starting production on `first_production`, never visited by the owner.
void add_driver_maker(Facts& facts, const char* first_production) {
  facts.suppliers.push_back({.id = "S-HZ05",
                             .name = "惠州市鸿声电声科技有限公司",
                             .status = "qualified",
                             .qualified_until = day("2026-05-30"),
                             .trusted = false,
                             .active = true,
                             .capacity = 40000,
                             .sites = {},
                             .approved_subcontractors = {},
                             .first_production = day(first_production)});
}

// The paperwork of the Aurora speaker: the Dongguan molder works on it under an NNN signed in
// February, the owner files its marks and designs in its own name.
constexpr const char* kCompany = "Aurora Audio Inc.";

AgreementFacts dongguan_nnn() {
  return {.id = "AG-DG01",
          .kind = "nnn",
          .suppliers = {"S-DG01"},
          .products = {"aurora-speaker"},
          .effective = day("2025-02-01"),
          .expires = day("2027-01-31"),
          .failures = {}};
}

IpRightFacts aurora_mark(const char* jurisdiction, const char* mark, const char* filed) {
  return {.id = std::string("TM-") + jurisdiction + "-" + mark,
          .kind = "trademark",
          .jurisdiction = jurisdiction,
          .title = mark,
          .mark = mark,
          .owner = kCompany,
          .filed = day(filed),
          .products = {"aurora-speaker"},
          .secrets = {}};
}

// In production since the first purchase order in March, marks filed at home and (the Chinese
// one) in China; `latin_in_china` files the Latin mark there too.
void aurora_in_production(Facts& facts, bool latin_in_china) {
  facts.legal.company_names = {kCompany};
  facts.legal.products = {{"aurora-speaker", "Aurora smart speaker", std::nullopt, day("2025-03-10")}};
  facts.legal.rights = {aurora_mark("US", "AURORA", "2024-09-02"), aurora_mark("CN", "极光", "2024-10-08")};
  if (latin_in_china) facts.legal.rights.push_back(aurora_mark("CN", "AURORA", "2024-10-08"));
}

// The speaker shown at a trade show in January; its enclosure design filed on `filed`.
void shown_at_trade_show(Facts& facts, const char* filed) {
  facts.legal.disclosures = {
      {"D1", "trade-show", day("2025-01-15"), "aurora-speaker", {"enclosure-geometry"}, "CES, Las Vegas"}};
  facts.legal.rights = {{.id = "DS-US-01",
                         .kind = "design",
                         .jurisdiction = "US",
                         .title = "Speaker enclosure",
                         .mark = "",
                         .owner = kCompany,
                         .filed = day(filed),
                         .products = {"aurora-speaker"},
                         .secrets = {"enclosure-geometry"}}};
}

// A copy of the speaker confirmed on Taobao, sold from Dongguan; the mold maker there and the
// PCBA maker in Shenzhen held its enclosure geometry. `in_city`: the seller is in Dongguan;
// `unpublished`: its photos show the grille pattern, which no filing or disclosure made public.
void counterfeit_confirmed(Facts& facts, bool in_city, bool unpublished) {
  CounterfeitFacts c{.hit = "H3",
                     .listing = "L7",
                     .platform = "taobao",
                     .url = "https://item.taobao.com/item.htm?id=7001",
                     .product = "aurora-speaker",
                     .seller = "极光数码专营店",
                     .seller_location = in_city ? "广东 东莞" : "浙江 义乌",
                     .copied = {"enclosure-geometry"},
                     .unpublished = {},
                     .holders = {}};
  c.holders.push_back({.supplier = "S-DG01",
                       .party = "S-DG01",
                       .city = "东莞",
                       .secrets = {"enclosure-geometry"},
                       .in_seller_city = in_city});
  c.holders.push_back(
      {.supplier = "S-SZ02", .party = "S-SZ02", .city = "深圳", .secrets = {"enclosure-geometry"}});
  if (unpublished) {
    c.copied.push_back("grille-pattern");
    c.unpublished = {"grille-pattern"};
    c.holders[1].secrets.push_back("grille-pattern");
    c.holders[1].unpublished_held = {"grille-pattern"};
  }
  facts.counterfeits.push_back(std::move(c));
}

ComplaintFacts complaint(const char* status, const char* filed) {
  return {.id = "C2",
          .platform = "taobao",
          .status = status,
          .filed = day(filed),
          .counter_notice = std::nullopt,
          .relisted = std::nullopt,
          .hits = {"H3"}};
}

struct RuleCase {
  std::string_view rule;
  void (*raise)(Facts&);  // what happened on the ground that the rule must see
  void (*quiet)(Facts&);  // the closest thing that is still fine
};

const RuleCase kRuleCases[] = {
    {"requalification-overdue",
     // The conditional qualification of the PCBA maker ended yesterday.
     [](Facts& f) { supplier(f, "S-SZ02").qualified_until = day("2025-06-15"); },
     // It ends today: still valid.
     [](Facts& f) { supplier(f, "S-SZ02").qualified_until = day(kToday); }},
    {"certificate-expired", [](Facts& f) { certificate(f, "C-SZ02-9001").expires = day("2025-06-15"); },
     [](Facts& f) { certificate(f, "C-SZ02-9001").expires = day(kToday); }},
    {"audit-overdue",
     // Last audited 181 days ago; the interval is 180.
     [](Facts& f) { visit(f, "V-2025-019").date = days_before(day(kToday), 181); },
     [](Facts& f) { visit(f, "V-2025-019").date = days_before(day(kToday), 180); }},
    {"critical-finding-overdue",
     // The unmarked mold was to be marked by yesterday.
     [](Facts& f) { finding(f, "F3").due = day("2025-06-15"); },
     [](Facts& f) { finding(f, "F3").due = day(kToday); }},
    {"unapproved-subcontractor",
     // The June audit found the grille logos being silk-screened by a shop nobody approved.
     [](Facts& f) { visit(f, "V-2025-031").subcontractors_seen = {"深圳市速印丝网印刷厂"}; },
     // The approved surface-treatment shop, typed with stray spaces.
     [](Facts& f) { visit(f, "V-2025-031").subcontractors_seen = {"  东莞市华辉表面处理有限公司 "}; }},
    {"unknown-site",
     [](Facts& f) { visit(f, "V-2025-031").sites_seen.push_back("东莞市长安镇乌沙第二工业区 7 号厂房"); },
     // A declared site, written in another case.
     [](Facts& f) {
       visit(f, "V-2025-031")
           .sites_seen.push_back("building 3, XIAGANG industrial zone, Chang'an, Dongguan ");
     }},
    {"capacity-swing",
     // 55 000 a month in March, 90 000 in June: +63.6 %.
     [](Facts& f) { visit(f, "V-2025-031").capacity_seen = 90000; },
     // +30 % exactly: at the threshold, not beyond it.
     [](Facts& f) { visit(f, "V-2025-031").capacity_seen = 71500; }},
    {"unaccounted-units",
     // 2 000 controllers more than the shipments, scrap and stock explain.
     [](Facts& f) { f.reconciliations = {april_at_dongguan(12500)}; },
     // 190 short: within max(50, 2 % of 9 800 shipped = 196).
     [](Facts& f) { f.reconciliations = {april_at_dongguan(10690)}; }},
    {"tooling-unapproved-location", move_mold_to_unvetted_molder,
     // Back to the toolmaker for repair, approved.
     [](Facts& f) {
       ToolFacts& tool = top_cover_mold(f);
       tool.location = "S-NB03";
       tool.events.push_back({"R-02", day("2025-06-05"), ToolEventKind::kRelocation, std::nullopt, "S-DG01",
                              "S-NB03", true, ""});
     }},
    {"tooling-moved-unrecorded",
     // An unannounced visit found it at a factory in Zhongshan while its passport says Dongguan.
     [](Facts& f) {
       top_cover_mold(f).events.push_back({"SG-02", day("2025-06-10"), ToolEventKind::kSighting, std::nullopt,
                                           "", "S-ZS06", false, "V-2025-033"});
     },
     // Seen at the toolmaker before it was moved to Dongguan: where the passport puts it then.
     [](Facts& f) {
       top_cover_mold(f).events.push_back({"SG-00", day("2025-02-20"), ToolEventKind::kSighting, std::nullopt,
                                           "", "S-NB03", false, "V-2025-009"});
     }},
    {"tooling-shots-unexplained",
     // 25 000 shots since it arrived: 50 000 covers against 29 800 accounted.
     [](Facts& f) { event(top_cover_mold(f), "E-02").shots = 25350; },
     // 30 396 covers: exactly 596 (2 % of 29 800) over.
     [](Facts& f) { event(top_cover_mold(f), "E-02").shots = 15548; }},
    {"tooling-change-unapproved",
     [](Facts& f) {
       top_cover_mold(f).events.push_back(
           {"C-02", day("2025-05-20"), ToolEventKind::kChange, std::nullopt, "", "", false, ""});
     },
     [](Facts& f) {
       top_cover_mold(f).events.push_back(
           {"C-02", day("2025-05-20"), ToolEventKind::kChange, std::nullopt, "", "", true, ""});
     }},
    {"affiliated-collusion", affiliate_molder_with_pcba_maker,
     // The same affiliation, but the PCBA maker never got the BOM: it cannot infer the schematic.
     [](Facts& f) {
       affiliate_molder_with_pcba_maker(f);
       f.plans.front().instance.packages[1].exposes = {"pcb-layout"};
     }},
    {"owner-visit-missing",
     // A speaker-driver maker starts production in nine days and nobody from the owner has been.
     [](Facts& f) { add_driver_maker(f, "2025-06-25"); },
     // Production starts in a month: the warning starts 14 days before.
     [](Facts& f) { add_driver_maker(f, "2025-07-15"); }},
    {"agreement-missing",
     // The molder has purchase orders for the speaker and no NNN at all.
     [](Facts& f) {
       f.legal.supplies = {{"S-DG01", "aurora-speaker"}};
     },
     // Its NNN, in force and covering the speaker.
     [](Facts& f) {
       f.legal.supplies = {{"S-DG01", "aurora-speaker"}};
       f.legal.agreements = {dongguan_nnn()};
     }},
    {"agreement-quality",
     // Signed under Hong Kong law with the English text controlling.
     [](Facts& f) {
       AgreementFacts nnn = dongguan_nnn();
       nnn.failures = {{"prc-governing-law", "governed by HK law"},
                       {"chinese-text-controls", "the en text controls, not the Chinese one"}};
       f.legal.agreements = {nnn};
     },
     // The same NNN written for a Chinese court.
     [](Facts& f) { f.legal.agreements = {dongguan_nnn()}; }},
    {"agreement-expiring",
     // Expires in 45 days; the policy warns 60 days ahead.
     [](Facts& f) {
       AgreementFacts nnn = dongguan_nnn();
       nnn.expires = day("2025-07-31");
       f.legal.agreements = {nnn};
     },
     // Expires in 61 days: not yet in the window.
     [](Facts& f) {
       AgreementFacts nnn = dongguan_nnn();
       nnn.expires = day("2025-08-16");
       f.legal.agreements = {nnn};
     }},
    {"ip-owned-by-other",
     // The Chinese mark was filed by the trademark agent in its own name.
     [](Facts& f) {
       aurora_in_production(f, true);
       f.legal.rights[1].owner = "深圳市恒标知识产权代理有限公司";
     },
     // The company's own name, typed with other capitals and stray spaces.
     [](Facts& f) {
       aurora_in_production(f, true);
       f.legal.rights[1].owner = " aurora audio inc. ";
     }},
    {"trademark-not-filed-cn",
     // In production with AURORA filed only at home.
     [](Facts& f) { aurora_in_production(f, false); }, [](Facts& f) { aurora_in_production(f, true); }},
    {"disclosure-before-filing",
     // Shown in January, the design filed in February: China's grace period does not cover it.
     [](Facts& f) { shown_at_trade_show(f, "2025-02-01"); },
     // Filed the day of the show.
     [](Facts& f) { shown_at_trade_show(f, "2025-01-15"); }},
    {"confidentiality-missing",
     // A test engineer at the own plant got the firmware before signing the confidentiality agreement.
     [](Facts& f) {
       supplier(f, "S-SU00")
           .recipients.push_back(
               {"P-SU-07", "周敏", "R4", "", "no employee confidentiality agreement on record"});
     },
     // The same engineer, bound since last week.
     [](Facts& f) {
       supplier(f, "S-SU00")
           .recipients.push_back({"P-SU-07", "周敏", "R4", "AG-SU-02 (in force since 2025-06-09)", ""});
     }},
    {"counterfeit-traced",
     // Sold from Dongguan, where the mold maker that held the enclosure works.
     [](Facts& f) { counterfeit_confirmed(f, true, false); },
     // Sold from Yiwu, showing nothing still secret: nothing points at a supplier.
     [](Facts& f) { counterfeit_confirmed(f, false, false); }},
    {"complaint-relisted",
     // Taken down in May, back on 14 June.
     [](Facts& f) {
       f.complaints.push_back(complaint("relisted", "2025-05-20"));
       f.complaints.back().relisted = day("2025-06-14");
     },
     [](Facts& f) { f.complaints.push_back(complaint("removed", "2025-05-20")); }},
    {"complaint-unanswered",
     // Filed 15 days ago, no answer; the rule waits 14.
     [](Facts& f) { f.complaints.push_back(complaint("filed", "2025-06-01")); },
     [](Facts& f) { f.complaints.push_back(complaint("filed", "2025-06-02")); }},
    {"access-control-unverified",
     // The own plant's last audit failed access control: badge readers off on the test floor.
     [](Facts& f) {
       supplier(f, "S-SU00").access_verified = false;
       supplier(f, "S-SU00").access_evidence = "audit V-2025-026 on 2025-05-12 failed access-control";
     },
     // Unverified, but the plant makes nothing (no order, no plan): nothing to protect yet.
     [](Facts& f) {
       supplier(f, "S-SU00").access_verified = false;
       supplier(f, "S-SU00").active = false;
     }},
    {"release-not-returned",
     // Revoked yesterday; the drawings are still at the mold maker.
     [](Facts& f) {
       f.releases.push_back(
           {"R3", "S-DG01", {"P05"}, std::nullopt, day("2025-06-15"), "contract ended", false});
     },
     // Expiring today, and another one revoked whose destruction was certified.
     [](Facts& f) {
       f.releases.push_back({"R3", "S-DG01", {"P05"}, day(kToday), std::nullopt, "", false});
       f.releases.push_back(
           {"R4", "S-DG01", {"P05"}, std::nullopt, day("2025-06-15"), "contract ended", true});
     }},
};

void PrintTo(const RuleCase& c, std::ostream* out) {
  *out << c.rule;
}

std::string case_name(const ::testing::TestParamInfo<RuleCase>& param) {
  std::string name(param.param.rule);
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

class BuiltinRuleTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(BuiltinRuleTest, RaisesFromRealisticData) {
  Facts facts = clean_workspace();
  GetParam().raise(facts);
  const std::vector<Raised> raised = raised_by(facts, GetParam().rule);
  ASSERT_FALSE(raised.empty());
  const Rule& rule = *std::find_if(builtin_rules().begin(), builtin_rules().end(),
                                   [&](const Rule& r) { return r.id == GetParam().rule; });
  for (const Raised& r : raised) {
    EXPECT_EQ(r.severity, rule.severity);
    EXPECT_FALSE(r.subject.empty());
    EXPECT_FALSE(r.cause.empty());
    EXPECT_FALSE(r.summary.empty());
    EXPECT_FALSE(r.evidence.empty());
  }
}

TEST_P(BuiltinRuleTest, StaysQuietOnCleanData) {
  Facts facts = clean_workspace();
  GetParam().quiet(facts);
  EXPECT_TRUE(raised_by(facts, GetParam().rule).empty());
}

// The app keeps a flag's state by (rule, subject, cause): what raised it today must be the same
// flag tomorrow, not a new one.
TEST_P(BuiltinRuleTest, SameCauseIsTheSameFlagTheNextDay) {
  Facts facts = clean_workspace();
  GetParam().raise(facts);
  std::set<FlagKey> today;
  for (const Raised& r : raised_by(facts, GetParam().rule)) today.insert(key_of(r));
  facts.today = days_after(facts.today, 1);
  std::set<FlagKey> tomorrow;
  for (const Raised& r : raised_by(facts, GetParam().rule)) tomorrow.insert(key_of(r));
  EXPECT_EQ(today, tomorrow);
}

INSTANTIATE_TEST_SUITE_P(Rules, BuiltinRuleTest, ::testing::ValuesIn(kRuleCases), case_name);

TEST(BuiltinRulesTest, EveryRuleHasATestCase) {
  for (const Rule& rule : builtin_rules()) {
    const bool covered = std::any_of(std::begin(kRuleCases), std::end(kRuleCases),
                                     [&](const RuleCase& c) { return c.rule == rule.id; });
    EXPECT_TRUE(covered) << "add a case for the new rule " << rule.id << " to kRuleCases";
  }
  for (const RuleCase& c : kRuleCases) {
    const bool known = std::any_of(builtin_rules().begin(), builtin_rules().end(),
                                   [&](const Rule& rule) { return rule.id == c.rule; });
    EXPECT_TRUE(known) << c.rule << " is not a built-in rule";
  }
}

TEST(BuiltinRulesTest, IdsAreUnique) {
  std::set<std::string_view> ids;
  for (const Rule& rule : builtin_rules()) EXPECT_TRUE(ids.insert(rule.id).second) << rule.id;
}

// Sold far from every supplier, but the photos show a feature still secret: the flag goes to
// the supplier that held it, not to the one that held only what is public.
TEST(CounterfeitTracedTest, StillSecretFeatureNamesOnlyItsHolder) {
  Facts facts = clean_workspace();
  counterfeit_confirmed(facts, false, true);
  const std::vector<Raised> raised = raised_by(facts, "counterfeit-traced");
  ASSERT_EQ(raised.size(), 1U);
  EXPECT_EQ(raised[0].subject, "supplier/S-SZ02");
  EXPECT_EQ(raised[0].cause, "hit/H3");
  const auto held = std::find_if(raised[0].evidence.begin(), raised[0].evidence.end(),
                                 [](const Evidence& e) { return e.name == "who held the copied secrets"; });
  ASSERT_NE(held, raised[0].evidence.end());
  EXPECT_NE(held->value.find("S-DG01"), std::string::npos);
  EXPECT_NE(held->value.find("S-SZ02"), std::string::npos);
}

// The seller is a supplier, by its legal name or its credit code: the flag goes to it whatever it
// held of what the copy shows (here nothing), and says how the listing names it.
TEST(CounterfeitTracedTest, ASellerThatIsASupplierNamesItWhateverItHeld) {
  Facts facts = clean_workspace();
  counterfeit_confirmed(facts, false, false);
  EXPECT_TRUE(raised_by(facts, "counterfeit-traced").empty()) << "nothing links a holder yet";
  facts.counterfeits[0].holders.push_back(
      {.supplier = "S-FS03",
       .city = "佛山",
       .seller_is_it = "the seller's name is its legal name, 佛山市晟达塑胶有限公司"});
  const std::vector<Raised> raised = raised_by(facts, "counterfeit-traced");
  ASSERT_EQ(raised.size(), 1U);
  EXPECT_EQ(raised[0].subject, "supplier/S-FS03");
  EXPECT_NE(raised[0].summary.find("it sells the copy itself"), std::string::npos) << raised[0].summary;
  const auto sold = std::find_if(raised[0].evidence.begin(), raised[0].evidence.end(),
                                 [](const Evidence& e) { return e.name == "sold by it"; });
  ASSERT_NE(sold, raised[0].evidence.end());
  EXPECT_NE(sold->value.find("佛山市晟达塑胶有限公司"), std::string::npos);
  const auto held = std::find_if(raised[0].evidence.begin(), raised[0].evidence.end(),
                                 [](const Evidence& e) { return e.name == "who held the copied secrets"; });
  ASSERT_NE(held, raised[0].evidence.end());
  EXPECT_EQ(held->value.find("S-FS03"), std::string::npos) << "it held nothing: " << held->value;
}

TEST(EvaluateTest, CleanWorkspaceRaisesNothing) {
  const std::vector<Raised> raised = evaluate(clean_workspace(), defaults());
  for (const Raised& r : raised) ADD_FAILURE() << r.rule << " " << r.subject << ": " << r.summary;
}

// ---- Rule by rule: what the flag says, and the edges ------------------------------------------

TEST(RequalificationOverdueTest, ExpiredStatusRaisesWithItsEndDate) {
  Facts facts = clean_workspace();
  supplier(facts, "S-NB03").status = "expired";
  supplier(facts, "S-NB03").qualified_until = day("2025-05-31");
  const std::vector<Raised> raised = raised_by(facts, "requalification-overdue");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].subject, "supplier/S-NB03");
  EXPECT_EQ(raised[0].cause, "2025-05-31");
  EXPECT_EQ(evidence(raised[0], "supplier"), "宁波华峰模具有限公司 (S-NB03)");
  EXPECT_EQ(evidence(raised[0], "qualified until"), "2025-05-31");
}

TEST(RequalificationOverdueTest, RejectedSupplierIsNotDueForRequalification) {
  Facts facts = clean_workspace();
  supplier(facts, "S-NB03").status = "rejected";
  supplier(facts, "S-NB03").qualified_until = day("2025-05-31");
  EXPECT_TRUE(raised_by(facts, "requalification-overdue").empty());
}

TEST(CertificateExpiredTest, NamesTheStandardNumberAndDate) {
  Facts facts = clean_workspace();
  certificate(facts, "C-SZ02-9001").expires = day("2025-06-15");
  const std::vector<Raised> raised = raised_by(facts, "certificate-expired");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].subject, "supplier/S-SZ02");
  EXPECT_EQ(
      raised[0].summary,
      "深圳市创联电子科技有限公司 (S-SZ02)'s ISO 9001 certificate 04524Q30876R1M expired on 2025-06-15.");
  EXPECT_EQ(evidence(raised[0], "number"), "04524Q30876R1M");
}

// An agreement that expires on day D covers day D: a renewal effective on D + 1 follows it without
// a gap and ends the warning; one effective on D + 2 leaves a day uncovered and does not.
TEST(AgreementExpiringTest, RenewalFromTheDayAfterExpiryEndsTheWarning) {
  Facts facts = clean_workspace();
  AgreementFacts old = dongguan_nnn();
  old.expires = day("2025-07-31");
  AgreementFacts renewal = dongguan_nnn();
  renewal.id = "AG-DG02";
  renewal.effective = day("2025-08-01");
  renewal.expires = day("2028-07-31");
  facts.legal.agreements = {old, renewal};
  EXPECT_TRUE(raised_by(facts, "agreement-expiring").empty());
  facts.legal.agreements[1].effective = day("2025-08-02");
  const std::vector<Raised> raised = raised_by(facts, "agreement-expiring");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].subject, "agreement/AG-DG01");
}

// A quality flag on an agreement clears for a reason the ledger names: the agreement lapsed (not
// that its quality was put right), was removed, passes now, or fails other checks.
TEST(AgreementQualityTest, ClearingSaysWhatEndedIt) {
  Facts facts = clean_workspace();
  AgreementFacts nnn = dongguan_nnn();
  nnn.failures = {{"prc-governing-law", "governed by HK law"}};
  facts.legal.agreements = {nnn};
  const std::vector<Raised> raised = raised_by(facts, "agreement-quality");
  ASSERT_EQ(raised.size(), 1u);
  const auto cleared = [&] {
    return cleared_reason(facts, "agreement-quality", raised[0].subject, raised[0].cause);
  };
  facts.today = day("2027-01-31");  // the day it expires: still in force, still checked
  EXPECT_EQ(raised_by(facts, "agreement-quality").size(), 1u);
  facts.today = day("2027-02-01");  // the day after
  EXPECT_TRUE(raised_by(facts, "agreement-quality").empty());
  EXPECT_NE(cleared().find("expired on 2027-01-31"), std::string::npos) << cleared();
  facts.today = day("2025-06-16");
  facts.legal.agreements[0].failures.clear();
  EXPECT_NE(cleared().find("now passes every quality check"), std::string::npos) << cleared();
  // Failing checks in any order: named sorted, as the flag's cause names them.
  facts.legal.agreements[0].failures = {{"prc-governing-law", "governed by HK law"},
                                        {"chinese-text-controls", "the en text controls"}};
  EXPECT_NE(cleared().find("now fails chinese-text-controls,prc-governing-law instead of prc-governing-law"),
            std::string::npos)
      << cleared();
  facts.legal.agreements.clear();
  EXPECT_NE(cleared().find("no longer on record"), std::string::npos) << cleared();
}

TEST(CertificateExpiredTest, RenewedCertificateIsQuiet) {
  // The old certificate stays on record after recertification; the new one is valid.
  Facts facts = clean_workspace();
  certificate(facts, "C-SZ02-9001").expires = day("2025-06-15");
  facts.certificates.push_back({"S-SZ02", "C-SZ02-9001b", "ISO 9001", "04525Q31544R2M", day("2028-06-14")});
  EXPECT_TRUE(raised_by(facts, "certificate-expired").empty());
}

TEST(CertificateExpiredTest, ValidCertificateOfAnotherStandardDoesNotCover) {
  Facts facts = clean_workspace();
  certificate(facts, "C-SZ02-9001").expires = day("2025-06-15");
  facts.certificates.push_back({"S-SZ02", "C-SZ02-14001", "ISO 14001", "04525E30110R1M", day("2027-09-30")});
  EXPECT_EQ(raised_by(facts, "certificate-expired").size(), 1u);
}

TEST(CertificateExpiredTest, RejectedSupplierIsQuiet) {
  Facts facts = clean_workspace();
  certificate(facts, "C-SZ02-9001").expires = day("2025-06-15");
  supplier(facts, "S-SZ02").status = "rejected";
  EXPECT_TRUE(raised_by(facts, "certificate-expired").empty());
}

TEST(CertificateExpiredTest, EachExpiredCertificateIsItsOwnFlag) {
  Facts facts = clean_workspace();
  certificate(facts, "C-SZ02-9001").expires = day("2025-06-15");
  facts.certificates.push_back({"S-SZ02", "C-SZ02-16949", "IATF 16949", "0412345", day("2025-05-01")});
  EXPECT_EQ(raised_by(facts, "certificate-expired").size(), 2u);
}

TEST(AuditOverdueTest, GivesTheDueDateAsCause) {
  Facts facts = clean_workspace();
  visit(facts, "V-2025-019").date = day("2024-12-01");
  const std::vector<Raised> raised = raised_by(facts, "audit-overdue");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].subject, "supplier/S-SZ02");
  EXPECT_EQ(raised[0].cause, "2025-05-30");  // 180 days after 2024-12-01
  EXPECT_EQ(evidence(raised[0], "last audit"), "2024-12-01");
  EXPECT_EQ(evidence(raised[0], "audit interval"), "180 days");
}

TEST(AuditOverdueTest, ActiveSupplierNeverAuditedRaises) {
  Facts facts = clean_workspace();
  std::erase_if(facts.visits,
                [](const VisitFacts& v) { return v.supplier == "S-SZ02" && v.kind == "audit"; });
  const std::vector<Raised> raised = raised_by(facts, "audit-overdue");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].cause, "never audited");
}

TEST(AuditOverdueTest, OwnersVisitIsNotAnAudit) {
  Facts facts = clean_workspace();
  visit(facts, "V-2025-019").date = day("2024-12-01");
  facts.visits.push_back({"V-2025-030", "S-SZ02", "owner-visit", day("2025-06-01"), std::nullopt, {}, {}});
  EXPECT_EQ(raised_by(facts, "audit-overdue").size(), 1u);
}

TEST(AuditOverdueTest, InactiveSuppliersNeedNoAudit) {
  Facts facts = clean_workspace();  // S-NB03 (inactive) was never audited
  EXPECT_TRUE(raised_by(facts, "audit-overdue").empty());
}

// The own facility is audited as any supplier is (the gate's recent-audit checks it too): only the
// NNN and the owner's visit make no sense there.
TEST(AuditOverdueTest, TheOwnFacilityIsAuditedAsAnyone) {
  Facts facts = clean_workspace();
  std::erase_if(facts.visits,
                [](const VisitFacts& v) { return v.supplier == "S-SU00" && v.kind == "audit"; });
  const std::vector<Raised> raised = raised_by(facts, "audit-overdue");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].subject, "supplier/S-SU00");
  EXPECT_EQ(raised[0].cause, "never audited");
}

TEST(CriticalFindingOverdueTest, ClosedOrMinorFindingsAreQuiet) {
  Facts facts = clean_workspace();
  finding(facts, "F1").due = day("2025-04-05");  // closed, long past due
  finding(facts, "F2").due = day("2025-06-01");  // major, past due
  EXPECT_TRUE(raised_by(facts, "critical-finding-overdue").empty());
}

TEST(CriticalFindingOverdueTest, SubjectIsTheFinding) {
  Facts facts = clean_workspace();
  finding(facts, "F1").closed = false;
  const std::vector<Raised> raised = raised_by(facts, "critical-finding-overdue");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].subject, "finding/V-2025-014/F1");
  EXPECT_EQ(evidence(raised[0], "due on"), "2025-04-05");
  EXPECT_TRUE(mentions(raised[0].summary, "Rejected enclosures sold to a recycler")) << raised[0].summary;
}

TEST(UnapprovedSubcontractorTest, SupplierWithNoApprovedSubcontractorsRaises) {
  Facts facts = clean_workspace();
  visit(facts, "V-2025-019").subcontractors_seen = {
      "东莞市华辉表面处理有限公司"};  // approved for S-DG01 only
  const std::vector<Raised> raised = raised_by(facts, "unapproved-subcontractor");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].subject, "supplier/S-SZ02");
  EXPECT_EQ(evidence(raised[0], "approved subcontractors"), "none");
}

TEST(CapacitySwingTest, ComparesConsecutiveVisitsByDate) {
  // Visits given out of order: 55 000 (March), 58 000 (May), 60 000 (June) is no swing.
  Facts facts = clean_workspace();
  facts.visits.insert(facts.visits.begin(),
                      VisitFacts{"V-2025-027", "S-DG01", "visit", day("2025-05-12"), 58000, {}, {}});
  EXPECT_TRUE(raised_by(facts, "capacity-swing").empty());
}

TEST(CapacitySwingTest, DropIsASwingToo) {
  Facts facts = clean_workspace();
  visit(facts, "V-2025-031").capacity_seen = 30000;
  const std::vector<Raised> raised = raised_by(facts, "capacity-swing");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].cause, "V-2025-014:V-2025-031");
  EXPECT_EQ(evidence(raised[0], "change"), "-45.5%");
  EXPECT_EQ(evidence(raised[0], "declared capacity"), "60000");
}

TEST(UnaccountedUnitsTest, EvidenceCarriesTheArithmetic) {
  Facts facts = clean_workspace();
  facts.reconciliations = {april_at_dongguan(12500)};
  const std::vector<Raised> raised = raised_by(facts, "unaccounted-units");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].subject, "supplier/S-DG01");
  EXPECT_EQ(raised[0].cause, "aurora-speaker:2025-04-01");
  EXPECT_EQ(raised[0].summary,
            "东莞恒泰精密塑胶有限公司 (S-DG01) could have built 2000 more units of aurora-speaker than it "
            "accounted "
            "for between 2025-04-01 and 2025-04-30.");
  EXPECT_EQ(evidence(raised[0], "unaccounted units"), "2000");
  EXPECT_EQ(evidence(raised[0], "allowance"), "196");
  EXPECT_EQ(evidence(raised[0], "accounted"),
            "9800 shipped + 150 scrap + 650 on hand at the end − 300 at the start = 10300");
  EXPECT_TRUE(mentions(evidence(raised[0], "consigned MCU-PROG"), "12500 issued − 200 returned"));
  EXPECT_TRUE(mentions(evidence(raised[0], "consigned MCU-PROG"), "2000 unaccounted"));
}

TEST(UnaccountedUnitsTest, FiguresAreWrittenWithoutATrailingPoint) {
  Facts facts = clean_workspace();
  facts.reconciliations = {april_at_dongguan(12500)};
  Result<Settings> configured =
      settings({{"unaccounted-units", {std::nullopt, std::nullopt, {{"min_units", 199.999}}}}});
  ASSERT_TRUE(configured.ok()) << configured.error().to_string();
  const std::vector<Raised> raised = of_rule(evaluate(facts, *configured), "unaccounted-units");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(evidence(raised[0], "allowance"), "200");
}

TEST(ToolingUnapprovedLocationTest, UnapprovedMoveToUnvettedMolderRaisesBothConcerns) {
  Facts facts = clean_workspace();
  move_mold_to_unvetted_molder(facts);
  std::set<std::string> causes;
  for (const Raised& r : raised_by(facts, "tooling-unapproved-location")) causes.insert(r.cause);
  EXPECT_EQ(causes, (std::set<std::string>{"at:S-HZ07", "relocation:R-02"}));
}

TEST(ToolingUnapprovedLocationTest, ApprovedMoveToAPlaceNotApprovedForTheToolRaises) {
  Facts facts = clean_workspace();
  ToolFacts& tool = top_cover_mold(facts);
  tool.location = "S-SZ02";
  tool.events.push_back(
      {"R-02", day("2025-06-05"), ToolEventKind::kRelocation, std::nullopt, "S-DG01", "S-SZ02", true, ""});
  const std::vector<Raised> raised = raised_by(facts, "tooling-unapproved-location");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].subject, "tooling/T-ENC-01");
  EXPECT_EQ(raised[0].cause, "at:S-SZ02");
  EXPECT_EQ(evidence(raised[0], "location"), "深圳市创联电子科技有限公司 (S-SZ02)");
  EXPECT_EQ(evidence(raised[0], "approved locations"), "S-DG01, S-NB03");
}

TEST(ToolingUnapprovedLocationTest, UnapprovedMoveBetweenApprovedLocationsRaises) {
  Facts facts = clean_workspace();
  ToolFacts& tool = top_cover_mold(facts);
  tool.location = "S-NB03";
  tool.events.push_back(
      {"R-02", day("2025-06-05"), ToolEventKind::kRelocation, std::nullopt, "S-DG01", "S-NB03", false, ""});
  const std::vector<Raised> raised = raised_by(facts, "tooling-unapproved-location");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].cause, "relocation:R-02");
}

TEST(ToolingUnapprovedLocationTest, ScrappedToolIsQuiet) {
  Facts facts = clean_workspace();
  move_mold_to_unvetted_molder(facts);
  top_cover_mold(facts).scrapped = true;
  EXPECT_TRUE(raised_by(facts, "tooling-unapproved-location").empty());
}

TEST(ToolingMovedUnrecordedTest, SightingAfterARecordedMoveIsChecked) {
  Facts facts = clean_workspace();
  ToolFacts& tool = top_cover_mold(facts);
  tool.location = "S-NB03";
  tool.events.push_back(
      {"R-02", day("2025-06-05"), ToolEventKind::kRelocation, std::nullopt, "S-DG01", "S-NB03", true, ""});
  // Seen back in Dongguan after the recorded move to Ningbo.
  tool.events.push_back({"SG-02", day("2025-06-12"), ToolEventKind::kSighting, std::nullopt, "", "S-DG01",
                         false, "V-2025-034"});
  const std::vector<Raised> raised = raised_by(facts, "tooling-moved-unrecorded");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].cause, "SG-02");
  EXPECT_EQ(evidence(raised[0], "passport location"), "S-NB03");
  EXPECT_EQ(evidence(raised[0], "passport basis"), "relocation R-02 on 2025-06-05");
  EXPECT_EQ(evidence(raised[0], "by visit"), "V-2025-034");
}

TEST(ToolingShotsUnexplainedTest, CountsShotsFromTheToolsArrival) {
  // 350 trial shots at the toolmaker do not count against the molder's shipments.
  Facts facts = clean_workspace();
  event(top_cover_mold(facts), "E-02").shots = 25350;
  const std::vector<Raised> raised = raised_by(facts, "tooling-shots-unexplained");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(
      evidence(raised[0], "arithmetic"),
      "25350 shots − 350 at arrival = 25000 shots × 2 cavities ÷ 1 per unit = 50000 units molded − 29800 "
      "accounted = 20200 unexplained");
  EXPECT_EQ(evidence(raised[0], "arrived"), "relocation R-01 on 2025-02-25");
  EXPECT_EQ(evidence(raised[0], "allowance"), "596");
}

TEST(ToolingShotsUnexplainedTest, ToolThatNeverMovedCountsFromZero) {
  Facts facts = clean_workspace();
  ToolFacts& tool = top_cover_mold(facts);
  std::erase_if(tool.events, [](const ToolEvent& e) { return e.kind == ToolEventKind::kRelocation; });
  const std::vector<Raised> raised = raised_by(facts, "tooling-shots-unexplained");
  ASSERT_EQ(raised.size(), 1u);  // 30 700 covers against 29 800: 900 over, 596 allowed
  EXPECT_EQ(raised[0].cause, "since:commissioning");
  EXPECT_TRUE(mentions(evidence(raised[0], "arithmetic"), "15350 shots − 0 at arrival = 15350 shots"));
}

TEST(ToolingShotsUnexplainedTest, OverrunAfterAMoveIsANewCause) {
  // An overrun at the molder after the one at the toolmaker was resolved is a new flag.
  Facts facts = clean_workspace();
  ToolFacts& tool = top_cover_mold(facts);
  event(tool, "E-02").shots = 25350;
  const std::string first = raised_by(facts, "tooling-shots-unexplained").at(0).cause;
  tool.location = "S-NB03";
  tool.events.push_back(
      {"R-02", day("2025-06-05"), ToolEventKind::kRelocation, std::nullopt, "S-DG01", "S-NB03", true, ""});
  tool.events.push_back({"E-03", day("2025-06-14"), ToolEventKind::kReading, 30000, "", "", false, ""});
  tool.units_accounted = 0;
  const std::vector<Raised> raised = raised_by(facts, "tooling-shots-unexplained");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_NE(raised[0].cause, first);
  EXPECT_TRUE(mentions(evidence(raised[0], "arithmetic"), "30000 shots − 25350 at arrival = 4650 shots"));
}

TEST(AffiliatedCollusionTest, NamesThePlanRecipeAndWhatEachAffiliateHolds) {
  Facts facts = clean_workspace();
  affiliate_molder_with_pcba_maker(facts);
  const std::vector<Raised> raised = raised_by(facts, "affiliated-collusion");
  ASSERT_EQ(raised.size(), 1u);  // the functional clone needs the firmware, held only in Suzhou
  EXPECT_EQ(raised[0].subject, "plan/aurora-speaker/P-2025-03");
  EXPECT_EQ(raised[0].cause, "aurora-speaker:hardware-clone:S-DG01,S-SZ02");
  EXPECT_EQ(evidence(raised[0], "recipe"), "hardware-clone: enclosure-geometry, schematic");
  EXPECT_EQ(evidence(raised[0], "party G-HENGTAI"), "S-DG01, S-SZ02");
  EXPECT_EQ(evidence(raised[0], "S-DG01 holds"), "enclosure-geometry");
  EXPECT_EQ(evidence(raised[0], "S-SZ02 holds"), "pcb-layout, bom, schematic");
}

TEST(AffiliatedCollusionTest, SuppliersWithoutAPartyAreEachTheirOwn) {
  // An instance built in memory may leave the party empty for unaffiliated suppliers.
  Facts facts = clean_workspace();
  for (plan::Supplier& s : facts.plans.front().instance.suppliers) s.party.clear();
  EXPECT_TRUE(raised_by(facts, "affiliated-collusion").empty());
}

TEST(AffiliatedCollusionTest, PlanWithUnknownReferencesIsSkippedNotThrown) {
  Facts facts = clean_workspace();
  affiliate_molder_with_pcba_maker(facts);
  facts.plans.front().instance.recipes.push_back({"look-alike", {"enclosure-geometry", "brand-artwork"}});
  EXPECT_TRUE(raised_by(facts, "affiliated-collusion").empty());
}

TEST(AffiliatedCollusionTest, AssignmentOutsideTheInstanceIsIgnored) {
  Facts facts = clean_workspace();
  affiliate_molder_with_pcba_maker(facts);
  facts.plans.front().assignments.push_back({"PK-BOX", "S-XX99", 30000});
  EXPECT_EQ(raised_by(facts, "affiliated-collusion").size(), 1u);
}

TEST(AffiliatedCollusionTest, PartyThatHeldTheRecipeAloneFromTheStartIsNotAnAffiliation) {
  // One supplier given both packages: the planner would not have approved it, and no
  // affiliation is news here.
  Facts facts = clean_workspace();
  plan::Instance& instance = facts.plans.front().instance;
  instance.suppliers[0].capabilities.push_back("pcba-smt");
  instance.quotes.push_back({"PK-PCBA", "S-DG01", 6.10, 3800});
  facts.plans.front().assignments[1].supplier = "S-DG01";
  EXPECT_TRUE(raised_by(facts, "affiliated-collusion").empty());
}

TEST(OwnerVisitMissingTest, PlannedVisitDoesNotCountUntilItHappens) {
  Facts facts = clean_workspace();
  add_driver_maker(facts, "2025-06-25");
  facts.visits.push_back({"V-2025-036", "S-HZ05", "owner-visit", day("2025-06-20"), std::nullopt, {}, {}});
  const std::vector<Raised> raised = raised_by(facts, "owner-visit-missing");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].cause, "2025-06-25");
  EXPECT_EQ(evidence(raised[0], "warning starts"), "2025-06-11");
  // Once the day has come and the visit is on record, the warning ends.
  facts.today = day("2025-06-21");
  EXPECT_TRUE(raised_by(facts, "owner-visit-missing").empty());
}

TEST(OwnerVisitMissingTest, VisitAfterProductionStartedDoesNotCount) {
  Facts facts = clean_workspace();
  visit(facts, "V-2025-018").date = day("2025-04-08");  // S-SZ02 started on 2025-04-01
  const std::vector<Raised> raised = raised_by(facts, "owner-visit-missing");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].subject, "supplier/S-SZ02");
}

TEST(OwnerVisitMissingTest, TheOwnersOwnFacilityIsNotVisitedByItsOwner) {
  Facts facts = clean_workspace();
  std::erase_if(facts.visits, [](const VisitFacts& v) { return v.supplier == "S-SU00"; });
  EXPECT_TRUE(raised_by(facts, "owner-visit-missing").empty());
  supplier(facts, "S-SU00").trusted = false;  // the same plant, were it a supplier's
  EXPECT_EQ(raised_by(facts, "owner-visit-missing").size(), 1u);
}

TEST(OwnerVisitMissingTest, AnAuditIsNotTheOwnersVisit) {
  Facts facts = clean_workspace();
  add_driver_maker(facts, "2025-06-25");
  facts.visits.push_back({"V-2025-035", "S-HZ05", "audit", day("2025-06-12"), 40000, {}, {}});
  EXPECT_EQ(raised_by(facts, "owner-visit-missing").size(), 1u);
}

// ---- Settings --------------------------------------------------------------------------------

TEST(SettingsTest, DefaultsAreEachRulesRow) {
  const Settings settings_by_rule = defaults();
  ASSERT_EQ(settings_by_rule.size(), builtin_rules().size());
  for (const Rule& rule : builtin_rules()) {
    const RuleSetting& setting = settings_by_rule.at(std::string(rule.id));
    EXPECT_EQ(setting.severity, rule.severity) << rule.id;
    EXPECT_TRUE(setting.enabled) << rule.id;
    ASSERT_EQ(setting.thresholds.size(), rule.thresholds.size()) << rule.id;
    for (const auto& threshold : rule.thresholds)
      EXPECT_EQ(setting.threshold(threshold.first), threshold.second);
  }
  EXPECT_EQ(settings_by_rule.at("audit-overdue").threshold("interval_days"), 180);
  EXPECT_EQ(settings_by_rule.at("audit-overdue").threshold("no_such_threshold"), 0);
}

TEST(SettingsTest, SeverityOverrideAppliesToRaisedFlags) {
  Facts facts = clean_workspace();
  certificate(facts, "C-SZ02-9001").expires = day("2025-06-15");
  Result<Settings> configured = settings({{"certificate-expired", {Severity::kCritical, std::nullopt, {}}}});
  ASSERT_TRUE(configured.ok()) << configured.error().to_string();
  const std::vector<Raised> raised = of_rule(evaluate(facts, *configured), "certificate-expired");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].severity, Severity::kCritical);
}

TEST(SettingsTest, ThresholdOverrideChangesWhatRaises) {
  // Audit every 60 days: Shenzhen (last audited 2025-03-21) is overdue, Dongguan (06-02) is not.
  Result<Settings> configured =
      settings({{"audit-overdue", {std::nullopt, std::nullopt, {{"interval_days", 60}}}}});
  ASSERT_TRUE(configured.ok()) << configured.error().to_string();
  const std::vector<Raised> raised = of_rule(evaluate(clean_workspace(), *configured), "audit-overdue");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].subject, "supplier/S-SZ02");
  EXPECT_EQ(raised[0].cause, "2025-05-20");
  EXPECT_EQ(evidence(raised[0], "audit interval"), "60 days");
}

TEST(SettingsTest, DisabledRuleRaisesNothing) {
  Facts facts = clean_workspace();
  visit(facts, "V-2025-031").capacity_seen = 90000;
  Result<Settings> configured = settings({{"capacity-swing", {std::nullopt, false, {}}}});
  ASSERT_TRUE(configured.ok()) << configured.error().to_string();
  EXPECT_TRUE(of_rule(evaluate(facts, *configured), "capacity-swing").empty());
  EXPECT_EQ(of_rule(evaluate(facts, defaults()), "capacity-swing").size(), 1u);
}

TEST(SettingsTest, RuleMissingFromSettingsUsesItsDefaults) {
  Facts facts = clean_workspace();
  visit(facts, "V-2025-031").capacity_seen = 90000;
  EXPECT_EQ(of_rule(evaluate(facts, Settings{}), "capacity-swing").size(), 1u);
}

struct SettingsErrorCase {
  const char* name;
  Overrides overrides;
  const char* where;
  const char* message_part;
};

class SettingsErrorTest : public ::testing::TestWithParam<SettingsErrorCase> {};

TEST_P(SettingsErrorTest, NamesTheSetting) {
  const SettingsErrorCase& c = GetParam();
  const Result<Settings> configured = settings(c.overrides);
  ASSERT_FALSE(configured.ok());
  EXPECT_EQ(configured.error().code(), ErrorCode::kInput);
  EXPECT_EQ(configured.error().where(), c.where);
  EXPECT_TRUE(mentions(configured.error().message(), c.message_part)) << configured.error().message();
}

void PrintTo(const SettingsErrorCase& c, std::ostream* out) {
  *out << c.name;
}

std::string settings_case_name(const ::testing::TestParamInfo<SettingsErrorCase>& param) {
  return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(
    Overrides, SettingsErrorTest,
    ::testing::Values(
        SettingsErrorCase{"UnknownRule",
                          {{"certificate-expiry", {Severity::kLow, std::nullopt, {}}}},
                          "flags.certificate-expiry",
                          "unknown rule (known: requalification-overdue, "},
        SettingsErrorCase{"UnknownThreshold",
                          {{"audit-overdue", {std::nullopt, std::nullopt, {{"interval_months", 6}}}}},
                          "flags.audit-overdue.interval_months",
                          "unknown threshold (it has interval_days)"},
        SettingsErrorCase{"ThresholdOnARuleWithout",
                          {{"certificate-expired", {std::nullopt, std::nullopt, {{"days_before", 30}}}}},
                          "flags.certificate-expired.days_before",
                          "it has none"},
        SettingsErrorCase{"NegativeThreshold",
                          {{"unaccounted-units", {std::nullopt, std::nullopt, {{"min_units", -5}}}}},
                          "flags.unaccounted-units.min_units",
                          "0 or more"},
        SettingsErrorCase{
            "NotANumber",
            {{"capacity-swing",
              {std::nullopt, std::nullopt, {{"max_change", std::numeric_limits<double>::quiet_NaN()}}}}},
            "flags.capacity-swing.max_change",
            "0 or more"}),
    settings_case_name);

TEST(SettingsTest, EveryProblemIsReportedAtOnce) {
  const Result<Settings> configured =
      settings({{"audit-overdue", {std::nullopt, std::nullopt, {{"interval_months", 6}}}},
                {"ghost-shift", {Severity::kHigh, std::nullopt, {}}},
                {"unaccounted-units", {std::nullopt, std::nullopt, {{"min_share", -0.1}}}}});
  ASSERT_FALSE(configured.ok());
  std::vector<std::string> where;
  for (const Diagnostic& d : configured.error().diagnostics()) where.push_back(d.where);
  EXPECT_EQ(where, (std::vector<std::string>{"flags.audit-overdue.interval_months", "flags.ghost-shift",
                                             "flags.unaccounted-units.min_share"}));
}

TEST(SeverityTest, NamesRoundTrip) {
  for (const Severity severity :
       {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    EXPECT_EQ(parse_severity(severity_name(severity)), severity);
  }
  EXPECT_FALSE(parse_severity("urgent"));
  EXPECT_FALSE(parse_severity("High"));
}

// ---- Evaluate: order and one flag per cause ----------------------------------------------------

TEST(EvaluateTest, OrdersBySeverityThenRuleSubjectAndCause) {
  Facts facts = clean_workspace();
  certificate(facts, "C-SZ02-9001").expires = day("2025-06-15");                    // high
  finding(facts, "F1").closed = false;                                              // critical
  visit(facts, "V-2025-031").capacity_seen = 90000;                                 // medium
  visit(facts, "V-2025-031").subcontractors_seen = {"深圳市速印丝网印刷厂"};        // critical
  visit(facts, "V-2025-019").subcontractors_seen = {"东莞市华辉表面处理有限公司"};  // critical
  top_cover_mold(facts).events.push_back(
      {"C-02", day("2025-05-20"), ToolEventKind::kChange, std::nullopt, "", "", false, ""});  // medium
  const std::vector<Raised> raised = evaluate(facts, defaults());
  std::vector<std::string> order;
  for (const Raised& r : raised) order.push_back(r.rule + " " + r.subject);
  EXPECT_EQ(order,
            (std::vector<std::string>{
                "critical-finding-overdue finding/V-2025-014/F1", "unapproved-subcontractor supplier/S-DG01",
                "unapproved-subcontractor supplier/S-SZ02", "certificate-expired supplier/S-SZ02",
                "capacity-swing supplier/S-DG01", "tooling-change-unapproved tooling/T-ENC-01"}));
}

TEST(EvaluateTest, SeverityOverrideReordersFlags) {
  Facts facts = clean_workspace();
  certificate(facts, "C-SZ02-9001").expires = day("2025-06-15");
  finding(facts, "F1").closed = false;
  Result<Settings> configured = settings({{"critical-finding-overdue", {Severity::kLow, std::nullopt, {}}}});
  ASSERT_TRUE(configured.ok()) << configured.error().to_string();
  const std::vector<Raised> raised = evaluate(facts, *configured);
  ASSERT_EQ(raised.size(), 2u);
  EXPECT_EQ(raised[0].rule, "certificate-expired");
  EXPECT_EQ(raised[1].rule, "critical-finding-overdue");
}

TEST(EvaluateTest, NameListedTwiceOnOneVisitIsOneFlag) {
  Facts facts = clean_workspace();
  visit(facts, "V-2025-031").subcontractors_seen = {"Shenzhen Suyin Screen Printing",
                                                    " SHENZHEN SUYIN SCREEN PRINTING"};
  visit(facts, "V-2025-031").sites_seen = {"乌沙第二工业区 7 号厂房", "乌沙第二工业区 7 号厂房 "};
  EXPECT_EQ(raised_by(facts, "unapproved-subcontractor").size(), 1u);
  EXPECT_EQ(raised_by(facts, "unknown-site").size(), 1u);
}

TEST(EvaluateTest, SameNameOnTwoVisitsIsTwoSightings) {
  Facts facts = clean_workspace();
  visit(facts, "V-2025-014").subcontractors_seen = {"深圳市速印丝网印刷厂"};
  visit(facts, "V-2025-031").subcontractors_seen = {"深圳市速印丝网印刷厂"};
  std::set<std::string> causes;
  for (const Raised& r : raised_by(facts, "unapproved-subcontractor")) causes.insert(r.cause);
  EXPECT_EQ(causes,
            (std::set<std::string>{"V-2025-014:深圳市速印丝网印刷厂", "V-2025-031:深圳市速印丝网印刷厂"}));
}

TEST(EvaluateTest, NoTwoFlagsShareACause) {
  // Everything at once: still one flag per (rule, subject, cause).
  Facts facts = clean_workspace();
  for (const RuleCase& c : kRuleCases) c.raise(facts);
  const std::vector<Raised> raised = evaluate(facts, defaults());
  std::set<FlagKey> keys;
  for (const Raised& r : raised) EXPECT_TRUE(keys.insert(key_of(r)).second) << r.rule << " " << r.cause;
  EXPECT_GE(keys.size(), 10u);
}

}  // namespace
}  // namespace moat::flags
