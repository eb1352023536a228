// SPDX-License-Identifier: Apache-2.0
#include "http/write_batch.h"

#include "app/write_batch.h"

namespace moat::http {

Status WriteBatcher::run(const Job& job) {
  Pending mine{&job};
  std::unique_lock lock(mutex_);
  queue_.push_back(&mine);
  while (!mine.done) {
    if (leading_) {
      finished_.wait(lock);
      continue;
    }
    // Lead: take what is queued (this request's write among it unless the queue is long).
    leading_ = true;
    std::deque<Pending*> batch;
    while (!queue_.empty() && batch.size() < kMaxBatch) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    commit_batch(batch);
    lock.lock();
    for (Pending* pending : batch) pending->done = true;
    leading_ = false;
    finished_.notify_all();
  }
  lock.unlock();
  if (mine.thrown) std::rethrow_exception(mine.thrown);
  return mine.status;
}

Status WriteBatcher::begin() {
  if (!workspace_) {
    MOAT_TRY(workspace_, app::Workspace::open(dir_));
  }
  Status begun = app::begin_write_batch(*workspace_);
  if (!begun.ok() && begun.error().code() == ErrorCode::kInternal) workspace_.reset();  // reopened next time
  return begun;
}

void WriteBatcher::commit_batch(const std::deque<Pending*>& batch) {
  if (Status begun = begin(); !begun.ok()) {
    for (Pending* pending : batch) pending->status = begun;
    return;
  }
  for (Pending* pending : batch) {
    try {
      (*pending->job)(*workspace_);
    } catch (...) {
      pending->thrown = std::current_exception();
    }
  }
  auto committed = app::commit_write_batch(*workspace_);
  if (committed.ok()) return;
  for (Pending* pending : batch) pending->status = committed.error();
  if (committed.error().code() == ErrorCode::kInternal) workspace_.reset();
}

}  // namespace moat::http
