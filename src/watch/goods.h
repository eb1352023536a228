// SPDX-License-Identifier: Apache-2.0
// The goods a listing's title names, by Nice class: a trademark protects the goods of the classes
// its registration covers, so a mark in the title of a listing of other goods (a vacuum cleaner
// under a speaker's mark) is no copy by the mark alone. A small vocabulary of the goods common on
// marketplaces, in Chinese and English; a title that names none says nothing of its goods.
// Internal to the watch engine (match.cc).
#pragma once

#include <set>

#include "watch/normal_form.h"

namespace moat::watch {

// The Nice classes of the goods `title` names (empty when it names none the vocabulary knows).
std::set<int> goods_classes(const NormalText& title);

}  // namespace moat::watch
