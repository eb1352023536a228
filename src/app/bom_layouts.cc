// SPDX-License-Identifier: Apache-2.0
#include "app/bom_layouts.h"

#include <algorithm>
#include <array>

#include "core/text.h"

namespace moat::app {
namespace {

struct ColumnRule {
  std::string_view header;  // normalized
  BomColumn kind;
  std::string_view field = {};
};

struct LayoutRule {
  BomLayout layout;
  // Each group: one of its headers must be present.
  std::vector<std::vector<std::string_view>> signature;
  std::vector<ColumnRule> columns;
};

// Most specific first: the first whose signature the header row holds wins.
const std::vector<LayoutRule>& layout_rules() {
  static const std::vector<LayoutRule> kRules = {
      {{"kicad-pcb", "KiCad PCB editor BOM (KiCad 7, 8)"},
       {{"id"}, {"designator"}, {"footprint"}, {"quantity"}, {"designation"}},
       {{"id", BomColumn::kRowNumber},
        {"designation", BomColumn::kField, "name"},
        {"supplierandref", BomColumn::kIgnored}}},
      {{"kicad-sch-script", "KiCad schematic BOM script, grouped by value (KiCad 7, 8)"},
       {{"item"}, {"qty"}, {"reference(s)"}, {"value"}, {"libpart"}},
       {{"item", BomColumn::kRowNumber},
        {"libpart", BomColumn::kNameFallback},
        {"datasheet", BomColumn::kIgnored}}},
      {{"kicad-sch-script-fp", "KiCad schematic BOM script, grouped by value and footprint (KiCad 7, 8)"},
       {{"ref"}, {"qnty"}, {"value"}, {"cmpname"}},
       {{"cmpname", BomColumn::kNameFallback}, {"vendor", BomColumn::kIgnored}}},
      {{"jlcpcb", "JLCPCB assembly BOM"},
       {{"comment"},
        {"designator"},
        {"footprint"},
        {"lcscpart#", "lcsc", "lcscpartnumber", "lcscpart", "jlcpcbpart#", "jlcpcbpart#（optional）",
         "jlcpcbpartnumber"}},
       {{"lcscpart#", BomColumn::kIgnored},
        {"lcsc", BomColumn::kIgnored},
        {"lcscpartnumber", BomColumn::kIgnored},
        {"lcscpart", BomColumn::kIgnored},
        {"jlcpcbpart#", BomColumn::kIgnored},
        {"jlcpcbpart#（optional）", BomColumn::kIgnored},
        {"jlcpcbpartnumber", BomColumn::kIgnored}}},
      {{"kicad-sch", "KiCad schematic BOM (KiCad 7, 8: the BOM dialog, kicad-cli sch export bom)"},
       {{"refs", "reference"}, {"value"}, {"qty", "quantity"}},
       {{"#", BomColumn::kRowNumber},
        {"itemnumber", BomColumn::kRowNumber},
        {"datasheet", BomColumn::kIgnored},
        {"libid", BomColumn::kIgnored}}},
      {{"altium", "Altium Designer BOM"},
       {{"designator"}, {"comment", "name"}, {"quantity"}},
       {{"line#", BomColumn::kRowNumber},
        {"libref", BomColumn::kNameFallback},
        {"value", BomColumn::kNameFallback}}},
      {{"eagle", "Eagle / Fusion Electronics BOM (bom.ulp)"},
       {{"value"}, {"device"}, {"package"}, {"part", "parts"}},
       {{"part", BomColumn::kField, "designators"},
        {"parts", BomColumn::kField, "designators"},
        {"device", BomColumn::kNameFallback},
        {"package", BomColumn::kField, "footprint"}}},
  };
  return kRules;
}

// Columns that say a part is not fitted when set, in every layout.
constexpr std::array<std::string_view, 12> kNotFittedHeaders = {"dnp",
                                                                "donotpopulate",
                                                                "donotplace",
                                                                "dnf",
                                                                "donotfit",
                                                                "nopop",
                                                                "notfitted",
                                                                "excludefrombom",
                                                                "excludefromboard",
                                                                "excludedfrombom",
                                                                "excludedfromboard",
                                                                "nopopulate"};
constexpr std::array<std::string_view, 5> kFittedHeaders = {"fitted", "populate", "populated", "mounted",
                                                            "fit"};

constexpr std::array<std::string_view, 7> kUnset = {"", "no", "n", "false", "0", "-", "fitted"};
constexpr std::array<std::string_view, 14> kSet = {"yes",
                                                   "y",
                                                   "true",
                                                   "1",
                                                   "x",
                                                   "dnp",
                                                   "dnf",
                                                   "do not populate",
                                                   "not fitted",
                                                   "nf",
                                                   "excluded",
                                                   "exclude",
                                                   "excluded from bom",
                                                   "excluded from board"};
constexpr std::array<std::string_view, 10> kFittedYes = {
    "yes", "y", "true", "1", "fitted", "populate", "populated", "mounted", "place", "placed"};
constexpr std::array<std::string_view, 11> kFittedNo = {
    "no",         "n", "false", "0", "not fitted", "nf", "dnp", "dnf", "do not populate", "not populated",
    "not mounted"};

template <std::size_t N>
bool among(const std::array<std::string_view, N>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// "Not_Fitted", " not  fitted " -> "not fitted".
std::string cell_key(std::string_view text) {
  std::string out;
  for (char c : to_lower_ascii(trim(text))) {
    if (c == '_') c = ' ';
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  return out;
}

}  // namespace

std::string normalized_header(std::string_view header) {
  std::string out;
  for (char c : to_lower_ascii(trim(header))) {
    if (c != ' ' && c != '_' && c != '-' && c != '/') out += c;
  }
  return out;
}

std::optional<BomLayout> recognise_bom_layout(const std::vector<std::string>& headers) {
  const auto has = [&](std::string_view wanted) {
    return std::find(headers.begin(), headers.end(), wanted) != headers.end();
  };
  for (const LayoutRule& rule : layout_rules()) {
    const bool all = std::all_of(rule.signature.begin(), rule.signature.end(), [&](const auto& group) {
      return std::any_of(group.begin(), group.end(), has);
    });
    if (all) return rule.layout;
  }
  return std::nullopt;
}

BomColumn bom_column(const std::optional<BomLayout>& layout, std::string_view header, std::string& field) {
  if (among(kNotFittedHeaders, header)) return BomColumn::kNotFitted;
  if (among(kFittedHeaders, header)) return BomColumn::kFitted;
  if (!layout) return BomColumn::kByName;
  for (const LayoutRule& rule : layout_rules()) {
    if (rule.layout.id != layout->id) continue;
    for (const ColumnRule& column : rule.columns) {
      if (column.header != header) continue;
      field = std::string(column.field);
      return column.kind;
    }
  }
  return BomColumn::kByName;
}

Result<bool> parse_not_fitted(std::string_view header, std::string_view text) {
  const std::string value = cell_key(text);
  if (among(kUnset, value)) return false;
  if (among(kSet, value)) return true;
  return input_error("", std::string(header) + " must be empty (fitted) or one of DNP, yes, x, true, 1, " +
                             "Excluded from BOM (not fitted), not '" + std::string(text) + "'");
}

Result<std::optional<bool>> parse_fitted(std::string_view header, std::string_view text) {
  const std::string value = cell_key(text);
  if (value.empty()) return std::optional<bool>();
  if (among(kFittedYes, value)) return std::optional<bool>(true);
  if (among(kFittedNo, value)) return std::optional<bool>(false);
  return input_error(
      "", std::string(header) + " must be Fitted, Not Fitted, yes or no, not '" + std::string(text) + "'");
}

MakeBuy default_make_buy(bool has_designators, bool has_mpn) {
  if (has_designators) return {"buy", "reference designators: an electronic component"};
  if (has_mpn) return {"buy", "a manufacturer part number"};
  return {"make", "neither designators nor a manufacturer part number: made to the company's design"};
}

}  // namespace moat::app
