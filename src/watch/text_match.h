// SPDX-License-Identifier: Apache-2.0
// Finding a mark or a model name in a listing's text, in comparison form (normal_form.h), with a
// score that says how exact the match was and a detail that shows it in the listing's words.
// Internal to the watch engine.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "watch/normal_form.h"

namespace moat::watch {

// What a reference is looked for as: its written form, and for a Chinese-character mark also
// its pinyin.
struct Pattern {
  NormalText form;
  bool pinyin = false;
  bool han = false;  // every unit is a Han character
};

std::vector<Pattern> patterns_of(std::string_view reference_text);

struct TextMatch {
  double score = 0;    // 0..1
  std::string detail;  // "'AUR0RA' in title as 'AURORA' (homoglyph)"
  bool weak = false;   // not at word boundaries: it runs into further letters
};

// The best match of `patterns` (of the reference written `shown`) in `text`, the listing's
// field named `field`; nullopt when there is none.
std::optional<TextMatch> find_pattern(const std::vector<Pattern>& patterns, std::string_view shown,
                                      const NormalText& text, std::string_view field);

}  // namespace moat::watch
