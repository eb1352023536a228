// SPDX-License-Identifier: Apache-2.0
#include "app/migrate.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <utility>

#include "app/audit.h"
#include "app/export.h"
#include "store/copy.h"

namespace moat::app {
namespace {

// How many records and ledger events `target` holds.
Result<std::pair<std::size_t, std::int64_t>> contents(store::Store& target) {
  MOAT_TRY(const std::int64_t events, target.event_count());
  std::size_t records = 0;
  for (const store::Table& table : store::tables()) {
    MOAT_TRY(const auto rows, target.list(table));
    records += rows.size();
  }
  return std::pair{records, events};
}

// Whether `target` holds this very workspace: the same export, as many ledger events, and a chain
// that verifies and reaches this workspace's witness. What a migration killed after its copy
// committed, and before moat.toml named the database, leaves behind; running it again finishes it.
Result<std::optional<MigrationReport>> copied_already(Workspace& workspace, store::Store& target) {
  MOAT_TRY(const std::int64_t ours, workspace.store().event_count());
  MOAT_TRY(const std::int64_t theirs, target.event_count());
  if (ours != theirs) return std::optional<MigrationReport>();
  MOAT_TRY(const std::string before, export_workspace(workspace));
  MOAT_TRY(const std::string after, export_store(target));
  if (before != after) return std::optional<MigrationReport>();
  MOAT_TRY(const AuditReport audit, verify_store(target));
  if (!audit.ok()) return std::optional<MigrationReport>();
  return std::optional<MigrationReport>(MigrationReport{before.size(), audit.chain.events_checked, true});
}

}  // namespace

Result<MigrationReport> migrate_workspace(Workspace& workspace, const std::string& url) {
  if (!store::is_postgresql_url(url)) return input_error("--to", "must be a postgresql:// URL");
  if (url == workspace.config().database) {
    return input_error("--to", "the workspace is already on this database");
  }
  const std::string source = workspace.config().database;
  const auto from = [&](MigrationReport report) {
    report.source = source;
    report.source_is_file = !store::is_postgresql_url(source);
    return report;
  };
  MOAT_TRY(auto connection, store::open_postgresql(url));
  MOAT_TRY(auto target, store::Store::open(std::move(connection), workspace.dir() / "ledger.head"));
  MOAT_TRY(const auto held, contents(*target));
  if (held.first > 0 || held.second > 0) {
    MOAT_TRY(const std::optional<MigrationReport> finished, copied_already(workspace, *target));
    if (!finished) {
      return Error(ErrorCode::kConflict, store::redact_url(url),
                   "the target database is not empty (" + std::to_string(held.first) + " records, " +
                       std::to_string(held.second) +
                       " ledger events, not a copy of this workspace); migrate into an empty database");
    }
    MOAT_CHECK(workspace.set_database(url));
    return from(*finished);
  }
  // Copy and check in one transaction on the target: a copy that does not prove identical is
  // rolled back, leaving the target empty for another try.
  MigrationReport report;
  MOAT_CHECK(store::copy_checked(workspace.store(), *target, [&]() -> Status {
    MOAT_TRY(const std::string before, export_workspace(workspace));
    MOAT_TRY(const std::string after, export_store(*target));
    if (before != after) {
      return internal_error(
          "the copy in " + store::redact_url(url) +
          " exports differently from the original (was the workspace written to meanwhile?); "
          "nothing was kept and moat.toml still names the original");
    }
    MOAT_TRY(const AuditReport audit, verify_store(*target));
    if (!audit.ok()) {
      const std::string problem = !audit.chain.ok ? audit.chain.problem : audit.state_problems.front();
      return Error(ErrorCode::kIntegrity, "ledger",
                   "the workspace's own ledger does not verify (" + problem +
                       "); run 'moat audit verify' and repair it before migrating");
    }
    report = {before.size(), audit.chain.events_checked};
    return {};
  }));
  MOAT_CHECK(workspace.set_database(url));
  return from(report);
}

std::string redacted_url(const std::string& url) {
  return store::redact_url(url);
}

}  // namespace moat::app
