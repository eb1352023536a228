// SPDX-License-Identifier: Apache-2.0
#include "http/caches.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <stdexcept>

namespace moat::http {
namespace {

constexpr std::size_t kMaxTokens = 10'000;
constexpr std::size_t kMaxResponses = 2'000;
constexpr std::size_t kMaxCachedBody = 1 << 20;
constexpr std::size_t kMaxClients = 10'000;
constexpr std::string_view kLedgerTable = "ledger";

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<WorkspacePool>> WorkspacePool::open(const std::filesystem::path& dir,
                                                           std::size_t size) {
  std::unique_ptr<WorkspacePool> pool(new WorkspacePool(dir));
  for (std::size_t i = 0; i < std::max<std::size_t>(size, 1); ++i) {
    MOAT_TRY(auto workspace, app::Workspace::open(dir));
    pool->free_.push_back(std::move(workspace));
  }
  return pool;
}

WorkspacePool::Lease::~Lease() {
  if (!workspace_) return;
  if (discarded_) workspace_.reset();
  pool_->give_back(std::move(workspace_));
}

app::Workspace& WorkspacePool::Lease::operator*() {
  if (!workspace_) workspace_ = pool_->take();
  return *workspace_;
}

std::unique_ptr<app::Workspace> WorkspacePool::take() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !free_.empty() || missing_ > 0; });
  if (!free_.empty()) {
    auto workspace = std::move(free_.back());
    free_.pop_back();
    return workspace;
  }
  --missing_;
  lock.unlock();
  auto reopened = app::Workspace::open(dir_);
  if (!reopened.ok()) {
    give_back(nullptr);
    // The one exception the API lets out of a request: caught at its edge and answered 500.
    throw std::runtime_error("cannot reopen the workspace: " + reopened.error().to_string());
  }
  return std::move(*reopened);
}

void WorkspacePool::give_back(std::unique_ptr<app::Workspace> workspace) {
  {
    std::lock_guard lock(mutex_);
    if (workspace) {
      free_.push_back(std::move(workspace));
    } else {
      ++missing_;
    }
  }
  available_.notify_one();
}

std::optional<app::User> TokenCache::find(const std::string& digest) {
  std::shared_lock lock(mutex_);
  const auto it = entries_.find(digest);
  if (it == entries_.end() || it->second.expires < std::chrono::steady_clock::now()) return std::nullopt;
  return it->second.user;
}

void TokenCache::store(const std::string& digest, const app::User& user) {
  std::unique_lock lock(mutex_);
  if (entries_.size() >= kMaxTokens) entries_.clear();
  entries_[digest] = {user, std::chrono::steady_clock::now() + kLifetime};
}

std::optional<CachedResponse> ResponseCache::find(const std::string& key, std::int64_t version) {
  std::shared_lock lock(mutex_);
  if (version != version_) return std::nullopt;
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.response;
}

void ResponseCache::store(const std::string& key, std::int64_t version, CachedResponse response,
                          std::set<std::string> tables) {
  if (response.body.size() > kMaxCachedBody) return;
  // Every write appends to the ledger: an answer read from no table at all (or from the ledger)
  // depends on every write.
  if (tables.empty()) tables.insert(std::string(kLedgerTable));
  std::unique_lock lock(mutex_);
  if (version != version_) return;  // made from other data than the cache holds now
  if (entries_.size() >= kMaxResponses) entries_.clear();
  entries_[key] = {std::move(response), std::move(tables)};
}

std::int64_t ResponseCache::version() {
  std::shared_lock lock(mutex_);
  return version_;
}

void ResponseCache::advance(std::int64_t version, const std::optional<std::set<std::string>>& changed) {
  std::unique_lock lock(mutex_);
  if (version == version_) return;
  const bool known = changed && version > version_ && version_ >= 0;
  version_ = version;
  if (!known) {
    entries_.clear();
    return;
  }
  // Every write extends the ledger and its Merkle tree, whichever records it changes.
  const auto stale = [&](const std::string& table) {
    return changed->contains(table) || table == kLedgerTable || table == "ledger_tree";
  };
  std::erase_if(entries_, [&](const auto& entry) {
    return std::any_of(entry.second.tables.begin(), entry.second.tables.end(), stale);
  });
}

std::optional<std::int64_t> DataVersion::fresh() const {
  const std::int64_t read_at = read_at_.load();
  if (read_at == 0 || steady_ms() - read_at > kMaxAge.count()) return std::nullopt;
  if (witness_signature() != witness_seen_.load()) return std::nullopt;
  return version_.load();
}

DataVersion::~DataVersion() {
  if (pinned_ >= 0) ::close(pinned_);
}

std::int64_t DataVersion::observed(std::int64_t version, const Reading& reading) {
  version_.store(version);
  if (!witness_.empty()) {
    // Opened after the reading: if the file was replaced in between, the signature is of the
    // older one and the next fresh() reads the version again.
    const int now = ::open(witness_.c_str(), O_RDONLY | O_CLOEXEC);
    if (pinned_ >= 0) ::close(pinned_);
    pinned_ = now;
  }
  witness_seen_.store(reading.witness);
  if (generation_.load() == reading.generation) read_at_.store(steady_ms());
  return version;
}

std::uint64_t DataVersion::witness_signature() const {
  if (witness_.empty()) return 0;
  struct stat status {};
  if (::stat(witness_.c_str(), &status) != 0) return 0;
  // Renaming a new file into place changes the inode (the one seen is held open, so its number
  // is not reused) and the change time.
  std::uint64_t signature = static_cast<std::uint64_t>(status.st_ino);
  for (const std::uint64_t part :
       {static_cast<std::uint64_t>(status.st_ctim.tv_sec), static_cast<std::uint64_t>(status.st_ctim.tv_nsec),
        static_cast<std::uint64_t>(status.st_mtim.tv_nsec), static_cast<std::uint64_t>(status.st_size)}) {
    signature = signature * 0x9E3779B97F4A7C15ULL + part;
  }
  return signature | 1;  // never 0, the signature of no file
}

int RateLimiter::take(const std::string& user) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (buckets_.size() >= kMaxClients) buckets_.clear();
  auto [it, added] = buckets_.try_emplace(user, Bucket{capacity_, now});
  Bucket& bucket = it->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.at).count();
  bucket.tokens = std::min(capacity_, bucket.tokens + elapsed * per_second_);
  bucket.at = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - bucket.tokens) / per_second_)));
}

bool ReadLog::due(const std::string& user, const std::string& object) {
  const auto now = std::chrono::steady_clock::now();
  const std::string key = user + '\n' + object;
  std::lock_guard lock(mutex_);
  if (recorded_.size() >= kMaxClients) {
    std::erase_if(recorded_, [&](const auto& entry) { return now - entry.second >= kWindow; });
  }
  auto [it, added] = recorded_.try_emplace(key, now);
  if (added) return true;
  if (now - it->second < kWindow) return false;
  it->second = now;
  return true;
}

void ReadLog::forget(const std::string& user, const std::string& object) {
  std::lock_guard lock(mutex_);
  recorded_.erase(user + '\n' + object);
}

int LoginThrottle::wait(const std::string& client) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  const auto it = windows_.find(client);
  if (it == windows_.end() || it->second.wait_until <= now) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(it->second.wait_until - now).count());
}

void LoginThrottle::failed(const std::string& client) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (windows_.size() >= kMaxClients) {
    std::erase_if(windows_, [&](const auto& entry) { return now - entry.second.last > kForget; });
  }
  if (windows_.size() >= kMaxClients) windows_.clear();
  auto [it, added] = windows_.try_emplace(client, Window{now, 0, now});
  Window& window = it->second;
  if (now - window.last > kForget) window.failures = 0;
  window.last = now;
  if (++window.failures <= kFreeFailures) return;
  auto delay = std::chrono::duration_cast<std::chrono::steady_clock::duration>(kFirstDelay);
  for (int i = kFreeFailures + 1; i < window.failures && delay < kMaxDelay; ++i) delay *= 2;
  window.wait_until =
      now + std::min(delay, std::chrono::duration_cast<std::chrono::steady_clock::duration>(kMaxDelay));
}

}  // namespace moat::http
