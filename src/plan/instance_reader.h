// SPDX-License-Identifier: Apache-2.0
// The fast path of parse_instance(): the JSON text parsed and validated by simdjson (SIMD, a few
// hundred MB a second and more: docs/decisions/0023-instance-reader.md), then read into the instance
// record by record, so that an instance of a million quotes is read in a fraction of a second. It
// accepts only what the full reader accepts without a word of complaint, and gives up (nullopt) at
// the first thing it would have to explain — bad syntax or UTF-8, a missing field, a wrong type or
// value, a key given twice — leaving the full reader to say where and what. References
// between sections are not checked here (parse_instance checks them on either path). A deadline
// lets a caller with a time limit stop reading a file too large to read within it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/deadline.h"
#include "plan/instance.h"

namespace moat::plan {

struct WellFormedRead {
  std::optional<Instance> instance;
  bool out_of_time = false;  // given up at the deadline: neither read nor known to need explaining
};

// Gives up, out of time, once `deadline` has passed (checked every thousand records). `padded`:
// the kInstanceTextPadding bytes after `text` can be read.
WellFormedRead read_well_formed_instance(std::string_view text, const Deadline& deadline = {},
                                         bool padded = false);

// The keys an instance takes at `where`: "" the top level's (its sections), else a section's
// record's ("quotes", and "policy" for the policy object's); empty for an unknown section.
std::vector<std::string_view> instance_keys(std::string_view where);

// Counts a key the reader ignored at JSON pointer `parent` + "/" + `key` (escaped as RFC 6901
// asks), keeping the first kMostIgnoredKeys.
void note_ignored_key(Instance& instance, std::string_view parent, std::string_view key);

// The full reader alone (nlohmann's document tree, every problem named at its JSON pointer or
// line:col), without this fast path: what parse_instance() must agree with on every input, for the
// differential fuzz target. Defined in instance.cc.
Result<Instance> read_instance_fully(std::string_view text, std::string_view file);

}  // namespace moat::plan
