// SPDX-License-Identifier: Apache-2.0
// The release check on a large product: the XL planner instance (bench/instance_generator.h)
// planned by the heuristic, 10,000 earlier releases of its packages to people at the suppliers the
// plan names (1 to 3 recipients each, some files narrowed to fewer secrets), then a new release
// checked against the knowledge rules (party, coalition, person, group and caps) the way moat
// release does it: the copies' holdings folded into parties and people, the breaches the release
// would add. The database read that feeds it (one query over the copies) is not in the figure.
//
//   release_check_bench [--size XL] [--releases 10000] [--runs 30] [--seed 1]
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "app/release_knowledge.h"
#include "app/releases.h"
#include "bench/instance_generator.h"
#include "plan/heuristic.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string size = "XL";
  int releases = 10000;
  int runs = 30;
  std::uint64_t seed = 1;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--size")) o.size = argv[i + 1];
    if (!std::strcmp(argv[i], "--releases")) o.releases = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--runs")) o.runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seed")) o.seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  return o;
}

// CPU time this process has used, in ms: on a shared machine it is the check's own cost.
double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Held {
  std::string person, supplier;
  moat::plan::Bitset secrets;
};

constexpr int kPeoplePerSupplier = 6;

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const moat::bench::InstanceSize* size = moat::bench::find_size(options.size);
  if (!size) {
    std::fprintf(stderr, "release_check_bench: --size is S, M, L or XL\n");
    return 2;
  }
  const moat::plan::Instance instance = moat::bench::generate_instance(*size, options.seed, 1);
  const moat::plan::Problem problem = moat::plan::compile(instance);
  const auto planned = moat::plan::solve_heuristic(problem, moat::plan::Deadline::after(30));
  if (!planned.choice) {
    std::fprintf(stderr, "release_check_bench: the heuristic found no plan\n");
    return 1;
  }
  std::vector<std::pair<std::size_t, std::size_t>> assignments;  // package, supplier
  for (std::size_t p = 0; p < planned.choice->size(); ++p) {
    for (const std::size_t option : (*planned.choice)[p])
      assignments.emplace_back(p, problem.packages[p].options[option].supplier);
  }
  std::mt19937_64 rng(options.seed);
  const auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  const auto person_at = [&](std::size_t supplier) {
    return problem.suppliers[supplier].id + "-P" + std::to_string(pick(kPeoplePerSupplier));
  };
  std::vector<Held> copies;  // one row per recipient and release, as the copies query folds them
  for (int r = 0; r < options.releases; ++r) {
    const auto [package, supplier] = assignments[pick(assignments.size())];
    moat::plan::Bitset secrets = problem.packages[package].exposes;
    if (pick(3) == 0) {  // a file narrowed to one of its package's secrets
      moat::plan::Bitset one(problem.secret_count);
      secrets.for_each([&](std::size_t s) {
        if (one.empty()) one.set(s);
      });
      secrets = one;
    }
    const std::size_t recipients = 1 + pick(3);
    for (std::size_t i = 0; i < recipients; ++i)
      copies.push_back({person_at(supplier), problem.suppliers[supplier].id, secrets});
  }
  std::printf("instance %s: %zu packages, %zu suppliers, %zu recipes; %d prior releases, %zu copies rows\n",
              size->name, instance.packages.size(), instance.suppliers.size(), instance.recipes.size(),
              options.releases, copies.size());

  moat::plan::Instance light = instance;  // what a workspace's product instance gives the check
  light.packages.clear();
  light.quotes.clear();
  std::vector<double> times, cpu_times, compile_ms, fold_ms, rules_ms;
  std::size_t refusals = 0;
  for (int run = 0; run < options.runs + 1; ++run) {  // the first is a warm-up
    const auto [package, supplier] = assignments[pick(assignments.size())];
    const std::string at = problem.suppliers[supplier].id;
    const double cpu_start = cpu_ms();
    const auto start = Clock::now();
    moat::app::Knowledge k = moat::app::empty_knowledge(light, 1);
    const auto compiled = Clock::now();
    for (const Held& held : copies) moat::app::add_held(k, held.person, held.supplier, held.secrets);
    const auto folded = Clock::now();
    const moat::app::Addition addition{
        at, {person_at(supplier), person_at(supplier)}, problem.packages[package].exposes};
    const std::vector<moat::app::Refusal> found = moat::app::added_refusals(k, addition, {}, {});
    const double elapsed = ms_since(start);
    if (run > 0) {
      times.push_back(elapsed);
      cpu_times.push_back(cpu_ms() - cpu_start);
      compile_ms.push_back(std::chrono::duration<double, std::milli>(compiled - start).count());
      fold_ms.push_back(std::chrono::duration<double, std::milli>(folded - compiled).count());
      rules_ms.push_back(ms_since(folded));
    }
    refusals += found.size();
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::sort(times.begin(), times.end());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "release check (compile secrets, rules, recipes, parties; fold %zu copies rows; the rules): min %.1f "
      "ms, median %.1f ms, max %.1f ms over %d runs "
      "(%zu refusals found); peak memory %.0f MiB\n",
      copies.size(), times.front(), times[times.size() / 2], times.back(), options.runs, refusals,
      static_cast<double>(usage.ru_maxrss) / 1024.0);
  std::printf("CPU time (median): %.1f ms\n", median(cpu_times));
  std::printf("phases (median): compile %.1f ms, fold %.1f ms, rules %.1f ms\n", median(compile_ms),
              median(fold_ms), median(rules_ms));
  return 0;
}
