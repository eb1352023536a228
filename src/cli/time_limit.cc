// SPDX-License-Identifier: Apache-2.0
#include "cli/time_limit.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace moat::cli {
namespace {

using Clock = std::chrono::steady_clock;

// The fields of /proc/self/stat after the command's name that come before its start time (in
// clock ticks since boot: field 22 of the line, the command's name being field 2).
constexpr int kFieldsBeforeStartTime = 19;

// How long ago this process started, from its start time in /proc and the boot-time clock the
// kernel counts it on; nullopt where either cannot be read.
std::optional<double> process_age_seconds() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const std::size_t name_end = line.rfind(')');
  if (name_end == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(name_end + 1));
  std::string field;
  for (int i = 0; i < kFieldsBeforeStartTime && fields >> field;) ++i;
  long long ticks = 0;
  if (!(fields >> ticks)) return std::nullopt;
  const long per_second = ::sysconf(_SC_CLK_TCK);
  timespec now{};
  if (per_second <= 0 || ::clock_gettime(CLOCK_BOOTTIME, &now) != 0) return std::nullopt;
  const double age = static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9 -
                     static_cast<double>(ticks) / static_cast<double>(per_second);
  constexpr double kLongestStart = 600;  // beyond it the clocks disagree: not a start to count from
  if (age < 0 || age > kLongestStart) return std::nullopt;
  return age;
}

void write_all(const std::string& text) {
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

Clock::time_point process_started() {
  static const Clock::time_point started = [] {
    const Clock::time_point now = Clock::now();
    const std::optional<double> age = process_age_seconds();
    if (!age) return now;
    return now - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*age));
  }();
  return started;
}

AnswerWatch::AnswerWatch(Clock::time_point by, std::string late)
    : by_(by), late_(std::move(late)), thread_([this] { watch(); }) {}

AnswerWatch::~AnswerWatch() {
  {
    const std::lock_guard lock(mutex_);
    claimed_ = true;
  }
  claimed_or_stopped_.notify_all();
  thread_.join();
}

void AnswerWatch::claim() {
  std::unique_lock lock(mutex_);
  if (!answered_) {
    claimed_ = true;
    lock.unlock();
    claimed_or_stopped_.notify_all();
    return;
  }
  while (true) claimed_or_stopped_.wait(lock);  // the watch is ending the process
}

void AnswerWatch::offer(std::string late) {
  const std::lock_guard lock(mutex_);
  if (!answered_) late_ = std::move(late);
}

void AnswerWatch::before_answer(std::function<void()> tidy) {
  const std::lock_guard lock(mutex_);
  if (!answered_) tidy_ = std::move(tidy);
}

void AnswerWatch::watch() {
  std::unique_lock lock(mutex_);
  if (claimed_or_stopped_.wait_until(lock, by_, [this] { return claimed_; })) return;
  answered_ = true;  // late_ and tidy_ are not changed from here on
  lock.unlock();
  if (tidy_) tidy_();
  std::fflush(stderr);
  write_all(late_);
  std::_Exit(0);
}

void end_process(int code) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}

}  // namespace moat::cli
