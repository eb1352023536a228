// SPDX-License-Identifier: Apache-2.0
// Excellon (NC drill) files: hits as coordinate operations over the original text, so that a
// copy differs from its master only in the holes moved. Carriers are isolated drill hits; slots
// (G85) and routed paths never move. Each carrier moves by about 3 µm (between 1 and 5 µm).
#pragma once

#include <memory>

#include "mark/format.h"

namespace moat::mark {

std::unique_ptr<Format> make_excellon_format();

}  // namespace moat::mark
