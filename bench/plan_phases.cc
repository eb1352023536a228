// SPDX-License-Identifier: Apache-2.0
// Where `moat plan --instance FILE` spends its time, phase by phase, with no time limit on any of
// them: reading the file, parsing it into an instance, compiling it (the indexes), the conflict
// search, the heuristic's first plan (and its full check), its local search, the full check of
// the plan it ends with once more (alone), describing the plan and writing its JSON. One line per phase:
// name, wall-clock seconds, CPU seconds of the process so far. The file is read into memory first (as `moat
// plan` maps it: no parse without padding), and the heap taken as `moat plan` takes it (on huge
// pages; `--small-pages` leaves the allocator's defaults, as before).
//
//   plan_phases --instance FILE [--collusion K] [--small-pages]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/memory.h"
#include "plan/exposure.h"
#include "plan/heuristic.h"
#include "plan/infeasibility.h"
#include "plan/instance.h"

namespace {

using Clock = std::chrono::steady_clock;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

class Phases {
 public:
  void done(const char* name) {
    const Clock::time_point now = Clock::now();
    std::printf("%-22s %8.3f s wall %8.3f s CPU (total)\n", name,
                std::chrono::duration<double>(now - last_).count(), cpu_seconds());
    std::fflush(stdout);
    last_ = now;
  }

 private:
  Clock::time_point last_ = Clock::now();
};

}  // namespace

int main(int argc, char** argv) {
  std::string file;
  int collusion = -1;
  bool small_pages = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--small-pages") small_pages = true;
    if (flag == "--instance" && i + 1 < argc) file = argv[++i];
    if (flag == "--collusion" && i + 1 < argc) collusion = std::atoi(argv[++i]);
  }
  if (file.empty()) {
    std::fprintf(stderr, "usage: plan_phases --instance FILE [--collusion K] [--small-pages]\n");
    return 2;
  }
  Phases phases;
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return std::fprintf(stderr, "%s: cannot read this file\n", file.c_str()), 1;
  std::string text(static_cast<std::size_t>(in.tellg()), '\0');
  text.reserve(text.size() + moat::plan::kInstanceTextPadding);
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!small_pages) {
    moat::keep_freed_memory();
    moat::heap_on_huge_pages(moat::plan::heap_for_instance(text.size()));
  }
  phases.done("read file");
  auto read = moat::plan::parse_instance_within(text, file, {}, true);
  if (!read.ok()) return std::fprintf(stderr, "%s\n", read.error().message().c_str()), 1;
  phases.done("parse instance");
  moat::plan::Instance* instance = &**read;
  if (collusion >= 0) instance->policy.collusion = collusion;
  const moat::plan::Problem problem = moat::plan::compile(*instance);
  phases.done("compile");
  const moat::plan::Conflicts conflicts = moat::plan::find_conflicts(problem);
  phases.done("conflict search");
  if (!conflicts.reasons.empty()) {
    std::printf("infeasible: %s\n", conflicts.reasons.front().c_str());
    return 0;
  }
  const moat::plan::HeuristicResult quick = moat::plan::solve_heuristic(
      problem, {}, nullptr, [&](const moat::plan::Choice&) { phases.done("first plan, checked"); });
  phases.done("local search to its end");
  if (!quick.choice) {
    std::printf("the heuristic found no plan\n");
    return 0;
  }
  std::printf("cost %.0f\n", quick.cost);
  const std::vector<std::string> broken = moat::plan::violations(problem, *quick.choice);
  phases.done("full check again");
  if (!broken.empty()) std::printf("the plan breaks %zu rules: %s\n", broken.size(), broken.front().c_str());
  const moat::plan::Plan plan = moat::plan::describe(
      problem, *quick.choice, moat::plan::PlanStatus::kFeasible, moat::plan::Deadline::after(5));
  phases.done("describe (5 s at most)");
  const std::string json = moat::plan::plan_json(plan);
  phases.done("plan JSON");
  std::printf("JSON %zu bytes\n", json.size());
  return 0;
}
