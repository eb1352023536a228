// SPDX-License-Identifier: Apache-2.0
#include "store/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "store/field_text.h"
#include "store/migrations.h"
#include "store/tree.h"
#include "store/versioned.h"
#include "testing/testing.h"

namespace moat::store {
namespace {

using nlohmann::json;

// Every test runs on each backend (testing::backends()).
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_EQ(database_.error(), "");
    reopen();
  }
  Result<std::unique_ptr<Database>> connect(bool create) {
    if (GetParam() == "postgresql") return open_postgresql(database_.url());
    return open_sqlite(dir_.path() / "moat.db", create);
  }
  void reopen() {
    store_.reset();
    auto db = connect(true);
    ASSERT_TRUE(db.ok()) << db.error().to_string();
    auto opened = Store::open(std::move(*db), dir_.path() / "ledger.head");
    ASSERT_TRUE(opened.ok()) << opened.error().to_string();
    store_ = std::move(*opened);
  }
  const Table& products() { return *find_table("products"); }
  Result<std::int64_t> put(const json& record) {
    return store_->write({"tester", "2026-11-25T00:00:00.000Z"}, [&](Writer& w) -> Status {
      return w.put(products(), record).ok() ? Status{} : input_error("", "put");
    });
  }

  testing::TempDir dir_;
  testing::TestDatabase database_{GetParam()};
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

json product(const std::string& id, const std::string& name) {
  return {{"id", id}, {"name", name}, {"description", nullptr}, {"production_start", nullptr}};
}

TEST_P(StoreTest, AppliesEveryMigrationOnceAcrossReopens) {
  auto version = schema_version(store_->database());
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, migrations().back().version);
  reopen();
  auto rows = store_->database().query(R"(SELECT COUNT(*) FROM "schema_migrations")");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(std::get<std::int64_t>(rows->front().front()), static_cast<std::int64_t>(migrations().size()));
}

TEST_P(StoreTest, PutRecordsTheChangeWithItsBeforeAndAfter) {
  ASSERT_EQ(*put(product("p1", "Aurora")), 1);
  ASSERT_EQ(*put(product("p1", "Aurora 2")), 1);
  auto events = store_->events();
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2U);
  EXPECT_FALSE((*events)[0].before.has_value());
  EXPECT_EQ(*(*events)[1].before, product("p1", "Aurora").dump());
  EXPECT_EQ(*(*events)[1].after, product("p1", "Aurora 2").dump());
  EXPECT_EQ((*events)[1].key, "p1");
  EXPECT_EQ((*events)[1].entity, "products");
  auto stored = store_->get(products(), {"p1"});
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((**stored)["name"], "Aurora 2");
}

TEST_P(StoreTest, IdenticalPutWritesNoEvent) {
  ASSERT_EQ(*put(product("p1", "Aurora")), 1);
  EXPECT_EQ(*put(product("p1", "Aurora")), 0);
  EXPECT_EQ(*store_->event_count(), 1);
}

TEST_P(StoreTest, FailedBodyLeavesNeitherRecordNorEvent) {
  auto result = store_->write({"tester", "t"}, [&](Writer& w) -> Status {
    EXPECT_TRUE(w.put(products(), product("p1", "Aurora")).ok());
    return input_error("x", "stop");
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message(), "stop");
  EXPECT_FALSE(store_->get(products(), {"p1"})->has_value());
  EXPECT_EQ(*store_->event_count(), 0);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "ledger.head"));
}

TEST_P(StoreTest, RemoveRecordsTheBeforeImage) {
  ASSERT_TRUE(put(product("p1", "Aurora")).ok());
  auto removed = store_->write({"tester", "t"}, [&](Writer& w) -> Status {
    auto r = w.remove(products(), {"p1"});
    EXPECT_TRUE(r.ok() && *r);
    auto again = w.remove(products(), {"p1"});
    EXPECT_TRUE(again.ok() && !*again);
    return {};
  });
  ASSERT_TRUE(removed.ok());
  auto events = *store_->events();
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[1].action, "remove");
  EXPECT_FALSE(events[1].after.has_value());
}

TEST_P(StoreTest, EventsFormAVerifiableChainAndTheWitnessFollowsTheHead) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(put(product("p" + std::to_string(i), "n")).ok());
  auto events = *store_->events();
  EXPECT_TRUE(ledger::verify(events).ok);
  auto witness = store_->read_witness();
  ASSERT_TRUE(witness.ok() && witness->has_value());
  EXPECT_EQ((*witness)->seq, 5);
  EXPECT_EQ((*witness)->hash, events.back().hash);
  EXPECT_TRUE(ledger::verify(events, **witness).ok);
}

// put_all writes what putting each record in turn writes: the same events in the same order
// (none for a record identical to the stored one, a key twice in one call as two changes), the
// same versions, a chain and a tree that verify; across several statements' worth of records and
// with a key of several fields.
TEST_P(StoreTest, PutAllWritesWhatPuttingEachInTurnWrites) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(put(product("p" + std::to_string(i), "n")).ok());
  std::vector<json> records = {product("p5", "n"), product("p6", "changed")};
  for (int i = 0; i < 1200; ++i) records.push_back(product("q" + std::to_string(i), "new"));
  records.push_back(product("p6", "changed again"));
  records.push_back(product("p7", "n"));
  const Table& secrets = *find_table("secrets");
  std::vector<json> secret_records;
  for (int i = 0; i < 600; ++i) {
    secret_records.push_back({{"product", "p" + std::to_string(i % 3)},
                              {"id", "S" + std::to_string(i)},
                              {"name", "s"},
                              {"weight", 0.5 + i},
                              {"strategy", "split"},
                              {"description", nullptr}});
  }
  json renamed = secret_records.front();  // a key again, in a later statement, into a table that was empty
  renamed["name"] = "t";
  secret_records.push_back(renamed);
  std::size_t changed = 0, changed_secrets = 0;
  const auto put_both = [&](Writer& w) -> Status {
    MOAT_TRY(changed, w.put_all(products(), records));
    MOAT_TRY(changed_secrets, w.put_all(secrets, secret_records));
    return {};
  };
  ASSERT_TRUE(store_->write({"tester", "2026-11-25T00:00:00.000Z"}, put_both).ok());
  EXPECT_EQ(changed, 1202u);
  EXPECT_EQ(changed_secrets, 601u);

  auto events = store_->events(11);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1803u);
  EXPECT_EQ((*events)[0].key, "p6");
  EXPECT_EQ(*(*events)[0].before, product("p6", "n").dump());
  EXPECT_EQ((*events)[1].key, "q0");
  EXPECT_FALSE((*events)[1].before.has_value());
  EXPECT_EQ((*events)[1200].key, "q1199");
  EXPECT_EQ((*events)[1201].key, "p6");
  EXPECT_EQ(*(*events)[1201].before, product("p6", "changed").dump());
  EXPECT_EQ(*(*events)[1201].after, product("p6", "changed again").dump());
  EXPECT_EQ((*events)[1202].entity, "secrets");
  EXPECT_EQ((*events)[1202].key, "p0/S0");
  EXPECT_EQ((*events)[1801].key, "p2/S599");
  EXPECT_EQ((*events)[1802].key, "p0/S0");
  EXPECT_EQ(*(*events)[1802].before, secret_records.front().dump());
  auto p6 = store_->get_versioned(products(), {"p6"});
  ASSERT_TRUE(p6.ok() && p6->has_value());
  EXPECT_EQ((*p6)->version, 3);
  EXPECT_EQ((*p6)->record["name"], "changed again");

  auto all = *store_->events();
  EXPECT_TRUE(ledger::verify(all).ok);
  std::vector<ledger::Hash> leaves;
  for (const ledger::Event& e : all) leaves.push_back(ledger::event_leaf(e));
  auto head = tree_head(store_->database());
  ASSERT_TRUE(head.ok()) << head.error().to_string();
  EXPECT_EQ(head->size, leaves.size());
  EXPECT_EQ(head->root, ledger::root_of(leaves));

  // The same records again change only p6 and S0, twice each (to the first record, then back to
  // the second); get_all reads those of its keys that exist.
  ASSERT_TRUE(store_->write({"tester", "2026-11-25T00:00:00.000Z"}, put_both).ok());
  EXPECT_EQ(changed, 2u);
  EXPECT_EQ(changed_secrets, 2u);
  EXPECT_EQ(*store_->event_count(), 1817);
  const std::vector<Key> keys = {{"p1", "S1"}, {"p0", "S3"}, {"p0", "S1"}, {"p0", "S3"}};
  auto found = store_->get_all(secrets, keys);
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  std::set<std::string> ids;
  for (const json& r : *found) ids.insert(r["product"].get<std::string>() + "/" + r["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"p1/S1", "p0/S3"}));
}

// A statement of put_all the database refuses (on PostgreSQL, answered only later: its writes are
// pipelined) fails the write, which leaves no record and no event; the next write goes on as usual.
TEST_P(StoreTest, ARefusedStatementOfPutAllLeavesNothingWritten) {
  ASSERT_TRUE(put(product("p0", "n")).ok());
  std::vector<json> records;
  for (int i = 0; i < 700; ++i) records.push_back(product("q" + std::to_string(i), "n"));
  records[600]["name"] = nullptr;  // NOT NULL in the database
  auto written = store_->write({"tester", "2026-11-25T00:00:00.000Z"}, [&](Writer& w) -> Status {
    MOAT_TRY(const std::size_t changed, w.put_all(products(), records));
    return changed == records.size() ? Status{} : input_error("", "not all written");
  });
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code(), ErrorCode::kInternal);
  EXPECT_NE(written.error().to_string().find("name"), std::string::npos) << written.error().to_string();
  EXPECT_EQ(*store_->event_count(), 1);
  EXPECT_FALSE(store_->get(products(), {"q0"})->has_value());
  ASSERT_EQ(*put(product("p1", "n")), 1);
  auto events = *store_->events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(ledger::verify(events).ok);
  auto head = tree_head(store_->database());
  ASSERT_TRUE(head.ok()) << head.error().to_string();
  EXPECT_EQ(head->size, 2u);
}

// The streamed read of the events gives each as events() does, in the same order, inside a
// snapshot (a cursor on PostgreSQL) and outside one, and stops when told to.
TEST_P(StoreTest, StreamedEventsAreTheEventsRead) {
  for (int i = 0; i < 7; ++i)
    ASSERT_TRUE(put(product("p" + std::to_string(i), "名 " + std::to_string(i))).ok());
  const auto events = *store_->events();
  const auto streamed = [&](std::size_t stop_after) {
    std::vector<ledger::Event> out;
    const Status read = store_->for_each_event(2, [&](const ledger::Event& event) -> Result<bool> {
      out.push_back(event);
      return out.size() < stop_after;
    });
    EXPECT_TRUE(read.ok()) << read.error().to_string();
    return out;
  };
  const auto same = [](const ledger::Event& a, const ledger::Event& b) {
    return a.seq == b.seq && a.at == b.at && a.actor == b.actor && a.action == b.action &&
           a.entity == b.entity && a.key == b.key && a.before == b.before && a.after == b.after &&
           a.prev_hash == b.prev_hash && a.hash == b.hash;
  };
  for (const bool in_snapshot : {false, true}) {
    std::vector<ledger::Event> all, first_three;
    const auto read = [&]() -> Status {
      all = streamed(100);
      first_three = streamed(3);
      return {};
    };
    ASSERT_TRUE((in_snapshot ? store_->read_snapshot(read) : read()).ok());
    ASSERT_EQ(all.size(), events.size() - 1);
    for (std::size_t i = 0; i < all.size(); ++i) EXPECT_TRUE(same(all[i], events[i + 1])) << i;
    EXPECT_EQ(first_three.size(), 3u);
  }
}

// A visitor may run other queries, streamed or not, while it is being called; its error ends the
// read and is what the read returns.
TEST_P(StoreTest, StreamedRowsAllowQueriesInsideAndStopAtAnError) {
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(put(product(id, "n")).ok());
  Database& db = store_->database();
  const std::string sql = R"(SELECT "id" FROM "products" ORDER BY "id")";
  const auto nested = [&]() -> Status {
    std::vector<std::string> pairs;
    MOAT_CHECK(db.for_each_row(sql, {}, [&](std::span<const SqlValueView> outer) -> Result<bool> {
      MOAT_TRY(const auto counted, db.query(R"(SELECT COUNT(*) FROM "ledger")"));
      EXPECT_EQ(std::get<std::int64_t>(counted.front().front()), 3);
      const std::string first(std::get<std::string_view>(outer[0]));
      const Status inner = db.for_each_row(sql, {}, [&](std::span<const SqlValueView> row) -> Result<bool> {
        pairs.push_back(first + std::string(std::get<std::string_view>(row[0])));
        return true;
      });
      if (!inner.ok()) return inner.error();
      return true;
    }));
    EXPECT_EQ(pairs, (std::vector<std::string>{"aa", "ab", "ac", "ba", "bb", "bc", "ca", "cb", "cc"}));
    const Status failed = db.for_each_row(sql, {}, [](std::span<const SqlValueView>) -> Result<bool> {
      return Error(ErrorCode::kIntegrity, "here", "bad row");
    });
    EXPECT_FALSE(failed.ok());
    if (!failed.ok()) {
      EXPECT_EQ(failed.error().message(), "bad row");
    }
    return {};
  };
  ASSERT_TRUE(nested().ok());
  ASSERT_TRUE(store_->read_snapshot(nested).ok());
  EXPECT_TRUE(put(product("d", "n")).ok());  // the connection is sound afterwards
}

TEST_P(StoreTest, ABatchCommitsEachWriteWithItsEventsAndDropsOnlyTheOneThatFailed) {
  ASSERT_TRUE(put(product("p0", "before")).ok());
  ASSERT_TRUE(store_->begin_batch().ok());
  EXPECT_EQ(*put(product("p1", "one")), 1);
  // A write that puts and then fails: neither its record nor its event stays.
  auto failed = store_->write({"other", "2026-11-25T00:00:01.000Z"}, [&](Writer& w) -> Status {
    if (!w.put(products(), product("p2", "half")).ok()) return input_error("", "put");
    return input_error("", "refused");
  });
  EXPECT_FALSE(failed.ok());
  // A stale version is refused as outside a batch.
  auto stale = store_->write({"other", "2026-11-25T00:00:02.000Z"}, [&](Writer& w) -> Status {
    auto written = w.put(products(), product("p0", "stale"), 7);
    if (!written.ok()) return std::move(written).error();
    return {};
  });
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(*put(product("p3", "three")), 1);
  auto committed = store_->commit_batch();
  ASSERT_TRUE(committed.ok()) << committed.error().to_string();
  EXPECT_EQ(*committed, 2);

  auto events = *store_->events();
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[1].key, "p1");
  EXPECT_EQ(events[2].key, "p3");
  EXPECT_EQ(events[2].seq, 3);
  EXPECT_TRUE(ledger::verify(events).ok);
  EXPECT_FALSE(store_->get(products(), {"p2"})->has_value());
  EXPECT_EQ((**store_->get(products(), {"p0"}))["name"], "before");
  EXPECT_EQ(*tree_size(store_->database()), 3U);
  EXPECT_EQ((*store_->read_witness())->seq, 3);
  // Writes after the batch go on the same chain.
  EXPECT_EQ(*put(product("p4", "four")), 1);
  EXPECT_TRUE(ledger::verify(*store_->events()).ok);
  EXPECT_EQ(*tree_size(store_->database()), 4U);
}

TEST_P(StoreTest, AnAbandonedBatchWritesNothing) {
  ASSERT_TRUE(store_->begin_batch().ok());
  EXPECT_EQ(*put(product("p1", "one")), 1);
  store_->abandon_batch();
  EXPECT_EQ(*store_->event_count(), 0);
  EXPECT_FALSE(store_->get(products(), {"p1"})->has_value());
  EXPECT_EQ(*put(product("p1", "one")), 1);
  EXPECT_EQ(*store_->event_count(), 1);
}

TEST_P(StoreTest, PagesInBytewiseKeyOrderWithACursorThatHoldsAcrossInserts) {
  for (const char* id : {"b", "B", "a", "10", "9", "c"})
    ASSERT_TRUE(put(product(id, id[0] == 'c' ? "x" : "n")).ok());
  const auto ids = [&](const PageQuery& query) {
    std::vector<std::string> out;
    auto page = store_->page(products(), query);
    EXPECT_TRUE(page.ok());
    for (const Record& record : *page) out.push_back(record["id"]);
    return out;
  };
  EXPECT_EQ(ids({{}, std::nullopt, 0, 3}), (std::vector<std::string>{"10", "9", "B"}));
  EXPECT_EQ(ids({{}, std::nullopt, 3, 3}), (std::vector<std::string>{"a", "b", "c"}));
  // Inserting before the cursor moves no page after it.
  ASSERT_TRUE(put(product("A", "n")).ok());
  EXPECT_EQ(ids({{}, Key{"B"}, 0, 2}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ids({{{"name", std::string("n")}}, Key{"a"}, 0, 5}), (std::vector<std::string>{"b"}));
  EXPECT_EQ(*store_->count(products(), {{"name", std::string("n")}}), 6);
  EXPECT_EQ(*store_->count(products(), {}), 7);
}

TEST_P(StoreTest, PagesInAnOrderOfItsOwnWithACursorOnEveryTerm) {
  for (const auto& [id, name] : std::vector<std::pair<std::string, std::string>>{
           {"R9", "b"}, {"R10", "b"}, {"R2", "a"}, {"R11", "c"}, {"R1", "b"}, {"X", "b"}})
    ASSERT_TRUE(put(product(id, name)).ok());
  // By name descending, then newest number first (by length, then text, both descending).
  PageQuery query;
  query.order = {{"name", true, false}, {"id", true, true}, {"id", true, false}};
  query.limit = 10;
  const auto ids = [&](const PageQuery& q) {
    std::vector<std::string> out;
    auto page = store_->page(products(), q);
    EXPECT_TRUE(page.ok());
    for (const Record& record : *page) out.push_back(record["id"]);
    return out;
  };
  EXPECT_EQ(ids(query), (std::vector<std::string>{"R11", "R10", "R9", "R1", "X", "R2"}));
  query.after_terms = std::vector<SqlValue>{std::string("b"), std::int64_t{2}, std::string("R9")};
  EXPECT_EQ(ids(query), (std::vector<std::string>{"R1", "X", "R2"}));
  query.limit = 1;
  query.offset = 1;
  EXPECT_EQ(ids(query), (std::vector<std::string>{"X"}));
  query.offset = 0;
  query.limit = 10;
  query.condition = R"("name" <> ?)";
  query.condition_params = {std::string("a")};
  EXPECT_EQ(ids(query), (std::vector<std::string>{"R1", "X"}));
  EXPECT_EQ(*store_->count_page(products(), query), 5);
}

TEST_P(StoreTest, ListsRecordsInBytewiseKeyOrder) {
  for (const char* id : {"b", "B", "a", "10", "9"}) ASSERT_TRUE(put(product(id, "n")).ok());
  auto records = store_->list(products());
  ASSERT_TRUE(records.ok());
  std::vector<std::string> ids;
  for (const json& r : *records) ids.push_back(r["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"10", "9", "B", "a", "b"}));
}

TEST_P(StoreTest, StreamedColumnsAreTheColumnsRead) {
  for (const char* id : {"b", "B", "a", "10", "9"})
    ASSERT_TRUE(put(product(id, "名 " + std::string(id))).ok());
  const std::string_view fields[] = {"name", "id", "description"};
  // The records as `list` reads them, each reduced to those fields (null where absent).
  const auto records = store_->list(products());
  ASSERT_TRUE(records.ok());
  std::vector<std::vector<json>> listed;
  for (const json& record : *records) {
    std::vector<json> row;
    for (std::string_view field : fields) row.push_back(record.value(std::string(field), json()));
    listed.push_back(std::move(row));
  }
  std::vector<std::vector<json>> streamed;
  ASSERT_TRUE(store_
                  ->for_each_columns(products(), fields,
                                     [&](std::span<const SqlValueView> row) -> Result<bool> {
                                       std::vector<json> copy;
                                       for (std::size_t i = 0; i < row.size(); ++i) {
                                         MOAT_TRY(json value,
                                                  field_value(products(), *products().field(fields[i]),
                                                              owned(row[i])));
                                         copy.push_back(std::move(value));
                                       }
                                       streamed.push_back(std::move(copy));
                                       return true;
                                     })
                  .ok());
  EXPECT_EQ(streamed, listed);
  const std::string_view unknown[] = {"no_such_field"};
  EXPECT_FALSE(store_->for_each_columns(products(), unknown, [](auto) -> Result<bool> { return true; }).ok());
}

// Streamed rows carry every text as stored (PostgreSQL's COPY escapes tabs, line ends and
// backslashes, and writes NULL as \N), and a text parameter with a quote in it.
TEST_P(StoreTest, StreamedRowsKeepEveryTextAsStored) {
  const std::vector<std::string> names = {
      "tab\there", "line\nend\r\n", "back\\slash\\", "\\N", "N", "\x01\x07\b\f\v control",
      "",          "它's 名",       "\\t not a tab"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    json record = product("p" + std::to_string(i), names[i]);
    record["description"] = i % 2 ? json(nullptr) : json(names[i]);
    ASSERT_TRUE(put(record).ok());
  }
  Database& db = store_->database();
  const std::string sql =
      R"(SELECT "id", "name", "description", LENGTH("name") FROM "products" WHERE "name" <> ? ORDER BY "id")";
  const SqlValue params[] = {std::string("it's")};
  const auto rows = db.query(sql, params);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), names.size());
  for (const bool in_snapshot : {false, true}) {
    std::vector<SqlRow> streamed;
    const auto read = [&]() -> Status {
      return db.for_each_row(sql, params, [&](std::span<const SqlValueView> row) -> Result<bool> {
        SqlRow copy;
        for (const SqlValueView& value : row) copy.push_back(owned(value));
        streamed.push_back(std::move(copy));
        return true;
      });
    };
    ASSERT_TRUE((in_snapshot ? store_->read_snapshot(read) : read()).ok());
    EXPECT_EQ(streamed, *rows);
  }
}

// Written many at once (copied on PostgreSQL: COPY's text format, its escapes and NULL), each
// record and event reads back as the same record put alone writes it.
TEST_P(StoreTest, RecordsWrittenManyAtOnceReadBackAsPutAlone) {
  const std::vector<std::string> names = {
      "tab\there", "line\nend\r\n", "back\\slash\\", "\\N", "\\.", "\x01\x07\b\f\v control",
      "",          "它's 名",       "\\t not a tab", "N"};
  const Table& secrets = *find_table("secrets");
  std::vector<json> many;
  for (std::size_t i = 0; i < kCopyRowsAtLeast + names.size(); ++i) {
    const std::string& name = names[i % names.size()];
    many.push_back({{"product", "p0"},
                    {"id", "S" + std::to_string(i)},
                    {"name", name},
                    {"weight", i % 3 ? 0.1 + 0.2 * static_cast<double>(i) : 1e-300},
                    {"strategy", "split"},
                    {"description", i % 2 ? json(nullptr) : json(name)}});
  }
  ASSERT_TRUE(put(product("p0", "n")).ok());
  ASSERT_TRUE(store_
                  ->write({"tester", "2026-11-25T00:00:00.000Z"},
                          [&](Writer& w) -> Status {
                            return w.put_all(secrets, many).ok() ? Status{} : internal_error("put_all");
                          })
                  .ok());
  const auto events = *store_->events();
  ASSERT_EQ(events.size(), many.size() + 1);
  EXPECT_TRUE(ledger::verify(events).ok);
  auto head = tree_head(store_->database());
  ASSERT_TRUE(head.ok()) << head.error().to_string();
  EXPECT_EQ(head->size, events.size());
  for (std::size_t i = 0; i < many.size(); ++i) {
    auto stored = store_->get_versioned(secrets, {"p0", "S" + std::to_string(i)});
    ASSERT_TRUE(stored.ok() && stored->has_value()) << i;
    EXPECT_EQ((*stored)->record, many[i]) << i;
    EXPECT_EQ((*stored)->version, 1) << i;
    ASSERT_TRUE(events[i + 1].after.has_value()) << i;
    EXPECT_EQ(json::parse(*events[i + 1].after), many[i]) << i;
  }
}

TEST_P(StoreTest, ListFieldsAndNumbersRoundTrip) {
  const Table& suppliers = *find_table("suppliers");
  json supplier = {{"id", "F1"},
                   {"legal_name", "深圳市甲有限公司"},
                   {"name", nullptr},
                   {"uscc", "91110000600037341L"},
                   {"legal_rep", nullptr},
                   {"address", nullptr},
                   {"city", "Shenzhen"},
                   {"province", nullptr},
                   {"capabilities", {"pcba-smt", "testing"}},
                   {"capacity", 50000},
                   {"status", "qualified"},
                   {"trusted", true},
                   {"max_exposure_share", 0.1 + 0.2},
                   {"headcount", 420},
                   {"sites", {"Shajing plant, Building 21"}},
                   {"subcontractors", json::array()},
                   {"qualified_until", "2027-03-20"},
                   {"tier", "low risk"}};
  ASSERT_TRUE(store_
                  ->write({"t", "t"},
                          [&](Writer& w) -> Status {
                            auto r = w.put(suppliers, supplier);
                            return r.ok() ? Status{} : r.error();
                          })
                  .ok());
  auto stored = store_->get(suppliers, {"F1"});
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(**stored, supplier);
}

TEST_P(StoreTest, AStaleEditFailsAndChangesNothing) {
  ASSERT_TRUE(put(product("p1", "Aurora")).ok());
  auto read = store_->get_versioned(products(), {"p1"});
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->version, 1);
  const auto edit = [&](const std::string& name, std::int64_t seen) {
    return store_->write({"tester", "t"}, [&](Writer& w) -> Status {
      auto r = w.put(products(), product("p1", name), seen);
      return r.ok() ? Status{} : std::move(r).error();
    });
  };
  ASSERT_TRUE(edit("Aurora by Alice", 1).ok());
  auto stale = edit("Aurora by Bob", 1);  // Bob read version 1 too
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(stale.error().exit_code(), 1);
  EXPECT_NE(stale.error().message().find("changed by someone else"), std::string::npos);
  auto now = store_->get_versioned(products(), {"p1"});
  EXPECT_EQ((*now)->record["name"], "Aurora by Alice");
  EXPECT_EQ((*now)->version, 2);
  EXPECT_EQ(*store_->event_count(), 2);
  auto create_twice = edit("New", 0);  // 0: the edit expected to create it
  EXPECT_EQ(create_twice.error().code(), ErrorCode::kConflict);
}

// Writers on their own connections (as separate moat processes would be) append at once; the
// ledger stays one chain with every event in it.
TEST_P(StoreTest, ConcurrentWritersKeepOneUnbrokenChain) {
  constexpr int kWriters = 8, kEventsEach = 25;
  std::vector<std::unique_ptr<Store>> stores;
  for (int w = 0; w < kWriters; ++w) {
    auto db = connect(true);
    ASSERT_TRUE(db.ok());
    auto opened = Store::open(std::move(*db), dir_.path() / "ledger.head");
    ASSERT_TRUE(opened.ok()) << opened.error().to_string();
    stores.push_back(std::move(*opened));
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kEventsEach; ++i) {
        auto written =
            stores[static_cast<std::size_t>(w)]->write({"w" + std::to_string(w), "t"}, [&](Writer& writer) {
              return writer.note("test", "writer", std::to_string(w) + "/" + std::to_string(i), std::nullopt);
            });
        if (!written.ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  auto events = store_->events();
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), static_cast<std::size_t>(kWriters * kEventsEach));
  EXPECT_TRUE(ledger::verify(*events).ok);
  std::set<std::string> keys;
  for (const auto& event : *events) keys.insert(event.key);
  EXPECT_EQ(keys.size(), events->size());  // none written twice, none lost
}

TEST(RedactUrlTest, HidesPasswordsInEveryPlaceAUrlCanHoldThem) {
  EXPECT_EQ(redact_url("postgresql://moat:s3cret@db:5432/aurora"), "postgresql://moat:***@db:5432/aurora");
  EXPECT_EQ(redact_url("postgresql://db/aurora?user=moat&password=s3cret&sslmode=require"),
            "postgresql://db/aurora?user=moat&password=***&sslmode=require");
  EXPECT_EQ(redact_url("postgresql://moat:a@b@db/x?password=c"), "postgresql://moat:***@db/x?password=***");
  EXPECT_EQ(redact_url("postgresql://db/aurora"), "postgresql://db/aurora");
  EXPECT_EQ(redact_url("postgresql://db/x?mypassword=1"), "postgresql://db/x?mypassword=1");
}

TEST_P(StoreTest, RejectsADatabaseFromANewerMoat) {
  ASSERT_TRUE(
      store_->database()
          .execute(R"(INSERT INTO "schema_migrations" ("version", "description") VALUES (999, 'future'))")
          .ok());
  store_.reset();
  auto db = connect(false);
  ASSERT_TRUE(db.ok());
  auto opened = Store::open(std::move(*db));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code(), ErrorCode::kConflict);
}

TEST_P(StoreTest, MalformedWitnessIsReported) {
  ASSERT_TRUE(put(product("p1", "n")).ok());
  std::ofstream(dir_.path() / "ledger.head") << "garbage\n";
  auto witness = store_->read_witness();
  ASSERT_FALSE(witness.ok());
  EXPECT_EQ(witness.error().code(), ErrorCode::kIntegrity);
}

// The Merkle tree grows with the ledger in the write's own transaction: after every write its
// stored head is the root of the events' leaves, and a failed write leaves no node behind.
TEST_P(StoreTest, TheMerkleTreeFollowsEveryAppend) {
  for (int i = 0; i < 23; ++i) {
    ASSERT_TRUE(put(product("P" + std::to_string(i), "name " + std::to_string(i))).ok());
  }
  ASSERT_FALSE(store_
                   ->write({"tester", "2026-11-25T00:00:00.000Z"},
                           [&](Writer& w) -> Status {
                             (void)w.put(products(), product("Q", "never"));
                             return input_error("", "abandoned");
                           })
                   .ok());
  auto events = store_->events();
  ASSERT_TRUE(events.ok());
  std::vector<ledger::Hash> leaves;
  for (const ledger::Event& e : *events) leaves.push_back(ledger::event_leaf(e));
  auto head = tree_head(store_->database());
  ASSERT_TRUE(head.ok()) << head.error().to_string();
  EXPECT_EQ(head->size, leaves.size());
  EXPECT_EQ(head->root, ledger::root_of(leaves));
  auto nodes = tree_nodes(store_->database());
  ASSERT_TRUE(nodes.ok());
  EXPECT_TRUE(ledger::verify_tree(*events, *nodes).ok);
  const std::vector<ledger::Range> ranges = ledger::inclusion_ranges(6, leaves.size());
  auto proof = tree_range_hashes(store_->database(), ranges);
  ASSERT_TRUE(proof.ok()) << proof.error().to_string();
  EXPECT_TRUE(ledger::verify_inclusion(6, leaves.size(), leaves[6], *proof, head->root));
}

// A ledger written before the tree existed gets its tree when the database is next opened.
TEST_P(StoreTest, MigrationBuildsTheTreeOfAnExistingLedger) {
  for (int i = 0; i < 11; ++i) ASSERT_TRUE(put(product("P" + std::to_string(i), "n")).ok());
  auto before = tree_head(store_->database());
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(store_->database().execute(R"(DROP TABLE "ledger_tree")").ok());
  ASSERT_TRUE(store_->database().execute(R"(DROP TABLE "checkpoints")").ok());
  ASSERT_TRUE(store_->database().execute(R"(DELETE FROM "schema_migrations" WHERE "version" = 8)").ok());
  reopen();
  auto after = tree_head(store_->database());
  ASSERT_TRUE(after.ok()) << after.error().to_string();
  EXPECT_EQ(after->size, 11u);
  EXPECT_EQ(after->root, before->root);
  ASSERT_TRUE(put(product("P99", "n")).ok());  // and it keeps growing from there
  auto grown = tree_head(store_->database());
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ(grown->size, 12u);
}

// A tree that lags the ledger (rows deleted behind moat's back) refuses further appends rather
// than growing a tree that no longer matches the events.
TEST_P(StoreTest, AppendRefusesATreeThatLagsTheLedger) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(put(product("P" + std::to_string(i), "n")).ok());
  ASSERT_TRUE(store_->database().execute(R"(DELETE FROM "ledger_tree" WHERE "node" >= 256)").ok());
  auto written = store_->write({"tester", "2026-11-25T00:00:00.000Z"},
                               [](Writer& w) { return w.note("test", "notes", "n", std::nullopt); });
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().code(), ErrorCode::kIntegrity);
  EXPECT_NE(written.error().to_string().find("Merkle tree covers 4 events but the ledger holds 5"),
            std::string::npos)
      << written.error().to_string();
}

}  // namespace
}  // namespace moat::store
