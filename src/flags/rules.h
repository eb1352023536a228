// SPDX-License-Identifier: Apache-2.0
// Red flags: a rule engine over what moat knows of the suppliers (qualification, certificates,
// audits and findings, tooling, material reconciliation, affiliations against the approved
// plans) and of the paperwork (agreements, IP rights, public disclosures). Each rule is one row
// of a table: an id, a default severity and thresholds (all data, overridable), and an
// evaluation that turns the facts into raised flags. A flag names its
// cause, so the same cause is never raised twice (app/ keeps the flags' state). Pure: `today`
// and every fact are passed in. Adding a rule is a function and a row in rules.cc, and a case in
// rules_test.cc's kRuleCases (a test fails until the new rule has one).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "plan/instance.h"
#include "vet/reconcile.h"

namespace moat::flags {

enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };
std::string_view severity_name(Severity severity);  // "info", "low", "medium", "high", "critical"
std::optional<Severity> parse_severity(std::string_view name);

// ---- Facts: plain values the app gathers from the workspace ---------------------------------

// Someone at the company's own facility who received design data, and the employee
// confidentiality agreement in force that binds them (app/ resolves it, as for the gate).
struct DesignRecipient {
  std::string person;      // "P01"
  std::string name;        // "梁晓燕"
  std::string received;    // "R1, R2"
  std::string covered_by;  // "AG09 (in force since 2026-01-05)"; empty: nothing in force
  std::string gap;         // when not covered: "no employee confidentiality agreement on record"
};

struct SupplierFacts {
  std::string id;
  std::string name;
  std::string status;  // effective (vet::effective_status): may be "expired"
  std::optional<Date> qualified_until;
  bool trusted = false;
  bool active = false;  // has purchase orders or is in an approved plan
  std::optional<std::int64_t> capacity;
  std::vector<std::string> sites;  // known sites (addresses or names)
  std::vector<std::string> approved_subcontractors;
  // Its earliest production start (app::production_start: the product's recorded start, else its
  // first purchase order, else today, `first_production_assumed`); nullopt when not active.
  std::optional<Date> first_production;
  bool first_production_assumed = false;
  // The company's own facility (trusted): who received design data, and whether access control
  // on site is verified by a recent audit.
  std::vector<DesignRecipient> recipients;
  bool access_verified = false;
  std::string access_evidence;  // "audit V9 on 2026-11-20 passed access-control", or why not
};

struct CertificateFacts {
  std::string supplier;
  std::string id;
  std::string standard;  // "ISO 9001"
  std::string number;
  Date expires;
};

struct VisitFacts {
  std::string id;
  std::string supplier;
  std::string kind;  // "audit", "visit" or "owner-visit"
  Date date;
  std::optional<std::int64_t> capacity_seen;
  std::vector<std::string> sites_seen;
  std::vector<std::string> subcontractors_seen;
};

struct FindingFacts {
  std::string visit;
  std::string id;
  std::string supplier;
  std::string severity;  // "critical", "major", "minor", "observation"
  std::string description;
  std::optional<Date> due;
  bool closed = false;
};

enum class ToolEventKind { kReading, kRelocation, kChange, kSighting, kScrap };

struct ToolEvent {
  std::string id;
  Date date;
  ToolEventKind kind = ToolEventKind::kReading;
  std::optional<double> shots;  // reading: the counter
  std::string from;             // relocation: supplier it left
  std::string to;               // relocation: supplier it went to; sighting: where it was seen
  bool approved = false;        // relocation and change: approved (for a change: on or before its date)
  std::string visit;            // sighting: the visit that saw it
};

struct ToolFacts {
  std::string id;
  std::string name;
  std::string product;
  std::string location;  // supplier id where moat believes it is
  std::vector<std::string> approved_locations;
  double cavities = 1;
  double parts_per_unit = 1;
  bool scrapped = false;
  std::vector<ToolEvent> events;  // the passport, by date
  // Finished units the tool's location shipped or scrapped for the product since the tool
  // arrived there (from the workspace's movements). Shots are counted from the same arrival:
  // the last reading on or before the latest relocation to `location` (0 when none).
  double units_accounted = 0;
};

// An approved plan, with the workspace's current parties (affiliations may have been added
// since it was approved).
struct PlanFacts {
  std::string product;
  std::string plan_id;
  plan::Instance instance;  // suppliers carry their current party
  std::vector<plan::Assignment> assignments;
};

struct Evidence {
  std::string name;   // "expired on"
  std::string value;  // "2026-01-31"
};

// ---- Agreements and IP rights (the app resolves agreement chains and runs the quality check) --

struct AgreementFacts {
  std::string id;
  std::string kind;                    // nnn, nda, manufacturing, tooling, po-terms
  std::vector<std::string> suppliers;  // bound by it: the counterparty, then those it flows down to
  std::vector<std::string> products;   // empty: every product of the company
  std::optional<Date> effective;       // nullopt: not signed yet
  std::optional<Date> expires;         // nullopt: no end date
  std::vector<Evidence> failures;      // quality checks it fails (check id, why); validity aside
};

// A supplier making (or about to make) a product: it has purchase orders for it, or an approved
// plan assigns it one of the product's work packages.
struct SupplyFacts {
  std::string supplier;
  std::string product;
};

struct IpRightFacts {
  std::string id;
  std::string kind;          // invention, utility-model, design, trademark, copyright, ...
  std::string jurisdiction;  // "CN", "US", "EP", "WO"
  std::string title;
  std::string mark;                   // trademarks: the mark as filed ("AURORA", "极光")
  std::string owner;                  // as the register records it
  std::optional<Date> filed;          // nullopt: planned, not filed
  std::vector<std::string> products;  // products it covers
  std::vector<std::string> secrets;   // secret ids it covers
};

// A public disclosure: a trade show, a crowdfunding launch, samples sent without an NNN, a paper.
struct DisclosureFacts {
  std::string id;
  std::string kind;
  Date date;
  std::string product;
  std::vector<std::string> secrets;  // of `product`
  std::string note;
};

struct ProductFacts {
  std::string id;
  std::string name;
  std::optional<Date> production_start;  // as recorded on the product
  std::optional<Date> first_order;       // its earliest purchase order
};

struct LegalFacts {
  std::vector<std::string> company_names;  // the names the company owns its rights under
  int expiry_warning_days = 60;            // moat.toml [policy] agreement_expiry_warning_days
  std::vector<AgreementFacts> agreements;
  std::vector<SupplyFacts> supplies;
  std::vector<IpRightFacts> rights;
  std::vector<DisclosureFacts> disclosures;
  std::vector<ProductFacts> products;
};

// A release of design files to a supplier (app/releases.h): once revoked or past its expiry, the
// supplier must give the files back or destroy them, and someone must confirm it.
struct ReleaseFacts {
  std::string id;  // "R3"
  std::string supplier;
  std::vector<std::string> recipients;  // person ids
  std::optional<Date> expires;          // nullopt: open-ended
  std::optional<Date> revoked;          // nullopt: not revoked
  std::string revoke_reason;
  bool returned = false;  // return or destruction confirmed
};

// A counterfeit a person confirmed (app/watch.h), traced back: what the copy shows of the
// product's secrets and who held them by the exposure analysis of the product's plan. The app
// decides the three links (the seller in a holder's city; a feature still secret in the images;
// the seller the supplier itself).
struct CounterfeitHolder {
  std::string supplier;
  std::string party;
  std::string city;                  // where the supplier works
  std::vector<std::string> secrets;  // of the copied secrets, those it held
  bool in_seller_city = false;       // the listing's seller location names that city
  // The listing names the supplier as its seller: its legal or trading name, or its unified social
  // credit code in the seller's name or the listing's text (how it is named, quoted), else empty.
  std::string seller_is_it;
  std::vector<std::string> unpublished_held;  // of those it held, shown in the images and not yet public
};

struct CounterfeitFacts {
  std::string hit;      // "H3"
  std::string listing;  // "L7"
  std::string platform;
  std::string url;
  std::string product;
  std::string seller;
  std::string seller_location;
  std::vector<std::string> copied;         // the secrets the copy shows
  std::vector<std::string> unpublished;    // of those, shown in its images and not yet public
  std::vector<CounterfeitHolder> holders;  // everyone who held any of `copied`
};

// A takedown complaint filed with a platform (app/watch_complaints.h).
struct ComplaintFacts {
  std::string id;  // "C2"
  std::string platform;
  std::string status;  // drafted, filed, removed, counter-notice, relisted, withdrawn
  std::optional<Date> filed;
  std::optional<Date> counter_notice;
  std::optional<Date> relisted;
  std::vector<std::string> hits;
};

struct Facts {
  Date today;
  std::vector<SupplierFacts> suppliers;
  std::vector<CertificateFacts> certificates;
  std::vector<VisitFacts> visits;
  std::vector<FindingFacts> findings;
  std::vector<ToolFacts> tools;
  std::vector<vet::Reconciliation> reconciliations;
  std::vector<PlanFacts> plans;
  LegalFacts legal;                    // agreements, IP rights and disclosures; empty when none are recorded
  std::vector<ReleaseFacts> releases;  // the app may pass only those that ended and are not returned
  std::vector<CounterfeitFacts> counterfeits;  // confirmed counterfeit hits, traced
  std::vector<ComplaintFacts> complaints;      // takedown complaints and their state
};

// ---- Rules -----------------------------------------------------------------------------------

struct Raised {
  std::string rule;
  Severity severity = Severity::kMedium;
  std::string subject;  // "supplier/S07", "tool/T-03", "finding/V2/F1"
  // What makes this occurrence distinct: the same rule, subject and cause is the same flag.
  std::string cause;
  std::string summary;  // one sentence for people
  std::vector<Evidence> evidence;
};

// A rule's severity and thresholds, as configured.
struct RuleSetting {
  Severity severity = Severity::kMedium;
  bool enabled = true;
  std::map<std::string, double, std::less<>> thresholds;
  double threshold(std::string_view name) const;  // the configured value; 0 when absent
};

struct Rule {
  std::string_view id;                                          // "certificate-expired"
  std::string_view title;                                       // for people
  Severity severity;                                            // default
  std::vector<std::pair<std::string_view, double>> thresholds;  // defaults
  std::vector<Raised> (*evaluate)(const Facts& facts, const RuleSetting& setting);
  // The fact that ended a flag this rule raised before and no longer raises, in a sentence for
  // the ledger; nullptr: the rule says only that its condition no longer holds.
  std::string (*cleared)(const Facts& facts, std::string_view subject, std::string_view cause) = nullptr;
};

std::span<const Rule> builtin_rules();

// What a workspace changes of a rule's defaults (moat.toml [flags.<rule id>]).
struct Override {
  std::optional<Severity> severity;
  std::optional<bool> enabled;
  std::map<std::string, double, std::less<>> thresholds;
};
using Overrides = std::map<std::string, Override, std::less<>>;
using Settings = std::map<std::string, RuleSetting, std::less<>>;

// Every built-in rule's defaults with `overrides` applied by rule id. Errors (kInput) name
// "flags.<rule>" for an unknown rule and "flags.<rule>.<threshold>" for an unknown threshold.
Result<Settings> settings(const Overrides& overrides);

// Every flag the enabled rules raise, ordered by severity (highest first), rule, subject, cause.
std::vector<Raised> evaluate(const Facts& facts, const Settings& settings);

// Why the flag (rule, subject, cause) that `evaluate` no longer raises has cleared as of
// facts.today, naming the fact that cleared it: "audit V-2026-031 on 2026-11-20", "NNN A3 in
// force since 2026-11-02 covers aurora". A rule that cannot say more, or an unknown rule, gives
// "<rule>: the cause no longer holds on <today>".
std::string cleared_reason(const Facts& facts, std::string_view rule, std::string_view subject,
                           std::string_view cause);

}  // namespace moat::flags
