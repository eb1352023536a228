// SPDX-License-Identifier: Apache-2.0
// PDF: a visible stamp on every page, in its own optional-content layer ("moat stamp") that a
// viewer can hide and an editor can delete, and an invisible mark in the page content: the end
// points of path segments (lines, curves, rectangles) moved by 0.05 pt (0.018 mm, under half a
// pixel at 600 dpi) in page space, all drawings of one point alike. Rewriters keep that: qpdf
// leaves content alone, mutool writes 32-bit floats (6e-5 pt steps), Ghostscript and cairo
// rebuild pages from the same path points. Read through qpdf (libqpdf), in memory.
#pragma once

#include <memory>

#include "mark/format.h"

namespace moat::mark {

// The shift of a carrier, in points (1/72 inch).
inline constexpr double kPdfShift = 0.02;

std::unique_ptr<Format> make_pdf_format();

}  // namespace moat::mark
