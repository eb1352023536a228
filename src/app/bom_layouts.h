// SPDX-License-Identifier: Apache-2.0
// Internal to src/app. The BOM exports moat recognises by their header rows (KiCad's PCB editor
// and schematic, Altium, Eagle/Fusion, JLCPCB), what each of their columns means where the
// header name alone would mislead (KiCad's `Id` and Altium's `Line #` number rows; Eagle's
// `Part` is a designator), the fitted / not-fitted columns and their values, and the make-or-buy
// rule. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace moat::app {

// "Legal Name", "legal_name", "legal-name" and "Make/Buy" meet as "legalname", "makebuy".
std::string normalized_header(std::string_view header);

// What a BOM column holds, when its layout (or its name) says so rather than the schema's
// header names.
enum class BomColumn {
  kByName,        // as its header name says (the schema's names and aliases), or ignored
  kRowNumber,     // numbers the rows: ignored, never a part id
  kIgnored,       // known to the layout and of no use to moat (library names, distributor codes)
  kField,         // the field `field` (Eagle's Part: designators; KiCad's Designation: name)
  kNameFallback,  // the part's name when its name column is empty (Eagle's Device)
  kNotFitted,     // marks a part not fitted when set (DNP, Exclude from BOM, ...)
  kFitted,        // says whether a part is fitted (Fitted / Not Fitted, Populate)
};

struct BomLayout {
  std::string_view id;    // "kicad-pcb"
  std::string_view name;  // "KiCad PCB editor BOM (KiCad 7, 8)"
};

// The layout whose header row this is (normalized headers), or nullopt: imported by header names.
std::optional<BomLayout> recognise_bom_layout(const std::vector<std::string>& headers);

// What the column `header` (normalized) holds in `layout` (nullopt: unknown layout); for
// kField, `field` names the field.
BomColumn bom_column(const std::optional<BomLayout>& layout, std::string_view header, std::string& field);

// A cell of a kNotFitted column: true when it marks the part not fitted. Errors name the
// accepted values.
Result<bool> parse_not_fitted(std::string_view header, std::string_view text);
// A cell of a kFitted column: nullopt when empty (the default: fitted).
Result<std::optional<bool>> parse_fitted(std::string_view header, std::string_view text);

// How a BOM line with no make/buy column is classified, and why.
struct MakeBuy {
  std::string_view value;   // "make" or "buy"
  std::string_view reason;  // "reference designators: an electronic component"
};
MakeBuy default_make_buy(bool has_designators, bool has_mpn);

}  // namespace moat::app
