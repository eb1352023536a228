// SPDX-License-Identifier: Apache-2.0
#include "store/migrations.h"

#include <string>
#include <utility>

#include "store/tree.h"

namespace moat::store {
namespace {

// PostgreSQL: every primary key's text columns in the "C" collation, bytewise, the order moat
// reads and pages records in (`ORDER BY ... COLLATE "C"`), so that the keys' indexes give that
// order instead of a sort of the whole table; keys compare bytewise too, faster than by the
// database's locale. SQLite's default collation is already bytewise.
Status primary_keys_bytewise(Database& db) {
  if (db.backend() != "postgresql") return {};
  MOAT_TRY(const auto rows, db.query(R"(
      SELECT c.relname, a.attname FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
       WHERE i.indisprimary AND c.relnamespace = current_schema()::regnamespace
         AND a.atttypid = 'text'::regtype
       ORDER BY c.relname, a.attnum)"));
  std::string table, alter;
  const auto flush = [&]() -> Status {
    if (alter.empty()) return {};
    return db.execute(std::exchange(alter, std::string()));
  };
  for (const SqlRow& row : rows) {
    const auto* relation = std::get_if<std::string>(&row[0]);
    const auto* column = std::get_if<std::string>(&row[1]);
    if (!relation || !column) continue;
    if (*relation != table) {
      MOAT_CHECK(flush());
      table = *relation;
      alter = "ALTER TABLE \"" + table + "\"";
    } else {
      alter += ",";
    }
    alter += " ALTER COLUMN \"" + *column + "\" TYPE TEXT COLLATE \"C\"";
  }
  return flush();
}

const std::vector<Migration> kMigrations = {
    {1,
     "products, BOM, secrets, inference, recipes, work packages, suppliers, affiliations, "
     "quotes, people, ledger",
     {
         R"(CREATE TABLE "products" (
              "id" TEXT PRIMARY KEY, "name" TEXT NOT NULL, "description" TEXT))",
         R"(CREATE TABLE "parts" (
              "product" TEXT NOT NULL REFERENCES "products" ("id") DEFERRABLE INITIALLY DEFERRED,
              "id" TEXT NOT NULL, "parent" TEXT, "designators" TEXT NOT NULL, "name" TEXT NOT NULL,
              "description" TEXT, "footprint" TEXT, "quantity" DOUBLE PRECISION NOT NULL,
              "capability" TEXT, "make_buy" TEXT NOT NULL, "manufacturer" TEXT, "mpn" TEXT,
              PRIMARY KEY ("product", "id"),
              FOREIGN KEY ("product", "parent") REFERENCES "parts" ("product", "id")
                DEFERRABLE INITIALLY DEFERRED))",
         R"(CREATE TABLE "secrets" (
              "product" TEXT NOT NULL REFERENCES "products" ("id") DEFERRABLE INITIALLY DEFERRED,
              "id" TEXT NOT NULL, "name" TEXT NOT NULL, "weight" DOUBLE PRECISION NOT NULL,
              "strategy" TEXT NOT NULL, "description" TEXT,
              PRIMARY KEY ("product", "id")))",
         R"(CREATE TABLE "derives" (
              "product" TEXT NOT NULL REFERENCES "products" ("id") DEFERRABLE INITIALLY DEFERRED,
              "id" TEXT NOT NULL, "from" TEXT NOT NULL, "gives" TEXT NOT NULL, "note" TEXT,
              PRIMARY KEY ("product", "id"),
              FOREIGN KEY ("product", "gives") REFERENCES "secrets" ("product", "id")
                DEFERRABLE INITIALLY DEFERRED))",
         R"(CREATE TABLE "recipes" (
              "product" TEXT NOT NULL REFERENCES "products" ("id") DEFERRABLE INITIALLY DEFERRED,
              "id" TEXT NOT NULL, "name" TEXT NOT NULL, "secrets" TEXT NOT NULL,
              PRIMARY KEY ("product", "id")))",
         R"(CREATE TABLE "packages" (
              "product" TEXT NOT NULL REFERENCES "products" ("id") DEFERRABLE INITIALLY DEFERRED,
              "id" TEXT NOT NULL, "name" TEXT NOT NULL, "capability" TEXT NOT NULL, "step" TEXT,
              "parts" TEXT NOT NULL, "exposes" TEXT NOT NULL, "volume" BIGINT NOT NULL,
              "sources" BIGINT NOT NULL,
              PRIMARY KEY ("product", "id")))",
         R"(CREATE TABLE "suppliers" (
              "id" TEXT PRIMARY KEY, "legal_name" TEXT NOT NULL, "name" TEXT,
              "uscc" TEXT NOT NULL, "legal_rep" TEXT, "address" TEXT, "city" TEXT,
              "province" TEXT, "capabilities" TEXT NOT NULL, "capacity" BIGINT NOT NULL,
              "status" TEXT NOT NULL, "trusted" BIGINT NOT NULL, "max_exposure_share" DOUBLE PRECISION))",
         R"(CREATE TABLE "affiliations" (
              "a" TEXT NOT NULL REFERENCES "suppliers" ("id") DEFERRABLE INITIALLY DEFERRED,
              "b" TEXT NOT NULL REFERENCES "suppliers" ("id") DEFERRABLE INITIALLY DEFERRED,
              "kind" TEXT NOT NULL, "note" TEXT,
              PRIMARY KEY ("a", "b", "kind")))",
         R"(CREATE TABLE "quotes" (
              "product" TEXT NOT NULL, "package" TEXT NOT NULL,
              "supplier" TEXT NOT NULL REFERENCES "suppliers" ("id") DEFERRABLE INITIALLY DEFERRED,
              "unit_cost" DOUBLE PRECISION NOT NULL, "fixed_cost" DOUBLE PRECISION NOT NULL,
              "currency" TEXT NOT NULL, "valid_until" TEXT,
              PRIMARY KEY ("product", "package", "supplier"),
              FOREIGN KEY ("product", "package") REFERENCES "packages" ("product", "id")
                DEFERRABLE INITIALLY DEFERRED))",
         R"(CREATE TABLE "people" (
              "id" TEXT PRIMARY KEY,
              "supplier" TEXT REFERENCES "suppliers" ("id") DEFERRABLE INITIALLY DEFERRED,
              "name" TEXT NOT NULL, "role" TEXT, "email" TEXT, "phone" TEXT,
              "contact" BIGINT NOT NULL))",
         R"(CREATE TABLE "ledger" (
              "seq" BIGINT PRIMARY KEY, "at" TEXT NOT NULL, "actor" TEXT NOT NULL,
              "action" TEXT NOT NULL, "entity" TEXT NOT NULL, "entity_key" TEXT NOT NULL,
              "before_json" TEXT, "after_json" TEXT,
              "prev_hash" TEXT NOT NULL, "hash" TEXT NOT NULL))",
         R"(CREATE INDEX "ledger_entity" ON "ledger" ("entity", "entity_key"))",
         // Unique in the model (checked inside each write transaction), not by a constraint:
         // an import may swap two suppliers' codes, which a row-by-row unique check refuses.
         R"(CREATE INDEX "suppliers_uscc" ON "suppliers" ("uscc"))",
     }},
    {2,
     "row versions for optimistic concurrency",
     {
         R"(ALTER TABLE "products" ADD COLUMN "row_version" BIGINT NOT NULL DEFAULT 1)",
         R"(ALTER TABLE "parts" ADD COLUMN "row_version" BIGINT NOT NULL DEFAULT 1)",
         R"(ALTER TABLE "secrets" ADD COLUMN "row_version" BIGINT NOT NULL DEFAULT 1)",
         R"(ALTER TABLE "derives" ADD COLUMN "row_version" BIGINT NOT NULL DEFAULT 1)",
         R"(ALTER TABLE "recipes" ADD COLUMN "row_version" BIGINT NOT NULL DEFAULT 1)",
         R"(ALTER TABLE "packages" ADD COLUMN "row_version" BIGINT NOT NULL DEFAULT 1)",
         R"(ALTER TABLE "suppliers" ADD COLUMN "row_version" BIGINT NOT NULL DEFAULT 1)",
         R"(ALTER TABLE "affiliations" ADD COLUMN "row_version" BIGINT NOT NULL DEFAULT 1)",
         R"(ALTER TABLE "quotes" ADD COLUMN "row_version" BIGINT NOT NULL DEFAULT 1)",
         R"(ALTER TABLE "people" ADD COLUMN "row_version" BIGINT NOT NULL DEFAULT 1)",
     }},
    {3,
     "sourcing plans",
     {
         R"(CREATE TABLE "plans" (
              "product" TEXT NOT NULL REFERENCES "products" ("id") DEFERRABLE INITIALLY DEFERRED,
              "id" TEXT NOT NULL, "created_at" TEXT NOT NULL, "state" TEXT NOT NULL,
              "collusion" BIGINT NOT NULL, "max_exposure_share" DOUBLE PRECISION NOT NULL,
              "status" TEXT NOT NULL, "cost" DOUBLE PRECISION, "plan" TEXT NOT NULL,
              "approved_by" TEXT, "approved_at" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1,
              PRIMARY KEY ("product", "id")))",
     }},
    {4,
     "supplier qualification, oversight, tooling, material reconciliation, red flags, documents",
     {
         R"(ALTER TABLE "products" ADD COLUMN "production_start" TEXT)",
         R"(ALTER TABLE "suppliers" ADD COLUMN "headcount" BIGINT)",
         R"(ALTER TABLE "suppliers" ADD COLUMN "sites" TEXT NOT NULL DEFAULT '[]')",
         R"(ALTER TABLE "suppliers" ADD COLUMN "subcontractors" TEXT NOT NULL DEFAULT '[]')",
         R"(ALTER TABLE "suppliers" ADD COLUMN "qualified_until" TEXT)",
         R"(ALTER TABLE "suppliers" ADD COLUMN "tier" TEXT)",
         R"(CREATE TABLE "documents" (
              "id" TEXT NOT NULL, "name" TEXT NOT NULL, "size" BIGINT NOT NULL, "media_type" TEXT,
              "added_at" TEXT NOT NULL, "added_by" TEXT NOT NULL, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE TABLE "assessments" (
              "supplier" TEXT NOT NULL, "id" TEXT NOT NULL, "date" TEXT NOT NULL,
              "assessor" TEXT NOT NULL, "approver" TEXT, "approved_at" TEXT, "result" TEXT NOT NULL,
              "score" DOUBLE PRECISION NOT NULL, "tier" TEXT, "max_exposure_share" DOUBLE PRECISION,
              "valid_until" TEXT, "knocked_out_by" TEXT NOT NULL, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("supplier", "id")))",
         R"(CREATE TABLE "scores" (
              "supplier" TEXT NOT NULL, "assessment" TEXT NOT NULL, "criterion" TEXT NOT NULL,
              "score" DOUBLE PRECISION NOT NULL, "evidence" TEXT NOT NULL, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1,
              PRIMARY KEY ("supplier", "assessment", "criterion")))",
         R"(CREATE TABLE "certificates" (
              "supplier" TEXT NOT NULL, "id" TEXT NOT NULL, "standard" TEXT NOT NULL, "issuer" TEXT,
              "number" TEXT, "issued" TEXT, "expires" TEXT NOT NULL, "scope" TEXT,
              "evidence" TEXT NOT NULL,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("supplier", "id")))",
         R"(CREATE TABLE "assignments" (
              "supplier" TEXT NOT NULL, "person" TEXT NOT NULL, "from" TEXT NOT NULL,
              "role" TEXT NOT NULL, "to" TEXT, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("supplier", "person", "from")))",
         R"(CREATE TABLE "visits" (
              "id" TEXT NOT NULL, "supplier" TEXT NOT NULL, "kind" TEXT NOT NULL,
              "date" TEXT NOT NULL, "by" TEXT NOT NULL, "checklist" TEXT, "product" TEXT,
              "score" DOUBLE PRECISION, "result" TEXT, "capacity_seen" BIGINT,
              "headcount_seen" BIGINT, "sites_seen" TEXT NOT NULL,
              "subcontractors_seen" TEXT NOT NULL, "capacity_before" BIGINT,
              "headcount_before" BIGINT, "evidence" TEXT NOT NULL, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE INDEX "visits_supplier" ON "visits" ("supplier", "date"))",
         R"(CREATE TABLE "audit_items" (
              "visit" TEXT NOT NULL, "item" TEXT NOT NULL, "topic" TEXT NOT NULL,
              "result" TEXT NOT NULL, "score" DOUBLE PRECISION, "critical" BIGINT NOT NULL,
              "note" TEXT, "evidence" TEXT NOT NULL,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("visit", "item")))",
         R"(CREATE TABLE "findings" (
              "visit" TEXT NOT NULL, "id" TEXT NOT NULL, "severity" TEXT NOT NULL, "item" TEXT,
              "description" TEXT NOT NULL, "action" TEXT, "owner" TEXT, "due" TEXT,
              "state" TEXT NOT NULL, "answer" TEXT, "closed_on" TEXT, "closed_by" TEXT,
              "evidence" TEXT NOT NULL,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("visit", "id")))",
         R"(CREATE TABLE "tooling" (
              "id" TEXT NOT NULL, "product" TEXT, "package" TEXT, "kind" TEXT NOT NULL,
              "name" TEXT NOT NULL, "owner" TEXT NOT NULL, "maker" TEXT, "location" TEXT NOT NULL,
              "site" TEXT, "marking" TEXT, "id_plate" TEXT, "cavities" BIGINT NOT NULL,
              "parts_per_unit" BIGINT NOT NULL, "approved_locations" TEXT NOT NULL,
              "state" TEXT NOT NULL, "commissioned" TEXT, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE TABLE "tool_events" (
              "tool" TEXT NOT NULL, "id" TEXT NOT NULL, "date" TEXT NOT NULL, "kind" TEXT NOT NULL,
              "shots" BIGINT, "from" TEXT, "to" TEXT, "approved_by" TEXT, "approved_on" TEXT,
              "visit" TEXT, "description" TEXT, "evidence" TEXT NOT NULL,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("tool", "id")))",
         R"(CREATE TABLE "orders" (
              "id" TEXT NOT NULL, "supplier" TEXT NOT NULL, "product" TEXT NOT NULL, "package" TEXT,
              "quantity" BIGINT NOT NULL, "issued" TEXT NOT NULL, "due" TEXT, "ip_clause" TEXT,
              "penalty" DOUBLE PRECISION, "currency" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE TABLE "movements" (
              "supplier" TEXT NOT NULL, "id" TEXT NOT NULL, "date" TEXT NOT NULL,
              "kind" TEXT NOT NULL, "product" TEXT NOT NULL, "item" TEXT,
              "quantity" DOUBLE PRECISION NOT NULL, "per_unit" DOUBLE PRECISION NOT NULL,
              "order" TEXT, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("supplier", "id")))",
         R"(CREATE TABLE "flags" (
              "id" TEXT NOT NULL, "rule" TEXT NOT NULL, "severity" TEXT NOT NULL,
              "subject" TEXT NOT NULL, "cause" TEXT NOT NULL, "summary" TEXT NOT NULL,
              "evidence" TEXT NOT NULL, "state" TEXT NOT NULL, "raised_at" TEXT NOT NULL,
              "updated_by" TEXT, "updated_at" TEXT, "reason" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
     }},
    {5,
     "accounts for moat serve: users, API tokens, browser sessions (never exported)",
     {
         R"(CREATE TABLE "users" (
              "name" TEXT PRIMARY KEY, "role" TEXT NOT NULL, "supplier" TEXT,
              "password_hash" TEXT NOT NULL, "failed_logins" BIGINT NOT NULL DEFAULT 0,
              "locked_until_ms" BIGINT NOT NULL DEFAULT 0, "disabled" BIGINT NOT NULL DEFAULT 0,
              "created_at" TEXT NOT NULL))",
         R"(CREATE TABLE "api_tokens" (
              "hash" TEXT PRIMARY KEY, "id" TEXT NOT NULL,
              "user_name" TEXT NOT NULL REFERENCES "users" ("name"), "label" TEXT,
              "created_at" TEXT NOT NULL, "revoked" BIGINT NOT NULL DEFAULT 0))",
         R"(CREATE INDEX "api_tokens_id" ON "api_tokens" ("id"))",
         R"(CREATE TABLE "web_sessions" (
              "hash" TEXT PRIMARY KEY, "user_name" TEXT NOT NULL REFERENCES "users" ("name"),
              "csrf" TEXT NOT NULL, "created_ms" BIGINT NOT NULL, "last_seen_ms" BIGINT NOT NULL,
              "expires_ms" BIGINT NOT NULL))",
         R"(CREATE INDEX "web_sessions_expiry" ON "web_sessions" ("expires_ms"))",
     }},
    {6,
     "agreements, IP rights and their events, public disclosures, gate waivers",
     {
         R"(CREATE TABLE "agreements" (
              "id" TEXT NOT NULL, "kind" TEXT NOT NULL, "supplier" TEXT NOT NULL, "counterparty_name" TEXT,
              "counterparty_uscc" TEXT, "governing_law" TEXT, "languages" TEXT NOT NULL,
              "controlling_language" TEXT, "court" TEXT, "court_country" TEXT, "court_division" TEXT,
              "arbitration" BIGINT NOT NULL, "liquidated_damages" DOUBLE PRECISION, "currency" TEXT,
              "non_use" BIGINT NOT NULL, "non_circumvention" BIGINT NOT NULL,
              "subcontractor_flow_down" BIGINT NOT NULL, "related_companies_liability" BIGINT NOT NULL,
              "improvements_ownership" BIGINT NOT NULL, "tooling_ownership" BIGINT NOT NULL, "signed_by" TEXT,
              "signer_is_legal_rep" BIGINT NOT NULL, "chop" BIGINT NOT NULL, "effective" TEXT, "expires" TEXT,
              "products" TEXT NOT NULL, "secrets" TEXT NOT NULL, "document" TEXT, "contracted_by" TEXT,
              "on_behalf_of" TEXT, "flows_down_to" TEXT NOT NULL, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE INDEX "agreements_supplier" ON "agreements" ("supplier"))",
         R"(CREATE TABLE "ip_rights" (
              "id" TEXT NOT NULL, "kind" TEXT NOT NULL, "jurisdiction" TEXT NOT NULL, "title" TEXT NOT NULL,
              "mark" TEXT, "script" TEXT, "nice_classes" TEXT NOT NULL, "subclasses" TEXT NOT NULL,
              "application_number" TEXT, "registration_number" TEXT, "filed" TEXT, "priority" TEXT,
              "published" TEXT, "registered" TEXT, "expires" TEXT, "pct" BIGINT NOT NULL,
              "made_in_china" BIGINT NOT NULL, "owner" TEXT, "products" TEXT NOT NULL, "parts" TEXT NOT NULL,
              "secrets" TEXT NOT NULL, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE TABLE "ip_events" (
              "right" TEXT NOT NULL, "event" TEXT NOT NULL, "date" TEXT NOT NULL, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("right", "event", "date")))",
         R"(CREATE TABLE "disclosures" (
              "id" TEXT NOT NULL, "kind" TEXT NOT NULL, "date" TEXT NOT NULL, "product" TEXT NOT NULL,
              "secrets" TEXT NOT NULL, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE TABLE "waivers" (
              "id" TEXT NOT NULL, "check" TEXT NOT NULL, "subject" TEXT NOT NULL, "product" TEXT,
              "role" TEXT NOT NULL, "reason" TEXT NOT NULL, "by" TEXT NOT NULL, "granted" TEXT NOT NULL,
              "expires" TEXT NOT NULL,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
     }},
    {7,
     "design files, releases and their copies; a supplier user's person",
     {
         R"(CREATE TABLE "files" (
              "id" TEXT NOT NULL, "product" TEXT NOT NULL, "package" TEXT NOT NULL, "name" TEXT NOT NULL,
              "revision" BIGINT NOT NULL, "media_type" TEXT NOT NULL, "size" BIGINT NOT NULL,
              "sha256" TEXT NOT NULL, "blob" TEXT NOT NULL, "secrets" TEXT NOT NULL, "archive" TEXT,
              "note" TEXT, "added_at" TEXT NOT NULL, "added_by" TEXT NOT NULL,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE INDEX "files_package" ON "files" ("product", "package", "name"))",
         R"(CREATE TABLE "releases" (
              "id" TEXT NOT NULL, "product" TEXT NOT NULL, "package" TEXT NOT NULL, "supplier" TEXT NOT NULL,
              "recipients" TEXT NOT NULL, "files" TEXT NOT NULL, "created_at" TEXT NOT NULL,
              "created_by" TEXT NOT NULL, "date" TEXT NOT NULL, "expires" TEXT, "reason" TEXT,
              "destination" TEXT NOT NULL, "verdict" TEXT NOT NULL, "state" TEXT NOT NULL,
              "revoked_at" TEXT, "revoked_by" TEXT, "revoke_reason" TEXT,
              "returned_at" TEXT, "returned_by" TEXT, "return_reason" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE INDEX "releases_supplier" ON "releases" ("supplier"))",
         R"(CREATE TABLE "copies" (
              "id" TEXT NOT NULL, "release" TEXT NOT NULL, "recipient" TEXT NOT NULL, "file" TEXT NOT NULL,
              "revision" BIGINT NOT NULL, "name" TEXT NOT NULL, "copy_hash" TEXT NOT NULL, "blob" TEXT,
              "path" TEXT, "scheme" TEXT NOT NULL, "resists" BIGINT NOT NULL, "report" TEXT,
              "created_at" TEXT NOT NULL,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE INDEX "copies_release" ON "copies" ("release"))",
         R"(CREATE INDEX "copies_file" ON "copies" ("file"))",
         R"(ALTER TABLE "users" ADD COLUMN "person" TEXT)",
     }},
    {8,
     "the ledger's Merkle tree (RFC 9162) and its signed checkpoints; the tree of an existing ledger is "
     "built",
     {
         // A complete subtree's hash, keyed by NodeId::key() (ledger/merkle.h): last leaf * 64 + level.
         R"(CREATE TABLE "ledger_tree" ("node" BIGINT PRIMARY KEY, "hash" TEXT NOT NULL))",
         R"(CREATE TABLE "checkpoints" (
              "id" BIGINT PRIMARY KEY, "size" BIGINT NOT NULL, "root" TEXT NOT NULL,
              "note" TEXT NOT NULL, "at" TEXT NOT NULL))",
     },
     build_tree},
    {9,
     "sign-in throttling per account and client address (growing delays, not a lockout)",
     {
         R"(CREATE TABLE "sign_in_failures" (
              "name" TEXT NOT NULL, "client" TEXT NOT NULL, "failures" BIGINT NOT NULL,
              "wait_until_ms" BIGINT NOT NULL, "last_ms" BIGINT NOT NULL, PRIMARY KEY ("name", "client")))",
         R"(CREATE INDEX "sign_in_failures_last" ON "sign_in_failures" ("last_ms"))",
     }},
    {10,
     "BOM lines fitted or not (DNP)",
     {
         R"(ALTER TABLE "parts" ADD COLUMN "fitted" BIGINT NOT NULL DEFAULT 1)",
     }},
    {11,
     "red flags resolve themselves: how a flag was resolved (by a person, or because its cause cleared)",
     {
         R"(ALTER TABLE "flags" ADD COLUMN "resolution" TEXT)",
     }},
    {12,
     "employee confidentiality agreements name the people they bind; accounts map to login names",
     {
         R"(ALTER TABLE "agreements" ADD COLUMN "people" TEXT NOT NULL DEFAULT '[]')",
         // The login name the command line maps to an account: who acts at the terminal.
         R"(ALTER TABLE "users" ADD COLUMN "os_user" TEXT)",
     }},
    {13,
     "counterfeit watch: listings and their captured images, references, hits, complaints, enforcement "
     "documents",
     {
         R"(CREATE TABLE "listings" (
              "id" TEXT NOT NULL, "platform" TEXT NOT NULL, "url" TEXT NOT NULL, "listing_id" TEXT,
              "title" TEXT NOT NULL, "description" TEXT, "price" DOUBLE PRECISION, "currency" TEXT,
              "min_order" BIGINT, "seller" TEXT, "store_url" TEXT, "seller_location" TEXT,
              "images" TEXT NOT NULL, "captured_at" TEXT, "captured_by" TEXT, "source" TEXT,
              "imported_at" TEXT NOT NULL, "imported_by" TEXT NOT NULL,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE INDEX "listings_url" ON "listings" ("platform", "url"))",
         R"(CREATE TABLE "listing_images" (
              "listing" TEXT NOT NULL, "name" TEXT NOT NULL, "sha256" TEXT NOT NULL, "blob" TEXT NOT NULL,
              "size" BIGINT NOT NULL, "media_type" TEXT NOT NULL, "fingerprint" TEXT,
              "captured_at" TEXT, "captured_by" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("listing", "name")))",
         R"(CREATE TABLE "watch_references" (
              "id" TEXT NOT NULL, "product" TEXT NOT NULL, "kind" TEXT NOT NULL, "text" TEXT, "name" TEXT,
              "sha256" TEXT, "blob" TEXT, "size" BIGINT, "media_type" TEXT, "fingerprint" TEXT,
              "right" TEXT, "secrets" TEXT NOT NULL, "added_at" TEXT NOT NULL, "added_by" TEXT NOT NULL,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE TABLE "hits" (
              "id" TEXT NOT NULL, "listing" TEXT NOT NULL, "product" TEXT NOT NULL,
              "score" DOUBLE PRECISION NOT NULL, "reasons" TEXT NOT NULL, "rights" TEXT NOT NULL,
              "status" TEXT NOT NULL, "found_at" TEXT NOT NULL, "decided_by" TEXT, "decided_at" TEXT,
              "decision_reason" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE INDEX "hits_listing" ON "hits" ("listing", "product"))",
         R"(CREATE TABLE "complaints" (
              "id" TEXT NOT NULL, "platform" TEXT NOT NULL, "hits" TEXT NOT NULL, "rights" TEXT NOT NULL,
              "status" TEXT NOT NULL, "drafted_at" TEXT NOT NULL, "drafted_by" TEXT NOT NULL,
              "filed_on" TEXT, "removed_on" TEXT, "counter_notice_on" TEXT, "relisted_on" TEXT,
              "platform_reference" TEXT, "agent" TEXT, "folder" TEXT, "updated_by" TEXT, "updated_at" TEXT, "note" TEXT,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
         R"(CREATE TABLE "watch_documents" (
              "id" TEXT NOT NULL, "kind" TEXT NOT NULL, "document" TEXT NOT NULL, "right" TEXT,
              "language" TEXT, "expires" TEXT, "note" TEXT, "added_at" TEXT NOT NULL, "added_by" TEXT NOT NULL,
              "row_version" BIGINT NOT NULL DEFAULT 1, PRIMARY KEY ("id")))",
     }},
    {15,
     "indexes for what the lists filter and order by, and for the references a write checks",
     {
         R"(CREATE INDEX "orders_supplier" ON "orders" ("supplier"))",
         R"(CREATE INDEX "orders_product" ON "orders" ("product"))",
         R"(CREATE INDEX "people_supplier" ON "people" ("supplier"))",
         R"(CREATE INDEX "affiliations_b" ON "affiliations" ("b"))",
         R"(CREATE INDEX "waivers_product" ON "waivers" ("product"))",
         R"(CREATE INDEX "releases_product" ON "releases" ("product"))",
         // Newest first: visits by date, then id; releases, listings and complaints numbered
         // ("R12": by length, then text); hits strongest first.
         R"(CREATE INDEX "visits_date" ON "visits" ("date", "id"))",
         R"(CREATE INDEX "releases_number" ON "releases" (LENGTH("id"), "id"))",
         R"(CREATE INDEX "listings_number" ON "listings" (LENGTH("id"), "id"))",
         R"(CREATE INDEX "complaints_number" ON "complaints" (LENGTH("id"), "id"))",
         R"(CREATE INDEX "hits_score" ON "hits" ("status", "score"))",
     }},
    {16, "primary keys compared bytewise on PostgreSQL, as moat orders them", {}, primary_keys_bytewise},
    {17,
     "a decided hit whose listing changed since the decision: when, and what matches now",
     {
         R"(ALTER TABLE "hits" ADD COLUMN "listing_changed_at" TEXT)",
         R"(ALTER TABLE "hits" ADD COLUMN "current_score" DOUBLE PRECISION)",
         R"(ALTER TABLE "hits" ADD COLUMN "current_reasons" TEXT)",
     }},
    {19,
     "a user's display name, as people write it (in Chinese characters too)",
     {
         R"(ALTER TABLE "users" ADD COLUMN "display_name" TEXT)",
     }},
};

constexpr std::string_view kCreateVersions =
    R"(CREATE TABLE IF NOT EXISTS "schema_migrations" (
         "version" BIGINT PRIMARY KEY, "description" TEXT NOT NULL))";

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

Result<int> schema_version(Database& db) {
  MOAT_CHECK(db.execute(kCreateVersions));
  MOAT_TRY(const auto rows, db.query(R"(SELECT MAX("version") FROM "schema_migrations")"));
  if (rows.empty()) return 0;
  const auto* version = std::get_if<std::int64_t>(&rows.front().front());
  return version ? static_cast<int>(*version) : 0;
}

namespace {

// Whether `version` is recorded as applied. Versions are checked one by one, not against the
// newest applied, so that a migration numbered below one already applied still runs.
Result<bool> applied(Database& db, int version) {
  const SqlValue params[] = {std::int64_t{version}};
  MOAT_TRY(const auto rows, db.query(R"(SELECT 1 FROM "schema_migrations" WHERE "version" = ?)", params));
  return !rows.empty();
}

Result<std::int64_t> applied_count(Database& db) {
  MOAT_TRY(const auto rows, db.query(R"(SELECT COUNT(*) FROM "schema_migrations")"));
  if (rows.empty()) return std::int64_t{0};
  const auto* count = std::get_if<std::int64_t>(&rows.front().front());
  return count ? *count : 0;
}

}  // namespace

Status migrate(Database& db) {
  const int newest = kMigrations.back().version;
  // Nearly every open finds the database up to date: one query says so (the newest version
  // applied and how many are). A database without the versions' table fails it and goes on below,
  // which creates the table.
  if (const auto rows = db.query(R"(SELECT MAX("version"), COUNT(*) FROM "schema_migrations")");
      rows.ok() && !rows->empty() && rows->front().size() == 2) {
    const auto* version = std::get_if<std::int64_t>(&rows->front()[0]);
    const auto* count = std::get_if<std::int64_t>(&rows->front()[1]);
    if (version && count && *version == newest && *count == static_cast<std::int64_t>(kMigrations.size()))
      return {};
  }
  MOAT_TRY(const int found, schema_version(db));
  MOAT_TRY(const std::int64_t count, applied_count(db));
  if (found == newest && count == static_cast<std::int64_t>(kMigrations.size())) return {};
  for (const Migration& migration : kMigrations) {
    // Each step re-reads the version under the writers' lock, so that processes opening the
    // same database at once apply every migration exactly once.
    MOAT_TRY(WriteTransaction transaction, WriteTransaction::begin(db));
    MOAT_TRY(const int current, schema_version(db));
    if (current > newest) {
      return Error(ErrorCode::kConflict, "",
                   "the workspace's database is at schema version " + std::to_string(current) +
                       ", newer than this moat knows (" + std::to_string(newest) + "): upgrade moat");
    }
    MOAT_TRY(const bool done, applied(db, migration.version));
    if (done) continue;  // the transaction rolls back: nothing to do
    for (std::string_view statement : migration.statements) MOAT_CHECK(db.execute(statement));
    if (migration.populate) MOAT_CHECK(migration.populate(db));
    const SqlValue params[] = {std::int64_t{migration.version}, std::string(migration.description)};
    MOAT_CHECK(
        db.execute(R"(INSERT INTO "schema_migrations" ("version", "description") VALUES (?, ?))", params));
    MOAT_CHECK(transaction.commit());
  }
  return {};
}

}  // namespace moat::store
