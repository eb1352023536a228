// SPDX-License-Identifier: Apache-2.0
// The PDF format as the moat binary has it: told from its header here, and prepared (read,
// marked) by moat-pdf.so, opened the first time a PDF is prepared (mark/pdf.h says why).
#include <string>

#include "core/module.h"
#include "mark/pdf.h"

namespace moat::mark {
namespace {

Result<const Format*> open_pdf_module() {
  return open_module_functions<Format>(kPdfModuleFile, kPdfModuleEntry, kPdfModuleInterface);
}

class LoadedPdfFormat final : public Format {
 public:
  std::string_view scheme() const override { return "pdf"; }
  bool detect(std::string_view bytes) const override { return looks_like_pdf(bytes); }
  Result<std::unique_ptr<PreparedMaster>> prepare(std::string_view master,
                                                  std::string_view secret) const override {
    static const Result<const Format*> loaded = open_pdf_module();
    MOAT_TRY(const Format* format, loaded);
    return format->prepare(master, secret);
  }
};

}  // namespace

std::unique_ptr<Format> make_pdf_format() {
  return std::make_unique<LoadedPdfFormat>();
}

}  // namespace moat::mark
