// SPDX-License-Identifier: Apache-2.0
#include "http/caches.h"

#include <stdexcept>

namespace moat::http {
namespace {

constexpr std::size_t kMaxTokens = 10'000;
constexpr std::size_t kMaxResponses = 2'000;
constexpr std::size_t kMaxCachedBody = 1 << 20;
constexpr std::size_t kMaxClients = 10'000;
constexpr auto kThrottleWindow = std::chrono::minutes(1);

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<WorkspacePool>> WorkspacePool::open(const std::filesystem::path& dir, std::size_t size) {
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
  return it->second;
}

void ResponseCache::store(const std::string& key, std::int64_t version, CachedResponse response) {
  if (response.body.size() > kMaxCachedBody) return;
  std::unique_lock lock(mutex_);
  if (version < version_) return;  // made from older data than the cache holds now
  if (version > version_ || entries_.size() >= kMaxResponses) {
    entries_.clear();
    version_ = version;
  }
  entries_[key] = std::move(response);
}

std::optional<std::int64_t> DataVersion::fresh() const {
  const std::int64_t read_at = read_at_.load();
  if (read_at == 0 || steady_ms() - read_at > kMaxAge.count()) return std::nullopt;
  return version_.load();
}

std::int64_t DataVersion::observed(std::int64_t version, std::uint64_t generation) {
  version_.store(version);
  if (generation_.load() == generation) read_at_.store(steady_ms());
  return version;
}

bool LoginThrottle::allow(const std::string& client) {
  std::lock_guard lock(mutex_);
  const auto it = windows_.find(client);
  if (it == windows_.end()) return true;
  if (std::chrono::steady_clock::now() - it->second.start > kThrottleWindow) {
    windows_.erase(it);
    return true;
  }
  return it->second.failures < kMaxFailuresPerMinute;
}

void LoginThrottle::failed(const std::string& client) {
  std::lock_guard lock(mutex_);
  if (windows_.size() >= kMaxClients) windows_.clear();
  auto [it, added] = windows_.try_emplace(client, Window{std::chrono::steady_clock::now(), 0});
  if (!added && std::chrono::steady_clock::now() - it->second.start > kThrottleWindow) {
    it->second = Window{std::chrono::steady_clock::now(), 0};
  }
  ++it->second.failures;
}

}  // namespace moat::http
