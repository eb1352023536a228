// SPDX-License-Identifier: Apache-2.0
// The planner on generated instances (bench/instance_generator.h), beside plain CBC on the
// textbook model as the peer, measured in the same run:
//   moat: the heuristic's first valid plan (time, cost), then the exact engine warm-started from
//         it (status, cost, proven lower bound, gap, time), then exposure analysis of the plan;
//   peer: the same model family with no reductions, no warm start and no repair of relaxed
//         solutions (CBC's own heuristics only), with the same coalition cuts and time limit.
// Every plan printed has passed violations(). Peak memory (max RSS) at the end.
//
//   plan_bench --size S|M|L|XL [--collusion K] [--seed N] [--time-limit S] [--peer] [--heuristic-only]
//              [--write FILE]   (the instance, for `moat plan --instance FILE`)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bench/instance_generator.h"
#include "plan/exact.h"
#include "plan/exposure.h"
#include "plan/heuristic.h"

namespace {

using Clock = std::chrono::steady_clock;
using moat::plan::Problem;

struct Options {
  std::string size = "S";
  int collusion = 1;
  std::uint64_t seed = 1;
  double time_limit = 60;
  bool peer = false;
  bool heuristic_only = false;
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
    if (flag == "--size") o.size = value();
    else if (flag == "--collusion") o.collusion = std::stoi(value());
    else if (flag == "--seed") o.seed = std::stoull(value());
    else if (flag == "--time-limit") o.time_limit = std::stod(value());
    else if (flag == "--peer") o.peer = true;
    else if (flag == "--heuristic-only") o.heuristic_only = true;
    else if (flag == "--write") o.write = value();
    else {
      std::fprintf(stderr, "plan_bench: unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  return o;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

Clock::time_point after(double seconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

const char* outcome_name(moat::plan::ExactResult::Outcome outcome) {
  switch (outcome) {
    case moat::plan::ExactResult::Outcome::kOptimal: return "optimal";
    case moat::plan::ExactResult::Outcome::kFeasible: return "feasible";
    case moat::plan::ExactResult::Outcome::kInfeasible: return "infeasible";
    case moat::plan::ExactResult::Outcome::kUnknown: return "unknown";
  }
  return "?";
}

void report_exact(const char* who, const Problem& problem, const moat::plan::ExactResult& result, double elapsed) {
  std::printf("%s: %s", who, outcome_name(result.outcome));
  if (result.choice) {
    const double cost = moat::plan::cost_of(problem, *result.choice);
    const bool valid = moat::plan::violations(problem, *result.choice).empty();
    std::printf(", cost %.2f%s", cost, valid ? "" : " (INVALID)");
    if (result.lower_bound) std::printf(", bound %.2f, gap %.3f%%", *result.lower_bound, 100 * (cost - *result.lower_bound) / cost);
  } else if (result.lower_bound) {
    std::printf(", no plan, bound %.2f", *result.lower_bound);
  } else {
    std::printf(", no plan");
  }
  std::printf(", %.2f s, %d solve%s\n", elapsed, result.rounds, result.rounds == 1 ? "" : "s");
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  const moat::bench::InstanceSize* size = moat::bench::find_size(options.size);
  if (!size) {
    std::fprintf(stderr, "plan_bench: --size is S, M, L or XL\n");
    return 2;
  }
  auto start = Clock::now();
  const moat::plan::Instance instance = moat::bench::generate_instance(*size, options.seed, options.collusion);
  std::printf("instance %s seed %llu collusion %d: %zu packages, %zu suppliers, %zu recipes, %zu secrets, %zu rules, "
              "%zu quotes (generated in %.2f s)\n",
              size->name, static_cast<unsigned long long>(options.seed), options.collusion, instance.packages.size(),
              instance.suppliers.size(), instance.recipes.size(), instance.secrets.size(), instance.derives.size(),
              instance.quotes.size(), seconds_since(start));
  if (!options.write.empty()) std::ofstream(options.write) << moat::plan::instance_json(instance);

  start = Clock::now();
  const Problem problem = moat::plan::compile(instance);
  const double compiled = seconds_since(start);
  const auto quick = moat::plan::solve_heuristic(problem, after(options.time_limit));
  const double first = seconds_since(start);
  if (quick.choice) {
    std::printf("moat heuristic: valid plan, cost %.2f, %.3f s (compile %.3f s)\n", quick.cost, first, compiled);
    const auto describe_start = Clock::now();
    const moat::plan::Plan described = moat::plan::describe(problem, *quick.choice, moat::plan::PlanStatus::kFeasible);
    std::printf("exposure analysis of the plan: %.1f ms (%zu parties holding secrets, %zu recipes)\n",
                1000 * seconds_since(describe_start), described.parties.size(), described.recipes.size());
  } else {
    std::printf("moat heuristic: no valid plan, %.3f s\n", first);
  }
  if (!options.heuristic_only) {
    const auto exact = moat::plan::solve_exact(problem, after(options.time_limit), quick.choice);
    report_exact("moat exact", problem, exact, seconds_since(start));
  }
  if (options.peer) {
    start = Clock::now();
    const Problem textbook = moat::plan::compile(instance, {false});
    const auto peer = moat::plan::solve_exact(textbook, after(options.time_limit), std::nullopt, false);
    report_exact("peer (plain CBC, textbook model)", textbook, peer, seconds_since(start));
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak memory: %.0f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
