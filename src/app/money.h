// SPDX-License-Identifier: Apache-2.0
// Money in one currency at a time. Plans are costed in the workspace's base currency (moat.toml
// [currency] base, default CNY); a quote in another currency is converted at the latest rate
// dated on or before the day planned for ([currency] rates), and the rate used is shown. Amounts
// are always printed with their currency.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"

namespace moat::app {

// 1 `currency` = `rate` units of the base currency, as of `date`.
struct Rate {
  std::string currency;  // "USD"
  double rate = 0;
  Date date = Date::from_days(0);
};

struct Currencies {
  std::string base = "CNY";
  std::vector<Rate> rates;  // every rate moat.toml lists, any date
};

// [currency] of moat.toml. Errors (kInput) name moat.toml:line:col: a code that is not ISO 4217's
// shape, a rate that is not positive, a missing or impossible date, a rate for the base itself.
Result<Currencies> currencies(const Workspace& workspace);
Result<Currencies> parse_currencies(std::string_view toml_text, std::string_view file);

// The rate for `currency` in force on `day` (the latest dated on or before it); nullopt: none.
std::optional<Rate> rate_on(const Currencies& currencies, const std::string& currency, Date day);

// "1,234,567.50 CNY": grouped thousands, two decimals, the code after.
std::string money_text(double amount, const std::string& currency);

// The rates that convert `product`'s quotes valid on `day` (one per currency other than the base,
// those with a rate in force). What a plan's costs were computed with, to show beside them.
Result<std::vector<Rate>> quote_rates(Workspace& workspace, const std::string& product, Date day);

// "1 USD = 7.12 CNY (rate of 2026-11-30)".
std::string rate_text(const Rate& rate, const std::string& base);

}  // namespace moat::app
