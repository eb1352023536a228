// SPDX-License-Identifier: Apache-2.0
// Accounts: who may use `moat serve`, and as what. Users have one role (and supplier staff the one
// supplier they belong to); passwords are kept as argon2id hashes, API tokens and browser sessions
// only as BLAKE2b hashes of their random values, and repeated failed sign-ins of one name from
// one address make that pair wait, longer with each further failure. These tables are never exported and no
// secret ever reaches the ledger; the ledger records each sign-in (good or bad), each refused request and
// each supplier user's read of sensitive data. Everything here works the same on SQLite and PostgreSQL, with
// no state kept in the process, so that several servers can share one database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

enum class Role { kAdmin, kSourcing, kLegal, kOversight, kViewer, kSupplier };

inline constexpr Role kRoles[] = {Role::kAdmin,     Role::kSourcing, Role::kLegal,
                                  Role::kOversight, Role::kViewer,   Role::kSupplier};

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct User {
  std::string name;
  Role role = Role::kViewer;
  std::string supplier;      // the supplier's id for Role::kSupplier, else empty
  std::string person;        // a supplier user's own person at its supplier (the copies it may download)
  std::string os_user = {};  // the login name the CLI maps to this account (app/actors.h); empty: none
  // The person's name as people write it (王小明), shown beside `name`; never stands for the
  // user: sign-in, tokens and the ledger's actor use `name` alone. Empty: none.
  std::string display_name = {};
  // Listed with every account (list_users' `with_disabled`): the account is disabled, signs in no
  // more and keeps its name. Every user met otherwise is active.
  bool disabled = false;
};

// How sign-ins and browser sessions are limited (defaults: OWASP's usual figures).
struct AccountPolicy {
  // Failed sign-ins of one name from one address in a row before that pair must wait: then
  // first_delay_ms, doubling with each further failure up to max_delay_ms. Other addresses are
  // not held up, so nobody can lock another out.
  int max_failures = 5;
  std::int64_t first_delay_ms = 1000;
  std::int64_t max_delay_ms = 15 * 60 * 1000;
  std::int64_t forget_after_ms = 24 * 3600 * 1000;  // failures older than this are forgotten
  std::int64_t idle_ms = 30 * 60 * 1000;            // a browser session unused this long ends
  std::int64_t absolute_ms = 12 * 3600 * 1000;      // and ends this long after sign-in in any case
  std::size_t min_password_length = 12;
};

struct NewUser {
  std::string name;
  Role role = Role::kViewer;
  std::string supplier;  // required for (and only for) Role::kSupplier
  std::string password;
  std::string person;             // optional, supplier users only: who they are at the supplier
  std::string os_user = {};       // optional: the login name that acts as this user at the terminal
  std::string display_name = {};  // optional: the name as people write it (core/text.h's rules)
};

// Adds a user with an argon2id hash of its password; recorded in the ledger (name, role and
// supplier, never the password). User names are ids (ASCII, core/text.h); a name in other
// letters is refused with a pointer to the display name. Errors: kInput for a bad name or display
// name, a short password or a supplier given to (or missing from) the wrong role; kNotFound for an
// unknown supplier; kConflict when the name is taken, by an enabled or a disabled user, or but for
// case ("Ada" beside "ada").
Result<User> add_user(Workspace& workspace, const Session& session, const NewUser& user,
                      const AccountPolicy& policy = {});

// The active users by name; `with_disabled`: every user, the disabled ones marked (User::disabled).
Result<std::vector<User>> list_users(Workspace& workspace, bool with_disabled = false);

// Disables the user `name`: it can no longer sign in, its browser sessions end at once and its API
// tokens stop working (within the 10 s a server remembers a verified token). The account stays,
// so the ledger's names keep meaning someone and the name is never given to another. Recorded in
// the ledger. Errors: kNotFound when there is no such (enabled) user.
Status disable_user(Workspace& workspace, const Session& session, const std::string& name);

// Enables the disabled user `name` again (a disable made by mistake): it signs in with the password
// it had; every API token it had is revoked, so a token kept since it left works no more. Recorded
// in the ledger with how many tokens were revoked. Errors: kNotFound when there is no such user,
// kConflict when it is not disabled.
Status enable_user(Workspace& workspace, const Session& session, const std::string& name);

// Gives the (enabled) user `name` the display name `display_name` (core/text.h's rules), or none
// when it is empty: a name misspelt when the account was made is corrected, the account and what
// the ledger records of it staying the same. Recorded in the ledger with the name before and
// after; whether it changed (the same name again changes and records nothing). Errors: kInput for
// a display name that breaks the rules, kNotFound when there is no such (enabled) user.
Result<bool> set_display_name(Workspace& workspace, const Session& session, const std::string& name,
                              const std::string& display_name);

// The (enabled) user whose account the login name `os_user` is mapped to; nullopt when none.
Result<std::optional<User>> user_for_os_user(Workspace& workspace, const std::string& os_user);

struct NewToken {
  std::string token;  // "moat_" + 43 characters: shown once, never stored
  std::string id;     // the first 12 hex digits of its hash, to name it later
};

// A new API token for `user_name` (kNotFound when there is no such user); only its hash is
// kept. Recorded in the ledger by id.
Result<NewToken> create_token(Workspace& workspace, const Session& session, const std::string& user_name,
                              const std::string& label);

// Revokes the token with `id` (kNotFound when there is none); recorded in the ledger.
Status revoke_token(Workspace& workspace, const Session& session, const std::string& id);

// The hex BLAKE2b-256 hash under which a token or a session id is stored (and cached).
std::string secret_digest(std::string_view secret);

// The user a bearer token belongs to: nullopt for an unknown or revoked token, or a disabled user.
Result<std::optional<User>> user_for_token(Workspace& workspace, std::string_view token);

enum class SignInResult { kSignedIn, kRejected, kLocked };

struct WebSession {
  std::string id;               // the cookie's value: shown to the browser, stored only as a hash
  std::string csrf;             // the value the browser must send back in X-CSRF-Token on writes
  std::int64_t expires_ms = 0;  // the absolute expiry
  User user;
};

struct SignIn {
  SignInResult result = SignInResult::kRejected;
  std::optional<WebSession> session;  // when signed in
  std::int64_t retry_after_ms = 0;    // how long this name must wait from this address (0: no wait)
};

// Checks `name` and `password` and opens a browser session. A wrong password counts against the
// name from `client` (an address); while that pair must wait (kLocked) it is refused without its
// password being checked; an unknown name costs as much time, and is throttled the same way, as
// a known one. Every attempt is recorded in the ledger with `client` and the name ("(unknown)"
// when it is nobody's), never the password. Errors only for storage faults.
Result<SignIn> sign_in(Workspace& workspace, const Session& session, const std::string& name,
                       const std::string& password, const std::string& client,
                       const AccountPolicy& policy = {});

struct SessionUser {
  User user;
  std::string csrf;
};

// The user of a browser session: nullopt when the id is unknown or the session has expired (idle
// or absolute). Extends the idle expiry, writing at most once a minute per session.
Result<std::optional<SessionUser>> user_for_session(Workspace& workspace, const Session& session,
                                                    std::string_view session_id,
                                                    const AccountPolicy& policy = {});

// Ends a browser session (nothing when it does not exist); recorded in the ledger.
Status sign_out(Workspace& workspace, const Session& session, std::string_view session_id);

// Records that the session's actor was refused `what` ("GET /api/suppliers/F07") and why.
Status record_denial(Workspace& workspace, const Session& session, std::string_view what,
                     std::string_view reason);

// Records that a supplier user read sensitive data: `entity` and `key` name what was read.
Status record_supplier_read(Workspace& workspace, const Session& session, std::string_view entity,
                            std::string_view key, std::string_view route);

// Milliseconds since the epoch of an ISO 8601 UTC time as Session::now() gives it.
std::optional<std::int64_t> epoch_ms(std::string_view iso8601);

}  // namespace moat::app
