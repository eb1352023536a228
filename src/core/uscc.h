// SPDX-License-Identifier: Apache-2.0
// The unified social credit code (统一社会信用代码, GB 32100-2015) that identifies every Chinese
// company: 18 characters from a 31-symbol alphabet, the last a check character over the first
// 17. A contract and a supplier record must carry the code exactly; a typo is caught here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace moat {

// Why `code` is not a well-formed credit code (length, alphabet, division code, check
// character; then a division code naming no GB/T 2260 province, and the check character of the
// embedded GB 11714 organisation code), naming the position at fault; empty when it is well formed.
std::string uscc_problem(std::string_view code);
inline bool is_valid_uscc(std::string_view code) {
  return uscc_problem(code).empty();
}

// The check character for the first 17 characters of a code, or nullopt when one of them is
// not in the alphabet.
std::optional<char> uscc_check_character(std::string_view first17);

}  // namespace moat
