// SPDX-License-Identifier: Apache-2.0
// How the planner's reasons write numbers, so that every reason a user reads (an infeasibility, a
// minimal conflict) writes a quantity and a share the same way. app/ writes the shares of secret
// weight in the gate's and the release check's messages with these too (app::share_text), so that
// a share reads the same wherever it appears.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

namespace moat::plan {

namespace wording_detail {

enum class Rounding { kNearest, kUp, kDown };

// `value` with at most `decimals` decimals, trailing zeros dropped, thousands separated by commas.
// Up: a figure that is needed, written so that it is enough; down: one written below what it is.
inline std::string decimal(double value, int decimals, Rounding rounding) {
  const double unit = std::pow(10, decimals);
  char text[64];
  if (!(std::abs(value) * unit < 1e15)) {  // beyond a long long's exact reach, and beyond caring
    std::snprintf(text, sizeof text, "%.0f", rounding == Rounding::kUp ? std::ceil(value) : value);
  } else {
    // The margin keeps a value whose last decimal is exact (100.5 read as 100.50000000000001) from
    // being rounded past it.
    const double scaled = value * unit;
    const double rounded = rounding == Rounding::kUp     ? std::ceil(scaled - 1e-6)
                           : rounding == Rounding::kDown ? std::floor(scaled + 1e-6)
                                                         : std::round(scaled);
    const auto whole = static_cast<long long>(rounded);
    const auto per = static_cast<long long>(unit);
    const long long magnitude = whole < 0 ? -whole : whole;
    std::snprintf(text, sizeof text, "%s%lld.%0*lld", whole < 0 ? "-" : "", magnitude / per, decimals,
                  magnitude % per);
  }
  std::string digits = text;
  std::string fraction;
  if (const auto dot = digits.find('.'); dot != std::string::npos) {
    fraction = digits.substr(dot);
    digits.erase(dot);
    while (!fraction.empty() && (fraction.back() == '0' || fraction.back() == '.')) fraction.pop_back();
  }
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
    out += digits[i];
  }
  return out + fraction;
}

}  // namespace wording_detail

// A quantity or a cost: 20000 -> "20,000", 100.5 -> "100.5", 1224.004 -> "1,224".
inline std::string amount(double units) {
  return wording_detail::decimal(units, 2, wording_detail::Rounding::kNearest);
}

// A quantity needed, rounded up so that the figure written is enough: 33.3333 -> "33.34".
inline std::string amount_up(double units) {
  return wording_detail::decimal(units, 2, wording_detail::Rounding::kUp);
}

// A share as a percentage: 0.25 -> "25%", 0.5714 -> "57.14%".
inline std::string percent(double share) {
  return wording_detail::decimal(share * 100, 2, wording_detail::Rounding::kNearest) + "%";
}

// A share needed, rounded up: 4/7 -> "57.15%" (57.14% would not do).
inline std::string percent_up(double share) {
  return wording_detail::decimal(share * 100, 2, wording_detail::Rounding::kUp) + "%";
}

// A share said to be above `cap`, with as many decimals as it takes to show it above (rounded
// down, so never overstated): 0.501 against 0.5 -> "50.1%", 0.5000001 -> "50.00001%".
inline std::string percent_above(double share, double cap) {
  for (int decimals = 0; decimals <= 9; ++decimals) {
    if (std::floor(share * 100 * std::pow(10, decimals) + 1e-6) > cap * 100 * std::pow(10, decimals))
      return wording_detail::decimal(share * 100, decimals, wording_detail::Rounding::kDown) + "%";
  }
  return percent(share);
}

}  // namespace moat::plan
