// SPDX-License-Identifier: Apache-2.0
#include "app/summary.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "app/ledger_head.h"

namespace moat::app {
namespace {

// Counted and listed in the database (aggregates over its keys' indexes), never by loading the
// records: a workspace of 100,000 BOM lines costs the rows the summary shows.

using store::SqlRow;
using store::SqlValue;

std::string text_of(const SqlValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  return text ? *text : std::string();
}

std::int64_t integer_of(const SqlValue& value) {
  if (const auto* n = std::get_if<std::int64_t>(&value)) return *n;
  if (const auto* x = std::get_if<double>(&value)) return static_cast<std::int64_t>(*x);
  if (const auto* t = std::get_if<std::string>(&value)) return std::stoll(*t);
  return 0;
}

double number_of(const SqlValue& value) {
  if (const auto* x = std::get_if<double>(&value)) return *x;
  if (const auto* n = std::get_if<std::int64_t>(&value)) return static_cast<double>(*n);
  if (const auto* t = std::get_if<std::string>(&value)) return std::stod(*t);
  return 0;
}

// Sorted bytewise, the order Store::list gives on every backend.
template <typename T>
void sort_bytewise(std::vector<T>& rows) {
  std::sort(rows.begin(), rows.end());
}

using Counts = std::unordered_map<std::string, std::size_t>;

// COUNT(*) per product of `table` (COUNT gives a 64-bit integer on both backends).
Result<Counts> count_by_product(store::Database& db, std::string_view table) {
  MOAT_TRY(const auto rows,
           db.query(R"(SELECT "product", COUNT(*) FROM ")" + std::string(table) + R"(" GROUP BY "product")"));
  Counts counts;
  for (const SqlRow& row : rows) counts[text_of(row[0])] = static_cast<std::size_t>(integer_of(row[1]));
  return counts;
}

std::size_t count_of(const Counts& counts, const std::string& product) {
  const auto it = counts.find(product);
  return it == counts.end() ? 0 : it->second;
}

Status add_parts(store::Database& db, std::vector<ProductSummary>& products) {
  MOAT_TRY(const auto rows, db.query(R"(SELECT "product", COUNT(*), COUNT(CASE WHEN "fitted" = 0 THEN 1 END)
                                        FROM "parts" GROUP BY "product")"));
  std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> parts;
  for (const SqlRow& row : rows) {
    const auto all = static_cast<std::size_t>(integer_of(row[1]));
    const auto not_fitted = static_cast<std::size_t>(integer_of(row[2]));
    parts[text_of(row[0])] = {all - not_fitted, not_fitted};
  }
  for (ProductSummary& product : products) {
    const auto it = parts.find(product.id);
    if (it != parts.end()) std::tie(product.parts, product.parts_not_fitted) = it->second;
  }
  return {};
}

// Secrets and their weight, summed in key order as the records would be.
Status add_secrets(store::Database& db, std::vector<ProductSummary>& products) {
  MOAT_TRY(const auto rows, db.query(R"(SELECT "product", "id", "weight" FROM "secrets")"));
  std::vector<std::tuple<std::string, std::string, double>> secrets;
  secrets.reserve(rows.size());
  for (const SqlRow& row : rows) secrets.emplace_back(text_of(row[0]), text_of(row[1]), number_of(row[2]));
  sort_bytewise(secrets);
  std::unordered_map<std::string, ProductSummary*> by_id;
  for (ProductSummary& product : products) by_id[product.id] = &product;
  for (const auto& [product, id, weight] : secrets) {
    const auto it = by_id.find(product);
    if (it == by_id.end()) continue;
    ++it->second->secrets;
    it->second->secret_weight += weight;
  }
  return {};
}

// Packages no qualified supplier has quoted for (the quotes' key is their index).
Status add_unquoted(store::Database& db, std::vector<ProductSummary>& products) {
  MOAT_TRY(const auto rows, db.query(R"(SELECT p."product", p."id" FROM "packages" p WHERE NOT EXISTS (
      SELECT 1 FROM "quotes" q JOIN "suppliers" s ON s."id" = q."supplier"
      WHERE q."product" = p."product" AND q."package" = p."id" AND s."status" = 'qualified'))"));
  std::vector<std::pair<std::string, std::string>> unquoted;
  for (const SqlRow& row : rows) unquoted.emplace_back(text_of(row[0]), text_of(row[1]));
  sort_bytewise(unquoted);
  for (ProductSummary& product : products) {
    for (const auto& [owner, id] : unquoted) {
      if (owner == product.id) product.packages_without_quotes.push_back(id);
    }
  }
  return {};
}

Result<std::vector<ProductSummary>> product_summaries(store::Database& db) {
  MOAT_TRY(const auto rows, db.query(R"(SELECT "id", "name" FROM "products")"));
  std::vector<ProductSummary> products;
  for (const SqlRow& row : rows) {
    ProductSummary product;
    product.id = text_of(row[0]);
    product.name = text_of(row[1]);
    products.push_back(std::move(product));
  }
  std::sort(products.begin(), products.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  MOAT_CHECK(add_parts(db, products));
  MOAT_CHECK(add_secrets(db, products));
  MOAT_TRY(const Counts derives, count_by_product(db, "derives"));
  MOAT_TRY(const Counts recipes, count_by_product(db, "recipes"));
  MOAT_TRY(const Counts packages, count_by_product(db, "packages"));
  MOAT_TRY(const Counts quotes, count_by_product(db, "quotes"));
  for (ProductSummary& product : products) {
    product.derives = count_of(derives, product.id);
    product.recipes = count_of(recipes, product.id);
    product.packages = count_of(packages, product.id);
    product.quotes = count_of(quotes, product.id);
  }
  MOAT_CHECK(add_unquoted(db, products));
  return products;
}

struct SupplierRow {
  std::string id, city, status;
  bool trusted = false;
  bool operator<(const SupplierRow& other) const { return id < other.id; }
};

Result<std::vector<SupplierRow>> supplier_rows(store::Database& db) {
  MOAT_TRY(const auto rows, db.query(R"(SELECT "id", "city", "status", "trusted" FROM "suppliers")"));
  std::vector<SupplierRow> suppliers;
  suppliers.reserve(rows.size());
  for (const SqlRow& row : rows) {
    suppliers.push_back({text_of(row[0]), text_of(row[1]), text_of(row[2]), integer_of(row[3]) != 0});
  }
  sort_bytewise(suppliers);
  return suppliers;
}

Result<PartyMap> parties_of(store::Database& db, const std::vector<SupplierRow>& suppliers) {
  std::vector<std::string> ids;
  ids.reserve(suppliers.size());
  for (const SupplierRow& supplier : suppliers) ids.push_back(supplier.id);
  MOAT_TRY(const auto rows, db.query(R"(SELECT "a", "b", "kind" FROM "affiliations")"));
  std::vector<std::tuple<std::string, std::string, std::string>> keyed;
  for (const SqlRow& row : rows) keyed.emplace_back(text_of(row[0]), text_of(row[1]), text_of(row[2]));
  sort_bytewise(keyed);
  std::vector<std::pair<std::string, std::string>> links;
  links.reserve(keyed.size());
  for (const auto& [a, b, kind] : keyed) links.emplace_back(a, b);
  return derive_parties(ids, links);
}

Status add_suppliers(store::Database& db, WorkspaceSummary& summary) {
  MOAT_TRY(const auto suppliers, supplier_rows(db));
  for (const SupplierRow& supplier : suppliers) {
    ++summary.suppliers;
    ++summary.suppliers_by_city[supplier.city.empty() ? "(unknown)" : supplier.city];
    ++summary.suppliers_by_status[supplier.status];
    if (supplier.trusted) summary.trusted.push_back(supplier.id);
  }
  MOAT_TRY(const PartyMap parties, parties_of(db, suppliers));
  summary.parties = parties.parties.size();
  for (const Party& party : parties.parties) {
    if (party.members.size() > 1) summary.affiliated_parties.push_back(party);
  }
  MOAT_TRY(const auto people, db.query(R"(SELECT COUNT(*) FROM "people")"));
  summary.people = static_cast<std::size_t>(integer_of(people.front().front()));
  return {};
}

}  // namespace

Result<PartyMap> workspace_parties(Workspace& workspace) {
  store::Database& db = workspace.store().database();
  PartyMap parties;
  MOAT_CHECK(workspace.store().read_snapshot([&]() -> Status {
    MOAT_TRY(const auto suppliers, supplier_rows(db));
    MOAT_TRY(parties, parties_of(db, suppliers));
    return {};
  }));
  return parties;
}

Result<WorkspaceSummary> summarize(Workspace& workspace) {
  store::Database& db = workspace.store().database();
  WorkspaceSummary summary;
  summary.company = workspace.config().company;
  summary.home_jurisdiction = workspace.config().home_jurisdiction;
  MOAT_CHECK(workspace.store().read_snapshot([&]() -> Status {
    MOAT_TRY(summary.products, product_summaries(db));
    return add_suppliers(db, summary);
  }));
  MOAT_TRY(summary.ledger, check_ledger_head(workspace));
  summary.events = summary.ledger.events;
  summary.ledger_ok = summary.ledger.ok;
  return summary;
}

}  // namespace moat::app
