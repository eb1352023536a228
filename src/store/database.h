// SPDX-License-Identifier: Apache-2.0
// Database: the one seam between moat and its SQL database, so that SQLite (the embedded
// default) and PostgreSQL are interchangeable behind it. Callers write portable SQL with `?`
// placeholders and double-quoted identifiers; a backend translates what differs. Not for
// callers outside src/store: they use Store, which adds the schema and the ledger.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace moat::store {

using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string>;

// Rows a writer copies rather than inserts, where the database copies rows (copies_rows): at
// least this many at once.
constexpr std::size_t kCopyRowsAtLeast = 100;
using SqlRow = std::vector<SqlValue>;

// A value of a row being streamed (Database::for_each_row): a text is viewed where the database
// holds it, valid only until the visitor returns.
using SqlValueView = std::variant<std::monostate, std::int64_t, double, std::string_view>;
// Called with each row in turn; returns false to stop reading, an error to stop and fail.
using RowVisitor = std::function<Result<bool>(std::span<const SqlValueView> row)>;

class Database {
 public:
  virtual ~Database() = default;

  virtual std::string_view backend() const = 0;  // "sqlite", "postgresql"

  // Runs one statement. Failures are kInternal errors carrying the database's message.
  virtual Status execute(std::string_view sql, std::span<const SqlValue> params = {}) = 0;
  virtual Result<std::vector<SqlRow>> query(std::string_view sql, std::span<const SqlValue> params = {}) = 0;
  // Runs one statement of a write transaction without waiting for its answer where the backend
  // can (PostgreSQL's pipeline: the statement is sent and moat goes on while the server runs
  // it). Its failure is reported by the next call that waits for the database (a statement, a
  // query, commit), and fails the transaction as it would have failed it at once.
  virtual Status execute_unanswered(std::string_view sql, std::span<const SqlValue> params) {
    return execute(sql, params);
  }
  // Whether copy_rows streams rows into a table (PostgreSQL's COPY FROM STDIN): for many new rows,
  // cheaper for the server than multi-row INSERTs, each of which it parses, plans and binds, but
  // a round trip or two of its own, so that a writer of a few rows keeps to INSERTs.
  virtual bool copies_rows() const { return false; }
  // Adds rows to `table` (`columns`: double-quoted names, comma-separated) as an INSERT of them
  // would: `values` holds them row after row, `per_row` each. Only where copies_rows(); a row the
  // table refuses (a key it holds already, a constraint) fails the statement, and a write
  // transaction with it.
  virtual Status copy_rows(std::string_view table, std::string_view columns, std::size_t per_row,
                           std::span<const SqlValue> values);
  // Runs a query and hands each row to `visit` as it is read, without copying it: what a reader of
  // a whole large table uses, holding one row (SQLite's statement stepped; PostgreSQL's rows
  // streamed by COPY) rather than the whole result. The values are typed as query() types them.
  // `visit` may run other queries (on PostgreSQL the rest of the rows are then read aside first).
  // Fails with the visitor's error, if any.
  virtual Status for_each_row(std::string_view sql, std::span<const SqlValue> params,
                              const RowVisitor& visit) = 0;

  // A write transaction. Writers are serialised (the ledger needs one writer at a time);
  // a transaction left open is rolled back when the Database is destroyed.
  virtual Status begin_write() = 0;
  // A read-only transaction over one consistent snapshot (several reads that must agree).
  virtual Status begin_read() = 0;
  virtual Status commit() = 0;
  virtual void rollback() noexcept = 0;
  // Whether a transaction is open on this connection.
  virtual bool in_transaction() const = 0;

  // While `names` is set, the double-quoted identifiers of every query run (the tables it reads,
  // with its columns) are added to it: how a cache learns which tables an answer was read from.
  void record_names(std::set<std::string>* names) { names_ = names; }

 protected:
  // Backends call this with every query's SQL.
  void note_names(std::string_view sql) {
    if (names_) add_quoted_names(sql, *names_);
  }

 private:
  static void add_quoted_names(std::string_view sql, std::set<std::string>& names);
  std::set<std::string>* names_ = nullptr;
};

// Rolls a write transaction back unless it was committed: the way every writer holds one, so
// that an early return leaves nothing half-written.
class WriteTransaction {
 public:
  static Result<WriteTransaction> begin(Database& db);
  WriteTransaction(WriteTransaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  WriteTransaction& operator=(WriteTransaction&&) = delete;
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  ~WriteTransaction() {
    if (db_) db_->rollback();
  }
  Status commit();

 private:
  explicit WriteTransaction(Database& db) : db_(&db) {}
  Database* db_;
};

// Opens (creating when `create`) an SQLite database file: WAL journal, foreign keys on, a busy
// timeout so that concurrent writers wait rather than fail.
Result<std::unique_ptr<Database>> open_sqlite(const std::filesystem::path& file, bool create);

// Connects to PostgreSQL (a libpq URL: postgresql://user@host:port/db?...). A failed connection
// is a kInput error naming the URL with its password hidden.
Result<std::unique_ptr<Database>> open_postgresql(const std::string& url);

bool is_postgresql_url(std::string_view text);
// The URL with any password replaced by ***, fit for messages and logs.
std::string redact_url(std::string_view url);

}  // namespace moat::store
