// SPDX-License-Identifier: Apache-2.0
#include "app/audit.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "app/demo.h"
#include "app/demo_testing.h"
#include "app/export.h"
#include "store/store.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

class AuditTest : public DemoTest {
 protected:
  AuditTest() : DemoTest("tester") {}
  AuditReport audit() {
    auto report = verify_ledger(*workspace_);
    EXPECT_TRUE(report.ok());
    return *report;
  }
  void sql(const std::string& statement) {
    ASSERT_TRUE(workspace_->store().database().execute(statement).ok()) << statement;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(AuditTest, TheDemoVerifies) {
  const AuditReport report = audit();
  EXPECT_TRUE(report.ok()) << report.chain.problem;
  EXPECT_TRUE(report.witness_present);
  EXPECT_GT(report.records_checked, 150);
  EXPECT_GE(report.chain.events_checked, report.records_checked);  // the plan was saved, then approved
}

TEST_P(AuditTest, FindsARecordChangedBehindTheLedger) {
  sql(R"(UPDATE "secrets" SET "weight" = 1 WHERE "id" = 'S01')");
  const AuditReport report = audit();
  EXPECT_TRUE(report.chain.ok);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.state_problems.front().find("secrets/aurora/S01 differs"), std::string::npos);
}

TEST_P(AuditTest, NamesTheFirstAlteredEvent) {
  sql(R"(UPDATE "ledger" SET "at" = '2000-01-01T00:00:00.000Z' WHERE "seq" = 42)");
  const AuditReport report = audit();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.chain.first_bad, 42);
}

TEST_P(AuditTest, FindsEventsCutOffTheEnd) {
  sql(R"(DELETE FROM "ledger" WHERE "seq" > 100)");
  const AuditReport report = audit();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.chain.first_bad, 101);
}

TEST_P(AuditTest, FindsRecordsAddedAndDeletedBehindTheLedger) {
  sql(R"(DELETE FROM "certificates" WHERE ("supplier", "id") =
            (SELECT "supplier", "id" FROM "certificates" ORDER BY "supplier", "id" LIMIT 1))");
  sql(R"(INSERT INTO "products" ("id", "name", "row_version") VALUES ('zz-added', 'Added', 1))");
  const AuditReport report = audit();
  EXPECT_TRUE(report.chain.ok);
  ASSERT_EQ(report.state_problems.size(), 2u);
  EXPECT_EQ(report.state_problems[0],
            "products/zz-added is stored but the ledger never recorded it (added outside moat)");
  EXPECT_NE(report.state_problems[1].find("certificates/"), std::string::npos);
  EXPECT_NE(report.state_problems[1].find("is in the ledger but missing (deleted outside moat)"),
            std::string::npos);
}

// The typed read of columns (what the flags, the gate, export and verify read large tables
// through) gives every record's fields as the JSON records of Store::list do, in the same order.
TEST_P(AuditTest, ColumnsGiveWhatTheRecordsHold) {
  store::Store& store = workspace_->store();
  std::size_t compared = 0;
  for (const store::Table& table : store::tables()) {
    std::vector<std::string_view> names;
    for (const store::Field& field : table.fields) names.push_back(field.name);
    std::reverse(names.begin(), names.end());  // any order of fields
    auto records = store.list(table);
    auto rows = store.columns(table, names);
    ASSERT_TRUE(records.ok() && rows.ok()) << table.name;
    ASSERT_EQ(rows->size(), records->size()) << table.name;
    for (std::size_t r = 0; r < rows->size(); ++r) {
      nlohmann::json record = nlohmann::json::object();
      for (std::size_t i = 0; i < names.size(); ++i) {
        auto value = store::field_value(table, *table.field(names[i]), (*rows)[r][i]);
        ASSERT_TRUE(value.ok());
        record[std::string(names[i])] = *value;
      }
      EXPECT_EQ(store::canonical_json(record), store::canonical_json((*records)[r])) << table.name;
      ++compared;
    }
  }
  EXPECT_GT(compared, 150u);
  const std::string_view unknown[] = {"no_such_field"};
  EXPECT_FALSE(store.columns(*store::find_table("suppliers"), unknown).ok());
}

// Export writes the document as text from the columns; its bytes are those of the whole
// document built as JSON and dumped, as export wrote it before.
TEST_P(AuditTest, ExportWritesWhatDumpingTheDocumentGives) {
  nlohmann::ordered_json document;
  document["format"] = "moat-workspace";
  document["version"] = 1;
  for (const store::Table& table : store::tables()) {
    auto records = workspace_->store().list(table);
    ASSERT_TRUE(records.ok());
    nlohmann::ordered_json& list = document[std::string(table.name)] = nlohmann::ordered_json::array();
    for (const store::Record& record : *records) list.push_back(nlohmann::ordered_json(record));
  }
  auto exported = export_workspace(*workspace_);
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(*exported, document.dump(2, ' ', false, nlohmann::json::error_handler_t::strict) + "\n");
}

}  // namespace
}  // namespace moat::app
