// SPDX-License-Identifier: Apache-2.0
#include "store/migrations.h"

namespace moat::store {
namespace {

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
};

constexpr std::string_view kCreateVersions =
    R"(CREATE TABLE IF NOT EXISTS "schema_migrations" (
         "version" BIGINT PRIMARY KEY, "description" TEXT NOT NULL))";

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

Result<int> schema_version(Database& db) {
  MOAT_CHECK(db.execute(kCreateVersions));
  MOAT_TRY(const auto rows, db.query(R"(SELECT MAX("version") FROM "schema_migrations")"));
  if (rows.empty()) return 0;
  const auto* version = std::get_if<std::int64_t>(&rows.front().front());
  return version ? static_cast<int>(*version) : 0;
}

Status migrate(Database& db) {
  const int newest = kMigrations.back().version;
  MOAT_TRY(const int found, schema_version(db));
  if (found == newest) return {};
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
    if (migration.version <= current) continue;  // the transaction rolls back: nothing to do
    for (std::string_view statement : migration.statements) MOAT_CHECK(db.execute(statement));
    const SqlValue params[] = {std::int64_t{migration.version}, std::string(migration.description)};
    MOAT_CHECK(db.execute(
        R"(INSERT INTO "schema_migrations" ("version", "description") VALUES (?, ?))", params));
    MOAT_CHECK(transaction.commit());
  }
  return {};
}

}  // namespace moat::store
