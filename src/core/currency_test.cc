// SPDX-License-Identifier: Apache-2.0
#include "core/currency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>

namespace moat {
namespace {

TEST(CurrencyTest, KnowsTheCodesInUse) {
  for (const std::string_view code : {"CNY", "USD", "EUR", "JPY", "HKD", "TWD", "GBP", "ZWG", "XCG", "XAU"}) {
    EXPECT_TRUE(is_currency_code(code)) << code;
  }
}

TEST(CurrencyTest, RefusesWhatIsNoCurrencyCode) {
  for (const std::string_view code :
       {"XYZ", "RMB", "cny", "Cny", "CN", "CNYY", "", "HRK", "XXX", "XTS", "ＣＮＹ"}) {
    EXPECT_FALSE(is_currency_code(code)) << code;
  }
}

TEST(CurrencyTest, RmbStandsForCny) {
  EXPECT_EQ(currency_code("RMB"), "CNY");
  EXPECT_EQ(currency_code("USD"), "USD");
  EXPECT_EQ(currency_code("XYZ"), "XYZ") << "unchecked";
  EXPECT_TRUE(is_currency_code(currency_code("RMB")));
}

}  // namespace
}  // namespace moat
