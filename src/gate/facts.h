// SPDX-License-Identifier: Apache-2.0
// What the go / no-go gate decides from: plain values app/ gathers from the workspace and from
// the other engines (qualification, the agreement quality check, the deadline engine, the plan's
// exposure analysis, red flags), plus the gate's settings and the waivers granted. Nothing here
// is looked up later: a fact the app leaves out counts as absent, which fails the check it feeds.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"

namespace moat::gate {

// Policy, as data (moat.toml [gate]); check_settings() says what is valid.
struct Settings {
  int audit_window_days = 365;     // an audit older than this is not recent
  bool allow_conditional = false;  // a conditional supplier passes supplier-qualified
  int collusion = 1;               // every recipe's min_coalition must be above this
  // Protection strategies that mean "register it" (the others, trade-secret, are kept secret).
  std::vector<std::string> registrable = {"patent", "design", "trademark", "copyright"};
  std::string home_jurisdiction = "US";  // where the company files first
  // The clauses an NNN must carry, by their names ("non-use", "subcontractor-flow-down", ...):
  // app/ takes them from the agreement rules' clause checks (legal::required_clauses).
  std::vector<std::string> nnn_clauses;
};

// ---- Product and its IP -----------------------------------------------------------------------

struct Secret {
  std::string id;        // "S01"
  std::string name;      // "Enclosure geometry"
  std::string strategy;  // patent, design, trademark, copyright, trade-secret
};

struct Product {
  std::string id;    // "aurora"
  std::string name;  // "Aurora smart speaker"
  std::vector<Secret> secrets;
  std::vector<std::string> marks;  // brand names it is sold under: "AURORA", "极光"
};

struct Package {
  std::string id;                    // "WP01"
  std::string name;                  // "Enclosure housings"
  std::vector<std::string> secrets;  // what making it exposes (ids of the product's secrets)
};

// A deadline the deadline engine (legal/) reports as missed for a right.
struct MissedDeadline {
  std::string rule;        // "paris-priority-design"
  Date due;                // the last day to act, after moving off closed days
  std::string action;      // "file in CN claiming priority"
  bool clearance = false;  // the confidentiality examination (China grants no patent), not a priority
};

struct IpRight {
  std::string id;
  std::string kind;           // invention, utility-model, design, trademark, copyright, software-copyright
  std::string jurisdiction;   // "CN", "US", "EP", "WO" (PCT)
  std::string number;         // application or registration number; may be empty
  std::optional<Date> filed;  // nullopt: planned, not filed
  std::string owner;          // as the register records it
  std::vector<std::string> secrets;               // secret ids it covers
  std::string mark;                               // trademarks: the mark ("AURORA", "极光")
  std::vector<MissedDeadline> missed_protection;  // deadlines missed that cost it China, from legal/
};

// ---- The approved plan ------------------------------------------------------------------------

struct Assignment {
  std::string package;
  std::string supplier;
};

// A recipe's smallest coalition in the approved plan, from the plan engine's exposure analysis
// run over the workspace's current parties.
struct RecipeCoalition {
  std::string recipe;                // "R1"
  std::string name;                  // "Functional clone"
  std::optional<int> min_coalition;  // nullopt: no set of untrusted parties can complete it
  std::vector<std::string> parties;  // the members of one smallest coalition, when any
};

struct ApprovedPlan {
  std::string id;
  std::vector<Assignment> assignments;
  std::vector<RecipeCoalition> recipes;
  // What no longer holds of it against today's inputs (qualification, capabilities, quotes,
  // capacities, affiliations, exposure caps), one sentence each; nullopt: not re-validated.
  std::optional<std::vector<std::string>> broken;
};

// ---- One supplier -----------------------------------------------------------------------------

struct QualityFailure {
  std::string check;                         // the quality check's id: "governing-law"
  std::string reason;                        // "governed by the law of California"
  std::vector<std::string> missing_clauses;  // a clause check's: the clauses it lacks, by name
};

// An NNN (non-disclosure, non-use, non-circumvention) agreement binding the supplier: signed
// with it directly or flowed down to it by the contract manufacturer (app/ resolves the chain).
struct Agreement {
  std::string id;
  std::vector<std::string> products;             // products it covers
  bool all_products = false;                     // covers every product of the company
  std::optional<Date> effective;                 // nullopt: not signed yet
  std::optional<Date> expiry;                    // nullopt: no end date
  std::vector<QualityFailure> quality_failures;  // from legal/'s quality check; empty: passes
  // Who signed it, when not the supplier itself: the contract manufacturer that flows it down to
  // the supplier ("F13", with its name for messages). Empty: signed with the supplier.
  std::string counterparty;
  std::string counterparty_name;
};

struct PurchaseOrder {
  std::string id;
  std::string product;
  bool ip_clause = false;
  double penalty = 0;    // liquidated damages for breaching the IP clause; 0: none
  std::string currency;  // "CNY"
};

struct OnSiteAssignment {
  std::string person;
  std::string role;  // "agent", "engineer"
  Date from;
  std::optional<Date> to;  // nullopt: open-ended
};

struct Finding {
  std::string id;
  std::string severity;  // "critical", "major", "minor", "observation"
  std::string description;
  bool closed = false;
};

struct Audit {
  std::string id;
  Date date;
  std::vector<Finding> findings;
};

struct Visit {
  std::string id;
  Date date;
  std::string by;
};

// Someone at the company's own facility who has received (or is about to receive) design data,
// and the employee confidentiality agreement that binds them today, as app/ resolves it.
struct DesignRecipient {
  std::string person;      // "P01"
  std::string name;        // "梁晓燕"
  std::string received;    // "R1, R2" (releases), or "this release"
  std::string covered_by;  // "AG12 (in force since 2026-01-05)"; empty: none in force
  std::string gap;         // when not covered: "none on record", "AG12 expired on 2026-06-30"
};

// Whether access to the own facility's design data is controlled, as the latest audit that
// scored it says (app/ applies the audit window).
struct AccessControl {
  bool verified = false;
  std::string evidence;  // "audit V9 on 2026-11-20 passed access-control", "never audited for access control"
};

struct OpenFlag {
  std::string rule;      // "unaccounted-units"
  std::string severity;  // flags::severity_name: "critical", "high", ...
  std::string summary;
};

struct SupplierFacts {
  std::string id;          // "F03"
  std::string name;        // "Shenzhen Huasheng Precision Mould Co., Ltd."
  std::string legal_name;  // as on the business licence: "深圳市华晟精密模具有限公司"
  std::string uscc;        // unified social credit code
  std::string legal_rep;   // legal representative
  std::string city;        // where its factory is: the court with jurisdiction sits there
  std::string status;      // effective status (vet::effective_status): qualified, conditional, expired, ...
  std::optional<Date> qualified_until;
  // The company's own facility: checked for employee confidentiality and access control instead of
  // an NNN, purchase-order IP clauses and the owner's visit, which make no sense with oneself.
  bool trusted = false;
  std::vector<DesignRecipient> recipients;  // own facility: who receives design data
  AccessControl access_control;             // own facility
  // When it starts making the product (app/: the product's recorded start, else the supplier's
  // first purchase order for it); nullopt: the verdict's production start.
  std::optional<Date> production_start;
  std::vector<Agreement> nnns;
  std::vector<PurchaseOrder> purchase_orders;
  std::vector<OnSiteAssignment> on_site;
  std::vector<Audit> audits;         // audits only, not other visits
  std::vector<Visit> owner_visits;   // the owner's own visits
  std::vector<OpenFlag> open_flags;  // red flags not resolved
  // Releases to it, revoked or expired, whose files are not confirmed returned or destroyed:
  // "R3 (revoked on 2026-12-01: contract ended)".
  std::vector<std::string> unreturned_releases;
};

// ---- Waivers ----------------------------------------------------------------------------------

// A decision to go ahead despite one failing check, for one subject, until `expires`. app/
// records each in the ledger and passes the product's waivers in.
struct Waiver {
  std::string check;    // a check id: "owner-visit"
  std::string subject;  // the check's subject: "supplier/F03"
  std::string role;     // the role of who grants it: "IP counsel"
  std::string reason;
  std::string by;               // who grants it
  std::optional<Date> expires;  // required: a waiver without an end does not apply
  Date granted;
};

// ---- What each verdict is asked about ---------------------------------------------------------

// Releasing one work package's design data to one supplier.
struct ReleaseFacts {
  Date today;
  std::vector<std::string> company_names;  // the names the company owns its rights under
  Product product;
  Package package;
  SupplierFacts supplier;
  std::vector<IpRight> rights;       // the product's rights, every jurisdiction
  std::optional<ApprovedPlan> plan;  // the product's approved plan, when there is one
  std::vector<Waiver> waivers;
};

// Starting a product's production: product-level checks, then the per-supplier checks for each
// supplier the approved plan assigns (one with no entry in `suppliers` counts as knowing nothing).
struct LaunchFacts {
  Date today;
  std::optional<Date> production_start;  // nullopt: today
  std::vector<std::string> company_names;
  Product product;
  std::vector<SupplierFacts> suppliers;
  std::vector<IpRight> rights;
  std::optional<ApprovedPlan> plan;
  std::vector<Waiver> waivers;
};

}  // namespace moat::gate
