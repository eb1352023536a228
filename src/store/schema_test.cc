// SPDX-License-Identifier: Apache-2.0
#include "store/schema.h"

#include <algorithm>
#include <filesystem>
#include <span>

#include <gtest/gtest.h>

#include "store/database.h"
#include "store/migrations.h"
#include "testing/testing.h"

namespace moat::store {
namespace {

// The schema description and the migrated database must agree column for column: the row
// mapping names every column it reads. Columns added by later migrations come after the store's
// own row_version, so that one is compared apart.
class MigratedSchemaTest : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(Backends, MigratedSchemaTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(MigratedSchemaTest, EveryTableMatchesTheMigratedDatabase) {
  testing::TempDir dir;
  testing::TestDatabase database(GetParam());
  ASSERT_EQ(database.error(), "");
  const bool postgresql = GetParam() == "postgresql";
  auto db = postgresql ? open_postgresql(database.url()) : open_sqlite(dir.path() / "moat.db", true);
  ASSERT_TRUE(db.ok()) << db.error().to_string();
  ASSERT_TRUE(migrate(**db).ok());
  ASSERT_TRUE(migrate(**db).ok());  // a second time changes nothing
  for (const Table& table : tables()) {
    const std::string name(table.name);
    auto rows =
        (*db)->query(postgresql ? "SELECT column_name FROM information_schema.columns WHERE table_name = '" +
                                      name + "' AND table_schema = current_schema() ORDER BY ordinal_position"
                                : "SELECT name FROM pragma_table_info('" + name + "') ORDER BY cid");
    ASSERT_TRUE(rows.ok()) << table.name;
    std::vector<std::string> columns;
    for (const SqlRow& row : *rows) columns.push_back(std::get<std::string>(row[0]));
    const auto version = std::find(columns.begin(), columns.end(), "row_version");
    EXPECT_NE(version, columns.end()) << table.name;  // the store's own, for optimistic concurrency
    if (version != columns.end()) columns.erase(version);
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

namespace moat::store {
namespace {

// A WAL left by a closing connection: a small one stays (the next process reads it, no
// checkpoint's syncs at close), one past a mebibyte is copied back and emptied. Every commit is in
// the database as seen by the next connection either way.
TEST(SqliteWalTest, ASmallWalStaysAtCloseAndALargeOneIsCopiedBack) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "moat.db";
  const std::filesystem::path wal = dir.path() / "moat.db-wal";
  const auto write = [&](int rows, std::size_t bytes) {
    auto db = open_sqlite(file, true);
    ASSERT_TRUE(db.ok()) << db.error().to_string();
    ASSERT_TRUE((*db)->execute("CREATE TABLE IF NOT EXISTS t (v TEXT)").ok());
    ASSERT_TRUE((*db)->begin_write().ok());
    for (int i = 0; i < rows; ++i) {
      const SqlValue value = std::string(bytes, 'x');
      ASSERT_TRUE((*db)->execute("INSERT INTO t (v) VALUES (?)", std::span(&value, 1)).ok());
    }
    ASSERT_TRUE((*db)->commit().ok());
  };
  const auto count = [&] {
    auto db = open_sqlite(file, false);
    if (!db.ok()) return std::int64_t{-1};
    auto rows = (*db)->query("SELECT count(*) FROM t");
    return rows.ok() ? std::get<std::int64_t>((*rows)[0][0]) : std::int64_t{-1};
  };

  write(1, 100);
  ASSERT_TRUE(std::filesystem::exists(wal));
  EXPECT_GT(std::filesystem::file_size(wal), 0u);
  EXPECT_EQ(count(), 1);

  write(300, 8000);  // about 2.4 MB
  EXPECT_TRUE(!std::filesystem::exists(wal) || std::filesystem::file_size(wal) == 0);
  EXPECT_EQ(count(), 301);
}

}  // namespace
}  // namespace moat::store
