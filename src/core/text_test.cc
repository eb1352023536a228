// SPDX-License-Identifier: Apache-2.0
#include "core/text.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moat {
namespace {

struct Utf8Case {
  std::string name;
  std::string text;
  std::optional<std::size_t> first_bad;
};

class FirstInvalidUtf8Test : public testing::TestWithParam<Utf8Case> {};

TEST_P(FirstInvalidUtf8Test, FindsFirstBadByte) {
  const Utf8Case& c = GetParam();
  EXPECT_EQ(first_invalid_utf8(c.text), c.first_bad);
}

constexpr std::optional<std::size_t> kValid = std::nullopt;

INSTANTIATE_TEST_SUITE_P(
    Cases, FirstInvalidUtf8Test,
    testing::Values(
        Utf8Case{"Empty", "", kValid}, Utf8Case{"Ascii", "plain ascii, 123", kValid},
        Utf8Case{"TwoByte", "caf\xC3\xA9", kValid},  // é
        Utf8Case{"Cjk", "深圳市华晟精密模具有限公司", kValid},
        Utf8Case{"Emoji", "ok \xF0\x9F\x98\x80!", kValid},         // U+1F600
        Utf8Case{"LargestCodePoint", "\xF4\x8F\xBF\xBF", kValid},  // U+10FFFF
        Utf8Case{"LastBeforeSurrogates", "\xED\x9F\xBF", kValid},  // U+D7FF
        Utf8Case{"FirstAfterSurrogates", "\xEE\x80\x80", kValid},  // U+E000
        Utf8Case{"OverlongSlash", "ab\xC0\xAF", 2U}, Utf8Case{"OverlongC1", "\xC1\xBF", 0U},
        Utf8Case{"OverlongThreeByte", "x\xE0\x80\xAF", 1U},
        Utf8Case{"OverlongFourByte", "\xF0\x80\x80\xAF", 0U},
        Utf8Case{"HighSurrogate", "a\xED\xA0\x80", 1U},    // U+D800
        Utf8Case{"LowSurrogate", "深\xED\xBF\xBF", 3U},    // U+DFFF
        Utf8Case{"AboveUnicode", "\xF4\x90\x80\x80", 0U},  // U+110000
        Utf8Case{"LeadF5", "ab\xF5\x80\x80\x80", 2U}, Utf8Case{"LeadF8", "\xF8\x88\x80\x80\x80", 0U},
        Utf8Case{"LeadFF", "a\xFF", 1U}, Utf8Case{"LoneContinuation", "abc\x80", 3U},
        Utf8Case{"TruncatedTwoByteAtEnd", "abc\xC3", 3U},
        Utf8Case{"TruncatedThreeByteAtEnd", "深\xE5\x9C", 3U},
        Utf8Case{"TruncatedFourByteAtEnd", "\xF0\x9F\x98", 0U},
        Utf8Case{"TruncatedBeforeAscii", "\xE5\x9Cx", 0U}, Utf8Case{"SecondErrorIgnored", "ok\xFF\xFF", 2U},
        // Past the eight-byte ASCII runs the check skips at a time, at every offset.
        Utf8Case{"AfterEightAscii", "abcdefgh\xFF", 8U}, Utf8Case{"InsideSecondWord", "abcdefghij\xC3", 10U},
        Utf8Case{"WideAfterRun", "abcdefghijklmnop深q", kValid},
        Utf8Case{"BadAfterWideAfterRun", "abcdefgh深abcdefg\x80", 18U}),
    [](const testing::TestParamInfo<Utf8Case>& case_info) { return case_info.param.name; });

struct PositionCase {
  std::string name;
  std::string text;
  std::size_t offset;
  std::size_t line;
  std::size_t column;
};

class PositionOfTest : public testing::TestWithParam<PositionCase> {};

TEST_P(PositionOfTest, GivesLineAndCharacterColumn) {
  const PositionCase& c = GetParam();
  const TextPosition at = position_of(c.text, c.offset);
  EXPECT_EQ(at.line, c.line);
  EXPECT_EQ(at.column, c.column);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PositionOfTest,
    testing::Values(PositionCase{"Start", "abc", 0, 1, 1}, PositionCase{"FirstLine", "abc", 2, 1, 3},
                    PositionCase{"AfterNewline", "ab\ncd", 3, 2, 1},
                    PositionCase{"SecondLine", "ab\ncd", 4, 2, 2},
                    PositionCase{"ThirdLine", "a\n\nxyz", 5, 3, 3},
                    PositionCase{"CjkCountsOnce", "深圳市,x", 10, 1, 5},  // 3 chars x 3 bytes + ','
                    PositionCase{"EmojiCountsOnce", "\xF0\x9F\x98\x80x", 4, 1, 2},
                    PositionCase{"PastEnd", "ab", 10, 1, 3}),
    [](const testing::TestParamInfo<PositionCase>& case_info) { return case_info.param.name; });

TEST(IdTest, AcceptsValidIds) {
  const std::vector<std::string> ids = {"a", "F01", "0abc", "Part-1.2_b", std::string(64, 'x')};
  for (const std::string& id : ids) {
    EXPECT_TRUE(is_valid_id(id)) << id;
    EXPECT_EQ(id_problem(id), "") << id;
  }
}

struct IdCase {
  std::string name;
  std::string id;
  std::string problem;
};

class IdProblemTest : public testing::TestWithParam<IdCase> {};

TEST_P(IdProblemTest, RejectsWithReason) {
  const IdCase& c = GetParam();
  EXPECT_FALSE(is_valid_id(c.id));
  EXPECT_EQ(id_problem(c.id), c.problem);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, IdProblemTest,
    testing::Values(
        IdCase{"Empty", "", "is empty"},
        IdCase{"TooLong", std::string(65, 'x'), "is longer than 64 characters"},
        IdCase{"Space", "a b", "may hold only ASCII letters (A-Z, a-z), digits, '.', '_' and '-'"},
        IdCase{"Slash", "a/b", "may hold only ASCII letters (A-Z, a-z), digits, '.', '_' and '-'"},
        IdCase{"NonAscii", "深圳", "may hold only ASCII letters (A-Z, a-z), digits, '.', '_' and '-'"},
        // 23 characters, 69 bytes: refused for what it holds, not as too long.
        IdCase{"LongInChinese", "王小明王小明王小明王小明王小明王小明王小明王小",
               "may hold only ASCII letters (A-Z, a-z), digits, '.', '_' and '-'"},
        IdCase{"StartsWithDot", ".a", "must start with a letter or digit"},
        IdCase{"StartsWithUnderscore", "_a", "must start with a letter or digit"},
        IdCase{"StartsWithDash", "-a", "must start with a letter or digit"}),
    [](const testing::TestParamInfo<IdCase>& case_info) { return case_info.param.name; });

// A display name is what people write (Chinese characters, accents, a space inside), and nothing
// that hides or turns text around: a name that reads as another's is refused.
TEST(DisplayNameTest, TakesNamesAsPeopleWriteThem) {
  for (const std::string& name :
       std::vector<std::string>{"王小明", "Zoë Müller", "李 强", "O'Brien", std::string(64, 'x')})
    EXPECT_EQ(display_name_problem(name), "") << name;
}

TEST(DisplayNameTest, RefusesWhatHidesOrTurnsText) {
  std::string sixty_five;
  for (int i = 0; i < 65; ++i) sixty_five += "王";
  const std::pair<std::string, std::string> cases[] = {
      {"", "is empty"},
      {"   ", "holds only spaces"},
      {" 王小明", "begins or ends with a space"},
      {"\xE7\x8E", "is not valid UTF-8"},
      {"admin\u202Enimda", "holds a control or invisible character (U+202E)"},
      {"ad\u200Bmin", "holds a control or invisible character (U+200B)"},
      {"a\tb", "holds a control or invisible character (U+0009)"},
      {"\uFEFF王", "holds a control or invisible character (U+FEFF)"},
      {"王\u3164小明", "holds a control or invisible character (U+3164)"},
      {"wang\u034F", "holds a control or invisible character (U+034F)"},
      {"\u061C王", "holds a control or invisible character (U+061C)"},
      {"王\U000E0041", "holds a control or invisible character (U+E0041)"},
      {"\u0600王", "holds a control or invisible character (U+0600)"},
      {"\u3000", "begins or ends with a space"},
      {"王\u00A0", "begins or ends with a space"},
      {"\uFE0F", "shows nothing: only spaces or variation selectors"},
      {"\U000E0100", "shows nothing: only spaces or variation selectors"},
      {std::string(65, 'x'), "is longer than 64 characters"},
      {sixty_five, "is longer than 64 characters"}};
  for (const auto& [name, problem] : cases) EXPECT_EQ(display_name_problem(name), problem) << name;
}

TEST(NearMissTest, SuggestsOnlyWhatATypoWouldMiss) {
  const std::vector<std::string_view> known = {"collusion", "max_exposure_share", "id", "unit_cost"};
  EXPECT_EQ(near_miss("colusion", known), "collusion");
  EXPECT_EQ(near_miss("unit_cots", known), "unit_cost");
  EXPECT_EQ(near_miss("ids", known), "id");
  EXPECT_EQ(near_miss("x", known), "");  // two edits from "id", but too short to call a typo
  EXPECT_EQ(near_miss("capacity", known), "");
  EXPECT_EQ(near_miss("colusoin", known), "collusion");  // a transposition is one edit
  EXPECT_EQ(near_miss("COLLUSION", known), "collusion");
  EXPECT_EQ(near_miss("max_exposure", known), "max_exposure_share");  // the start of a known key
  EXPECT_EQ(near_miss("form", {"from", "gives"}), "from");
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
  EXPECT_EQ(edit_distance("ab", "ba"), 1U);
}

TEST(ShownSafelyTest, EscapesWhatATerminalWouldHideOrTurn) {
  EXPECT_EQ(shown_safely("王/colusion"), "王/colusion");
  EXPECT_EQ(shown_safely("a\u202Eb\u200Bc\x1B[2Jd\u0085"), "a\\u{202E}b\\u{200B}c\\u{001B}[2Jd\\u{0085}");
  EXPECT_EQ(shown_safely("x\xff"), "x\\xFF");
  EXPECT_EQ(shown_safely("collusion\uFE0F\u00A0\U000E0041"), "collusion\\u{FE0F}\\u{00A0}\\u{E0041}");
  EXPECT_EQ(shown_safely("a\\u202E"), "a\\\\u202E");  // a backslash in the text is not an escape
}

// A table cell keeps what people write (an ideographic space in an address, an emoji, a
// backslash in a path) and escapes only what hides or turns the text after it.
TEST(ShownInCellTest, EscapesOnlyWhatHidesOrTurnsText) {
  EXPECT_EQ(shown_in_cell("深圳市\u3000南山区 C:\\parts \U0001F44D\uFE0F"),
            "深圳市\u3000南山区 C:\\parts \U0001F44D\uFE0F");
  EXPECT_EQ(shown_in_cell("line\none\ttab\r"), "line one tab ");
  EXPECT_EQ(shown_in_cell("Acme \u202Egpj.exe\u202C"), "Acme \\u{202E}gpj.exe\\u{202C}");
  EXPECT_EQ(shown_in_cell("a\u200Bb\x1B[2J\x7F"), "a\\u{200B}b\\u{001B}[2J\\u{007F}");
  EXPECT_EQ(shown_in_cell("x\xff"), "x\\xFF");
}

TEST(CodePointsTest, DecodesUtf8AndMarksMalformedBytes) {
  EXPECT_EQ(code_points("A王𠮷"), std::u32string(U"A王𠮷"));
  EXPECT_EQ(code_points("a\xff\xe7\x8e"), std::u32string(U"a\uFFFD\uFFFD\uFFFD"));
  EXPECT_TRUE(code_points("").empty());
}

TEST(TrimTest, RemovesSurroundingWhitespaceOnly) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim("\t\nx"), "x");
  EXPECT_EQ(trim("x"), "x");
  EXPECT_EQ(trim(" \t\r\n "), "");
  EXPECT_EQ(trim(""), "");
}

TEST(AsciiSeparatorsTest, ChinesePunctuationBetweenItemsBecomesAscii) {
  EXPECT_EQ(ascii_separators("C1，C2、C3；R1\u3000R2"), "C1,C2,C3;R1 R2");
  EXPECT_EQ(ascii_separators("深圳，南山"), "深圳,南山");
  EXPECT_EQ(ascii_separators("plain, text"), "plain, text");
  // Other full-width forms are left as they are.
  EXPECT_EQ(ascii_separators("（C1）"), "（C1）");
}

struct SplitCase {
  std::string name;
  std::string text;
  std::string separators;
  std::vector<std::string> items;
};

class SplitListTest : public testing::TestWithParam<SplitCase> {};

TEST_P(SplitListTest, SplitsTrimsAndDropsEmpty) {
  const SplitCase& c = GetParam();
  EXPECT_EQ(split_list(c.text, c.separators), c.items);
}

INSTANTIATE_TEST_SUITE_P(Cases, SplitListTest,
                         testing::Values(SplitCase{"Empty", "", ";", {}},
                                         SplitCase{"OnlySeparators", " ; ;; ", ";", {}},
                                         SplitCase{"One", "injection-molding", ";", {"injection-molding"}},
                                         SplitCase{"Several", "a;b;c", ";", {"a", "b", "c"}},
                                         SplitCase{"TrimsItems", " a ; b\t;c ", ";", {"a", "b", "c"}},
                                         SplitCase{"DropsEmptyItems", ";a;;b;", ";", {"a", "b"}},
                                         SplitCase{"KeepsInnerSpaces", "x y;z", ";", {"x y", "z"}},
                                         SplitCase{"AnyOfSeveralSeparators", "a,b;c", ",;", {"a", "b", "c"}},
                                         SplitCase{"OtherSeparatorIsText", "a,b;c", ";", {"a,b", "c"}},
                                         SplitCase{"Chinese", "深圳; 东莞", ";", {"深圳", "东莞"}}),
                         [](const testing::TestParamInfo<SplitCase>& case_info) {
                           return case_info.param.name;
                         });

TEST(JoinTest, JoinsWithSeparator) {
  EXPECT_EQ(join({}, ";"), "");
  EXPECT_EQ(join({"a"}, ";"), "a");
  EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
}

TEST(ToLowerAsciiTest, LowersAsciiOnly) {
  EXPECT_EQ(to_lower_ascii("Legal_Name-X9"), "legal_name-x9");
  EXPECT_EQ(to_lower_ascii("ÄB深"), "Äb深");
}

struct WidthCase {
  std::string name;
  std::string text;
  std::size_t width;
};

class DisplayWidthTest : public testing::TestWithParam<WidthCase> {};

TEST_P(DisplayWidthTest, CountsTerminalCells) {
  const WidthCase& c = GetParam();
  EXPECT_EQ(display_width(c.text), c.width);
}

INSTANTIATE_TEST_SUITE_P(Cases, DisplayWidthTest,
                         testing::Values(WidthCase{"Empty", "", 0}, WidthCase{"Ascii", "abc", 3},
                                         WidthCase{"Accented", "caf\xC3\xA9", 4},
                                         WidthCase{"Cjk", "深圳市", 6}, WidthCase{"Mixed", "F03 深圳", 8},
                                         WidthCase{"CjkPunctuation", "（东莞）", 8},
                                         WidthCase{"Hangul", "한국", 4},
                                         WidthCase{"FullwidthLatin", "\xEF\xBC\xA1", 2},      // U+FF21 Ａ
                                         WidthCase{"Emoji", "\xF0\x9F\x98\x80", 2},           // U+1F600
                                         WidthCase{"CjkExtensionB", "\xF0\xA0\x80\x80", 2}),  // U+20000
                         [](const testing::TestParamInfo<WidthCase>& case_info) {
                           return case_info.param.name;
                         });

}  // namespace
}  // namespace moat
