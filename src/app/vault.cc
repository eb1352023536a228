// SPDX-License-Identifier: Apache-2.0
#include "app/vault.h"

#include <nlohmann/json.hpp>

#include <array>
#include <set>
#include <string_view>
#include <variant>

#include "store/schema.h"
#include "store/store.h"

namespace moat::app {
namespace {

using nlohmann::json;

constexpr std::string_view kEntity = "vault";
constexpr std::string_view kRotateAction = "rotate-key";

// Where records name vault files: a table and the field that holds the id.
struct VaultReference {
  std::string_view table;
  std::string_view field;
};
constexpr std::array<VaultReference, 5> kVaultReferences{{{"documents", "id"},
                                                          {"files", "blob"},
                                                          {"copies", "blob"},
                                                          {"listing_images", "blob"},
                                                          {"watch_references", "blob"}}};

// Every record naming a vault file: the record ("files/D29") with its name, if it has one, and
// the vault id it names.
struct Naming {
  std::string record;
  std::string name;
  std::string id;
};
Result<std::vector<Naming>> vault_namings(Workspace& workspace) {
  std::vector<Naming> out;
  for (const VaultReference& reference : kVaultReferences) {
    const store::Table* table = store::find_table(reference.table);
    if (table == nullptr) continue;
    MOAT_TRY(const std::vector<store::Record> records, workspace.store().list(*table));
    for (const store::Record& record : records) {
      const auto id = record.find(std::string(reference.field));
      if (id == record.end() || !id->is_string()) continue;
      const auto name = record.find("name");
      out.push_back({std::string(reference.table) + "/" + store::key_text(store::key_of(*table, record)),
                     name != record.end() && name->is_string() ? name->get<std::string>() : std::string(),
                     id->get<std::string>()});
    }
  }
  return out;
}

// Whether the ledger already holds the rotation to `to_key` (recorded by a run killed after it).
Result<bool> rotation_recorded(Workspace& workspace, const std::string& to_key) {
  const std::array<store::SqlValue, 3> params{std::string(kEntity), to_key, std::string(kRotateAction)};
  MOAT_TRY(const std::vector<store::SqlRow> rows,
           workspace.store().database().query(
               R"(SELECT COUNT(*) FROM "ledger" WHERE "entity" = ? AND "entity_key" = ? AND "action" = ?)",
               params));
  return !rows.empty() && !rows.front().empty() && std::holds_alternative<std::int64_t>(rows.front()[0]) &&
         std::get<std::int64_t>(rows.front()[0]) > 0;
}

Status record_rotation(Workspace& workspace, const Session& session, const KeyRotationReport& report) {
  MOAT_TRY(const bool recorded, rotation_recorded(workspace, report.to_key));
  if (recorded) return {};
  const json detail = {{"from_key", report.from_key}, {"to_key", report.to_key}, {"files", report.files}};
  MOAT_TRY(const std::int64_t events, workspace.store().write(session.author(), [&](store::Writer& writer) {
    return writer.note(std::string(kRotateAction), std::string(kEntity), report.to_key, detail.dump());
  }));
  (void)events;
  return {};
}

}  // namespace

Result<store::Vault> open_vault(const Workspace& workspace) {
  return store::Vault::open(workspace.vault_dir(), workspace.keys_dir() / "vault.key");
}

Result<VaultReport> verify_vault(Workspace& workspace, const VaultProgress& progress) {
  MOAT_TRY(const store::Vault vault, open_vault(workspace));
  VaultReport report;
  MOAT_TRY(report.key, vault.key_fingerprint());
  MOAT_TRY(const auto pending, vault.pending_rotation());
  if (pending) report.pending_key = pending->second;
  MOAT_TRY(report.problems, vault.verify([&](std::size_t done, std::size_t total) {
    report.files = total;
    if (progress) progress(done, total);
  }));
  MOAT_TRY(const std::vector<Naming> namings, vault_namings(workspace));
  std::set<std::string> bad;
  for (const store::VaultProblem& p : report.problems) bad.insert(p.id);
  for (const Naming& n : namings) {
    if (!vault.contains(n.id)) report.missing.push_back({n.record, n.id});
    if (bad.contains(n.id))
      report.named_by[n.id].push_back(n.name.empty() ? n.record : n.record + " (" + n.name + ")");
  }
  return report;
}

// The three steps of store::VaultRotation, with the ledger's event between the last two: once it
// is written, every file is under the new key.
Result<KeyRotationReport> rotate_vault_key(Workspace& workspace, const Session& session,
                                           const VaultProgress& progress) {
  MOAT_TRY(store::Vault vault, open_vault(workspace));
  MOAT_TRY(store::VaultRotation rotation, vault.rotate_key());
  KeyRotationReport report{rotation.from_key(), rotation.to_key(), 0, rotation.resumed()};
  MOAT_TRY(report.files, rotation.reencrypt(progress));
  MOAT_CHECK(record_rotation(workspace, session, report));
  MOAT_CHECK(rotation.commit());
  return report;
}

}  // namespace moat::app
