// SPDX-License-Identifier: Apache-2.0
// How moat writes numbers into the explanations and arithmetic a person reads: integers as
// integers, other values with at most two decimals, never "-0". Shared by vet/, flags/ (whose
// evidence repeats vet's figures), app/ and the CLI's renderings of them, so that all agree.
#pragma once

#include <charconv>
#include <string>

namespace moat {

inline std::string format_number(double value) {
  constexpr int kDecimals = 2;
  char buffer[512];  // the widest double in fixed notation is 309 digits before the point
  // to_chars with a precision writes what printf's "%.2f" writes, without its locale and format
  // parsing: the flags' evidence writes tens of thousands of figures.
  const auto written =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, kDecimals);
  std::string text(buffer, written.ptr);
  if (text.find('.') == std::string::npos) return text;  // "inf", "nan"
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

}  // namespace moat
