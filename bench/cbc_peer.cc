// SPDX-License-Identifier: Apache-2.0
// The plain-CBC peer: the planner's problem as the textbook model, solved by CBC as a modeller
// using CBC's defaults would (no moat reductions, no warm start, no heuristic, no repair).
//   x[p,s] per eligible quote; y[g,t] per untrusted party and secret it could come to hold;
//   sources per package, one source per party per package, capacity per supplier, y ≥ x for each
//   exposed secret, inference y[g,gives] ≥ Σ y[g,from] − (|from| − 1), the exposure cap
//   Σ w·y ≤ cap·W, and each party kept from each recipe Σ_{t∈r} y[g,t] ≤ |r| − 1.
//   Coalitions of two or more parties are added lazily, the textbook way: after each solve, every
//   coalition that completes a recipe gets pooled-knowledge columns z[C,t] ≥ y[g,t] (g ∈ C), its
//   own inference rows and Σ_{t∈r} z[C,t] ≤ |r| − 1 for every recipe; then CBC solves again from
//   scratch.
// Times: wall-clock from the model's first row to the answer, the process's CPU time over the same
// span (user and system), and CBC's own figures from its log ("Total time (CPU seconds)", summed
// over solves: CoinCpuTime counts user time only). The last line is one summary record,
// `result key=value ...`. Exit 0 even when no plan is found (the record says so).
//
//   cbc_peer --instance FILE [--time-limit S] [--log FILE]   (CBC's log; default: discarded)
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "plan/exposure.h"
#include "plan/problem.h"

namespace {

using Clock = std::chrono::steady_clock;
using moat::plan::Bitset;
using moat::plan::Problem;
constexpr double kInfinity = 1e30;
constexpr std::size_t kCoalitionsPerRound = 400;

struct Row {
  std::vector<int> columns;
  std::vector<double> values;
  double lower = -kInfinity;
  double upper = kInfinity;
};

// User and system CPU seconds of this process so far.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct CbcTimes {
  double cpu = 0;
  double wall = 0;
};

class Textbook {
 public:
  explicit Textbook(const Problem& problem) : problem_(problem) {
    add_assignment();
    for (std::size_t g = 0; g < problem_.parties.size(); ++g) {
      if (!problem_.parties[g].trusted) add_party(g);
    }
  }

  // Pooled knowledge of `coalition`, its inference and every recipe kept from it.
  void add_coalition(const std::vector<std::size_t>& coalition) {
    if (!coalitions_.insert(coalition).second) return;
    Bitset possible(problem_.secret_count);
    for (std::size_t g : coalition) possible.unite(possible_[g]);
    problem_.close(possible);
    std::map<std::size_t, int> z;
    possible.for_each([&](std::size_t t) { z[t] = add_column(0); });
    for (std::size_t g : coalition) {
      possible_[g].for_each([&](std::size_t t) {
        rows_.push_back({{z.at(t), y_.at({g, t})}, {1, -1}, 0, kInfinity});
      });
    }
    add_inference(possible, [&](std::size_t t) { return z.at(t); });
    add_recipes(possible, [&](std::size_t t) { return z.at(t); });
  }

  struct Solved {
    std::optional<std::vector<double>> values;
    bool proven_optimal = false;
    double bound = -kInfinity;
    CbcTimes times;
  };

  Solved solve(double seconds, const std::string& log) const {
    OsiClpSolverInterface solver;
    CoinPackedMatrix matrix(false, 0, 0);
    matrix.setDimensions(0, static_cast<int>(costs_.size()));
    std::vector<double> row_lower, row_upper;
    for (const Row& row : rows_) {
      matrix.appendRow(static_cast<int>(row.columns.size()), row.columns.data(), row.values.data());
      row_lower.push_back(row.lower);
      row_upper.push_back(row.upper);
    }
    std::vector<double> lower(costs_.size(), 0.0), upper(costs_.size(), 1.0);
    solver.loadProblem(matrix, lower.data(), upper.data(), costs_.data(), row_lower.data(), row_upper.data());
    for (std::size_t c = 0; c < costs_.size(); ++c) solver.setInteger(static_cast<int>(c));
    CbcModel model(solver);
    CbcSolverUsefulData data;
    CbcMain0(model, data);
    const std::string limit = std::to_string(std::max(0.05, seconds));
    const char* argv[] = {"cbc", "-sec", limit.c_str(), "-solve", "-quit"};
    const std::string captured = capture_stdout([&] {
      CbcMain1(
          static_cast<int>(std::size(argv)), argv, model, [](CbcModel*, int) { return 0; }, data);
    });
    if (!log.empty()) std::ofstream(log, std::ios::app) << captured;
    Solved solved;
    solved.proven_optimal = model.isProvenOptimal();
    solved.bound = model.getBestPossibleObjValue();
    if (model.bestSolution())
      solved.values = std::vector<double>(model.bestSolution(), model.bestSolution() + costs_.size());
    solved.times = times_in(captured);
    return solved;
  }

  moat::plan::Choice choice_of(const std::vector<double>& values) const {
    moat::plan::Choice choice(problem_.packages.size());
    for (const auto& [column, option] : x_) {
      if (values[static_cast<std::size_t>(column)] > 0.5) choice[option.first].push_back(option.second);
    }
    return choice;
  }
  std::size_t columns() const { return costs_.size(); }
  std::size_t rows() const { return rows_.size(); }

 private:
  int add_column(double cost) {
    costs_.push_back(cost);
    return static_cast<int>(costs_.size() - 1);
  }

  void add_assignment() {
    std::vector<Row> capacity(problem_.suppliers.size());
    for (std::size_t p = 0; p < problem_.packages.size(); ++p) {
      const auto& package = problem_.packages[p];
      Row choose{{}, {}, static_cast<double>(package.sources), static_cast<double>(package.sources)};
      std::map<std::size_t, Row> per_party;
      for (std::size_t o = 0; o < package.options.size(); ++o) {
        const auto& option = package.options[o];
        const int column = add_column(option.cost(package.units));
        x_[column] = {p, o};
        choose.columns.push_back(column);
        choose.values.push_back(1);
        Row& party = per_party[problem_.suppliers[option.supplier].party];
        party.columns.push_back(column);
        party.values.push_back(1);
        party.upper = 1;
        capacity[option.supplier].columns.push_back(column);
        capacity[option.supplier].values.push_back(package.units);
      }
      rows_.push_back(std::move(choose));
      for (auto& entry : per_party) {
        if (entry.second.columns.size() > 1) rows_.push_back(std::move(entry.second));
      }
    }
    for (std::size_t s = 0; s < problem_.suppliers.size(); ++s) {
      capacity[s].upper = problem_.suppliers[s].capacity;
      if (!capacity[s].columns.empty()) rows_.push_back(std::move(capacity[s]));
    }
  }

  void add_party(std::size_t g) {
    Bitset possible(problem_.secret_count);
    for (const auto& [column, option] : x_) {
      const auto& package = problem_.packages[option.first];
      if (problem_.suppliers[package.options[option.second].supplier].party == g)
        possible.unite(package.exposes);
    }
    problem_.close(possible);
    possible_.emplace(g, possible);
    possible.for_each([&](std::size_t t) { y_[{g, t}] = add_column(0); });
    for (const auto& [column, option] : x_) {
      const auto& package = problem_.packages[option.first];
      if (problem_.suppliers[package.options[option.second].supplier].party != g) continue;
      package.exposes.for_each([&](std::size_t t) {
        rows_.push_back({{y_.at({g, t}), column}, {1, -1}, 0, kInfinity});
      });
    }
    const auto y = [&](std::size_t t) { return y_.at({g, t}); };
    add_inference(possible, y);
    Row cap{{}, {}, -kInfinity, problem_.parties[g].cap * problem_.total_weight};
    possible.for_each([&](std::size_t t) {
      cap.columns.push_back(y(t));
      cap.values.push_back(problem_.weights[t]);
    });
    rows_.push_back(std::move(cap));
    if (problem_.collusion >= 1) add_recipes(possible, y);
  }

  template <typename Column>
  void add_inference(const Bitset& possible, Column column) {
    for (const auto& rule : problem_.rules) {
      if (!possible.test(rule.gives)) continue;
      bool all = true;
      for (std::size_t f : rule.from) all = all && possible.test(f);
      if (!all) continue;
      Row row{{column(rule.gives)}, {1}, 1.0 - static_cast<double>(rule.from.size()), kInfinity};
      for (std::size_t f : rule.from) {
        row.columns.push_back(column(f));
        row.values.push_back(-1);
      }
      rows_.push_back(std::move(row));
    }
  }

  template <typename Column>
  void add_recipes(const Bitset& possible, Column column) {
    for (const auto& recipe : problem_.recipes) {
      if (!possible.contains(recipe.secrets)) continue;
      Row row{{}, {}, -kInfinity, static_cast<double>(recipe.secrets.count()) - 1};
      recipe.secrets.for_each([&](std::size_t t) {
        row.columns.push_back(column(t));
        row.values.push_back(1);
      });
      rows_.push_back(std::move(row));
    }
  }

  template <typename F>
  static std::string capture_stdout(F run) {
    std::fflush(stdout);
    char path[] = "/tmp/cbc_peer_logXXXXXX";
    const int fd = ::mkstemp(path);
    const int saved = ::dup(1);
    ::dup2(fd, 1);
    run();
    std::fflush(stdout);
    ::dup2(saved, 1);
    ::close(saved);
    ::close(fd);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    ::unlink(path);
    return text.str();
  }

  static CbcTimes times_in(const std::string& log) {
    static const std::regex total(
        R"(Total time \(CPU seconds\):\s*([0-9.]+)\s*\(Wallclock seconds\):\s*([0-9.]+))");
    CbcTimes times;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), total); it != std::sregex_iterator(); ++it) {
      times.cpu += std::stod((*it)[1]);
      times.wall += std::stod((*it)[2]);
    }
    return times;
  }

  const Problem& problem_;
  std::vector<double> costs_;
  std::vector<Row> rows_;
  std::map<int, std::pair<std::size_t, std::size_t>> x_;
  std::map<std::pair<std::size_t, std::size_t>, int> y_;
  std::map<std::size_t, Bitset> possible_;
  std::set<std::vector<std::size_t>> coalitions_;
};

// Every coalition of at most k parties that completes a recipe under `choice` (pairs
// exhaustively at k = 2; one smallest coalition per recipe otherwise).
std::vector<std::vector<std::size_t>> completing_coalitions(const Problem& problem,
                                                            const moat::plan::Choice& choice) {
  const auto holders = moat::plan::party_holdings(problem, choice);
  std::vector<std::vector<std::size_t>> found;
  for (const auto& recipe : problem.recipes) {
    const auto smallest = moat::plan::min_coalition(problem, holders, recipe.secrets, problem.collusion);
    if (!smallest.size || *smallest.size > problem.collusion || *smallest.size < 2) continue;
    if (problem.collusion != 2) {
      found.push_back(smallest.members);
      continue;
    }
    for (std::size_t a = 0; a < holders.size(); ++a) {
      if (holders[a].trusted || !holders[a].held.intersects(recipe.secrets)) continue;
      for (std::size_t b = a + 1; b < holders.size(); ++b) {
        if (holders[b].trusted) continue;
        Bitset pool = holders[a].held;
        pool.unite(holders[b].held);
        problem.close(pool);
        if (pool.contains(recipe.secrets)) found.push_back({a, b});
        if (found.size() >= kCoalitionsPerRound) return found;
      }
    }
  }
  return found;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::string path, log;
  double time_limit = 60;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--instance")
      path = argv[i + 1];
    else if (flag == "--time-limit")
      time_limit = std::stod(argv[i + 1]);
    else if (flag == "--log")
      log = argv[i + 1];
  }
  if (path.empty()) {
    std::fprintf(stderr, "usage: cbc_peer --instance FILE [--time-limit S] [--log FILE]\n");
    return 2;
  }
  auto instance = moat::plan::parse_instance(read_all(path), path);
  if (!instance.ok()) {
    std::fprintf(stderr, "%s\n", instance.error().message().c_str());
    return 1;
  }
  const auto start = Clock::now();
  const double cpu_start = process_cpu_seconds();
  const Problem problem = moat::plan::compile(*instance, {false});
  Textbook model(problem);
  const auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(time_limit));
  CbcTimes cbc;
  std::optional<double> cost, bound;
  bool optimal = false;
  int rounds = 0;
  while (true) {
    const double left = std::chrono::duration<double>(deadline - Clock::now()).count();
    if (left <= 0) break;
    ++rounds;
    const auto solved = model.solve(left, log);
    cbc.cpu += solved.times.cpu;
    cbc.wall += solved.times.wall;
    if (solved.bound > -kInfinity / 2) bound = solved.bound;
    if (!solved.values) break;
    const auto choice = model.choice_of(*solved.values);
    const auto coalitions = completing_coalitions(problem, choice);
    if (coalitions.empty()) {
      if (moat::plan::violations(problem, choice).empty()) {
        cost = moat::plan::cost_of(problem, choice);
        optimal = solved.proven_optimal;
      }
      break;
    }
    for (const auto& coalition : coalitions) model.add_coalition(coalition);
  }
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = process_cpu_seconds() - cpu_start;
  const char* status = cost ? (optimal ? "optimal" : "feasible") : "unknown";
  std::printf(
      "peer (plain CBC, textbook model): %s, cost %.2f, bound %.2f, %.2f s wall, CBC's log: %.2f s CPU, %.2f "
      "s wall, "
      "%d solve%s, %zu columns, %zu rows\n",
      status, cost.value_or(-1), bound.value_or(-1), wall, cbc.cpu, cbc.wall, rounds, rounds == 1 ? "" : "s",
      model.columns(), model.rows());
  std::printf(
      "result peer status=%s cost=%.2f bound=%.2f wall_s=%.3f cpu_s=%.3f cbc_cpu_s=%.3f cbc_wall_s=%.3f "
      "rounds=%d\n",
      status, cost.value_or(-1), bound.value_or(-1), wall, cpu, cbc.cpu, cbc.wall, rounds);
  return 0;
}
