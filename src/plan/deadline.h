// SPDX-License-Identifier: Apache-2.0
// The moment by which the planner must have answered, passed down to every phase that can take
// long on a large instance (compiling it, looking for conflicts, the heuristic, the exact engine,
// describing the plan), so that a user's time limit is kept whatever the instance's shape. Each
// phase checks it in its loops and, once it has passed, stops with what it has. A value: the
// planner reads no clock of its own beyond the monotonic one this wraps.
// A deadline can also be brought forward by whoever started the work (a user cancelling a planning
// job): it then counts as passed everywhere it is checked, and the phases stop as at the limit.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <utility>

namespace moat::plan {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  // No deadline: every phase runs to its end.
  Deadline() = default;
  explicit Deadline(Clock::time_point at) : at_(at) {}
  // `seconds` from `start` (now when unset).
  static Deadline after(double seconds, Clock::time_point start = Clock::now()) {
    constexpr double kLongest = 1e8;  // three years: beyond it, as good as none (and no overflow)
    if (!(seconds < kLongest)) return Deadline();
    return Deadline(start +
                    std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
  }

  // This deadline, passed as soon as `*stop` is true as well (set from another thread).
  Deadline stopped_by(std::shared_ptr<const std::atomic<bool>> stop) const {
    Deadline out = *this;
    out.stop_ = std::move(stop);
    return out;
  }

  bool stopped() const { return stop_ && stop_->load(std::memory_order_relaxed); }
  bool passed() const { return stopped() || Clock::now() >= at_; }
  double seconds_left() const {
    return stopped() ? 0.0 : std::chrono::duration<double>(at_ - Clock::now()).count();
  }
  Clock::time_point at() const { return at_; }
  // The earlier of this deadline and `other` (stopped when either is).
  Deadline sooner(const Deadline& other) const {
    Deadline out(std::min(at_, other.at_));
    out.stop_ = stop_ ? stop_ : other.stop_;
    return out;
  }
  // `margin` earlier (stopped when this one is).
  Deadline earlier_by(Clock::duration margin) const {
    Deadline out(at_ - margin);
    out.stop_ = stop_;
    return out;
  }
  // `share` of the time left now, as a deadline of its own (for a phase that must leave the rest).
  Deadline share(double share) const {
    if (at_ == Clock::time_point::max()) return *this;
    return Deadline::after(std::max(0.0, seconds_left()) * share).stopped_by(stop_);
  }

 private:
  Clock::time_point at_ = Clock::time_point::max();
  std::shared_ptr<const std::atomic<bool>> stop_;
};

// Checks a deadline every `Every`-th call, for loops whose single step is too cheap to read the
// clock each time.
template <unsigned Every = 64>
class DeadlineCheck {
 public:
  explicit DeadlineCheck(const Deadline& deadline) : deadline_(deadline) {}
  bool passed() {
    if (passed_) return true;
    if (++calls_ % Every == 0) passed_ = deadline_.passed();
    return passed_;
  }

 private:
  const Deadline& deadline_;
  unsigned calls_ = 0;
  bool passed_ = false;
};

}  // namespace moat::plan
