// SPDX-License-Identifier: Apache-2.0
// The ledger's head: the sequence number of its last event, 0 when it is empty. One indexed
// read (the largest key), so that it costs the same at a thousand events as at ten million.
#pragma once

#include <cstdint>

#include "core/result.h"
#include "store/database.h"

namespace moat::store {

Result<std::int64_t> ledger_head(Database& db);

}  // namespace moat::store
