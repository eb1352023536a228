// SPDX-License-Identifier: Apache-2.0
// Agreements with suppliers and their quality check against China practice, and the IP terms of
// purchase orders (app/legal.h).
#include "app/legal.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "app/legal_rules.h"
#include "app/record_fields.h"
#include "app/record_steps.h"
#include "app/records.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;
using Records = std::vector<store::Record>;

// A clause an agreement records, and the field that records it.
struct ClauseField {
  std::string_view clause;
  std::string_view field;
};
constexpr ClauseField kClauseFields[] = {
    {"non-use", "non_use"},
    {"non-circumvention", "non_circumvention"},
    {"subcontractor-flow-down", "subcontractor_flow_down"},
    {"related-companies-liability", "related_companies_liability"},
    {"improvements-ownership", "improvements_ownership"},
    {"tooling-ownership", "tooling_ownership"},
};

// The agreement quality check's rule that tests validity: the gate and the flags judge that apart.
constexpr std::string_view kInForceTest = "in-force";
constexpr std::string_view kDefaultCourtCountry = "CN";

// ---- Agreements -------------------------------------------------------------------------------

Status check_agreement_input(const AgreementInput& input) {
  if (!legal::parse_agreement_kind(input.kind)) {
    return input_error(
        "--kind",
        "'" + input.kind +
            "' is not an agreement kind (nnn, nda, manufacturing, tooling, po-terms, confidentiality)");
  }
  for (const std::string& clause : input.clauses) {
    const bool known = std::any_of(std::begin(kClauseFields), std::end(kClauseFields),
                                   [&](const ClauseField& c) { return c.clause == clause; });
    if (!known) {
      return input_error("--clause", "'" + clause + "' is not a clause moat records (" +
                                         join(agreement_clause_names(), ", ") + ")");
    }
  }
  if (input.effective && input.expires && *input.expires < *input.effective) {
    return input_error("--expires", "the agreement expires (" + input.expires->to_string() +
                                        ") before it takes effect (" + input.effective->to_string() + ")");
  }
  if (!input.court_country.empty() && !is_office_code(input.court_country)) {
    return input_error("--court-country", "'" + input.court_country + "' is not a two-letter country code");
  }
  if (!input.governing_law.empty() && !is_office_code(input.governing_law)) {
    return input_error("--law", "'" + input.governing_law +
                                    "' is not a two-letter country code (CN for the law of the People's "
                                    "Republic of China, HK for Hong Kong's)");
  }
  if (!controls_one_of(input.controlling_language, input.languages)) {
    return input_error("--controlling", "'" + input.controlling_language +
                                            "' is not one of the agreement's languages (" +
                                            join(input.languages, ", ") + ")");
  }
  return {};
}

// A confidentiality agreement binds named employees of its supplier; other kinds name nobody.
Status check_people(Workspace& workspace, const AgreementInput& input) {
  const bool confidentiality = input.kind == "confidentiality";
  if (confidentiality && input.people.empty()) {
    return input_error("--person", "an employee confidentiality agreement names the people it binds");
  }
  if (!confidentiality && !input.people.empty()) {
    return input_error("--person",
                       "only a confidentiality agreement names people (this is a " + input.kind + ")");
  }
  for (const std::string& person : input.people) {
    MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(table("people"), {person}));
    if (!found) return input_error("--person", "unknown person '" + person + "'");
    if (text(*found, "supplier") != input.supplier) {
      return input_error("--person", person + " does not work at " + input.supplier);
    }
  }
  return {};
}

json agreement_record(const AgreementInput& input, const std::string& id, const json& supplier) {
  const std::string name =
      input.counterparty_name.empty() ? text(supplier, "legal_name") : input.counterparty_name;
  const std::string uscc = input.counterparty_uscc.empty() ? text(supplier, "uscc") : input.counterparty_uscc;
  json record = {{"id", id},
                 {"kind", input.kind},
                 {"supplier", input.supplier},
                 {"counterparty_name", name},
                 {"counterparty_uscc", uscc},
                 {"governing_law", optional_text(input.governing_law)},
                 {"languages", input.languages},
                 {"controlling_language", optional_text(input.controlling_language)},
                 {"court", optional_text(input.court)},
                 {"court_country", optional_text(input.court_country)},
                 {"court_division", optional_text(input.court_division)},
                 {"arbitration", input.arbitration},
                 {"liquidated_damages", optional_number(input.liquidated_damages)},
                 {"currency", optional_text(input.currency)},
                 {"signed_by", optional_text(input.signed_by)},
                 {"signer_is_legal_rep", input.signer_is_legal_rep},
                 {"chop", input.chop},
                 {"effective", optional_date(input.effective)},
                 {"expires", optional_date(input.expires)},
                 {"products", input.products},
                 {"secrets", input.secrets},
                 {"document", optional_text(input.document)},
                 {"contracted_by", optional_text(input.contracted_by)},
                 {"on_behalf_of", optional_text(input.on_behalf_of)},
                 {"flows_down_to", input.flows_down_to},
                 {"note", optional_text(input.note)},
                 {"people", input.people}};
  for (const ClauseField& c : kClauseFields) {
    record[std::string(c.field)] =
        std::find(input.clauses.begin(), input.clauses.end(), c.clause) != input.clauses.end();
  }
  return record;
}

// The agreement as the quality check reads it; the counterparty's registration from `supplier`.
legal::Agreement legal_agreement(const json& a, const json& supplier) {
  legal::Agreement out;
  out.id = text(a, "id");
  out.kind = legal::parse_agreement_kind(text(a, "kind")).value_or(legal::AgreementKind::kNnn);
  out.counterparty_name = text(a, "counterparty_name");
  out.counterparty_uscc = text(a, "counterparty_uscc");
  out.governing_law = text(a, "governing_law");
  out.languages = list(a, "languages");
  out.controlling_language = text(a, "controlling_language");
  out.forum = flag_of(a, "arbitration") ? legal::ForumKind::kArbitration : legal::ForumKind::kCourt;
  const std::string country = text(a, "court_country");
  out.forum_country = country.empty() ? std::string(kDefaultCourtCountry) : country;
  out.forum_division = text(a, "court_division");
  out.forum_name = text(a, "court");
  // Whole units, rounded down: the check asks for at least the (whole) policy minimum, and
  // 499999.50 is not 500000. An amount that is not finite agrees on nothing.
  if (const std::optional<double> damages = number(a, "liquidated_damages");
      damages && std::isfinite(*damages))
    out.liquidated_damages = static_cast<std::int64_t>(std::floor(*damages));
  out.currency = text(a, "currency");
  for (const ClauseField& c : kClauseFields) {
    if (flag_of(a, c.field)) out.clauses.emplace_back(c.clause);
  }
  out.chop = flag_of(a, "chop");
  const std::string legal_rep = text(supplier, "legal_rep");
  out.signed_by = flag_of(a, "signer_is_legal_rep") && !legal_rep.empty() ? legal_rep : text(a, "signed_by");
  out.effective = date(a, "effective");
  out.expires = date(a, "expires");
  return out;
}

legal::SupplierIdentity identity_of(const json& supplier) {
  return {text(supplier, "legal_name"), text(supplier, "uscc"), text(supplier, "legal_rep"), ""};
}

// Whether `check` comes from the rule testing that the agreement is in force.
bool validity_check(const LegalRules& rules, const legal::CheckResult& check) {
  return std::any_of(
      rules.agreements.rules.begin(), rules.agreements.rules.end(),
      [&](const legal::AgreementRule& r) { return r.id == check.id && r.test == kInForceTest; });
}

AgreementReview review_one(const json& a, const Records& suppliers, const LegalRules& rules, Date today) {
  static const json kUnknown = json::object();
  AgreementReview review;
  review.id = text(a, "id");
  review.kind = text(a, "kind");
  review.supplier = text(a, "supplier");
  const json* supplier = find_by_id(suppliers, review.supplier);
  const json& registered = supplier ? *supplier : kUnknown;
  review.supplier_name =
      text(registered, "name").empty() ? text(registered, "legal_name") : text(registered, "name");
  review.suppliers = {review.supplier};
  for (const std::string& s : list(a, "flows_down_to")) review.suppliers.push_back(s);
  review.products = list(a, "products");
  review.effective = date(a, "effective");
  review.expires = date(a, "expires");
  review.contracted_by = text(a, "contracted_by");
  review.on_behalf_of = text(a, "on_behalf_of");
  review.people = list(a, "people");
  review.checks = legal::check_agreement(rules.agreements, legal_agreement(a, registered),
                                         identity_of(registered), today, rules.agreement_policy);
  review.passes = legal::all_passed(review.checks);
  for (const legal::CheckResult& check : review.checks) {
    if (!check.passed && !validity_check(rules, check)) review.failures.push_back(check);
  }
  review.expiring = review.expires && today <= *review.expires &&
                    *review.expires <= plus_days(today, rules.expiry_warning_days);
  return review;
}

// ---- Orders -----------------------------------------------------------------------------------

std::vector<std::string> order_problems(const OrderReview& po) {
  std::vector<std::string> problems;
  if (trim(po.ip_clause).empty()) problems.push_back("no IP clause");
  if (!po.penalty || *po.penalty <= 0) {
    problems.push_back("no liquidated damages for breaching it");
  } else if (trim(po.currency).empty()) {
    problems.push_back("liquidated damages without a currency");
  }
  return problems;
}

}  // namespace

// ---- Agreements -------------------------------------------------------------------------------

std::vector<std::string> agreement_clause_names() {
  std::vector<std::string> names;
  for (const ClauseField& c : kClauseFields) names.emplace_back(c.clause);
  return names;
}

Result<std::string> add_agreement(Workspace& workspace, const Session& session, const AgreementInput& input) {
  MOAT_CHECK(check_agreement_input(input));
  std::string id;
  const Status written = in_transaction(workspace, session, [&](store::Writer& writer) -> Status {
    MOAT_TRY(const std::optional<store::Record> supplier,
             workspace.store().get(table("suppliers"), {input.supplier}));
    if (!supplier) return input_error("--supplier", "unknown supplier '" + input.supplier + "'");
    for (const std::string& product : input.products)
      MOAT_CHECK(must_exist(workspace, "products", {product}, "--product"));
    for (const std::string& sub : input.flows_down_to)
      MOAT_CHECK(must_exist(workspace, "suppliers", {sub}, "--flows-down-to"));
    MOAT_CHECK(check_people(workspace, input));
    MOAT_TRY(id, id_or_next(workspace, input.id, "agreements", "AG"));
    return put_new(workspace, writer, "agreements", agreement_record(input, id, *supplier));
  });
  if (!written.ok()) return written.error();
  return id;
}

Result<std::vector<AgreementReview>> review_agreements(Workspace& workspace, Date today,
                                                       const std::string& supplier) {
  MOAT_TRY(const LegalRules rules, legal_rules(workspace));
  MOAT_TRY(const Records agreements, all_of(workspace, "agreements"));
  MOAT_TRY(const Records suppliers, all_of(workspace, "suppliers"));
  std::vector<AgreementReview> out;
  for (const json& a : agreements) {
    AgreementReview review = review_one(a, suppliers, rules, today);
    const auto& bound = review.suppliers;
    if (!supplier.empty() && std::find(bound.begin(), bound.end(), supplier) == bound.end()) continue;
    out.push_back(std::move(review));
  }
  return out;
}

// ---- Purchase orders --------------------------------------------------------------------------

Status add_order(Workspace& workspace, const Session& session, const OrderInput& input) {
  if (input.quantity < 1) return input_error("--quantity", "a purchase order is for at least one unit");
  if (input.due && *input.due < input.issued) return input_error("--due", "due before it was issued");
  json record = {{"id", input.id},
                 {"supplier", input.supplier},
                 {"product", input.product},
                 {"package", optional_text(input.package)},
                 {"quantity", input.quantity},
                 {"issued", input.issued.to_string()},
                 {"due", optional_date(input.due)},
                 {"ip_clause", optional_text(input.ip_clause)},
                 {"penalty", optional_number(input.penalty)},
                 {"currency", optional_text(input.currency)}};
  return in_transaction(workspace, session, [&](store::Writer& writer) {
    return put_new(workspace, writer, "orders", std::move(record));
  });
}

Status set_order_terms(Workspace& workspace, const Session& session, const std::string& order,
                       const std::string& ip_clause, std::optional<double> penalty,
                       const std::string& currency) {
  if (penalty && *penalty < 0) return input_error("--penalty", "liquidated damages cannot be negative");
  return in_transaction(workspace, session, [&](store::Writer& writer) -> Status {
    MOAT_TRY(std::optional<store::Record> found, workspace.store().get(table("orders"), {order}));
    if (!found) return Error(ErrorCode::kNotFound, "orders/" + order, "no such purchase order");
    json record = std::move(*found);
    if (!ip_clause.empty()) record["ip_clause"] = ip_clause;
    if (penalty) record["penalty"] = *penalty;
    if (!currency.empty()) record["currency"] = currency;
    MOAT_CHECK(put_checked(workspace, writer, {{&table("orders"), std::move(record)}}));
    return {};
  });
}

OrderReview review_order(const json& o) {
  OrderReview po{text(o, "id"),
                 text(o, "supplier"),
                 text(o, "product"),
                 text(o, "package"),
                 integer(o, "quantity").value_or(0),
                 text(o, "issued"),
                 text(o, "ip_clause"),
                 number(o, "penalty"),
                 text(o, "currency"),
                 {}};
  po.problems = order_problems(po);
  return po;
}

Result<std::vector<OrderReview>> review_orders(Workspace& workspace, const std::string& supplier,
                                               const std::string& product) {
  MOAT_TRY(const Records orders, all_of(workspace, "orders"));
  std::vector<OrderReview> out;
  for (const json& o : orders) {
    if (!supplier.empty() && text(o, "supplier") != supplier) continue;
    if (!product.empty() && text(o, "product") != product) continue;
    out.push_back(review_order(o));
  }
  return out;
}

}  // namespace moat::app
