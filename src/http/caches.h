// SPDX-License-Identifier: Apache-2.0
// Internal to src/http: what the API keeps in memory, all of it safe to lose — open workspaces
// (database connections) lent to one request at a time, API tokens recently verified, answers to
// GETs keyed by the ledger's last sequence number, and sign-in attempts per client address. Every
// class is safe to use from several threads. Nothing here is needed for correctness across
// servers: sessions, lockouts and data live in the database.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
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

// Answers to GETs, each with the tables it was read from, valid at the ledger's last sequence
// number the cache is at. When the ledger moves on, only the answers read from a table that
// changed meanwhile go (all of them when what changed is not known table by table).
class ResponseCache {
 public:
  std::optional<CachedResponse> find(const std::string& key, std::int64_t version);
  // Keeps an answer made at `version` (read before it was made), read from `tables`; nothing when
  // the cache has moved on since.
  void store(const std::string& key, std::int64_t version, CachedResponse response,
             std::set<std::string> tables);
  // The version the cache is at.
  std::int64_t version();
  // Moves the cache to `version`: `changed` holds the tables changed since the version it is at,
  // or nothing when that is not known (then every answer goes).
  void advance(std::int64_t version, const std::optional<std::set<std::string>>& changed);

 private:
  struct Entry {
    CachedResponse response;
    std::set<std::string> tables;
  };
  std::shared_mutex mutex_;
  std::int64_t version_ = -1;
  std::unordered_map<std::string, Entry> entries_;
};

// The ledger's last sequence number as last read, re-read after a local write, after another
// process on this machine committed (the ledger's witness file beside the database, renamed into
// place after every commit, is not the one seen when the number was read), or when older than
// kMaxAge (another server, on another machine, may have written).
class DataVersion {
 public:
  static constexpr std::chrono::milliseconds kMaxAge{250};
  // `witness`: the workspace's witness file; empty to rely on kMaxAge alone.
  explicit DataVersion(std::filesystem::path witness = {}) : witness_(std::move(witness)) {}
  ~DataVersion();
  DataVersion(const DataVersion&) = delete;
  DataVersion& operator=(const DataVersion&) = delete;
  std::optional<std::int64_t> fresh() const;
  // What to take before reading the version from the database, and pass to observed().
  struct Reading {
    std::uint64_t generation = 0;
    std::uint64_t witness = 0;
  };
  Reading reading() const { return {generation_.load(), witness_signature()}; }
  // The version read; trusted for kMaxAge unless a local write happened while it was read or
  // the witness changed since. Called by one thread at a time.
  std::int64_t observed(std::int64_t version, const Reading& reading);
  void changed() {
    ++generation_;
    read_at_.store(0);
  }

 private:
  // The witness file's inode and times (0 when absent): changes with every commit that brings
  // it forward.
  std::uint64_t witness_signature() const;

  std::filesystem::path witness_;
  std::atomic<std::int64_t> version_{0};
  std::atomic<std::int64_t> read_at_{0};  // steady clock, milliseconds; 0: never or stale
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint64_t> witness_seen_{0};
  // The witness file last seen, kept open: while its inode is held, a file renamed over it
  // cannot be given the same inode number.
  int pinned_ = -1;
};

// Requests per signed-in user: a bucket holding ten seconds' worth, refilled at `per_minute`.
// Beyond it the API answers 429 with Retry-After.
class RateLimiter {
 public:
  explicit RateLimiter(int per_minute)
      : per_second_(per_minute / 60.0), capacity_(std::max(1.0, per_minute / 6.0)) {}
  // 0 when `user` may go ahead now (and counts the request), else the whole seconds to wait.
  int take(const std::string& user);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  double per_second_;
  double capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// Supplier users' reads as recorded in the ledger: one `read` event per user, object and
// window — the first read of an object is recorded, further reads of it by the same user are
// not until kWindow has passed since (per server process).
class ReadLog {
 public:
  static constexpr std::chrono::minutes kWindow{15};
  // Whether the read of `object` by `user` is to be recorded now; if so it counts as recorded.
  bool due(const std::string& user, const std::string& object);
  // The read could not be recorded after all: the next one is due.
  void forget(const std::string& user, const std::string& object);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> recorded_;
};

// Failed sign-ins per client address, whatever the names: beyond kFreeFailures the address
// waits kFirstDelay, doubling with each further failure up to kMaxDelay, and is answered 429
// without a password being checked or the ledger written. Forgotten after kForget without one.
class LoginThrottle {
 public:
  static constexpr int kFreeFailures = 20;
  static constexpr std::chrono::seconds kFirstDelay{1};
  static constexpr std::chrono::seconds kMaxDelay{15 * 60};
  static constexpr std::chrono::seconds kForget{15 * 60};
  // 0 when `client` may try now, else the whole seconds it must wait.
  int wait(const std::string& client);
  void failed(const std::string& client);

 private:
  struct Window {
    std::chrono::steady_clock::time_point last;
    int failures = 0;
    std::chrono::steady_clock::time_point wait_until;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace moat::http
