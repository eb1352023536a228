// SPDX-License-Identifier: Apache-2.0
// Internal to src/http: group commit for the API's record writes. Requests that write are queued;
// one of the waiting threads takes every write queued meanwhile and runs them on the batcher's own
// workspace inside one transaction (app/write_batch.h) — each write its own checks, its own
// savepoint and its own ledger events, in the order they were queued — then commits once and wakes
// them. A request is answered only after the commit that holds its write; a write that fails its
// checks is rolled back alone. While one batch commits, the next one gathers.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>

#include "app/workspace.h"
#include "core/result.h"

namespace moat::http {

class WriteBatcher {
 public:
  static constexpr std::size_t kMaxBatch = 64;

  explicit WriteBatcher(std::filesystem::path dir) : dir_(std::move(dir)) {}

  using Job = std::function<void(app::Workspace&)>;
  // Runs `job` on the batcher's workspace, in the transaction of the batch it joins, and returns
  // once that transaction has committed; when it could not be committed (or begun), its error: the
  // job's writes did not happen then. An exception the job throws is thrown again here.
  Status run(const Job& job);

 private:
  struct Pending {
    const Job* job;
    bool done = false;
    Status status;
    std::exception_ptr thrown;
  };
  void commit_batch(const std::deque<Pending*>& batch);
  Status begin();

  std::filesystem::path dir_;
  std::unique_ptr<app::Workspace> workspace_;  // used only by the thread leading a batch
  std::mutex mutex_;
  std::condition_variable finished_;
  std::deque<Pending*> queue_;
  bool leading_ = false;
};

}  // namespace moat::http
