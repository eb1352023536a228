// SPDX-License-Identifier: Apache-2.0
#include "app/import.h"

#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "app/audit.h"
#include "app/edit.h"
#include "app/export.h"
#include "app/remove.h"
#include "app/workspace_testing.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

using nlohmann::json;

class ImportTest : public EmptyWorkspaceTest {
 protected:
  Result<ImportReport> import(std::vector<SourceFile> files, ImportOptions options = {}) {
    return import_files(*workspace_, session_, files, options);
  }
  json record(std::string_view table, const store::Key& key) {
    auto found = workspace_->store().get(*store::find_table(table), key);
    return found.ok() && found->has_value() ? **found : json(nullptr);
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, ImportTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(ImportTest, ReadsAKiCadBomExportAndDerivesIdsAndQuantities) {
  const SourceFile bom{"board.csv",
                       "\"Reference\",\"Value\",\"Footprint\",\"Datasheet\",\"Qty\",\"DNP\"\n"
                       "\"C1,C2,C3\",\"100nF\",\"C_0402\",\"~\",\"3\",\"\"\n"
                       "\"R1 R2\",\"10k\",\"R_0402\",\"~\",\"\",\"\"\n"};
  auto report = import({bom}, {.kind = "parts", .product = "board"});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  const json c1 = record("parts", {"board", "C1"});
  EXPECT_EQ(c1["designators"], json({"C1", "C2", "C3"}));
  EXPECT_EQ(c1["quantity"], 3.0);
  EXPECT_EQ(c1["footprint"], "C_0402");
  EXPECT_EQ(c1["make_buy"], "buy");  // a part with designators is an electronic component: bought
  EXPECT_EQ(c1["fitted"], true);
  EXPECT_EQ(record("parts", {"board", "R1"})["quantity"], 2.0);
  EXPECT_EQ(record("products", {"board"})["name"], "board");  // created from --product
}

// A designator names one place on one board: named twice on a line, placed by two lines of one
// parent, or in a range written backwards, it is an error at its cell and nothing is written.
TEST_P(ImportTest, RejectsDesignatorsPlacedTwiceOrRangesWrittenBackwards) {
  const std::pair<std::string, std::vector<std::string>> cases[] = {
      {"Reference,Value,Qty\nC2,100nF,1\n\"C1,C2\",1uF,2\n",
       {"bom.csv:3:1: designator 'C2' is also placed at bom.csv:2:1"}},
      {"Reference,Value,Qty\n\"C1,C1,C2\",1uF,3\n",
       {"bom.csv:2:1: designator 'C1' is named twice on this line"}},
      {"Value,Qty,Reference\n1k,3,R10-R8\n",
       {"bom.csv:2:6: the range 'R10-R8' runs backwards: write R8-R10"}},
  };
  for (const auto& [text, expected] : cases) {
    auto report = import({{"bom.csv", text}}, {.kind = "parts", .product = "board"});
    ASSERT_FALSE(report.ok()) << text;
    EXPECT_EQ(report.error().code(), ErrorCode::kInput);
    std::vector<std::string> found;
    for (const Diagnostic& d : report.error().diagnostics()) found.push_back(d.where + ": " + d.message);
    EXPECT_EQ(found, expected) << text;
    EXPECT_TRUE(record("products", {"board"}).is_null()) << "nothing is written";
  }
  // Two boards (parents) may each have their C1.
  auto two_boards =
      import({{"bom.csv",
               "id,Reference,Value,Qty,Parent\nMAIN,,Main board,1,\nDAUGHTER,,Daughter board,1,\n"
               "MAIN-C1,C1,100nF,1,MAIN\nDAUGHTER-C1,C1,100nF,1,DAUGHTER\n"}},
             {.kind = "parts", .product = "board"});
  EXPECT_TRUE(two_boards.ok()) << two_boards.error().to_string();
}

// A quantity that is not the number of designators is kept, with a warning at its cell.
TEST_P(ImportTest, WarnsOfAQuantityThatIsNotTheNumberOfDesignators) {
  auto report = import({{"bom.csv", "Reference,Value,Qty\n\"C1,C2,C3\",100nF,2\nR1-R3,1k,3\n"}},
                       {.kind = "parts", .product = "board"});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  ASSERT_EQ(report->files.size(), 1u);
  ASSERT_EQ(report->files[0].warnings.size(), 1u);
  EXPECT_EQ(report->files[0].warnings[0].where, "bom.csv:2:18");
  EXPECT_EQ(report->files[0].warnings[0].message,
            "quantity 2 but 3 designators (C1, C2, C3): the quantity is kept");
  EXPECT_EQ(record("parts", {"board", "C1"})["quantity"], 2.0);
  EXPECT_EQ(record("parts", {"board", "R1"})["designators"], json({"R1", "R2", "R3"}));
}

TEST_P(ImportTest, ReadsAnAltiumBomExportIgnoringItsExtraColumns) {
  const SourceFile bom{
      "main-bom.csv",
      "Comment,Description,Designator,Footprint,LibRef,Quantity,Manufacturer 1,Manufacturer Part Number 1\n"
      "ESP32-S3,SoC,U1,QFN56,ESP32,1,Espressif,ESP32-S3R8\n"};
  auto report = import({bom}, {.product = "aurora"});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  const json u1 = record("parts", {"aurora", "U1"});
  EXPECT_EQ(u1["name"], "ESP32-S3");
  EXPECT_EQ(u1["description"], "SoC");
  EXPECT_EQ(u1["manufacturer"], "Espressif");
  EXPECT_EQ(u1["make_buy"], "buy");
}

TEST_P(ImportTest, ReportsEveryBadCellOfAFileWithItsPlace) {
  const SourceFile secrets{"secrets.csv",
                           "product,id,name,weight,strategy\n"
                           "p,S1,A,x,patent\n"
                           "p,S2,B,1,secretive\n"};
  auto report = import({secrets}, {.product = "p"});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().exit_code(), 1);
  ASSERT_EQ(report.error().diagnostics().size(), 2U);
  EXPECT_EQ(report.error().diagnostics()[0].where, "secrets.csv:2:8");
  EXPECT_EQ(report.error().diagnostics()[1].where, "secrets.csv:3:10");
  EXPECT_NE(report.error().diagnostics()[1].message.find("must be one of patent"), std::string::npos);
  EXPECT_EQ(*workspace_->store().event_count(), 0);
}

TEST_P(ImportTest, StoresAffiliationPairsInOneOrder) {
  const SourceFile suppliers{"suppliers.csv",
                             "id,legal_name,uscc\n"
                             "F2,乙公司,91110000600037341L\n"
                             "F1,甲公司,91440300MA5F0000X1\n"};
  const SourceFile links{"affiliations.csv", "a,b,kind\nF2,F1,owner\n"};
  auto report = import({suppliers, links});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_TRUE(record("affiliations", {"F1", "F2", "owner"}).is_object());
  // The same link written the other way round is the same record: nothing changes.
  auto again = import({{"affiliations.csv", "a,b,kind\nF1,F2,owner\n"}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->records_changed, 0U);
}

TEST_P(ImportTest, RejectsTwoSuppliersWithOneCreditCode) {
  auto report =
      import({{"suppliers.csv", "id,legal_name,uscc\nF1,甲,91110000600037341L\nF2,乙,91110000600037341L\n"}});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().where(), "suppliers.csv:3:6");
  EXPECT_NE(report.error().message().find("already supplier 'F1'"), std::string::npos);
}

// What the ledger records is what the database holds: defaults, whole numbers in decimal
// fields and -0 all take their stored form, so the audit agrees with the records.
TEST_P(ImportTest, LedgerImagesMatchTheStoredRecords) {
  const std::string document =
      R"({"format": "moat-workspace", "version": 1,
          "products": [{"id": "p", "name": "P"}],
          "packages": [{"product": "p", "id": "W1", "name": "Housing", "capability": "injection-molding", "volume": 10}],
          "suppliers": [{"id": "F1", "legal_name": "甲", "uscc": "91110000600037341L", "max_exposure_share": 0}]})";
  ASSERT_TRUE(import({{"doc.json", document}}).ok());
  auto quotes = import({{"quotes.csv", "product,package,supplier,unit_cost\np,W1,F1,-0\n"}});
  ASSERT_TRUE(quotes.ok()) << quotes.error().to_string();
  auto audit = verify_ledger(*workspace_);
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok()) << (audit->state_problems.empty() ? audit->chain.problem
                                                             : audit->state_problems.front());
  EXPECT_EQ(record("quotes", {"p", "W1", "F1"})["fixed_cost"].dump(), "0.0");
}

TEST_P(ImportTest, NumbersASpreadsheetReformattedAreRefusedSayingHow) {
  // A credit code Excel turned into a number shown in scientific notation: its digits are lost.
  auto sci = import({{"suppliers.csv", "id,legal_name,uscc\nF1,甲,9.14419E+17\n"}});
  ASSERT_FALSE(sci.ok());
  EXPECT_NE(sci.error().to_string().find("suppliers.csv:2:6"), std::string::npos) << sci.error().to_string();
  EXPECT_NE(sci.error().to_string().find("scientific notation"), std::string::npos);
  auto grouped = import({{"quotes.csv", "product,package,supplier,unit_cost\np,W1,F1,\"1,234.50\"\n"}});
  ASSERT_FALSE(grouped.ok());
  EXPECT_NE(grouped.error().to_string().find("without thousands separators"), std::string::npos)
      << grouped.error().to_string();
  auto plain = import({{"quotes.csv", "product,package,supplier,unit_cost\np,W1,F1,12x\n"}});
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().to_string().find("must be a number"), std::string::npos)
      << plain.error().to_string();
  EXPECT_EQ(plain.error().to_string().find("thousands"), std::string::npos) << plain.error().to_string();
}

TEST_P(ImportTest, DatesYearFirstAndPercentagesAreReadAsSpreadsheetsWriteThem) {
  auto imported = import(
      {{"products.csv", "id,name,production_start\nA,甲,2026/12/7\nB,乙,2027年1月15日\nC,丙,2027.02.03\n"},
       {"suppliers.csv",
        "id,legal_name,uscc,max_exposure_share\nF1,甲,91110000600037341L,50%\n"
        "F2,乙,91440300MA5F0000X1,0.25\n"}});
  ASSERT_TRUE(imported.ok()) << imported.error().to_string();
  EXPECT_EQ(record("products", {"A"})["production_start"], "2026-12-07");
  EXPECT_EQ(record("products", {"B"})["production_start"], "2027-01-15");
  EXPECT_EQ(record("products", {"C"})["production_start"], "2027-02-03");
  EXPECT_EQ(record("suppliers", {"F1"})["max_exposure_share"], 0.5);
  EXPECT_EQ(record("suppliers", {"F2"})["max_exposure_share"], 0.25);
  // Day or month first is ambiguous, and a date that does not exist is refused as written.
  for (const std::string date : {"07/12/2026", "2026/2/30"}) {
    auto refused = import({{"products.csv", "id,name,production_start\nD,丁," + date + "\n"}});
    ASSERT_FALSE(refused.ok()) << date;
    EXPECT_NE(refused.error().to_string().find("'" + date + "'"), std::string::npos)
        << refused.error().to_string();
  }
  auto over =
      import({{"suppliers.csv", "id,legal_name,uscc,max_exposure_share\nF3,丙,91110000600037341L,150%\n"}});
  EXPECT_FALSE(over.ok()) << "150% is more than the whole";
}

TEST_P(ImportTest, SuppliersMaySwapCreditCodesInOneImport) {
  ASSERT_TRUE(
      import({{"suppliers.csv", "id,legal_name,uscc\nF1,甲,91110000600037341L\nF2,乙,91440300MA5F0000X1\n"}})
          .ok());
  auto swapped =
      import({{"suppliers.csv", "id,legal_name,uscc\nF1,甲,91440300MA5F0000X1\nF2,乙,91110000600037341L\n"}});
  ASSERT_TRUE(swapped.ok()) << swapped.error().to_string();
  EXPECT_EQ(record("suppliers", {"F1"})["uscc"], "91440300MA5F0000X1");
}

// A visit's score is a percent: over 100 or below 0 it is refused at its cell or its pointer,
// saying what is allowed, as `moat set` refuses it.
TEST_P(ImportTest, RefusesAVisitScoreThatIsNotAPercent) {
  ASSERT_TRUE(import({{"suppliers.csv", "id,legal_name,uscc\nF1,甲,91110000600037341L\n"}}).ok());
  const std::string header = "id,supplier,kind,date,score\n";
  auto over = import({{"visits.csv", header + "V1,F1,audit,2026-11-01,100\nV2,F1,audit,2026-11-02,150\n"
                                              "V3,F1,audit,2026-11-03,-1\n"}});
  ASSERT_FALSE(over.ok());
  std::vector<std::string> found;
  for (const Diagnostic& d : over.error().diagnostics()) found.push_back(d.where + ": " + d.message);
  EXPECT_EQ(found, (std::vector<std::string>{
                       "visits.csv:3:24: score is a percent: it must be between 0 and 100, not 150.0",
                       "visits.csv:4:24: score is a percent: it must be between 0 and 100, not -1.0"}));
  const std::string document = R"({"format": "moat-workspace", "version": 1,
      "visits": [{"id": "V4", "supplier": "F1", "kind": "audit", "date": "2026-11-04", "score": 100.5}]})";
  auto pointed = import({{"doc.json", document}});
  ASSERT_FALSE(pointed.ok());
  EXPECT_EQ(pointed.error().where(), "doc.json#/visits/0/score");
  EXPECT_NE(pointed.error().message().find("between 0 and 100"), std::string::npos);

  ASSERT_TRUE(import({{"visits.csv", header + "V1,F1,audit,2026-11-01,100\n"}}).ok());
  auto set = edit_record(*workspace_, session_, "visits", "V1", {{"score", "100.01"}}, std::nullopt);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().where(), "score");
  EXPECT_NE(set.error().message().find("between 0 and 100"), std::string::npos);
  EXPECT_EQ(record("visits", {"V1"})["score"], 100.0);
}

TEST_P(ImportTest, AcceptsSpreadsheetEmptyRowsAndAFinalCarriageReturn) {
  auto report = import({{"products.csv", "id,name,description\r\np1,One,\r\n,,\r\n ,, \r\np2,Two,x\r"}});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->records_read.at("products"), 2U);
  EXPECT_EQ(record("products", {"p2"})["description"], "x");
}

TEST_P(ImportTest, AProductFlagIsCreatedOnlyWhenRowsUseIt) {
  ASSERT_TRUE(import({{"products.csv", "id,name\naurora,Aurora\n"}}).ok());
  auto report = import({{"secrets.csv", "product,id,name,weight,strategy\naurora,S1,A,1,patent\n"}},
                       {.product = "aurroa"});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_TRUE(record("products", {"aurroa"}).is_null());
}

TEST_P(ImportTest, DryRunChecksButWritesNothing) {
  auto report = import({{"products.csv", "id,name\np,P\n"}}, {.dry_run = true});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->records_read.at("products"), 1U);
  EXPECT_TRUE(record("products", {"p"}).is_null());
  EXPECT_EQ(*workspace_->store().event_count(), 0);
}

TEST_P(ImportTest, AProductFileNeedsItsProduct) {
  auto report = import({{"secrets.csv", "id,name,weight,strategy\nS1,A,1,patent\n"}});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().where(), "secrets.csv:2:1");
  EXPECT_NE(report.error().message().find("--product"), std::string::npos);
}

TEST_P(ImportTest, WorkspaceDocumentNumbersTakeOneForm) {
  ASSERT_TRUE(import({{"products.csv", "id,name\np,P\n"}}).ok());
  const std::string document =
      R"({"format": "moat-workspace", "version": 1,
          "secrets": [{"product": "p", "id": "S1", "name": "A", "weight": 5, "strategy": "patent"}]})";
  ASSERT_TRUE(import({{"doc.json", document}}).ok());
  EXPECT_TRUE(record("secrets", {"p", "S1"})["weight"].is_number_float());
  auto exported = export_workspace(*workspace_);
  ASSERT_TRUE(exported.ok());
  EXPECT_NE(exported->find("\"weight\": 5.0"), std::string::npos);
}

TEST_P(ImportTest, WorkspaceCapabilitiesExtendTheVocabulary) {
  const SourceFile suppliers{
      "suppliers.csv", "id,legal_name,uscc,capabilities\nF1,甲,91110000600037341L,ultrasonic-welding\n"};
  ASSERT_FALSE(import({suppliers}).ok());
  std::filesystem::path toml = dir_.path() / "ws" / "moat.toml";
  Config config = workspace_->config();
  config.extra_capabilities = {"ultrasonic-welding"};
  workspace_.reset();
  std::ofstream(toml) << render_config(config);
  auto reopened = Workspace::open(dir_.path() / "ws");
  ASSERT_TRUE(reopened.ok()) << reopened.error().to_string();
  workspace_ = std::move(*reopened);
  EXPECT_TRUE(import({suppliers}).ok());
}

TEST_P(ImportTest, ReadsKiCadsPcbEditorBomAsExported) {
  const SourceFile bom{
      "board.csv",
      "\"Id\";\"Designator\";\"Footprint\";\"Quantity\";\"Designation\";\"Supplier and ref\";\n"
      "1;\"C1,C2\";\"C_0402\";2;\"100nF\";;;\n"
      "2;\"U1\";\"SOIC-8\";1;\"TL072\";;;\n"};
  auto report = import({bom}, {.kind = "parts", .product = "board"});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  ASSERT_EQ(report->files.size(), 1U);
  EXPECT_EQ(report->files[0].delimiter, "semicolon");
  EXPECT_EQ(report->files[0].layout, "kicad-pcb");
  EXPECT_EQ(report->files[0].make_buy.at("buy"), 2U);
  EXPECT_TRUE(record("parts", {"board", "1"}).is_null()) << "the row number is not a part id";
  EXPECT_EQ(record("parts", {"board", "C1"})["name"], "100nF");
  EXPECT_EQ(record("parts", {"board", "U1"})["quantity"], 1.0);
}

TEST_P(ImportTest, ReadsABomWithChineseHeadersAndPunctuation) {
  // As a Chinese engineer's spreadsheet writes it: Chinese headers, designators separated by
  // full-width and enumeration commas.
  const SourceFile bom{"board-bom.csv",
                       "位号,名称,规格,封装,数量,品牌,厂家型号\n"
                       "\"C1，C2、C3\",100nF,50V X7R,0402,3,Murata,GRM155R71H104KE14D\n"
                       "W1,USB cable,1 m,,0.25,,\n"};
  auto report = import({bom}, {.kind = "parts", .product = "board"});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_TRUE(report->files[0].ignored_columns.empty());
  const json c1 = record("parts", {"board", "C1"});
  EXPECT_EQ(c1["designators"], json({"C1", "C2", "C3"}));
  EXPECT_EQ(c1["name"], "100nF");
  EXPECT_EQ(c1["description"], "50V X7R");
  EXPECT_EQ(c1["footprint"], "0402");
  EXPECT_EQ(c1["quantity"], 3.0);
  EXPECT_EQ(c1["manufacturer"], "Murata");
  EXPECT_EQ(c1["mpn"], "GRM155R71H104KE14D");
  EXPECT_EQ(record("parts", {"board", "W1"})["quantity"], 0.25)
      << "the quantity column, not 1 per designator";
  // 型号 alone is no manufacturer part number: a mechanical BOM's own model numbers stay "make".
  const SourceFile mechanical{"housing-bom.csv", "id,名称,型号,数量\nM1,上壳,AUR-HS-01,1\n"};
  auto made = import({mechanical}, {.kind = "parts", .product = "board"});
  ASSERT_TRUE(made.ok()) << made.error().to_string();
  EXPECT_EQ(record("parts", {"board", "M1"})["make_buy"], "make");
  // A designator named twice is caught across full-width commas too.
  const SourceFile twice{"twice-bom.csv", "id,Reference,Value,Qty\nCAP1,C1，C2、C1,100nF,3\n"};
  auto refused = import({twice}, {.kind = "parts", .product = "board"});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().to_string().find("named twice"), std::string::npos)
      << refused.error().to_string();
}

TEST_P(ImportTest, AltiumsValueAndSecondManufacturerBesideTheirColumnsAreNotRefused) {
  const SourceFile bom{"altium.csv",
                       "Comment,Description,Designator,Footprint,LibRef,Quantity,Value,Manufacturer,"
                       "Manufacturer 1\n"
                       "100nF,Capacitor,\"C1, C2\",C0402,CAP,2,100nF,Murata,Samsung\n"};
  auto report = import({bom}, {.kind = "parts", .product = "board"});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->files[0].layout, "altium-grouped");
  const json c1 = record("parts", {"board", "C1"});
  EXPECT_EQ(c1["name"], "100nF");
  EXPECT_EQ(c1["manufacturer"], "Murata") << "the column named so, not 'Manufacturer 1'";
}

TEST_P(ImportTest, ReadsGbkDeclaredAndEmptyColumnsASpreadsheetLeftAtTheEnd) {
  // "id,legal_name,uscc,city,," in GBK, as Excel's CSV on Chinese Windows writes it, with two
  // empty columns its formatting reached.
  const SourceFile suppliers{"suppliers.csv",
                             "id,legal_name,uscc,city,,\nF7,\xC9\xEE\xDB\xDA\xBC\xAB\xB9\xE2,"
                             "91440300MA5F0000X1,\xC9\xEE\xDB\xDA,,\n"};
  // Not taken unasked (an EUC-KR file reads as GB18030 too): refused, saying how it would read.
  auto unasked = import({suppliers}, {.kind = "suppliers"});
  ASSERT_FALSE(unasked.ok());
  EXPECT_NE(unasked.error().to_string().find("--encoding gb18030"), std::string::npos)
      << unasked.error().to_string();
  SourceFile declared = suppliers;
  declared.encoding = "gbk";
  auto report = import({declared}, {.kind = "suppliers"});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->files[0].encoding, "GB18030");
  EXPECT_EQ(record("suppliers", {"F7"})["legal_name"], "深圳极光");
  EXPECT_EQ(record("suppliers", {"F7"})["city"], "深圳");
  // An empty header over cells that hold something is still an unknown column.
  const SourceFile filled{"filled.csv", "id,legal_name,uscc,city,\nF8,x,91110000600037341L,y,z\n"};
  auto refused = import({filled}, {.kind = "suppliers"});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().to_string().find("filled.csv:1:"), std::string::npos);
}

TEST_P(ImportTest, DnpLinesAreKeptButNotFitted) {
  const SourceFile bom{"board-bom.csv",
                       "Refs,Value,Qty,DNP,Exclude from board\n"
                       "R1,10k,1,DNP,\nR2,1k,1,,Excluded from board\nR3,0R,1,,\nHousing,Top housing,1,,\n"};
  auto report = import({bom}, {.product = "board"});
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(record("parts", {"board", "R1"})["fitted"], false);
  EXPECT_EQ(record("parts", {"board", "R2"})["fitted"], false);
  EXPECT_EQ(record("parts", {"board", "R3"})["fitted"], true);
  EXPECT_EQ(report->files[0].not_fitted, 2U);
  EXPECT_EQ(report->files[0].fitted, 2U);
  auto bad = import({{"board-bom.csv", "Refs,Value,Qty,DNP\nR4,1k,1,perhaps\n"}}, {.product = "board"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where(), "board-bom.csv:2:9");
}

TEST_P(ImportTest, AReplacementRemovesWhatTheBomNoLongerHoldsAsOneRevision) {
  const std::string header = "Refs,Value,Qty\n";
  ASSERT_TRUE(
      import({{"bom.csv", header + "C1,100nF,1\nR1,10k,1\nR2,1k,1\n"}}, {.product = "p", .replace = true})
          .ok());
  ASSERT_TRUE(import({{"packages.csv", "id,name,capability,parts,volume\nPCBA,Board,pcba-smt,R2;C1,10\n"}},
                     {.product = "p"})
                  .ok());
  const std::int64_t events = *workspace_->store().event_count();
  const SourceFile next{"bom.csv", header + "C1,100nF,2\nR1,10k,1\n"};
  auto refused = import({next}, {.product = "p", .replace = true});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().where(), "packages/p/PCBA/parts");
  EXPECT_EQ(*workspace_->store().event_count(), events);

  auto dry = import({next}, {.product = "p", .dry_run = true, .replace = true, .cascade = true});
  ASSERT_TRUE(dry.ok()) << dry.error().to_string();
  ASSERT_EQ(dry->difference.changed.size(), 1U);
  EXPECT_EQ(dry->difference.changed[0].fields[0].field, "quantity");
  EXPECT_EQ(dry->difference.changed[0].fields[0].before, "1.0");
  ASSERT_EQ(dry->difference.removed.size(), 1U);
  EXPECT_EQ(dry->difference.removed[0].key, "p/R2");
  ASSERT_EQ(dry->difference.unlinked.size(), 1U);
  EXPECT_EQ(*workspace_->store().event_count(), events);

  auto applied = import({next}, {.product = "p", .replace = true, .cascade = true});
  ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  EXPECT_TRUE(record("parts", {"p", "R2"}).is_null());
  EXPECT_EQ(record("packages", {"p", "PCBA"})["parts"], json({"C1"}));
  // One revision: the changed part, the removed one, the unlinked package and the revision note.
  EXPECT_EQ(applied->events, 4);
  auto audit = verify_ledger(*workspace_);
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok());
}

TEST_P(ImportTest, RemovalIsRefusedWhileOthersReferToTheRecord) {
  ASSERT_TRUE(import({{"suppliers.csv", "id,legal_name,uscc\nF1,甲,91110000600037341L\n"},
                      {"people.csv", "id,name,supplier\nP1,Li Wei,F1\n"}})
                  .ok());
  auto refused = remove_records(*workspace_, session_, "suppliers", {"F1"}, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().where(), "people/P1/supplier");
  EXPECT_FALSE(record("suppliers", {"F1"}).is_null());
  auto stale = remove_records(*workspace_, session_, "people", {"P1"}, {.if_version = 2});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);
  auto cascaded = remove_records(*workspace_, session_, "suppliers", {"F1"}, {.cascade = true});
  ASSERT_TRUE(cascaded.ok()) << cascaded.error().to_string();
  EXPECT_EQ(cascaded->difference.removed.size(), 2U);
  EXPECT_TRUE(record("people", {"P1"}).is_null());
}

}  // namespace
}  // namespace moat::app
