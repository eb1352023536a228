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
  return DemoResult{std::move(workspace), std::move(imported)};
}

}  // namespace moat::app
