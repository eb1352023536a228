// SPDX-License-Identifier: Apache-2.0
// Marking benchmarks: collusion trials, false-attribution trials and throughput, on the real
// engine (marks embedded in files, suspects built from copies, read back and traced).
//
//   mark_bench collusion --format gerber|excellon|step|pdf --colluders 2 --trials 200 [--file PATH]
//       Each trial: a fresh key, 20 copies, the first c combined per carrier at random, per
//       region of the file, or by averaging coordinates (in turn); success when at least one
//       colluder is named; any innocent named is counted. PDF copies are combined in qpdf's
//       QDF form, one content operator a line, and repaired by fix-qdf; they carry no stamp, as
//       colluders delete the stamps that name them (its layer is removable) before combining.
//   mark_bench false --format F --trials 10000 [--file PATH --other PATH]
//       Suspects that name no one rightly: another recipient's copy (its id not scored), the
//       unmarked master, a copy with a random codeword, a copy of another master; each trial
//       scores 20 innocent copies.
//   mark_bench speed --format F --file PATH [--runs 5] [--other PATH]
//       Throughput (MB/s of the master) on one core, min/median/max of the runs: one copy marked
//       from scratch; the master prepared (parsed, carriers chosen: once per release and trace);
//       a copy marked from the prepared master; a copy traced against it; a copy traced from
//       scratch.
//   mark_bench nets --file LAYER.gbr
//       The net check of a Gerber copper layer (nets, smallest clearance) and of two marked copies.
// Without --file: generated boards, drill files and a B-spline model.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/memory.h"
#include "mark/code.h"
#include "mark/gerber_nets.h"
#include "mark/mark.h"
#include "mark/mark_testing.h"
#include "mark/prf.h"

namespace {

using namespace moat::mark;
using moat::internal_error;
using moat::Result;
// The time this thread has run (CPU time): the machine may be shared, and wall time would count
// the other processes' turns on its cores too.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<Clock>;
  static constexpr bool is_steady = true;
  static time_point now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration(static_cast<rep>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec));
  }
};

struct Options {
  std::string mode, format = "gerber", file, other;
  int colluders = 2, trials = 200, runs = 5;
};

Options parse(int argc, char** argv) {
  Options o;
  if (argc > 1) o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--format")
      o.format = value;
    else if (flag == "--file")
      o.file = value;
    else if (flag == "--other")
      o.other = value;
    else if (flag == "--colluders")
      o.colluders = std::atoi(value.c_str());
    else if (flag == "--trials")
      o.trials = std::atoi(value.c_str());
    else if (flag == "--runs")
      o.runs = std::atoi(value.c_str());
  }
  return o;
}

// A generated drill file with decimal millimetre coordinates (so copies can be averaged).
std::string decimal_drill(int holes, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> coordinate(1, 99);
  std::string out = "M48\nMETRIC,TZ\nT1C0.300\n%\nT01\n";
  char line[64];
  for (int i = 0; i < holes; ++i) {
    std::snprintf(line, sizeof line, "X%.3fY%.3f\n", coordinate(rng), coordinate(rng));
    out += line;
  }
  return out + "M30\n";
}

// A generated STEP model: one B-spline surface with a 40×40 control net (1,444 interior poles),
// its shape varied by `seed`.
std::string net_step(unsigned seed) {
  const int n = 40;
  std::string out =
      "ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('AUTOMOTIVE_DESIGN'));\nENDSEC;\nDATA;\n"
      "#1=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));\n"
      "#5=UNCERTAINTY_MEASURE_WITH_UNIT(LENGTH_MEASURE(0.01),#1,'distance_accuracy_value','');\n"
      "#6=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNCERTAINTY_ASSIGNED_CONTEXT((#5))"
      "GLOBAL_UNIT_ASSIGNED_CONTEXT((#1))REPRESENTATION_CONTEXT('',''));\n";
  std::string net, knots = "(4", params = "(";
  char line[128];
  for (int i = 0, id = 100; i < n; ++i) {
    net += i ? ",(" : "(";
    for (int j = 0; j < n; ++j, ++id) {
      std::snprintf(line, sizeof line, "#%d=CARTESIAN_POINT('',(%.10f,%.10f,%.10f));\n", id, i * 2.5, j * 2.5,
                    8 * std::sin(i * 0.3 + seed) * std::cos(j * 0.2 + 0.5 * seed));
      out += line;
      net += (j ? ",#" : "#") + std::to_string(id);
    }
    net += ")";
  }
  for (int i = 0; i < n - 4; ++i) knots += ",1";
  for (int i = 0; i < n - 2; ++i) params += (i ? "," : "") + std::to_string(i) + ".";
  knots += ",4)", params += ")";
  out += "#10=B_SPLINE_SURFACE_WITH_KNOTS('',3,3,(" + net + "),.UNSPECIFIED.,.F.,.F.,.F.," + knots + "," +
         knots + "," + params + "," + params + ",.UNSPECIFIED.);\n";
  return out + "ENDSEC;\nEND-ISO-10303-21;\n";
}

std::string master_for(const Options& o, int size, unsigned seed) {
  if (!o.file.empty()) return testing::read_file(o.file);
  if (o.format == "gerber") return testing::generated_gerber(size, seed);
  if (o.format == "excellon") return decimal_drill(size, seed);
  if (o.format == "pdf") return testing::generated_pdf(std::max(1, size / 400), std::min(size, 400), seed);
  return net_step(seed);
}

// A file cut into segments (lines; STEP entities end at ';'), aligned across copies.
std::vector<std::string> segments(const std::string& text, char end) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t stop = text.find(end, pos);
    stop = stop == std::string::npos ? text.size() : stop + 1;
    out.push_back(text.substr(pos, stop - pos));
    pos = stop;
  }
  return out;
}

// The segment with each number the mean of the copies' numbers (text of the first copy).
std::string averaged(const std::vector<const std::string*>& texts) {
  std::string out;
  const std::string& first = *texts[0];
  size_t pos = 0;
  std::vector<size_t> cursor(texts.size(), 0);
  auto is_number_char = [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == 'E' || c == '+';
  };
  while (pos < first.size()) {
    const bool starts = (std::isdigit(static_cast<unsigned char>(first[pos])) || first[pos] == '-') &&
                        (pos == 0 || !std::isalnum(static_cast<unsigned char>(first[pos - 1])) ||
                         first[pos - 1] == 'X' || first[pos - 1] == 'Y');
    if (!starts || first[pos - (pos ? 1 : 0)] == '#') {
      out += first[pos++];
      for (size_t k = 1; k < texts.size(); ++k) ++cursor[k];
      continue;
    }
    double sum = 0;
    bool decimal = false;
    size_t first_end = pos;
    while (first_end < first.size() && is_number_char(first[first_end])) ++first_end;
    for (size_t k = 0; k < texts.size(); ++k) {
      const std::string& t = *texts[k];
      size_t start = k ? cursor[k] : pos, stop = start;
      while (stop < t.size() && is_number_char(t[stop])) ++stop;
      const std::string number = t.substr(start, stop - start);
      decimal |= number.find('.') != std::string::npos;
      sum += std::atof(number.c_str());
      if (k) cursor[k] = stop;
    }
    const double mean = sum / static_cast<double>(texts.size());
    char buffer[48];
    if (decimal)
      std::snprintf(buffer, sizeof buffer, "%.15G", mean);
    else
      std::snprintf(buffer, sizeof buffer, "%lld", std::llround(mean));
    std::string number = buffer;
    if (decimal && number.find('.') == std::string::npos) {
      const size_t e = number.find('E');
      number.insert(e == std::string::npos ? number.size() : e, ".");
    }
    out += number;
    pos = first_end;
  }
  return out;
}

enum class Attack { kRandom, kRegion, kAverage };
const char* name(Attack a) {
  return a == Attack::kRandom ? "per carrier at random" : a == Attack::kRegion ? "per region" : "averaged";
}

std::string combine(const std::vector<std::string>& copies, Attack attack, char end, std::mt19937_64& rng) {
  std::vector<std::vector<std::string>> parts;
  for (const std::string& c : copies) parts.push_back(segments(c, end));
  const size_t n = parts[0].size(), c = copies.size();
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    bool same = true;
    for (size_t k = 1; k < c; ++k)
      same &= k < parts.size() && i < parts[k].size() && parts[k][i] == parts[0][i];
    if (same) {
      out += parts[0][i];
      continue;
    }
    if (attack == Attack::kRandom)
      out += parts[rng() % c][i];
    else if (attack == Attack::kRegion)
      out += parts[std::min(c - 1, i * c / n)][i];
    else {
      std::vector<const std::string*> texts;
      for (size_t k = 0; k < c; ++k) texts.push_back(&parts[k][i]);
      out += averaged(texts);
    }
  }
  return out;
}

// PDF copies combined as the text formats are, in qpdf's QDF form (streams uncompressed, content
// normalised to one operator a line, objects in one order), then made a valid PDF by fix-qdf.
Result<std::string> combine_pdf(const std::vector<std::string>& copies, Attack attack, std::mt19937_64& rng) {
  const testing::Folder folder;
  std::vector<std::string> forms;
  for (size_t k = 0; k < copies.size(); ++k) {
    const auto in = folder / ("copy" + std::to_string(k) + ".pdf"),
               out = folder / ("copy" + std::to_string(k) + ".qdf");
    testing::write_file(in, copies[k]);
    if (!testing::run("qpdf --qdf --object-streams=disable '" + in.string() + "' '" + out.string() + "'"))
      return internal_error("qpdf --qdf failed on a copy");
    forms.push_back(testing::read_file(out));
  }
  testing::write_file(folder / "mixed.qdf", combine(forms, attack, '\n', rng));
  // In a subshell, so that the output goes to the file and only the subshell's to /dev/null.
  if (!testing::run("(fix-qdf '" + (folder / "mixed.qdf").string() + "' > '" +
                    (folder / "mixed.pdf").string() + "')"))
    return internal_error("fix-qdf failed on the combined copy");
  return testing::read_file(folder / "mixed.pdf");
}

int collusion(const Options& o) {
  const std::string master = master_for(o, 1500, 7);
  const bool pdf = o.format == "pdf";
  const char end = o.format == "step" ? ';' : '\n';
  std::mt19937_64 rng(42);
  int caught[3] = {0, 0, 0}, runs[3] = {0, 0, 0}, innocents = 0, unreadable = 0;
  size_t length = 0;
  for (int t = 0; t < o.trials; ++t) {
    const std::string key = "bench-key-" + std::to_string(t);
    std::vector<std::string> ids, copies;
    for (int j = 0; j < 20; ++j) ids.push_back("R" + std::to_string(t) + "-" + std::to_string(j));
    const auto prepared = Master::prepare(master, o.format, key);
    if (!prepared.ok()) {
      std::fprintf(stderr, "%s\n", prepared.error().to_string().c_str());
      return 2;
    }
    for (int j = 0; j < o.colluders; ++j) {
      const std::string stamp =
          pdf ? "Recipient " + std::to_string(j) + " · Acme Robotics · 2026-12-05 · R1" : "";
      const auto marked = prepared->mark(ids[static_cast<size_t>(j)], stamp);
      if (!marked.ok()) {
        std::fprintf(stderr, "%s\n", marked.error().to_string().c_str());
        return 2;
      }
      length = marked->length;
      copies.push_back(marked->bytes);
    }
    const auto attack = static_cast<Attack>(t % 3);
    const Result<std::string> suspect =
        pdf ? combine_pdf(copies, attack, rng) : combine(copies, attack, end, rng);
    if (!suspect.ok()) {
      std::fprintf(stderr, "%s\n", suspect.error().to_string().c_str());
      return 2;
    }
    const auto traced = prepared->trace(*suspect, ids);
    ++runs[t % 3];
    if (!traced.ok()) {
      if (unreadable == 0)
        std::fprintf(stderr, "first unregistered suspect: %s\n", traced.error().to_string().c_str());
      ++unreadable;
      continue;
    }
    bool named = false;
    for (size_t j = 0; j < traced->copies.size(); ++j) {
      if (!traced->copies[j].accused) continue;
      if (j < static_cast<size_t>(o.colluders))
        named = true;
      else
        ++innocents;
    }
    caught[t % 3] += named;
  }
  std::printf("format %s, code length %zu (resists %d), %d colluders, %d trials, 20 copies each\n",
              o.format.c_str(), length, resists(length), o.colluders, o.trials);
  for (int a = 0; a < 3; ++a)
    std::printf("  %-22s %d/%d colluders named\n", name(static_cast<Attack>(a)), caught[a], runs[a]);
  std::printf("  innocents named: %d; suspects not registered: %d\n", innocents, unreadable);
  return 0;
}

int false_attribution(const Options& o) {
  const std::string master = master_for(o, 200, 11);
  const std::string other = o.other.empty() ? master_for(o, 200, 12) : testing::read_file(o.other);
  if (other == master) {
    std::fprintf(stderr, "another master's copy needs another master: give --other PATH with --file\n");
    return 1;
  }
  const Format* format = format_named(o.format);
  long innocents_scored = 0, named = 0, kinds[4] = {0, 0, 0, 0};
  std::map<std::string, Master> prepared;
  std::mt19937_64 rng(5);
  for (int t = 0; t < o.trials; ++t) {
    const std::string key = "false-key-" + std::to_string(t % 50);
    std::vector<std::string> ids;
    for (int j = 0; j < 20; ++j) ids.push_back("T" + std::to_string(t) + "-" + std::to_string(j));
    std::string suspect;
    const int kind = t % 4;
    auto cached = prepared.find(key);  // the same master and key: prepared once (as a release does)
    if (cached == prepared.end())
      cached = prepared.emplace(key, Master::prepare(master, o.format, key).value()).first;
    const Master& prepared_master = cached->second;
    if (kind == 0) suspect = prepared_master.mark("someone-else-" + std::to_string(t)).value().bytes;
    if (kind == 1) suspect = master;
    if (kind == 2) {
      const std::string secret = code_secret(key, sha256(master));
      const size_t length = format->capacity(master, secret).value().length;
      std::vector<uint8_t> random(length);
      for (auto& bit : random) bit = rng() & 1;
      suspect = format->embed(master, secret, random, "").value().bytes;
    }
    if (kind == 3) suspect = mark(other, o.format, key, ids[0]).value().bytes;
    ++kinds[kind];
    const auto traced = prepared_master.trace(suspect, ids);
    if (!traced.ok()) continue;
    for (const CopyScore& c : traced->copies) named += c.accused;
    innocents_scored += static_cast<long>(traced->copies.size());
  }
  std::printf(
      "format %s: %d trials (other recipients' copies %ld, unmarked master %ld, random codewords %ld, "
      "another master's copy %ld), %ld innocent copies scored, %ld named; design bound %.0e per file\n",
      o.format.c_str(), o.trials, kinds[0], kinds[1], kinds[2], kinds[3], innocents_scored, named,
      kFalseAccusation);
  return named == 0 ? 0 : 1;
}

// Seconds `f` takes.
template <typename F>
double seconds(F f) {
  const auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int speed(const Options& o) {
  const std::string master = testing::read_file(o.file);
  const double mb = static_cast<double>(master.size()) / 1e6;
  std::vector<double> once_rates, prepare_rates, mark_rates, trace_rates, trace_once_rates, other_rates;
  const std::string other = o.other.empty() ? std::string() : testing::read_file(o.other);
  for (int r = 0; r <= o.runs; ++r) {
    Result<Marked> once = internal_error("not run");
    const double t_once = seconds([&] { once = mark(master, o.format, "speed-key", "C1"); });
    if (!once.ok()) {
      std::fprintf(stderr, "%s\n", once.error().to_string().c_str());
      return 1;
    }
    Result<Master> prepared = internal_error("not run");
    const double t_prepare = seconds([&] { prepared = Master::prepare(master, o.format, "speed-key"); });
    if (!prepared.ok()) {
      std::fprintf(stderr, "%s\n", prepared.error().to_string().c_str());
      return 1;
    }
    Result<Marked> copy = internal_error("not run");
    const double t_mark = seconds([&] { copy = prepared->mark("C2"); });
    Result<Trace> traced = internal_error("not run");
    const double t_trace = seconds([&] { traced = prepared->trace(copy.value().bytes, {"C1", "C2", "C3"}); });
    const double t_trace_once = seconds([&] {
      (void)trace(copy.value().bytes, master, o.format, "speed-key", {"C1", "C2"});
    });
    if (!traced.ok() || !traced->copies[1].accused || traced->copies[0].accused || traced->copies[2].accused)
      std::fprintf(stderr, "warning: the copy was not traced to its recipient alone\n");
    // Another file traced against this master (a vault's other masters are each tried): mostly
    // the cost of finding that it does not register.
    const double t_other = other.empty() ? 0 : seconds([&] {
      (void)prepared->trace(other, {"C1", "C2", "C3"});
    });
    if (r == 0) continue;  // warm-up
    once_rates.push_back(mb / t_once);
    prepare_rates.push_back(mb / t_prepare);
    mark_rates.push_back(mb / t_mark);
    trace_rates.push_back(mb / t_trace);
    trace_once_rates.push_back(mb / t_trace_once);
    if (!other.empty()) other_rates.push_back(t_other);
  }
  auto row = [](const char* what, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::printf("  %-28s MB/s min %.2f median %.2f max %.2f\n", what, v.front(), v[v.size() / 2], v.back());
  };
  std::printf("%s, %zu bytes, %d runs\n", o.file.c_str(), master.size(), o.runs);
  row("mark one copy (prepare+mark)", once_rates);
  row("prepare (once per master)", prepare_rates);
  row("mark (per copy, prepared)", mark_rates);
  row("trace (per suspect, prepared)", trace_rates);
  row("trace one suspect (prepare+trace)", trace_once_rates);
  if (!other_rates.empty()) {
    std::sort(other_rates.begin(), other_rates.end());
    std::printf("  %-28s s min %.3f median %.3f max %.3f (%s)\n", "trace another file", other_rates.front(),
                other_rates[other_rates.size() / 2], other_rates.back(), o.other.c_str());
  }
  return 0;
}

// The net check on a Gerber layer: its nets and smallest clearance, and two marked copies
// compared with it.
int nets(const Options& o) {
  const std::string master = testing::read_file(o.file);
  Result<NetReport> report = internal_error("not run");
  const double t = seconds([&] { report = gerber_nets(master); });
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.error().to_string().c_str());
    return 1;
  }
  std::printf("%s: %zu shapes, %zu nets, smallest clearance %.1f µm (%.0f ms)\n", o.file.c_str(),
              report->shapes, report->nets, report->min_clearance * 1000, t * 1000);
  const auto prepared = Master::prepare(master, "gerber", "nets-key");
  if (!prepared.ok()) {
    std::fprintf(stderr, "%s\n", prepared.error().to_string().c_str());
    return 1;
  }
  int failures = 0;
  for (const char* id : {"C1", "C2"}) {
    const auto copy = prepared->mark(id);
    const auto compared = compare_nets(master, copy.value().bytes);
    if (!compared.ok()) {
      std::fprintf(stderr, "%s\n", compared.error().to_string().c_str());
      return 1;
    }
    std::printf(
        "  copy %s: %zu carriers, %zu shapes moved, same nets %s, smallest gap from a moved shape to another "
        "net "
        "%.1f µm%s%s\n",
        id, copy->carriers, compared->moved, compared->same_nets ? "yes" : "no",
        compared->moved_clearance * 1000, compared->ok() ? "" : ": ", compared->problem.c_str());
    failures += compared->ok() ? 0 : 1;
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  moat::keep_freed_memory();  // as moat does
  const Options o = parse(argc, argv);
  if (o.mode == "collusion") return collusion(o);
  if (o.mode == "false") return false_attribution(o);
  if (o.mode == "speed" && !o.file.empty()) return speed(o);
  if (o.mode == "nets" && !o.file.empty()) return nets(o);
  std::fprintf(
      stderr,
      "usage: mark_bench collusion|false|speed|nets --format F [--file PATH] [--colluders C] [--trials N]\n");
  return 1;
}
