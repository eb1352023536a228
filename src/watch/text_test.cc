// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "watch/watch.h"

namespace moat::watch {
namespace {

TEST(Normalise, FoldsCaseAndFullWidthForms) {
  EXPECT_EQ(normalise("Aurora"), normalise("AURORA"));
  EXPECT_EQ(normalise("ＡＵＲＯＲＡ"), normalise("aurora"));
  EXPECT_EQ(normalise("ａｕｒｏｒａ"), normalise("Aurora"));
}

TEST(Normalise, MapsHomoglyphsToOneSkeleton) {
  EXPECT_EQ(normalise("AUR0RA"), normalise("AURORA"));  // zero for O
  EXPECT_EQ(normalise("Аurora"), normalise("Aurora"));  // Cyrillic A
  EXPECT_EQ(normalise("Αurοra"), normalise("Aurora"));  // Greek Alpha and omicron
  EXPECT_EQ(normalise("MT-1O0"), normalise("MT-100"));
  EXPECT_EQ(normalise("I1l|i"), normalise("lllll"));
  EXPECT_EQ(normalise("MOAT"), normalise("moat"));  // the skeleton of m is rn, in either case
  EXPECT_EQ(normalise("rnoat"), normalise("moat"));
  EXPECT_NE(normalise("Aurora"), normalise("Aurore"));
}

TEST(Normalise, DropsSpacingPunctuationAndDiacritics) {
  EXPECT_EQ(normalise("A.U R-O_R/A"), "aurora");
  EXPECT_EQ(normalise("Jí Guāng"), normalise("jiguang"));
  EXPECT_EQ(normalise("JÍ GUĀNG"), normalise("jiguang"));
  EXPECT_EQ(normalise("  "), "");
}

TEST(Normalise, TurnsTraditionalIntoSimplified) {
  EXPECT_EQ(normalise("極光"), normalise("极光"));
  EXPECT_EQ(normalise("極光音響"), "极光音响");
  EXPECT_NE(normalise("极光"), normalise("激光"));
}

TEST(Pinyin, GivesTonelessSyllablesWithoutSpaces) {
  EXPECT_EQ(pinyin("极光"), "jiguang");
  EXPECT_EQ(pinyin("極光"), "jiguang");
  EXPECT_EQ(pinyin("莫特科技"), "motekeji");
  EXPECT_EQ(pinyin("极光 Speaker"), "jiguangspeaker");
}

TEST(TextData, IsThere) {
  EXPECT_TRUE(text_ready().ok());
}

}  // namespace
}  // namespace moat::watch
