// SPDX-License-Identifier: Apache-2.0
// How many records a store holds, for the progress long commands show: one COUNT per table.
#pragma once

#include <cstddef>

#include "core/result.h"
#include "store/store.h"

namespace moat::store {

// The records of every table of the schema (the ledger not counted).
Result<std::size_t> record_count(Store& store);

}  // namespace moat::store
