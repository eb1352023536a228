// SPDX-License-Identifier: Apache-2.0
#include "store/schema.h"

#include <array>

#include "core/catalog.h"

namespace moat::store {
namespace {

using enum FieldType;

constexpr std::array<std::string_view, 2> kMakeBuy = {"make", "buy"};
constexpr std::array<std::string_view, 3> kPlanStates = {"draft", "approved", "superseded"};

constexpr std::array<std::string_view, 3> kPartIdAliases = {"part", "part id", "internal pn"};
constexpr std::array<std::string_view, 2> kParentAliases = {"parent id", "assembly"};
constexpr std::array<std::string_view, 6> kDesignatorAliases = {
    "reference", "references", "ref", "refdes", "designator", "designators"};
constexpr std::array<std::string_view, 2> kPartNameAliases = {"value", "comment"};
constexpr std::array<std::string_view, 1> kFootprintAliases = {"pattern"};
constexpr std::array<std::string_view, 2> kQuantityAliases = {"qty", "count"};
constexpr std::array<std::string_view, 1> kCapabilityAliases = {"process"};
constexpr std::array<std::string_view, 3> kMakeBuyAliases = {"make/buy", "makebuy", "source"};
constexpr std::array<std::string_view, 4> kManufacturerAliases = {"mfr", "manufacturer name",
                                                                  "manufacturer 1", "mfr."};
constexpr std::array<std::string_view, 6> kMpnAliases = {
    "manufacturer part number", "mfr part number", "manufacturer part", "manufacturer 1 part number",
    "manufacturer part number 1", "mfr. part number"};

std::vector<Table> make_tables() {
  const auto statuses = supplier_statuses();
  const auto strategies = protection_strategies();
  const auto affiliation = affiliation_kinds();
  const Field product{"product", kId, true};
  return {
      {"products", "product",
       {{"id", kId, true}, {"name", kText, true}, {"description", kText}}},
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
        {"mpn", kText, false, Bound::kNone, {}, {}, kMpnAliases}},
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
        {"max_exposure_share", kShare}}},
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
