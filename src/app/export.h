// SPDX-License-Identifier: Apache-2.0
// The workspace as one JSON document (docs/formats.md, "Workspace document"): every record
// table in dependency order, records sorted by key, keys sorted, UTF-8 as is. Deterministic,
// so that export → import → export gives the same bytes, on either database backend.
#pragma once

#include <string>

#include "app/workspace.h"
#include "core/progress.h"
#include "core/result.h"

namespace moat::app {

// `progress` is told the records written into the document so far, of all.
Result<std::string> export_workspace(Workspace& workspace, const Progress& progress = {});
Result<std::string> export_store(store::Store& store, const Progress& progress = {});

}  // namespace moat::app
