// SPDX-License-Identifier: Apache-2.0
// The demo: a workspace for Aurora, a smart speaker made by twenty suppliers around Shenzhen,
// Dongguan, Huizhou, Ningbo and Suzhou (examples/aurora, compiled in), built in one import so
// that a newcomer sees moat's data model filled with a realistic product. The data's dates move
// with today's, so the story is the same whenever the demo runs.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>

#include "app/accounts.h"
#include "app/design_files.h"
#include "app/import.h"
#include "app/red_flags.h"
#include "app/releases.h"
#include "app/session.h"
#include "app/sourcing.h"
#include "app/vetting.h"
#include "app/watch.h"
#include "app/watch_complaints.h"
#include "app/workspace.h"
#include "plan/planner.h"

namespace moat::app {

// The counterfeit watch's part of the demo.
struct DemoWatch {
  ListingImportReport imported;  // the listings, their photos and the hits they gave
  Decision confirmed;            // the Taobao copy, confirmed (and the red flags it raised)
  PackageReport packages;        // the complaint for Alibaba's IP protection platform
};

struct DemoResult {
  std::unique_ptr<Workspace> workspace;
  ImportReport imported;
  std::vector<Assessment> assessments;  // the suppliers' qualifications, each approved
  SavedPlan plan;                       // planned at the workspace's policy, saved, approved
  std::vector<plan::FrontierPoint> frontier;
  std::vector<Flag> flags;  // the red flags the data raises
  std::vector<vet::Reconciliation> reconciliations;
  std::vector<DesignFile> files;         // Aurora's design files in the vault
  std::vector<ReleaseOutcome> releases;  // released, and refused (with why)
  DemoWatch watch;                       // a copy found on Taobao, traced and packaged
};

// Creates `dir` as a workspace for "Aurora Audio Inc.", imports the Aurora product and its
// suppliers' oversight records, qualifies the suppliers from the assessors' sheet, plans the
// sourcing at the default policy (saved and approved; rejected and expired suppliers are left
// out), prices the other protection levels and raises the red flags the data shows. Then it adds
// Aurora's design files (with a real product's from the source tree's ../shared/realworld when
// present) and releases some of them: some go, and one is refused because a single person at the
// trusted factory F01 would hold a whole recipe.
// `database`: empty for SQLite, or the postgresql:// URL of an empty database. A demo that fails
// (a module missing, say) leaves nothing that looks like a finished workspace: what it wrote in
// `dir` is removed (`dir` too when it made it), and the error says so in a last line, and says
// that a PostgreSQL database keeps what was written to it.
Result<DemoResult> create_demo(const std::filesystem::path& dir, const Session& session,
                               const std::string& database = {});

// The demo's counterfeit watch in `workspace` (app/demo_watch.cc): Aurora's product photo, model
// name and keyword as references; listings from Taobao, 1688 and Amazon with their photos (dates
// moved by `shift`); the Taobao copy confirmed; its complaint package written under the
// workspace's folder, in takedown/.
Result<DemoWatch> add_watch_demo(Workspace& workspace, const Session& session, Date today,
                                 const std::function<std::string(std::string_view)>& shift);

// The demo's accounts for the dashboard: one per role, and a supplier user for Shenzhen Shengda
// (F04, which has work in the approved plan and findings to answer). Each gets a new random
// password, returned here once; only its argon2id hash is stored.
Result<std::vector<NewUser>> create_demo_sign_ins(Workspace& workspace, const Session& session);

}  // namespace moat::app
