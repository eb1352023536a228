// SPDX-License-Identifier: Apache-2.0
// What tests share: a temporary folder removed afterwards, and a session with a fixed actor and
// a clock that ticks one millisecond per reading, so that ledger contents are reproducible.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "app/session.h"
#include "core/date.h"
#include "store/database.h"

namespace moat::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "moat-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline app::Session fixed_session(std::string actor = "tester") {
  auto tick = std::make_shared<long long>(1'795'000'000'000LL);
  return {std::move(actor), [tick] { return app::iso8601_utc((*tick)++); }};
}

// A session whose today is `day` (its clock starts at that day's first millisecond), for an
// evaluation that records as of then: one dated after the session's today is only a preview.
inline app::Session session_on(Date day, std::string actor = "tester") {
  auto tick = std::make_shared<long long>(day.days_since_epoch() * 86'400'000LL + 1);
  return {std::move(actor), [tick] { return app::iso8601_utc((*tick)++); }};
}

// The repository root (CTest sets MOAT_SOURCE_DIR).
inline std::filesystem::path source_dir() {
  const char* dir = std::getenv("MOAT_SOURCE_DIR");
  return dir ? dir : ".";
}

// The database backends the store, app and CLI tests run on: SQLite always; PostgreSQL when
// MOAT_TEST_POSTGRES names a server (scripts/with-postgres starts one), and always under CI,
// where a missing server must fail the tests rather than skip them.
inline std::vector<std::string> backends() {
  std::vector<std::string> names{"sqlite"};
  const char* server = std::getenv("MOAT_TEST_POSTGRES");
  const char* ci = std::getenv("CI");
  if ((server && *server) || (ci && *ci)) names.emplace_back("postgresql");
  return names;
}

// Names parameterized tests after their backend: "Backends/StoreTest.X/postgresql".
struct BackendName {
  template <typename Info>
  std::string operator()(const Info& info) const {
    return info.param;
  }
};

// One test's own database: nothing for SQLite (the workspace holds its file); a new, empty
// PostgreSQL database, dropped again when this goes away (destroy workspaces first).
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& backend) {
    if (backend != "postgresql") return;
    const char* server = std::getenv("MOAT_TEST_POSTGRES");
    if (!server || !*server) {
      error_ = "MOAT_TEST_POSTGRES is not set: run the tests through scripts/with-postgres";
      return;
    }
    static std::atomic<int> counter{0};
    name_ = "moat_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    admin_ = server;
    if (Status made = admin_execute("DROP DATABASE IF EXISTS " + name_); !made.ok()) return;
    if (Status made = admin_execute("CREATE DATABASE " + name_); !made.ok()) return;
    const std::size_t slash = admin_.rfind('/');
    url_ = admin_.substr(0, slash + 1) + name_;
  }
  ~TestDatabase() {
    if (!url_.empty()) (void)admin_execute("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // "" for SQLite, else the postgresql:// URL of this test's database.
  const std::string& url() const { return url_; }
  // Why the database could not be made ("" when it was).
  const std::string& error() const { return error_; }

 private:
  Status admin_execute(const std::string& sql) {
    auto admin = store::open_postgresql(admin_);
    if (!admin.ok()) {
      error_ = admin.error().to_string();
      return std::move(admin).error();
    }
    Status status = (*admin)->execute(sql);
    if (!status.ok()) error_ = status.error().to_string();
    return status;
  }

  std::string admin_, name_, url_, error_;
};

}  // namespace moat::testing
