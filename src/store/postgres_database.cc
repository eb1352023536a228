// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL backend (libpq, opened on first use: store/libpq.h): portable `?` placeholders become `$n`,
// statements are prepared once per connection, and write transactions take one advisory lock so that every
// process appending to the ledger does so one at a time, keeping it a single chain.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/database.h"
#include "store/libpq.h"

namespace moat::store {
namespace {

// The advisory lock every writer holds: "moat" in ASCII, so it is recognisable in pg_locks.
constexpr long long kWriterLock = 0x6d6f6174;

// PostgreSQL type OIDs (pg_type.h) of the results moat reads.
constexpr Oid kInt2 = 21, kInt4 = 23, kInt8 = 20, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

// libpq's functions, loaded by open_postgresql before the first connection: every later use
// finds them.
const LibPq& pq() {
  return *load_libpq().value();
}

struct ResultDeleter {
  void operator()(PGresult* result) const { pq().clear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// Rewrites `?` placeholders to `$1, $2, ...`, leaving quoted text and identifiers alone.
std::string numbered_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  char quote = 0;
  int next = 1;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(next++);
    } else {
      out += c;
    }
  }
  return out;
}

std::string as_text(const SqlValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) {
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *d);  // shortest round trip
    return std::string(buffer, end);
  }
  return std::get<std::string>(value);
}

// Statements sent unanswered before their answers are read: far fewer than would fill the
// socket's buffers with answers (a few dozen bytes each), so that neither side waits on the other.
constexpr std::size_t kMostUnanswered = 64;

// Rows per FETCH of a streamed query: a few megabytes of events at a time.
constexpr int kRowsPerFetch = 5000;

// The parameters as libpq takes them: texts, a null pointer for NULL.
struct ParamTexts {
  std::vector<std::string> texts;
  std::vector<const char*> values;
  explicit ParamTexts(std::span<const SqlValue> params) {
    texts.reserve(params.size());
    for (const SqlValue& param : params) {
      const bool null = std::holds_alternative<std::monostate>(param);
      texts.push_back(null ? "" : as_text(param));
      values.push_back(null ? nullptr : texts.back().c_str());
    }
  }
  ParamTexts(const ParamTexts&) = delete;  // `values` points into `texts`
  ParamTexts& operator=(const ParamTexts&) = delete;
  int count() const { return static_cast<int>(values.size()); }
};

SqlValue read_value(const PGresult* result, int row, int column) {
  if (pq().getisnull(result, row, column)) return std::monostate{};
  const char* text = pq().getvalue(result, row, column);
  const std::size_t length = static_cast<std::size_t>(pq().getlength(result, row, column));
  const Oid type = pq().ftype(result, column);
  if (type == kInt2 || type == kInt4 || type == kInt8) {
    std::int64_t value = 0;
    std::from_chars(text, text + length, value);
    return value;
  }
  if (type == kFloat4 || type == kFloat8 || type == kNumeric) {
    double value = 0;
    std::from_chars(text, text + length, value);
    return value;
  }
  return std::string(text, length);
}

// Hands each row of `result` to `visit`, its texts viewed in the result; false when `visit` stopped.
Result<bool> visit_rows(const PGresult* result, const RowVisitor& visit) {
  const int row_count = pq().ntuples(result), column_count = pq().nfields(result);
  std::vector<Oid> types;
  for (int c = 0; c < column_count; ++c) types.push_back(pq().ftype(result, c));
  std::vector<SqlValueView> row(static_cast<std::size_t>(column_count));
  for (int r = 0; r < row_count; ++r) {
    for (int c = 0; c < column_count; ++c) {
      SqlValueView& value = row[static_cast<std::size_t>(c)];
      const Oid type = types[static_cast<std::size_t>(c)];
      const char* text = pq().getvalue(result, r, c);
      const std::size_t length = static_cast<std::size_t>(pq().getlength(result, r, c));
      if (pq().getisnull(result, r, c)) {
        value = std::monostate{};
      } else if (type == kInt2 || type == kInt4 || type == kInt8) {
        std::int64_t number = 0;
        std::from_chars(text, text + length, number);
        value = number;
      } else if (type == kFloat4 || type == kFloat8 || type == kNumeric) {
        double number = 0;
        std::from_chars(text, text + length, number);
        value = number;
      } else {
        value = std::string_view(text, length);
      }
    }
    MOAT_TRY(const bool more, visit(row));
    if (!more) return false;
  }
  return true;
}

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(PGconn* connection) : connection_(connection) {}
  ~PostgresDatabase() override {
    if (in_transaction_) rollback();
    pq().finish(connection_);
  }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  std::string_view backend() const override { return "postgresql"; }

  Status execute(std::string_view sql, std::span<const SqlValue> params) override {
    MOAT_TRY(PgResult result, run(sql, params));
    return {};
  }

  Status execute_unanswered(std::string_view sql, std::span<const SqlValue> params) override {
    if (!in_transaction_) return execute(sql, params);  // each statement its own transaction
    receive_fetched();
    if (unanswered_.empty() && pq().enter_pipeline_mode(connection_) != 1) return failure(nullptr, sql);
    const ParamTexts texts(params);
    const int count = texts.count();
    bool sent = true;
    if (const auto it = prepared_.find(sql); it != prepared_.end()) {
      sent = pq().send_query_prepared(connection_, it->second.c_str(), count, texts.values.data(), nullptr,
                                      nullptr, 0) == 1;
    } else if (run_once_.insert(std::string(sql)).second) {
      const std::string numbered = numbered_placeholders(sql);
      sent = pq().send_query_params(connection_, numbered.c_str(), count, nullptr, texts.values.data(),
                                    nullptr, nullptr, 0) == 1;
    } else {
      const std::string name = "moat_" + std::to_string(prepared_.size() + 1);
      const std::string numbered = numbered_placeholders(sql);
      sent = pq().send_prepare(connection_, name.c_str(), numbered.c_str(), count, nullptr) == 1;
      if (sent) {
        prepared_.emplace(std::string(sql), name);
        unanswered_.push_back({std::string(sql), true});
        sent = pq().send_query_prepared(connection_, name.c_str(), count, texts.values.data(), nullptr,
                                        nullptr, 0) == 1;
      }
    }
    if (sent) unanswered_.push_back({std::string(sql), false});
    // Sent now, so that the server works while moat goes on (libpq would hold it in its buffer).
    if (!sent || pq().flush(connection_) != 0) {
      Error error = failure(nullptr, sql);
      (void)settle();
      return error;
    }
    if (unanswered_.size() >= kMostUnanswered) return settle();
    return {};
  }

  Result<std::vector<SqlRow>> query(std::string_view sql, std::span<const SqlValue> params) override {
    note_names(sql);
    MOAT_CHECK(settle());
    MOAT_TRY(PgResult result, run(sql, params));
    std::vector<SqlRow> rows;
    const int row_count = pq().ntuples(result.get()), column_count = pq().nfields(result.get());
    rows.reserve(static_cast<std::size_t>(row_count));
    for (int r = 0; r < row_count; ++r) {
      SqlRow row;
      row.reserve(static_cast<std::size_t>(column_count));
      for (int c = 0; c < column_count; ++c) row.push_back(read_value(result.get(), r, c));
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Status for_each_row(std::string_view sql, std::span<const SqlValue> params,
                      const RowVisitor& visit) override {
    note_names(sql);
    MOAT_CHECK(settle());
    if (!in_transaction_) {  // a cursor lives in a transaction: read the whole result at once
      MOAT_TRY(PgResult result, run(sql, params));
      Result<bool> read = visit_rows(result.get(), visit);
      if (!read.ok()) return std::move(read).error();
      return {};
    }
    const std::string cursor = "moat_rows_" + std::to_string(++cursors_);
    const ParamTexts texts(params);
    const std::string declare = "DECLARE " + cursor + " NO SCROLL CURSOR FOR " + numbered_placeholders(sql);
    PgResult declared(pq().exec_params(connection_, declare.c_str(), texts.count(), nullptr,
                                       texts.values.data(), nullptr, nullptr, 0));
    if (!declared || pq().result_status(declared.get()) != PGRES_COMMAND_OK)
      return failure(declared.get(), sql);
    const std::string fetch = "FETCH FORWARD " + std::to_string(kRowsPerFetch) + " FROM " + cursor;
    Status status = fetch_all(fetch, visit);
    if (!status.ok()) return status;  // the cursor ends with the transaction
    return simple("CLOSE " + cursor);
  }

  Status begin_write() override {
    // One round trip: the transaction and the writers' lock, held until commit or rollback.
    in_transaction_ = true;
    if (Status locked = simple("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriterLock) + ")");
        !locked.ok()) {
      rollback();
      return locked;
    }
    return {};
  }
  Status begin_read() override {
    in_transaction_ = true;
    if (Status begun = simple("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun.ok()) {
      rollback();
      return begun;
    }
    return {};
  }
  bool in_transaction() const override { return in_transaction_; }
  Status commit() override {
    in_transaction_ = false;
    receive_fetched();
    if (!unanswered_.empty()) {
      // The commit joins the statements still unanswered: one round trip for them all.
      if (pq().send_query_params(connection_, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1) {
        unanswered_.push_back({"COMMIT", false});
        return settle();
      }
      MOAT_CHECK(settle());
    }
    return simple("COMMIT");
  }
  void rollback() noexcept override {
    (void)settle();  // whatever failed there is undone with the rest
    PGresult* result = pq().exec(connection_, "ROLLBACK");
    pq().clear(result);
    in_transaction_ = false;
  }

 private:
  Error failure(const PGresult* result, std::string_view sql) const {
    std::string message = result ? pq().result_error_message(result) : pq().error_message(connection_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return internal_error("postgresql: " + message + " (in: " + std::string(sql.substr(0, 80)) + ")");
  }

  // Reads the answers of the statements sent unanswered, in order, and leaves the pipeline: the
  // first failure among them (the ones after it were not run), if any.
  Status settle() {
    receive_fetched();
    if (unanswered_.empty()) return {};
    const std::vector<Unanswered> sent = std::move(unanswered_);
    unanswered_.clear();
    std::optional<Error> first;
    const bool synced = pq().pipeline_sync(connection_) == 1;
    if (!synced) first = failure(nullptr, sent.front().sql);
    for (std::size_t i = 0; synced && i < sent.size(); ++i) {
      PgResult result(pq().get_result(connection_));
      if (!result) {
        if (!first) first = failure(nullptr, sent[i].sql);
        break;
      }
      const ExecStatusType status = pq().result_status(result.get());
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        if (sent[i].prepare) prepared_.erase(sent[i].sql);  // not prepared after all
        if (!first && status != PGRES_PIPELINE_ABORTED) first = failure(result.get(), sent[i].sql);
      }
      while (PGresult* rest = pq().get_result(connection_)) pq().clear(rest);  // up to the answer's end
    }
    // The synchronisation point's own answer; then the connection is idle again.
    while (synced) {
      PGresult* rest = pq().get_result(connection_);
      if (!rest) break;
      const bool reached = pq().result_status(rest) == PGRES_PIPELINE_SYNC;
      pq().clear(rest);
      if (reached) break;
    }
    if (pq().exit_pipeline_mode(connection_) != 1 && !first) first = failure(nullptr, "leaving the pipeline");
    if (first) return std::move(*first);
    return {};
  }

  Status simple(const std::string& sql) {
    MOAT_CHECK(settle());
    PgResult result(pq().exec(connection_, sql.c_str()));
    const ExecStatusType status = result ? pq().result_status(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return failure(result.get(), sql);
    return {};
  }

  // Runs `fetch` until the cursor is exhausted or `visit` stops.
  // The next batch is asked for before `visit` reads the last one, so that the server produces it
  // while moat works; a statement `visit` runs first takes its answer aside (receive_fetched).
  Status fetch_all(const std::string& fetch, const RowVisitor& visit) {
    MOAT_CHECK(settle());
    PgResult batch(pq().exec(connection_, fetch.c_str()));
    while (true) {
      if (!batch || pq().result_status(batch.get()) != PGRES_TUPLES_OK) return failure(batch.get(), fetch);
      const bool last = pq().ntuples(batch.get()) < kRowsPerFetch;
      MOAT_CHECK(settle());  // `visit` may have written
      Fetched next;
      if (!last) {
        if (pq().send_query(connection_, fetch.c_str()) != 1) return failure(nullptr, fetch);
        fetching_ = &next;
      }
      Result<bool> more = [&] {
        struct Receive {  // the answer read before `next` goes, however `visit` ends
          PostgresDatabase& db;
          ~Receive() { db.receive_fetched(); }
        } receive{*this};
        return visit_rows(batch.get(), visit);
      }();
      if (!more.ok()) return std::move(more).error();
      if (!*more || last) return {};
      batch = std::move(next.result);
    }
  }

  // Reads the answer of the FETCH sent ahead, if one is on its way, into its batch's place: every
  // other use of the connection calls this first.
  void receive_fetched() {
    if (!fetching_) return;
    Fetched* fetched = std::exchange(fetching_, nullptr);
    fetched->result.reset(pq().get_result(connection_));
    while (PGresult* rest = pq().get_result(connection_)) pq().clear(rest);
  }

  Result<std::string> prepared_name(std::string_view sql, int parameter_count) {
    if (const auto it = prepared_.find(sql); it != prepared_.end()) return it->second;
    const std::string name = "moat_" + std::to_string(prepared_.size() + 1);
    const std::string numbered = numbered_placeholders(sql);
    PgResult result(pq().prepare(connection_, name.c_str(), numbered.c_str(), parameter_count, nullptr));
    if (!result || pq().result_status(result.get()) != PGRES_COMMAND_OK) return failure(result.get(), sql);
    prepared_.emplace(std::string(sql), name);
    return name;
  }

  Result<PgResult> run(std::string_view sql, std::span<const SqlValue> params) {
    MOAT_CHECK(settle());
    const ParamTexts texts(params);
    const int count = texts.count();
    PgResult result;
    if (count == 0 && !sql.starts_with("SELECT") && !sql.starts_with("INSERT") &&
        !sql.starts_with("UPDATE") && !sql.starts_with("DELETE")) {
      result.reset(pq().exec(connection_, std::string(sql).c_str()));  // DDL: not worth preparing
    } else if (!prepared_.contains(sql) && run_once_.insert(std::string(sql)).second) {
      // The first run of a statement parses, binds and runs it in one round trip; preparing it
      // (a round trip of its own) pays only from its second run on. Most of a command's
      // statements run once.
      const std::string numbered = numbered_placeholders(sql);
      result.reset(pq().exec_params(connection_, numbered.c_str(), count, nullptr, texts.values.data(),
                                    nullptr, nullptr, 0));
    } else {
      MOAT_TRY(const std::string name, prepared_name(sql, count));
      result.reset(
          pq().exec_prepared(connection_, name.c_str(), count, texts.values.data(), nullptr, nullptr, 0));
    }
    const ExecStatusType status = result ? pq().result_status(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return failure(result.get(), sql);
    return result;
  }

  PGconn* connection_;
  std::map<std::string, std::string, std::less<>> prepared_;
  std::set<std::string, std::less<>> run_once_;  // statements run once, unprepared
  // The statements sent in the pipeline whose answers are not read yet (a prepare has its own).
  struct Unanswered {
    std::string sql;
    bool prepare = false;
  };
  std::vector<Unanswered> unanswered_;
  // A FETCH sent ahead of its cursor's reader, and where its answer goes.
  struct Fetched {
    PgResult result;
  };
  Fetched* fetching_ = nullptr;
  bool in_transaction_ = false;
  std::int64_t cursors_ = 0;  // cursors declared, for their names
};

}  // namespace

namespace {

// postgresql://user:password@host/... -> postgresql://user:***@host/...
std::string redact_userinfo(std::string url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const std::size_t authority_end = url.find_first_of("/?", scheme + 3);
  const std::size_t at =
      url.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
  if (at == std::string::npos || at < scheme + 3) return url;
  const std::size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

// ...?user=moat&password=secret -> ...?user=moat&password=***
std::string redact_parameters(std::string url) {
  std::size_t from = 0;
  while ((from = url.find("password=", from)) != std::string::npos) {
    const bool parameter = from > 0 && (url[from - 1] == '?' || url[from - 1] == '&' || url[from - 1] == ' ');
    const std::size_t value = from + 9;
    if (!parameter) {
      from = value;
      continue;
    }
    const std::size_t end = url.find_first_of("& ", value);
    url.replace(value, (end == std::string::npos ? url.size() : end) - value, "***");
    from = value + 3;
  }
  return url;
}

}  // namespace

std::string redact_url(std::string_view url) {
  return redact_parameters(redact_userinfo(std::string(url)));
}

namespace {

// moat's session settings: notices quiet; floats in full precision whatever the server's or role's
// default, so that every double reads back exactly as written. Sent with the connection's start
// (the `options` parameter), after the URL's own options or PGOPTIONS, not by a statement of
// their own.
constexpr std::string_view kSessionOptions = "-c client_min_messages=warning -c extra_float_digits=3";

// The `options` to connect with: the URL's (or else the environment's) followed by moat's.
std::string session_options(const std::string& url) {
  std::string own;
  if (PQconninfoOption* parsed = pq().conninfo_parse(url.c_str(), nullptr)) {
    for (const PQconninfoOption* option = parsed; option->keyword; ++option) {
      if (std::string_view(option->keyword) == "options" && option->val) own = option->val;
    }
    pq().conninfo_free(parsed);
  }
  if (own.empty()) {
    if (const char* environment = std::getenv("PGOPTIONS")) own = environment;
  }
  return own.empty() ? std::string(kSessionOptions) : own + " " + std::string(kSessionOptions);
}

}  // namespace

Result<std::unique_ptr<Database>> open_postgresql(const std::string& url) {
  MOAT_CHECK(load_libpq());
  const std::string options = session_options(url);
  const char* const keywords[] = {"dbname", "options", nullptr};
  const char* const values[] = {url.c_str(), options.c_str(), nullptr};
  PGconn* connection = pq().connectdb_params(keywords, values, 1);  // the URL expanded; options last
  if (!connection || pq().status(connection) != CONNECTION_OK) {
    std::string message = connection ? pq().error_message(connection) : "out of memory";
    pq().finish(connection);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return Error(ErrorCode::kInput, redact_url(url), "cannot connect to PostgreSQL: " + message);
  }
  return std::unique_ptr<Database>(std::make_unique<PostgresDatabase>(connection));
}

}  // namespace moat::store
