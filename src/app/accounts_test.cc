// SPDX-License-Identifier: Apache-2.0
#include "app/accounts.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "app/actors.h"
#include "app/export.h"
#include "app/import.h"
#include "app/workspace_testing.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

constexpr std::int64_t kStart = 1'795'000'000'000LL;
constexpr const char* kPassword = "correct horse battery";

class AccountsTest : public EmptyWorkspaceTest {
 protected:
  void SetUp() override {
    EmptyWorkspaceTest::SetUp();
    if (HasFatalFailure()) return;
    std::ifstream in(testing::source_dir() / "examples" / "aurora" / "suppliers.csv");
    std::ostringstream suppliers;
    suppliers << in.rdbuf();
    auto imported = import_files(*workspace_, session("admin"), {{"suppliers.csv", suppliers.str()}}, {});
    ASSERT_TRUE(imported.ok()) << imported.error().to_string();
  }
  void TearDown() override { workspace_.reset(); }

  // A session whose clock reads `clock_` (milliseconds), which the tests move on.
  Session session(std::string actor) {
    auto clock = clock_;
    return {std::move(actor), [clock] { return iso8601_utc(*clock); }};
  }
  void advance(std::int64_t ms) { *clock_ += ms; }

  User add(const std::string& name, Role role, const std::string& supplier = {}) {
    auto added = add_user(*workspace_, session("admin"), {name, role, supplier, kPassword});
    EXPECT_TRUE(added.ok()) << added.error().to_string();
    return added.ok() ? *added : User{};
  }
  SignInResult attempt(const std::string& name, const std::string& password,
                       const std::string& client = "127.0.0.1") {
    auto result = sign_in(*workspace_, session("server"), name, password, client);
    EXPECT_TRUE(result.ok()) << result.error().to_string();
    return result.ok() ? result->result : SignInResult::kRejected;
  }
  std::string ledger_text() {
    std::string out;
    auto events = workspace_->store().events();
    EXPECT_TRUE(events.ok());
    if (!events.ok()) return out;
    for (const auto& event : *events) {
      out += event.actor + " " + event.action + " " + event.entity + " " + event.key + " " +
             event.after.value_or("") + "\n";
    }
    return out;
  }

  std::shared_ptr<std::int64_t> clock_ = std::make_shared<std::int64_t>(kStart);
};
INSTANTIATE_TEST_SUITE_P(Backends, AccountsTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST(RolesTest, NamesRoundTrip) {
  for (const Role role : kRoles) EXPECT_EQ(parse_role(role_name(role)), role);
  EXPECT_FALSE(parse_role("root"));
}

TEST(ClockTest, ReadsTheSessionsTimeFormat) {
  EXPECT_EQ(epoch_ms(iso8601_utc(kStart)), kStart);
  EXPECT_EQ(epoch_ms("1970-01-01T00:00:01.500Z"), 1500);
  EXPECT_FALSE(epoch_ms("2025-13-01T00:00:00.000Z"));
  EXPECT_FALSE(epoch_ms("yesterday"));
}

TEST_P(AccountsTest, SignsInWithTheRightPasswordOnly) {
  add("alice", Role::kSourcing);
  EXPECT_EQ(attempt("alice", "wrong password!"), SignInResult::kRejected);
  EXPECT_EQ(attempt("nobody-\x1b[31m", kPassword), SignInResult::kRejected);
  auto signed_in = sign_in(*workspace_, session("server"), "alice", kPassword, "127.0.0.1");
  ASSERT_TRUE(signed_in.ok());
  ASSERT_EQ(signed_in->result, SignInResult::kSignedIn);
  ASSERT_TRUE(signed_in->session);
  EXPECT_EQ(signed_in->session->user.role, Role::kSourcing);
  EXPECT_NE(signed_in->session->id, signed_in->session->csrf);
  auto found = user_for_session(*workspace_, session("server"), signed_in->session->id);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->user.name, "alice");
  EXPECT_EQ((*found)->csrf, signed_in->session->csrf);
  const std::string ledger = ledger_text();
  EXPECT_NE(ledger.find(R"(alice sign-in account alice {"client":"127.0.0.1","result":"rejected"})"),
            std::string::npos)
      << ledger;
  EXPECT_NE(ledger.find(R"((unknown) sign-in account (unknown) {"client":"127.0.0.1","result":"rejected"})"),
            std::string::npos)
      << "an unknown name is recorded as unknown, not as typed";
  EXPECT_EQ(ledger.find("nobody"), std::string::npos);
  EXPECT_NE(ledger.find(R"(alice sign-in account alice {"client":"127.0.0.1","result":"signed-in"})"),
            std::string::npos);
}

// A name is one user's in any case (names differ by more than case): it signs in, is throttled and
// is recorded as that user, and so is a disabled user's attempt.
TEST_P(AccountsTest, ANameInAnotherCaseAndADisabledUsersAttemptAreTheUsers) {
  add("carol", Role::kViewer);
  add("leaver", Role::kViewer);
  EXPECT_EQ(attempt("CAROL", kPassword), SignInResult::kSignedIn);
  ASSERT_TRUE(disable_user(*workspace_, session("admin"), "leaver").ok());
  EXPECT_EQ(attempt("leaver", kPassword), SignInResult::kRejected);
  const std::string ledger = ledger_text();
  EXPECT_NE(ledger.find(R"(carol sign-in account carol {"client":"127.0.0.1","result":"signed-in"})"),
            std::string::npos)
      << ledger;
  EXPECT_NE(ledger.find(R"(leaver sign-in account leaver {"client":"127.0.0.1","result":"rejected"})"),
            std::string::npos)
      << ledger;
  EXPECT_EQ(ledger.find("(unknown)"), std::string::npos) << ledger;
}

TEST_P(AccountsTest, RepeatedFailuresMakeTheNameWaitFromThatAddressLongerEachTime) {
  add("bob", Role::kViewer);
  const AccountPolicy policy;
  for (int i = 0; i + 1 < policy.max_failures; ++i)
    EXPECT_EQ(attempt("bob", "not the password"), SignInResult::kRejected);
  EXPECT_EQ(attempt("bob", "not the password"), SignInResult::kRejected);  // the delays begin
  EXPECT_EQ(attempt("bob", kPassword), SignInResult::kLocked) << "the right password waits too";
  EXPECT_EQ(attempt("bob", kPassword, "10.0.0.9"), SignInResult::kSignedIn)
      << "another address is not held up";
  advance(policy.first_delay_ms + 1);
  EXPECT_EQ(attempt("bob", "not the password"), SignInResult::kRejected);  // twice as long now
  advance(policy.first_delay_ms + 1);
  EXPECT_EQ(attempt("bob", kPassword), SignInResult::kLocked) << "the second wait is longer";
  advance(policy.first_delay_ms);
  EXPECT_EQ(attempt("bob", kPassword), SignInResult::kSignedIn);
  EXPECT_EQ(attempt("bob", "not the password"), SignInResult::kRejected)
      << "a success starts the count again";
  EXPECT_NE(ledger_text().find("lockout account bob"), std::string::npos);
  for (int i = 0; i < policy.max_failures; ++i) attempt("nobody", "not the password");
  EXPECT_EQ(attempt("nobody", "not the password"), SignInResult::kLocked)
      << "unknown names wait as known ones do";
}

TEST_P(AccountsTest, ASuccessResetsTheFailureCount) {
  add("carol", Role::kLegal);
  const AccountPolicy policy;
  for (int i = 0; i + 1 < policy.max_failures; ++i) attempt("carol", "not the password");
  EXPECT_EQ(attempt("carol", kPassword), SignInResult::kSignedIn);
  for (int i = 0; i + 1 < policy.max_failures; ++i) attempt("carol", "not the password");
  EXPECT_EQ(attempt("carol", kPassword), SignInResult::kSignedIn);
}

TEST_P(AccountsTest, SessionsEndWhenIdleAndAfterTheirAbsoluteLifetime) {
  add("dave", Role::kOversight);
  const AccountPolicy policy;
  auto first = sign_in(*workspace_, session("server"), "dave", kPassword, "::1");
  ASSERT_TRUE(first.ok() && first->session);
  const std::string id = first->session->id;
  const auto alive = [&] {
    auto found = user_for_session(*workspace_, session("server"), id);
    EXPECT_TRUE(found.ok());
    return found.ok() && found->has_value();
  };
  // Used every 20 minutes it stays open until the absolute limit.
  for (std::int64_t used = 0; used + 20 * 60 * 1000 < policy.absolute_ms; used += 20 * 60 * 1000) {
    advance(20 * 60 * 1000);
    EXPECT_TRUE(alive()) << used;
  }
  advance(policy.absolute_ms);
  EXPECT_FALSE(alive());
  auto second = sign_in(*workspace_, session("server"), "dave", kPassword, "::1");
  ASSERT_TRUE(second.ok() && second->session);
  advance(policy.idle_ms);
  auto idle = user_for_session(*workspace_, session("server"), second->session->id);
  ASSERT_TRUE(idle.ok());
  EXPECT_FALSE(*idle);
}

TEST_P(AccountsTest, SignOutEndsTheSession) {
  add("erin", Role::kAdmin);
  auto signed_in = sign_in(*workspace_, session("server"), "erin", kPassword, "::1");
  ASSERT_TRUE(signed_in.ok() && signed_in->session);
  ASSERT_TRUE(sign_out(*workspace_, session("erin"), signed_in->session->id).ok());
  auto found = user_for_session(*workspace_, session("server"), signed_in->session->id);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
}

TEST_P(AccountsTest, TokensAreStoredOnlyAsHashesAndCanBeRevoked) {
  add("script", Role::kViewer);
  auto token = create_token(*workspace_, session("admin"), "script", "nightly export");
  ASSERT_TRUE(token.ok()) << token.error().to_string();
  EXPECT_TRUE(token->token.starts_with("moat_"));
  auto user = user_for_token(*workspace_, token->token);
  ASSERT_TRUE(user.ok());
  ASSERT_TRUE(*user);
  EXPECT_EQ((*user)->name, "script");
  auto stored = workspace_->store().database().query(R"(SELECT "hash" FROM "api_tokens")");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(std::get<std::string>(stored->front().front()), secret_digest(token->token));
  EXPECT_EQ(ledger_text().find(token->token), std::string::npos);
  std::string altered = token->token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  auto wrong = user_for_token(*workspace_, altered);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(*wrong);
  ASSERT_TRUE(revoke_token(*workspace_, session("admin"), token->id).ok());
  auto revoked = user_for_token(*workspace_, token->token);
  ASSERT_TRUE(revoked.ok());
  EXPECT_FALSE(*revoked);
  EXPECT_EQ(revoke_token(*workspace_, session("admin"), token->id).error().code(), ErrorCode::kNotFound);
}

TEST_P(AccountsTest, PasswordsAreArgon2idHashesThatNeverReachTheExportOrTheLedger) {
  add("frank", Role::kSupplier, "F03");
  auto hashes = workspace_->store().database().query(R"(SELECT "password_hash" FROM "users")");
  ASSERT_TRUE(hashes.ok());
  const std::string hash = std::get<std::string>(hashes->front().front());
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  auto exported = export_workspace(*workspace_);
  ASSERT_TRUE(exported.ok());
  for (const std::string& secret : {hash, std::string(kPassword), std::string("frank")}) {
    EXPECT_EQ(exported->find(secret), std::string::npos) << secret;
  }
  const std::string ledger = ledger_text();
  EXPECT_EQ(ledger.find(kPassword), std::string::npos);
  EXPECT_EQ(ledger.find("$argon2id$"), std::string::npos);
  EXPECT_NE(ledger.find(R"(user-add account frank {"role":"supplier","supplier":"F03"})"), std::string::npos);
}

TEST_P(AccountsTest, RefusesBadUsers) {
  const auto code = [&](NewUser user) {
    auto added = add_user(*workspace_, session("admin"), user);
    return added.ok() ? std::optional<ErrorCode>() : added.error().code();
  };
  EXPECT_EQ(code({"has space", Role::kViewer, "", kPassword}), ErrorCode::kInput);
  EXPECT_EQ(code({"short", Role::kViewer, "", "12345"}), ErrorCode::kInput);
  EXPECT_EQ(code({"nosupplier", Role::kSupplier, "", kPassword}), ErrorCode::kInput);
  EXPECT_EQ(code({"stray", Role::kViewer, "F01", kPassword}), ErrorCode::kInput);
  EXPECT_EQ(code({"ghost", Role::kSupplier, "F99", kPassword}), ErrorCode::kNotFound);
  EXPECT_EQ(code({"gina", Role::kSupplier, "F02", kPassword}), std::nullopt);
  EXPECT_EQ(code({"gina", Role::kViewer, "", kPassword}), ErrorCode::kConflict);
  auto users = list_users(*workspace_);
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1U);
  EXPECT_EQ(users->front().supplier, "F02");
}

// A user name is ASCII, what is typed to sign in and what the ledger names; the name as people
// write it (王小明) is the display name beside it, shown, kept and recorded with the account, but
// never signed in with. A name in Chinese characters is refused with a pointer to it, and a display
// name that hides or turns text (a bidi override, a zero-width space) is refused.
TEST_P(AccountsTest, NamesInChineseAreDisplayNamesBesideAnAsciiUserName) {
  NewUser chinese{"王小明", Role::kViewer, "", kPassword};
  auto refused = add_user(*workspace_, session("admin"), chinese);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInput);
  EXPECT_NE(refused.error().message().find("--display-name"), std::string::npos)
      << refused.error().to_string();
  EXPECT_EQ(refused.error().message().find("may hold only letters"), std::string::npos);
  NewUser turned{"wang.xm", Role::kViewer, "", kPassword};
  turned.display_name = "admin\u202E";
  auto bad = add_user(*workspace_, session("admin"), turned);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where(), "--display-name");
  NewUser wang{"wang.xm", Role::kViewer, "", kPassword};
  wang.display_name = "王小明";
  auto added = add_user(*workspace_, session("admin"), wang);
  ASSERT_TRUE(added.ok()) << added.error().to_string();
  EXPECT_EQ(added->display_name, "王小明");
  auto users = list_users(*workspace_);
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1U);
  EXPECT_EQ(users->front().display_name, "王小明");
  EXPECT_NE(ledger_text().find(R"(user-add account wang.xm {"display_name":"王小明","role":"viewer"})"),
            std::string::npos)
      << ledger_text();
  EXPECT_EQ(attempt("王小明", kPassword), SignInResult::kRejected) << "a display name signs no one in";
  const auto token = create_token(*workspace_, session("admin"), "wang.xm", "");
  ASSERT_TRUE(token.ok());
  auto by_token = user_for_token(*workspace_, token->token);
  ASSERT_TRUE(by_token.ok() && *by_token);
  EXPECT_EQ((*by_token)->display_name, "王小明");
}

// A display name misspelt, or missing from an account made before display names, is set on the
// same account: the user name, its tokens and what the ledger records of it stay; the change is
// recorded with the name before and after. The same rules hold as when adding, and only an
// enabled user can be changed.
TEST_P(AccountsTest, ADisplayNameIsSetOnTheSameAccount) {
  NewUser wang{"wang.xm", Role::kViewer, "", kPassword};
  wang.display_name = "王小名";
  ASSERT_TRUE(add_user(*workspace_, session("admin"), wang).ok());
  const auto token = create_token(*workspace_, session("admin"), "wang.xm", "");
  ASSERT_TRUE(token.ok());
  const auto corrected = set_display_name(*workspace_, session("admin"), "wang.xm", "王小明");
  ASSERT_TRUE(corrected.ok()) << corrected.error().to_string();
  EXPECT_TRUE(*corrected);
  auto by_token = user_for_token(*workspace_, token->token);
  ASSERT_TRUE(by_token.ok() && *by_token);
  EXPECT_EQ((*by_token)->name, "wang.xm");
  EXPECT_EQ((*by_token)->display_name, "王小明");
  EXPECT_NE(ledger_text().find(R"(user-set account wang.xm {"display_name":"王小明","was":"王小名"})"),
            std::string::npos)
      << ledger_text();
  const auto events = ledger_text().size();
  const auto again = set_display_name(*workspace_, session("admin"), "wang.xm", "王小明");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again) << "the same name again changed something";
  EXPECT_EQ(ledger_text().size(), events) << "the same name again was recorded";
  const auto turned = set_display_name(*workspace_, session("admin"), "wang.xm", "admin\u202E");
  ASSERT_FALSE(turned.ok());
  EXPECT_EQ(turned.error().where(), "--display-name");
  const auto nobody = set_display_name(*workspace_, session("admin"), "nobody", "王小明");
  ASSERT_FALSE(nobody.ok());
  EXPECT_EQ(nobody.error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(set_display_name(*workspace_, session("admin"), "wang.xm", "").ok());
  auto users = list_users(*workspace_);
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1U);
  EXPECT_EQ(users->front().display_name, "");
  EXPECT_NE(ledger_text().find(R"(user-set account wang.xm {"display_name":null,"was":"王小明"})"),
            std::string::npos);
  ASSERT_TRUE(disable_user(*workspace_, session("admin"), "wang.xm").ok());
  const auto disabled = set_display_name(*workspace_, session("admin"), "wang.xm", "王小明");
  ASSERT_FALSE(disabled.ok());
  EXPECT_EQ(disabled.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(disabled.error().message().find("is disabled"), std::string::npos)
      << disabled.error().to_string();
  EXPECT_NE(nobody.error().message().find("no user 'nobody'"), std::string::npos);
  // Disabled, the account leaves the list of users, and stays in the list of every user, marked.
  auto active = list_users(*workspace_);
  ASSERT_TRUE(active.ok());
  EXPECT_TRUE(active->empty());
  auto every = list_users(*workspace_, true);
  ASSERT_TRUE(every.ok());
  ASSERT_EQ(every->size(), 1U);
  EXPECT_EQ(every->front().name, "wang.xm");
  EXPECT_TRUE(every->front().disabled);
  ASSERT_TRUE(add_user(*workspace_, session("admin"), {"zhao", Role::kViewer, "", kPassword}).ok());
  every = list_users(*workspace_, true);
  ASSERT_TRUE(every.ok());
  ASSERT_EQ(every->size(), 2U);
  EXPECT_TRUE(every->front().disabled);  // by name: wang.xm, then zhao
  EXPECT_FALSE(every->back().disabled);
}

// A disable made by mistake is undone: the user is listed and signs in again, but a token it had
// before stays revoked (it may have been kept by someone who left); recorded, with how many.
TEST_P(AccountsTest, AUserEnabledAgainSignsInButItsOldTokensStayRevoked) {
  ASSERT_TRUE(add_user(*workspace_, session("admin"), {"wang.xm", Role::kViewer, "", kPassword}).ok());
  const auto token = create_token(*workspace_, session("admin"), "wang.xm", "");
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(disable_user(*workspace_, session("admin"), "wang.xm").ok());
  EXPECT_EQ(attempt("wang.xm", kPassword), SignInResult::kRejected);

  ASSERT_TRUE(enable_user(*workspace_, session("admin"), "wang.xm").ok());
  auto users = list_users(*workspace_);
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1U);
  EXPECT_EQ(users->front().name, "wang.xm");
  EXPECT_EQ(attempt("wang.xm", kPassword), SignInResult::kSignedIn);
  auto by_old_token = user_for_token(*workspace_, token->token);
  ASSERT_TRUE(by_old_token.ok());
  EXPECT_FALSE(*by_old_token) << "a token from before the disable works again";
  EXPECT_NE(ledger_text().find(R"(user-enable account wang.xm {"tokens_revoked":1})"), std::string::npos)
      << ledger_text();

  const Status again = enable_user(*workspace_, session("admin"), "wang.xm");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  EXPECT_NE(again.error().message().find("is not disabled"), std::string::npos);
  const Status nobody = enable_user(*workspace_, session("admin"), "nobody");
  ASSERT_FALSE(nobody.ok());
  EXPECT_EQ(nobody.error().code(), ErrorCode::kNotFound);
}

TEST_P(AccountsTest, DenialsAndSupplierReadsAreRecorded) {
  ASSERT_TRUE(
      record_denial(*workspace_, session("frank"), "GET /api/suppliers/F04", "another supplier").ok());
  ASSERT_TRUE(
      record_supplier_read(*workspace_, session("frank"), "suppliers", "F03", "GET /api/suppliers/{id}")
          .ok());
  const std::string ledger = ledger_text();
  EXPECT_NE(ledger.find(R"(frank denied request GET /api/suppliers/F04 {"reason":"another supplier"})"),
            std::string::npos)
      << ledger;
  EXPECT_NE(ledger.find(R"(frank read suppliers F03 {"route":"GET /api/suppliers/{id}"})"),
            std::string::npos);
}

// A trace reads every master in the vault, and its verdict tells whether a copy still carries its
// mark: only administrators, sourcing and legal users may, a supplier's user above all may not. It
// is decided as for every other command, from the one table of capabilities (the command line
// refuses and records the refusal before trace_file runs: tests/e2e/trace_test.sh).
TEST(TraceRightsTest, OnlyTheRolesAnsweringForMastersMayTraceAFile) {
  for (const Role role : kRoles) {
    const bool answers_for_masters = role == Role::kAdmin || role == Role::kSourcing || role == Role::kLegal;
    EXPECT_EQ(role_may(role, Capability::kTrace), answers_for_masters) << role_name(role);
  }
}

}  // namespace
}  // namespace moat::app
