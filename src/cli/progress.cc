// SPDX-License-Identifier: Apache-2.0
#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "app/plan_jobs.h"

namespace moat::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kQuietStart{500};  // nothing drawn for work shorter than this
constexpr std::chrono::milliseconds kRedrawEvery{100};
constexpr const char* kQuietStartVariable = "MOAT_PROGRESS_DELAY_MS";  // another quiet start (tests: 0)

std::chrono::milliseconds quiet_start() {
  const char* value = std::getenv(kQuietStartVariable);
  if (value == nullptr || *value == '\0') return kQuietStart;
  char* end = nullptr;
  const long ms = std::strtol(value, &end, 10);
  return *end == '\0' && ms >= 0 ? std::chrono::milliseconds(ms) : kQuietStart;
}

// 1234567 -> "1,234,567".
std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string duration_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  if (s < 60) return std::to_string(s) + " s";
  return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
}

class Line {
 public:
  Line(std::string label, std::string unit) : label_(std::move(label)), unit_(std::move(unit)) {}
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  ~Line() {
    if (drawn_ && !ended_) std::fputs("\n", stderr);  // work that stopped early: end the line
  }

  void update(std::size_t done, std::size_t total) {
    const Clock::time_point now = Clock::now();
    if (!counting_) {  // the rate counts from the first unit told, not from the work before it
      counting_ = true;
      first_ = now;
    }
    const bool finished = total > 0 && done >= total;
    if (now - start_ < quiet_ && !drawn_) return;  // short work: stay clean
    if (!finished && drawn_ && now - last_ < kRedrawEvery) return;
    if (finished && ended_) return;
    draw(done, total, std::chrono::duration<double>(now - first_).count(), finished);
    last_ = now;
  }

 private:
  void draw(std::size_t done, std::size_t total, double elapsed, bool finished) {
    std::string text =
        "\r" + label_ + " " + grouped(done) + (total ? "/" + grouped(total) : "") + " " + unit_;
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    if (rate > 0) text += "  " + grouped(static_cast<std::size_t>(rate)) + "/s";
    if (finished) {
      text += "  done in " + duration_text(elapsed);
    } else if (rate > 0 && total > done) {
      text += "  " + duration_text(static_cast<double>(total - done) / rate) + " left";
    }
    text += "\033[K";  // clear what a longer line left
    if (finished) text += "\n";
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
    drawn_ = true;
    ended_ = finished;
  }

  std::string label_, unit_;
  Clock::time_point start_ = Clock::now(), first_{}, last_{};
  std::chrono::milliseconds quiet_ = quiet_start();
  bool counting_ = false, drawn_ = false, ended_ = false;
};

// "7.4%"; "0.05%" below a tenth of a percent.
std::string percent_text(double share) {
  char text[32];
  std::snprintf(text, sizeof text, share < 0.001 && share > 0 ? "%.2f%%" : "%.1f%%", share * 100);
  return text;
}

class Search final : public SearchLine {
 public:
  explicit Search(double time_limit) : limit_(time_limit) {
    ticker_ = std::thread([this] { tick(); });
  }
  Search(const Search&) = delete;
  Search& operator=(const Search&) = delete;
  ~Search() override {
    end();
    ticker_.join();
  }

  void end() override {
    {
      const std::lock_guard lock(mutex_);
      if (ended_) return;
      ended_ = true;
      if (drawn_) draw(true);
    }
    wake_.notify_all();
  }

  void update(std::optional<double> cost, std::optional<double> lower_bound) override {
    const std::lock_guard lock(mutex_);
    if (cost) cost_ = cost;
    if (lower_bound) bound_ = lower_bound;
  }

 private:
  void tick() {
    std::unique_lock lock(mutex_);
    while (!ended_) {
      wake_.wait_for(lock, kRedrawEvery * 2);
      if (ended_ || Clock::now() - start_ < quiet_) continue;
      draw(false);
    }
  }

  // Under mutex_ (or once the ticker has stopped).
  void draw(bool finished) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    std::string text = "\rPlanning";
    if (cost_) text += "  best " + grouped(static_cast<std::size_t>(*cost_ + 0.5));
    if (bound_) text += "  bound " + grouped(static_cast<std::size_t>(std::max(0.0, *bound_) + 0.5));
    if (const auto gap = app::plan_gap(cost_, bound_)) text += "  gap " + percent_text(*gap);
    if (finished) {
      text += "  done in " + duration_text(elapsed) + "\033[K\n";
    } else {
      text += "  " + duration_text(elapsed);
      if (limit_ > elapsed) text += ", " + duration_text(limit_ - elapsed) + " left";
      text += "\033[K";
    }
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
    drawn_ = true;
  }

  double limit_;
  Clock::time_point start_ = Clock::now();
  std::chrono::milliseconds quiet_ = quiet_start();
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<double> cost_, bound_;
  bool ended_ = false, drawn_ = false;
  std::thread ticker_;  // last: started once the rest is set
};

}  // namespace

std::unique_ptr<SearchLine> search_line(const GlobalOptions& global, double time_limit) {
  if (global.json || ::isatty(STDERR_FILENO) == 0) return nullptr;
  return std::make_unique<Search>(time_limit);
}

Progress progress_line(const GlobalOptions& global, std::string label, std::string unit) {
  if (global.json || ::isatty(STDERR_FILENO) == 0) return {};
  auto line = std::make_shared<Line>(std::move(label), std::move(unit));
  return [line](std::size_t done, std::size_t total) { line->update(done, total); };
}

}  // namespace moat::cli
