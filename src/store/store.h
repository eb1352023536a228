// SPDX-License-Identifier: Apache-2.0
// Store: a workspace's records and its ledger, over one Database. Records are JSON objects
// shaped by the schema (store/schema.h). Every write happens inside Store::write, which runs
// the caller's body in one transaction and appends an event for each change to the ledger's
// hash chain in that same transaction: either the records and their events are both stored,
// or neither is. Writing a record identical to the stored one changes nothing and records
// nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"
#include "ledger/chain.h"
#include "store/database.h"
#include "store/schema.h"

namespace moat::store {

using Record = nlohmann::json;  // an object with the table's fields
using Key = std::vector<std::string>;

// Who writes and when (the app reads the clock; the store never does).
struct Author {
  std::string actor;
  std::string at;  // ISO 8601 UTC
};

struct Versioned;  // store/versioned.h
struct ChainTip;   // the ledger's end as a write transaction extends it (store.cc)

// The writes allowed inside Store::write.
class Writer {
 public:
  virtual ~Writer() = default;
  // Inserts or replaces `record` in `table`; returns false (and records nothing) when the
  // stored record is identical. With `expected_version` (0: must not exist yet), fails with
  // kConflict when the stored record's version differs: someone changed it since it was read.
  virtual Result<bool> put(const Table& table, const Record& record,
                           std::optional<std::int64_t> expected_version) = 0;
  Result<bool> put(const Table& table, const Record& record) { return put(table, record, std::nullopt); }
  // Puts each of `records` in turn, as put() without an expected version does, with the same
  // events in the same order; the stored records are read, and the rows, events and tree nodes
  // written, a few hundred per statement (a handful of round trips per hundreds of records on
  // PostgreSQL instead of four per record). Returns how many records changed.
  virtual Result<std::size_t> put_all(const Table& table, std::span<const Record> records) = 0;
  // Deletes the record with `key`; returns false when there was none.
  virtual Result<bool> remove(const Table& table, const Key& key) = 0;
  // Appends an event that is not a record change (a sign-in, a decision, an import summary).
  virtual Status note(std::string action, std::string entity, std::string key,
                      std::optional<std::string> detail_json) = 0;
};

// One term of a page's order: a scalar field, ascending or descending. `by_length` orders by the
// field's length first, then by its text: ids numbered "R9", "R10" in the order of their numbers.
struct OrderTerm {
  std::string field;
  bool descending = false;
  bool by_length = false;
};

// A page of a table in key order (bytewise, on every backend), or in `order`, counted in the
// database.
struct PageQuery {
  std::vector<std::pair<std::string, SqlValue>> where;  // scalar field = value, all of them
  std::optional<Key> after;                             // only records whose key sorts after it
  std::int64_t offset = 0;                              // then skip this many
  std::int64_t limit = 50;
  // The order (empty: the key's fields ascending) and each term's value in the record the page
  // follows (as `after` for the key's order: a keyset cursor either way).
  std::vector<OrderTerm> order;
  std::optional<std::vector<SqlValue>> after_terms;
  // A further SQL condition over the table's columns with its values: written by the use case
  // that reads the page (app/), never taken from a request's text.
  std::string condition;
  std::vector<SqlValue> condition_params;
};

// The SQL condition "the list field `field` holds the value of one parameter", on `backend`.
std::string list_holds_sql(std::string_view backend, std::string_view field);

class Store {
 public:
  ~Store();
  // Takes `db`, applies migrations. When `witness` is set, the last event's seq and hash are
  // written there after every commit (see ledger/chain.h).
  static Result<std::unique_ptr<Store>> open(std::unique_ptr<Database> db,
                                             std::filesystem::path witness = {});

  Database& database() { return *db_; }

  Result<std::optional<Record>> get(const Table& table, const Key& key);
  Result<std::optional<Versioned>> get_versioned(const Table& table, const Key& key);
  // The stored records among `keys` (several keys per query), in no particular order.
  Result<std::vector<Record>> get_all(const Table& table, std::span<const Key> keys);
  // All records of `table`, sorted by key (bytewise, the same on every backend).
  Result<std::vector<Record>> list(const Table& table);
  // The records of `table` whose scalar column `field` holds `value`, in key order.
  Result<std::vector<Record>> list_where(const Table& table, std::string_view field, const SqlValue& value);
  // The `fields` of every record of `table`, in the order `list` gives the records, handed to
  // `visit` one row at a time as they are read (Database::for_each_row): one value per field as
  // the database holds it (field_value reads it as a record holds it). For readers of large
  // tables that need a few columns: no JSON object and no owned copy per record. kInternal for a
  // field the table does not have.
  Status for_each_columns(const Table& table, std::span<const std::string_view> fields,
                          const RowVisitor& visit);
  // One page of `table` (PageQuery), read in the database: the cost of the page, not of the table.
  Result<std::vector<Record>> page(const Table& table, const PageQuery& query);
  // How many records of `table` match `where` (as PageQuery::where).
  Result<std::int64_t> count(const Table& table, const std::vector<std::pair<std::string, SqlValue>>& where);
  // How many records of `table` the query's `where` and `condition` select, on every page.
  Result<std::int64_t> count_page(const Table& table, const PageQuery& query);

  // Runs `body` in one write transaction; commits when it succeeds, rolls back otherwise.
  // Reads inside `body` see the latest committed state, and no other writer can commit until
  // this one ends: checks made there hold when the transaction commits. Returns the number of
  // events appended. After the commit the witness file is brought forward on a best-effort
  // basis (a witness that lags is still a true lower bound).
  Result<std::int64_t> write(const Author& author, const std::function<Status(Writer&)>& body);

  // Group commit: between begin_batch and commit_batch (or abandon_batch) every write joins one
  // transaction, each in a savepoint of its own: a write whose body fails leaves no trace and
  // does not affect the others, and each appends its events to the ledger in the order the
  // writes ran. Nothing is durable, and nobody else sees anything, until commit_batch succeeds;
  // when it fails, none of the batch's writes happened.
  Status begin_batch();
  // Commits the batch; returns the number of events it appended.
  Result<std::int64_t> commit_batch();
  void abandon_batch() noexcept;

  Result<std::vector<ledger::Event>> events(std::int64_t from_seq = 1, std::int64_t limit = -1);
  // The events from `from_seq` on, in seq order, handed to `visit` one at a time, each read into
  // the same Event (valid until `visit` returns): for readers of the whole ledger, which then
  // hold one event rather than all. `visit` returns false to stop.
  // `only` keeps the events whose fields it gives match exactly, chosen by the database (by the
  // ledger's index on entity and key where it names the entity).
  struct EventMatch {
    std::string entity;
    std::string key;
    std::string action;
  };
  Status for_each_event(std::int64_t from_seq, const std::function<Result<bool>(const ledger::Event&)>& visit,
                        const EventMatch& only = {});
  Result<std::int64_t> event_count();
  // Every key of `entity` the ledger has recorded a change of that begins with `key_prefix`,
  // those since removed included (by the ledger's index on entity and key).
  Result<std::vector<std::string>> recorded_keys(std::string_view entity, std::string_view key_prefix);
  // Every kind of entity the ledger's events name ("account", "suppliers", ...), sorted.
  Result<std::vector<std::string>> recorded_entities();
  // Every action the ledger's events name ("put", "remove", "user-disable", ...), sorted.
  Result<std::vector<std::string>> recorded_actions();
  // Every actor the ledger's events name as recorded ("ada (token 3f2a9c1b7d0e)", "ada"), sorted.
  Result<std::vector<std::string>> recorded_actors();
  // Runs `body`, whose reads then all see one consistent snapshot (a read transaction; inside
  // an open transaction, that one).
  Status read_snapshot(const std::function<Status()>& body);

  // Copies every record (with its version) and every ledger event, from one snapshot, into
  // `target`: an empty database migrated to the same schema, with a write transaction open
  // that the caller commits (after checking the copy) or rolls back.
  Status copy_to(Database& target);

  // The witness file's content, when there is one.
  Result<std::optional<ledger::Witness>> read_witness() const;

 private:
  Store(std::unique_ptr<Database> db, std::filesystem::path witness);
  Result<std::int64_t> write_in_batch(const Author& author, const std::function<Status(Writer&)>& body);
  Status write_witness(const ledger::Event& last) const;
  Result<std::vector<Record>> records_of(const Table& table, const std::string& sql,
                                         std::span<const SqlValue> params);
  // The texts of a query's one column over the ledger (recorded_entities, recorded_actions, ...).
  Result<std::vector<std::string>> distinct_in_ledger(const char* query);
  // Removes temporary witness files that a process killed mid-write left behind.
  void remove_stale_witness_files() const;

  std::unique_ptr<Database> db_;
  std::filesystem::path witness_;
  std::unique_ptr<ChainTip> batch_;  // the open batch's ledger end, when one is open
};

// The key of `record` in `table` (its key fields' values as text).
Key key_of(const Table& table, const Record& record);
// Key parts joined by '/', as the ledger names entities.
std::string key_text(const Key& key);
// Compact JSON with sorted keys: the form records take in the ledger.
std::string canonical_json(const Record& record);
// A value of `field` as the database holds it, as a record read by Store::list holds it: a list
// parsed, a number of a decimal field as a float, a boolean from 0/1, null for SQL NULL.
// kIntegrity when the value has the wrong type.
Result<Record> field_value(const Table& table, const Field& field, const SqlValue& value);
// `record` as the database gives it back (numbers of decimal fields as floats, -0 as 0, absent
// fields as null): what the ledger records and what export writes.
Result<Record> stored_form(const Table& table, const Record& record);

}  // namespace moat::store
