// SPDX-License-Identifier: Apache-2.0
// The Merkle ledger's speed, three figures:
//   append  — E events appended in one write transaction (a batched import), each with its leaf
//             and the subtrees it completes stored in that transaction: events/s.
//   verify  — the chain (BLAKE2b, links) and the tree (every leaf and node rebuilt and compared
//             with the stored ones) over V events, in memory (the pure engines) and as
//             `moat audit verify` reads them from the database: events/s.
//   prove   — an inclusion proof at L leaves: the proof's ranges read from the stored subtrees in
//             one query, folded and verified; P proofs at random leaves: min / median / p99 / max.
//             The L leaves are synthetic hashes written straight into the tree's table (building
//             L real events would take the append figure's time); the proof's work is the same.
// Each figure is given for R runs: min / median / max, by the wall clock and by the process's own
// CPU time (what the figure would be on an idle machine; for PostgreSQL, the server's CPU time is
// not in it).
//
//   ledger_tree [--backend sqlite|postgresql] [--url postgresql://...] [--append 100000]
//               [--verify 1000000] [--leaves 10000000] [--proofs 1000] [--runs 3]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "ledger/chain.h"
#include "ledger/merkle.h"
#include "store/store.h"
#include "store/tree.h"
#include "testing/testing.h"

namespace {

using Clock = std::chrono::steady_clock;
using moat::ledger::Hash;

struct Options {
  std::string backend = "sqlite";
  std::string url;
  long append = 100000;
  long verify = 1000000;
  long leaves = 10000000;
  int proofs = 1000;
  int runs = 3;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "ledger_tree: %s\n", message.c_str());
  std::exit(2);
}

template <typename T>
T check(moat::Result<T> result) {
  if (!result.ok()) die(result.error().to_string());
  return std::move(*result);
}

void check(const moat::Status& status) {
  if (!status.ok()) die(status.error().to_string());
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--backend")
      options.backend = value;
    else if (flag == "--url")
      options.url = value;
    else if (flag == "--append")
      options.append = std::stol(value);
    else if (flag == "--verify")
      options.verify = std::stol(value);
    else if (flag == "--leaves")
      options.leaves = std::stol(value);
    else if (flag == "--proofs")
      options.proofs = std::stoi(value);
    else if (flag == "--runs")
      options.runs = std::stoi(value);
    else
      die("unknown flag " + flag);
  }
  return options;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// Wall and CPU seconds since it was made.
struct Timer {
  Clock::time_point wall = Clock::now();
  double cpu = cpu_seconds();
  double wall_seconds() const { return seconds_since(wall); }
  double cpu_seconds_used() const { return cpu_seconds() - cpu; }
};

struct Rate {
  double wall = 0, cpu = 0;  // per second
};

// A fresh store on the backend under test (a new PostgreSQL database per call).
struct Fixture {
  moat::testing::TempDir dir;
  moat::testing::TestDatabase database;
  std::unique_ptr<moat::store::Store> store;

  explicit Fixture(const Options& options) : database(options.backend) {
    if (!database.error().empty()) die(database.error());
    auto db = options.backend == "postgresql" ? moat::store::open_postgresql(database.url())
                                              : moat::store::open_sqlite(dir.path() / "moat.db", true);
    store = check(moat::store::Store::open(check(std::move(db)), dir.path() / "ledger.head"));
  }
};

// A note event's detail, about the size of a supplier record.
std::string detail(long n) {
  return R"({"id":"F)" + std::to_string(n) +
         R"(","legal_name":"深圳市示例电子有限公司","uscc":"91440300MA5F0000X1","capacity":50000,"status":"qualified","capabilities":["pcba-smt","final-assembly"]})";
}

Rate append_run(const Options& options, long events) {
  Fixture fixture(options);
  const Timer timer;
  const long written =
      check(fixture.store->write({"bench", "2026-12-05T00:00:00.000Z"}, [&](moat::store::Writer& w) {
        for (long n = 0; n < events; ++n) {
          const moat::Status noted = w.note("import", "suppliers", "F" + std::to_string(n), detail(n));
          if (!noted.ok()) return noted;
        }
        return moat::Status{};
      }));
  const Rate rate{static_cast<double>(events) / timer.wall_seconds(),
                  static_cast<double>(events) / timer.cpu_seconds_used()};
  if (written != events) die("appended " + std::to_string(written) + " of " + std::to_string(events));
  return rate;
}

struct VerifyFigures {
  Rate chain_memory, tree_memory, both_from_database;
};

VerifyFigures verify_run(const Options& options) {
  Fixture fixture(options);
  check(fixture.store->write({"bench", "2026-12-05T00:00:00.000Z"}, [&](moat::store::Writer& w) {
    for (long n = 0; n < options.verify; ++n) {
      const moat::Status noted = w.note("import", "suppliers", "F" + std::to_string(n), detail(n));
      if (!noted.ok()) return noted;
    }
    return moat::Status{};
  }));
  VerifyFigures figures;
  const auto count = static_cast<double>(options.verify);
  const Timer read_timer;
  const auto events = check(fixture.store->events(1, -1));
  const auto nodes = check(moat::store::tree_nodes(fixture.store->database()));
  const double read_wall = read_timer.wall_seconds(), read_cpu = read_timer.cpu_seconds_used();
  const Timer chain_timer;
  if (!moat::ledger::verify(events).ok) die("the chain does not verify");
  const double chain_wall = chain_timer.wall_seconds(), chain_cpu = chain_timer.cpu_seconds_used();
  const Timer tree_timer;
  if (!moat::ledger::verify_tree(events, nodes).ok) die("the tree does not verify");
  const double tree_wall = tree_timer.wall_seconds(), tree_cpu = tree_timer.cpu_seconds_used();
  figures.chain_memory = {count / chain_wall, count / chain_cpu};
  figures.tree_memory = {count / tree_wall, count / tree_cpu};
  figures.both_from_database = {count / (read_wall + chain_wall + tree_wall),
                                count / (read_cpu + chain_cpu + tree_cpu)};
  return figures;
}

struct ProofFigures {
  double min_ms = 0, median_ms = 0, p99_ms = 0, max_ms = 0, cpu_ms = 0, build_s = 0;
};

ProofFigures prove_run(const Options& options) {
  Fixture fixture(options);
  moat::store::Database& db = fixture.store->database();
  const auto start_build = Clock::now();
  moat::ledger::TreeEdge edge;
  constexpr long kBatch = 200000;
  for (long done = 0; done < options.leaves;) {
    moat::store::WriteTransaction transaction = check(moat::store::WriteTransaction::begin(db));
    std::vector<moat::ledger::StoredNode> nodes;
    for (long end = std::min(options.leaves, done + kBatch); done < end; ++done) {
      const auto made = edge.append(moat::ledger::leaf_hash("leaf " + std::to_string(done)));
      nodes.insert(nodes.end(), made.begin(), made.end());
    }
    check(moat::store::insert_tree_nodes(db, nodes));
    check(transaction.commit());
  }
  ProofFigures figures;
  figures.build_s = seconds_since(start_build);
  const Hash root = edge.root();
  const auto size = static_cast<std::uint64_t>(options.leaves);
  std::mt19937_64 random(42);
  std::vector<double> times;
  const Timer all_proofs;
  for (int p = 0; p < options.proofs; ++p) {
    const std::uint64_t index = random() % size;
    const auto start = Clock::now();
    const std::vector<moat::ledger::Range> ranges = moat::ledger::inclusion_ranges(index, size);
    const auto proof = check(moat::store::tree_range_hashes(db, ranges));
    const Hash leaf = moat::ledger::leaf_hash("leaf " + std::to_string(index));
    if (!moat::ledger::verify_inclusion(index, size, leaf, proof, root)) die("a proof does not verify");
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  figures.cpu_ms = all_proofs.cpu_seconds_used() * 1000 / options.proofs;
  std::sort(times.begin(), times.end());
  figures.min_ms = times.front();
  figures.median_ms = times[times.size() / 2];
  figures.p99_ms = times[times.size() * 99 / 100];
  figures.max_ms = times.back();
  return figures;
}

void summary(const char* what, const std::vector<Rate>& rates) {
  std::vector<double> wall, cpu;
  for (const Rate& r : rates) {
    wall.push_back(r.wall);
    cpu.push_back(r.cpu);
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  std::printf("%s: wall min %.0f median %.0f max %.0f; CPU min %.0f median %.0f max %.0f events/s\n", what,
              wall.front(), wall[wall.size() / 2], wall.back(), cpu.front(), cpu[cpu.size() / 2], cpu.back());
}
}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  if (options.backend == "postgresql") {
    if (options.url.empty()) die("--url is needed for postgresql");
    setenv("MOAT_TEST_POSTGRES", options.url.c_str(), 1);
  }
  std::printf("backend=%s append=%ld verify=%ld leaves=%ld proofs=%d runs=%d\n", options.backend.c_str(),
              options.append, options.verify, options.leaves, options.proofs, options.runs);
  std::vector<Rate> appends, chains, trees, audits;
  for (int r = 0; r < options.runs && options.append > 0; ++r) {
    appends.push_back(append_run(options, options.append));
    std::printf("append run %d: %.0f events/s (CPU: %.0f)\n", r + 1, appends.back().wall, appends.back().cpu);
  }
  for (int r = 0; r < options.runs && options.verify > 0; ++r) {
    const VerifyFigures f = verify_run(options);
    chains.push_back(f.chain_memory);
    trees.push_back(f.tree_memory);
    audits.push_back(f.both_from_database);
    std::printf(
        "verify run %d: chain %.0f, tree %.0f events/s in memory; read + chain + tree %.0f events/s\n", r + 1,
        f.chain_memory.wall, f.tree_memory.wall, f.both_from_database.wall);
  }
  if (!appends.empty()) summary("append (one transaction)", appends);
  if (!chains.empty()) {
    summary("verify chain (in memory)", chains);
    summary("verify tree (in memory)", trees);
    summary("verify read + chain + tree", audits);
  }
  if (options.leaves > 0) {
    const ProofFigures f = prove_run(options);
    std::printf(
        "prove at %ld leaves (tree written in %.1f s): min %.3f median %.3f p99 %.3f max %.3f ms; "
        "CPU per proof %.3f ms\n",
        options.leaves, f.build_s, f.min_ms, f.median_ms, f.p99_ms, f.max_ms, f.cpu_ms);
  }
  return 0;
}
