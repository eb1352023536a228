// SPDX-License-Identifier: Apache-2.0
#include "core/uscc.h"

#include <array>

namespace moat {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::size_t kLength = 18;
constexpr int kModulus = 31;
// 3^i mod 31 for positions 1..17.
constexpr std::array<int, 17> kWeights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int value_of(char c) {
  const std::size_t index = kAlphabet.find(c);
  return index == std::string_view::npos ? -1 : static_cast<int>(index);
}

std::string position_text(std::size_t index) { return "position " + std::to_string(index + 1); }

}  // namespace

std::optional<char> uscc_check_character(std::string_view first17) {
  if (first17.size() != kWeights.size()) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 0; i < kWeights.size(); ++i) {
    const int value = value_of(first17[i]);
    if (value < 0) return std::nullopt;
    sum += value * kWeights[i];
  }
  return kAlphabet[static_cast<std::size_t>((kModulus - sum % kModulus) % kModulus)];
}

std::string uscc_problem(std::string_view code) {
  if (code.size() != kLength) {
    return "credit code must have 18 characters, not " + std::to_string(code.size());
  }
  for (std::size_t i = 0; i < kLength; ++i) {
    if (value_of(code[i]) < 0) {
      return "credit code has '" + std::string(1, code[i]) + "' at " + position_text(i) +
             " (allowed: digits and capitals except I, O, S, V, Z)";
    }
  }
  for (std::size_t i = 2; i < 8; ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return "credit code's administrative division (positions 3-8) must be digits; " +
             position_text(i) + " is '" + std::string(1, code[i]) + "'";
    }
  }
  const char expected = *uscc_check_character(code.substr(0, kLength - 1));
  if (code[kLength - 1] != expected) {
    return "credit code's check character is '" + std::string(1, code[kLength - 1]) +
           "' but the first 17 characters give '" + std::string(1, expected) + "'";
  }
  return "";
}

}  // namespace moat
