// SPDX-License-Identifier: Apache-2.0
#include "plan/exact_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace moat::plan {
namespace {

using Clock = std::chrono::steady_clock;
// The child aims to stop this much before the deadline, so that its last word arrives in time.
constexpr auto kChildMargin = std::chrono::milliseconds(150);
// How often the parent looks whether its deadline was stopped while the child is quiet.
constexpr long long kStopCheckMs = 50;

// A result as bytes: a length, then outcome, finished flag, rounds, bound and choice.
class Writer {
 public:
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  std::string framed() const {
    std::string out(sizeof(std::uint32_t), '\0');
    const auto length = static_cast<std::uint32_t>(bytes_.size());
    std::memcpy(out.data(), &length, sizeof length);
    return out + bytes_;
  }

 private:
  void raw(const void* p, std::size_t n) { bytes_.append(static_cast<const char*>(p), n); }
  std::string bytes_;
};

class Reader {
 public:
  Reader(const char* data, std::size_t size) : data_(data), size_(size) {}
  std::uint32_t u32() { return take<std::uint32_t>(); }
  double f64() { return take<double>(); }
  bool ok() const { return ok_; }

 private:
  template <typename T>
  T take() {
    T v{};
    if (offset_ + sizeof v > size_) {
      ok_ = false;
      return v;
    }
    std::memcpy(&v, data_ + offset_, sizeof v);
    offset_ += sizeof v;
    return v;
  }
  const char* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
  bool ok_ = true;
};

std::string encode(const ExactResult& result, bool finished) {
  Writer w;
  w.u32(static_cast<std::uint32_t>(result.outcome));
  w.u32(finished ? 1 : 0);
  w.u32(static_cast<std::uint32_t>(result.rounds));
  w.u32(result.lower_bound ? 1 : 0);
  w.f64(result.lower_bound.value_or(0));
  w.u32(result.choice ? static_cast<std::uint32_t>(result.choice->size()) + 1 : 0);
  if (result.choice) {
    for (const std::vector<std::size_t>& sources : *result.choice) {
      w.u32(static_cast<std::uint32_t>(sources.size()));
      for (std::size_t o : sources) w.u32(static_cast<std::uint32_t>(o));
    }
  }
  return w.framed();
}

struct Message {
  ExactResult result;
  bool finished = false;
};

std::optional<Message> decode(const char* data, std::size_t size) {
  Reader r(data, size);
  Message m;
  m.result.outcome = static_cast<ExactResult::Outcome>(r.u32());
  m.finished = r.u32() == 1;
  m.result.rounds = static_cast<int>(r.u32());
  const bool has_bound = r.u32() == 1;
  const double bound = r.f64();
  if (has_bound) m.result.lower_bound = bound;
  if (const std::uint32_t packages = r.u32(); packages > 0) {
    Choice choice(packages - 1);
    for (auto& sources : choice) {
      sources.resize(r.u32());
      for (std::size_t& o : sources) o = r.u32();
      if (!r.ok()) return std::nullopt;
    }
    m.result.choice = std::move(choice);
  }
  if (!r.ok()) return std::nullopt;
  return m;
}

bool write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// In the child: solve, sending each improvement, then the final result; never returns.
[[noreturn]] void run_child(int fd, const Problem& problem, const Deadline& deadline,
                            const std::optional<Choice>& incumbent, const ExactOptions& options) {
  int code = 0;
  try {
    ExactOptions child = options;
    child.on_improvement = [fd](const ExactResult& so_far) { write_all(fd, encode(so_far, false)); };
    const ExactResult result = solve_exact(problem, Deadline(deadline.at() - kChildMargin), incumbent, child);
    code = write_all(fd, encode(result, true)) ? 0 : 3;
  } catch (...) {
    code = 4;
  }
  ::_exit(code);  // no atexit handlers and no flush of buffers copied from the parent
}

// In the parent: the child's messages until it finishes or the deadline passes.
class Listener {
 public:
  // `on_message`: told each result the child sends (its improvements), in this process.
  Listener(int fd, std::function<void(const ExactResult&)> on_message)
      : fd_(fd), on_message_(std::move(on_message)) {}

  // Reads until the child closes the pipe (true) or the deadline passes or is stopped (false).
  bool listen(const Deadline& deadline) {
    char chunk[1 << 16];
    while (true) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline.at() - Clock::now()).count();
      if (left <= 0 || deadline.stopped()) return false;
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, kStopCheckMs)));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) continue;
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return true;
      buffer_.append(chunk, static_cast<std::size_t>(n));
      consume();
    }
  }

  const std::optional<Message>& last() const { return last_; }

 private:
  void consume() {
    std::size_t offset = 0;
    while (buffer_.size() - offset >= sizeof(std::uint32_t)) {
      std::uint32_t length = 0;
      std::memcpy(&length, buffer_.data() + offset, sizeof length);
      if (buffer_.size() - offset - sizeof length < length) break;
      if (auto m = decode(buffer_.data() + offset + sizeof length, length)) {
        if (on_message_) on_message_(m->result);
        last_ = std::move(m);
      }
      offset += sizeof length + length;
    }
    buffer_.erase(0, offset);
  }

  int fd_;
  std::function<void(const ExactResult&)> on_message_;
  std::string buffer_;
  std::optional<Message> last_;
};

}  // namespace

ExactResult solve_exact_isolated(const Problem& problem, const Deadline& deadline,
                                 const std::optional<Choice>& incumbent, const ExactOptions& options) {
  int fds[2];
  if (::pipe(fds) != 0) return solve_exact(problem, deadline, incumbent, options);
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return solve_exact(problem, deadline, incumbent, options);
  }
  if (child == 0) {
    // Ended with the parent, should it end first (a caller's own watch over its time limit).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // Nothing of the parent's (a server's sockets, a database) stays open in the child.
    const auto fd = static_cast<unsigned>(fds[1]);
    if (fd > 3) ::close_range(3, fd - 1, 0);
    ::close_range(fd + 1, ~0U, 0);
    run_child(fds[1], problem, deadline, incumbent, options);
  }
  ::close(fds[1]);
  Listener listener(fds[0], options.on_improvement);
  const bool finished = listener.listen(deadline);
  const bool complete = listener.last() && listener.last()->finished;
  int status = 0;
  if (finished && !complete) {  // it ended without its last word: how, for the reason below
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
  } else {
    // A large child takes a while to tear down, after its last word or after the kill (an
    // exact engine of 800 MB on a loaded machine: tenths of a second and more): reaped aside, so
    // that the answer does not wait for it.
    if (!finished) ::kill(child, SIGKILL);
    std::thread([child] {
      int ended = 0;
      while (::waitpid(child, &ended, 0) < 0 && errno == EINTR) {
      }
    }).detach();
  }
  ::close(fds[0]);

  ExactResult result;
  if (listener.last()) result = listener.last()->result;
  if (!result.choice && incumbent) {
    result.choice = incumbent;
    result.outcome = ExactResult::Outcome::kFeasible;
  }
  if (!complete) {
    if (!finished) {
      result.stopped = deadline.stopped() ? "the exact engine was stopped on request"
                                          : "the exact engine was stopped at the time limit";
    } else if (WIFSIGNALED(status)) {
      result.stopped =
          "the exact engine ended unexpectedly (signal " + std::to_string(WTERMSIG(status)) + ")";
    } else {
      result.stopped = "the exact engine ended unexpectedly";
    }
    if (result.outcome == ExactResult::Outcome::kInfeasible) result.outcome = ExactResult::Outcome::kUnknown;
  }
  return result;
}

}  // namespace moat::plan
