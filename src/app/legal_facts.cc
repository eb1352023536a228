// SPDX-License-Identifier: Apache-2.0
// What the red-flag rules read of the paperwork: agreements under review, the suppliers that
// supply each product, the products in production, IP rights and disclosures (app/legal.h).
#include "app/legal.h"

#include <algorithm>
#include <map>
#include <set>

#include "app/columns.h"
#include "app/legal_rules.h"
#include "app/record_fields.h"
#include "app/record_steps.h"
#include "app/records.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;
using Records = std::vector<store::Record>;

// ---- Flag facts -------------------------------------------------------------------------------

// What the facts read of an order: who supplies which product, issued when.
struct Order {
  std::string supplier, product;
  std::optional<Date> issued;
};

Result<std::vector<Order>> read_orders(Workspace& workspace) {
  static constexpr std::string_view kFields[] = {"supplier", "product", "issued"};
  std::vector<Order> out;
  MOAT_CHECK(columns_of::for_each(workspace.store(), "orders", kFields, [&](columns_of::Row r) {
    out.push_back({columns_of::text(r[0]), columns_of::text(r[1]), columns_of::date(r[2])});
  }));
  return out;
}

std::vector<flags::SupplyFacts> supplies(const std::vector<Order>& orders,
                                         const std::vector<flags::PlanFacts>& plans) {
  std::set<std::pair<std::string, std::string>> pairs;
  for (const Order& o : orders) pairs.emplace(o.supplier, o.product);
  for (const flags::PlanFacts& p : plans) {
    for (const plan::Assignment& a : p.assignments) pairs.emplace(a.supplier, p.product);
  }
  std::vector<flags::SupplyFacts> out;
  for (const auto& pair : pairs) out.push_back({pair.first, pair.second});
  return out;
}

std::vector<flags::ProductFacts> product_facts(const Records& products, const std::vector<Order>& orders) {
  std::map<std::string, std::optional<Date>> first_order;  // by product
  for (const Order& o : orders) {
    std::optional<Date>& first = first_order[o.product];
    if (o.issued && (!first || *o.issued < *first)) first = o.issued;
  }
  std::vector<flags::ProductFacts> out;
  for (const json& p : products) {
    flags::ProductFacts f{text(p, "id"), text(p, "name"), date(p, "production_start"), std::nullopt};
    if (const auto found = first_order.find(f.id); found != first_order.end()) f.first_order = found->second;
    out.push_back(std::move(f));
  }
  return out;
}

flags::AgreementFacts agreement_facts(const AgreementReview& review) {
  flags::AgreementFacts f{review.id,      review.kind, review.suppliers, review.products, review.effective,
                          review.expires, {}};
  for (const legal::CheckResult& check : review.failures) f.failures.push_back({check.id, check.reason});
  return f;
}

}  // namespace

Result<flags::LegalFacts> legal_flag_facts(Workspace& workspace, Date today,
                                           const std::vector<flags::PlanFacts>& plans) {
  MOAT_TRY(const LegalRules rules, legal_rules(workspace));
  MOAT_TRY(const std::vector<AgreementReview> agreements, review_agreements(workspace, today));
  MOAT_TRY(const std::vector<Order> orders, read_orders(workspace));
  MOAT_TRY(const Records products, all_of(workspace, "products"));
  MOAT_TRY(const std::vector<IpRightRow> rights, list_ip_rights(workspace));
  MOAT_TRY(const std::vector<DisclosureInput> disclosures, list_disclosures(workspace));
  flags::LegalFacts facts;
  facts.company_names = rules.company_names;
  facts.expiry_warning_days = rules.expiry_warning_days;
  for (const AgreementReview& review : agreements) facts.agreements.push_back(agreement_facts(review));
  facts.supplies = supplies(orders, plans);
  for (const IpRightRow& row : rights) {
    const IpRightInput& r = row.right;
    facts.rights.push_back(
        {r.id, r.kind, r.jurisdiction, r.title, r.mark, r.owner, r.filed, r.products, r.secrets});
  }
  for (const DisclosureInput& d : disclosures) {
    facts.disclosures.push_back({d.id, d.kind, d.date, d.product, d.secrets, d.note});
  }
  facts.products = product_facts(products, orders);
  return facts;
}

}  // namespace moat::app
