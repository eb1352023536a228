// SPDX-License-Identifier: Apache-2.0
// The red-flag rules of one theme: audits, findings, what visits saw, and the owner's visit before
// production.
#include "flags/rule_functions.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/text.h"
#include "plan/exposure.h"
#include "plan/problem.h"

namespace moat::flags::detail {

namespace {

// ---- Audits, findings and what visits saw ----------------------------------------------------

// The latest visit of `kind` to `supplier` dated on or before `until` (planned visits do not count).
std::optional<Date> latest_visit(const Facts& facts, std::string_view supplier, std::string_view kind,
                                 Date until) {
  std::optional<Date> latest;
  for (const VisitFacts& visit : facts.visits) {
    if (visit.supplier != supplier || visit.kind != kind || visit.date > until) continue;
    if (!latest || visit.date > *latest) latest = visit.date;
  }
  return latest;
}

}  // namespace

std::vector<Raised> audit_overdue(const Facts& facts, const RuleSetting& setting) {
  const double interval = setting.threshold("interval_days");
  std::vector<Raised> raised;
  for (const SupplierFacts& supplier : facts.suppliers) {
    // The own facility too (trusted): the gate's recent-audit checks it as anyone (docs/gate.md).
    if (!supplier.active) continue;
    const std::string label = supplier_label(facts, supplier.id);
    const std::optional<Date> last = latest_visit(facts, supplier.id, kAudit, facts.today);
    if (!last) {
      raised.push_back(
          flag(setting, supplier_subject(supplier.id), "never audited",
               label + " is active but has never been audited.",
               {{"supplier", label}, {"last audit", "none"}, {"checked on", facts.today.to_string()}}));
      continue;
    }
    const Date due = add_days(*last, interval);
    if (due >= facts.today) continue;
    raised.push_back(flag(setting, supplier_subject(supplier.id), due.to_string(),
                          label + " was due for an audit on " + due.to_string() + " and has not had one.",
                          {{"supplier", label},
                           {"last audit", last->to_string()},
                           {"audit interval", number(interval) + " days"},
                           {"due on", due.to_string()},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

std::vector<Raised> critical_finding_overdue(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const FindingFacts& finding : facts.findings) {
    if (finding.severity != kCritical || finding.closed || !finding.due || *finding.due >= facts.today)
      continue;
    const std::string due = finding.due->to_string();
    raised.push_back(flag(
        setting, "finding/" + finding.visit + "/" + finding.id, finding.visit + "/" + finding.id + ":" + due,
        "Critical finding " + finding.id + " at " + supplier_label(facts, finding.supplier) +
            " was due to be closed on " + due + " and is still open: " + finding.description,
        {{"supplier", supplier_label(facts, finding.supplier)},
         {"visit", finding.visit},
         {"finding", finding.id},
         {"severity", finding.severity},
         {"description", finding.description},
         {"due on", due},
         {"checked on", facts.today.to_string()}}));
  }
  return raised;
}
namespace {

// What one visit saw that the supplier's record does not list: subcontractors or sites.
struct Unlisted {
  std::string_view seen_what;     // "subcontractor"
  std::string_view listed_what;   // "approved subcontractors"
  std::string_view summary_tail;  // " is not an approved subcontractor."
};

std::vector<Raised> unlisted_seen(const Facts& facts, const RuleSetting& setting, const VisitFacts& visit,
                                  const std::vector<std::string>& seen, const std::vector<std::string>& known,
                                  const Unlisted& wording) {
  std::vector<Raised> raised;
  for (const std::string& name : seen) {
    if (trim(name).empty() || listed(known, name)) continue;
    const std::string label = supplier_label(facts, visit.supplier);
    raised.push_back(flag(setting, supplier_subject(visit.supplier), visit.id + ":" + normalized(name),
                          "Visit " + visit.id + " on " + visit.date.to_string() + " saw " +
                              std::string(trim(name)) + " at " + label + ", which" +
                              std::string(wording.summary_tail),
                          {{"supplier", label},
                           {"visit", visit.id + " (" + visit.kind + ")"},
                           {"visited on", visit.date.to_string()},
                           {std::string(wording.seen_what) + " seen", std::string(trim(name))},
                           {std::string(wording.listed_what), listing(known)}}));
  }
  return raised;
}

}  // namespace

std::vector<Raised> unapproved_subcontractor(const Facts& facts, const RuleSetting& setting) {
  const Unlisted wording{"subcontractor", "approved subcontractors", " is not an approved subcontractor."};
  std::vector<Raised> raised;
  for (const VisitFacts& visit : facts.visits) {
    const SupplierFacts* supplier = find_supplier(facts, visit.supplier);
    const std::vector<std::string> approved =
        supplier ? supplier->approved_subcontractors : std::vector<std::string>{};
    for (Raised& r : unlisted_seen(facts, setting, visit, visit.subcontractors_seen, approved, wording)) {
      raised.push_back(std::move(r));
    }
  }
  return raised;
}

std::vector<Raised> unknown_site(const Facts& facts, const RuleSetting& setting) {
  const Unlisted wording{"site", "known sites", " is not one of its known sites."};
  std::vector<Raised> raised;
  for (const VisitFacts& visit : facts.visits) {
    const SupplierFacts* supplier = find_supplier(facts, visit.supplier);
    const std::vector<std::string> sites = supplier ? supplier->sites : std::vector<std::string>{};
    for (Raised& r : unlisted_seen(facts, setting, visit, visit.sites_seen, sites, wording)) {
      raised.push_back(std::move(r));
    }
  }
  return raised;
}
namespace {

// Each supplier's visits that recorded a capacity, by date (then id, for a stable order).
std::map<std::string, std::vector<const VisitFacts*>> capacity_visits(const Facts& facts) {
  std::map<std::string, std::vector<const VisitFacts*>> by_supplier;
  for (const VisitFacts& visit : facts.visits) {
    if (visit.capacity_seen) by_supplier[visit.supplier].push_back(&visit);
  }
  for (auto& entry : by_supplier) {
    std::sort(entry.second.begin(), entry.second.end(), [](const VisitFacts* a, const VisitFacts* b) {
      return std::tie(a->date, a->id) < std::tie(b->date, b->id);
    });
  }
  return by_supplier;
}

bool is_swing(double before, double after, double max_change) {
  if (before <= 0) return after > before;
  return std::abs(after - before) / before > max_change + kTolerance;
}

Raised capacity_swing_flag(const Facts& facts, const RuleSetting& setting, const VisitFacts& before,
                           const VisitFacts& after) {
  const double old_capacity = static_cast<double>(*before.capacity_seen);
  const double new_capacity = static_cast<double>(*after.capacity_seen);
  const std::string change =
      old_capacity > 0 ? percent((new_capacity - old_capacity) / old_capacity) : "up from 0";
  const std::string label = supplier_label(facts, after.supplier);
  const SupplierFacts* supplier = find_supplier(facts, after.supplier);
  const std::string declared =
      supplier && supplier->capacity ? number(static_cast<double>(*supplier->capacity)) : "none";
  return flag(setting, supplier_subject(after.supplier), before.id + ":" + after.id,
              "Capacity seen at " + label + " went from " + number(old_capacity) + " to " +
                  number(new_capacity) + " between visits " + before.id + " and " + after.id + " (" + change +
                  ").",
              {{"supplier", label},
               {"earlier visit", before.id + " on " + before.date.to_string() + ": " + number(old_capacity)},
               {"later visit", after.id + " on " + after.date.to_string() + ": " + number(new_capacity)},
               {"change", change},
               {"largest change allowed", percent(setting.threshold("max_change"))},
               {"declared capacity", declared}});
}

}  // namespace

std::vector<Raised> capacity_swing(const Facts& facts, const RuleSetting& setting) {
  const double max_change = setting.threshold("max_change");
  std::vector<Raised> raised;
  for (const auto& entry : capacity_visits(facts)) {
    const std::vector<const VisitFacts*>& visits = entry.second;
    for (std::size_t i = 1; i < visits.size(); ++i) {
      const double before = static_cast<double>(*visits[i - 1]->capacity_seen);
      const double after = static_cast<double>(*visits[i]->capacity_seen);
      if (is_swing(before, after, max_change)) {
        raised.push_back(capacity_swing_flag(facts, setting, *visits[i - 1], *visits[i]));
      }
    }
  }
  return raised;
}

// ---- Owner's visit before production ---------------------------------------------------------

// The cause of an owner-visit-missing flag raised for a supplier without a production start on record.
constexpr std::string_view kStartNotRecorded = "no production start on record";

std::vector<Raised> owner_visit_missing(const Facts& facts, const RuleSetting& setting) {
  const double lead = setting.threshold("lead_days");
  std::vector<Raised> raised;
  for (const SupplierFacts& supplier : facts.suppliers) {
    // The company's own facility is not visited by its owner: access-control-unverified applies.
    if (!supplier.active || !supplier.first_production || supplier.trusted) continue;
    const Date start = *supplier.first_production;
    if (facts.today < add_days(start, -lead)) continue;
    // A visit dated after today is planned, not made: it does not silence the warning.
    if (latest_visit(facts, supplier.id, kOwnerVisit, std::min(start, facts.today))) continue;
    const std::string label = supplier_label(facts, supplier.id);
    // With no start on record production is taken to start today, as the gate's launch check
    // takes it; the cause stays the same from one day to the next.
    const bool assumed = supplier.first_production_assumed;
    const std::string starts =
        assumed ? " has no production start on record (taken as today, " + start.to_string() + ")"
                : " starts production on " + start.to_string();
    raised.push_back(flag(
        setting, supplier_subject(supplier.id), assumed ? std::string(kStartNotRecorded) : start.to_string(),
        label + starts + " and nobody from the owner has visited it on or before that date.",
        {{"supplier", label},
         {"first production", assumed ? "not on record: today" : start.to_string()},
         {"visit due by", start.to_string()},
         {"warning starts", add_days(start, -lead).to_string()},
         {"owner visits", "none on or before " + start.to_string()},
         {"checked on", facts.today.to_string()}}));
  }
  return raised;
}
namespace {

// The latest visit of `kind` to `supplier` on or before `until`, or nullptr.
const VisitFacts* latest_visit_of(const Facts& facts, std::string_view supplier, std::string_view kind,
                                  Date until) {
  const VisitFacts* latest = nullptr;
  for (const VisitFacts& visit : facts.visits) {
    if (visit.supplier != supplier || visit.kind != kind || visit.date > until) continue;
    if (!latest || visit.date > latest->date) latest = &visit;
  }
  return latest;
}

}  // namespace

std::string audit_cleared(const Facts& facts, std::string_view subject, std::string_view) {
  const std::string_view supplier = id_of(subject);
  if (std::optional<std::string> gone = supplier_gone(facts, supplier)) return *gone;
  const VisitFacts* audit = latest_visit_of(facts, supplier, kAudit, facts.today);
  if (!audit) return "the audit is no longer due";
  return "audit " + audit->id + " of " + supplier_label(facts, supplier) + " on " + audit->date.to_string();
}

std::string finding_cleared(const Facts& facts, std::string_view subject, std::string_view) {
  const std::string_view path = id_of(subject);  // "V-2025-031/F3"
  for (const FindingFacts& f : facts.findings) {
    if (f.visit + "/" + f.id != path) continue;
    if (f.closed) return "finding " + f.id + " of visit " + f.visit + " is closed";
    if (f.severity != kCritical) return "finding " + f.id + " of visit " + f.visit + " is now " + f.severity;
    if (f.due) return "finding " + f.id + " of visit " + f.visit + " is now due on " + f.due->to_string();
  }
  return "finding " + std::string(path) + " is no longer on record";
}

std::string owner_visit_cleared(const Facts& facts, std::string_view subject, std::string_view) {
  const std::string_view supplier = id_of(subject);
  const SupplierFacts* found = find_supplier(facts, supplier);
  if (std::optional<std::string> gone = supplier_gone(facts, supplier)) return *gone;
  if (!found->first_production)
    return supplier_label(facts, supplier) + " has no purchase order and no place in an approved plan";
  const Date start = *found->first_production;
  const VisitFacts* visit = latest_visit_of(facts, supplier, kOwnerVisit, std::min(start, facts.today));
  if (!visit && found->first_production_assumed)
    return supplier_label(facts, supplier) + " has no production start on record";
  if (!visit)
    return "production at " + supplier_label(facts, supplier) + " now starts on " + start.to_string();
  return "owner's visit " + visit->id + " to " + supplier_label(facts, supplier) + " on " +
         visit->date.to_string() + ", before production starts on " + start.to_string();
}

}  // namespace moat::flags::detail
