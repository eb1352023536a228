// SPDX-License-Identifier: Apache-2.0
// PDF: a visible stamp on every page, in its own optional-content layer ("moat stamp") that a
// viewer can hide and an editor can delete, and an invisible mark in the page content: whole
// subpaths (lines, curves, rectangles) moved by kPdfShift in page space, so that shapes and their
// alignment to the page's axes are kept. Rewriters keep that: qpdf leaves content alone, mutool
// writes 32-bit floats (6e-5 pt steps), Ghostscript and cairo rebuild pages from the same path
// points. Read and written through qpdf (libqpdf), in memory.
#pragma once

#include <memory>

#include "mark/format.h"

namespace moat::mark {

// The shift of a carrier, in points (1/72 inch): 7 µm, a twentieth of a pixel at 150 dpi.
inline constexpr double kPdfShift = 0.02;

std::unique_ptr<Format> make_pdf_format();

}  // namespace moat::mark
