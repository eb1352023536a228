// SPDX-License-Identifier: Apache-2.0
#include "app/migrate.h"

#include <nlohmann/json.hpp>

#include "app/audit.h"
#include "app/export.h"
#include "store/copy.h"

namespace moat::app {
namespace {

Status require_empty(store::Store& target, const std::string& url) {
  MOAT_TRY(const std::int64_t events, target.event_count());
  std::size_t records = 0;
  for (const store::Table& table : store::tables()) {
    MOAT_TRY(const auto rows, target.list(table));
    records += rows.size();
  }
  if (events > 0 || records > 0) {
    return Error(ErrorCode::kConflict, store::redact_url(url),
                 "the target database is not empty (" + std::to_string(records) + " records, " +
                     std::to_string(events) + " ledger events); migrate into an empty database");
  }
  return {};
}

}  // namespace

Result<MigrationReport> migrate_workspace(Workspace& workspace, const std::string& url) {
  if (!store::is_postgresql_url(url)) return input_error("--to", "must be a postgresql:// URL");
  if (url == workspace.config().database) {
    return input_error("--to", "the workspace is already on this database");
  }
  MOAT_TRY(auto connection, store::open_postgresql(url));
  MOAT_TRY(auto target, store::Store::open(std::move(connection), workspace.dir() / "ledger.head"));
  MOAT_CHECK(require_empty(*target, url));
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
  return report;
}

std::string redacted_url(const std::string& url) {
  return store::redact_url(url);
}

}  // namespace moat::app
