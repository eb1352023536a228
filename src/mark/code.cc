// SPDX-License-Identifier: Apache-2.0
#include "mark/code.h"

#include "mark/prf.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace moat::mark {
namespace {

// The score of a position for a copy whose symbol equals (agree) or differs from the one read.
double agree_score(double p, int8_t read) {
  return read == 1 ? std::sqrt((1 - p) / p) : std::sqrt(p / (1 - p));
}
double differ_score(double p, int8_t read) {
  return read == 1 ? -std::sqrt(p / (1 - p)) : -std::sqrt((1 - p) / p);
}
double agree_probability(double p, int8_t read) { return read == 1 ? p : 1 - p; }

// The read positions' terms of an innocent copy's score: with probability q it agrees with the
// symbol read and gains `agree`, else it gains `differ` (negative).
struct Terms {
  std::vector<double> q, agree, differ;
};

Terms terms(const Code& code, const std::vector<int8_t>& read) {
  Terms t;
  for (size_t i = 0; i < read.size() && i < code.bias.size(); ++i) {
    if (read[i] == kErased) continue;
    const double p = code.bias[i];
    t.q.push_back(agree_probability(p, read[i]));
    t.agree.push_back(agree_score(p, read[i]));
    t.differ.push_back(differ_score(p, read[i]));
  }
  return t;
}

// sum_i ln E[exp(a g_i)] for an innocent copy: exact for each read position's bias.
double log_mgf(const Terms& t, double a) {
  double sum = 0;
  for (size_t i = 0; i < t.q.size(); ++i) sum += std::log(t.q[i] * std::exp(a * t.agree[i]) + (1 - t.q[i]) * std::exp(a * t.differ[i]));
  return sum;
}

// Minimises f over a in (0, a_max] (f convex in a): a coarse log grid, then golden section.
template <typename F>
double minimise(F f, double a_max) {
  double best_a = a_max, best = f(a_max);
  for (double a = a_max; a > 1e-4; a *= 0.8) {
    const double value = f(a);
    if (value < best) best = value, best_a = a;
  }
  double lo = best_a * 0.8, hi = std::min(a_max, best_a / 0.8);
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  double a1 = hi - ratio * (hi - lo), a2 = lo + ratio * (hi - lo);
  double f1 = f(a1), f2 = f(a2);
  for (int step = 0; step < 40; ++step) {  // each step keeps one of the two inner values
    if (f1 < f2) {
      hi = a2, a2 = a1, f2 = f1;
      a1 = hi - ratio * (hi - lo), f1 = f(a1);
    } else {
      lo = a1, a1 = a2, f1 = f2;
      a2 = lo + ratio * (hi - lo), f2 = f(a2);
    }
  }
  return std::min(best, f((lo + hi) / 2));
}

// The largest useful exponent: beyond it exp(a g) overflows for the cutoff's largest score.
double max_exponent(const Code& code) { return 600.0 / std::sqrt((1 - code.cutoff) / code.cutoff); }

}  // namespace

std::string code_secret(std::string_view mark_key, std::string_view master_seed) {
  return keyed_hash(mark_key, {"moat-mark-code", master_seed});
}

Code make_code(std::string_view secret, size_t length, int design_colluders) {
  Code code;
  code.cutoff = 1.0 / (30.0 * std::max(1, design_colluders));
  const double low = std::asin(std::sqrt(code.cutoff));
  const double high = std::numbers::pi / 2 - low;
  const std::vector<double> u = uniforms(keyed_hash(secret, {"bias"}), length);
  code.bias.reserve(length);
  for (const double value : u) {
    const double s = std::sin(low + value * (high - low));
    code.bias.push_back(s * s);
  }
  return code;
}

std::vector<uint8_t> codeword(const Code& code, std::string_view secret, std::string_view copy_id) {
  const std::vector<double> u = uniforms(keyed_hash(secret, {"codeword", copy_id}), code.bias.size());
  std::vector<uint8_t> word(u.size());
  for (size_t i = 0; i < u.size(); ++i) word[i] = u[i] < code.bias[i] ? 1 : 0;
  return word;
}

double score(const Code& code, const std::vector<uint8_t>& word, const std::vector<int8_t>& read) {
  double sum = 0;
  const size_t n = std::min({code.bias.size(), word.size(), read.size()});
  for (size_t i = 0; i < n; ++i) {
    if (read[i] == kErased) continue;
    sum += word[i] == read[i] ? agree_score(code.bias[i], read[i]) : differ_score(code.bias[i], read[i]);
  }
  return sum;
}

double threshold(const Code& code, const std::vector<int8_t>& read, double epsilon) {
  const double log_inverse = std::log(1 / epsilon);
  const Terms t = terms(code, read);
  return minimise([&](double a) { return (log_mgf(t, a) + log_inverse) / a; }, max_exponent(code));
}

double p_value(const Code& code, const std::vector<int8_t>& read, double observed) {
  const Terms t = terms(code, read);
  const double log_bound = minimise([&](double a) { return log_mgf(t, a) - a * observed; }, max_exponent(code));
  return std::min(1.0, std::exp(log_bound));
}

size_t required_length(int colluders) {
  if (colluders <= 0) return 0;
  if (colluders == 1) return kSingleLeaker;
  const double c = colluders;
  const double needed = std::numbers::pi * std::numbers::pi / 2 * c * c *
                        std::log(kDesignRecipients / kFalseAccusation);
  return static_cast<size_t>(std::ceil(needed));
}

int resists(size_t length) {
  int c = 0;
  while (required_length(c + 1) <= length) ++c;
  return c;
}

}  // namespace moat::mark
