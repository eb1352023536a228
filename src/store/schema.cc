// SPDX-License-Identifier: Apache-2.0
#include "store/schema.h"

#include <array>

#include "core/catalog.h"

namespace moat::store {
namespace {

using enum FieldType;

constexpr std::array<std::string_view, 2> kMakeBuy = {"make", "buy"};
constexpr std::array<std::string_view, 3> kPlanStates = {"draft", "approved", "superseded"};
constexpr std::array<std::string_view, 3> kResults = {"qualified", "conditional", "rejected"};
constexpr std::array<std::string_view, 4> kOversightRoles = {"agent", "engineer", "quality", "auditor"};
constexpr std::array<std::string_view, 3> kVisitKinds = {"audit", "visit", "owner-visit"};
constexpr std::array<std::string_view, 2> kPassFail = {"pass", "fail"};
constexpr std::array<std::string_view, 3> kItemResults = {"pass", "fail", "na"};
constexpr std::array<std::string_view, 4> kFindingSeverities = {"critical", "major", "minor", "observation"};
constexpr std::array<std::string_view, 3> kFindingStates = {"open", "answered", "closed"};
constexpr std::array<std::string_view, 5> kToolKinds = {"mold", "die", "fixture", "jig", "gauge"};
constexpr std::array<std::string_view, 2> kToolStates = {"active", "scrapped"};
constexpr std::array<std::string_view, 5> kToolEventKinds = {"reading", "relocation", "change", "sighting", "scrap"};
constexpr std::array<std::string_view, 5> kMovementKinds = {"consigned", "returned", "shipped", "scrap", "on-hand"};
constexpr std::array<std::string_view, 5> kFlagSeverities = {"info", "low", "medium", "high", "critical"};
constexpr std::array<std::string_view, 3> kFlagStates = {"open", "acknowledged", "resolved"};
constexpr std::array<std::string_view, 2> kFlagResolutions = {"manual", "automatic"};

constexpr std::array<std::string_view, 3> kPartIdAliases = {"part", "part id", "internal pn"};
constexpr std::array<std::string_view, 2> kParentAliases = {"parent id", "assembly"};
constexpr std::array<std::string_view, 9> kDesignatorAliases = {
    "reference", "references", "ref", "refdes", "designator", "designators", "refs", "reference(s)", "parts"};
constexpr std::array<std::string_view, 2> kPartNameAliases = {"value", "comment"};
constexpr std::array<std::string_view, 1> kFootprintAliases = {"pattern"};
constexpr std::array<std::string_view, 3> kQuantityAliases = {"qty", "count", "qnty"};
constexpr std::array<std::string_view, 2> kFittedAliases = {"populate", "populated"};
constexpr std::array<std::string_view, 1> kCapabilityAliases = {"process"};
constexpr std::array<std::string_view, 3> kMakeBuyAliases = {"make/buy", "makebuy", "source"};
constexpr std::array<std::string_view, 5> kManufacturerAliases = {"mfr", "manufacturer name",
                                                                  "manufacturer 1", "mfr.", "mf"};
constexpr std::array<std::string_view, 6> kMpnAliases = {
    "manufacturer part number", "mfr part number", "manufacturer part", "manufacturer 1 part number",
    "manufacturer part number 1", "mfr. part number"};

// Qualification, oversight, tooling, reconciliation and red flags: parents before children.
std::vector<Table> vetting_tables() {
  const Field supplier{"supplier", kId, true};
  // Vault ids ("v" + 64 hex digits) are longer than record ids may be: texts, checked as references.
  const Field evidence{"evidence", kNameList, false, Bound::kNone, {}, "[]"};
  const Reference to_supplier{"supplier", "suppliers"};
  const Reference to_evidence{"evidence", "documents"};
  return {
      {"documents", "document",
       {{"id", kText, true}, {"name", kText, true}, {"size", kInteger, true, Bound::kNonNegative},
        {"media_type", kText}, {"added_at", kText, true}, {"added_by", kText, true}, {"note", kText}}},
      {"assessments", "assessment",
       {supplier, {"id", kId, true}, {"date", kDate, true}, {"assessor", kText, true},
        {"approver", kText}, {"approved_at", kText},
        {"result", kEnum, true, Bound::kNone, kResults}, {"score", kNumber, true, Bound::kNonNegative},
        {"tier", kText}, {"max_exposure_share", kShare}, {"valid_until", kDate},
        {"knocked_out_by", kIdList, false, Bound::kNone, {}, "[]"}, {"note", kText}},
       2, false, {to_supplier}},
      {"scores", "assessment score",
       {supplier, {"assessment", kId, true}, {"criterion", kId, true},
        {"score", kNumber, true, Bound::kNonNegative}, evidence, {"note", kText}},
       3, false, {to_supplier, {"assessment", "assessments", "supplier"}, to_evidence}},
      {"certificates", "certificate",
       {supplier, {"id", kId, true}, {"standard", kText, true}, {"issuer", kText}, {"number", kText},
        {"issued", kDate}, {"expires", kDate, true}, {"scope", kText}, evidence},
       2, false, {to_supplier, to_evidence}},
      {"assignments", "on-site assignment",
       {supplier, {"person", kId, true}, {"from", kDate, true},
        {"role", kEnum, true, Bound::kNone, kOversightRoles}, {"to", kDate}, {"note", kText}},
       3, false, {to_supplier, {"person", "people"}}},
      {"visits", "visit",
       {{"id", kId, true}, supplier, {"kind", kEnum, true, Bound::kNone, kVisitKinds},
        {"date", kDate, true}, {"by", kNameList, false, Bound::kNone, {}, "[]"}, {"checklist", kId},
        {"product", kId}, {"score", kNumber, false, Bound::kNonNegative},
        {"result", kEnum, false, Bound::kNone, kPassFail},
        {"capacity_seen", kInteger, false, Bound::kNonNegative},
        {"headcount_seen", kInteger, false, Bound::kNonNegative},
        {"sites_seen", kNameList, false, Bound::kNone, {}, "[]"},
        {"subcontractors_seen", kNameList, false, Bound::kNone, {}, "[]"},
        {"capacity_before", kInteger, false, Bound::kNonNegative},
        {"headcount_before", kInteger, false, Bound::kNonNegative}, evidence, {"note", kText}},
       1, false, {to_supplier, {"product", "products"}, to_evidence}},
      {"audit_items", "checklist item",
       {{"visit", kId, true}, {"item", kId, true}, {"topic", kText, true},
        {"result", kEnum, true, Bound::kNone, kItemResults}, {"score", kNumber, false, Bound::kNonNegative},
        {"critical", kBool, false, Bound::kNone, {}, "false"}, {"note", kText}, evidence},
       2, false, {{"visit", "visits"}, to_evidence}},
      {"findings", "finding",
       {{"visit", kId, true}, {"id", kId, true},
        {"severity", kEnum, true, Bound::kNone, kFindingSeverities}, {"item", kId},
        {"description", kText, true}, {"action", kText}, {"owner", kText}, {"due", kDate},
        {"state", kEnum, false, Bound::kNone, kFindingStates, "\"open\""}, {"answer", kText},
        {"closed_on", kDate}, {"closed_by", kText}, evidence},
       2, false, {{"visit", "visits"}, to_evidence}},
      {"tooling", "tool",
       {{"id", kId, true}, {"product", kId}, {"package", kId},
        {"kind", kEnum, true, Bound::kNone, kToolKinds}, {"name", kText, true}, {"owner", kText, true},
        {"maker", kText}, {"location", kId, true}, {"site", kText}, {"marking", kText},
        {"id_plate", kText}, {"cavities", kInteger, false, Bound::kAtLeastOne, {}, "1"},
        {"parts_per_unit", kInteger, false, Bound::kAtLeastOne, {}, "1"},
        {"approved_locations", kIdList, false, Bound::kNone, {}, "[]"},
        {"state", kEnum, false, Bound::kNone, kToolStates, "\"active\""}, {"commissioned", kDate},
        {"note", kText}},
       1, false,
       {{"product", "products"}, {"package", "packages", "product"}, {"location", "suppliers"},
        {"approved_locations", "suppliers"}}},
      {"tool_events", "tooling event",
       {{"tool", kId, true}, {"id", kId, true}, {"date", kDate, true},
        {"kind", kEnum, true, Bound::kNone, kToolEventKinds}, {"shots", kInteger, false, Bound::kNonNegative},
        {"from", kId}, {"to", kId}, {"approved_by", kText}, {"approved_on", kDate}, {"visit", kId},
        {"description", kText}, evidence},
       2, false,
       {{"tool", "tooling"}, {"from", "suppliers"}, {"to", "suppliers"}, {"visit", "visits"}, to_evidence}},
      {"orders", "purchase order",
       {{"id", kId, true}, supplier, {"product", kId, true}, {"package", kId},
        {"quantity", kInteger, true, Bound::kAtLeastOne}, {"issued", kDate, true}, {"due", kDate},
        {"ip_clause", kText}, {"penalty", kNumber, false, Bound::kNonNegative}, {"currency", kCurrency}},
       1, false, {to_supplier, {"product", "products"}, {"package", "packages", "product"}}},
      {"movements", "material movement",
       {supplier, {"id", kId, true}, {"date", kDate, true},
        {"kind", kEnum, true, Bound::kNone, kMovementKinds}, {"product", kId, true}, {"item", kId},
        {"quantity", kNumber, true, Bound::kNonNegative},
        {"per_unit", kNumber, false, Bound::kPositive, {}, "1"}, {"order", kId}, {"note", kText}},
       2, false, {to_supplier, {"product", "products"}, {"item", "parts", "product"}, {"order", "orders"}}},
      {"flags", "red flag",
       {{"id", kId, true}, {"rule", kText, true},
        {"severity", kEnum, true, Bound::kNone, kFlagSeverities}, {"subject", kText, true},
        {"cause", kText, true}, {"summary", kText, true}, {"evidence", kText, true},
        {"state", kEnum, false, Bound::kNone, kFlagStates, "\"open\""}, {"raised_at", kText, true},
        {"updated_by", kText}, {"updated_at", kText}, {"reason", kText},
        {"resolution", kEnum, false, Bound::kNone, kFlagResolutions}}},
  };
}

// Agreements, IP rights with their events, public disclosures and the gate's waivers.
std::vector<Table> legal_tables() {
  static constexpr std::array<std::string_view, 6> kAgreementKinds = {"nnn", "nda", "manufacturing", "tooling",
                                                                      "po-terms", "confidentiality"};
  static constexpr std::array<std::string_view, 7> kRightKinds = {
      "invention", "utility-model", "design", "trademark", "copyright", "software-copyright", "customs-recordation"};
  static constexpr std::array<std::string_view, 2> kScripts = {"latin", "chinese"};
  static constexpr std::array<std::string_view, 5> kDisclosureKinds = {"trade-show", "crowdfunding",
                                                                       "samples-without-nnn", "publication", "other"};
  const auto flag = [](std::string_view name) { return Field{name, kBool, false, Bound::kNone, {}, "false"}; };
  const auto id_list = [](std::string_view name) { return Field{name, kIdList, false, Bound::kNone, {}, "[]"}; };
  return {
      {"agreements", "agreement",
       {{"id", kId, true}, {"kind", kEnum, true, Bound::kNone, kAgreementKinds}, {"supplier", kId, true},
        {"counterparty_name", kText}, {"counterparty_uscc", kText}, {"governing_law", kText},
        id_list("languages"), {"controlling_language", kText}, {"court", kText}, {"court_country", kText},
        {"court_division", kText}, flag("arbitration"),
        {"liquidated_damages", kNumber, false, Bound::kNonNegative}, {"currency", kCurrency},
        flag("non_use"), flag("non_circumvention"), flag("subcontractor_flow_down"),
        flag("related_companies_liability"), flag("improvements_ownership"), flag("tooling_ownership"),
        {"signed_by", kText}, flag("signer_is_legal_rep"), flag("chop"), {"effective", kDate}, {"expires", kDate},
        id_list("products"), id_list("secrets"), {"document", kText}, {"contracted_by", kText},
        {"on_behalf_of", kText}, id_list("flows_down_to"), {"note", kText}, id_list("people")},
       1, false,
       {{"supplier", "suppliers"}, {"products", "products"}, {"document", "documents"},
        {"flows_down_to", "suppliers"}, {"people", "people"}}},
      {"ip_rights", "IP right",
       {{"id", kId, true}, {"kind", kEnum, true, Bound::kNone, kRightKinds}, {"jurisdiction", kId, true},
        {"title", kText, true}, {"mark", kText}, {"script", kEnum, false, Bound::kNone, kScripts},
        id_list("nice_classes"), id_list("subclasses"), {"application_number", kText},
        {"registration_number", kText}, {"filed", kDate}, {"priority", kDate}, {"published", kDate},
        {"registered", kDate}, {"expires", kDate}, flag("pct"), flag("made_in_china"), {"owner", kText},
        id_list("products"), id_list("parts"), id_list("secrets"), {"note", kText}},
       1, false, {{"products", "products"}}},
      {"ip_events", "IP right event",
       {{"right", kId, true}, {"event", kId, true}, {"date", kDate, true}, {"note", kText}},
       3, false, {{"right", "ip_rights"}}},
      {"disclosures", "disclosure",
       {{"id", kId, true}, {"kind", kEnum, true, Bound::kNone, kDisclosureKinds}, {"date", kDate, true},
        {"product", kId, true}, id_list("secrets"), {"note", kText}},
       1, false, {{"product", "products"}, {"secrets", "secrets", "product"}}},
      {"waivers", "waiver",
       {{"id", kId, true}, {"check", kText, true}, {"subject", kText, true}, {"product", kId},
        {"role", kText, true}, {"reason", kText, true}, {"by", kText, true}, {"granted", kDate, true},
        {"expires", kDate, true}},
       1, false, {{"product", "products"}}},
  };
}

// Design files in the vault, releases of them to people at a supplier, and each copy handed out.
std::vector<Table> release_tables() {
  static constexpr std::array<std::string_view, 2> kReleaseStates = {"active", "revoked"};
  const Field at{"created_at", kText, true};
  return {
      {"files", "design file",
       {{"id", kId, true}, {"product", kId, true}, {"package", kId, true}, {"name", kText, true},
        {"revision", kInteger, true, Bound::kAtLeastOne}, {"media_type", kText, true},
        {"size", kInteger, true, Bound::kNonNegative}, {"sha256", kText, true}, {"blob", kText, true},
        {"secrets", kIdList, false, Bound::kNone, {}, "[]"}, {"archive", kText}, {"note", kText},
        {"added_at", kText, true}, {"added_by", kText, true}},
       1, false,
       {{"product", "products"}, {"package", "packages", "product"}, {"secrets", "secrets", "product"}}},
      {"releases", "release",
       {{"id", kId, true}, {"product", kId, true}, {"package", kId, true}, {"supplier", kId, true},
        {"recipients", kIdList, true, Bound::kAtLeastOne}, {"files", kIdList, true, Bound::kAtLeastOne}, at,
        {"created_by", kText, true}, {"date", kDate, true}, {"expires", kDate}, {"reason", kText},
        {"destination", kText, true}, {"verdict", kText, true},
        {"state", kEnum, false, Bound::kNone, kReleaseStates, "\"active\""}, {"revoked_at", kText},
        {"revoked_by", kText}, {"revoke_reason", kText}, {"returned_at", kText}, {"returned_by", kText},
        {"return_reason", kText}},
       1, false,
       {{"product", "products"}, {"package", "packages", "product"}, {"supplier", "suppliers"},
        {"recipients", "people"}, {"files", "files"}}},
      {"copies", "copy",
       {{"id", kId, true}, {"release", kId, true}, {"recipient", kId, true}, {"file", kId, true},
        {"revision", kInteger, true, Bound::kAtLeastOne}, {"name", kText, true}, {"copy_hash", kText, true},
        {"blob", kText}, {"path", kText}, {"scheme", kText, true},
        {"resists", kInteger, false, Bound::kNonNegative, {}, "0"}, {"report", kText}, at},
       1, false, {{"release", "releases"}, {"recipient", "people"}, {"file", "files"}}},
  };
}

// The counterfeit watch: marketplace listings and the images captured of them (evidence in the
// vault), what the company's products are recognised by, the hits matching found and the
// complaints filed with the platforms, with the documents a complaint needs.
std::vector<Table> watch_tables() {
  static constexpr std::array<std::string_view, 10> kPlatforms = {
      "alibaba", "1688", "taobao", "tmall", "aliexpress", "jd", "pinduoduo", "amazon", "ebay", "other"};
  static constexpr std::array<std::string_view, 3> kReferenceKinds = {"image", "model", "keyword"};
  static constexpr std::array<std::string_view, 3> kHitStatuses = {"new", "confirmed", "dismissed"};
  static constexpr std::array<std::string_view, 5> kComplaintStatuses = {"drafted", "filed", "removed",
                                                                         "counter-notice", "relisted"};
  static constexpr std::array<std::string_view, 6> kDocumentKinds = {
      "certificate", "power-of-attorney", "business-licence", "translation", "identity", "test-buy"};
  const auto id_list = [](std::string_view name) { return Field{name, kIdList, false, Bound::kNone, {}, "[]"}; };
  return {
      {"listings", "listing",
       {{"id", kId, true}, {"platform", kEnum, true, Bound::kNone, kPlatforms}, {"url", kText, true},
        {"listing_id", kText}, {"title", kText, true}, {"description", kText},
        {"price", kNumber, false, Bound::kNonNegative}, {"currency", kCurrency},
        {"min_order", kInteger, false, Bound::kNonNegative}, {"seller", kText}, {"store_url", kText},
        {"seller_location", kText}, {"images", kNameList, false, Bound::kNone, {}, "[]"}, {"captured_at", kText},
        {"captured_by", kText}, {"source", kText}, {"imported_at", kText, true}, {"imported_by", kText, true}}},
      {"listing_images", "listing image",
       {{"listing", kId, true}, {"name", kText, true}, {"sha256", kText, true}, {"blob", kText, true},
        {"size", kInteger, true, Bound::kNonNegative}, {"media_type", kText, true}, {"fingerprint", kText},
        {"captured_at", kText}, {"captured_by", kText}},
       2, false, {{"listing", "listings"}}},
      {"watch_references", "watch reference",
       {{"id", kId, true}, {"product", kId, true}, {"kind", kEnum, true, Bound::kNone, kReferenceKinds},
        {"text", kText}, {"name", kText}, {"sha256", kText}, {"blob", kText},
        {"size", kInteger, false, Bound::kNonNegative}, {"media_type", kText}, {"fingerprint", kText},
        {"right", kId}, id_list("secrets"), {"added_at", kText, true}, {"added_by", kText, true}},
       1, false,
       {{"product", "products"}, {"right", "ip_rights"}, {"secrets", "secrets", "product"}}},
      {"hits", "hit",
       {{"id", kId, true}, {"listing", kId, true}, {"product", kId, true}, {"score", kShare, true},
        {"reasons", kText, true}, id_list("rights"),
        {"status", kEnum, false, Bound::kNone, kHitStatuses, "\"new\""}, {"found_at", kText, true},
        {"decided_by", kText}, {"decided_at", kText}, {"decision_reason", kText}},
       1, false, {{"listing", "listings"}, {"product", "products"}, {"rights", "ip_rights"}}},
      {"complaints", "complaint",
       {{"id", kId, true}, {"platform", kEnum, true, Bound::kNone, kPlatforms},
        {"hits", kIdList, true, Bound::kAtLeastOne}, id_list("rights"),
        {"status", kEnum, false, Bound::kNone, kComplaintStatuses, "\"drafted\""}, {"drafted_at", kText, true},
        {"drafted_by", kText, true}, {"filed_on", kDate}, {"removed_on", kDate}, {"counter_notice_on", kDate},
        {"relisted_on", kDate}, {"platform_reference", kText}, {"agent", kText}, {"folder", kText}, {"updated_by", kText},
        {"updated_at", kText}, {"note", kText}},
       1, false, {{"hits", "hits"}, {"rights", "ip_rights"}}},
      {"watch_documents", "enforcement document",
       {{"id", kId, true}, {"kind", kEnum, true, Bound::kNone, kDocumentKinds}, {"document", kText, true},
        {"right", kId}, {"language", kText}, {"expires", kDate}, {"note", kText}, {"added_at", kText, true},
        {"added_by", kText, true}},
       1, false, {{"document", "documents"}, {"right", "ip_rights"}}},
  };
}

std::vector<Table> make_tables() {
  const auto statuses = supplier_statuses();
  const auto strategies = protection_strategies();
  const auto affiliation = affiliation_kinds();
  const Field product{"product", kId, true};
  std::vector<Table> all = {
      {"products", "product",
       {{"id", kId, true}, {"name", kText, true}, {"description", kText}, {"production_start", kDate}}},
      {"parts", "part",
       {product,
        {"id", kId, true, Bound::kNone, {}, {}, kPartIdAliases},
        {"parent", kId, false, Bound::kNone, {}, {}, kParentAliases},
        {"designators", kTextList, false, Bound::kNone, {}, "[]", kDesignatorAliases},
        {"name", kText, true, Bound::kNone, {}, {}, kPartNameAliases},
        {"description", kText},
        {"footprint", kText, false, Bound::kNone, {}, {}, kFootprintAliases},
        {"quantity", kNumber, true, Bound::kPositive, {}, {}, kQuantityAliases},
        {"capability", kCapability, false, Bound::kNone, {}, {}, kCapabilityAliases},
        {"make_buy", kEnum, true, Bound::kNone, kMakeBuy, {}, kMakeBuyAliases},
        {"manufacturer", kText, false, Bound::kNone, {}, {}, kManufacturerAliases},
        {"mpn", kText, false, Bound::kNone, {}, {}, kMpnAliases},
        {"fitted", kBool, false, Bound::kNone, {}, "true", kFittedAliases}},
       2, true},
      {"secrets", "secret",
       {product, {"id", kId, true}, {"name", kText, true},
        {"weight", kNumber, true, Bound::kPositive},
        {"strategy", kEnum, true, Bound::kNone, strategies},
        {"description", kText}},
       2, true},
      {"derives", "inference rule",
       {product, {"id", kId, true}, {"from", kIdList, true, Bound::kAtLeastOne},
        {"gives", kId, true}, {"note", kText}},
       2, true},
      {"recipes", "recipe",
       {product, {"id", kId, true}, {"name", kText, true},
        {"secrets", kIdList, true, Bound::kAtLeastOne}},
       2, true},
      {"packages", "work package",
       {product, {"id", kId, true}, {"name", kText, true}, {"capability", kCapability, true},
        {"step", kText}, {"parts", kIdList, false, Bound::kNone, {}, "[]"},
        {"exposes", kIdList, false, Bound::kNone, {}, "[]"},
        {"volume", kInteger, true, Bound::kNonNegative},
        {"sources", kInteger, false, Bound::kPositive, {}, "1"}},
       2, true},
      {"suppliers", "supplier",
       {{"id", kId, true}, {"legal_name", kText, true}, {"name", kText},
        {"uscc", kUscc, true}, {"legal_rep", kText}, {"address", kText}, {"city", kText},
        {"province", kText}, {"capabilities", kCapabilityList, false, Bound::kNone, {}, "[]"},
        {"capacity", kInteger, false, Bound::kNonNegative, {}, "0"},
        {"status", kEnum, false, Bound::kNone, statuses, "\"pending\""},
        {"trusted", kBool, false, Bound::kNone, {}, "false"},
        {"max_exposure_share", kShare}, {"headcount", kInteger, false, Bound::kNonNegative},
        {"sites", kNameList, false, Bound::kNone, {}, "[]"},
        {"subcontractors", kNameList, false, Bound::kNone, {}, "[]"},
        {"qualified_until", kDate}, {"tier", kText}}},
      {"affiliations", "affiliation",
       {{"a", kId, true}, {"b", kId, true}, {"kind", kEnum, true, Bound::kNone, affiliation},
        {"note", kText}},
       3},
      {"quotes", "quote",
       {product, {"package", kId, true}, {"supplier", kId, true},
        {"unit_cost", kNumber, true, Bound::kNonNegative},
        {"fixed_cost", kNumber, false, Bound::kNonNegative, {}, "0"},
        {"currency", kCurrency, false, Bound::kNone, {}, "\"CNY\""},
        {"valid_until", kDate}},
       3, true},
      {"plans", "plan",
       {product, {"id", kId, true}, {"created_at", kText, true},
        {"state", kEnum, false, Bound::kNone, kPlanStates, "\"draft\""},
        {"collusion", kInteger, true, Bound::kNonNegative}, {"max_exposure_share", kShare, true},
        {"status", kText, true}, {"cost", kNumber}, {"plan", kText, true},
        {"approved_by", kText}, {"approved_at", kText}},
       2, true},
      {"people", "person",
       {{"id", kId, true}, {"supplier", kId}, {"name", kText, true}, {"role", kText},
        {"email", kText}, {"phone", kText}, {"contact", kBool, false, Bound::kNone, {}, "false"}}},
  };
  const std::vector<Table> vetting = vetting_tables();
  all.insert(all.end(), vetting.begin(), vetting.end());
  const std::vector<Table> legal = legal_tables();
  all.insert(all.end(), legal.begin(), legal.end());
  const std::vector<Table> releases = release_tables();
  all.insert(all.end(), releases.begin(), releases.end());
  const std::vector<Table> watch = watch_tables();
  all.insert(all.end(), watch.begin(), watch.end());
  return all;
}

}  // namespace

const Field* Table::field(std::string_view field_name) const {
  for (const Field& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

std::span<const Table> tables() {
  static const std::vector<Table> kTables = make_tables();
  return kTables;
}

const Table* find_table(std::string_view name) {
  for (const Table& table : tables()) {
    if (table.name == name) return &table;
  }
  return nullptr;
}

}  // namespace moat::store
