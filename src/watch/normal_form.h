// SPDX-License-Identifier: Apache-2.0
// The comparison form of a text, kept with where each of its characters came from, so that a
// match found in the form can be shown in the words of the listing. Internal to the watch
// engine: normalise() and pinyin() are its public faces.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace moat::watch {

// One character of the comparison form: a letter, digit or Han character after NFKC,
// homoglyph skeleton, case folding, removal of diacritics and Traditional to Simplified.
struct Unit {
  char32_t code = 0;
  char32_t original = 0;  // the source character
  std::size_t begin = 0;  // the source character it came from: its byte range in the text
  std::size_t end = 0;
  bool separated = false;  // spaces or punctuation stood between it and the previous unit
  bool boundary = false;   // a word starts here (separator, start, script or case change)
  bool han = false;
};

struct NormalText {
  std::string source;  // the text as given
  std::vector<Unit> units;
};

// The comparison form of `text` (valid UTF-8). Throws std::runtime_error when OpenCC's data is
// missing from the system (see text_ready()).
NormalText normal_form(std::string_view text);

// The comparison form of one source character alone, without Traditional to Simplified; used to
// say how two characters differ.
std::u32string fold_character(char32_t code);

// NFKC with case folding of one character: equal for full-width and compatibility forms.
std::u32string compatibility_fold(char32_t code);

// Simplified form of one character (itself when it has none).
char32_t simplified(char32_t code);

}  // namespace moat::watch
