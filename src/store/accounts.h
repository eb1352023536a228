// SPDX-License-Identifier: Apache-2.0
// The accounts' tables as rows: users, API tokens, browser sessions and failed sign-ins, every
// SQL statement app/accounts.h's use cases run. Secrets arrive here already hashed (argon2id for
// passwords, BLAKE2b digests for tokens and session ids) and roles as the text app/ checks. Call
// the writes inside Store::write, so that each change is stored with its ledger note or not at
// all. "Active" means not disabled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace moat::store {

struct AccountRow {
  std::string name;
  std::string role;               // "admin", ..., "supplier"
  std::string supplier;           // empty: none
  std::string person;             // empty: none
  std::string os_user;            // empty: none
  std::string display_name = {};  // the person's name as people write it (王小明); empty: none
  bool disabled = false;          // listed by every_account (disabled accounts are otherwise not read)
};

// ---- Users -----------------------------------------------------------------------------------

// The active account `name` and its password hash.
struct StoredAccount {
  AccountRow account;
  std::string password_hash;
};
Result<std::optional<StoredAccount>> active_account(Database& db, const std::string& name);
// The account, active or disabled, named `name` but for the case of its ASCII letters.
Result<std::optional<std::string>> account_named_alike(Database& db, const std::string& name);
// The name of the account (active or disabled) the login `os_user` acts as.
Result<std::optional<std::string>> account_of_login(Database& db, const std::string& os_user);
// The active account the login `os_user` acts as.
Result<std::optional<AccountRow>> active_account_of_login(Database& db, const std::string& os_user);
Status insert_account(Database& db, const AccountRow& account, const std::string& password_hash,
                      const std::string& created_at);
// Every active account, by name.
Result<std::vector<AccountRow>> active_accounts(Database& db);
// Every account, active or disabled (`disabled` set), by name.
Result<std::vector<AccountRow>> every_account(Database& db);
// Disables the active account `name` and ends its browser sessions (its tokens stop with it);
// whether there was such an account.
Result<bool> disable_account(Database& db, const std::string& name);
// Enables the disabled account `name` again and revokes every token it had (a token made before it
// was disabled may have been kept by someone it should not reach); whether there was such an
// account, and how many tokens were revoked.
struct Enabled {
  bool enabled = false;
  std::int64_t tokens_revoked = 0;
};
Result<Enabled> enable_account(Database& db, const std::string& name);
// Sets the display name of the active account `name` (empty: none); whether there was such an
// account.
Result<bool> set_account_display_name(Database& db, const std::string& name, const std::string& display_name);

// ---- API tokens ------------------------------------------------------------------------------

Status insert_token(Database& db, const std::string& digest, const std::string& id,
                    const std::string& user_name, const std::string& label, const std::string& created_at);
// The user of the token `id` when it is not revoked.
Result<std::optional<std::string>> live_token_user(Database& db, const std::string& id);
Status revoke_token(Database& db, const std::string& id);
// The token of `digest`, not revoked, with its active user.
struct TokenRow {
  AccountRow account;
  std::string digest;
};
Result<std::optional<TokenRow>> live_token(Database& db, const std::string& digest);

// ---- Failed sign-ins -------------------------------------------------------------------------

// Failed sign-ins of one name from one client address in a row, and until when that pair waits.
struct Throttle {
  std::int64_t failures = 0;
  std::int64_t wait_until_ms = 0;
};
Result<Throttle> throttle(Database& db, const std::string& name, const std::string& client);
Status clear_throttle(Database& db, const std::string& name, const std::string& client);
// Forgets every pair whose last failure was before `before_ms`.
Status forget_throttles(Database& db, std::int64_t before_ms);
Status save_throttle(Database& db, const std::string& name, const std::string& client,
                     const Throttle& throttle, std::int64_t now_ms);

// ---- Browser sessions ------------------------------------------------------------------------

struct SessionRow {
  AccountRow account;
  std::string csrf;
  std::int64_t last_seen_ms = 0;
  std::int64_t expires_ms = 0;
  std::string digest;
};
// Forgets every session that expired before `before_ms`.
Status forget_sessions(Database& db, std::int64_t before_ms);
Status insert_session(Database& db, const std::string& digest, const std::string& user_name,
                      const std::string& csrf, std::int64_t now_ms, std::int64_t expires_ms);
// The session of `digest` with its active user.
Result<std::optional<SessionRow>> live_session(Database& db, const std::string& digest);
Status touch_session(Database& db, const std::string& digest, std::int64_t now_ms);
// The user of the session of `digest`, whatever its state.
Result<std::optional<std::string>> session_user(Database& db, const std::string& digest);
Status delete_session(Database& db, const std::string& digest);

}  // namespace moat::store
