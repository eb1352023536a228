// SPDX-License-Identifier: Apache-2.0
#include "store/schema.h"

#include <gtest/gtest.h>

#include "store/database.h"
#include "store/migrations.h"
#include "testing/testing.h"

namespace moat::store {
namespace {

// The schema description and the migrated database must agree column for column: the row
// mapping relies on it.
TEST(SchemaTest, EveryTableMatchesTheMigratedDatabase) {
  testing::TempDir dir;
  auto db = open_sqlite(dir.path() / "moat.db", true);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(migrate(**db).ok());
  for (const Table& table : tables()) {
    auto rows = (*db)->query("SELECT name FROM pragma_table_info('" + std::string(table.name) + "') ORDER BY cid");
    ASSERT_TRUE(rows.ok()) << table.name;
    std::vector<std::string> columns;
    for (const SqlRow& row : *rows) columns.push_back(std::get<std::string>(row[0]));
    std::vector<std::string> fields;
    for (const Field& field : table.fields) fields.emplace_back(field.name);
    EXPECT_EQ(columns, fields) << table.name;
  }
}

TEST(SchemaTest, ProductScopedTablesAreKeyedByProductFirst) {
  for (const Table& table : tables()) {
    ASSERT_LE(table.key_size, table.fields.size()) << table.name;
    if (table.product_scoped) {
      EXPECT_EQ(table.fields.front().name, "product") << table.name;
    }
    for (const Field& key : table.key_fields()) {
      EXPECT_TRUE(key.required) << table.name << "." << key.name;
    }
  }
}

TEST(SchemaTest, FindsTablesByName) {
  EXPECT_NE(find_table("suppliers"), nullptr);
  EXPECT_EQ(find_table("widgets"), nullptr);
  EXPECT_NE(find_table("parts")->field("quantity"), nullptr);
}

}  // namespace
}  // namespace moat::store
