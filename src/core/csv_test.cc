// SPDX-License-Identifier: Apache-2.0
#include "core/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace moat {
namespace {

constexpr std::string_view kFile = "in.csv";

std::vector<std::string> values_of(const CsvRow& row) {
  std::vector<std::string> values;
  for (const CsvField& field : row.fields) values.push_back(field.value);
  return values;
}

CsvTable parse_ok(std::string_view text) {
  Result<CsvTable> table = parse_csv(text, kFile);
  EXPECT_TRUE(table.ok()) << (table.ok() ? "" : table.error().to_string());
  return table.ok() ? std::move(table).value() : CsvTable{};
}

using Strings = std::vector<std::string>;

TEST(CsvTest, AColumnWithNoHeaderAndNoValueIsBlank) {
  const CsvTable table = parse_ok("id,,name, \nA1,,x, \nB2,,y,z\n");
  EXPECT_FALSE(blank_column(table, 0));
  EXPECT_TRUE(blank_column(table, 1));
  EXPECT_FALSE(blank_column(table, 3)) << "a value under no header";
  EXPECT_TRUE(blank_column(table, 9)) << "past every row";
}

TEST(CsvTest, ReadsHeaderAndRows) {
  const CsvTable table = parse_ok("id,name\nA1,first\nB2,second\n");
  EXPECT_EQ(values_of(table.header), (Strings{"id", "name"}));
  ASSERT_EQ(table.rows.size(), 2U);
  EXPECT_EQ(values_of(table.rows[0]), (Strings{"A1", "first"}));
  EXPECT_EQ(values_of(table.rows[1]), (Strings{"B2", "second"}));
  EXPECT_EQ(table.header.line, 1U);
  EXPECT_EQ(table.rows[0].line, 2U);
  EXPECT_EQ(table.rows[1].line, 3U);
}

TEST(CsvTest, ReadsLastRowWithoutLineEnd) {
  const CsvTable table = parse_ok("a,b\n1,2");
  ASSERT_EQ(table.rows.size(), 1U);
  EXPECT_EQ(values_of(table.rows[0]), (Strings{"1", "2"}));
}

TEST(CsvTest, ReadsEmptyFields) {
  const CsvTable table = parse_ok("a,b,c\n,,\n1,,\n");
  ASSERT_EQ(table.rows.size(), 2U);
  EXPECT_EQ(values_of(table.rows[0]), (Strings{"", "", ""}));
  EXPECT_EQ(values_of(table.rows[1]), (Strings{"1", "", ""}));
}

TEST(CsvTest, HeaderOnlyGivesNoRows) {
  const CsvTable table = parse_ok("a,b\n");
  EXPECT_EQ(values_of(table.header), (Strings{"a", "b"}));
  EXPECT_TRUE(table.rows.empty());
}

TEST(CsvTest, QuotedFieldKeepsCommas) {
  const CsvTable table = parse_ok("name,city\n\"Aurora Audio Co., Ltd.\",Dongguan\n");
  ASSERT_EQ(table.rows.size(), 1U);
  EXPECT_EQ(values_of(table.rows[0]), (Strings{"Aurora Audio Co., Ltd.", "Dongguan"}));
}

TEST(CsvTest, DoubledQuoteIsOneQuote) {
  const CsvTable table = parse_ok("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n\"\",x\n");
  ASSERT_EQ(table.rows.size(), 2U);
  EXPECT_EQ(values_of(table.rows[0]), (Strings{"say \"hi\"", "\""}));
  EXPECT_EQ(values_of(table.rows[1]), (Strings{"", "x"}));
}

TEST(CsvTest, EmbeddedNewlineKeepsLaterLineNumbersRight) {
  const CsvTable table = parse_ok("a,b\n\"x\ny\",2\n3,4\n\"p\n\nq\",5\n6,7\n");
  ASSERT_EQ(table.rows.size(), 4U);
  EXPECT_EQ(values_of(table.rows[0]), (Strings{"x\ny", "2"}));
  EXPECT_EQ(table.rows[0].line, 2U);
  // The second field of that row starts on line 3: `y",2` puts it at column 4.
  EXPECT_EQ(table.rows[0].fields[1].line, 3U);
  EXPECT_EQ(table.rows[0].fields[1].column, 4U);
  EXPECT_EQ(table.rows[1].line, 4U);
  EXPECT_EQ(values_of(table.rows[2]), (Strings{"p\n\nq", "5"}));
  EXPECT_EQ(table.rows[2].line, 5U);
  EXPECT_EQ(table.rows[3].line, 8U);
  EXPECT_EQ(table.rows[3].fields[0].line, 8U);
}

TEST(CsvTest, AcceptsCrlfLineEnds) {
  const CsvTable table = parse_ok("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n");
  EXPECT_EQ(values_of(table.header), (Strings{"a", "b"}));
  ASSERT_EQ(table.rows.size(), 3U);
  EXPECT_EQ(values_of(table.rows[0]), (Strings{"1", "2"}));
  // Inside quotes a line break is \n, as the same text saved with \n line ends reads.
  EXPECT_EQ(values_of(table.rows[1]), (Strings{"x\ny", "3"}));
  EXPECT_EQ(values_of(table.rows[2]), (Strings{"4", "5"}));
  EXPECT_EQ(table.rows[2].line, 5U);
}

TEST(CsvTest, ALineBreakInsideQuotesIsOneNewlineWhateverTheProgramWrote) {
  const CsvTable table = parse_ok("a,b\n\"one\rtwo\",\"three\r\n\r\nfour\"\n5,6\n");
  ASSERT_EQ(table.rows.size(), 2U);
  EXPECT_EQ(values_of(table.rows[0]), (Strings{"one\ntwo", "three\n\nfour"}));
  EXPECT_EQ(values_of(table.rows[1]), (Strings{"5", "6"}));
  EXPECT_EQ(table.rows[1].line, 5U);
}

TEST(CsvTest, SkipsUtf8ByteOrderMark) {
  const CsvTable table = parse_ok("\xEF\xBB\xBFid,name\nA,b\n");
  EXPECT_EQ(values_of(table.header), (Strings{"id", "name"}));
  EXPECT_EQ(table.header.fields[0].column, 1U);
}

TEST(CsvTest, SkipsBlankLines) {
  const CsvTable table = parse_ok("\na,b\n\n1,2\r\n\r\n\n3,4\n\n");
  EXPECT_EQ(table.header.line, 2U);
  ASSERT_EQ(table.rows.size(), 2U);
  EXPECT_EQ(values_of(table.rows[0]), (Strings{"1", "2"}));
  EXPECT_EQ(table.rows[0].line, 4U);
  EXPECT_EQ(values_of(table.rows[1]), (Strings{"3", "4"}));
  EXPECT_EQ(table.rows[1].line, 7U);
}

TEST(CsvTest, CountsColumnsInCharacters) {
  const CsvTable table = parse_ok("city,code\n深圳市,x\n\"深圳\",\"东莞\"\n");
  ASSERT_EQ(table.rows.size(), 2U);
  EXPECT_EQ(table.rows[0].fields[0].column, 1U);
  EXPECT_EQ(table.rows[0].fields[1].column, 5U);
  EXPECT_EQ(table.rows[1].fields[1].column, 6U);  // `"深圳",` is five characters
  EXPECT_EQ(table.rows[1].fields[1].value, "东莞");
}

TEST(CsvTest, RecordsWhereEachFieldStarts) {
  const CsvTable table = parse_ok("a,bb,ccc\n1,22,333\n");
  ASSERT_EQ(table.rows.size(), 1U);
  const std::vector<std::size_t> columns = {1, 3, 6};
  for (std::size_t i = 0; i < columns.size(); ++i) {
    EXPECT_EQ(table.rows[0].fields[i].line, 2U);
    EXPECT_EQ(table.rows[0].fields[i].column, columns[i]) << "field " << i;
  }
}

TEST(CsvTest, LocationIsFileLineColumn) {
  EXPECT_EQ(csv_location("suppliers.csv", 12, 3), "suppliers.csv:12:3");
}

struct BadCase {
  std::string name;
  std::string text;
  std::string where;
  std::string message_part;
};

TEST(CsvDialectTest, DetectsTheDelimiterFromTheFirstLine) {
  EXPECT_EQ(detect_delimiter("a,b,c\n1;2;3;4\n"), ',');
  EXPECT_EQ(detect_delimiter("\n\"a,b\";c;d\n"), ';');  // commas inside quotes do not count
  EXPECT_EQ(detect_delimiter("a\tb\tc\n"), '\t');
  EXPECT_EQ(detect_delimiter("id\n1\n"), ',');  // a single column: comma
  EXPECT_EQ(detect_delimiter("a,b;c\n"), ',');  // a tie: comma
  EXPECT_EQ(delimiter_name('\t'), "tab");
}

TEST(CsvDialectTest, ReadsSemicolonAndTabFiles) {
  const CsvTable semicolons = parse_ok("\"Ref\";\"Value\"\n\"C1,C2\";\"1,5 pF\"\n");
  EXPECT_EQ(semicolons.delimiter, ';');
  ASSERT_EQ(semicolons.rows.size(), 1U);
  EXPECT_EQ(values_of(semicolons.rows[0]), (Strings{"C1,C2", "1,5 pF"}));
  const CsvTable tabs = parse_ok("Ref\tValue\nR1\t10k, 1%\n");
  EXPECT_EQ(tabs.delimiter, '\t');
  EXPECT_EQ(values_of(tabs.rows[0]), (Strings{"R1", "10k, 1%"}));
  EXPECT_EQ(tabs.rows[0].fields[1].column, 4U);
}

TEST(CsvDialectTest, AcceptsTrailingEmptyFieldsOnlyWhenAsked) {
  // KiCad's PCB-editor BOM: the header ends with ';', every row with ';;;'.
  const std::string_view text =
      "\"Id\";\"Designator\";\"Footprint\";\"Quantity\";\"Designation\";\"Supplier and ref\";\n"
      "1;\"C1,C2\";\"C_0402\";2;\"100nF\";;;\n";
  EXPECT_FALSE(parse_csv(text, kFile).ok());
  const Result<CsvTable> table = parse_csv(text, kFile, {.trailing_empty_fields = true});
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  EXPECT_EQ(table->header.fields.size(), 7U);
  ASSERT_EQ(table->rows.size(), 1U);
  EXPECT_EQ(values_of(table->rows[0]), (Strings{"1", "C1,C2", "C_0402", "2", "100nF", "", ""}));
  EXPECT_EQ(table->trailing_empty_rows, 1U);
  // Text past the header's width is still an error.
  const Result<CsvTable> extra = parse_csv("a;b\n1;2;x\n", kFile, {.trailing_empty_fields = true});
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.error().where(), "in.csv:2:1");
  EXPECT_NE(extra.error().message().find("semicolon-separated"), std::string::npos);
}

TEST(CsvDialectTest, SkipsAPreambleBeforeTheHeader) {
  const std::string_view text =
      "\"Source:\",\"/home/a/board.kicad_sch\"\n\"Component Count:\",\"3\"\n"
      "\"Ref\",\"Qnty\",\"Value\"\n\"C1, C2, \",\"2\",\"100nF\"\n";
  CsvOptions options;
  options.is_header = [](const CsvRow& row) { return row.fields.front().value == "Ref"; };
  const Result<CsvTable> table = parse_csv(text, kFile, options);
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  EXPECT_EQ(table->preamble_rows, 2U);
  EXPECT_EQ(table->header.line, 3U);
  EXPECT_EQ(values_of(table->rows[0]), (Strings{"C1, C2, ", "2", "100nF"}));
}

class CsvErrorTest : public testing::TestWithParam<BadCase> {};

TEST_P(CsvErrorTest, RejectsAtExactPlace) {
  const BadCase& bad = GetParam();
  const Result<CsvTable> table = parse_csv(bad.text, kFile);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().code(), ErrorCode::kInput);
  EXPECT_EQ(table.error().where(), bad.where);
  EXPECT_NE(table.error().message().find(bad.message_part), std::string::npos) << table.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Errors, CsvErrorTest,
    testing::Values(
        BadCase{"TooFewFields", "a,b,c\n1,2,3\n4,5\n", "in.csv:3:1", "2 fields but the header has 3"},
        BadCase{"TooManyFields", "a,b\n1,2,3\n", "in.csv:2:1", "3 fields but the header has 2"},
        BadCase{"WrongCountAfterEmbeddedNewline", "a,b\n\"x\ny\",1\n2\n", "in.csv:4:1", "1 fields"},
        BadCase{"UnclosedQuoteAtOpeningQuote", "a,b\n1,2\n3,\"abc\ndef\n", "in.csv:3:3", "never closed"},
        BadCase{"UnclosedQuoteAfterChinese", "a,b\n深圳市,\"x\n", "in.csv:2:5", "never closed"},
        BadCase{"StrayQuoteInUnquotedField", "a,b\n1,ab\"c\n", "in.csv:2:5", "stray"},
        BadCase{"StrayQuoteAfterChinese", "a,b\n深圳\"x,1\n", "in.csv:2:3", "stray"},
        BadCase{"TextAfterClosingQuote", "a,b\n\"ab\"x,1\n", "in.csv:2:5", "after a closing quote"},
        BadCase{"SpaceAfterClosingQuote", "a,b\n1,\"ab\" \n", "in.csv:2:7", "after a closing quote"},
        BadCase{"InvalidUtf8Byte", "a,b\n1,ab\xFF\n", "in.csv:2:5", "invalid UTF-8"},
        BadCase{"InvalidUtf8AfterChinese", "a,b\n深圳,\xC0\xAF\n", "in.csv:2:4", "invalid UTF-8"},
        BadCase{"InvalidUtf8InHeader", "id,n\xE6\x97\n", "in.csv:1:5", "invalid UTF-8"},
        BadCase{"InvalidUtf8InsideQuotedField", "a,b\n\"x\ny\xED\xA0\x80\",1\n", "in.csv:3:2",
                "invalid UTF-8"},
        BadCase{"InvalidUtf8AfterByteOrderMark",
                "\xEF\xBB\xBF"
                "a\x80",
                "in.csv:1:2", "invalid UTF-8"},
        BadCase{"EmptyFile", "", "in.csv:1:1", "empty"},
        BadCase{"OnlyByteOrderMark", "\xEF\xBB\xBF", "in.csv:1:1", "empty"},
        BadCase{"OnlyBlankLines", "\n\r\n\n", "in.csv:1:1", "empty"}),
    [](const testing::TestParamInfo<BadCase>& case_info) { return case_info.param.name; });

}  // namespace
}  // namespace moat
