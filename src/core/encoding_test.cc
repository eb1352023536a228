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

TEST(Encoding, GbkIsReadWhenDeclared) {
  for (const std::string_view name : {"gb18030", "GBK", "cp936"}) {
    auto decoded = decode_text(kGbk, "suppliers.csv", name);
    ASSERT_TRUE(decoded.ok()) << name << ": " << decoded.error().to_string();
    EXPECT_EQ(decoded->text, kUtf8);
    EXPECT_EQ(decoded->encoding, "GB18030");
  }
  // Characters outside GB 2312 (玥, 昇: GBK's second bytes below 0x80) read too.
  auto rare = decode_text("\xC9\xEE\xDB\xDA\xAB\x68\x95\x4E\n", "r.csv", "gbk");
  ASSERT_TRUE(rare.ok()) << rare.error().to_string();
  EXPECT_EQ(rare->text, "深圳玥昇\n");
  // And by the CSV reader, which says so.
  auto table = parse_csv(kGbk, "suppliers.csv", CsvOptions{.encoding = "gbk"});
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->rows.at(0).fields.at(1).value, "深圳");
  EXPECT_EQ(table->encoding, "GB18030");
  // A byte sequence GB18030 does not have, at its line and column.
  auto broken = decode_text("\xC9\xEE,x\n\xC9\xEE,\xFF\n", "b.csv", "gb18030");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().to_string().find("b.csv:2:3"), std::string::npos) << broken.error().to_string();
}

TEST(Encoding, GbkUndeclaredIsRefusedQuotingHowItWouldRead) {
  // Never taken unasked: Korean (EUC-KR) reads as GB18030 too, as characters that say nothing.
  auto decoded = decode_text(kGbk, "suppliers.csv");
  ASSERT_FALSE(decoded.ok());
  const std::string message = decoded.error().to_string();
  EXPECT_NE(message.find("suppliers.csv:1:1"), std::string::npos) << message;
  EXPECT_NE(message.find("line 1 as \"供应商,城市\""), std::string::npos) << message;
  EXPECT_NE(message.find("--encoding gb18030"), std::string::npos) << message;
  // "삼성전자" in EUC-KR: refused, and what it would read as shows it is not Chinese.
  auto korean = decode_text("id,name\nF9,\xBB\xEF\xBC\xBA\xC0\xFC\xC0\xDA\n", "k.csv");
  ASSERT_FALSE(korean.ok());
  EXPECT_NE(korean.error().to_string().find("k.csv:2:4"), std::string::npos) << korean.error().to_string();
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
  // Cut in the middle of a character: at its line and column.
  auto cut = decode_text(utf16le(u"id,名\nF1,") + "\x41", "cut.txt");
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().to_string().find("cut.txt:2:4"), std::string::npos) << cut.error().to_string();
  EXPECT_NE(cut.error().to_string().find("UTF-16"), std::string::npos);
  // Declared without its byte-order mark.
  auto declared = decode_text(utf16le(u"id,名\n", false), "u.txt", "utf-16le");
  ASSERT_TRUE(declared.ok());
  EXPECT_EQ(declared->text, "id,名\n");
}

TEST(Encoding, AWesternFileIsRefusedNotReadAsGbk) {
  // "Müller,Köln" in Windows-1252: refused at the ü.
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

TEST(Encoding, AnUnknownEncodingIsNamed) {
  auto decoded = decode_text("id\n", "a.csv", "latin-9");
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().where(), "--encoding");
  EXPECT_NE(decoded.error().message().find("gb18030"), std::string::npos);
}

}  // namespace
}  // namespace moat
