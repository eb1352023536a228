// SPDX-License-Identifier: Apache-2.0
// The one progress line of the CLI: "Importing 41,200/67,613 records  8,310/s  3 s left" on
// stderr, rewritten in place at most ten times a second and ended by a newline when the work is
// done. It appears only when stderr is a terminal and the output is not --json, and only for
// work that lasts: nothing is drawn in the first half second (MOAT_PROGRESS_DELAY_MS sets another
// delay; 0 draws from the start), so quick commands stay clean.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "core/progress.h"

namespace moat::cli {

// A progress function labelled `label` with units `unit` ("records"), or an empty one when
// nothing should be shown (JSON output, stderr not a terminal).
Progress progress_line(const GlobalOptions& global, std::string label, std::string unit);

// The planner's line: "Planning  best 191,724,890  bound 177,474,215  gap 7.4%  4 s, 26 s left",
// told each improvement of the search and redrawn as time passes (by a thread of its own, since
// the search can go long without one); ended, with the time it took, when destroyed. The same
// conditions as progress_line: a terminal, no --json, nothing in the first half second.
class SearchLine {
 public:
  virtual ~SearchLine() = default;
  // The best valid plan's cost so far and the proven lower bound (either unknown yet).
  virtual void update(std::optional<double> cost, std::optional<double> lower_bound) = 0;
  // Ends the line now, with the time so far (as destroying it would); safe from another thread.
  virtual void end() = 0;
};

// nullptr when nothing should be shown. `time_limit`: the search's, in seconds.
std::unique_ptr<SearchLine> search_line(const GlobalOptions& global, double time_limit);

}  // namespace moat::cli
