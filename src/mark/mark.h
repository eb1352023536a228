// SPDX-License-Identifier: Apache-2.0
// The marking engine's front door: mark a master for one copy, and trace a suspect file back
// to the copies of its master. The master's code (biases, carriers, directions) comes from the
// mark key and the master's SHA-256; each copy's codeword from its copy id. Pure: bytes and the
// key in, bytes and reports out.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "mark/code.h"
#include "mark/format.h"

namespace moat::mark {

struct Marked {
  std::string bytes;
  std::string scheme;  // the format's scheme
  size_t length = 0;   // code positions carried
  size_t carriers = 0;
  int resists = 0;  // colluders resisted at kFalseAccusation (0: cannot name a single leaker)
  double min_shift = 0, max_shift = 0;  // micrometres
  std::string report_json;              // {"scheme", "length", "carriers", "resists", "deviation_um", ...}
};

// Marks `master` in format `scheme` for copy `copy_id` (Master::prepare then mark: to mark one
// master for several copies, prepare it once); `stamp` is the visible text of formats that show
// one (PDF: recipient, company, date, release). Fails (kInput, located) when the master does not
// parse as that format; kNotFound for an unknown scheme.
Result<Marked> mark(std::string_view master, std::string_view scheme, std::string_view mark_key,
                    std::string_view copy_id, std::string_view stamp = "");

struct CopyScore {
  std::string copy_id;
  double score = 0;
  double p_value = 1;  // upper bound on an innocent copy scoring this much
  bool accused = false;
};

struct Trace {
  Reading reading;
  size_t symbols_read = 0;
  double threshold = 0;           // the accusation threshold for these copies (ε / copies each)
  double epsilon = 0;             // the probability of accusing any innocent, by design
  std::vector<CopyScore> copies;  // in the order given, scored
};

// A master prepared under the mark key: parsed once, its carriers and code chosen once, then
// marked for every copy of a release and read against in every trace. Cheap to move and to
// share between threads (nothing in it changes after prepare).
class Master {
 public:
  // Fails (kInput, located) when the master does not parse as `scheme`'s format; kNotFound for
  // an unknown scheme.
  static Result<Master> prepare(std::string_view master, std::string_view scheme, std::string_view mark_key);

  // The copy for `copy_id`; `stamp` as for mark() above.
  Result<Marked> mark(std::string_view copy_id, std::string_view stamp = "") const;
  // Reads the mark of `suspect` and scores every copy id. Fails (kInput) when the suspect cannot
  // be registered against the master. `progress` is told the steps done of kSearchSteps
  // (format.h) of the search for how the suspect sits on the master, and all of them at the end.
  Result<Trace> trace(std::string_view suspect, const std::vector<std::string>& copy_ids,
                      const Progress& progress = {}) const;

  const std::string& scheme() const { return scheme_; }
  size_t length() const { return capacity_.length; }

 private:
  std::string scheme_, secret_;
  Capacity capacity_;
  Code code_;
  std::shared_ptr<const PreparedMaster> prepared_;
};

// Reads the mark of `suspect` against `master` and scores every copy id of that master
// (Master::prepare then trace).
// Fails (kInput) when the suspect cannot be registered against the master.
Result<Trace> trace(std::string_view suspect, std::string_view master, std::string_view scheme,
                    std::string_view mark_key, const std::vector<std::string>& copy_ids);

// The scheme whose format recognises `bytes`, or empty.
std::string detect_scheme(std::string_view bytes);

}  // namespace moat::mark
