// SPDX-License-Identifier: Apache-2.0
#include "store/accounts.h"

#include <variant>

namespace moat::store {
namespace {

std::string text_of(const SqlValue& value) {
  const auto* s = std::get_if<std::string>(&value);
  return s ? *s : std::string();
}

std::int64_t integer_of(const SqlValue& value) {
  const auto* i = std::get_if<std::int64_t>(&value);
  return i ? *i : 0;
}

SqlValue optional_text(const std::string& text) {
  return text.empty() ? SqlValue{} : SqlValue{text};
}

// A row that starts with name, role and supplier and ends with the person and the display name.
AccountRow account_of(const SqlRow& row) {
  return {text_of(row[0]),    text_of(row[1]), text_of(row[2]), text_of(row[row.size() - 2]), "",
          text_of(row.back())};
}

// The same, for a row of name, role, supplier, person, OS user and display name.
AccountRow listed_account(const SqlRow& row) {
  return {text_of(row[0]), text_of(row[1]), text_of(row[2]),
          text_of(row[3]), text_of(row[4]), text_of(row[5])};
}

}  // namespace

Result<std::optional<StoredAccount>> active_account(Database& db, const std::string& name) {
  const SqlValue params[] = {name};
  MOAT_TRY(
      const auto rows,
      db.query(R"(SELECT "name", "role", "supplier", "password_hash", "person", "display_name" FROM "users"
                                        WHERE "name" = ? AND "disabled" = 0)",
               params));
  if (rows.empty()) return std::optional<StoredAccount>();
  return std::optional<StoredAccount>(StoredAccount{account_of(rows.front()), text_of(rows.front()[3])});
}

Result<bool> disable_account(Database& db, const std::string& name) {
  const SqlValue params[] = {name};
  MOAT_TRY(const auto rows, db.query(R"(SELECT 1 FROM "users" WHERE "name" = ? AND "disabled" = 0)", params));
  if (rows.empty()) return false;
  MOAT_CHECK(db.execute(R"(UPDATE "users" SET "disabled" = 1 WHERE "name" = ?)", params));
  MOAT_CHECK(db.execute(R"(DELETE FROM "web_sessions" WHERE "user_name" = ?)", params));
  return true;
}

Result<Enabled> enable_account(Database& db, const std::string& name) {
  const SqlValue params[] = {name};
  MOAT_TRY(const auto rows,
           db.query(R"(SELECT 1 FROM "users" WHERE "name" = ? AND "disabled" <> 0)", params));
  if (rows.empty()) return Enabled{};
  MOAT_TRY(const auto live,
           db.query(R"(SELECT COUNT(*) FROM "api_tokens" WHERE "user_name" = ? AND "revoked" = 0)", params));
  MOAT_CHECK(
      db.execute(R"(UPDATE "api_tokens" SET "revoked" = 1 WHERE "user_name" = ? AND "revoked" = 0)", params));
  MOAT_CHECK(db.execute(R"(UPDATE "users" SET "disabled" = 0 WHERE "name" = ?)", params));
  return Enabled{true, integer_of(live.front().front())};
}

Result<bool> set_account_display_name(Database& db, const std::string& name,
                                      const std::string& display_name) {
  const SqlValue params[] = {name};
  MOAT_TRY(const auto rows, db.query(R"(SELECT 1 FROM "users" WHERE "name" = ? AND "disabled" = 0)", params));
  if (rows.empty()) return false;
  const SqlValue changed[] = {optional_text(display_name), name};
  MOAT_CHECK(db.execute(R"(UPDATE "users" SET "display_name" = ? WHERE "name" = ?)", changed));
  return true;
}

Result<std::optional<std::string>> account_named_alike(Database& db, const std::string& name) {
  const SqlValue params[] = {name};
  MOAT_TRY(const auto rows, db.query(R"(SELECT "name" FROM "users" WHERE lower("name") = lower(?))", params));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(text_of(rows.front()[0]));
}

Result<std::optional<std::string>> account_of_login(Database& db, const std::string& os_user) {
  const SqlValue params[] = {os_user};
  MOAT_TRY(const auto rows, db.query(R"(SELECT "name" FROM "users" WHERE "os_user" = ?)", params));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(text_of(rows.front()[0]));
}

Result<std::optional<AccountRow>> active_account_of_login(Database& db, const std::string& os_user) {
  const SqlValue params[] = {os_user};
  MOAT_TRY(const auto rows,
           db.query(R"(SELECT "name", "role", "supplier", "person", "os_user", "display_name" FROM "users"
                                        WHERE "os_user" = ? AND "disabled" = 0)",
                    params));
  if (rows.empty()) return std::optional<AccountRow>();
  return std::optional<AccountRow>(listed_account(rows.front()));
}

Status insert_account(Database& db, const AccountRow& account, const std::string& password_hash,
                      const std::string& created_at) {
  const SqlValue params[] = {account.name,
                             account.role,
                             optional_text(account.supplier),
                             password_hash,
                             created_at,
                             optional_text(account.person),
                             optional_text(account.os_user),
                             optional_text(account.display_name)};
  return db.execute(
      R"(INSERT INTO "users" ("name", "role", "supplier", "password_hash", "created_at", "person", "os_user",
                         "display_name") VALUES (?, ?, ?, ?, ?, ?, ?, ?))",
      params);
}

Result<std::vector<AccountRow>> every_account(Database& db) {
  MOAT_TRY(const auto rows,
           db.query(R"(SELECT "name", "role", "supplier", "person", "os_user", "display_name", "disabled"
                                        FROM "users" ORDER BY "name")"));
  std::vector<AccountRow> accounts;
  for (const SqlRow& row : rows) {
    accounts.push_back(listed_account(row));
    accounts.back().disabled = integer_of(row[6]) != 0;
  }
  return accounts;
}

Result<std::vector<AccountRow>> active_accounts(Database& db) {
  MOAT_TRY(const auto rows,
           db.query(R"(SELECT "name", "role", "supplier", "person", "os_user", "display_name" FROM "users"
                                        WHERE "disabled" = 0 ORDER BY "name")"));
  std::vector<AccountRow> accounts;
  for (const SqlRow& row : rows) accounts.push_back(listed_account(row));
  return accounts;
}

Status insert_token(Database& db, const std::string& digest, const std::string& id,
                    const std::string& user_name, const std::string& label, const std::string& created_at) {
  const SqlValue params[] = {digest, id, user_name, optional_text(label), created_at};
  return db.execute(R"(INSERT INTO "api_tokens" ("hash", "id", "user_name", "label", "created_at")
                       VALUES (?, ?, ?, ?, ?))",
                    params);
}

Result<std::optional<std::string>> live_token_user(Database& db, const std::string& id) {
  const SqlValue params[] = {id};
  MOAT_TRY(const auto rows,
           db.query(R"(SELECT "user_name" FROM "api_tokens" WHERE "id" = ? AND "revoked" = 0)", params));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(text_of(rows.front()[0]));
}

Status revoke_token(Database& db, const std::string& id) {
  const SqlValue params[] = {id};
  return db.execute(R"(UPDATE "api_tokens" SET "revoked" = 1 WHERE "id" = ?)", params);
}

Result<std::optional<TokenRow>> live_token(Database& db, const std::string& digest) {
  const SqlValue params[] = {digest};
  MOAT_TRY(
      const auto rows,
      db.query(
          R"(SELECT u."name", u."role", u."supplier", t."hash", u."person", u."display_name" FROM "api_tokens" t
                                        JOIN "users" u ON u."name" = t."user_name"
                                        WHERE t."hash" = ? AND t."revoked" = 0 AND u."disabled" = 0)",
          params));
  if (rows.empty()) return std::optional<TokenRow>();
  return std::optional<TokenRow>(TokenRow{account_of(rows.front()), text_of(rows.front()[3])});
}

Result<Throttle> throttle(Database& db, const std::string& name, const std::string& client) {
  const SqlValue params[] = {name, client};
  MOAT_TRY(const auto rows, db.query(R"(SELECT "failures", "wait_until_ms" FROM "sign_in_failures"
                                        WHERE "name" = ? AND "client" = ?)",
                                     params));
  if (rows.empty()) return Throttle{};
  return Throttle{integer_of(rows.front()[0]), integer_of(rows.front()[1])};
}

Status clear_throttle(Database& db, const std::string& name, const std::string& client) {
  const SqlValue params[] = {name, client};
  return db.execute(R"(DELETE FROM "sign_in_failures" WHERE "name" = ? AND "client" = ?)", params);
}

Status forget_throttles(Database& db, std::int64_t before_ms) {
  const SqlValue params[] = {before_ms};
  return db.execute(R"(DELETE FROM "sign_in_failures" WHERE "last_ms" < ?)", params);
}

Status save_throttle(Database& db, const std::string& name, const std::string& client,
                     const Throttle& throttle, std::int64_t now_ms) {
  const SqlValue params[] = {name, client, throttle.failures, throttle.wait_until_ms, now_ms};
  return db.execute(
      R"(INSERT INTO "sign_in_failures" ("name", "client", "failures", "wait_until_ms", "last_ms")
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT ("name", "client") DO UPDATE SET "failures" = excluded."failures",
                         "wait_until_ms" = excluded."wait_until_ms", "last_ms" = excluded."last_ms")",
      params);
}

Status forget_sessions(Database& db, std::int64_t before_ms) {
  const SqlValue params[] = {before_ms};
  return db.execute(R"(DELETE FROM "web_sessions" WHERE "expires_ms" < ?)", params);
}

Status insert_session(Database& db, const std::string& digest, const std::string& user_name,
                      const std::string& csrf, std::int64_t now_ms, std::int64_t expires_ms) {
  const SqlValue params[] = {digest, user_name, csrf, now_ms, now_ms, expires_ms};
  return db.execute(R"(INSERT INTO "web_sessions" ("hash", "user_name", "csrf", "created_ms", "last_seen_ms",
                         "expires_ms") VALUES (?, ?, ?, ?, ?, ?))",
                    params);
}

Result<std::optional<SessionRow>> live_session(Database& db, const std::string& digest) {
  const SqlValue params[] = {digest};
  MOAT_TRY(const auto rows, db.query(R"(SELECT u."name", u."role", u."supplier", s."csrf", s."last_seen_ms",
                                               s."expires_ms", s."hash", u."person", u."display_name" FROM "web_sessions" s
                                        JOIN "users" u ON u."name" = s."user_name"
                                        WHERE s."hash" = ? AND u."disabled" = 0)",
                                     params));
  if (rows.empty()) return std::optional<SessionRow>();
  const SqlRow& row = rows.front();
  return std::optional<SessionRow>(
      SessionRow{account_of(row), text_of(row[3]), integer_of(row[4]), integer_of(row[5]), text_of(row[6])});
}

Status touch_session(Database& db, const std::string& digest, std::int64_t now_ms) {
  const SqlValue params[] = {now_ms, digest};
  return db.execute(R"(UPDATE "web_sessions" SET "last_seen_ms" = ? WHERE "hash" = ?)", params);
}

Result<std::optional<std::string>> session_user(Database& db, const std::string& digest) {
  const SqlValue params[] = {digest};
  MOAT_TRY(const auto rows, db.query(R"(SELECT "user_name" FROM "web_sessions" WHERE "hash" = ?)", params));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(text_of(rows.front()[0]));
}

Status delete_session(Database& db, const std::string& digest) {
  const SqlValue params[] = {digest};
  return db.execute(R"(DELETE FROM "web_sessions" WHERE "hash" = ?)", params);
}

}  // namespace moat::store
