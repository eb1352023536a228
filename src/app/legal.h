// SPDX-License-Identifier: Apache-2.0
// Legal use cases: agreements with suppliers (NNN, NDA, manufacturing, tooling, PO terms) and
// their quality check against China practice (legal/agreement_check.h, rules/agreements.toml),
// the IP terms of purchase orders, IP rights with their events and the deadlines that follow
// (legal/deadlines.h, rules/deadlines.toml, the offices' calendars), as a list or an iCalendar
// file, and public disclosures. Every change is recorded in the ledger; "today" is passed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/session.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"
#include "flags/rules.h"
#include "legal/agreement_check.h"
#include "legal/deadlines.h"

namespace moat::app {

// ---- Agreements -------------------------------------------------------------------------------

struct AgreementInput {
  std::string id;        // empty: the next AG<n>
  std::string kind;      // nnn, nda, manufacturing, tooling, po-terms, confidentiality
  std::string supplier;  // the counterparty (for confidentiality: the own facility that employs them)
  std::string counterparty_name;       // the Chinese legal name as written in it; empty: as registered
  std::string counterparty_uscc;       // the credit code as written in it; empty: as registered
  std::string governing_law;           // country code of the law chosen: "CN", "HK", "US"
  std::vector<std::string> languages;  // "zh", "en"
  std::string controlling_language;    // "zh"
  std::string court;                   // "深圳市中级人民法院"
  std::string court_country;           // where it sits; empty: CN
  std::string court_division;          // GB/T 2260 code of its area: "440300"
  bool arbitration = false;
  std::optional<double> liquidated_damages;
  std::string currency;
  std::vector<std::string> clauses;  // non-use, non-circumvention, subcontractor-flow-down, ...
  std::string signed_by;
  bool signer_is_legal_rep = false;
  bool chop = false;
  std::optional<Date> effective, expires;
  std::vector<std::string> products;  // empty: every product
  std::vector<std::string> secrets;
  std::string document;       // the signed copy in the vault (a document id)
  std::string contracted_by;  // when the contract manufacturer made it for us: who signed on our side
  std::string on_behalf_of;
  std::vector<std::string> flows_down_to;  // subcontractors it binds too
  std::string note;
  std::vector<std::string> people;  // confidentiality: the employees it binds (people at `supplier`)
};

// The clauses an agreement can record (the names its checks use).
std::vector<std::string> agreement_clause_names();

// Records an agreement and returns its id. Errors (kInput) name the flag-like field: an unknown
// kind or clause, an unknown supplier or product, expiry before the effective date.
Result<std::string> add_agreement(Workspace& workspace, const Session& session, const AgreementInput& input);

struct AgreementReview {
  std::string id;
  std::string kind;
  std::string supplier;  // the counterparty
  std::string supplier_name;
  std::vector<std::string> suppliers;  // bound: the counterparty, then those it flows down to
  std::vector<std::string> products;   // empty: every product
  std::optional<Date> effective, expires;
  std::string contracted_by, on_behalf_of;
  std::vector<std::string> people;           // confidentiality: the employees it binds
  std::vector<legal::CheckResult> checks;    // the quality check as of `today`, rule order
  std::vector<legal::CheckResult> failures;  // the checks it fails, except being in force (judged apart)
  bool passes = false;                       // no check failed
  bool expiring = false;                     // expires within the policy's warning window
};

// Every agreement (or those binding `supplier`) with its quality check as of `today`.
Result<std::vector<AgreementReview>> review_agreements(Workspace& workspace, Date today,
                                                       const std::string& supplier = {});

// ---- Purchase orders --------------------------------------------------------------------------

struct OrderInput {
  std::string id;  // the PO number
  std::string supplier;
  std::string product;
  std::string package;
  std::int64_t quantity = 0;
  Date issued = Date::from_days(0);
  std::optional<Date> due;
  std::string ip_clause;          // the clause's text or reference ("Art. 12: ...")
  std::optional<double> penalty;  // liquidated damages for breaching it
  std::string currency;
};
// Records a new purchase order. kConflict when the number is taken.
Status add_order(Workspace& workspace, const Session& session, const OrderInput& input);

// Records the IP clause and penalty of an existing purchase order (kNotFound for an unknown one).
Status set_order_terms(Workspace& workspace, const Session& session, const std::string& order,
                       const std::string& ip_clause, std::optional<double> penalty,
                       const std::string& currency);

struct OrderReview {
  std::string id, supplier, product, package;
  std::int64_t quantity = 0;
  std::string issued;
  std::string ip_clause;
  std::optional<double> penalty;
  std::string currency;
  std::vector<std::string> problems;  // what the gate's po-ip-clause check would fail on
};
// Purchase orders (of `supplier` and `product` when not empty), each with its problems.
Result<std::vector<OrderReview>> review_orders(Workspace& workspace, const std::string& supplier = {},
                                               const std::string& product = {});
// One stored purchase order (a record of "orders") with its problems.
OrderReview review_order(const nlohmann::json& order);

// ---- IP rights and disclosures ----------------------------------------------------------------

struct IpRightInput {
  std::string id;            // empty: the next IP<n>
  std::string kind;          // invention, utility-model, design, trademark, copyright, software-copyright,
                             // customs-recordation
  std::string jurisdiction;  // two capitals: "CN", "US", "EP"; "WO" for a PCT application
  std::string title;
  std::string mark;    // trademarks: the mark as filed
  std::string script;  // latin or chinese (default: from the mark)
  std::vector<std::string> nice_classes, subclasses;
  std::string application_number, registration_number;
  std::optional<Date> filed, priority, published, registered, expires;
  bool pct = false;
  bool made_in_china = false;
  std::string owner;  // empty: the company
  std::vector<std::string> products, parts, secrets;
  std::string note;
};
// Records an IP right and returns its id. Errors (kInput) name the field: kind, jurisdiction,
// a priority date after the filing, a registration before it, an unknown product.
Result<std::string> add_ip_right(Workspace& workspace, const Session& session, const IpRightInput& input);

// Records an event of a right ("filed-in-cn", "entered-cn-national-phase", "renewed", ...).
Status add_ip_event(Workspace& workspace, const Session& session, const std::string& right,
                    const std::string& event, Date date, const std::string& note = {});

struct IpRightRow {
  IpRightInput right;
  std::vector<legal::Event> events;
};
Result<std::vector<IpRightRow>> list_ip_rights(Workspace& workspace);
// One stored IP right (a record of "ip_rights") with its events, read by the right's key.
Result<IpRightRow> ip_right_row(Workspace& workspace, const nlohmann::json& record);

struct DisclosureInput {
  std::string id;    // empty: the next D<n>
  std::string kind;  // trade-show, crowdfunding, samples-without-nnn, publication, other
  Date date = Date::from_days(0);
  std::string product;
  std::vector<std::string> secrets;  // of the product
  std::string note;
};
Result<std::string> record_disclosure(Workspace& workspace, const Session& session,
                                      const DisclosureInput& input);
Result<std::vector<DisclosureInput>> list_disclosures(Workspace& workspace);

// ---- Deadlines --------------------------------------------------------------------------------

// The deadlines open on `as_of` (due within `within_days` of it, when given) and those already
// missed by then, sorted by due date, right and rule.
Result<std::vector<legal::Deadline>> ip_deadlines(Workspace& workspace, Date as_of,
                                                  std::optional<long> within_days = std::nullopt);

// The same deadlines as an iCalendar file; `dtstamp` is the UTC time it is made.
Result<std::string> ip_calendar(Workspace& workspace, Date as_of, const std::string& dtstamp);

// The deadlines each right has missed by `today` whose miss costs it protection in China (a priority
// deadline, the confidentiality examination), by right id (the gate's input).
Result<std::vector<std::pair<std::string, std::vector<legal::Deadline>>>> missed_protection(
    Workspace& workspace, Date today);

// ---- For the red flags ------------------------------------------------------------------------

// Agreements, the suppliers working on each product (orders and `plans`), IP rights,
// disclosures and products, as the flag rules read them.
Result<flags::LegalFacts> legal_flag_facts(Workspace& workspace, Date today,
                                           const std::vector<flags::PlanFacts>& plans);

}  // namespace moat::app
