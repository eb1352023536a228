// SPDX-License-Identifier: Apache-2.0
#include "core/number_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace moat {
namespace {

// What format_number wrote when it went through printf: "%.2f", then trailing zeros and a
// trailing point dropped, and "-0" written "0".
std::string through_printf(double value) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  std::string text = buffer;
  if (text.find('.') == std::string::npos) return text;
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

TEST(FormatNumberTest, WritesIntegersAsIntegersAndAtMostTwoDecimals) {
  EXPECT_EQ(format_number(5000000), "5000000");
  EXPECT_EQ(format_number(-12), "-12");
  EXPECT_EQ(format_number(0.5), "0.5");
  EXPECT_EQ(format_number(1.0 / 3), "0.33");
  EXPECT_EQ(format_number(2.999), "3");
  EXPECT_EQ(format_number(-0.001), "0");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
}

// Rounding ties, the widest values and random bit patterns (NaNs and subnormals among them) are
// written exactly as printf writes them.
TEST(FormatNumberTest, AgreesWithPrintfOnEveryKindOfDouble) {
  const double edges[] = {0.005,  0.015,         0.125,        2.675,
                          1.005,  123456789.995, 1e22,         1e308,
                          -1e308, 5e-324,        std::nan(""), -std::numeric_limits<double>::infinity()};
  for (const double value : edges) EXPECT_EQ(format_number(value), through_printf(value)) << value;
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> spread(-1e6, 1e6);
  for (int i = 0; i < 20000; ++i) {
    const double near = spread(random), cents = std::round(spread(random) * 1000) / 1000;
    double bits = 0;
    const std::uint64_t pattern = random();
    std::memcpy(&bits, &pattern, sizeof bits);
    for (const double value : {near, cents, bits}) {
      ASSERT_EQ(format_number(value), through_printf(value)) << value;
    }
  }
}

}  // namespace
}  // namespace moat
