// SPDX-License-Identifier: Apache-2.0
// A record with the version the store keeps for optimistic concurrency: 1 when created, one
// more at every change. The version is not part of the record (nor of exports and ledger
// images). Separate from store.h because it needs the whole of nlohmann/json.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "store/store.h"

namespace moat::store {

struct Versioned {
  Record record;
  std::int64_t version = 0;
};

}  // namespace moat::store
