// SPDX-License-Identifier: Apache-2.0
#include "app/money.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/record_fields.h"
#include "app/toml_text.h"
#include "core/currency.h"
#include "store/schema.h"

namespace moat::app {
namespace {

Result<Rate> rate_of(const toml::node& node, const std::string& base, std::string_view file) {
  const toml::table* entry = node.as_table();
  if (!entry)
    return input_error(toml_place(file, node),
                       "a rate is { currency = \"USD\", rate = 7.12, date = \"2026-11-30\" }");
  auto currency = (*entry)["currency"].value<std::string>();
  if (currency) currency = std::string(currency_code(*currency));
  const auto rate = (*entry)["rate"].value<double>();
  const auto date = (*entry)["date"].value<std::string>();
  for (const auto& [key, value] : *entry) {
    if (key.str() != "currency" && key.str() != "rate" && key.str() != "date") {
      return input_error(toml_place(file, value), "unknown setting currency.rates." + std::string(key.str()) +
                                                      ": known: currency, rate, date");
    }
  }
  if (!currency || !is_currency_code(*currency)) {
    return input_error(toml_place(file, node),
                       "currency.rates: currency must be an ISO 4217 code such as USD");
  }
  if (*currency == base)
    return input_error(toml_place(file, node), "currency.rates: " + base + " is the base currency");
  if (!rate || !(*rate > 0) || !std::isfinite(*rate)) {
    return input_error(toml_place(file, node), "currency.rates: rate must be a number above 0 (units of " +
                                                   base + " for one " + *currency + ")");
  }
  const std::optional<Date> day = date ? Date::parse(*date) : std::nullopt;
  if (!day)
    return input_error(toml_place(file, node), "currency.rates: date must be a date YYYY-MM-DD that exists");
  return Rate{*currency, *rate, *day};
}

std::string grouped(long long whole) {
  std::string digits = std::to_string(whole < 0 ? -whole : whole), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (whole < 0 ? "-" : "") + out;
}

}  // namespace

Result<Currencies> parse_currencies(std::string_view toml_text, std::string_view file) {
  MOAT_TRY(const toml::table root, parse_toml(toml_text, file));
  Currencies out;
  const toml::table* section = root["currency"].as_table();
  if (!section) return out;
  if (const toml::node* base = section->get("base")) {
    const auto code = base->value<std::string>();
    if (!code || !is_currency_code(currency_code(*code))) {
      return input_error(toml_place(file, *base),
                         "currency.base must be an ISO 4217 code such as CNY or USD");
    }
    out.base = currency_code(*code);
  }
  if (const toml::node* rates = section->get("rates")) {
    const toml::array* list = rates->as_array();
    if (!list)
      return input_error(toml_place(file, *rates), "currency.rates is a list of { currency, rate, date }");
    for (const toml::node& node : *list) {
      MOAT_TRY(Rate rate, rate_of(node, out.base, file));
      out.rates.push_back(std::move(rate));
    }
  }
  return out;
}

Result<Currencies> currencies(const Workspace& workspace) {
  return parse_currencies(workspace.config().text, (workspace.dir() / "moat.toml").string());
}

std::optional<Rate> rate_on(const Currencies& currencies, const std::string& currency, Date day) {
  std::optional<Rate> best;
  for (const Rate& r : currencies.rates) {
    if (r.currency != currency || day < r.date) continue;
    if (!best || best->date < r.date) best = r;
  }
  return best;
}

Result<std::vector<Rate>> quote_rates(Workspace& workspace, const std::string& product, Date day) {
  MOAT_TRY(const Currencies money, currencies(workspace));
  MOAT_TRY(const std::vector<store::Record> quotes, workspace.store().list(*store::find_table("quotes")));
  std::vector<Rate> used;
  for (const store::Record& q : quotes) {
    if (fields_of::text(q, "product") != product) continue;
    const std::string valid_until = fields_of::text(q, "valid_until");
    if (!valid_until.empty() && valid_until < day.to_string()) continue;
    const std::string currency =
        fields_of::text(q, "currency").empty() ? money.base : fields_of::text(q, "currency");
    if (currency == money.base) continue;
    const std::optional<Rate> rate = rate_on(money, currency, day);
    const bool known =
        std::any_of(used.begin(), used.end(), [&](const Rate& r) { return r.currency == currency; });
    if (rate && !known) used.push_back(*rate);
  }
  std::sort(used.begin(), used.end(), [](const Rate& a, const Rate& b) { return a.currency < b.currency; });
  return used;
}

std::string money_text(double amount, const std::string& currency) {
  const long long cents = std::llround(amount * 100);
  const long long whole = cents / 100, part = std::llabs(cents % 100);
  char decimals[8];
  std::snprintf(decimals, sizeof decimals, ".%02lld", part);
  const std::string sign = cents < 0 && whole == 0 ? "-" : "";
  return sign + grouped(whole) + decimals + (currency.empty() ? "" : " " + currency);
}

std::string rate_text(const Rate& rate, const std::string& base) {
  char value[32];
  std::snprintf(value, sizeof value, "%.6g", rate.rate);
  return "1 " + rate.currency + " = " + value + " " + base + " (rate of " + rate.date.to_string() + ")";
}

}  // namespace moat::app
