// SPDX-License-Identifier: Apache-2.0
#include "sheet/xlsx.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/module.h"
#include "sheet/xlsx_module.h"

namespace moat::sheet {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

// A workbook made by hand, part by part, as other spreadsheet programs write them.
std::string zip_of(const std::map<std::string, std::string>& parts) {
  const fs::path path =
      fs::temp_directory_path() / ("moat-xlsx-test-" + std::to_string(::getpid()) + ".xlsx");
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  EXPECT_NE(zip, nullptr);
  for (const auto& [name, content] : parts) {
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    EXPECT_GE(zip_file_add(zip, name.c_str(), source, ZIP_FL_OVERWRITE), 0);
  }
  EXPECT_EQ(zip_close(zip), 0);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  fs::remove(path);
  return bytes.str();
}

constexpr std::string_view kWorkbook =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
  <sheets><sheet name="Notes" sheetId="1" r:id="rId1"/><sheet name="Parts list" sheetId="2" r:id="rId2"/></sheets>
</workbook>)";
constexpr std::string_view kRelations =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
  <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>
</Relationships>)";
constexpr std::string_view kStrings =
    R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">
  <si><t>Designator</t></si><si><t>Value</t></si>
  <si><r><t>10</t></r><r><rPr><b/></rPr><t>0nF</t></r></si>
  <si><t>电阻</t><rPh sb="0" eb="1"><t>でんてい</t></rPh></si>
</sst>)";
constexpr std::string_view kStyles =
    R"(<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
  <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts>
  <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
  <cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs>
</styleSheet>)";

std::string sheet_xml(std::string_view rows) {
  return R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
         std::string(rows) + "</sheetData></worksheet>";
}

std::string workbook_with(std::string_view second_sheet_rows) {
  return zip_of({{"[Content_Types].xml", "<Types/>"},
                 {"xl/workbook.xml", std::string(kWorkbook)},
                 {"xl/_rels/workbook.xml.rels", std::string(kRelations)},
                 {"xl/sharedStrings.xml", std::string(kStrings)},
                 {"xl/styles.xml", std::string(kStyles)},
                 {"xl/worksheets/sheet1.xml",
                  sheet_xml(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>notes</t></is></c></row>)")},
                 {"xl/worksheets/sheet2.xml", sheet_xml(second_sheet_rows)}});
}

Strings values_of(const CsvRow& row) {
  Strings out;
  for (const CsvField& field : row.fields) out.push_back(field.value);
  return out;
}

TEST(XlsxTest, ReadsCellsOfEveryKindWhereTheyStand) {
  const std::string bytes = workbook_with(
      R"(<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="D2" t="inlineStr"><is><t>Date</t></is></c></row>)"
      R"(<row r="4"><c r="A4" t="s"><v>2</v></c><c r="B4"><v>0.1</v></c><c r="C4" t="b"><v>1</v></c><c r="D4" s="1"><v>46000</v></c></row>)"
      R"(<row r="5"><c r="A5" t="s"><v>3</v></c><c r="B5"><v>3</v></c><c r="C5" t="str"><f>A5</f><v>x</v></c><c r="D5" s="2"><v>45000.75</v></c></row>)");
  const Result<std::vector<std::string>> names = sheet_names(bytes, "bom.xlsx");
  ASSERT_TRUE(names.ok()) << names.error().to_string();
  EXPECT_EQ(*names, (Strings{"Notes", "Parts list"}));

  const Result<Worksheet> sheet = read_worksheet(bytes, "bom.xlsx", "Parts list");
  ASSERT_TRUE(sheet.ok()) << sheet.error().to_string();
  EXPECT_EQ(sheet->name, "Parts list");
  EXPECT_EQ(values_of(sheet->cells.header), (Strings{"Designator", "Value", "", "Date"}));
  EXPECT_EQ(sheet->cells.header.line, 2U);
  ASSERT_EQ(sheet->cells.rows.size(), 2U);
  EXPECT_EQ(values_of(sheet->cells.rows[0]), (Strings{"100nF", "0.1", "true", "2025-12-09"}));
  EXPECT_EQ(values_of(sheet->cells.rows[1]), (Strings{"电阻", "3", "x", "2023-03-15"}));
  EXPECT_EQ(sheet->cells.rows[1].line, 5U);
  EXPECT_EQ(sheet->cells.rows[1].fields[3].column, 4U);

  const Result<Worksheet> first = read_worksheet(bytes, "bom.xlsx", std::nullopt);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->name, "Notes");
}

TEST(XlsxTest, NamesTheCellOfEveryProblem) {
  const std::string error_cell = workbook_with(
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="e"><v>#REF!</v></c></row>)");
  const Result<Worksheet> bad = read_worksheet(error_cell, "bom.xlsx", "Parts list");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where(), "bom.xlsx:'Parts list'!A2");
  EXPECT_NE(bad.error().message().find("#REF!"), std::string::npos);

  const std::string wide = workbook_with(
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="3"><c r="A3" t="s"><v>1</v></c><c r="C3"><v>7</v></c></row>)");
  const Result<Worksheet> past = read_worksheet(wide, "bom.xlsx", "Parts list");
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.error().where(), "bom.xlsx:'Parts list'!C3");

  const Result<Worksheet> missing = read_worksheet(wide, "bom.xlsx", "Sheet9");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("Notes, Parts list"), std::string::npos);

  const Result<Worksheet> not_zip = read_worksheet("id,name\n", "bom.xlsx", std::nullopt);
  ASSERT_FALSE(not_zip.ok());
  EXPECT_EQ(not_zip.error().code(), ErrorCode::kInput);

  const std::string broken = zip_of({{"xl/workbook.xml", "<workbook><sheets><sheet name='a'"}});
  EXPECT_FALSE(read_worksheet(broken, "bom.xlsx", std::nullopt).ok());
}

TEST(XlsxTest, WritesWorkbooksItReadsBack) {
  const fs::path path =
      fs::temp_directory_path() / ("moat-xlsx-written-" + std::to_string(::getpid()) + ".xlsx");
  Table parts{"parts", {"id", "quantity", "fitted", "note"}, {}};
  parts.rows.push_back({std::string("C1"), 3.0, true, std::monostate()});
  parts.rows.push_back({std::string("深圳市"), 0.25, false, std::string("a; b")});
  Table same_name{"parts", {"x"}, {{std::string("y")}}};
  ASSERT_TRUE(write_workbook(path.string(), {parts, same_name}).ok());
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  fs::remove(path);
  const Result<std::vector<std::string>> names = sheet_names(bytes.str(), "out.xlsx");
  ASSERT_TRUE(names.ok()) << names.error().to_string();
  EXPECT_EQ(*names, (Strings{"parts", "parts (2)"}));
  const Result<Worksheet> sheet = read_worksheet(bytes.str(), "out.xlsx", std::nullopt);
  ASSERT_TRUE(sheet.ok()) << sheet.error().to_string();
  EXPECT_EQ(values_of(sheet->cells.header), (Strings{"id", "quantity", "fitted", "note"}));
  ASSERT_EQ(sheet->cells.rows.size(), 2U);
  EXPECT_EQ(values_of(sheet->cells.rows[0]), (Strings{"C1", "3", "true", ""}));
  EXPECT_EQ(values_of(sheet->cells.rows[1]), (Strings{"深圳市", "0.25", "false", "a; b"}));
}

// A module asked for an interface it does not have (a binary of another build) is refused with
// the module named; asked for its own, it gives its functions.
TEST(XlsxModuleTest, IsRefusedForAnotherInterface) {
  const auto other =
      open_module_functions<XlsxModule>(kXlsxModuleFile, kXlsxModuleEntry, kXlsxModuleInterface + 1);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message().find(kXlsxModuleFile), std::string::npos) << other.error().message();
  EXPECT_NE(other.error().message().find("another build"), std::string::npos) << other.error().message();
  const auto own = open_module_functions<XlsxModule>(kXlsxModuleFile, kXlsxModuleEntry, kXlsxModuleInterface);
  ASSERT_TRUE(own.ok()) << own.error().message();
  EXPECT_NE(*own, nullptr);
}

}  // namespace
}  // namespace moat::sheet
