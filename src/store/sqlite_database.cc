// SPDX-License-Identifier: Apache-2.0
// The SQLite backend: prepared statements cached by their SQL text.
#include <sqlite3.h>

#include <map>

#include "store/database.h"

namespace moat::store {
namespace {

// How long a writer waits for another (a big import, a slow disk) before giving up.
constexpr int kBusyTimeoutMs = 60000;
// The most a WAL keeps past a connection's close (see configure()): each process opening the
// database reads it whole, frame by frame, and a one-record `moat set` adds 7 pages (29 KiB) to
// it, so that one in about 35 copies it back.
constexpr sqlite3_int64 kWalKeptBytes = 1 << 20;

struct StatementDeleter {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase() override {
    if (in_transaction_) rollback();
    statements_.clear();
    checkpoint_if_large();
    sqlite3_close(db_);
  }
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  std::string_view backend() const override { return "sqlite"; }

  Status execute(std::string_view sql, std::span<const SqlValue> params) override {
    MOAT_TRY(sqlite3_stmt * statement, prepare(sql, params));
    while (true) {
      const int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return failure(sql);
    }
    sqlite3_reset(statement);
    return {};
  }

  Result<std::vector<SqlRow>> query(std::string_view sql, std::span<const SqlValue> params) override {
    note_names(sql);
    MOAT_TRY(sqlite3_stmt * statement, prepare(sql, params));
    std::vector<SqlRow> rows;
    while (true) {
      const int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return failure(sql);
      rows.push_back(read_row(statement));
    }
    sqlite3_reset(statement);
    return rows;
  }

  Status for_each_row(std::string_view sql, std::span<const SqlValue> params,
                      const RowVisitor& visit) override {
    note_names(sql);
    MOAT_TRY(sqlite3_stmt * prepared, prepare(sql, params));
    // Taken out of the cache while it is read, so that a query `visit` runs cannot reset it.
    auto cached = statements_.find(sql);
    const std::string key = cached->first;
    Statement statement = std::move(cached->second);
    statements_.erase(cached);
    std::vector<SqlValueView> row;
    Status status;
    while (status.ok()) {
      const int rc = sqlite3_step(prepared);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        status = failure(sql);
        break;
      }
      view_row(prepared, row);
      Result<bool> more = visit(row);
      if (!more.ok()) status = std::move(more).error();
      if (!more.ok() || !*more) break;
    }
    sqlite3_reset(prepared);
    statements_.try_emplace(key, std::move(statement));  // unless `visit` prepared it anew
    return status;
  }

  Status begin_write() override {
    // IMMEDIATE takes the write lock now, so the ledger's last event cannot change under us.
    MOAT_CHECK(execute("BEGIN IMMEDIATE", {}));
    in_transaction_ = true;
    return {};
  }
  Status begin_read() override {
    // Deferred: the snapshot starts at the first read and holds until the transaction ends.
    MOAT_CHECK(execute("BEGIN", {}));
    in_transaction_ = true;
    return {};
  }
  bool in_transaction() const override { return in_transaction_; }
  Status commit() override {
    MOAT_CHECK(execute("COMMIT", {}));
    in_transaction_ = false;
    return {};
  }
  void rollback() noexcept override {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    in_transaction_ = false;
  }

  // Each commit is on the disk when it returns (synchronous=FULL: one sync of the WAL), before
  // the ledger's witness names its last event (store.cc): a crash can never leave a witness ahead
  // of the database. The WAL stays when the last connection closes (no checkpoint on close): a
  // one-write process would otherwise sync the WAL and the database again to copy its few pages
  // back, and the next one create the WAL anew and sync its header. A connection closing with
  // more than kWalKeptBytes in the WAL copies it back and empties it (checkpoint_if_large), so
  // that the next process, which reads the whole WAL to open the database, never reads much.
  Status configure() {
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);  // first: the PRAGMAs below may wait for a writer
    if (sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr) != SQLITE_OK)
      return failure("SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE");
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL"}) {
      if (sqlite3_exec(db_, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) return failure(pragma);
    }
    return {};
  }

 private:
  // Copies a WAL larger than kWalKeptBytes back into the database and truncates it, when no other
  // connection is reading or writing (without waiting for one: the WAL is then left to the last).
  void checkpoint_if_large() noexcept {
    sqlite3_file* wal = nullptr;
    sqlite3_int64 size = 0;
    if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK ||
        wal == nullptr || wal->pMethods == nullptr || wal->pMethods->xFileSize(wal, &size) != SQLITE_OK ||
        size <= kWalKeptBytes) {
      return;
    }
    sqlite3_busy_timeout(db_, 0);
    sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  }

  Error failure(std::string_view sql) const {
    const int code = sqlite3_extended_errcode(db_) & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      return Error(ErrorCode::kConflict, "database",
                   "the workspace is busy: another moat process has been writing to it for " +
                       std::to_string(kBusyTimeoutMs / 1000) + " seconds; nothing was changed, try again");
    }
    return internal_error("sqlite: " + std::string(sqlite3_errmsg(db_)) +
                          " (in: " + std::string(sql.substr(0, 80)) + ")");
  }

  Result<sqlite3_stmt*> prepare(std::string_view sql, std::span<const SqlValue> params) {
    auto it = statements_.find(std::string(sql));
    if (it == statements_.end()) {
      sqlite3_stmt* raw = nullptr;
      if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) {
        return failure(sql);
      }
      it = statements_.emplace(std::string(sql), Statement(raw)).first;
    }
    sqlite3_stmt* statement = it->second.get();
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (bind(statement, static_cast<int>(i + 1), params[i]) != SQLITE_OK) return failure(sql);
    }
    return statement;
  }

  static int bind(sqlite3_stmt* statement, int index, const SqlValue& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) return sqlite3_bind_int64(statement, index, *i);
    if (const auto* d = std::get_if<double>(&value)) return sqlite3_bind_double(statement, index, *d);
    if (const auto* s = std::get_if<std::string>(&value)) {
      return sqlite3_bind_text(statement, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    }
    return sqlite3_bind_null(statement, index);
  }

  static SqlRow read_row(sqlite3_stmt* statement) {
    SqlRow row;
    const int columns = sqlite3_column_count(statement);
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(statement, c)) {
        case SQLITE_INTEGER:
          row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(statement, c)));
          break;
        case SQLITE_FLOAT:
          row.emplace_back(sqlite3_column_double(statement, c));
          break;
        case SQLITE_NULL:
          row.emplace_back(std::monostate{});
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, c));
          row.emplace_back(std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, c))));
        }
      }
    }
    return row;
  }

  // The current row of `statement` into `row` (its capacity kept), texts viewed in place.
  static void view_row(sqlite3_stmt* statement, std::vector<SqlValueView>& row) {
    const int columns = sqlite3_column_count(statement);
    row.resize(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      SqlValueView& value = row[static_cast<std::size_t>(c)];
      switch (sqlite3_column_type(statement, c)) {
        case SQLITE_INTEGER:
          value = static_cast<std::int64_t>(sqlite3_column_int64(statement, c));
          break;
        case SQLITE_FLOAT:
          value = sqlite3_column_double(statement, c);
          break;
        case SQLITE_NULL:
          value = std::monostate{};
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, c));
          value = std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, c)));
        }
      }
    }
  }

  sqlite3* db_;
  std::map<std::string, Statement, std::less<>> statements_;
  bool in_transaction_ = false;
};

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const std::filesystem::path& file, bool create) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(file.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return internal_error("cannot open database " + file.string() + ": " + message);
  }
  auto db = std::make_unique<SqliteDatabase>(raw);
  MOAT_CHECK(db->configure());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace moat::store
