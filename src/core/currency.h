// SPDX-License-Identifier: Apache-2.0
// ISO 4217 currency codes: which three-letter codes name a currency, so that a price in "XYZ" is
// refused where it is read rather than never compared, and the one alias users write for a code
// (RMB, how prices in China are labelled, for CNY).
#pragma once

#include <string_view>

namespace moat {

// Whether `code` is an ISO 4217 code in use (List One; written in capitals): the currencies, the
// funds codes (CLF, USN, ...), gold and the other X-codes, but neither XTS (reserved for testing)
// nor XXX (no currency), which no price is in, nor a code withdrawn (HRK).
bool is_currency_code(std::string_view code);

// The ISO 4217 code that `code` stands for: CNY for RMB (the renminbi, whose unit is the yuan),
// else `code` itself, unchecked.
std::string_view currency_code(std::string_view code);

}  // namespace moat
