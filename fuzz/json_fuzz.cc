// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the workspace-document reader: any input must give drafts or errors
// that name a JSON pointer or a line and column — never a crash or a sanitizer report.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "app/records.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const moat::app::SourceFile file{"fuzz.json", std::string(reinterpret_cast<const char*>(data), size)};
  const moat::CapabilityCatalog catalog;
  const auto drafts = moat::app::read_workspace_document(file, catalog);
  if (!drafts.ok()) {
    for (const moat::Diagnostic& d : drafts.error().diagnostics()) {
      if (d.where.rfind("fuzz.json", 0) != 0) std::abort();  // every error names its place
    }
  }
  return 0;
}
