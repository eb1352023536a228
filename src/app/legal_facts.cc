// SPDX-License-Identifier: Apache-2.0
// What the red-flag rules read of the paperwork: agreements under review, the suppliers that
// supply each product, the products in production, IP rights and disclosures (app/legal.h).
#include "app/legal.h"

#include <algorithm>
#include <map>
#include <set>

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

std::vector<flags::SupplyFacts> supplies(const Records& orders, const std::vector<flags::PlanFacts>& plans) {
  std::set<std::pair<std::string, std::string>> pairs;
  for (const json& o : orders) pairs.emplace(text(o, "supplier"), text(o, "product"));
  for (const flags::PlanFacts& p : plans) {
    for (const plan::Assignment& a : p.assignments) pairs.emplace(a.supplier, p.product);
  }
  std::vector<flags::SupplyFacts> out;
  for (const auto& pair : pairs) out.push_back({pair.first, pair.second});
  return out;
}

std::vector<flags::ProductFacts> product_facts(const Records& products, const Records& orders) {
  std::vector<flags::ProductFacts> out;
  for (const json& p : products) {
    flags::ProductFacts f{text(p, "id"), text(p, "name"), date(p, "production_start"), std::nullopt};
    for (const json& o : orders) {
      const std::optional<Date> issued = date(o, "issued");
      if (text(o, "product") == f.id && issued && (!f.first_order || *issued < *f.first_order))
        f.first_order = issued;
    }
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
  MOAT_TRY(const Records orders, all_of(workspace, "orders"));
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
