// SPDX-License-Identifier: Apache-2.0
#include "mark/code.h"

#include "mark/prf.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>
#include <utility>

namespace moat::mark {
namespace {

// The score of a position for a copy whose symbol equals (agree) or differs from the one read.
double agree_score(double p, int8_t read) {
  return read == 1 ? std::sqrt((1 - p) / p) : std::sqrt(p / (1 - p));
}
double differ_score(double p, int8_t read) {
  return read == 1 ? -std::sqrt(p / (1 - p)) : -std::sqrt((1 - p) / p);
}
double agree_probability(double p, int8_t read) {
  return read == 1 ? p : 1 - p;
}

// The root in (0, a_max) of an increasing function f (given with its derivative as {f, f'}),
// negative near 0: Newton steps from `start` kept inside a shrinking bracket, bisection when a
// step leaves it, until |f| < tolerance. Returns a_max when f(a_max) <= 0. Every exponent it
// returns gives a valid Chernoff bound; the root makes it the tightest, and near the root the
// bound moves with the square of |f|. The exponent returned is the last one f was called with.
template <typename F>
double increasing_root(F f, double a_max, double start, double tolerance) {
  auto [value, slope] = f(a_max);
  if (value <= 0) return a_max;
  double lo = 0, hi = a_max, a = start > 0 && start < a_max ? start : a_max / 2;
  for (int step = 0; step < 200; ++step) {
    std::tie(value, slope) = f(a);
    if (std::abs(value) < tolerance) break;
    (value < 0 ? lo : hi) = a;
    if (hi - lo <= 1e-12 * hi) break;
    const double next = slope > 0 ? a - value / slope : lo;
    a = next > lo && next < hi ? next : (lo + hi) / 2;
    if (step == 199) f(a);
  }
  return a;
}

// Roots are found to this share of the equation's scale (the log of 1/ε, or the score).
constexpr double kRelativeTolerance = 1e-9;

// The largest useful exponent: beyond it exp(a g) overflows for the cutoff's largest score.
double max_exponent(const Code& code) {
  return 600.0 / std::sqrt((1 - code.cutoff) / code.cutoff);
}

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
  return Bounds(code, read).threshold(epsilon);
}

double p_value(const Code& code, const std::vector<int8_t>& read, double observed) {
  return Bounds(code, read).p_value(observed);
}

// Λ(a) = sum_i ln E[exp(a g_i)] for an innocent copy (exact for each read position's bias), and
// its first two derivatives. Λ(0) = 0, Λ'(0) = 0 (an innocent copy's score has mean zero) and Λ
// is convex.
struct Bounds::Cumulant {
  double value = 0, slope = 0, curvature = 0;
};

Bounds::Bounds(const Code& code, const std::vector<int8_t>& read) : max_exponent_(max_exponent(code)) {
  for (size_t i = 0; i < read.size() && i < code.bias.size(); ++i) {
    if (read[i] == kErased) continue;
    const double p = code.bias[i], q = agree_probability(p, read[i]);
    log_q_.push_back(std::log(q));
    log_not_q_.push_back(std::log1p(-q));
    agree_.push_back(agree_score(p, read[i]));
    differ_.push_back(differ_score(p, read[i]));
  }
}

// One pass, in log space (no overflow whatever the exponent).
Bounds::Cumulant Bounds::cumulant(double a) const {
  Cumulant c;
  for (size_t i = 0; i < agree_.size(); ++i) {
    const double x = a * agree_[i] + log_q_[i], y = a * differ_[i] + log_not_q_[i];
    const double e = std::exp(-std::abs(x - y));  // the smaller term over the larger, <= 1
    const double w = (x >= y ? 1 : e) / (1 + e);  // the weight of agreeing
    const double gap = agree_[i] - differ_[i];
    c.value += std::max(x, y) + std::log1p(e);
    c.slope += differ_[i] + w * gap;
    c.curvature += w * (1 - w) * gap * gap;
  }
  return c;
}

double Bounds::threshold(double epsilon) const {
  const double log_inverse = std::log(1 / epsilon);
  // (Λ(a) + L) / a is least where a Λ'(a) - Λ(a) = L; the left side grows with a. Each read
  // position's score has unit variance, so Λ(a) is about n a² / 2 near 0: start at √(2L / n).
  const double n = static_cast<double>(agree_.size());
  Cumulant last;  // at the exponent increasing_root ends with
  const double a = increasing_root(
      [&](double x) {
        last = cumulant(x);
        return std::pair{x * last.slope - last.value - log_inverse, x * last.curvature};
      },
      max_exponent_, n > 0 ? std::sqrt(2 * log_inverse / n) : 0, kRelativeTolerance * log_inverse);
  return (last.value + log_inverse) / a;
}

double Bounds::p_value(double observed) const {
  if (observed <= 0) return 1.0;  // Λ(a) - a observed >= 0 for every a > 0 (Λ convex, Λ'(0) = 0)
  // Λ(a) - a observed is least where Λ'(a) = observed; Λ'(a) is about n a near 0.
  const double n = static_cast<double>(agree_.size());
  Cumulant last;  // at the exponent increasing_root ends with
  const double a = increasing_root(
      [&](double x) {
        last = cumulant(x);
        return std::pair{last.slope - observed, last.curvature};
      },
      max_exponent_, n > 0 ? observed / n : 0, kRelativeTolerance * observed);
  return std::min(1.0, std::exp(last.value - a * observed));
}

size_t required_length(int colluders) {
  if (colluders <= 0) return 0;
  if (colluders == 1) return kSingleLeaker;
  const double c = colluders;
  const double needed =
      std::numbers::pi * std::numbers::pi / 2 * c * c * std::log(kDesignRecipients / kFalseAccusation);
  return static_cast<size_t>(std::ceil(needed));
}

int resists(size_t length) {
  int c = 0;
  while (required_length(c + 1) <= length) ++c;
  return c;
}

}  // namespace moat::mark
