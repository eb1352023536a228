// SPDX-License-Identifier: Apache-2.0
// The marking seam: each copy a release hands out passes through mark_copy, which marks it for its
// one recipient (so that a leaked copy names who leaked it) and says how. Until a file kind is
// marked, the copy is the master unchanged (scheme "none") and the copies table's exact hash is
// what traces it. Pure apart from the marking engine it calls: never touches the store or files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "mark/mark.h"

namespace moat::app {

// What a copy is marked for. All strings UTF-8.
struct CopyLabel {
  std::string copy_id;         // e.g. "C12" — unique per copy, the PRF input of the codeword
  std::string release_id;      // e.g. "R3"
  std::string recipient;       // person id
  std::string recipient_name;  // the person's name as on file (may be Chinese)
  std::string supplier;        // supplier id
  std::string supplier_name;   // its legal name
  std::string company;         // the workspace's company (moat.toml)
  std::string date;            // release date, YYYY-MM-DD
};

struct MarkedCopy {
  std::string bytes;          // the copy to hand out
  std::string scheme;         // "none" until a format is marked: "pdf", "step", "gerber", "excellon"
  int resists_collusion = 0;  // colluders the code resists at 1e-6 (0: exact-copy registry only)
  std::string report_json;    // the format's report (deviation, carriers, ...) as JSON text
  std::string unmarked;       // why the copy is the master's bytes; empty when it is marked
};

// Why a copy went out unmarked, from its report (unmarked_report); empty for a marked copy.
std::string why_unmarked(std::string_view report_json);

// Why a copy of a kind mark_copy does not mark goes out unmarked.
inline constexpr std::string_view kNotMarkedKind = "moat does not mark this kind of file";

// Whether mark_copy marks files of `media_type`. A copy of any other kind is the master unchanged,
// so a release can hand it out without reading it (the copy is the master's vault blob).
bool marks_kind(std::string_view media_type);

// The report of a copy handed out unmarked, saying why (as mark_copy writes it).
std::string unmarked_report(std::string_view why);

// A master prepared once for every copy a release makes of it: parsed, its carriers and code
// chosen once, then marked per recipient. A master of a kind moat does not mark, or that the
// engine cannot parse or finds no carrier in, gives unmarked copies with the reason.
class CopyMarker {
 public:
  // `media_type` and `mark_key` as for mark_copy below. Errors: internal faults only.
  static Result<CopyMarker> prepare(std::string_view master, std::string_view media_type,
                                    std::string_view mark_key);
  Result<MarkedCopy> mark(const CopyLabel& label) const;

 private:
  std::string master_;  // for unmarked copies
  std::optional<mark::Master> marker_;
  std::string why_unmarked_;
};

// Marks `master` (media type as detected by the file records: "application/pdf", "model/step",
// "application/vnd.gerber", "application/x-excellon", or anything else) for one recipient, with
// the workspace's 32-byte mark key (CopyMarker::prepare then mark). Pure apart from the engine it
// calls; never touches the store.
Result<MarkedCopy> mark_copy(std::string_view master, std::string_view media_type, const CopyLabel& label,
                             std::string_view mark_key);

}  // namespace moat::app
