// SPDX-License-Identifier: Apache-2.0
#include "store/store.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <set>

#include <cerrno>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

#include "store/migrations.h"
#include "store/tree.h"
#include "store/versioned.h"

namespace moat::store {
namespace {

using nlohmann::json;

std::string quoted(std::string_view identifier) {
  return "\"" + std::string(identifier) + "\"";
}

std::string column_list(const Table& table) {
  std::string out;
  for (const Field& field : table.fields) {
    if (!out.empty()) out += ", ";
    out += quoted(field.name);
  }
  return out;
}

std::string key_condition(const Table& table) {
  std::string out;
  for (const Field& field : table.key_fields()) {
    if (!out.empty()) out += " AND ";
    out += quoted(field.name) + " = ?";
  }
  return out;
}

constexpr std::string_view kVersionColumn = "row_version";

// Rows put_all holds before copying them, where the database copies rows: a few copies (each
// two round trips) for a large write, and a bounded amount of it in memory.
constexpr std::size_t kCopyRowsAtOnce = 5000;

std::string select_sql(const Table& table) {
  return "SELECT " + column_list(table) + ", " + quoted(kVersionColumn) + " FROM " + quoted(table.name);
}

// Rows per statement of a write or read of many: a few hundred, within SQLite's 32,766 parameters
// (PostgreSQL's 65,535).
std::size_t rows_per_statement(std::size_t params_per_row) {
  return std::clamp<std::size_t>(30000 / std::max<std::size_t>(params_per_row, 1), 1, 500);
}

// "(?, ?), (?, ?)": `rows` groups of `per_row` placeholders.
std::string value_rows(std::size_t rows, std::size_t per_row) {
  std::string group = "(";
  for (std::size_t i = 0; i < per_row; ++i) group += i ? ", ?" : "?";
  group += ")";
  std::string out;
  out.reserve(rows * (group.size() + 2));
  for (std::size_t r = 0; r < rows; ++r) {
    if (r) out += ", ";
    out += group;
  }
  return out;
}

// Inserts or replaces `rows` records (their fields, then their version) in one statement.
std::string upsert_sql(const Table& table, std::size_t rows) {
  std::string keys, updates;
  for (std::size_t i = 0; i < table.fields.size(); ++i) {
    const std::string name = quoted(table.fields[i].name);
    if (i < table.key_size) {
      keys += (i ? ", " : "") + name;
    } else {
      updates += (updates.empty() ? "" : ", ") + name + " = excluded." + name;
    }
  }
  const std::string version = quoted(kVersionColumn);
  return "INSERT INTO " + quoted(table.name) + " (" + column_list(table) + ", " + version + ") VALUES " +
         value_rows(rows, table.fields.size() + 1) + " ON CONFLICT (" + keys + ") DO UPDATE SET " + updates +
         ", " + version + " = excluded." + version;
}

// The condition "the record's key is one of `count` keys", a key's parts per placeholder group.
std::string keys_in_sql(const Table& table, std::size_t count) {
  if (table.key_size == 1) {
    return quoted(table.fields.front().name) + " IN " + value_rows(1, count);
  }
  std::string keys;
  for (const Field& field : table.key_fields()) keys += (keys.empty() ? "" : ", ") + quoted(field.name);
  return "(" + keys + ") IN (VALUES " + value_rows(count, table.key_size) + ")";
}

std::string insert_events_sql(std::size_t rows) {
  return "INSERT INTO \"ledger\" (" + std::string(event_columns()) + ") VALUES " + value_rows(rows, 10);
}

bool is_list(FieldType type) {
  return type == FieldType::kIdList || type == FieldType::kTextList || type == FieldType::kNameList ||
         type == FieldType::kCapabilityList;
}

SqlValue to_sql(const Field& field, const json& value) {
  if (value.is_null()) return std::monostate{};
  if (is_list(field.type)) return value.dump();
  switch (field.type) {
    case FieldType::kNumber:
    case FieldType::kShare: {
      const double number = value.get<double>();
      return number == 0 ? 0.0 : number;  // one zero: -0 would read back differently per backend
    }
    case FieldType::kInteger:
      return value.get<std::int64_t>();
    case FieldType::kBool:
      return std::int64_t{value.get<bool>() ? 1 : 0};
    default:
      return value.get<std::string>();
  }
}

}  // namespace

Result<Record> field_value(const Table& table, const Field& field, const SqlValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return json(nullptr);
  const auto* text = std::get_if<std::string>(&value);
  const auto* integer = std::get_if<std::int64_t>(&value);
  const auto* real = std::get_if<double>(&value);
  const auto bad = [&] {
    return Error(ErrorCode::kIntegrity, std::string(table.name) + "." + std::string(field.name),
                 "stored value has the wrong type");
  };
  if (is_list(field.type)) {
    if (!text) return bad();
    json parsed = json::parse(*text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_array()) return bad();
    return parsed;
  }
  switch (field.type) {
    case FieldType::kNumber:
    case FieldType::kShare:
      if (real) return json(*real);
      if (integer) return json(static_cast<double>(*integer));
      return bad();
    case FieldType::kInteger:
      if (!integer) return bad();
      return json(*integer);
    case FieldType::kBool:
      if (!integer) return bad();
      return json(*integer != 0);
    default:
      if (!text) return bad();
      return json(*text);
  }
}

namespace {

Result<Record> record_of(const Table& table, const SqlRow& row) {
  Record record = json::object();
  for (std::size_t i = 0; i < table.fields.size(); ++i) {
    MOAT_TRY(record[std::string(table.fields[i].name)], field_value(table, table.fields[i], row[i]));
  }
  return record;
}

// The records of rows read whole, in the rows' order.
Result<std::vector<Record>> records_in_order(const Table& table, const std::vector<SqlRow>& rows) {
  std::vector<Record> records;
  records.reserve(rows.size());
  for (const SqlRow& row : rows) {
    MOAT_TRY(Record record, record_of(table, row));
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<SqlValue> row_of(const Table& table, const Record& record) {
  std::vector<SqlValue> row;
  row.reserve(table.fields.size());
  for (const Field& field : table.fields) {
    const auto it = record.find(std::string(field.name));
    row.push_back(it == record.end() ? SqlValue{} : to_sql(field, *it));
  }
  return row;
}

std::vector<SqlValue> key_params(const Key& key) {
  return std::vector<SqlValue>(key.begin(), key.end());
}

}  // namespace

// The ledger's end as one write transaction extends it: its last event, the Merkle tree's right
// edge (read at the first append) and the events appended so far.
struct ChainTip {
  std::optional<ledger::Event> last;
  std::optional<ledger::TreeEdge> edge;
  std::int64_t appended = 0;
  bool broken = false;  // a write of the batch could not be rolled back: the batch cannot commit
};

namespace {

// The newest event of the ledger, read in the open write transaction.
Result<ChainTip> read_tip(Database& db) {
  MOAT_TRY(const auto last_rows, db.query("SELECT " + std::string(event_columns()) +
                                          R"( FROM "ledger" ORDER BY "seq" DESC LIMIT 1)"));
  ChainTip tip;
  if (!last_rows.empty()) {
    MOAT_TRY(tip.last, event_of_row(last_rows.front()));
  }
  return tip;
}

// The stored rows (fields, then version) of those of `keys` that exist, several keys per query.
Result<std::vector<SqlRow>> read_keys(Database& db, const Table& table, std::span<const Key> keys) {
  const std::set<Key> distinct(keys.begin(), keys.end());
  const std::vector<Key> wanted(distinct.begin(), distinct.end());
  const std::size_t per_query = rows_per_statement(table.key_size);
  std::vector<SqlRow> rows;
  for (std::size_t at = 0; at < wanted.size(); at += per_query) {
    const std::size_t count = std::min(per_query, wanted.size() - at);
    std::vector<SqlValue> params;
    params.reserve(count * table.key_size);
    for (std::size_t i = at; i < at + count; ++i)
      params.insert(params.end(), wanted[i].begin(), wanted[i].end());
    MOAT_TRY(auto found, db.query(select_sql(table) + " WHERE " + keys_in_sql(table, count), params));
    for (SqlRow& row : found) rows.push_back(std::move(row));
  }
  return rows;
}

class TransactionWriter final : public Writer {
 public:
  TransactionWriter(Store& store, const Author& author, ChainTip tip)
      : store_(store), author_(author), tip_(std::move(tip)) {}

  Result<bool> put(const Table& table, const Record& record,
                   std::optional<std::int64_t> expected_version) override {
    const Key key = key_of(table, record);
    MOAT_TRY(const std::optional<Versioned> before, store_.get_versioned(table, key));
    const std::int64_t current = before ? before->version : 0;
    if (expected_version && *expected_version != current) {
      return Error(ErrorCode::kConflict, std::string(table.name) + "/" + key_text(key),
                   std::string(table.singular) + " '" + key_text(key) +
                       "' was changed by someone else: it is at version " + std::to_string(current) +
                       ", the edit was made to version " + std::to_string(*expected_version) +
                       "; reload it and edit again");
    }
    // Written as put_all writes, compared with the record just read.
    std::map<Key, Versioned> known;
    if (before) known.emplace(key, *before);
    MOAT_TRY(const std::size_t changed, put_several(table, std::span(&record, 1), false, known));
    return changed == 1;
  }

  Result<std::size_t> put_all(const Table& table, std::span<const Record> records) override {
    const std::size_t per_statement = rows_per_statement(table.fields.size() + 1);
    // A table empty when the call begins holds, during it, only what the call writes: none of
    // its records need reading (an import's first load: one query instead of one per statement).
    bool empty = false;
    if (records.size() > per_statement) {
      MOAT_TRY(const auto rows, store_.database().query("SELECT 1 FROM " + quoted(table.name) + " LIMIT 1"));
      empty = rows.empty();
    }
    std::map<Key, Versioned> known;  // the records read or written so far, as stored
    std::size_t changed = 0;
    // Many records where the database copies rows: the new ones, their events and tree nodes
    // are copied (every kCopyRowsAtOnce of them and at the end) instead of inserted.
    copying_ = store_.database().copies_rows() && records.size() >= kCopyRowsAtLeast;
    Status written = [&]() -> Status {
      for (std::size_t at = 0; at < records.size(); at += per_statement) {
        MOAT_TRY(const std::size_t n,
                 put_several(table, records.subspan(at, std::min(per_statement, records.size() - at)), !empty,
                             known));
        changed += n;
        if (copying_ && copy_.count >= kCopyRowsAtOnce) MOAT_CHECK(copy_pending(table));
      }
      return copying_ ? copy_pending(table) : Status{};
    }();
    copying_ = false;
    copy_ = {};
    MOAT_CHECK(written);
    return changed;
  }

  Result<bool> remove(const Table& table, const Key& key) override {
    MOAT_TRY(const std::optional<Record> before, store_.get(table, key));
    if (!before) return false;
    const std::vector<SqlValue> params = key_params(key);
    MOAT_CHECK(store_.database().execute(
        "DELETE FROM " + quoted(table.name) + " WHERE " + key_condition(table), params));
    MOAT_CHECK(
        append("remove", std::string(table.name), key_text(key), canonical_json(*before), std::nullopt));
    return true;
  }

  Status note(std::string action, std::string entity, std::string key,
              std::optional<std::string> detail_json) override {
    return append(std::move(action), std::move(entity), std::move(key), std::nullopt, std::move(detail_json));
  }

  const ChainTip& tip() const { return tip_; }

 private:
  // Rows of one table waiting to be written by one statement (an upsert or a copy), and their keys.
  struct PendingRows {
    std::vector<SqlValue> params;
    std::size_t count = 0;
    std::set<Key> keys;
  };

  // put_all for as many records as one statement writes (and put for one): the stored rows of
  // those not in `stored` read by one query (unless `read` is false), the changed ones written by
  // one upsert, their events and tree nodes by one insert each; `stored` then holds them as written.
  Result<std::size_t> put_several(const Table& table, std::span<const Record> records, bool read,
                                  std::map<Key, Versioned>& stored) {
    std::vector<Key> keys;
    keys.reserve(records.size());
    for (const Record& record : records) keys.push_back(key_of(table, record));
    std::vector<Key> unknown;
    for (const Key& key : keys) {
      if (read && !stored.contains(key)) unknown.push_back(key);
    }
    MOAT_TRY(const std::vector<SqlRow> rows, read_keys(store_.database(), table, unknown));
    for (const SqlRow& row : rows) {
      MOAT_TRY(Record record, record_of(table, row));
      const auto* version = std::get_if<std::int64_t>(&row.back());
      Key key = key_of(table, record);
      stored.emplace(std::move(key), Versioned{std::move(record), version ? *version : 0});
    }
    PendingRows pending;
    std::size_t changed = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      std::vector<SqlValue> row = row_of(table, records[i]);
      MOAT_TRY(Record after, record_of(table, row));  // what the database will give back
      std::string after_text = canonical_json(after);
      const auto before = stored.find(keys[i]);
      std::optional<std::string> before_text;
      std::int64_t version = 1;
      if (before != stored.end()) {
        before_text = canonical_json(before->second.record);
        if (*before_text == after_text) continue;
        version = before->second.version + 1;
      }
      row.emplace_back(version);
      const bool copied = copying_ && before == stored.end();  // a new key, when copying
      if (!copied) {
        // A key copied is written before it changes again.
        if (copy_.keys.contains(keys[i])) MOAT_CHECK(copy_pending(table));
        // A key twice in one upsert is refused (PostgreSQL): the first is written before the second.
        if (pending.keys.contains(keys[i])) MOAT_CHECK(write_pending(table, pending));
      }
      PendingRows& rows_of_statement = copied ? copy_ : pending;
      for (SqlValue& value : row) rows_of_statement.params.push_back(std::move(value));
      ++rows_of_statement.count;
      rows_of_statement.keys.insert(keys[i]);
      MOAT_CHECK(stage("put", std::string(table.name), key_text(keys[i]), std::move(before_text),
                       std::move(after_text)));
      stored.insert_or_assign(keys[i], Versioned{std::move(after), version});
      ++changed;
    }
    MOAT_CHECK(write_pending(table, pending));
    return changed;
  }

  Status write_pending(const Table& table, PendingRows& pending) {
    if (pending.count > 0)
      MOAT_CHECK(store_.database().execute_unanswered(upsert_sql(table, pending.count), pending.params));
    pending = {};
    return copying_ ? Status{} : write_staged();  // when copying, the events go with the copy
  }

  // Copies the new rows of `table` waiting in copy_, then writes the staged events and nodes.
  Status copy_pending(const Table& table) {
    if (copy_.count > 0) {
      MOAT_CHECK(store_.database().copy_rows(quoted(table.name),
                                             column_list(table) + ", " + quoted(kVersionColumn),
                                             table.fields.size() + 1, copy_.params));
    }
    copy_ = {};
    return write_staged();
  }

  Status append(std::string action, std::string entity, std::string key, std::optional<std::string> before,
                std::optional<std::string> after) {
    MOAT_CHECK(
        stage(std::move(action), std::move(entity), std::move(key), std::move(before), std::move(after)));
    return write_staged();
  }

  // Seals the next event of the chain and adds its leaf to the Merkle tree's edge; write_staged
  // writes the staged events and the subtrees they complete, in this transaction. The tree's
  // edge is read once, at the first event, and must cover exactly the ledger so far.
  Status stage(std::string action, std::string entity, std::string key, std::optional<std::string> before,
               std::optional<std::string> after) {
    ledger::Event event{0,
                        author_.at,
                        author_.actor,
                        std::move(action),
                        std::move(entity),
                        std::move(key),
                        std::move(before),
                        std::move(after),
                        "",
                        ""};
    event = ledger::seal(std::move(event), tip_.last ? &*tip_.last : nullptr);
    if (!tip_.edge) {
      const std::uint64_t before_size = static_cast<std::uint64_t>(event.seq - 1);
      MOAT_TRY(const std::uint64_t size, tree_size(store_.database()));
      if (size != before_size) {
        return Error(ErrorCode::kIntegrity, "ledger_tree",
                     "the Merkle tree covers " + std::to_string(size) + " events but the ledger holds " +
                         std::to_string(before_size) + ": run 'moat audit verify'");
      }
      MOAT_TRY(tip_.edge, load_tree_edge(store_.database(), size));
    }
    for (ledger::StoredNode& node : tip_.edge->append(ledger::event_leaf(event)))
      staged_nodes_.push_back(node);
    staged_events_.push_back(event);
    tip_.last = std::move(event);
    ++tip_.appended;
    return {};
  }

  // The staged events' columns, in event_columns()' order, their texts moved out.
  static void add_event_values(ledger::Event& event, std::vector<SqlValue>& values) {
    const auto text = [](std::optional<std::string>& s) -> SqlValue {
      return s ? SqlValue{std::move(*s)} : SqlValue{};
    };
    values.emplace_back(event.seq);
    for (std::string* field : {&event.at, &event.actor, &event.action, &event.entity, &event.key})
      values.emplace_back(std::move(*field));
    values.push_back(text(event.before));
    values.push_back(text(event.after));
    values.emplace_back(std::move(event.prev_hash));
    values.emplace_back(std::move(event.hash));
  }

  Status write_staged() {
    constexpr std::size_t kEventColumns = 10;
    Database& db = store_.database();
    // Many events (an import) copied where the database copies rows; else several per statement.
    const bool copy = db.copies_rows() && staged_events_.size() >= kCopyRowsAtLeast;
    const std::size_t per_statement = copy ? staged_events_.size() : rows_per_statement(kEventColumns);
    for (std::size_t at = 0; at < staged_events_.size(); at += per_statement) {
      const std::size_t count = std::min(per_statement, staged_events_.size() - at);
      std::vector<SqlValue> values;
      values.reserve(count * kEventColumns);
      for (std::size_t i = at; i < at + count; ++i) add_event_values(staged_events_[i], values);
      MOAT_CHECK(copy ? db.copy_rows(R"("ledger")", event_columns(), kEventColumns, values)
                      : db.execute_unanswered(insert_events_sql(count), values));
    }
    MOAT_CHECK(insert_tree_nodes(db, staged_nodes_));
    staged_events_.clear();
    staged_nodes_.clear();
    return {};
  }

  Store& store_;
  const Author& author_;
  ChainTip tip_;
  std::vector<ledger::Event> staged_events_;
  std::vector<ledger::StoredNode> staged_nodes_;
  bool copying_ = false;
  PendingRows copy_;  // the new rows put_all copies (copying_), waiting to be sent
};

}  // namespace

Key key_of(const Table& table, const Record& record) {
  Key key;
  for (const Field& field : table.key_fields()) {
    const auto it = record.find(std::string(field.name));
    key.push_back(it != record.end() && it->is_string() ? it->get<std::string>() : "");
  }
  return key;
}

std::string canonical_json(const Record& record) {
  return record.dump();
}

Result<Record> stored_form(const Table& table, const Record& record) {
  return record_of(table, row_of(table, record));
}

Status Store::read_snapshot(const std::function<Status()>& body) {
  if (db_->in_transaction()) return body();
  MOAT_CHECK(db_->begin_read());
  Status status = body();
  if (!status.ok()) {
    db_->rollback();
    return status;
  }
  return db_->commit();
}

Result<std::unique_ptr<Store>> Store::open(std::unique_ptr<Database> db, std::filesystem::path witness) {
  MOAT_CHECK(migrate(*db));
  auto store = std::unique_ptr<Store>(new Store(std::move(db), std::move(witness)));
  store->remove_stale_witness_files();  // left by processes killed between writing and renaming
  return store;
}

Result<std::optional<Versioned>> Store::get_versioned(const Table& table, const Key& key) {
  const std::vector<SqlValue> params = key_params(key);
  MOAT_TRY(const auto rows, db_->query(select_sql(table) + " WHERE " + key_condition(table), params));
  if (rows.empty()) return std::optional<Versioned>();
  MOAT_TRY(Record record, record_of(table, rows.front()));
  const auto* version = std::get_if<std::int64_t>(&rows.front().back());
  return std::optional<Versioned>(Versioned{std::move(record), version ? *version : 0});
}

Result<std::vector<Record>> Store::get_all(const Table& table, std::span<const Key> keys) {
  MOAT_TRY(const std::vector<SqlRow> rows, read_keys(*db_, table, keys));
  return records_in_order(table, rows);
}

Result<std::optional<Record>> Store::get(const Table& table, const Key& key) {
  MOAT_TRY(std::optional<Versioned> found, get_versioned(table, key));
  if (!found) return std::optional<Record>();
  return std::optional<Record>(std::move(found->record));
}

Status Store::copy_to(Database& target) {
  return read_snapshot([&]() -> Status {
    for (const Table& table : tables()) {
      MOAT_TRY(const auto rows, db_->query(select_sql(table)));
      const std::string insert = "INSERT INTO " + quoted(table.name) + " (" + column_list(table) + ", " +
                                 quoted(kVersionColumn) + ") VALUES (" +
                                 [&] {
                                   std::string marks;
                                   for (std::size_t i = 0; i <= table.fields.size(); ++i)
                                     marks += i ? ", ?" : "?";
                                   return marks;
                                 }() +
                                 ")";
      for (const SqlRow& row : rows) MOAT_CHECK(target.execute(insert, row));
    }
    MOAT_TRY(const auto events,
             db_->query("SELECT " + std::string(event_columns()) + R"( FROM "ledger" ORDER BY "seq")"));
    const std::string insert_event =
        "INSERT INTO \"ledger\" (" + std::string(event_columns()) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    for (const SqlRow& row : events) MOAT_CHECK(target.execute(insert_event, row));
    // The Merkle tree and its signed checkpoints go along as they are: a copy must prove the same
    // history under the same signatures.
    for (const auto& [table, columns] :
         {std::pair<std::string_view, std::string_view>{"ledger_tree", R"("node", "hash")"},
          {"checkpoints", R"("id", "size", "root", "note", "at")"}}) {
      MOAT_TRY(const auto rows, db_->query("SELECT " + std::string(columns) + " FROM " + quoted(table)));
      const std::size_t count = static_cast<std::size_t>(std::count(columns.begin(), columns.end(), ',')) + 1;
      std::string marks;
      for (std::size_t i = 0; i < count; ++i) marks += i ? ", ?" : "?";
      const std::string insert =
          "INSERT INTO " + quoted(table) + " (" + std::string(columns) + ") VALUES (" + marks + ")";
      for (const SqlRow& row : rows) MOAT_CHECK(target.execute(insert, row));
    }
    // The accounts of `moat serve` go along (users, then the API tokens that name them); browser
    // sessions do not: everyone signs in again on the new database.
    for (const auto& [table, columns] :
         {std::pair<std::string_view, std::string_view>{
              "users", R"("name", "role", "supplier", "password_hash", "failed_logins",
                                                      "locked_until_ms", "disabled", "created_at", "person", "os_user",
                                                      "display_name")"},
          {"api_tokens", R"("hash", "id", "user_name", "label", "created_at", "revoked")"}}) {
      MOAT_TRY(const auto rows, db_->query("SELECT " + std::string(columns) + " FROM " + quoted(table)));
      std::string marks;
      for (std::size_t i = 0, n = static_cast<std::size_t>(std::count(columns.begin(), columns.end(), ','));
           i <= n; ++i) {
        marks += i ? ", ?" : "?";
      }
      const std::string insert =
          "INSERT INTO " + quoted(table) + " (" + std::string(columns) + ") VALUES (" + marks + ")";
      for (const SqlRow& row : rows) MOAT_CHECK(target.execute(insert, row));
    }
    return {};
  });
}

Result<std::vector<Record>> Store::list(const Table& table) {
  return records_of(table, select_sql(table), {});
}

Result<std::vector<Record>> Store::list_where(const Table& table, std::string_view field,
                                              const SqlValue& value) {
  const SqlValue params[] = {value};
  return records_of(table, select_sql(table) + " WHERE " + quoted(field) + " = ?", params);
}

namespace {

// "SELECT <key fields>, <fields> FROM <table>"; kInternal for a field the table does not have.
Result<std::string> columns_sql(const Table& table, std::span<const std::string_view> fields) {
  std::string sql = "SELECT ";
  for (const Field& key : table.key_fields()) sql += quoted(key.name) + ", ";
  for (const std::string_view field : fields) {
    if (!table.field(field)) {
      return Error(ErrorCode::kInternal, std::string(table.name) + "." + std::string(field), "no such field");
    }
    sql += quoted(field) + ", ";
  }
  sql.resize(sql.size() - 2);
  return sql + " FROM " + quoted(table.name);
}

}  // namespace

Status Store::for_each_columns(const Table& table, std::span<const std::string_view> fields,
                               const RowVisitor& visit) {
  MOAT_TRY(std::string sql, columns_sql(table, fields));
  // Bytewise, as `list` sorts: SQLite's default; PostgreSQL's "C" collation.
  const std::string collate = db_->backend() == "postgresql" ? " COLLATE \"C\"" : "";
  std::string order;
  for (const Field& key : table.key_fields())
    order += (order.empty() ? "" : ", ") + quoted(key.name) + collate;
  const std::size_t key_size = table.key_size;
  return db_->for_each_row(sql + " ORDER BY " + order, {},
                           [&](std::span<const SqlValueView> row) { return visit(row.subspan(key_size)); });
}

namespace {

// " WHERE a = ? AND b = ?" for `where` (empty when it is), its values appended to `params`.
std::string where_clause(const Table& table, const std::vector<std::pair<std::string, SqlValue>>& where,
                         std::vector<SqlValue>& params) {
  std::string out;
  for (const auto& [field, value] : where) {
    if (!table.field(field)) continue;  // the caller names the table's fields; never text of a request
    out += std::string(out.empty() ? " WHERE " : " AND ") + "\"" + field + "\" = ?";
    params.push_back(value);
  }
  return out;
}

// " AND (…)" for the query's own condition (nothing without one), its values appended to `params`.
std::string condition_clause(const PageQuery& query, std::vector<SqlValue>& params) {
  if (query.condition.empty()) return "";
  params.insert(params.end(), query.condition_params.begin(), query.condition_params.end());
  return " AND (" + query.condition + ")";
}

// A term of an order as SQL: bytewise for text (SQLite's default; PostgreSQL's "C" collation).
std::string order_term_sql(const Table& table, const OrderTerm& term, bool postgresql) {
  const Field* field = table.field(term.field);
  const std::string column = quoted(std::string_view(term.field));
  if (term.by_length) return "LENGTH(" + column + ")";
  const bool text = field && field->type != FieldType::kNumber && field->type != FieldType::kShare &&
                    field->type != FieldType::kInteger && field->type != FieldType::kBool;
  return column + (text && postgresql ? " COLLATE \"C\"" : "");
}

// The keyset condition "after the record whose terms are `values`" for an order of mixed
// directions: (a < ?) OR (a = ? AND b > ?) OR …
std::string after_terms_clause(const Table& table, const std::vector<OrderTerm>& order,
                               const std::vector<SqlValue>& values, bool postgresql,
                               std::vector<SqlValue>& params) {
  std::string out;
  for (std::size_t i = 0; i < order.size() && i < values.size(); ++i) {
    std::string conjunction;
    for (std::size_t j = 0; j < i; ++j) {
      conjunction += order_term_sql(table, order[j], postgresql) + " = ? AND ";
      params.push_back(values[j]);
    }
    conjunction += order_term_sql(table, order[i], postgresql) + (order[i].descending ? " < ?" : " > ?");
    params.push_back(values[i]);
    out += (out.empty() ? "(" : " OR (") + conjunction + ")";
  }
  return out.empty() ? "" : " AND (" + out + ")";
}

}  // namespace

Result<std::vector<Record>> Store::page(const Table& table, const PageQuery& query) {
  // Bytewise order, as list() sorts: SQLite's default; PostgreSQL's "C" collation.
  const bool postgresql = db_->backend() == "postgresql";
  const std::string collate = postgresql ? " COLLATE \"C\"" : "";
  std::string keys, order, marks;
  for (const Field& field : table.key_fields()) {
    keys += (keys.empty() ? "" : ", ") + quoted(field.name) + collate;
    marks += marks.empty() ? "?" : ", ?";
  }
  for (const OrderTerm& term : query.order) {
    order += (order.empty() ? "" : ", ") + order_term_sql(table, term, postgresql) +
             (term.descending ? " DESC" : "");
  }
  std::vector<SqlValue> params;
  std::string sql = select_sql(table) + where_clause(table, query.where, params);
  if (params.empty()) sql += " WHERE 1 = 1";
  sql += condition_clause(query, params);
  if (query.after && query.order.empty()) {
    sql += " AND (" + keys + ") > (" + marks + ")";
    for (const std::string& part : *query.after) params.emplace_back(part);
  }
  if (query.after_terms && !query.order.empty())
    sql += after_terms_clause(table, query.order, *query.after_terms, postgresql, params);
  sql += " ORDER BY " + (order.empty() ? keys : order) + " LIMIT ? OFFSET ?";
  params.emplace_back(query.limit);
  params.emplace_back(query.offset);
  MOAT_TRY(const auto rows, db_->query(sql, params));
  return records_in_order(table, rows);
}

Result<std::int64_t> Store::count(const Table& table,
                                  const std::vector<std::pair<std::string, SqlValue>>& where) {
  std::vector<SqlValue> params;
  const std::string sql = "SELECT COUNT(*) FROM " + quoted(table.name) + where_clause(table, where, params);
  MOAT_TRY(const auto rows, db_->query(sql, params));
  const auto* count = rows.empty() ? nullptr : std::get_if<std::int64_t>(&rows.front().front());
  return count ? *count : 0;
}

std::string list_holds_sql(std::string_view backend, std::string_view field) {
  // A list field is stored as a JSON array of texts.
  if (backend == "postgresql") return "jsonb_exists(CAST(" + quoted(field) + " AS jsonb), ?)";
  return "EXISTS (SELECT 1 FROM json_each(" + quoted(field) + ") WHERE \"value\" = ?)";
}

Result<std::int64_t> Store::count_page(const Table& table, const PageQuery& query) {
  std::vector<SqlValue> params;
  std::string sql = "SELECT COUNT(*) FROM " + quoted(table.name) + where_clause(table, query.where, params);
  if (params.empty()) sql += " WHERE 1 = 1";
  sql += condition_clause(query, params);
  MOAT_TRY(const auto rows, db_->query(sql, params));
  const auto* count = rows.empty() ? nullptr : std::get_if<std::int64_t>(&rows.front().front());
  return count ? *count : 0;
}

Result<std::vector<Record>> Store::records_of(const Table& table, const std::string& sql,
                                              std::span<const SqlValue> params) {
  MOAT_TRY(const auto rows, db_->query(sql, params));
  std::vector<std::pair<Key, Record>> keyed;
  keyed.reserve(rows.size());
  for (const SqlRow& row : rows) {
    MOAT_TRY(Record record, record_of(table, row));
    Key key = key_of(table, record);
    keyed.emplace_back(std::move(key), std::move(record));
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Record> records;
  records.reserve(keyed.size());
  for (auto& [key, record] : keyed) records.push_back(std::move(record));
  return records;
}

Store::Store(std::unique_ptr<Database> db, std::filesystem::path witness)
    : db_(std::move(db)), witness_(std::move(witness)) {}

Store::~Store() {
  abandon_batch();
}

Result<std::int64_t> Store::write(const Author& author, const std::function<Status(Writer&)>& body) {
  if (batch_) return write_in_batch(author, body);
  MOAT_TRY(WriteTransaction transaction, WriteTransaction::begin(*db_));
  MOAT_TRY(ChainTip tip, read_tip(*db_));
  TransactionWriter writer(*this, author, std::move(tip));
  MOAT_CHECK(body(writer));
  MOAT_CHECK(transaction.commit());
  if (writer.tip().appended > 0 && !witness_.empty()) (void)write_witness(*writer.tip().last);
  return writer.tip().appended;
}

Result<std::int64_t> Store::write_in_batch(const Author& author, const std::function<Status(Writer&)>& body) {
  // Rolls the write back to its savepoint unless it succeeded, also when `body` throws.
  struct Savepoint {
    Database& db;
    ChainTip& batch;
    bool kept = false;
    ~Savepoint() {
      if (kept) return;
      const bool undone = db.execute("ROLLBACK TO SAVEPOINT moat_write").ok() &&
                          db.execute("RELEASE SAVEPOINT moat_write").ok();
      if (!undone) batch.broken = true;  // the batch must not commit what may be half a write
    }
  };
  MOAT_CHECK(db_->execute("SAVEPOINT moat_write"));
  Savepoint savepoint{*db_, *batch_};
  const std::int64_t before = batch_->appended;
  TransactionWriter writer(*this, author, *batch_);
  MOAT_CHECK(body(writer));  // on failure the write's rows and events go; the batch's end stays
  MOAT_CHECK(db_->execute("RELEASE SAVEPOINT moat_write"));
  savepoint.kept = true;
  *batch_ = writer.tip();
  return batch_->appended - before;
}

Status Store::begin_batch() {
  if (batch_) return internal_error("a batch of writes is already open");
  MOAT_CHECK(db_->begin_write());
  auto tip = read_tip(*db_);
  if (!tip.ok()) {
    db_->rollback();
    return tip.error();
  }
  batch_ = std::make_unique<ChainTip>(std::move(*tip));
  batch_->appended = 0;
  return {};
}

Result<std::int64_t> Store::commit_batch() {
  if (!batch_) return internal_error("no batch of writes is open");
  const std::unique_ptr<ChainTip> batch = std::move(batch_);
  if (batch->broken) {
    db_->rollback();
    return internal_error(
        "a write of the batch could not be rolled back alone: none of the batch was written");
  }
  if (Status committed = db_->commit(); !committed.ok()) {
    db_->rollback();
    return committed.error();
  }
  if (batch->appended > 0 && !witness_.empty()) (void)write_witness(*batch->last);
  return batch->appended;
}

void Store::abandon_batch() noexcept {
  if (!batch_) return;
  batch_.reset();
  db_->rollback();
}

Result<std::vector<ledger::Event>> Store::events(std::int64_t from_seq, std::int64_t limit) {
  const std::int64_t cap = limit < 0 ? std::numeric_limits<std::int64_t>::max() : limit;
  const SqlValue params[] = {from_seq, cap};
  MOAT_TRY(auto rows, db_->query("SELECT " + std::string(event_columns()) +
                                     R"( FROM "ledger" WHERE "seq" >= ? ORDER BY "seq" LIMIT ?)",
                                 params));
  std::vector<ledger::Event> events;
  events.reserve(rows.size());
  for (SqlRow& row : rows) {
    MOAT_TRY(ledger::Event event, event_of_row(std::move(row)));
    events.push_back(std::move(event));
  }
  return events;
}

Status Store::for_each_event(std::int64_t from_seq,
                             const std::function<Result<bool>(const ledger::Event&)>& visit,
                             const EventMatch& only) {
  std::vector<SqlValue> params{from_seq};
  std::string where = R"("seq" >= ?)";
  for (const auto& [column, value] : {std::pair<std::string_view, const std::string&>{"entity", only.entity},
                                      {"entity_key", only.key},
                                      {"action", only.action}}) {
    if (value.empty()) continue;
    where += " AND \"" + std::string(column) + "\" = ?";
    params.emplace_back(value);
  }
  ledger::Event event;
  return db_->for_each_row(
      "SELECT " + std::string(event_columns()) + R"( FROM "ledger" WHERE )" + where + R"( ORDER BY "seq")",
      params, [&](std::span<const SqlValueView> row) -> Result<bool> {
        MOAT_CHECK(assign_event(row, event));
        return visit(event);
      });
}

Result<std::int64_t> Store::event_count() {
  MOAT_TRY(const auto rows, db_->query(R"(SELECT COUNT(*) FROM "ledger")"));
  const auto* count = std::get_if<std::int64_t>(&rows.front().front());
  return count ? *count : 0;
}

Result<std::vector<std::string>> Store::recorded_keys(std::string_view entity, std::string_view key_prefix) {
  // substr, not LIKE: an id may hold '_', which LIKE takes for any character.
  const SqlValue params[] = {std::string(entity), static_cast<std::int64_t>(key_prefix.size()),
                             std::string(key_prefix)};
  MOAT_TRY(const auto rows, db_->query(R"(SELECT DISTINCT "entity_key" FROM "ledger"
                                          WHERE "entity" = ? AND substr("entity_key", 1, ?) = ?)",
                                       params));
  std::vector<std::string> keys;
  for (const SqlRow& row : rows) {
    if (const auto* key = std::get_if<std::string>(&row.front())) keys.push_back(*key);
  }
  return keys;
}

Result<std::vector<std::string>> Store::recorded_entities() {
  return distinct_in_ledger(R"(SELECT DISTINCT "entity" FROM "ledger" ORDER BY "entity")");
}

Result<std::vector<std::string>> Store::recorded_actions() {
  return distinct_in_ledger(R"(SELECT DISTINCT "action" FROM "ledger" ORDER BY "action")");
}

Result<std::vector<std::string>> Store::recorded_actors() {
  return distinct_in_ledger(R"(SELECT DISTINCT "actor" FROM "ledger" ORDER BY "actor")");
}

Result<std::vector<std::string>> Store::distinct_in_ledger(const char* query) {
  MOAT_TRY(const auto rows, db_->query(query));
  std::vector<std::string> values;
  for (const SqlRow& row : rows) {
    if (const auto* value = std::get_if<std::string>(&row.front())) values.push_back(*value);
  }
  return values;
}

namespace {

// Writes `text` to a new file `path` (owner-only) and flushes it to the disk.
bool write_durably(const std::filesystem::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  return ::close(fd) == 0 && ok;
}

// A witness's temporary file, "ledger.head.<pid>.<seq>.tmp": the process that wrote it, or 0.
pid_t temporary_owner(const std::string& name, const std::string& witness_name) {
  if (!name.starts_with(witness_name + ".") || !name.ends_with(".tmp")) return 0;
  const std::string middle = name.substr(witness_name.size() + 1, name.size() - witness_name.size() - 5);
  const std::size_t dot = middle.find('.');
  if (dot == std::string::npos || dot == 0) return 0;
  const std::string pid = middle.substr(0, dot);
  if (!std::all_of(pid.begin(), pid.end(), [](char c) { return c >= '0' && c <= '9'; }) || pid.size() > 9)
    return 0;
  return static_cast<pid_t>(std::stol(pid));
}

}  // namespace

void Store::remove_stale_witness_files() const {
  if (witness_.empty()) return;
  constexpr auto kStale = std::chrono::minutes(1);  // a temporary file lives for microseconds
  const std::string witness_name = witness_.filename().string();
  std::error_code error;
  const std::filesystem::path folder = witness_.has_parent_path() ? witness_.parent_path() : ".";
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const pid_t owner = temporary_owner(entry.path().filename().string(), witness_name);
    if (owner == 0) continue;
    std::error_code ignored;
    const auto written = std::filesystem::last_write_time(entry.path(), ignored);
    const bool old = !ignored && std::filesystem::file_time_type::clock::now() - written > kStale;
    const bool orphaned = owner != getpid() && ::kill(owner, 0) != 0 && errno == ESRCH;
    if (old || orphaned) std::filesystem::remove(entry.path(), ignored);
  }
}

Status Store::write_witness(const ledger::Event& last) const {
  // Several processes may commit at once: each writes its own temporary file, and a witness
  // never moves backwards (a lagging one is still a true lower bound, so races are harmless).
  // It is written after the commit is on the disk (the database syncs its commits) and the new
  // file is flushed before it replaces the old one, so that a crash leaves the old witness or
  // the new one, never an empty file nor one ahead of the ledger. The folder is not flushed: a
  // rename lost in a crash leaves the old witness, which still holds.
  if (auto current = read_witness(); current.ok() && *current && (*current)->seq >= last.seq) return {};
  const std::filesystem::path temporary =
      witness_.string() + "." + std::to_string(getpid()) + "." + std::to_string(last.seq) + ".tmp";
  if (!write_durably(temporary, std::to_string(last.seq) + ' ' + last.hash + '\n')) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    return internal_error("cannot write the ledger witness " + temporary.string());
  }
  std::error_code error;
  std::filesystem::rename(temporary, witness_, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    return internal_error("cannot replace the ledger witness");
  }
  return {};
}

Result<std::optional<ledger::Witness>> Store::read_witness() const {
  if (witness_.empty() || !std::filesystem::exists(witness_)) return std::optional<ledger::Witness>();
  std::ifstream in(witness_);
  ledger::Witness witness;
  if (!(in >> witness.seq >> witness.hash) || witness.seq < 0 || witness.hash.size() != 64) {
    return Error(ErrorCode::kIntegrity, witness_.filename().string(), "the ledger witness is malformed");
  }
  return std::optional<ledger::Witness>(witness);
}

}  // namespace moat::store
