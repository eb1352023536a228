// SPDX-License-Identifier: Apache-2.0
// The demo: a workspace for Aurora, a smart speaker made by twenty suppliers around Shenzhen,
// Dongguan, Huizhou, Ningbo and Suzhou (examples/aurora, compiled in), built in one import so
// that a newcomer sees moat's data model filled with a realistic product.
#pragma once

#include <filesystem>
#include <memory>

#include "app/import.h"
#include "app/sourcing.h"
#include "plan/planner.h"
#include "app/session.h"
#include "app/workspace.h"

namespace moat::app {

struct DemoResult {
  std::unique_ptr<Workspace> workspace;
  ImportReport imported;
  SavedPlan plan;                           // planned at the workspace's policy, saved, approved
  std::vector<plan::FrontierPoint> frontier;
};

// Creates `dir` as a workspace for "Aurora Audio Inc.", imports the Aurora product, plans its
// sourcing at the default policy (saved and approved) and prices the other protection levels.
// `database`: empty for SQLite, or the postgresql:// URL of an empty database.
Result<DemoResult> create_demo(const std::filesystem::path& dir, const Session& session,
                               const std::string& database = {});

}  // namespace moat::app
