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

// `sql` with each `?` placeholder outside quoted text and identifiers replaced by what
// `write(index, out)` appends for it (the placeholders counted from 0); fails with `write`.
template <typename Write>
Result<std::string> replace_placeholders(std::string_view sql, const Write& write) {
  std::string out;
  out.reserve(sql.size() + 16);
  char quote = 0;
  std::size_t next = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      MOAT_CHECK(write(next++, out));
    } else {
      out += c;
    }
  }
  return out;
}

// Rewrites `?` placeholders to `$1, $2, ...`.
std::string numbered_placeholders(std::string_view sql) {
  return *replace_placeholders(sql, [](std::size_t index, std::string& out) -> Status {
    out += '$' + std::to_string(index + 1);
    return {};
  });
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

// The bytes of rows a COPY FROM STDIN sends at a time.
constexpr std::size_t kCopyBlock = 256 * 1024;

// `value` as a field of COPY's text format: NULL as `\N`; in a text, the backslash and the
// characters that end a field or a row escaped (what copy_field decodes).
void append_copy_field(const SqlValue& value, std::string& out) {
  if (std::holds_alternative<std::monostate>(value)) {
    out += "\\N";
    return;
  }
  const auto* text = std::get_if<std::string>(&value);
  if (!text) {
    out += as_text(value);
    return;
  }
  std::string_view rest = *text;
  for (std::size_t at; (at = rest.find_first_of("\\\t\n\r")) != std::string_view::npos;) {
    out += rest.substr(0, at);
    out += '\\';
    out += rest[at] == '\t' ? 't' : rest[at] == '\n' ? 'n' : rest[at] == '\r' ? 'r' : '\\';
    rest.remove_prefix(at + 1);
  }
  out += rest;
}

// A value of the given type as for_each_row hands it over: numbers parsed, the rest viewed.
SqlValueView value_view(Oid type, std::string_view text) {
  if (type == kInt2 || type == kInt4 || type == kInt8) {
    std::int64_t number = 0;
    std::from_chars(text.data(), text.data() + text.size(), number);
    return number;
  }
  if (type == kFloat4 || type == kFloat8 || type == kNumeric) {
    double number = 0;
    std::from_chars(text.data(), text.data() + text.size(), number);
    return number;
  }
  return text;
}

// One field of a row of COPY's text format as COPY TO writes it: `\N` alone is NULL (nullopt);
// a backslash escapes the character after it (\b \f \n \r \t \v, octal and hex digits as COPY
// FROM reads them), decoded into `scratch` when there is one, else the field viewed as it is.
std::optional<std::string_view> copy_field(std::string_view raw, std::string& scratch) {
  if (raw == "\\N") return std::nullopt;
  if (raw.find('\\') == std::string_view::npos) return raw;
  scratch.clear();
  const auto digit = [](char c, int base) -> int {
    if (c >= '0' && c <= '7') return c - '0';
    if (base == 16 && c >= '8' && c <= '9') return c - '0';
    if (base == 16 && c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      scratch += raw[i];
      continue;
    }
    const char c = raw[++i];
    int value = -1, base = 8, most = 3;
    if (c == 'x') base = 16, most = 2, value = 0;
    std::size_t digits = 0;
    for (std::size_t j = c == 'x' ? i + 1 : i; j < raw.size() && digits < static_cast<std::size_t>(most);
         ++j) {
      const int d = digit(raw[j], base);
      if (d < 0) break;
      value = (digits ? value : 0) * base + d;
      ++digits;
    }
    if (digits > 0) {
      scratch += static_cast<char>(value);
      i += digits - (c == 'x' ? 0 : 1);
      continue;
    }
    switch (c) {
      case 'b':
        scratch += '\b';
        break;
      case 'f':
        scratch += '\f';
        break;
      case 'n':
        scratch += '\n';
        break;
      case 'r':
        scratch += '\r';
        break;
      case 't':
        scratch += '\t';
        break;
      case 'v':
        scratch += '\v';
        break;
      default:
        scratch += c;  // the character itself (a backslash, the delimiter, x without digits)
    }
  }
  return std::string_view(scratch);
}

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
    read_copy_aside();
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

  bool copies_rows() const override { return true; }

  // COPY's text format, sent in blocks of kCopyBlock bytes as the rows are written out: the
  // statements sent unanswered are settled first (COPY leaves the pipeline), then the COPY starts
  // (one round trip) and ends (another, with its outcome).
  Status copy_rows(std::string_view table, std::string_view columns, std::size_t per_row,
                   std::span<const SqlValue> values) override {
    if (values.empty()) return {};
    if (per_row == 0 || values.size() % per_row != 0)
      return internal_error("postgresql: the values copied into " + std::string(table) +
                            " are not whole rows of " + std::to_string(per_row));
    const std::string sql = "COPY " + std::string(table) + " (" + std::string(columns) + ") FROM STDIN";
    MOAT_CHECK(settle());
    PgResult started(pq().exec(connection_, sql.c_str()));
    if (!started || pq().result_status(started.get()) != PGRES_COPY_IN) return failure(started.get(), sql);
    started.reset();
    std::string block;
    block.reserve(kCopyBlock + 4096);
    bool sent = true;
    for (std::size_t i = 0; sent && i < values.size(); ++i) {
      append_copy_field(values[i], block);
      block += (i + 1) % per_row == 0 ? '\n' : '\t';
      if (block.size() >= kCopyBlock) {
        sent = pq().put_copy_data(connection_, block.data(), static_cast<int>(block.size())) == 1;
        block.clear();
      }
    }
    if (sent && !block.empty())
      sent = pq().put_copy_data(connection_, block.data(), static_cast<int>(block.size())) == 1;
    sent = pq().put_copy_end(connection_, sent ? nullptr : "moat could not send the rows") == 1 && sent;
    return copy_outcome(sent ? std::nullopt : std::optional(failure(nullptr, sql)), sql);
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

  // The rows come through `COPY (query) TO STDOUT`: the server writes them all as one stream,
  // which libpq reads in large blocks while moat works on the rows already read, with no round
  // trip per batch; the columns' types are read first, by describing the query (one round trip).
  // A statement `visit` runs first reads the rest of the stream aside (read_copy_aside).
  Status for_each_row(std::string_view sql, std::span<const SqlValue> params,
                      const RowVisitor& visit) override {
    note_names(sql);
    MOAT_CHECK(settle());
    MOAT_TRY(const std::string query, with_literals(sql, params));
    MOAT_TRY(const std::vector<Oid> types, result_types(query, sql));
    const std::string copy = "COPY (" + query + ") TO STDOUT";
    if (pq().send_query(connection_, copy.c_str()) != 1) return failure(nullptr, sql);
    PgResult started(pq().get_result(connection_));
    if (!started || pq().result_status(started.get()) != PGRES_COPY_OUT) {
      Error error = failure(started.get(), sql);
      while (PGresult* rest = pq().get_result(connection_)) pq().clear(rest);
      return error;
    }
    started.reset();
    CopyOut copy_out;
    copying_ = &copy_out;
    Status read = read_copy(copy_out, types, visit, sql);
    if (copying_ == &copy_out) {  // stopped before the end: the rest is read and dropped
      copying_ = nullptr;
      copy_out.end = end_copy(nullptr, sql);
    }
    if (!read.ok()) return read;
    return copy_out.end;
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
    read_copy_aside();
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
    read_copy_aside();
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

  // Where a COPY TO being read stands: the rows read aside when another statement needed the
  // connection (read_copy_aside), then the COPY's own end.
  struct CopyOut {
    std::vector<std::string> aside;
    std::size_t next = 0;  // of `aside`
    Status end;
  };

  // Hands each row of the COPY to `visit` until its end or until `visit` stops.
  Status read_copy(CopyOut& copy_out, const std::vector<Oid>& types, const RowVisitor& visit,
                   std::string_view sql) {
    struct Owned {  // a row as libpq gives it, freed once visited
      char* data = nullptr;
      ~Owned() {
        if (data) pq().freemem(data);
      }
    };
    std::vector<SqlValueView> row(types.size());
    std::vector<std::string> scratch(types.size());
    while (true) {
      Owned owned;
      std::string_view line;
      if (copy_out.next < copy_out.aside.size()) {
        line = copy_out.aside[copy_out.next++];
      } else if (copying_ != &copy_out) {
        return {};  // every row read (aside)
      } else {
        const int length = pq().get_copy_data(connection_, &owned.data, 0);
        if (length < 0) {
          copying_ = nullptr;
          copy_out.end = end_copy(nullptr, sql, length);
          return {};
        }
        line = std::string_view(owned.data, static_cast<std::size_t>(length));
      }
      if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
      MOAT_CHECK(split_copy_row(line, types, scratch, row, sql));
      MOAT_TRY(const bool more, visit(row));
      if (!more) return {};
    }
  }

  Status split_copy_row(std::string_view line, const std::vector<Oid>& types,
                        std::vector<std::string>& scratch, std::vector<SqlValueView>& row,
                        std::string_view sql) const {
    std::size_t from = 0;
    for (std::size_t c = 0; c < types.size(); ++c) {
      std::size_t to = line.find('\t', from);
      if (to == std::string_view::npos) to = line.size();
      if ((to == line.size()) != (c + 1 == types.size()))
        return internal_error("postgresql: a row of COPY has not " + std::to_string(types.size()) +
                              " columns (in: " + std::string(sql.substr(0, 80)) + ")");
      const std::optional<std::string_view> text = copy_field(line.substr(from, to - from), scratch[c]);
      row[c] = text ? value_view(types[c], *text) : SqlValueView(std::monostate{});
      from = to + 1;
    }
    return {};
  }

  // Reads what remains of the COPY under way (keeping its rows in `aside` when given), unless
  // `last` says its end was read already (-1) or the connection failed (-2), then the COPY's
  // outcome: its failure, if any.
  Status end_copy(std::vector<std::string>* aside, std::string_view sql, int last = 0) {
    char* data = nullptr;
    int length = last;
    while (length >= 0 && (length = pq().get_copy_data(connection_, &data, 0)) > 0) {
      if (aside) aside->emplace_back(data, static_cast<std::size_t>(length));
      pq().freemem(data);
    }
    return copy_outcome(length == -2 ? std::optional(failure(nullptr, sql)) : std::nullopt, sql);
  }

  // The outcome of the COPY just ended or given up: `first`, else the server's failure, if any. A
  // COPY that could not be ended leaves libpq answering that it is still in it, again on every
  // call: that answer ends the wait.
  Status copy_outcome(std::optional<Error> first, std::string_view sql) {
    while (PGresult* result = pq().get_result(connection_)) {
      const ExecStatusType status = pq().result_status(result);
      if (!first && status != PGRES_COMMAND_OK) first = failure(result, sql);
      pq().clear(result);
      if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT) break;
    }
    if (first) return std::move(*first);
    return {};
  }

  // Reads the rest of the COPY under way, if any, aside for its reader: every other use of the
  // connection calls this first.
  void read_copy_aside() {
    if (!copying_) return;
    CopyOut* copy_out = std::exchange(copying_, nullptr);
    copy_out->end = end_copy(&copy_out->aside, "COPY");
  }

  // `sql` with its `?` placeholders replaced by `params` as SQL literals: COPY takes no parameters.
  Result<std::string> with_literals(std::string_view sql, std::span<const SqlValue> params) const {
    return replace_placeholders(sql, [&](std::size_t index, std::string& out) -> Status {
      if (index >= params.size())
        return internal_error("postgresql: more placeholders than parameters in: " +
                              std::string(sql.substr(0, 80)));
      const SqlValue& param = params[index];
      if (std::holds_alternative<std::monostate>(param)) {
        out += "NULL";
      } else if (const auto* text = std::get_if<std::string>(&param)) {
        char* literal = pq().escape_literal(connection_, text->data(), text->size());
        if (!literal) return failure(nullptr, sql);
        out += literal;
        pq().freemem(literal);
      } else {
        out += as_text(param);
      }
      return {};
    });
  }

  // The types of the columns `query` returns, from the server's description of it (the unnamed
  // statement prepared and described in one round trip).
  Result<std::vector<Oid>> result_types(const std::string& query, std::string_view sql) {
    if (pq().enter_pipeline_mode(connection_) != 1) return failure(nullptr, sql);
    const bool sent = pq().send_prepare(connection_, "", query.c_str(), 0, nullptr) == 1 &&
                      pq().send_describe_prepared(connection_, "") == 1 &&
                      pq().pipeline_sync(connection_) == 1;
    std::optional<Error> first;
    if (!sent) first = failure(nullptr, sql);
    std::vector<Oid> types;
    for (int answer = 0; sent && answer < 3; ++answer) {  // prepared, described, synchronised
      PgResult result(pq().get_result(connection_));
      if (!result) continue;  // the end of an answer
      const ExecStatusType status = pq().result_status(result.get());
      if (status == PGRES_PIPELINE_SYNC) break;
      if (status != PGRES_COMMAND_OK) {
        if (!first && status != PGRES_PIPELINE_ABORTED) first = failure(result.get(), sql);
      } else if (answer == 1) {
        for (int c = 0; c < pq().nfields(result.get()); ++c) types.push_back(pq().ftype(result.get(), c));
      }
      while (PGresult* rest = pq().get_result(connection_)) pq().clear(rest);
    }
    if (pq().exit_pipeline_mode(connection_) != 1 && !first) first = failure(nullptr, sql);
    if (first) return std::move(*first);
    return types;
  }

  // Runs `sql` as a prepared statement, preparing it first if it is not yet: the preparation and
  // the first run go through the pipeline together, one round trip for both.
  Result<PgResult> run_prepared(std::string_view sql, const ParamTexts& texts) {
    if (const auto it = prepared_.find(sql); it != prepared_.end()) {
      return PgResult(pq().exec_prepared(connection_, it->second.c_str(), texts.count(), texts.values.data(),
                                         nullptr, nullptr, 0));
    }
    const std::string name = "moat_" + std::to_string(prepared_.size() + 1);
    const std::string numbered = numbered_placeholders(sql);
    if (pq().enter_pipeline_mode(connection_) != 1) return failure(nullptr, sql);
    const bool sent =
        pq().send_prepare(connection_, name.c_str(), numbered.c_str(), texts.count(), nullptr) == 1 &&
        pq().send_query_prepared(connection_, name.c_str(), texts.count(), texts.values.data(), nullptr,
                                 nullptr, 0) == 1 &&
        pq().pipeline_sync(connection_) == 1;
    const auto answer = [&] {  // one statement's answer, read to its end
      PgResult result(pq().get_result(connection_));
      while (PGresult* rest = pq().get_result(connection_)) pq().clear(rest);
      return result;
    };
    PgResult prepared, result;
    if (sent) {
      prepared = answer();
      result = answer();
      while (PGresult* rest = pq().get_result(connection_)) {  // up to the synchronisation point
        const bool reached = pq().result_status(rest) == PGRES_PIPELINE_SYNC;
        pq().clear(rest);
        if (reached) break;
      }
    }
    const bool left = pq().exit_pipeline_mode(connection_) == 1;
    if (!sent || !left) return failure(nullptr, sql);
    if (!prepared || pq().result_status(prepared.get()) != PGRES_COMMAND_OK)
      return failure(prepared.get(), sql);
    prepared_.emplace(std::string(sql), name);
    return result;
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
      // pays only from its second run on (then prepared and run in one round trip). Most of a
      // command's statements run once.
      const std::string numbered = numbered_placeholders(sql);
      result.reset(pq().exec_params(connection_, numbered.c_str(), count, nullptr, texts.values.data(),
                                    nullptr, nullptr, 0));
    } else {
      MOAT_TRY(result, run_prepared(sql, texts));
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
  CopyOut* copying_ = nullptr;  // the COPY TO being read, if any
  bool in_transaction_ = false;
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
// The same settings made by a statement, where the options cannot be sent (see open_postgresql).
constexpr std::string_view kSessionSettings =
    "SELECT set_config('client_min_messages', 'warning', false), set_config('extra_float_digits', '3', "
    "false)";

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

// A connection to `url` (expanded), with `options` as the startup parameter when given.
PGconn* connect(const std::string& url, const std::string* options) {
  const char* const keywords[] = {"dbname", options ? "options" : nullptr, nullptr};
  const char* const values[] = {url.c_str(), options ? options->c_str() : nullptr, nullptr};
  return pq().connectdb_params(keywords, values, 1);  // the URL expanded; options last
}

// Why a connection failed, without libpq's trailing line end (empty when it did not fail).
std::string connection_failure(PGconn* connection) {
  if (!connection) return "out of memory";
  if (pq().status(connection) == CONNECTION_OK) return "";
  std::string message = pq().error_message(connection);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// What a connection pooler answers to the `options` startup parameter when it does not pass it
// on: PgBouncer up to 1.19 "unsupported startup parameter: options"; from 1.20, which reads the
// options itself and takes only the settings it tracks, "unsupported startup parameter in options:
// client_min_messages".
constexpr std::string_view kOptionsRefused = "unsupported startup parameter";

}  // namespace

Result<std::unique_ptr<Database>> open_postgresql(const std::string& url) {
  MOAT_CHECK(load_libpq());
  const std::string options = session_options(url);
  PGconn* connection = connect(url, &options);
  std::string failure = connection_failure(connection);
  // Through a pooler that refuses the options, moat connects without them and makes its own
  // settings by a statement: one round trip more, for this session only.
  const bool refused = failure.find(kOptionsRefused) != std::string::npos;
  if (refused) {
    pq().finish(connection);
    connection = connect(url, nullptr);
    failure = connection_failure(connection);
  }
  if (!failure.empty()) {
    pq().finish(connection);
    return Error(ErrorCode::kInput, redact_url(url), "cannot connect to PostgreSQL: " + failure);
  }
  auto database = std::make_unique<PostgresDatabase>(connection);
  if (refused) {
    MOAT_CHECK(database->execute(kSessionSettings, {}));
  }
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace moat::store
