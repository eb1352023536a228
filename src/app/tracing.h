// SPDX-License-Identifier: Apache-2.0
// Tracing a leaked file back to the copy it came from (moat trace). The suspect's kind is told
// from its content; its master is found among the vault's design files: an exact master ("this is
// the unmarked master"), an exact copy of one release (the copies table's hash), or else the master
// of the same kind the marking engine registers the suspect against best. Every copy ever released
// of that master is then scored (mark/mark.h) and those above the accusation threshold (at most
// 1e-6 chance of naming any innocent, by design) are named with their release, recipient,
// supplier, date and the agreement that binds the supplier. A naming is evidence only when the
// ledger vouches for the records it rests on (app/vouching.h): else it is still shown, marked as
// not vouched for, with why. Every trace is a ledger event under the session's actor, and only the
// roles that answer for the masters may trace.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/session.h"
#include "app/vouching.h"
#include "app/workspace.h"
#include "core/progress.h"
#include "core/result.h"

namespace moat::app {

// One copy as the trace sees it: who it was given to, and how the suspect scores against it.
struct TracedCopy {
  std::string copy;  // C1, ...
  std::string release;
  std::string recipient;       // person id
  std::string recipient_name;  // as the ledger had it when the copy was made (for a named copy)
  std::string supplier;        // supplier id
  std::string supplier_name;   // likewise
  // For a named copy whose person or supplier record names someone else now (an id reused, a name
  // corrected): each such change, for a person ("P07 was 刘洋 when the copy was made ...").
  std::vector<std::string> renamed_since;
  std::string date;       // the release's date
  std::string agreement;  // the agreement binding the recipient on that date (empty: none on file)
  std::string agreement_kind;
  double score = 0;
  double p_value = 1;
  bool accused = false;
  // The records naming the recipient rests on (the copy, its release, the person, the supplier,
  // the agreement), and whether the ledger vouches for all of them (checked for named copies only).
  std::vector<RecordRef> records;
  std::optional<bool> vouched;
  std::vector<std::int64_t> events;  // the events that last recorded them, when vouched for
};

struct TraceOutcome {
  // "named" (a marked copy's recipient), "exact-copy" (byte for byte a released copy), "shared-copy"
  // (byte for byte copies given to more than one person: no one is named), "master" (the unmarked
  // master), "no-fingerprint" (a master found, no copy above the threshold), "unknown" (no master
  // of this kind registers the suspect), "too-large" (larger than mark recovery reads, and neither
  // a master nor a copy by its SHA-256).
  std::string verdict;
  std::string message;  // one sentence for people
  std::string name;     // the suspect as given
  std::string sha256;   // the suspect's (for a ZIP: the member's that stands for it)
  std::string media_type;
  std::string scheme;     // the marking scheme read ("none" for exact-hash verdicts)
  std::string file;       // the master design file's id
  std::string file_name;  // and its name
  // For a ZIP suspect: the member with the strongest evidence, which stands for the archive; the
  // archive's own SHA-256; and every other member that names someone, strongest first (a ZIP can
  // hold the layers of several leakers).
  std::string member;
  std::string archive_sha256;
  std::vector<TraceOutcome> other_members;
  // Why the suspect's own bytes do not read as their kind (a truncated PDF), when no master
  // registered it because of that; empty otherwise.
  std::string unreadable;
  // Masters of the suspect's kind the vault found damaged, each with why: not compared.
  std::vector<std::string> masters_unread;
  // For a ZIP suspect: the archives inside it that could not be opened, each with why: not read.
  std::vector<std::string> archives_unopened;
  // The evidence: the mark read and the threshold it was held to.
  std::size_t symbols_read = 0;
  double threshold = 0;
  double epsilon = 0;  // chance of naming any innocent, by design
  double confidence = 0;
  double matched = 0;
  std::string transform;
  std::vector<TracedCopy> named;             // accused copies (or the exact copy), strongest first
  std::vector<TracedCopy> scored;            // every copy of the master, as scored
  std::vector<std::string> ledger_problems;  // why the ledger does not vouch for the naming
  bool someone_named() const { return !named.empty(); }
  // Someone is named and the ledger vouches for every record that names them.
  bool vouched() const { return someone_named() && ledger_problems.empty(); }
  // Someone is named, and the ledger vouches for this naming and every other member's of a ZIP.
  bool all_vouched() const {
    return vouched() && std::all_of(other_members.begin(), other_members.end(),
                                    [](const TraceOutcome& o) { return o.vouched(); });
  }
};

// Traces `suspect` (its `name` as given, for the report and the ledger) as the session's actor,
// whom the caller has established and authorized for Capability::kTrace (app/actors.h) as for any
// other command. Errors: kInput for an empty file; kInternal when the vault cannot be read.
// `progress` is told the steps done of the search for how the suspect sits on each master of its
// kind (mark::kSearchSteps a master, all of them at once for a master that needs none).
Result<TraceOutcome> trace_file(Workspace& workspace, const Session& session, std::string_view suspect,
                                const std::string& name, const Progress& progress = {});

// Traces the file at `path`, `size` bytes, larger than the `max_read_bytes` mark recovery reads,
// by its SHA-256 alone, read in chunks (memory stays bounded): a master or an exact copy of any
// size is identified as trace_file identifies it; anything else is "too-large", saying so. Recorded
// in the ledger as trace_file's traces are. Errors: kInput when the file cannot be read.
Result<TraceOutcome> trace_large_file(Workspace& workspace, const Session& session,
                                      const std::filesystem::path& path, const std::string& name,
                                      std::uint64_t size, std::uint64_t max_read_bytes);

// The JSON form: verdict, message, release, recipient, supplier, file, evidence, named, copies,
// and ledger ({vouched: true, false or null when no one is named, records, problems}).
nlohmann::json trace_json(const TraceOutcome& outcome);

}  // namespace moat::app
