// SPDX-License-Identifier: Apache-2.0
// The checks about one supplier: qualification, its NNN and purchase orders, who is on site,
// audits, the owner's visit and red flags.
#include <algorithm>

#include "core/number_text.h"
#include "core/text.h"
#include "gate/checks.h"

namespace moat::gate::detail {
namespace {

constexpr std::string_view kQualified = "qualified";
constexpr std::string_view kConditional = "conditional";
constexpr std::string_view kRejected = "rejected";
constexpr std::string_view kExpired = "expired";
constexpr std::string_view kCritical = "critical";

std::string days_between(Date from, Date to) {
  return std::to_string(to.days_since_epoch() - from.days_since_epoch());
}

// ---- supplier-qualified ----------------------------------------------------------------------

std::string assess_fix(const SupplierFacts& s) {
  return "Assess " + supplier_label(s) +
         " against the qualification criteria and have someone other than the assessor approve it "
         "(moat supplier assess " +
         s.id + ").";
}

bool status_allowed(std::string_view status, const Settings& settings) {
  return status == kQualified || (status == kConditional && settings.allow_conditional);
}

Check status_failure(const SupplierFacts& s, const Settings& settings) {
  const std::string label = supplier_label(s);
  if (s.status.empty())
    return failed(supplier_subject(s), "moat has no qualification status for " + label + ".", assess_fix(s));
  if (s.status == kRejected) {
    return failed(supplier_subject(s), label + " was rejected in its qualification.",
                  "Source the work from a qualified supplier, or re-assess " + label +
                      " once what rejected it has changed (moat supplier assess " + s.id + ").");
  }
  if (s.status == kConditional && !settings.allow_conditional) {
    return failed(
        supplier_subject(s),
        label +
            " is only conditionally qualified and the policy does not allow "
            "conditional suppliers (policy.allow_conditional = false).",
        "Re-assess " + label +
            " once the conditions are met so that it qualifies fully, or allow "
            "conditional suppliers (policy.allow_conditional = true in moat.toml, then plan again).");
  }
  if (s.status == kExpired) {
    const std::string on = s.qualified_until ? " on " + s.qualified_until->to_string() : "";
    return failed(supplier_subject(s), label + "'s qualification expired" + on + ".", assess_fix(s));
  }
  return failed(supplier_subject(s), label + "'s qualification status is " + s.status + ".", assess_fix(s));
}

}  // namespace

std::vector<Check> supplier_qualified(const Context& context) {
  const SupplierFacts& s = *context.supplier;
  if (!status_allowed(s.status, *context.settings)) return {status_failure(s, *context.settings)};
  const std::string label = supplier_label(s);
  if (!s.qualified_until) {
    return {failed(supplier_subject(s),
                   label + " is " + s.status + " but no re-qualification date is recorded.", assess_fix(s))};
  }
  const std::string until = s.qualified_until->to_string();
  if (*s.qualified_until < context.today) {
    return {failed(supplier_subject(s), label + "'s qualification expired on " + until + ".", assess_fix(s))};
  }
  return {passed(supplier_subject(s), label + " is " + s.status + " until " + until + ".")};
}

// ---- nnn -------------------------------------------------------------------------------------

namespace {

bool covers_product(const Agreement& a, std::string_view product) {
  return a.all_products || std::find(a.products.begin(), a.products.end(), product) != a.products.end();
}

bool in_force(const Agreement& a, Date today) {
  return a.effective && *a.effective <= today && (!a.expiry || today <= *a.expiry);
}

std::string validity(const Agreement& a) {
  const std::string from = a.effective ? "effective " + a.effective->to_string() : "unsigned";
  return from + (a.expiry ? ", expires " + a.expiry->to_string() : ", no end date");
}

std::string quality_failures(const Agreement& a) {
  std::vector<std::string> items;
  for (const QualityFailure& f : a.quality_failures) items.push_back(f.check + " (" + f.reason + ")");
  return join(items, "; ");
}

// Why `a` does not make the supplier's NNN valid today; empty when it does.
std::string nnn_problem(const Agreement& a, Date today) {
  if (!a.effective) return a.id + " is not signed";
  if (today < *a.effective) return a.id + " takes effect only on " + a.effective->to_string();
  if (a.expiry && *a.expiry < today) return a.id + " expired on " + a.expiry->to_string();
  if (!a.quality_failures.empty()) return a.id + " fails its quality check: " + quality_failures(a);
  return "";
}

// "the clause non-use", "the clauses non-use, non-circumvention and subcontractor-flow-down".
std::string clause_names(const std::vector<std::string>& clauses) {
  if (clauses.size() == 1) return "the clause " + clauses.front();
  const std::vector<std::string> first(clauses.begin(), clauses.end() - 1);
  return "the clauses " + join(first, ", ") + " and " + clauses.back();
}

std::string nnn_terms(const SupplierFacts& s, const std::vector<std::string>& clauses) {
  const std::string court = s.city.empty() ? "the PRC court" : "the " + s.city + " court";
  const std::string signer =
      s.legal_rep.empty() ? "its legal representative" : "its legal representative " + s.legal_rep;
  return "PRC law, the Chinese text controlling, " + court +
         " with jurisdiction over the supplier, liquidated "
         "damages at least the policy minimum, " +
         (clauses.empty() ? "" : clause_names(clauses) + ", ") + "signed by " + signer +
         " and sealed with its company chop";
}

// The required clauses `a` lacks, by name, in the order its quality check found them.
std::vector<std::string> missing_clauses(const Agreement& a) {
  std::vector<std::string> out;
  for (const QualityFailure& f : a.quality_failures) {
    for (const std::string& clause : f.missing_clauses) {
      if (std::find(out.begin(), out.end(), clause) == out.end()) out.push_back(clause);
    }
  }
  return out;
}

// "NNN-F03 (non-use, chop; add the clause non-use)"; "AG07 with Huizhou … (F15) (…)" when the
// contract manufacturer signed it.
std::string amendment(const Agreement& a) {
  std::vector<std::string> checks;
  for (const QualityFailure& f : a.quality_failures) checks.push_back(f.check);
  const std::vector<std::string> missing = missing_clauses(a);
  const std::string with =
      a.counterparty.empty()
          ? ""
          : " with " + (a.counterparty_name.empty() ? a.counterparty
                                                    : a.counterparty_name + " (" + a.counterparty + ")");
  return a.id + with + " (" + join(checks, ", ") + (missing.empty() ? "" : "; add " + clause_names(missing)) +
         ")";
}

Check nnn_failure(const SupplierFacts& s, std::string_view product, const std::vector<std::string>& clauses,
                  std::string reason, const std::vector<const Agreement*>& failing) {
  const std::string what = "an NNN with " + contract_party(s) + " covering " + std::string(product) + ": " +
                           nnn_terms(s, clauses) + ".";
  std::vector<std::string> amend;
  std::vector<MissingClauses> missing;
  for (const Agreement* a : failing) {
    amend.push_back(amendment(*a));
    std::vector<std::string> lacks = missing_clauses(*a);
    if (!lacks.empty())
      missing.push_back({a->id, a->counterparty.empty() ? s.id : a->counterparty, std::move(lacks)});
  }
  if (amend.empty() && !clauses.empty()) missing.push_back({"", s.id, clauses});
  Check check = failed(
      supplier_subject(s), std::move(reason),
      amend.empty() ? "Sign " + what
                    : "Amend " + join(amend, "; ") + " until it passes the quality check, or sign " + what);
  check.missing_clauses = std::move(missing);
  return check;
}

}  // namespace

std::vector<Check> nnn(const Context& context) {
  const SupplierFacts& s = *context.supplier;
  if (s.trusted) return {};  // no NNN with oneself: employee-confidentiality asks what does apply
  const std::string& product = context.product->id;
  std::vector<std::string> problems;
  std::vector<const Agreement*> failing_quality;
  for (const Agreement& a : s.nnns) {
    if (!covers_product(a, product)) continue;
    const std::string problem = nnn_problem(a, context.today);
    if (problem.empty()) {
      return {passed(supplier_subject(s), a.id + " with " + supplier_label(s) + " (" + validity(a) +
                                              ") covers " + product + " and passes its quality check.")};
    }
    problems.push_back(problem);
    if (in_force(a, context.today)) failing_quality.push_back(&a);
  }
  const std::string reason = problems.empty()
                                 ? "No NNN with " + supplier_label(s) + " covers " + product + "."
                                 : "No valid NNN with " + supplier_label(s) + " covers " + product + ": " +
                                       join(problems, "; ") + ".";
  return {nnn_failure(s, product, context.settings->nnn_clauses, reason, failing_quality)};
}

// ---- po-ip-clause ----------------------------------------------------------------------------

namespace {

std::string penalty_text(const PurchaseOrder& po) {
  return format_number(po.penalty) + (po.currency.empty() ? "" : " " + po.currency);
}

std::string po_problem(const PurchaseOrder& po) {
  if (!po.ip_clause && po.penalty <= 0) return po.id + " has no IP clause and no liquidated damages";
  if (!po.ip_clause) return po.id + " has no IP clause";
  if (po.penalty <= 0) return po.id + " has an IP clause but no liquidated damages for breaching it";
  // An amount without its currency is not a sum a court can award.
  if (po.currency.empty())
    return po.id + " states liquidated damages of " + penalty_text(po) + " without a currency";
  return "";
}

constexpr std::string_view kClause =
    "an IP clause (the design data and tooling stay ours, used only for our orders, no subcontracting "
    "without written approval) with liquidated damages for breaching it";

}  // namespace

std::vector<Check> po_ip_clause(const Context& context) {
  const SupplierFacts& s = *context.supplier;
  if (s.trusted) return {};  // the company does not bind itself by purchase order
  const std::string& product = context.product->id;
  std::vector<std::string> problems, bound, to_amend;
  for (const PurchaseOrder& po : s.purchase_orders) {
    if (po.product != product) continue;
    const std::string problem = po_problem(po);
    if (problem.empty()) {
      bound.push_back(po.id + " (" + penalty_text(po) + ")");
      continue;
    }
    problems.push_back(problem);
    to_amend.push_back(po.id);
  }
  if (bound.empty() && problems.empty()) {
    return {failed(
        supplier_subject(s),
        supplier_label(s) + " has no purchase order for " + product + " yet, so no IP clause binds it.",
        "Issue " + supplier_label(s) + "'s purchase order for " + product + " with " + std::string(kClause) +
            ".")};
  }
  if (!problems.empty()) {
    return {failed(supplier_subject(s), "Purchase orders for " + product + ": " + join(problems, "; ") + ".",
                   "Amend " + join(to_amend, ", ") + " to carry " + std::string(kClause) + ".")};
  }
  return {passed(supplier_subject(s), "Every purchase order for " + product +
                                          " carries the IP clause with "
                                          "liquidated damages: " +
                                          join(bound, ", ") + ".")};
}

// ---- onsite-agent ----------------------------------------------------------------------------

std::vector<Check> onsite_agent(const Context& context) {
  const SupplierFacts& s = *context.supplier;
  const Date today = context.today;
  std::optional<Date> last_end;
  for (const OnSiteAssignment& a : s.on_site) {
    if (a.from <= today && (!a.to || today <= *a.to)) {
      const std::string until = a.to ? " until " + a.to->to_string() : "";
      return {passed(supplier_subject(s), a.person + " (" + a.role + ") is on site at " + supplier_label(s) +
                                              " since " + a.from.to_string() + until + ".")};
    }
    if (a.to && *a.to < today && (!last_end || *a.to > *last_end)) last_end = a.to;
  }
  const std::string ended = last_end ? " (the last assignment ended on " + last_end->to_string() + ")" : "";
  return {failed(
      supplier_subject(s), "Nobody is assigned on site at " + supplier_label(s) + " today" + ended + ".",
      "Assign an on-site agent or engineer to " + supplier_label(s) + " from " + today.to_string() +
          ", who watches document and sample control, scrap destruction and overruns.")};
}

// ---- recent-audit ----------------------------------------------------------------------------

namespace {

const Audit* latest_audit(const SupplierFacts& s, Date today) {
  const Audit* latest = nullptr;
  for (const Audit& audit : s.audits) {
    if (audit.date <= today && (!latest || audit.date > latest->date)) latest = &audit;
  }
  return latest;
}

// "audit A-3 (2025-11-04) finding F2: no visitor log" for every open critical finding.
std::vector<std::string> open_critical(const SupplierFacts& s, Date today) {
  std::vector<std::string> open;
  for (const Audit& audit : s.audits) {
    if (audit.date > today) continue;
    for (const Finding& f : audit.findings) {
      if (f.severity != kCritical || f.closed) continue;
      open.push_back("audit " + audit.id + " (" + audit.date.to_string() + ") finding " + f.id + ": " +
                     f.description);
    }
  }
  return open;
}

}  // namespace

std::vector<Check> recent_audit(const Context& context) {
  const SupplierFacts& s = *context.supplier;
  const int window = context.settings->audit_window_days;
  const std::string label = supplier_label(s);
  const Audit* latest = latest_audit(s, context.today);
  std::vector<std::string> reasons, fixes;
  if (!latest) {
    reasons.push_back(label + " has never been audited");
  } else if (latest->date.days_since_epoch() + window < context.today.days_since_epoch()) {
    reasons.push_back(label + "'s last audit " + latest->id + " on " + latest->date.to_string() + " is " +
                      days_between(latest->date, context.today) + " days old; the policy allows " +
                      std::to_string(window) + " days");
  }
  if (!reasons.empty())
    fixes.push_back("Audit " + label + " on site with the IP-protection checklist and record it.");
  const std::vector<std::string> open = open_critical(s, context.today);
  if (!open.empty()) {
    reasons.push_back("open critical findings: " + join(open, "; "));
    fixes.push_back("Close the critical findings (corrective action done and verified on site).");
  }
  if (!reasons.empty()) return {failed(supplier_subject(s), join(reasons, "; ") + ".", join(fixes, " "))};
  return {passed(supplier_subject(s), label + " was audited on " + latest->date.to_string() + " (" +
                                          latest->id + ", " + days_between(latest->date, context.today) +
                                          " days ago) and has no open critical finding.")};
}

// ---- owner-visit -----------------------------------------------------------------------------

std::vector<Check> owner_visit(const Context& context) {
  const SupplierFacts& s = *context.supplier;
  if (s.trusted) return {};  // the owner's own facility: access-control asks what does apply
  const Date start = s.production_start.value_or(context.production_start);
  const Date until = std::min(context.today, start);
  for (const Visit& v : s.owner_visits) {
    if (v.date > until) continue;
    return {passed(supplier_subject(s), v.by + " visited " + supplier_label(s) + " for the owner on " +
                                            v.date.to_string() + " (" + v.id +
                                            "), before production starts on " + start.to_string() + ".")};
  }
  return {
      failed(supplier_subject(s),
             "Nobody from the owner has visited " + supplier_label(s) + " on or before " + until.to_string() +
                 "; production starts on " + start.to_string() + ".",
             "Visit " + supplier_label(s) + " yourself before " + start.to_string() +
                 ": see the line, the storage of molds and design data, and meet its legal representative.")};
}

// ---- Own facilities: employee-confidentiality, access-control -------------------------------

std::vector<Check> employee_confidentiality(const Context& context) {
  const SupplierFacts& s = *context.supplier;
  if (!s.trusted) return {};
  const std::string label = supplier_label(s);
  std::vector<std::string> bound, unbound, people;
  for (const DesignRecipient& r : s.recipients) {
    const std::string who = r.name.empty() ? r.person : r.name + " (" + r.person + ")";
    const std::string received = r.received.empty() ? "" : ", received " + r.received;
    if (!r.covered_by.empty()) {
      bound.push_back(who + ": " + r.covered_by);
      continue;
    }
    unbound.push_back(who + received + ": " + (r.gap.empty() ? "no confidentiality agreement" : r.gap));
    people.push_back(r.person);
  }
  if (s.recipients.empty()) {
    return {passed(supplier_subject(s),
                   "Nobody at " + label +
                       " (the company's own facility) has received design "
                       "data yet; each recipient must sign an employee confidentiality agreement "
                       "first.")};
  }
  if (unbound.empty()) {
    return {passed(supplier_subject(s), "Everyone at " + label +
                                            " who receives design data is bound by an employee "
                                            "confidentiality agreement: " +
                                            join(bound, "; ") + ".")};
  }
  return {failed(supplier_subject(s),
                 "At " + label +
                     " (the company's own facility), people who receive design data are not bound by an "
                     "employee confidentiality agreement in force: " +
                     join(unbound, "; ") + ".",
                 "Have " + join(people, ", ") +
                     " sign an employee confidentiality agreement (保密协议) with " +
                     (s.legal_name.empty() ? label : s.legal_name) +
                     " and record it (moat agreement add --kind confidentiality --supplier " + s.id +
                     " --person ID ...).")};
}

std::vector<Check> access_control(const Context& context) {
  const SupplierFacts& s = *context.supplier;
  if (!s.trusted) return {};
  const std::string label = supplier_label(s);
  if (s.access_control.verified) {
    return {
        passed(supplier_subject(s), "Access control at " + label + ": " + s.access_control.evidence + ".")};
  }
  return {failed(supplier_subject(s),
                 "Access control at " + label +
                     " (the company's own facility) is not verified: " + s.access_control.evidence + ".",
                 "Audit " + label +
                     " with the own-facility checklist and score access-control (moat visit add " + s.id +
                     " --kind audit --checklist own-facility --item access-control=pass ...): areas and "
                     "systems holding design data open only to named staff, by badge, logged.")};
}

// ---- red-flags -------------------------------------------------------------------------------

std::vector<Check> red_flags(const Context& context) {
  const SupplierFacts& s = *context.supplier;
  std::vector<std::string> critical, rules;
  for (const OpenFlag& f : s.open_flags) {
    if (f.severity != kCritical) continue;
    critical.push_back(f.rule + ": " + f.summary);
    rules.push_back(f.rule);
  }
  if (critical.empty()) {
    const std::size_t lower = s.open_flags.size();
    const std::string others = lower == 0 ? "" : " (" + std::to_string(lower) + " open of lower severity)";
    return {passed(supplier_subject(s), supplier_label(s) + " has no open critical red flag" + others + ".")};
  }
  return {failed(supplier_subject(s),
                 supplier_label(s) + " has open critical red flags: " + join(critical, "; ") + ".",
                 "Investigate and resolve " + join(rules, ", ") +
                     " (moat flags), recording what was found and why "
                     "it is resolved.")};
}

std::vector<Check> files_returned(const Context& context) {
  const SupplierFacts& s = *context.supplier;
  if (s.unreturned_releases.empty()) {
    return {
        passed(supplier_subject(s), supplier_label(s) + " holds no files of a revoked or expired release.")};
  }
  return {
      failed(supplier_subject(s),
             supplier_label(s) + " still holds the files of " + join(s.unreturned_releases, "; ") + ".",
             "Get the files back or their destruction certified, then confirm it (moat release returned ID "
             "--reason ...).")};
}

}  // namespace moat::gate::detail
