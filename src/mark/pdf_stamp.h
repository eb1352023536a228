// SPDX-License-Identifier: Apache-2.0
// The visible stamp of a marked PDF: who the copy is for, on every page, in an optional-content
// layer of its own ("moat stamp") that a viewer can hide and an editor can delete. Its text is set
// by cairo in an installed font that fontconfig finds holding every character of it (Noto Sans CJK
// first), and that font's glyphs are embedded: the copy prints and reads alike everywhere, through
// Ghostscript and a PostScript printer too. With no such font, the text names Adobe-GB1's STSong,
// not embedded, which readers substitute. Part of moat-pdf.so (qpdf, cairo and fontconfig stay here).
#pragma once

#include <memory>
#include <string_view>

class QPDF;

namespace moat::mark {

// What the stamp of a document draws from: the typeset text's own document, whose streams qpdf
// copies when the stamped document is written. Keep it until then.
using StampSource = std::shared_ptr<QPDF>;

// Stamps every page of `pdf` with `text` (UTF-8) at its bottom left. Throws what qpdf throws.
StampSource stamp(QPDF& pdf, std::string_view text);

}  // namespace moat::mark
