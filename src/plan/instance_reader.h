// SPDX-License-Identifier: Apache-2.0
// The fast path of parse_instance(): reads an instance straight from the JSON text's parse events,
// without building a document tree, so that an instance of a million quotes is read in a fraction
// of a second. It accepts only what the full reader accepts without a word of complaint, and gives
// up (nullopt) at the first thing it would have to explain — bad syntax, a missing field, a wrong
// type or value, a key given twice — leaving the full reader to say where and what. References
// between sections are not checked here (parse_instance checks them on either path).
#pragma once

#include <optional>
#include <string_view>

#include "plan/instance.h"

namespace moat::plan {

std::optional<Instance> read_well_formed_instance(std::string_view text);

}  // namespace moat::plan
