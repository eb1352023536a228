// SPDX-License-Identifier: Apache-2.0
// PDF: a visible stamp on every page, in its own optional-content layer ("moat stamp") that a
// viewer can hide and an editor can delete, and an invisible mark in the page content: whole
// subpaths (lines, curves, rectangles) moved by kPdfShift in page space, so that shapes and their
// alignment to the page's axes are kept. Rewriters keep that: qpdf leaves content alone, mutool
// writes 32-bit floats (6e-5 pt steps), Ghostscript and cairo rebuild pages from the same path
// points. Read and written through qpdf (libqpdf), in memory.
#pragma once

#include <memory>
#include <string_view>

#include "mark/format.h"

namespace moat::mark {

// The shift of a carrier, in points (1/72 inch): 7 µm, a twentieth of a pixel at 150 dpi.
inline constexpr double kPdfShift = 0.02;

// Whether `bytes` look like a PDF: its header within the first kilobyte.
inline bool looks_like_pdf(std::string_view bytes) {
  return bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos;
}

// The PDF format as the moat binary has it: detected here, prepared by moat-pdf.so (qpdf and
// GnuTLS with it), opened at the first prepare() (core/module.h; pdf_loader.cc).
std::unique_ptr<Format> make_pdf_format();

// The module's own (pdf.cc), which its entry returns (pdf_module.cc).
std::unique_ptr<Format> make_qpdf_format();

// The module's file, its entry (`const Format* moat_pdf_module(int interface)`, nullptr for an
// interface other than its own), and the interface, raised whenever Format changes.
inline constexpr const char* kPdfModuleFile = "moat-pdf.so";
inline constexpr const char* kPdfModuleEntry = "moat_pdf_module";
inline constexpr int kPdfModuleInterface = 1;

}  // namespace moat::mark
