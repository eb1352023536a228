// SPDX-License-Identifier: Apache-2.0
// The planner on generated instances (bench/instance_generator.h), as a user gets it:
//   first plan: compile and the heuristic alone (time, cost) — what the time limit starts from;
//   moat: plan::solve with the time limit (status, cost, proven bound, gap, wall-clock and CPU
//         time, the exact engine's child process included), every plan checked with violations();
//   exposure analysis of the plan.
// The plain-CBC peer is a separate program (bench/cbc_peer.cc) run on the instance this one
// writes, in the same script (bench/run_plan_benchmarks.sh). The last line is one summary
// record, `result key=value ...`, for the script's table. Peak memory (max RSS) at the end.
//
//   plan_bench --size T|S|M|L|XL [--family NAME] [--collusion K] [--seed N] [--time-limit S]
//              [--heuristic-only] [--write FILE]   (the instance, for `moat plan --instance FILE`)
//              [--write-only]                      (with --write: generate and write, nothing else)
//              [--no-lagrangian]                   (the exact engine without its Lagrangian bound)
#include <sys/resource.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unordered_map>

#include "bench/instance_generator.h"
#include "plan/exposure.h"
#include "plan/heuristic.h"
#include "plan/planner.h"

namespace {

using Clock = std::chrono::steady_clock;
using moat::plan::Problem;

struct Options {
  std::string size = "S";
  std::string family = "modular";
  int collusion = 1;
  std::uint64_t seed = 1;
  double time_limit = 60;
  bool heuristic_only = false;
  bool write_only = false;
  bool lagrangian = true;
  std::string write;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) std::exit(2);
      return argv[++i];
    };
    if (flag == "--size")
      o.size = value();
    else if (flag == "--family")
      o.family = value();
    else if (flag == "--collusion")
      o.collusion = std::stoi(value());
    else if (flag == "--seed")
      o.seed = std::stoull(value());
    else if (flag == "--time-limit")
      o.time_limit = std::stod(value());
    else if (flag == "--heuristic-only")
      o.heuristic_only = true;
    else if (flag == "--write")
      o.write = value();
    else if (flag == "--write-only")
      o.write_only = true;
    else if (flag == "--no-lagrangian")
      o.lagrangian = false;
    else {
      std::fprintf(stderr, "plan_bench: unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  return o;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds of this process and of its finished children (the exact engine's): user and system
// time together, and user time alone (what CBC's log counts: CoinCpuTime reads ru_utime only).
struct CpuSeconds {
  double total = 0;
  double user = 0;
};

CpuSeconds cpu_seconds() {
  CpuSeconds seconds;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage usage{};
    getrusage(who, &usage);
    const double user =
        static_cast<double>(usage.ru_utime.tv_sec) + static_cast<double>(usage.ru_utime.tv_usec) / 1e6;
    const double system =
        static_cast<double>(usage.ru_stime.tv_sec) + static_cast<double>(usage.ru_stime.tv_usec) / 1e6;
    seconds.total += user + system;
    seconds.user += user;
  }
  return seconds;
}

double peak_mib(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const moat::bench::InstanceSize* size = moat::bench::find_size(options.size);
  if (!size || !moat::bench::is_family(options.family)) {
    std::fprintf(stderr, "plan_bench: --size is T, S, M, L or XL; --family is one of");
    for (const std::string& f : moat::bench::family_names()) std::fprintf(stderr, " %s", f.c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  auto start = Clock::now();
  const moat::plan::Instance instance =
      moat::bench::generate_instance(*size, options.seed, options.collusion, options.family);
  std::printf(
      "instance %s %s seed %llu collusion %d: %zu packages, %zu suppliers, %zu recipes, %zu secrets, %zu "
      "rules, "
      "%zu quotes (generated in %.2f s)\n",
      options.family.c_str(), size->name, static_cast<unsigned long long>(options.seed), options.collusion,
      instance.packages.size(), instance.suppliers.size(), instance.recipes.size(), instance.secrets.size(),
      instance.derives.size(), instance.quotes.size(), seconds_since(start));
  if (!options.write.empty()) std::ofstream(options.write) << moat::plan::instance_json(instance);
  if (options.write_only) return 0;

  start = Clock::now();
  const Problem problem = moat::plan::compile(instance);
  const double compiled = seconds_since(start);
  const auto quick =
      moat::plan::solve_heuristic(problem, moat::plan::Deadline::after(options.time_limit, start));
  const double first = seconds_since(start);
  if (quick.choice) {
    std::printf("first plan (compile + heuristic): cost %.2f, %.3f s (compile %.3f s)\n", quick.cost, first,
                compiled);
    const auto describe_start = Clock::now();
    const moat::plan::Plan described =
        moat::plan::describe(problem, *quick.choice, moat::plan::PlanStatus::kFeasible,
                             moat::plan::Deadline::after(options.time_limit));
    std::printf("exposure analysis of the plan: %.1f ms (%zu parties holding secrets, %zu recipes)\n",
                1000 * seconds_since(describe_start), described.parties.size(), described.recipes.size());
  } else {
    std::printf("first plan (compile + heuristic): none, %.3f s\n", first);
  }
  std::string record = "result family=" + options.family + " size=" + size->name +
                       " seed=" + std::to_string(options.seed) + " k=" + std::to_string(options.collusion);
  char text[256];
  std::snprintf(text, sizeof text, " first_s=%.3f first_cost=%.2f", quick.choice ? first : -1.0,
                quick.choice ? quick.cost : -1.0);
  record += text;
  if (!options.heuristic_only) {
    const CpuSeconds cpu_before = cpu_seconds();
    start = Clock::now();
    moat::plan::SolveOptions solve_options{options.time_limit, true, start};
    solve_options.lagrangian = options.lagrangian;
    const moat::plan::Plan plan = moat::plan::solve(instance, solve_options);
    const double wall = seconds_since(start);
    // The exact engine's child is reaped aside after the answer: its CPU time counts once it is.
    while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
    }
    const CpuSeconds cpu_after = cpu_seconds();
    const double cpu = cpu_after.total - cpu_before.total;
    const double user = cpu_after.user - cpu_before.user;
    bool valid = true;
    if (plan.cost) {
      // Re-check the plan from its assignments (units per source as compiled).
      std::unordered_map<std::string, std::size_t> index;
      for (std::size_t p = 0; p < problem.packages.size(); ++p) index[problem.packages[p].id] = p;
      moat::plan::Choice choice(problem.packages.size());
      for (const auto& a : plan.assignments) {
        const std::size_t p = index.at(a.package);
        for (std::size_t o = 0; o < problem.packages[p].options.size(); ++o) {
          if (problem.suppliers[problem.packages[p].options[o].supplier].id == a.supplier)
            choice[p].push_back(o);
        }
      }
      valid = moat::plan::violations(problem, choice).empty();
    }
    const double gap = plan.cost && plan.lower_bound && *plan.cost > 0
                           ? 100 * (*plan.cost - *plan.lower_bound) / *plan.cost
                           : -1;
    std::printf("moat: %s, cost %.2f%s, bound %.2f, gap %.3f%%, %.2f s wall, %.2f s CPU%s%s\n",
                std::string(moat::plan::status_name(plan.status)).c_str(), plan.cost.value_or(-1),
                valid ? "" : " (INVALID)", plan.lower_bound.value_or(-1), gap, wall, cpu,
                plan.reasons.empty() ? "" : "; ", plan.reasons.empty() ? "" : plan.reasons.front().c_str());
    std::snprintf(text, sizeof text,
                  " status=%s cost=%.2f bound=%.2f gap=%.4f wall_s=%.3f cpu_s=%.3f user_s=%.3f valid=%d",
                  std::string(moat::plan::status_name(plan.status)).c_str(), plan.cost.value_or(-1),
                  plan.lower_bound.value_or(-1), gap, wall, cpu, user, valid ? 1 : 0);
    record += text;
  }
  std::printf("peak memory: %.0f MiB (exact engine's process: %.0f MiB)\n", peak_mib(RUSAGE_SELF),
              peak_mib(RUSAGE_CHILDREN));
  std::snprintf(text, sizeof text, " rss_mib=%.0f child_rss_mib=%.0f", peak_mib(RUSAGE_SELF),
                peak_mib(RUSAGE_CHILDREN));
  std::printf("%s%s\n", record.c_str(), text);
  return 0;
}
