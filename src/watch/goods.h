// SPDX-License-Identifier: Apache-2.0
// The goods a listing's text names, by Nice class: a trademark protects the goods of the classes
// its registration covers, so a mark in a listing of other goods (a vacuum cleaner under a
// speaker's mark) is less likely a copy by the mark alone, and is ranked lower (match.cc). A small
// vocabulary of the goods common on marketplaces, in Chinese and English; a text that names none
// says nothing of its goods.
// Internal to the watch engine (match.cc).
#pragma once

#include <set>

#include "watch/normal_form.h"

namespace moat::watch {

// The Nice classes of the goods `text` names (empty when it names none the vocabulary knows).
std::set<int> goods_classes(const NormalText& text);

}  // namespace moat::watch
