// SPDX-License-Identifier: Apache-2.0
#include "core/encoding.h"

#include <gtest/gtest.h>

#include <string>

#include "core/csv.h"

namespace moat {
namespace {

std::string utf16le(std::u16string_view text, bool bom = true) {
  std::string out = bom ? "\xFF\xFE" : "";
  for (const char16_t c : text) {
    out += static_cast<char>(c & 0xFF);
    out += static_cast<char>(c >> 8);
  }
  return out;
}

// "供应商,城市\nF01,深圳\n" as Excel's "CSV" on Chinese Windows writes it (code page 936, GBK).
const std::string kGbk = "\xB9\xA9\xD3\xA6\xC9\xCC,\xB3\xC7\xCA\xD0\nF01,\xC9\xEE\xDB\xDA\n";
const std::string kUtf8 = "供应商,城市\nF01,深圳\n";

TEST(Encoding, Utf8IsTakenAsItIsAndItsByteOrderMarkDropped) {
  auto plain = decode_text(kUtf8, "a.csv");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->text, kUtf8);
  EXPECT_EQ(plain->encoding, "UTF-8");
  auto marked = decode_text("\xEF\xBB\xBF" + kUtf8, "a.csv");
  ASSERT_TRUE(marked.ok());
  EXPECT_EQ(marked->text, kUtf8);
}

TEST(Encoding, GbkFromExcelOnChineseWindowsIsRead) {
  auto decoded = decode_text(kGbk, "suppliers.csv");
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  EXPECT_EQ(decoded->text, kUtf8);
  EXPECT_EQ(decoded->encoding, "GB18030");
  // And so by the CSV reader, which says so.
  auto table = parse_csv(kGbk, "suppliers.csv");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->rows.at(0).fields.at(1).value, "深圳");
  EXPECT_EQ(table->encoding, "GB18030");
}

TEST(Encoding, Utf16WithItsByteOrderMarkIsRead) {
  auto little = decode_text(utf16le(u"供应商\t城市\nF01\t深圳\n"), "u.txt");
  ASSERT_TRUE(little.ok()) << little.error().to_string();
  EXPECT_EQ(little->text, "供应商\t城市\nF01\t深圳\n");
  EXPECT_EQ(little->encoding, "UTF-16LE");
  std::string big = "\xFE\xFF";
  for (const char16_t c : std::u16string_view(u"id,名\n")) {
    big += static_cast<char>(c >> 8);
    big += static_cast<char>(c & 0xFF);
  }
  auto decoded = decode_text(big, "u.txt");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->text, "id,名\n");
  // Cut in the middle of a character.
  auto cut = decode_text(utf16le(u"id,名\n") + "\x41", "cut.txt");
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().to_string().find("cut.txt"), std::string::npos);
  EXPECT_NE(cut.error().to_string().find("UTF-16"), std::string::npos);
}

TEST(Encoding, AWesternFileIsRefusedNotReadAsGbk) {
  // "Müller,Köln" in Windows-1252: 0xFC 'l' is a GBK character too; refused at the ü.
  auto decoded = decode_text("name,city\nM\xFCller,K\xF6ln\n", "w.csv");
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().to_string().find("w.csv:2:2"), std::string::npos) << decoded.error().to_string();
  EXPECT_NE(decoded.error().to_string().find("CSV UTF-8"), std::string::npos);
}

TEST(Encoding, AUtf8FileDamagedInOnePlaceIsRefusedThere) {
  // Chinese UTF-8 with one byte of 深 lost: every byte above 0x7F pairs up as GB 2312 would, but
  // the rest is well-formed UTF-8.
  const std::string damaged = "供应商,城市\nF01,\xE6\xB7圳市南山区\n";
  auto decoded = decode_text(damaged, "d.csv");
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().to_string().find("d.csv:2:5"), std::string::npos) << decoded.error().to_string();
}

}  // namespace
}  // namespace moat
