// SPDX-License-Identifier: Apache-2.0
#include "core/uscc.h"

#include <array>
#include <optional>
#include <utility>

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

std::string position_text(std::size_t index) {
  return "position " + std::to_string(index + 1);
}

// GB/T 2260's provinces (and 10, for registrations at the national level): the first two digits
// of every administrative division code.
constexpr std::array<std::string_view, 35> kProvinces = {"10", "11", "12", "13", "14", "15", "21", "22", "23",
                                                         "31", "32", "33", "34", "35", "36", "37", "41", "42",
                                                         "43", "44", "45", "46", "50", "51", "52", "53", "54",
                                                         "61", "62", "63", "64", "65", "71", "81", "82"};

// GB 11714: the organisation code at positions 9-17 of a credit code carries its own check
// character, over its first eight characters (digits, and capitals valued A = 10 ... Z = 35).
constexpr std::array<int, 8> kOrganisationWeights = {3, 7, 9, 10, 5, 8, 4, 2};
constexpr int kOrganisationModulus = 11;

char organisation_check(std::string_view first8) {
  int sum = 0;
  for (std::size_t i = 0; i < kOrganisationWeights.size(); ++i) {
    const char c = first8[i];
    sum += (c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10) * kOrganisationWeights[i];
  }
  const int check = kOrganisationModulus - sum % kOrganisationModulus;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

std::string division_problem(std::string_view code) {
  const std::string_view division = code.substr(2, 6);
  const std::string_view province = division.substr(0, 2);
  if (province == "10" && division != "100000") {
    return "credit code's administrative division " + std::string(division) + " does not exist (GB/T 2260)";
  }
  for (std::string_view known : kProvinces) {
    if (known == province) return "";
  }
  return "credit code's administrative division " + std::string(division) +
         " (positions 3-8) names no province: " + std::string(province) + " is not a GB/T 2260 province code";
}

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
    // Counted in characters, not bytes: a full-width digit (as Chinese input methods type it) is
    // one character of three bytes, and is named as the character that is not allowed.
    std::size_t characters = 0;
    std::optional<std::pair<std::size_t, std::size_t>> wide;  // its position and byte offset
    for (std::size_t i = 0; i < code.size(); ++i) {
      const auto byte = static_cast<unsigned char>(code[i]);
      if ((byte & 0xC0) == 0x80) continue;  // a continuation byte
      if (byte >= 0x80 && !wide) wide = std::pair{characters, i};
      ++characters;
    }
    if (characters != kLength || !wide) {
      return "credit code must have 18 characters, not " + std::to_string(characters);
    }
    std::size_t end = wide->second + 1;
    while (end < code.size() && (static_cast<unsigned char>(code[end]) & 0xC0) == 0x80) ++end;
    return "credit code has '" + std::string(code.substr(wide->second, end - wide->second)) + "' at " +
           position_text(wide->first) +
           " (allowed: digits and capitals except I, O, S, V, Z; full-width characters are not: type them "
           "half-width)";
  }
  for (std::size_t i = 0; i < kLength; ++i) {
    if (value_of(code[i]) < 0) {
      return "credit code has '" + std::string(1, code[i]) + "' at " + position_text(i) +
             " (allowed: digits and capitals except I, O, S, V, Z)";
    }
  }
  for (std::size_t i = 2; i < 8; ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return "credit code's administrative division (positions 3-8) must be digits; " + position_text(i) +
             " is '" + std::string(1, code[i]) + "'";
    }
  }
  const char expected = *uscc_check_character(code.substr(0, kLength - 1));
  if (code[kLength - 1] != expected) {
    return "credit code's check character is '" + std::string(1, code[kLength - 1]) +
           "' but the first 17 characters give '" + std::string(1, expected) + "'";
  }
  if (std::string problem = division_problem(code); !problem.empty()) return problem;
  const char organisation = organisation_check(code.substr(8, 8));
  if (code[16] != organisation) {
    return "credit code's organisation code " + std::string(code.substr(8, 9)) +
           " (positions 9-17) has the check "
           "character '" +
           std::string(1, code[16]) + "' at position 17 but GB 11714 gives '" + std::string(1, organisation) +
           "'";
  }
  return "";
}

}  // namespace moat
