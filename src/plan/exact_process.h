// SPDX-License-Identifier: Apache-2.0
// The exact engine in a child process, so that a time limit is kept whatever CBC is doing. CBC
// checks its clock only between nodes: its preprocessing, root LP and cut rounds can run on past
// any limit, and CBC 2.10's preprocessing can crash. The child streams every improvement (a
// better valid plan, a higher proven bound) through a pipe as it is found; at the deadline the
// parent stops the child and keeps the best it heard. A crash loses no plan already sent.
// Only for callers that can fork (Linux); when fork fails the engine runs in this process.
#pragma once

#include <optional>

#include "plan/exact.h"

namespace moat::plan {

// As solve_exact, but returns by `deadline` (plus the few milliseconds a stop takes) in every
// case. `result.stopped` says why when the child did not finish (stopped at the deadline, or
// ended by a signal).
ExactResult solve_exact_isolated(const Problem& problem, const Deadline& deadline,
                                 const std::optional<Choice>& incumbent, const ExactOptions& options = {});

}  // namespace moat::plan
