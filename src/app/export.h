// SPDX-License-Identifier: Apache-2.0
// The workspace as one JSON document (docs/formats.md, "Workspace document"): every record
// table in dependency order, records sorted by key, keys sorted, UTF-8 as is. Deterministic,
// so that export → import → export gives the same bytes, on either database backend.
#pragma once

#include <string>

#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

Result<std::string> export_workspace(Workspace& workspace);
Result<std::string> export_store(store::Store& store);

}  // namespace moat::app
