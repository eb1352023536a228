// SPDX-License-Identifier: Apache-2.0
#include "app/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "core/date.h"
#include "core/text.h"
#include "store/accounts.h"

namespace moat::app {
namespace {

using nlohmann::json;

constexpr std::size_t kRandomBytes = 32;
constexpr std::size_t kDigestBytes = 32;
constexpr std::size_t kTokenIdDigits = 12;
constexpr std::string_view kTokenPrefix = "moat_";
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kMaxNameBytes = 64;
// How the ledger names a sign-in under a name that is nobody's.
constexpr std::string_view kUnknownName = "(unknown)";
// A session's last use is written at most this often: reads stay reads.
constexpr std::int64_t kTouchIntervalMs = 60 * 1000;
// The ledger's entity for account events: not a record table, so audits leave it alone.
constexpr std::string_view kEntity = "account";

constexpr std::string_view kRoleNames[] = {"admin", "sourcing", "legal", "oversight", "viewer", "supplier"};

Status ready() {
  if (sodium_init() < 0) return internal_error("libsodium failed to initialise");
  return {};
}

std::string hex(const unsigned char* bytes, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();
  return out;
}

// `kRandomBytes` from the system's CSPRNG, as URL-safe base64 without padding.
std::string random_text() {
  std::array<unsigned char, kRandomBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::string out(sodium_base64_ENCODED_LEN(kRandomBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes.data(), bytes.size());
  out.resize(out.find('\0'));
  return out;
}

Result<std::string> hash_password(const std::string& password) {
  std::array<char, crypto_pwhash_STRBYTES> hashed{};
  if (crypto_pwhash_str(hashed.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return internal_error("out of memory while hashing a password");
  }
  return std::string(hashed.data());
}

bool password_matches(const std::string& stored_hash, const std::string& password) {
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

// What an unknown name's password is checked against, so that it costs as much as a known one.
const std::string& decoy_hash() {
  static const std::string hashed = [] {
    auto made = hash_password(random_text());
    return made.ok() ? *made : std::string();
  }();
  return hashed;
}

Result<User> user_of(const store::AccountRow& row) {
  const auto role = parse_role(row.role);
  if (!role) return Error(ErrorCode::kIntegrity, "users", "a stored user has an unknown role");
  return User{row.name, *role, row.supplier, row.person, row.os_user, row.display_name};
}

// The name as the ledger may show it: printable, at most kMaxNameBytes.
std::string shown_name(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, kMaxNameBytes)) out += (c >= 0x20 && c != 0x7f) ? c : '?';
  return out.empty() ? "(none)" : out;
}

// Why `name` cannot be a user's name. A name in Chinese characters (or any letters outside ASCII)
// is what a display name is for: the name signed in with and recorded in the ledger stays ASCII,
// so that no two names can look alike there (docs/decisions/0028).
std::string user_name_problem(std::string_view name) {
  const std::string problem = id_problem(name);
  const bool non_ascii = std::any_of(name.begin(), name.end(), [](char c) { return (c & 0x80) != 0; });
  if (problem.empty() || !non_ascii) return problem;
  return problem +
         ": a user name is what is typed to sign in; give the name as people write it with "
         "--display-name (moat user add wang.xm --display-name 王小明)";
}

Status validate(Workspace& workspace, const NewUser& user, const AccountPolicy& policy) {
  if (const std::string problem = user_name_problem(user.name); !problem.empty())
    return input_error("NAME", problem);
  if (!user.display_name.empty()) {
    if (const std::string problem = display_name_problem(user.display_name); !problem.empty())
      return input_error("--display-name", problem);
  }
  if (user.password.size() < policy.min_password_length) {
    return input_error("password",
                       "must have at least " + std::to_string(policy.min_password_length) + " characters");
  }
  if (user.password.size() > kMaxPasswordBytes) return input_error("password", "is too long");
  if (user.role == Role::kSupplier && user.supplier.empty()) {
    return input_error("--supplier", "a supplier user must name its supplier");
  }
  if (user.role != Role::kSupplier && !user.supplier.empty()) {
    return input_error("--supplier", "only supplier users belong to a supplier");
  }
  if (!user.person.empty() && user.role != Role::kSupplier) {
    return input_error("--person", "only supplier users are bound to a person at their supplier");
  }
  if (!user.os_user.empty() && user.role == Role::kSupplier) {
    return input_error("--os-user", "supplier staff use the portal, not the workspace's command line");
  }
  if (user.supplier.empty()) return {};
  const store::Table* suppliers = store::find_table("suppliers");
  MOAT_TRY(const auto found, workspace.store().get(*suppliers, {user.supplier}));
  if (!found) return Error(ErrorCode::kNotFound, "--supplier", "no supplier '" + user.supplier + "'");
  if (user.person.empty()) return {};
  MOAT_TRY(const auto person, workspace.store().get(*store::find_table("people"), {user.person}));
  if (!person) return Error(ErrorCode::kNotFound, "--person", "no person '" + user.person + "'");
  if ((*person)["supplier"] != user.supplier) {
    return input_error("--person", user.person + " is not on file at " + user.supplier);
  }
  return {};
}

struct StoredUser {
  User user;
  std::string password_hash;
};

Result<std::optional<StoredUser>> stored_user(store::Database& db, const std::string& name) {
  MOAT_TRY(const auto found, store::active_account(db, name));
  if (!found) return std::optional<StoredUser>();
  MOAT_TRY(User user, user_of(found->account));
  return std::optional<StoredUser>(StoredUser{std::move(user), found->password_hash});
}

// Why there is no enabled user `name` to act on: `none` when there is no such user at all,
// `disabled` when it was disabled (a disabled user keeps its name, so that the ledger's names keep
// their meaning, and "no user" beside "the name is taken" read as a contradiction).
Error no_enabled_user(store::Database& db, const std::string& name, const std::string& none,
                      const std::string& disabled) {
  const auto alike = store::account_named_alike(db, name);
  const bool is_disabled = alike.ok() && *alike && **alike == name;
  return Error(ErrorCode::kNotFound, "NAME", is_disabled ? disabled : none);
}

Session acting_as(const Session& session, std::string actor) {
  return Session{std::move(actor), session.now};
}

// Runs `body` in one write transaction whose ledger events name `session`'s actor.
Status transact(Workspace& workspace, const Session& session,
                const std::function<Status(store::Writer&)>& body) {
  auto written = workspace.store().write(session.author(), body);
  if (!written.ok()) return std::move(written).error();
  return {};
}

Result<std::int64_t> now_ms(const Session& session) {
  const auto ms = epoch_ms(session.now());
  if (!ms) return internal_error("the session's clock gave a malformed time");
  return *ms;
}

// The wait after `failures` failures in a row: none for the first policy.max_failures - 1, then
// policy.first_delay_ms, doubling with each further failure up to policy.max_delay_ms.
std::int64_t delay_after(std::int64_t failures, const AccountPolicy& policy) {
  if (failures < policy.max_failures) return 0;
  std::int64_t delay = policy.first_delay_ms;
  for (std::int64_t i = policy.max_failures; i < failures && delay < policy.max_delay_ms; ++i) delay *= 2;
  return std::min(delay, policy.max_delay_ms);
}

// Inside the sign-in's write transaction: counts the attempt and records it. Re-reads the
// pair's count there, so that concurrent attempts (from any process) count exactly once each.
Result<SignInResult> settle(store::Writer& writer, store::Database& db, const std::string& name,
                            const std::string& shown, const std::string& client, bool matched,
                            std::int64_t now, const AccountPolicy& policy, std::int64_t& wait_until) {
  MOAT_TRY(const store::Throttle throttle, store::throttle(db, name, client));
  wait_until = throttle.wait_until_ms;
  if (throttle.wait_until_ms > now) return SignInResult::kLocked;
  if (matched) {
    MOAT_CHECK(store::clear_throttle(db, name, client));
    return SignInResult::kSignedIn;
  }
  const std::int64_t failures = throttle.failures + 1;
  const std::int64_t delay = delay_after(failures, policy);
  wait_until = delay > 0 ? now + delay : 0;
  MOAT_CHECK(store::forget_throttles(db, now - policy.forget_after_ms));
  MOAT_CHECK(store::save_throttle(db, name, client, {failures, wait_until}, now));
  if (failures == policy.max_failures) {  // the delays begin: once in the ledger, not per attempt
    MOAT_CHECK(writer.note("lockout", std::string(kEntity), shown,
                           json{{"client", client}, {"until_ms", wait_until}}.dump()));
  }
  return SignInResult::kRejected;
}

std::string_view result_name(SignInResult result) {
  switch (result) {
    case SignInResult::kSignedIn:
      return "signed-in";
    case SignInResult::kLocked:
      return "locked";
    case SignInResult::kRejected:
      break;
  }
  return "rejected";
}

Status open_session(store::Database& db, const WebSession& web, std::int64_t now) {
  MOAT_CHECK(store::forget_sessions(db, now));
  return store::insert_session(db, secret_digest(web.id), web.user.name, web.csrf, now, web.expires_ms);
}

}  // namespace

std::string_view role_name(Role role) {
  return kRoleNames[static_cast<std::size_t>(role)];
}

std::optional<Role> parse_role(std::string_view name) {
  for (const Role role : kRoles) {
    if (role_name(role) == name) return role;
  }
  return std::nullopt;
}

std::optional<std::int64_t> epoch_ms(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS(.mmm)Z
  if (text.size() < 20 || text[10] != 'T' || text.back() != 'Z') return std::nullopt;
  const auto date = Date::parse(text.substr(0, 10));
  if (!date) return std::nullopt;
  const auto number = [&](std::size_t at, std::size_t digits) -> std::optional<std::int64_t> {
    std::int64_t value = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
      if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const auto hours = number(11, 2), minutes = number(14, 2), seconds = number(17, 2);
  if (!hours || !minutes || !seconds) return std::nullopt;
  const std::optional<std::int64_t> millis = text[19] == '.' ? number(20, 3) : std::optional<std::int64_t>(0);
  if (!millis) return std::nullopt;
  return ((static_cast<std::int64_t>(date->days_since_epoch()) * 24 + *hours) * 60 + *minutes) * 60'000 +
         *seconds * 1000 + *millis;
}

std::string secret_digest(std::string_view secret) {
  std::array<unsigned char, kDigestBytes> digest{};
  crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
  return hex(digest.data(), digest.size());
}

Result<User> add_user(Workspace& workspace, const Session& session, const NewUser& user,
                      const AccountPolicy& policy) {
  MOAT_CHECK(ready());
  MOAT_CHECK(validate(workspace, user, policy));
  MOAT_TRY(const std::string hashed, hash_password(user.password));
  store::Database& db = workspace.store().database();
  const auto body = [&](store::Writer& writer) -> Status {
    // Names that differ only in case would pass for one another in the ledger and the dashboard.
    MOAT_TRY(const auto taken, store::account_named_alike(db, user.name));
    if (taken) {
      return Error(
          ErrorCode::kConflict, "NAME",
          "a user named '" + *taken + "' exists already" +
              (*taken == user.name ? "" : ": names differing only in case would pass for each other"));
    }
    if (!user.os_user.empty()) {
      MOAT_TRY(const auto mapped, store::account_of_login(db, user.os_user));
      if (mapped) {
        return Error(ErrorCode::kConflict, "--os-user",
                     "the login '" + user.os_user + "' already acts as user '" + *mapped + "'");
      }
    }
    const store::AccountRow row{user.name,     std::string(role_name(user.role)),
                                user.supplier, user.person,
                                user.os_user,  user.display_name};
    MOAT_CHECK(store::insert_account(db, row, hashed, session.now()));
    json detail = {{"role", role_name(user.role)}};
    if (!user.supplier.empty()) detail["supplier"] = user.supplier;
    if (!user.person.empty()) detail["person"] = user.person;
    if (!user.os_user.empty()) detail["os_user"] = user.os_user;
    if (!user.display_name.empty()) detail["display_name"] = user.display_name;
    return writer.note("user-add", std::string(kEntity), user.name, detail.dump());
  };
  MOAT_CHECK(transact(workspace, session, body));
  return User{user.name, user.role, user.supplier, user.person, user.os_user, user.display_name};
}

Status disable_user(Workspace& workspace, const Session& session, const std::string& name) {
  store::Database& db = workspace.store().database();
  const auto body = [&](store::Writer& writer) -> Status {
    MOAT_TRY(const bool disabled, store::disable_account(db, name));
    if (!disabled)
      return no_enabled_user(db, name, "no user '" + name + "' to disable",
                             "user '" + name + "' is disabled already");
    return writer.note("user-disable", std::string(kEntity), name, json::object().dump());
  };
  return transact(workspace, session, body);
}

Status enable_user(Workspace& workspace, const Session& session, const std::string& name) {
  store::Database& db = workspace.store().database();
  const auto body = [&](store::Writer& writer) -> Status {
    MOAT_TRY(const store::Enabled enabled, store::enable_account(db, name));
    if (!enabled.enabled) {
      MOAT_TRY(const auto active, stored_user(db, name));
      if (active) return Error(ErrorCode::kConflict, "NAME", "user '" + name + "' is not disabled");
      return Error(ErrorCode::kNotFound, "NAME", "no user '" + name + "' to enable");
    }
    return writer.note("user-enable", std::string(kEntity), name,
                       json{{"tokens_revoked", enabled.tokens_revoked}}.dump());
  };
  return transact(workspace, session, body);
}

Result<bool> set_display_name(Workspace& workspace, const Session& session, const std::string& name,
                              const std::string& display_name) {
  if (!display_name.empty()) {
    if (const std::string problem = display_name_problem(display_name); !problem.empty())
      return input_error("--display-name", problem);
  }
  store::Database& db = workspace.store().database();
  bool changed = false;
  const auto body = [&](store::Writer& writer) -> Status {
    MOAT_TRY(const auto account, stored_user(db, name));
    if (!account)
      return no_enabled_user(db, name, "no user '" + name + "'",
                             "user '" + name + "' is disabled: its account stays as it was when disabled");
    if (account->user.display_name == display_name) return {};
    MOAT_TRY(const bool set, store::set_account_display_name(db, name, display_name));
    if (!set) return Error(ErrorCode::kNotFound, "NAME", "no user '" + name + "'");
    changed = true;
    const auto shown = [](const std::string& text) { return text.empty() ? json() : json(text); };
    const json detail = {{"display_name", shown(display_name)}, {"was", shown(account->user.display_name)}};
    return writer.note("user-set", std::string(kEntity), name, detail.dump());
  };
  MOAT_CHECK(transact(workspace, session, body));
  return changed;
}

Result<std::vector<User>> list_users(Workspace& workspace, bool with_disabled) {
  store::Database& db = workspace.store().database();
  MOAT_TRY(const auto rows, with_disabled ? store::every_account(db) : store::active_accounts(db));
  std::vector<User> users;
  for (const store::AccountRow& row : rows) {
    MOAT_TRY(User user, user_of(row));
    user.disabled = row.disabled;
    users.push_back(std::move(user));
  }
  return users;
}

Result<std::optional<User>> user_for_os_user(Workspace& workspace, const std::string& os_user) {
  if (os_user.empty()) return std::optional<User>();
  MOAT_TRY(const auto row, store::active_account_of_login(workspace.store().database(), os_user));
  if (!row) return std::optional<User>();
  MOAT_TRY(User user, user_of(*row));
  return std::optional<User>(std::move(user));
}

Result<NewToken> create_token(Workspace& workspace, const Session& session, const std::string& user_name,
                              const std::string& label) {
  MOAT_CHECK(ready());
  store::Database& db = workspace.store().database();
  MOAT_TRY(const auto account, stored_user(db, user_name));
  if (!account) return Error(ErrorCode::kNotFound, "NAME", "no user '" + user_name + "'");
  NewToken made{std::string(kTokenPrefix) + random_text(), ""};
  const std::string digest = secret_digest(made.token);
  made.id = digest.substr(0, kTokenIdDigits);
  const auto body = [&](store::Writer& writer) -> Status {
    MOAT_CHECK(store::insert_token(db, digest, made.id, user_name, label, session.now()));
    return writer.note("token-create", std::string(kEntity), user_name, json{{"token", made.id}}.dump());
  };
  MOAT_CHECK(transact(workspace, session, body));
  return made;
}

Status revoke_token(Workspace& workspace, const Session& session, const std::string& id) {
  store::Database& db = workspace.store().database();
  const auto body = [&](store::Writer& writer) -> Status {
    MOAT_TRY(const auto user_name, store::live_token_user(db, id));
    if (!user_name) return Error(ErrorCode::kNotFound, "ID", "no token '" + id + "' to revoke");
    MOAT_CHECK(store::revoke_token(db, id));
    return writer.note("token-revoke", std::string(kEntity), *user_name, json{{"token", id}}.dump());
  };
  return transact(workspace, session, body);
}

Result<std::optional<User>> user_for_token(Workspace& workspace, std::string_view token) {
  if (!token.starts_with(kTokenPrefix) || token.size() > 2 * kRandomBytes + kTokenPrefix.size()) {
    return std::optional<User>();
  }
  const std::string digest = secret_digest(token);
  MOAT_TRY(const auto live, store::live_token(workspace.store().database(), digest));
  if (!live) return std::optional<User>();
  // The index found it by hash; compare once more in constant time, as every secret check does.
  const std::string& stored = live->digest;
  if (stored.size() != digest.size() || sodium_memcmp(stored.data(), digest.data(), digest.size()) != 0) {
    return std::optional<User>();
  }
  MOAT_TRY(User user, user_of(live->account));
  return std::optional<User>(std::move(user));
}

Result<SignIn> sign_in(Workspace& workspace, const Session& session, const std::string& name,
                       const std::string& password, const std::string& client, const AccountPolicy& policy) {
  MOAT_CHECK(ready());
  MOAT_TRY(const std::int64_t now, now_ms(session));
  store::Database& db = workspace.store().database();
  // A user's name in any case is that user's (names differ by more than case: decision 0028), and
  // is throttled and recorded as the user's, a disabled user's attempt too. Unknown names are
  // throttled as known ones are (so that delays tell nothing), under the name as given, cut short;
  // the ledger shows them as "(unknown)", never as typed.
  MOAT_TRY(const std::optional<std::string> known, store::account_named_alike(db, name));
  const std::string key = known ? *known : name.substr(0, kMaxNameBytes);
  const std::string address = client.substr(0, kMaxNameBytes);
  MOAT_TRY(const auto account, stored_user(db, key));
  MOAT_TRY(const store::Throttle throttle, store::throttle(db, key, address));
  const bool waiting = throttle.wait_until_ms > now;
  // The slow hash runs outside the write transaction, so that it holds up no other writer.
  const bool matched =
      password.size() <= kMaxPasswordBytes &&
      password_matches(account && !waiting ? account->password_hash : decoy_hash(), password) && account &&
      !waiting;
  SignIn outcome;
  const std::string shown = known ? shown_name(*known) : std::string(kUnknownName);
  const Session as_user = acting_as(session, shown);
  const auto body = [&](store::Writer& writer) -> Status {
    std::int64_t wait_until = 0;
    MOAT_TRY(outcome.result, settle(writer, db, key, shown, address, matched, now, policy, wait_until));
    if (wait_until > now) outcome.retry_after_ms = wait_until - now;
    if (outcome.result == SignInResult::kSignedIn) {
      WebSession web{random_text(), random_text(), now + policy.absolute_ms, account->user};
      MOAT_CHECK(open_session(db, web, now));
      outcome.session = std::move(web);
    }
    return writer.note("sign-in", std::string(kEntity), shown,
                       json{{"result", result_name(outcome.result)}, {"client", client}}.dump());
  };
  MOAT_CHECK(transact(workspace, as_user, body));
  return outcome;
}

Result<std::optional<SessionUser>> user_for_session(Workspace& workspace, const Session& session,
                                                    std::string_view session_id,
                                                    const AccountPolicy& policy) {
  if (session_id.empty() || session_id.size() > 2 * kRandomBytes) return std::optional<SessionUser>();
  MOAT_TRY(const std::int64_t now, now_ms(session));
  const std::string digest = secret_digest(session_id);
  store::Database& db = workspace.store().database();
  MOAT_TRY(const auto row, store::live_session(db, digest));
  if (!row) return std::optional<SessionUser>();
  const std::string& stored = row->digest;
  if (stored.size() != digest.size() || sodium_memcmp(stored.data(), digest.data(), digest.size()) != 0) {
    return std::optional<SessionUser>();
  }
  if (now >= row->expires_ms || now - row->last_seen_ms >= policy.idle_ms)
    return std::optional<SessionUser>();
  if (now - row->last_seen_ms >= kTouchIntervalMs) MOAT_CHECK(store::touch_session(db, digest, now));
  MOAT_TRY(User user, user_of(row->account));
  return std::optional<SessionUser>(SessionUser{std::move(user), row->csrf});
}

Status sign_out(Workspace& workspace, const Session& session, std::string_view session_id) {
  store::Database& db = workspace.store().database();
  const std::string digest = secret_digest(session_id);
  const auto body = [&](store::Writer& writer) -> Status {
    MOAT_TRY(const auto user_name, store::session_user(db, digest));
    if (!user_name) return {};
    MOAT_CHECK(store::delete_session(db, digest));
    return writer.note("sign-out", std::string(kEntity), *user_name, std::nullopt);
  };
  return transact(workspace, session, body);
}

Status record_denial(Workspace& workspace, const Session& session, std::string_view what,
                     std::string_view reason) {
  const auto body = [&](store::Writer& writer) -> Status {
    return writer.note("denied", "request", std::string(what), json{{"reason", reason}}.dump());
  };
  return transact(workspace, session, body);
}

Status record_supplier_read(Workspace& workspace, const Session& session, std::string_view entity,
                            std::string_view key, std::string_view route) {
  const auto body = [&](store::Writer& writer) -> Status {
    return writer.note("read", std::string(entity), std::string(key), json{{"route", route}}.dump());
  };
  return transact(workspace, session, body);
}

}  // namespace moat::app
