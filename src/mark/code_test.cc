// SPDX-License-Identifier: Apache-2.0
#include "mark/code.h"

#include <gtest/gtest.h>

#include <random>

namespace moat::mark {
namespace {

std::vector<std::vector<uint8_t>> words(const Code& code, const std::string& secret, int n) {
  std::vector<std::vector<uint8_t>> out;
  for (int j = 0; j < n; ++j) out.push_back(codeword(code, secret, "C" + std::to_string(j)));
  return out;
}

// The colluders' output: where they agree, their symbol; elsewhere chosen by `strategy`.
enum class Strategy { kRandom, kMajority, kMinority, kErase };
std::vector<int8_t> collude(const std::vector<std::vector<uint8_t>>& w, int colluders, Strategy strategy,
                            std::mt19937_64& rng) {
  std::vector<int8_t> out(w[0].size());
  for (size_t i = 0; i < out.size(); ++i) {
    int ones = 0;
    for (int j = 0; j < colluders; ++j) ones += w[static_cast<size_t>(j)][i];
    if (ones == 0 || ones == colluders) {
      out[i] = ones ? 1 : 0;
      continue;
    }
    switch (strategy) {
      case Strategy::kRandom:
        out[i] = static_cast<int8_t>(rng() & 1);
        break;
      case Strategy::kMajority:
        out[i] = static_cast<int8_t>(2 * ones == colluders ? (rng() & 1) : (2 * ones > colluders));
        break;
      case Strategy::kMinority:
        out[i] = static_cast<int8_t>(2 * ones == colluders ? (rng() & 1) : (2 * ones < colluders));
        break;
      case Strategy::kErase:
        out[i] = kErased;
        break;
    }
  }
  return out;
}

TEST(Code, CodewordsAreKeyedAndReproducible) {
  const std::string secret = code_secret("key one", "master");
  const Code code = make_code(secret, 256);
  EXPECT_EQ(codeword(code, secret, "C1"), codeword(code, secret, "C1"));
  EXPECT_NE(codeword(code, secret, "C1"), codeword(code, secret, "C2"));
  const std::string other = code_secret("key two", "master");
  EXPECT_NE(secret, other);
  EXPECT_NE(codeword(code, secret, "C1"), codeword(make_code(other, 256), other, "C1"));
}

TEST(Code, BiasesStayWithinTheCutoff) {
  const Code code = make_code(code_secret("k", "m"), 4096, 3);
  double mean = 0;
  for (const double p : code.bias) {
    EXPECT_GE(p, code.cutoff - 1e-12);
    EXPECT_LE(p, 1 - code.cutoff + 1e-12);
    mean += p;
  }
  EXPECT_NEAR(mean / 4096, 0.5, 0.03);  // the arcsine law is symmetric
}

TEST(Code, InnocentScoresHaveMeanZeroAndUnitVariance) {
  const std::string secret = code_secret("k", "m");
  const Code code = make_code(secret, 2000);
  const std::vector<uint8_t> pirate = codeword(code, secret, "pirate");
  const std::vector<int8_t> read(pirate.begin(), pirate.end());
  double sum = 0, sum2 = 0;
  const int n = 400;
  for (int j = 0; j < n; ++j) {
    const double s =
        score(code, codeword(code, secret, "innocent" + std::to_string(j)), read) / std::sqrt(2000.0);
    sum += s, sum2 += s * s;
  }
  EXPECT_NEAR(sum / n, 0, 0.15);
  EXPECT_NEAR(sum2 / n, 1, 0.25);
}

TEST(Code, ThresholdBoundsAreMonotoneAndConsistent) {
  const std::string secret = code_secret("k", "m");
  const Code code = make_code(secret, 500);
  const std::vector<uint8_t> word = codeword(code, secret, "x");
  const std::vector<int8_t> read(word.begin(), word.end());
  const double z6 = threshold(code, read, 1e-6), z10 = threshold(code, read, 1e-10);
  EXPECT_GT(z10, z6);
  EXPECT_LE(p_value(code, read, z6), 1.01e-6);
  EXPECT_GT(p_value(code, read, z6 / 2), 1e-6);
  EXPECT_EQ(p_value(code, read, -100), 1.0);
  EXPECT_EQ(p_value(code, read, 0), 1.0);
}

// Both bounds take the best exponent of the Chernoff bound: the threshold for ε is the score whose
// p-value is ε itself (a looser minimisation would leave it below), on codes of every design size
// and with erasures.
TEST(Code, ThresholdAndPValueAreTheSameTightBound) {
  for (const int colluders : {1, 2, 3, 4}) {
    for (const size_t length : {size_t{80}, size_t{455}, size_t{2048}}) {
      const std::string secret = code_secret("k", std::to_string(colluders) + "/" + std::to_string(length));
      const Code code = make_code(secret, length, colluders);
      std::vector<int8_t> read(length);
      const std::vector<uint8_t> word = codeword(code, secret, "y");
      for (size_t i = 0; i < length; ++i)
        read[i] = i % 7 == 3 ? kErased : static_cast<int8_t>(word[(i * 31) % length]);
      for (const double epsilon : {1e-6, 1e-9}) {
        const double z = threshold(code, read, epsilon);
        EXPECT_LE(p_value(code, read, z), epsilon * (1 + 1e-6)) << colluders << " " << length;
        EXPECT_GE(p_value(code, read, z), epsilon * (1 - 1e-6)) << colluders << " " << length;
      }
    }
  }
}

TEST(Code, ResistsFollowsTheRequiredLength) {
  EXPECT_EQ(resists(10), 0);
  EXPECT_EQ(resists(kSingleLeaker), 1);
  EXPECT_EQ(required_length(2), 455u);
  EXPECT_EQ(required_length(3), 1023u);
  EXPECT_EQ(resists(1023), 3);
  EXPECT_EQ(resists(1022), 2);
}

// Brute force: coalitions of c at the length required for c are caught, innocents never.
TEST(Code, CollusionSimulationCatchesAColluderAndNoInnocent) {
  std::mt19937_64 rng(14);
  for (const int c : {1, 2, 3}) {
    for (const Strategy strategy :
         {Strategy::kRandom, Strategy::kMajority, Strategy::kMinority, Strategy::kErase}) {
      int caught = 0;
      const int trials = 10;
      for (int t = 0; t < trials; ++t) {
        const std::string secret = code_secret("key", std::to_string(c * 100 + t));
        const Code code = make_code(secret, required_length(c), c);
        const auto w = words(code, secret, 40);
        const std::vector<int8_t> read = collude(w, c, strategy, rng);
        const double z = threshold(code, read, kFalseAccusation / 40);
        bool named = false;
        for (int j = 0; j < 40; ++j) {
          const bool accused = score(code, w[static_cast<size_t>(j)], read) > z;
          if (j >= c) {
            ASSERT_FALSE(accused) << "innocent " << j << " accused, c=" << c;
          }
          named |= accused;
        }
        caught += named;
      }
      EXPECT_GE(caught, trials - 1) << "c=" << c << " strategy=" << static_cast<int>(strategy);
    }
  }
}

TEST(Code, AnUnrelatedReadingAccusesNoOne) {
  std::mt19937_64 rng(3);
  const std::string secret = code_secret("key", "unrelated");
  const Code code = make_code(secret, 1000);
  std::vector<int8_t> read(1000);
  for (auto& s : read) s = static_cast<int8_t>(rng() & 1);
  const double z = threshold(code, read, kFalseAccusation / 200);
  for (int j = 0; j < 200; ++j)
    EXPECT_LT(score(code, codeword(code, secret, "C" + std::to_string(j)), read), z);
}

}  // namespace
}  // namespace moat::mark
