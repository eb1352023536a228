// SPDX-License-Identifier: Apache-2.0
#include "app/audit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "app/demo.h"
#include "app/demo_testing.h"
#include "app/export.h"
#include "store/field_text.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/tree.h"
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

// A filtered listing is the whole ledger's events that match, in order, as many as asked for; the
// actor matches by name whatever the ledger records beside it.
TEST_P(AuditTest, ListsTheEventsAFilterKeeps) {
  auto all = ledger_events(*workspace_, 1, -1);
  ASSERT_TRUE(all.ok());
  const auto kept = [&](const EventFilter& filter) {
    std::vector<std::int64_t> seqs;
    for (const ledger::Event& e : *all) {
      if (filter.matches(e)) seqs.push_back(e.seq);
    }
    return seqs;
  };
  const auto listed = [&](const EventFilter& filter, std::int64_t from, std::int64_t limit) {
    auto events = ledger_events(*workspace_, from, limit, filter);
    EXPECT_TRUE(events.ok());
    std::vector<std::int64_t> seqs;
    for (const ledger::Event& e : *events) seqs.push_back(e.seq);
    return seqs;
  };
  EventFilter suppliers;
  suppliers.entity = "suppliers";
  const std::vector<std::int64_t> supplier_events = kept(suppliers);
  ASSERT_GE(supplier_events.size(), 5U);
  EXPECT_LT(supplier_events.size(), all->size());
  EXPECT_EQ(listed(suppliers, 1, -1), supplier_events);
  EXPECT_EQ(listed(suppliers, 1, 3),
            std::vector<std::int64_t>(supplier_events.begin(), supplier_events.begin() + 3));
  EXPECT_EQ(listed(suppliers, supplier_events[2], 2),
            std::vector<std::int64_t>(supplier_events.begin() + 2, supplier_events.begin() + 4));
  EXPECT_TRUE(listed(suppliers, 1, 0).empty());

  // About a supplier a flag was raised on: its own events, those of every record whose key names
  // it, and the flags whose subject does.
  EventFilter about;
  std::size_t flags_on_it = 0;
  for (const ledger::Event& e : *all) {
    if (e.entity != "flags" || !e.after) continue;
    const std::string subject = nlohmann::json::parse(*e.after).value("subject", "");
    if (subject.rfind("supplier/", 0) == 0) {
      about.about = subject.substr(std::string("supplier/").size());
      break;
    }
  }
  ASSERT_FALSE(about.about.empty()) << "the demo raises a flag on a supplier";
  const std::string& id = about.about;
  const auto names = [&](const std::string& k) {
    return k == id || k.rfind(id + "/", 0) == 0 ||
           (k.size() > id.size() && k.compare(k.size() - id.size() - 1, std::string::npos, "/" + id) == 0) ||
           k.find("/" + id + "/") != std::string::npos;
  };
  std::vector<std::int64_t> naming;
  std::size_t referring = 0;  // records that hold its id in a field (agreements, people)
  for (const ledger::Event& e : *all) {
    bool subject = false;
    bool refers = false;
    for (const auto& text : {e.before, e.after}) {
      if (!text) continue;
      const nlohmann::json record = nlohmann::json::parse(*text, nullptr, false);
      if (!record.is_object()) continue;
      subject = subject || names(record.value("subject", ""));
      const store::Table* table = store::find_table(e.entity);
      for (const store::Field& f : table ? table->fields : std::vector<store::Field>{}) {
        if (f.type != store::FieldType::kId && f.type != store::FieldType::kIdList) continue;
        const nlohmann::json value = record.value(std::string(f.name), nlohmann::json());
        refers = refers || value == id ||
                 (value.is_array() && std::find(value.begin(), value.end(), id) != value.end());
      }
    }
    if (names(e.key) || subject || refers) naming.push_back(e.seq);
    flags_on_it += e.entity == "flags" && !names(e.key) && subject;
    referring += !names(e.key) && !subject && refers;
  }
  EXPECT_GT(flags_on_it, 0U);
  EXPECT_GT(referring, 0U) << "the demo has records that refer to a supplier by a field (agreements, people)";
  const std::vector<std::int64_t> about_events = listed(about, 1, -1);
  EXPECT_EQ(about_events, naming);
  EXPECT_GT(about_events.size(), listed(
                                     [&] {
                                       EventFilter f = suppliers;
                                       f.key = about.about;
                                       return f;
                                     }(),
                                     1, -1)
                                     .size())
      << "a supplier's history holds more than its own record's events";

  EventFilter one = suppliers;
  one.key = (*all)[static_cast<std::size_t>(supplier_events.front() - 1)].key;
  for (std::int64_t seq : listed(one, 1, -1))
    EXPECT_EQ((*all)[static_cast<std::size_t>(seq - 1)].key, one.key);

  EventFilter by_actor;
  by_actor.actor = "tester";
  std::size_t by_tester = 0;
  for (const ledger::Event& e : *all) by_tester += e.actor == "tester" || e.actor.rfind("tester (", 0) == 0;
  ASSERT_GT(by_tester, 0U);
  EXPECT_EQ(listed(by_actor, 1, -1).size(), by_tester);
  by_actor.actor = "test";
  EXPECT_TRUE(listed(by_actor, 1, -1).empty()) << "a name matches whole, not as a prefix";
  ledger::Event via;
  via.actor = "tester (token 3f2a9c1b7d0e)";
  by_actor.actor = "tester";
  EXPECT_TRUE(by_actor.matches(via));
  via.actor = "tester2 (token 3f2a9c1b7d0e)";
  EXPECT_FALSE(by_actor.matches(via));
  by_actor.actor = "TESTER";  // names differing only in case are one name
  via.actor = "Tester (token 3f2a9c1b7d0e)";
  EXPECT_TRUE(by_actor.matches(via));
  by_actor.actor = "tester (token";
  EXPECT_FALSE(by_actor.matches(via)) << "a name, not a prefix of what the ledger writes";
}

// What an event changed: the fields that differ, "(created)", "(removed)", a note's fields.
TEST(ChangedFieldsTest, NamesTheFieldsThatDiffer) {
  ledger::Event event;
  event.before = R"({"capacity":100,"id":"F01","name":"Xinkeda","status":"qualified"})";
  event.after = R"({"capacity":120,"id":"F01","name":"Xinkeda","region":"Dongguan"})";
  EXPECT_EQ(changed_fields(event), "capacity, region, status");
  event.before.reset();
  EXPECT_EQ(changed_fields(event), "capacity, id, name, region");  // a note's detail
  event.action = "put";
  EXPECT_EQ(changed_fields(event), "(created)");
  event.before = event.after;
  event.after.reset();
  EXPECT_EQ(changed_fields(event), "(removed)");
  event.before.reset();
  EXPECT_EQ(changed_fields(event), "");
  event.after = "not json";
  EXPECT_EQ(changed_fields(event), "");
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

// What the audit found when it read every event first and checked them whole with the ledger's
// engines (ledger::verify, ledger::verify_tree), then compared every record as JSON: the
// reference the streamed audit must agree with.
struct WholeAudit {
  ledger::Verdict chain;
  ledger::TreeVerdict tree;
  std::int64_t records_checked = 0;
  std::vector<std::string> state_problems;
};

WholeAudit audit_whole(store::Store& store) {
  WholeAudit audit;
  const auto events = store.events(1, -1);
  const auto witness = store.read_witness();
  const auto nodes = store::tree_nodes(store.database());
  EXPECT_TRUE(events.ok() && witness.ok() && nodes.ok());
  audit.chain = ledger::verify(*events, *witness);
  audit.tree = ledger::verify_tree(*events, *nodes);
  std::map<std::pair<std::string, std::string>, std::optional<std::string>> recorded;
  for (const ledger::Event& e : *events) {
    if (store::find_table(e.entity) && (e.action == "put" || e.action == "remove"))
      recorded[{e.entity, e.key}] = e.after;
  }
  for (const store::Table& table : store::tables()) {
    const auto records = store.list(table);
    EXPECT_TRUE(records.ok());
    for (const store::Record& record : *records) {
      if (audit.state_problems.size() == 20) return audit;
      ++audit.records_checked;
      const std::string key = store::key_text(store::key_of(table, record));
      const auto it = recorded.find({std::string(table.name), key});
      const std::string name = std::string(table.name) + "/" + key;
      if (it == recorded.end() || !it->second) {
        audit.state_problems.push_back(name +
                                       " is stored but the ledger never recorded it (added outside moat)");
      } else if (*it->second != store::canonical_json(record)) {
        audit.state_problems.push_back(name +
                                       " differs from what the ledger last recorded (changed outside moat)");
      }
      if (it != recorded.end()) recorded.erase(it);
    }
  }
  for (const auto& [id, after] : recorded) {
    if (after && audit.state_problems.size() < 20) {
      audit.state_problems.push_back(id.first + "/" + id.second +
                                     " is in the ledger but missing (deleted outside moat)");
    }
  }
  return audit;
}

// Reading the ledger one event at a time and the records one row at a time gives the verdicts
// and messages, word for word, of reading them whole (audit_whole) after `tampering`.
void expect_streaming_agrees(Workspace& workspace, const std::vector<std::string>& tampering) {
  store::Store& store = workspace.store();
  for (const std::string& statement : tampering)
    ASSERT_TRUE(store.database().execute(statement).ok()) << statement;
  const WholeAudit whole = audit_whole(store);
  const auto streamed = verify_ledger(workspace);
  ASSERT_TRUE(streamed.ok()) << streamed.error().to_string();
  EXPECT_EQ(streamed->ok(), tampering.empty());
  EXPECT_EQ(streamed->chain.ok, whole.chain.ok);
  EXPECT_EQ(streamed->chain.events_checked, whole.chain.events_checked);
  EXPECT_EQ(streamed->chain.first_bad, whole.chain.first_bad);
  EXPECT_EQ(streamed->chain.problem, whole.chain.problem);
  if (!whole.chain.ok) {
    EXPECT_FALSE(streamed->tree.has_value());
    return;
  }
  ASSERT_TRUE(streamed->tree.has_value());
  EXPECT_EQ(streamed->tree->tree.ok, whole.tree.ok);
  EXPECT_EQ(streamed->tree->tree.first_bad, whole.tree.first_bad);
  EXPECT_EQ(streamed->tree->tree.problem, whole.tree.problem);
  EXPECT_EQ(streamed->tree->tree.size, whole.tree.size);
  EXPECT_EQ(streamed->tree->tree.root, whole.tree.root);
  if (!whole.tree.ok) return;
  EXPECT_EQ(streamed->records_checked, whole.records_checked);
  EXPECT_EQ(streamed->state_problems, whole.state_problems);
}

TEST_P(AuditTest, StreamingAgreesOnASoundLedger) {
  expect_streaming_agrees(*workspace_, {});
  EXPECT_TRUE(audit().ok());
}

TEST_P(AuditTest, StreamingAgreesOnAChangedEvent) {
  expect_streaming_agrees(*workspace_, {R"(UPDATE "ledger" SET "actor" = 'mallory' WHERE "seq" = 42)"});
}

TEST_P(AuditTest, StreamingAgreesOnARemovedOrMovedEvent) {
  expect_streaming_agrees(*workspace_, {R"(UPDATE "ledger" SET "seq" = 100000 WHERE "seq" = 30)",
                                        R"(DELETE FROM "ledger" WHERE "seq" = 17)"});
}

TEST_P(AuditTest, StreamingAgreesOnAnAlteredTree) {
  expect_streaming_agrees(
      *workspace_,
      {R"(UPDATE "ledger_tree" SET "hash" = '00' || substr("hash", 3) WHERE "node" = 127 * 64 + 7)"});
}

TEST_P(AuditTest, StreamingAgreesOnChangedAddedAndDeletedRecords) {
  expect_streaming_agrees(
      *workspace_, {R"(UPDATE "secrets" SET "weight" = 1 WHERE "id" = 'S01')",
                    R"(UPDATE "suppliers" SET "sites" = '[ "somewhere" ]' WHERE "id" = 'F05')",
                    R"(UPDATE "suppliers" SET "legal_name" = "legal_name" || '
' WHERE "id" = 'F06')",
                    R"(INSERT INTO "products" ("id", "name", "row_version") VALUES ('zz-added', 'Added', 1))",
                    R"(DELETE FROM "people" WHERE "id" = (SELECT MIN("id") FROM "people"))"});
}

TEST_P(AuditTest, StreamingAgreesOnMoreChangedRecordsThanItLists) {
  expect_streaming_agrees(*workspace_, {R"(UPDATE "people" SET "name" = "name" || '改')"});
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
    std::vector<store::SqlRow> rows;
    const Status read = store.for_each_columns(table, names, [&](std::span<const store::SqlValueView> row) {
      rows.emplace_back();
      for (const store::SqlValueView& value : row) rows.back().push_back(store::owned(value));
      return Result<bool>(true);
    });
    ASSERT_TRUE(records.ok() && read.ok()) << table.name;
    ASSERT_EQ(rows.size(), records->size()) << table.name;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      nlohmann::json record = nlohmann::json::object();
      for (std::size_t i = 0; i < names.size(); ++i) {
        auto value = store::field_value(table, *table.field(names[i]), rows[r][i]);
        ASSERT_TRUE(value.ok());
        record[std::string(names[i])] = *value;
      }
      EXPECT_EQ(store::canonical_json(record), store::canonical_json((*records)[r])) << table.name;
      ++compared;
    }
  }
  EXPECT_GT(compared, 150u);
  const std::string_view unknown[] = {"no_such_field"};
  const auto no_row = [](std::span<const store::SqlValueView>) { return Result<bool>(true); };
  EXPECT_FALSE(store.for_each_columns(*store::find_table("suppliers"), unknown, no_row).ok());
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
