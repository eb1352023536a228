// SPDX-License-Identifier: Apache-2.0
// A command's time limit as its user counts it: from the moment the process started (loading
// moat's libraries takes a tenth of a second, several on a loaded machine, before main runs) to
// the answer printed and the process ended. AnswerWatch is the last line of defence of such a
// limit: a command that has not begun its answer when the limit runs out is answered for, with
// the answer the watch was given (a plan of status `unknown` and its reason), and the process
// ends there. Linux: the start is read from /proc; elsewhere it is the first call's time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace moat::cli {

// When this process started, on the steady clock.
std::chrono::steady_clock::time_point process_started();

class AnswerWatch {
 public:
  // From now until `by`: then, unless claim() came first, writes `late` to stdout and ends the
  // process with exit code 0.
  AnswerWatch(std::chrono::steady_clock::time_point by, std::string late);
  ~AnswerWatch();
  AnswerWatch(const AnswerWatch&) = delete;
  AnswerWatch& operator=(const AnswerWatch&) = delete;

  // The command gives its own answer: returns at once, unless the watch has begun the answer
  // already (it then never returns: the process is ending).
  void claim();
  // A better answer for the watch to give, should it have to (a plan found on the way); ignored
  // once the watch has begun its answer.
  void offer(std::string late);
  // What the watch does first should it answer (end a progress line drawn on the terminal, so the
  // answer starts on a line of its own); run on the watch's thread. Once claim() has returned it
  // is never run.
  void before_answer(std::function<void()> tidy);

 private:
  void watch();

  std::chrono::steady_clock::time_point by_;
  std::string late_;
  std::function<void()> tidy_;
  std::mutex mutex_;
  std::condition_variable claimed_or_stopped_;
  bool claimed_ = false;
  bool answered_ = false;
  std::thread thread_;
};

// Flushes stdout and stderr and ends the process without freeing what it holds: an instance of a
// million quotes takes longer to free than its plan takes to print.
[[noreturn]] void end_process(int code);

}  // namespace moat::cli
