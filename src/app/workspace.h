// SPDX-License-Identifier: Apache-2.0
// Workspace: one company's folder — moat.toml (settings and policy), the database, the vault
// of design files and the keys — and the Store opened over it. Every command starts here:
// find the folder (flag, MOAT_WORKSPACE, current folder), read moat.toml, open the database
// with its migrations applied. Everything is created owner-only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/catalog.h"
#include "core/result.h"
#include "store/store.h"

namespace moat::app {

// Policy defaults the planner and the gate start from (moat.toml [policy]).
struct Policy {
  int collusion = 1;                // how many parties may collude
  double max_exposure_share = 0.5;  // of the total secret weight, per untrusted party
  bool allow_conditional = false;   // whether conditional suppliers may be assigned
  int person_collusion = 1;         // how many people at one supplier may pool what they were given
};

// How `moat serve` listens (moat.toml [serve]); flags override. Paths are relative to the workspace.
struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  int threads = 2;
  std::string certificate;     // PEM certificate chain: with private_key, serve HTTPS
  std::string private_key;     // PEM private key (owner-only)
  std::string static_dir;      // a folder served under "/" (the web dashboard)
  bool trust_proxy = false;    // behind a reverse proxy on this machine: trust X-Forwarded-For/-Proto
  int max_connections = 4096;  // open connections in all
  int max_connections_per_address = 128;  // open connections per client address
  int first_byte_timeout = 10;            // seconds for a new connection's first byte
  int requests_per_minute = 1200;         // per signed-in user (429 beyond)
  bool operator==(const ServeConfig&) const = default;
};

// Policy for agreements (moat.toml [policy]): the least liquidated damages the agreement quality
// check accepts, by currency, and how many days before its expiry an agreement is flagged.
struct ContractPolicy {
  std::map<std::string, std::int64_t> min_liquidated_damages = {
      {"CNY", 500000}, {"USD", 70000}, {"EUR", 65000}};
  int expiry_warning_days = 60;
};

struct Config {
  std::string company;
  std::string home_jurisdiction = "US";  // ISO 3166-1 alpha-2
  std::string database = "moat.db";      // a file in the workspace, or postgresql://...
  Policy policy;
  ContractPolicy agreements;  // [policy] min_liquidated_damages, agreement_expiry_warning_days
  std::vector<std::string> extra_capabilities;  // [catalog] capabilities
  ServeConfig serve;                            // [serve]
  // moat.toml as read: the vetting rules read their overrides ([qualification], [checklists],
  // [flags]) from it (app/rules.h).
  std::string text;
};

struct InitOptions {
  std::string company;
  std::string home_jurisdiction = "US";
  std::string database;  // empty: an SQLite file in the workspace; or a postgresql:// URL
};

class Workspace {
 public:
  // Creates `dir` as a new workspace. Fails (kConflict) when it already holds one, (kInput)
  // for a bad jurisdiction code; leaves nothing behind on failure when it created `dir`.
  static Result<std::unique_ptr<Workspace>> init(const std::filesystem::path& dir,
                                                 const InitOptions& options);
  // Opens an existing workspace. Errors name moat.toml's line and column when it is malformed.
  // A PostgreSQL workspace connects to the database moat.toml names.
  static Result<std::unique_ptr<Workspace>> open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const { return dir_; }
  const Config& config() const { return config_; }
  CapabilityCatalog capabilities() const { return CapabilityCatalog(config_.extra_capabilities); }
  store::Store& store() { return *store_; }
  bool on_postgresql() const;
  // Points moat.toml at another database (after `moat migrate` copied the workspace there).
  Status set_database(const std::string& database);
  std::filesystem::path vault_dir() const { return dir_ / "vault"; }
  std::filesystem::path keys_dir() const { return dir_ / "keys"; }
  // The 32 bytes of keys/mark.key, the key per-recipient marks are derived from; created
  // (owner-only) on first use. kInternal when it cannot be written or read or is not 32 bytes.
  Result<std::string> mark_key() const;

 private:
  Workspace(std::filesystem::path dir, Config config, std::unique_ptr<store::Store> store)
      : dir_(std::move(dir)), config_(std::move(config)), store_(std::move(store)) {}

  std::filesystem::path dir_;
  Config config_;
  std::unique_ptr<store::Store> store_;
};

// The ledger's witness in workspace `dir` (its last event's number and hash, brought forward after
// every commit by the process that made it): what a long-lived reader watches to see that another
// process wrote.
std::filesystem::path ledger_witness_file(const std::filesystem::path& dir);

// The workspace folder: `flag` if given, else $MOAT_WORKSPACE, else the current folder.
std::filesystem::path resolve_workspace_dir(const std::optional<std::string>& flag);

// Reads a moat.toml text (named `file` in errors). Strict: a key moat does not know (a typo such
// as `colusion` under [policy]) is an error at its line, naming the settings that exist there.
Result<Config> parse_config(std::string_view text, std::string_view file);

// Every setting moat.toml accepts, dotted: "policy.collusion", "gate.audit_window_days". Tables
// whose keys the user names (flags.<rule>, checklists.<id>) appear as "flags", "checklists".
std::vector<std::string> known_settings();
// The moat.toml text for `config`, with comments explaining each setting.
std::string render_config(const Config& config);

}  // namespace moat::app
