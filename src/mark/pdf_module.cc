// SPDX-License-Identifier: Apache-2.0
// The entry of moat-pdf.so (mark/pdf.h): the PDF format as pdf.cc implements it with qpdf.
// The module exports this function and nothing else.
#include "mark/pdf.h"

extern "C" __attribute__((visibility("default"))) const moat::mark::Format* moat_pdf_module(int interface) {
  if (interface != moat::mark::kPdfModuleInterface) return nullptr;
  static const std::unique_ptr<moat::mark::Format> format = moat::mark::make_qpdf_format();
  return format.get();
}
