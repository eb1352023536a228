// SPDX-License-Identifier: Apache-2.0
#include "app/demo.h"

#include "app/embedded.h"

namespace moat::app {

Result<DemoResult> create_demo(const std::filesystem::path& dir, const Session& session,
                               const std::string& database) {
  MOAT_TRY(auto workspace, Workspace::init(dir, {"Aurora Audio Inc.", "US", database}));
  std::vector<SourceFile> files;
  for (const EmbeddedFile& file : examples::aurora::embedded_files()) {
    files.push_back({"examples/aurora/" + std::string(file.name), std::string(file.content)});
  }
  MOAT_TRY(ImportReport imported, import_files(*workspace, session, files, {}));
  constexpr double kSeconds = 10;
  const std::string today = session.now().substr(0, 10);
  MOAT_TRY(const plan::Instance instance, product_instance(*workspace, "aurora", {std::nullopt, std::nullopt, today}));
  const plan::Plan plan = plan::solve(instance, {kSeconds, true});
  MOAT_TRY(const SavedPlan saved, save_plan(*workspace, session, "aurora", instance, plan));
  MOAT_TRY(SavedPlan approved, approve_plan(*workspace, session, "aurora", saved.id));
  approved.plan = plan;
  std::vector<plan::FrontierPoint> frontier = plan::frontier(instance, {kSeconds, true});
  return DemoResult{std::move(workspace), std::move(imported), std::move(approved), std::move(frontier)};
}

}  // namespace moat::app
