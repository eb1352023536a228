// SPDX-License-Identifier: Apache-2.0
// The one progress line of the CLI: "Importing 41,200/67,613 records  8,310/s  3 s left" on
// stderr, rewritten in place at most ten times a second and ended by a newline when the work is
// done. It appears only when stderr is a terminal and the output is not --json, and only for
// work that lasts: nothing is drawn in the first half second (MOAT_PROGRESS_DELAY_MS sets another
// delay; 0 draws from the start), so quick commands stay clean.
#pragma once

#include <string>

#include "cli/commands.h"
#include "core/progress.h"

namespace moat::cli {

// A progress function labelled `label` with units `unit` ("records"), or an empty one when
// nothing should be shown (JSON output, stderr not a terminal).
Progress progress_line(const GlobalOptions& global, std::string label, std::string unit);

}  // namespace moat::cli
