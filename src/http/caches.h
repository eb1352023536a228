// SPDX-License-Identifier: Apache-2.0
// Internal to src/http: what the API keeps in memory, all of it safe to lose — open workspaces
// (database connections) lent to one request at a time, API tokens recently verified, answers to
// GETs keyed by the ledger's last sequence number, and sign-in attempts per client address. Every
// class is safe to use from several threads. Nothing here is needed for correctness across
// servers: sessions, lockouts and data live in the database.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/accounts.h"
#include "app/workspace.h"

namespace moat::http {

class WorkspacePool {
 public:
  static Result<std::unique_ptr<WorkspacePool>> open(const std::filesystem::path& dir, std::size_t size);

  // One workspace, taken from the pool when first used (answers from the caches need none) and
  // given back when the lease ends. Taking one waits while all are lent, and throws only when a
  // closed workspace cannot be reopened (the database is unreachable).
  class Lease {
   public:
    explicit Lease(WorkspacePool& pool) : pool_(&pool) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    app::Workspace& operator*();
    // Closes the workspace instead of returning it (after a database fault); the pool reopens one.
    void discard() { discarded_ = true; }

   private:
    WorkspacePool* pool_;
    std::unique_ptr<app::Workspace> workspace_;
    bool discarded_ = false;
  };

  Lease lease() { return Lease(*this); }

 private:
  explicit WorkspacePool(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::unique_ptr<app::Workspace> take();
  void give_back(std::unique_ptr<app::Workspace> workspace);

  std::filesystem::path dir_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<app::Workspace>> free_;
  std::size_t missing_ = 0;  // discarded, to be reopened
};

// Token hash -> user, for a few seconds: a revoked token works at most that long.
class TokenCache {
 public:
  static constexpr std::chrono::seconds kLifetime{10};
  std::optional<app::User> find(const std::string& digest);
  void store(const std::string& digest, const app::User& user);

 private:
  struct Entry {
    app::User user;
    std::chrono::steady_clock::time_point expires;
  };
  std::shared_mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

struct CachedResponse {
  std::string body;
  std::string etag;
  std::string content_type;
};

// Answers to GETs, valid while the ledger's last sequence number stays what it was when they
// were made (every write appends to the ledger).
class ResponseCache {
 public:
  std::optional<CachedResponse> find(const std::string& key, std::int64_t version);
  void store(const std::string& key, std::int64_t version, CachedResponse response);

 private:
  std::shared_mutex mutex_;
  std::int64_t version_ = -1;
  std::unordered_map<std::string, CachedResponse> entries_;
};

// The ledger's last sequence number as last read, re-read after a local write or when older
// than kMaxAge (another server may have written).
class DataVersion {
 public:
  static constexpr std::chrono::milliseconds kMaxAge{250};
  std::optional<std::int64_t> fresh() const;
  // Call before reading the version from the database; pass what it returned to observed().
  std::uint64_t generation() const { return generation_.load(); }
  // The version read; trusted for kMaxAge unless a local write happened while it was read.
  std::int64_t observed(std::int64_t version, std::uint64_t generation);
  void changed() {
    ++generation_;
    read_at_.store(0);
  }

 private:
  std::atomic<std::int64_t> version_{0};
  std::atomic<std::int64_t> read_at_{0};  // steady clock, milliseconds; 0: never or stale
  std::atomic<std::uint64_t> generation_{0};
};

// Sign-in attempts per client address in a sliding minute: beyond the limit the server answers
// 429 without checking a password or writing to the ledger.
class LoginThrottle {
 public:
  static constexpr int kMaxFailuresPerMinute = 20;
  bool allow(const std::string& client);
  void failed(const std::string& client);

 private:
  struct Window {
    std::chrono::steady_clock::time_point start;
    int failures = 0;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace moat::http
