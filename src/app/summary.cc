// SPDX-License-Identifier: Apache-2.0
#include "app/summary.h"

#include <nlohmann/json.hpp>

#include "app/records.h"
#include <set>

#include "app/audit.h"
#include "app/import.h"

namespace moat::app {
namespace {

using nlohmann::json;

std::string text(const json& value) { return value.is_string() ? value.get<std::string>() : ""; }

ProductSummary summarize_product(const Model& model, const store::Key& key, const Entry& product) {
  ProductSummary summary;
  summary.id = key[0];
  summary.name = text(product.record["name"]);
  const auto count = [&](std::string_view table) {
    std::size_t n = 0;
    for (const auto& [k, unused] : model.of(table)) n += k[0] == key[0] ? 1U : 0U;
    return n;
  };
  for (const auto& [k, part] : model.of("parts")) {
    if (k[0] != key[0]) continue;
    ++(part.record["fitted"] == false ? summary.parts_not_fitted : summary.parts);
  }
  summary.derives = count("derives");
  summary.recipes = count("recipes");
  summary.packages = count("packages");
  summary.quotes = count("quotes");
  for (const auto& [k, secret] : model.of("secrets")) {
    if (k[0] != key[0]) continue;
    ++summary.secrets;
    summary.secret_weight += secret.record["weight"].get<double>();
  }
  std::set<std::string> quoted;
  const Entries& suppliers = model.of("suppliers");
  for (const auto& [k, quote] : model.of("quotes")) {
    const auto supplier = suppliers.find({k[2]});
    if (k[0] == key[0] && supplier != suppliers.end() && supplier->second.record["status"] == "qualified") {
      quoted.insert(k[1]);
    }
  }
  for (const auto& [k, unused] : model.of("packages")) {
    if (k[0] == key[0] && !quoted.contains(k[1])) summary.packages_without_quotes.push_back(k[1]);
  }
  return summary;
}

PartyMap parties_of(const Model& model) {
  std::vector<std::string> suppliers;
  for (const auto& [key, unused] : model.of("suppliers")) suppliers.push_back(key[0]);
  std::vector<std::pair<std::string, std::string>> links;
  for (const auto& [key, unused] : model.of("affiliations")) links.emplace_back(key[0], key[1]);
  return derive_parties(suppliers, links);
}

}  // namespace

Result<PartyMap> workspace_parties(Workspace& workspace) {
  MOAT_TRY(const Model model, load_model(workspace.store()));
  return parties_of(model);
}

Result<WorkspaceSummary> summarize(Workspace& workspace) {
  MOAT_TRY(const Model model, load_model(workspace.store()));
  WorkspaceSummary summary;
  summary.company = workspace.config().company;
  summary.home_jurisdiction = workspace.config().home_jurisdiction;
  for (const auto& [key, product] : model.of("products")) {
    summary.products.push_back(summarize_product(model, key, product));
  }
  for (const auto& [key, supplier] : model.of("suppliers")) {
    ++summary.suppliers;
    const std::string city = text(supplier.record["city"]);
    ++summary.suppliers_by_city[city.empty() ? "(unknown)" : city];
    ++summary.suppliers_by_status[text(supplier.record["status"])];
    if (supplier.record["trusted"] == true) summary.trusted.push_back(key[0]);
  }
  summary.people = model.of("people").size();
  const PartyMap parties = parties_of(model);
  summary.parties = parties.parties.size();
  for (const Party& party : parties.parties) {
    if (party.members.size() > 1) summary.affiliated_parties.push_back(party);
  }
  MOAT_TRY(summary.events, workspace.store().event_count());
  MOAT_TRY(const AuditReport audit, verify_ledger(workspace));
  summary.ledger_ok = audit.ok();
  return summary;
}

}  // namespace moat::app
