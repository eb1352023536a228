// SPDX-License-Identifier: Apache-2.0
#include "app/workspace.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "app/money.h"
#include "app/toml_text.h"
#include "core/text.h"

namespace moat::app {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kConfigFile = "moat.toml";
constexpr std::string_view kWitnessFile = "ledger.head";
constexpr std::size_t kVaultKeyBytes = 32;
constexpr fs::perms kOwnerDir = fs::perms::owner_all;
constexpr fs::perms kOwnerFile = fs::perms::owner_read | fs::perms::owner_write;

bool is_jurisdiction(std::string_view code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

Status write_private_file(const fs::path& path, std::string_view content) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return internal_error("cannot write " + path.string());
  }
  std::error_code error;
  fs::permissions(path, kOwnerFile, error);
  if (error) return internal_error("cannot restrict " + path.string() + ": " + error.message());
  return {};
}

Status make_private_dir(const fs::path& path) {
  std::error_code error;
  fs::create_directories(path, error);
  if (!error) fs::permissions(path, kOwnerDir, error);
  if (error) return internal_error("cannot create " + path.string() + ": " + error.message());
  return {};
}

// A new key, never over an old one (O_EXCL): losing the vault's key loses the vault. kConflict
// when `path` exists already.
Status write_new_key(const fs::path& path) {
  if (sodium_init() < 0) return internal_error("libsodium failed to initialise");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error(ErrorCode::kConflict, path.string(), "a key exists already: not replacing it");
  std::array<unsigned char, kVaultKeyBytes> key{};
  randombytes_buf(key.data(), key.size());
  const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
  sodium_memzero(key.data(), key.size());
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!written || !synced || !closed) {
    std::error_code ignored;
    fs::remove(path, ignored);
    return internal_error("cannot write " + path.string());
  }
  return {};
}

Status write_vault_key(const fs::path& keys) {
  return write_new_key(keys / "vault.key");
}

// A folder with moat's files but no moat.toml is a damaged workspace, not an empty folder.
Status refuse_leftovers(const fs::path& dir, const std::string& database) {
  std::vector<std::string> found;
  if (database.empty() && fs::exists(dir / "moat.db")) found.emplace_back("moat.db");
  if (fs::exists(dir / "keys" / "vault.key")) found.emplace_back("keys/vault.key");
  if (found.empty()) return {};
  std::string list;
  for (const auto& name : found) list += (list.empty() ? "" : ", ") + name;
  return Error(ErrorCode::kConflict, dir.string(),
               "holds a workspace's files (" + list +
                   ") but no moat.toml: restore moat.toml, or choose another folder");
}

Result<std::unique_ptr<store::Store>> open_store(const fs::path& dir, const Config& config, bool create) {
  if (store::is_postgresql_url(config.database)) {
    MOAT_TRY(auto db, store::open_postgresql(config.database));
    MOAT_TRY(auto opened, store::Store::open(std::move(db), ledger_witness_file(dir)));
    if (create) {
      MOAT_TRY(const std::int64_t events, opened->event_count());
      if (events > 0) {
        return Error(ErrorCode::kConflict, store::redact_url(config.database),
                     "this database already holds a moat workspace (its ledger has " +
                         std::to_string(events) + " events); name an empty database");
      }
    }
    return opened;
  }
  const fs::path file =
      fs::path(config.database).is_absolute() ? fs::path(config.database) : dir / config.database;
  if (!create && !fs::exists(file)) {
    return input_error(file.string(), "the workspace's database is missing");
  }
  MOAT_TRY(auto db, store::open_sqlite(file, create));
  MOAT_TRY(auto opened, store::Store::open(std::move(db), ledger_witness_file(dir)));
  std::error_code ignored;
  fs::permissions(file, kOwnerFile, ignored);
  return opened;
}

template <typename T>
Result<T> optional_value(const toml::table& table, std::string_view key, T fallback, std::string_view file) {
  const toml::node* node = table.get(key);
  if (!node) return fallback;
  if (const auto value = node->value<T>()) return *value;
  return input_error(toml_place(file, *node), std::string(key) + " has the wrong type");
}

// A whole number of `table` in [low, high], or `fallback` when absent.
Result<int> bounded_value(const toml::table& table, std::string_view key, int fallback, int low, int high,
                          std::string_view file) {
  MOAT_TRY(const std::int64_t value, optional_value<std::int64_t>(table, key, fallback, file));
  if (value < low || value > high) {
    return input_error(std::string(file), "serve." + std::string(key) + " must be between " +
                                              std::to_string(low) + " and " + std::to_string(high));
  }
  return static_cast<int>(value);
}

Result<ServeConfig> parse_serve(const toml::table& table, std::string_view file) {
  const ServeConfig defaults;
  ServeConfig serve;
  MOAT_TRY(serve.listen, optional_value<std::string>(table, "listen", defaults.listen, file));
  MOAT_TRY(const std::int64_t threads,
           optional_value<std::int64_t>(table, "threads", defaults.threads, file));
  MOAT_TRY(serve.certificate, optional_value<std::string>(table, "certificate", "", file));
  MOAT_TRY(serve.private_key, optional_value<std::string>(table, "private_key", "", file));
  MOAT_TRY(serve.static_dir, optional_value<std::string>(table, "static", "", file));
  MOAT_TRY(serve.trust_proxy, optional_value<bool>(table, "trust_proxy", false, file));
  if (threads < 1 || threads > 64)
    return input_error(std::string(file), "serve.threads must be between 1 and 64");
  serve.threads = static_cast<int>(threads);
  MOAT_TRY(serve.max_connections,
           bounded_value(table, "max_connections", defaults.max_connections, 1, 1 << 20, file));
  MOAT_TRY(serve.max_connections_per_address,
           bounded_value(table, "max_connections_per_address", defaults.max_connections_per_address, 1,
                         1 << 20, file));
  MOAT_TRY(serve.first_byte_timeout,
           bounded_value(table, "first_byte_timeout", defaults.first_byte_timeout, 1, 3600, file));
  MOAT_TRY(serve.requests_per_minute,
           bounded_value(table, "requests_per_minute", defaults.requests_per_minute, 1, 1 << 24, file));
  if (serve.certificate.empty() != serve.private_key.empty()) {
    return input_error(std::string(file), "serve.certificate and serve.private_key go together");
  }
  return serve;
}

// [policy] min_liquidated_damages = { CNY = 500000 } (replaces the defaults when given) and
// agreement_expiry_warning_days.
Result<ContractPolicy> parse_agreement_policy(const toml::table& policy, std::string_view file) {
  ContractPolicy agreements;
  MOAT_TRY(const std::int64_t days, optional_value<std::int64_t>(policy, "agreement_expiry_warning_days",
                                                                 agreements.expiry_warning_days, file));
  if (days < 0 || days > 3660)
    return input_error(std::string(file), "policy.agreement_expiry_warning_days must be between 0 and 3660");
  agreements.expiry_warning_days = static_cast<int>(days);
  const toml::node* minimum = policy.get("min_liquidated_damages");
  if (!minimum) return agreements;
  const toml::table* by_currency = minimum->as_table();
  if (!by_currency)
    return input_error(std::string(file), "policy.min_liquidated_damages must be a table: { CNY = 500000 }");
  agreements.min_liquidated_damages.clear();
  for (const auto& [currency, amount] : *by_currency) {
    const auto value = amount.value<std::int64_t>();
    if (!value || *value < 0) {
      return input_error(std::string(file), "policy.min_liquidated_damages." + std::string(currency.str()) +
                                                " must be a whole amount of 0 or more");
    }
    agreements.min_liquidated_damages[std::string(currency.str())] = *value;
  }
  return agreements;
}

// ---- Strict keys ----------------------------------------------------------------------------

// The keys each table of moat.toml may hold ("" is the top level). The tables whose keys the
// user names (flags.<rule>, checklists.<id>, policy.min_liquidated_damages.<currency>) are
// checked by their own readers.
struct KnownKeys {
  std::string_view table;
  std::vector<std::string_view> keys;
};

const std::vector<KnownKeys>& known_keys() {
  static const std::vector<KnownKeys> kKnown = {
      {"",
       {"company", "home_jurisdiction", "database", "policy", "serve", "catalog", "gate", "flags",
        "qualification", "checklists", "currency"}},
      {"currency", {"base", "rates"}},
      {"policy",
       {"collusion", "person_collusion", "max_exposure_share", "allow_conditional", "min_liquidated_damages",
        "agreement_expiry_warning_days"}},
      {"serve",
       {"listen", "threads", "certificate", "private_key", "static", "trust_proxy", "max_connections",
        "max_connections_per_address", "first_byte_timeout", "requests_per_minute"}},
      {"catalog", {"capabilities"}},
      {"gate", {"audit_window_days", "registrable", "company_names"}},
      {"qualification", {"max_score", "require_every_criterion", "criteria", "bands"}},
  };
  return kKnown;
}

std::string unknown_key_message(std::string_view table, std::string_view key,
                                const std::vector<std::string_view>& keys) {
  const std::string name = table.empty() ? std::string(key) : std::string(table) + "." + std::string(key);
  const std::string closest = near_miss(key, keys);
  const std::vector<std::string> known(keys.begin(), keys.end());
  const std::string hint = closest.empty() ? "" : "did you mean " + closest + "? ";
  const std::string where = table.empty() ? "at the top level" : "in [" + std::string(table) + "]";
  return "unknown setting " + name + ": " + hint + "known " + where + ": " + join(known, ", ");
}

Status check_known_keys(const toml::table& root, std::string_view file) {
  for (const KnownKeys& known : known_keys()) {
    const toml::table* table = known.table.empty() ? &root : root[known.table].as_table();
    if (!table) continue;
    for (const auto& [key, node] : *table) {
      if (std::find(known.keys.begin(), known.keys.end(), key.str()) != known.keys.end()) continue;
      return input_error(toml_place(file, node), unknown_key_message(known.table, key.str(), known.keys));
    }
  }
  return {};
}

}  // namespace

std::vector<std::string> known_settings() {
  std::vector<std::string> out;
  for (const KnownKeys& known : known_keys()) {
    for (std::string_view key : known.keys) {
      out.push_back(known.table.empty() ? std::string(key)
                                        : std::string(known.table) + "." + std::string(key));
    }
  }
  return out;
}

Result<Config> parse_config(std::string_view text, std::string_view file) {
  MOAT_TRY(const toml::table root, parse_toml(text, file));
  MOAT_CHECK(check_known_keys(root, file));
  MOAT_CHECK(parse_currencies(text, file));  // checked now, read where quotes are costed
  Config config;
  config.text = std::string(text);
  MOAT_TRY(config.company, optional_value<std::string>(root, "company", "", file));
  MOAT_TRY(config.home_jurisdiction, optional_value<std::string>(root, "home_jurisdiction", "US", file));
  MOAT_TRY(config.database, optional_value<std::string>(root, "database", "moat.db", file));
  if (!is_jurisdiction(config.home_jurisdiction)) {
    return input_error(std::string(file),
                       "home_jurisdiction must be a two-letter country code such as US, not '" +
                           config.home_jurisdiction + "'");
  }
  if (const toml::table* policy = root["policy"].as_table()) {
    MOAT_TRY(const std::int64_t collusion, optional_value<std::int64_t>(*policy, "collusion", 1, file));
    MOAT_TRY(config.policy.max_exposure_share,
             optional_value<double>(*policy, "max_exposure_share", 0.5, file));
    MOAT_TRY(config.policy.allow_conditional,
             optional_value<bool>(*policy, "allow_conditional", false, file));
    if (collusion < 0 || collusion > 10) {
      return input_error(std::string(file), "policy.collusion must be between 0 and 10");
    }
    config.policy.collusion = static_cast<int>(collusion);
    MOAT_TRY(const std::int64_t person_collusion,
             optional_value<std::int64_t>(*policy, "person_collusion", 1, file));
    if (person_collusion < 1 || person_collusion > 10) {
      return input_error(std::string(file), "policy.person_collusion must be between 1 and 10");
    }
    config.policy.person_collusion = static_cast<int>(person_collusion);
    MOAT_TRY(config.agreements, parse_agreement_policy(*policy, file));
    if (!(config.policy.max_exposure_share >= 0 && config.policy.max_exposure_share <= 1)) {  // nan too
      return input_error(std::string(file), "policy.max_exposure_share must be between 0 and 1");
    }
  }
  if (const toml::table* serve = root["serve"].as_table()) {
    MOAT_TRY(config.serve, parse_serve(*serve, file));
  }
  if (const toml::array* extra = root["catalog"]["capabilities"].as_array()) {
    for (const toml::node& node : *extra) {
      const auto value = node.value<std::string>();
      if (!value) return input_error(std::string(file), "catalog.capabilities must hold strings");
      config.extra_capabilities.push_back(*value);
    }
  }
  return config;
}

std::string render_config(const Config& config) {
  toml::table root{{"company", config.company},
                   {"home_jurisdiction", config.home_jurisdiction},
                   {"database", config.database}};
  std::ostringstream out;
  out << "# moat workspace settings.\n"
      << "# company: the owner of the product data; home_jurisdiction: where its IP is filed first.\n"
      << "# database: the workspace's database file (relative to this folder) or a postgresql:// URL.\n"
      << root << "\n\n"
      << "# Policy defaults for planning and the gate:\n"
      << "# collusion: how many untrusted parties may pool what they hold without completing a recipe;\n"
      << "# max_exposure_share: the most of the total secret weight one untrusted party may hold;\n"
      << "# allow_conditional: whether conditionally qualified suppliers may be assigned work;\n"
      << "# person_collusion: how many people at one supplier may pool what releases gave them.\n"
      << "[policy]\n"
      << "collusion = " << config.policy.collusion << "\n"
      << "max_exposure_share = " << config.policy.max_exposure_share << "\n"
      << "allow_conditional = " << (config.policy.allow_conditional ? "true" : "false") << "\n"
      << "person_collusion = " << config.policy.person_collusion << "\n\n"
      << "# Manufacturing capabilities beyond the built-in vocabulary (docs/formats.md).\n"
      << "[catalog]\n"
      << "capabilities = [";
  for (std::size_t i = 0; i < config.extra_capabilities.size(); ++i) {
    out << (i ? ", " : "") << toml::value<std::string>(config.extra_capabilities[i]);
  }
  out << "]\n";
  if (!(config.serve == ServeConfig{})) {
    const toml::table serve{{"listen", config.serve.listen},
                            {"threads", config.serve.threads},
                            {"certificate", config.serve.certificate},
                            {"private_key", config.serve.private_key},
                            {"static", config.serve.static_dir},
                            {"trust_proxy", config.serve.trust_proxy},
                            {"max_connections", config.serve.max_connections},
                            {"max_connections_per_address", config.serve.max_connections_per_address},
                            {"first_byte_timeout", config.serve.first_byte_timeout},
                            {"requests_per_minute", config.serve.requests_per_minute}};
    out << "\n# moat serve: where it listens, TLS certificate and key, the dashboard's folder.\n[serve]\n"
        << serve << "\n";
  }
  return out.str();
}

Result<std::unique_ptr<Workspace>> Workspace::init(const fs::path& dir, const InitOptions& options) {
  if (fs::exists(dir / kConfigFile)) {
    return Error(ErrorCode::kConflict, dir.string(), "already a moat workspace (moat.toml exists)");
  }
  if (!is_jurisdiction(options.home_jurisdiction)) {
    return input_error("--home-jurisdiction", "must be a two-letter country code such as US, not '" +
                                                  options.home_jurisdiction + "'");
  }
  if (!options.database.empty() && !store::is_postgresql_url(options.database)) {
    return input_error("--db", "must be a postgresql:// URL (leave it out for the embedded SQLite database)");
  }
  MOAT_CHECK(refuse_leftovers(dir, options.database));
  const bool created = !fs::exists(dir);
  Config config;
  config.company = options.company;
  config.home_jurisdiction = options.home_jurisdiction;
  if (!options.database.empty()) config.database = options.database;
  auto made = [&]() -> Result<std::unique_ptr<Workspace>> {
    MOAT_CHECK(make_private_dir(dir));
    MOAT_CHECK(make_private_dir(dir / "vault"));
    MOAT_CHECK(make_private_dir(dir / "keys"));
    MOAT_CHECK(write_vault_key(dir / "keys"));
    MOAT_TRY(auto store, open_store(dir, config, true));
    MOAT_CHECK(write_private_file(dir / kConfigFile, render_config(config)));
    return std::unique_ptr<Workspace>(new Workspace(dir, config, std::move(store)));
  }();
  if (!made.ok() && created) {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  return made;
}

Result<std::unique_ptr<Workspace>> Workspace::open(const fs::path& dir) {
  const fs::path file = dir / kConfigFile;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Error(
        ErrorCode::kNotFound, dir.string(),
        "not a moat workspace (no moat.toml); create one with 'moat init DIR' or name one with -w DIR");
  }
  std::ostringstream text;
  text << in.rdbuf();
  MOAT_TRY(Config config, parse_config(text.str(), file.string()));
  MOAT_TRY(auto store, open_store(dir, config, false));
  return std::unique_ptr<Workspace>(new Workspace(dir, std::move(config), std::move(store)));
}

bool Workspace::on_postgresql() const {
  return store::is_postgresql_url(config_.database);
}

Result<std::string> Workspace::mark_key() const {
  const fs::path path = keys_dir() / "mark.key";
  if (!fs::exists(path)) {
    const Status made = write_new_key(path);
    if (!made.ok() && made.error().code() != ErrorCode::kConflict)
      return made.error();  // else: made meanwhile
  }
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return internal_error("cannot read " + path.string());
  if (key.size() != kVaultKeyBytes) {
    return internal_error(path.string() + " holds " + std::to_string(key.size()) + " bytes, not " +
                          std::to_string(kVaultKeyBytes) + ": restore it from a backup");
  }
  return key;
}

Status Workspace::set_database(const std::string& database) {
  Config changed = config_;
  changed.database = database;
  const fs::path file = dir_ / kConfigFile;
  const fs::path temporary = dir_ / "moat.toml.tmp";
  MOAT_CHECK(write_private_file(temporary, render_config(changed)));
  std::error_code error;
  fs::rename(temporary, file, error);
  if (error) return internal_error("cannot replace " + file.string() + ": " + error.message());
  config_ = std::move(changed);
  return {};
}

fs::path ledger_witness_file(const fs::path& dir) {
  return dir / kWitnessFile;
}

fs::path resolve_workspace_dir(const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return *flag;
  if (const char* env = std::getenv("MOAT_WORKSPACE"); env && *env) return env;
  return fs::current_path();
}

}  // namespace moat::app
