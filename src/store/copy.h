// SPDX-License-Identifier: Apache-2.0
// Copying a whole store into another (moving a workspace to PostgreSQL): every record with its
// version and the whole ledger, in one write transaction on the target that commits only when
// the caller's check of the copy passes, so that a copy that does not prove identical leaves the
// target as empty as it was.
#pragma once

#include <functional>

#include "core/result.h"
#include "store/store.h"

namespace moat::store {

// Copies `from` into `to` and runs `check` (which reads `to`) before committing; any error (of
// the copy or the check) rolls the copy back.
Status copy_checked(Store& from, Store& to, const std::function<Status()>& check);

}  // namespace moat::store
