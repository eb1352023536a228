// SPDX-License-Identifier: Apache-2.0
// Ledger append throughput under concurrent writers: W threads, each with its own database
// connection (as W moat processes would have), append E events in all, one event per write
// transaction. Afterwards every event must be there and the chain must verify. Prints
// events/s and the per-transaction latency (p50, p99, max) for each of R runs, then the
// min/median/max throughput.
//
//   ledger_append [--backend sqlite|postgresql] [--url postgresql://...] [--writers 32]
//                 [--events 100000] [--runs 3]
// PostgreSQL: --url names a server; each run uses a new database created there.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "testing/testing.h"

namespace {

using moat::store::Database;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string backend = "sqlite";
  std::string url;
  int writers = 32;
  long events = 100000;
  int runs = 3;
};

struct RunResult {
  double seconds = 0;
  double events_per_second = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  long stored = 0;
  bool verified = false;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "ledger_append: %s\n", message.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--backend")
      options.backend = value;
    else if (flag == "--url")
      options.url = value;
    else if (flag == "--writers")
      options.writers = std::stoi(value);
    else if (flag == "--events")
      options.events = std::stol(value);
    else if (flag == "--runs")
      options.runs = std::stoi(value);
    else
      die("unknown flag " + flag);
  }
  return options;
}

std::unique_ptr<Database> connect(const Options& options, const std::filesystem::path& file,
                                  const std::string& url) {
  auto db = options.backend == "postgresql" ? moat::store::open_postgresql(url)
                                            : moat::store::open_sqlite(file, true);
  if (!db.ok()) die(db.error().to_string());
  return std::move(*db);
}

std::unique_ptr<moat::store::Store> open_store(const Options& options, const std::filesystem::path& dir,
                                               const std::string& url) {
  auto store = moat::store::Store::open(connect(options, dir / "moat.db", url), dir / "ledger.head");
  if (!store.ok()) die(store.error().to_string());
  return std::move(*store);
}

RunResult run_once(const Options& options) {
  moat::testing::TempDir dir;
  if (options.backend == "postgresql") setenv("MOAT_TEST_POSTGRES", options.url.c_str(), 1);
  moat::testing::TestDatabase database(options.backend);
  if (!database.error().empty()) die(database.error());
  std::vector<std::unique_ptr<moat::store::Store>> stores;
  for (int w = 0; w < options.writers; ++w) stores.push_back(open_store(options, dir.path(), database.url()));

  std::atomic<long> next{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(options.writers));
  std::atomic<bool> failed{false};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < options.writers; ++w) {
    threads.emplace_back([&, w] {
      const auto index = static_cast<std::size_t>(w);
      const moat::store::Author author{"writer-" + std::to_string(w), "2026-11-25T00:00:00.000Z"};
      for (long n = next++; n < options.events; n = next++) {
        const auto begin = Clock::now();
        auto written = stores[index]->write(author, [&](moat::store::Writer& writer) {
          return writer.note("bench", "bench", std::to_string(n), std::nullopt);
        });
        if (!written.ok()) {
          std::fprintf(stderr, "writer %d: %s\n", w, written.error().to_string().c_str());
          failed = true;
          return;
        }
        latencies[index].push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  RunResult result;
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) die("a writer failed");

  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  result.events_per_second = static_cast<double>(options.events) / result.seconds;
  result.p50_ms = all[all.size() / 2];
  result.p99_ms = all[all.size() * 99 / 100];
  result.max_ms = all.back();
  auto events = stores[0]->events();
  if (!events.ok()) die(events.error().to_string());
  result.stored = static_cast<long>(events->size());
  result.verified = moat::ledger::verify(*events).ok;
  stores.clear();
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  if (options.backend == "postgresql" && options.url.empty()) die("--url is needed for postgresql");
  std::printf("backend=%s writers=%d events=%ld runs=%d\n", options.backend.c_str(), options.writers,
              options.events, options.runs);
  std::vector<double> throughput;
  bool all_good = true;
  for (int r = 0; r < options.runs; ++r) {
    const RunResult result = run_once(options);
    const bool good = result.stored == options.events && result.verified;
    all_good = all_good && good;
    throughput.push_back(result.events_per_second);
    std::printf(
        "run %d: %.2f s, %.0f events/s, transaction p50 %.2f ms p99 %.2f ms max %.1f ms, "
        "stored %ld of %ld, chain %s\n",
        r + 1, result.seconds, result.events_per_second, result.p50_ms, result.p99_ms, result.max_ms,
        result.stored, options.events, result.verified ? "verified" : "BROKEN");
  }
  std::sort(throughput.begin(), throughput.end());
  std::printf("events/s: min %.0f median %.0f max %.0f%s\n", throughput.front(),
              throughput[throughput.size() / 2], throughput.back(), all_good ? "" : "  (FAILED CHECKS)");
  return all_good ? 0 : 1;
}
