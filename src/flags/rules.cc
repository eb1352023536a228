// SPDX-License-Identifier: Apache-2.0
#include "flags/rules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <tuple>

#include "core/text.h"
#include "plan/exposure.h"
#include "plan/problem.h"
#include "vet/number_text.h"

namespace moat::flags {
namespace {

// Ratios at exactly their threshold do not raise; this absorbs rounding in the division.
constexpr double kTolerance = 1e-9;

constexpr std::string_view kAudit = "audit";
constexpr std::string_view kOwnerVisit = "owner-visit";
constexpr std::string_view kCritical = "critical";

// ---- Wording ---------------------------------------------------------------------------------

// Whole numbers without decimals, others with at most two (2.999 is "3", not "3.").
std::string number(double value) { return vet::format_number(value); }

std::string percent(double share) {
  char text[64];
  std::snprintf(text, sizeof text, "%.1f%%", share * 100);
  return text;
}

std::string listing(const std::vector<std::string>& items) {
  return items.empty() ? "none" : join(items, ", ");
}

std::string supplier_subject(std::string_view id) { return "supplier/" + std::string(id); }
std::string tool_subject(std::string_view id) { return "tooling/" + std::string(id); }

Raised flag(const RuleSetting& setting, std::string subject, std::string cause, std::string summary,
            std::vector<Evidence> evidence) {
  return {"", setting.severity, std::move(subject), std::move(cause), std::move(summary), std::move(evidence)};
}

// ---- Lookups ---------------------------------------------------------------------------------

Date add_days(Date date, double days) { return Date::from_days(date.days_since_epoch() + std::lround(days)); }

// Names typed by people (sites, subcontractors) match trimmed and case-insensitively.
std::string normalized(std::string_view name) { return to_lower_ascii(trim(name)); }

bool listed(const std::vector<std::string>& names, std::string_view name) {
  const std::string wanted = normalized(name);
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return normalized(n) == wanted; });
}

const SupplierFacts* find_supplier(const Facts& facts, std::string_view id) {
  const auto it = std::find_if(facts.suppliers.begin(), facts.suppliers.end(),
                               [&](const SupplierFacts& s) { return s.id == id; });
  return it == facts.suppliers.end() ? nullptr : &*it;
}

// "Dongguan Hengtai Precision (S07)", or the id alone when moat has no name for it.
std::string supplier_label(const Facts& facts, std::string_view id) {
  const SupplierFacts* supplier = find_supplier(facts, id);
  if (!supplier || supplier->name.empty()) return std::string(id);
  return supplier->name + " (" + std::string(id) + ")";
}

// ---- Qualification and certificates ----------------------------------------------------------

bool qualification_lapsed(const SupplierFacts& supplier, Date today) {
  if (supplier.status == "expired") return true;
  const bool qualified = supplier.status == "qualified" || supplier.status == "conditional";
  return qualified && supplier.qualified_until && *supplier.qualified_until < today;
}

std::vector<Raised> requalification_overdue(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const SupplierFacts& supplier : facts.suppliers) {
    if (!qualification_lapsed(supplier, facts.today)) continue;
    const std::string until = supplier.qualified_until ? supplier.qualified_until->to_string() : "no end date";
    raised.push_back(flag(setting, supplier_subject(supplier.id), until,
                          supplier_label(facts, supplier.id) + "'s qualification has expired (qualified until " +
                              until + "); requalify it before ordering again.",
                          {{"supplier", supplier_label(facts, supplier.id)},
                           {"status", supplier.status},
                           {"qualified until", until},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

// Whether the supplier holds a certificate of `standard` that is still valid: a renewed
// certificate (new number, new expiry) leaves the old one in the record, expired.
bool holds_current(const Facts& facts, std::string_view supplier, std::string_view standard) {
  return std::any_of(facts.certificates.begin(), facts.certificates.end(), [&](const CertificateFacts& c) {
    return c.supplier == supplier && normalized(c.standard) == normalized(standard) &&
           c.expires >= facts.today;
  });
}

std::vector<Raised> certificate_expired(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const CertificateFacts& certificate : facts.certificates) {
    if (certificate.expires >= facts.today) continue;
    if (holds_current(facts, certificate.supplier, certificate.standard)) continue;
    const SupplierFacts* supplier = find_supplier(facts, certificate.supplier);
    if (supplier && supplier->status == "rejected") continue;
    const std::string expires = certificate.expires.to_string();
    raised.push_back(flag(setting, supplier_subject(certificate.supplier), certificate.id + ":" + expires,
                          supplier_label(facts, certificate.supplier) + "'s " + certificate.standard +
                              " certificate " + certificate.number + " expired on " + expires + ".",
                          {{"supplier", supplier_label(facts, certificate.supplier)},
                           {"certificate", certificate.id},
                           {"standard", certificate.standard},
                           {"number", certificate.number},
                           {"expired on", expires},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

// ---- Audits, findings and what visits saw ----------------------------------------------------

// The latest visit of `kind` to `supplier` dated on or before `until` (planned visits do not count).
std::optional<Date> latest_visit(const Facts& facts, std::string_view supplier, std::string_view kind, Date until) {
  std::optional<Date> latest;
  for (const VisitFacts& visit : facts.visits) {
    if (visit.supplier != supplier || visit.kind != kind || visit.date > until) continue;
    if (!latest || visit.date > *latest) latest = visit.date;
  }
  return latest;
}

std::vector<Raised> audit_overdue(const Facts& facts, const RuleSetting& setting) {
  const double interval = setting.threshold("interval_days");
  std::vector<Raised> raised;
  for (const SupplierFacts& supplier : facts.suppliers) {
    if (!supplier.active || supplier.trusted) continue;
    const std::string label = supplier_label(facts, supplier.id);
    const std::optional<Date> last = latest_visit(facts, supplier.id, kAudit, facts.today);
    if (!last) {
      raised.push_back(flag(setting, supplier_subject(supplier.id), "never audited",
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
    if (finding.severity != kCritical || finding.closed || !finding.due || *finding.due >= facts.today) continue;
    const std::string due = finding.due->to_string();
    raised.push_back(flag(setting, "finding/" + finding.visit + "/" + finding.id,
                          finding.visit + "/" + finding.id + ":" + due,
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
                          "Visit " + visit.id + " on " + visit.date.to_string() + " saw " + std::string(trim(name)) +
                              " at " + label + ", which" + std::string(wording.summary_tail),
                          {{"supplier", label},
                           {"visit", visit.id + " (" + visit.kind + ")"},
                           {"visited on", visit.date.to_string()},
                           {std::string(wording.seen_what) + " seen", std::string(trim(name))},
                           {std::string(wording.listed_what), listing(known)}}));
  }
  return raised;
}

std::vector<Raised> unapproved_subcontractor(const Facts& facts, const RuleSetting& setting) {
  const Unlisted wording{"subcontractor", "approved subcontractors", " is not an approved subcontractor."};
  std::vector<Raised> raised;
  for (const VisitFacts& visit : facts.visits) {
    const SupplierFacts* supplier = find_supplier(facts, visit.supplier);
    const std::vector<std::string> approved = supplier ? supplier->approved_subcontractors : std::vector<std::string>{};
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
  const std::string change = old_capacity > 0 ? percent((new_capacity - old_capacity) / old_capacity) : "up from 0";
  const std::string label = supplier_label(facts, after.supplier);
  const SupplierFacts* supplier = find_supplier(facts, after.supplier);
  const std::string declared = supplier && supplier->capacity ? number(static_cast<double>(*supplier->capacity)) : "none";
  return flag(setting, supplier_subject(after.supplier), before.id + ":" + after.id,
              "Capacity seen at " + label + " went from " + number(old_capacity) + " to " + number(new_capacity) +
                  " between visits " + before.id + " and " + after.id + " (" + change + ").",
              {{"supplier", label},
               {"earlier visit", before.id + " on " + before.date.to_string() + ": " + number(old_capacity)},
               {"later visit", after.id + " on " + after.date.to_string() + ": " + number(new_capacity)},
               {"change", change},
               {"largest change allowed", percent(setting.threshold("max_change"))},
               {"declared capacity", declared}});
}

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

// ---- Material reconciliation -----------------------------------------------------------------

std::vector<Evidence> reconciliation_evidence(const Facts& facts, const vet::Reconciliation& r, double allowance) {
  std::vector<Evidence> evidence{
      {"supplier", supplier_label(facts, r.supplier)},
      {"product", r.product},
      {"period", r.from.to_string() + " to " + r.to.to_string()},
      {"ordered", number(r.ordered)},
      {"shipped", number(r.shipped)},
      {"scrap", number(r.scrap)},
      {"on hand", number(r.on_hand_start) + " at the start, " + number(r.on_hand_end) + " at the end"},
      {"accounted", number(r.shipped) + " shipped + " + number(r.scrap) + " scrap + " + number(r.on_hand_end) +
                        " on hand at the end − " + number(r.on_hand_start) + " at the start = " + number(r.accounted)},
  };
  for (const vet::Line& line : r.lines) {
    const std::string name = line.item.empty() ? line.check : line.check + " " + line.item;
    evidence.push_back({name, line.arithmetic});
  }
  evidence.push_back({"unaccounted units", number(r.unaccounted_units)});
  evidence.push_back({"allowance", number(allowance)});
  return evidence;
}

std::vector<Raised> unaccounted_units(const Facts& facts, const RuleSetting& setting) {
  const double min_units = setting.threshold("min_units");
  const double min_share = setting.threshold("min_share");
  std::vector<Raised> raised;
  for (const vet::Reconciliation& r : facts.reconciliations) {
    const double allowance = std::max(min_units, min_share * r.shipped);
    if (!(r.unaccounted_units > allowance)) continue;
    raised.push_back(flag(setting, supplier_subject(r.supplier), r.product + ":" + r.from.to_string(),
                          supplier_label(facts, r.supplier) + " could have built " + number(r.unaccounted_units) +
                              " more units of " + r.product + " than it accounted for between " +
                              r.from.to_string() + " and " + r.to.to_string() + ".",
                          reconciliation_evidence(facts, r, allowance)));
  }
  return raised;
}

// ---- Tooling ---------------------------------------------------------------------------------

// The tool's events of `kind`, by date (stable: the passport's order within a day).
std::vector<const ToolEvent*> events_of(const ToolFacts& tool, ToolEventKind kind) {
  std::vector<const ToolEvent*> events;
  for (const ToolEvent& event : tool.events) {
    if (event.kind == kind) events.push_back(&event);
  }
  std::stable_sort(events.begin(), events.end(), [](const ToolEvent* a, const ToolEvent* b) { return a->date < b->date; });
  return events;
}

std::vector<Raised> unapproved_relocations(const ToolFacts& tool, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ToolEvent* move : events_of(tool, ToolEventKind::kRelocation)) {
    if (move->approved) continue;
    raised.push_back(flag(setting, tool_subject(tool.id), "relocation:" + move->id,
                          "Tool " + tool.id + " (" + tool.name + ") was moved from " + move->from + " to " + move->to +
                              " on " + move->date.to_string() + " without approval.",
                          {{"tool", tool.id + " (" + tool.name + ")"},
                           {"relocation", move->id},
                           {"moved on", move->date.to_string()},
                           {"from", move->from},
                           {"to", move->to},
                           {"approved locations", listing(tool.approved_locations)}}));
  }
  return raised;
}

std::vector<Raised> tooling_unapproved_location(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ToolFacts& tool : facts.tools) {
    if (tool.scrapped) continue;
    if (!tool.approved_locations.empty() && !listed(tool.approved_locations, tool.location)) {
      raised.push_back(flag(setting, tool_subject(tool.id), "at:" + tool.location,
                            "Tool " + tool.id + " (" + tool.name + ") is at " + supplier_label(facts, tool.location) +
                                ", which is not an approved location for it.",
                            {{"tool", tool.id + " (" + tool.name + ")"},
                             {"product", tool.product},
                             {"location", supplier_label(facts, tool.location)},
                             {"approved locations", listing(tool.approved_locations)}}));
    }
    for (Raised& r : unapproved_relocations(tool, setting)) raised.push_back(std::move(r));
  }
  return raised;
}

// Where the passport puts the tool on `date`, and the relocation that put it there (if any).
struct PassportLocation {
  std::string location;
  const ToolEvent* relocation = nullptr;
};

PassportLocation location_on(const ToolFacts& tool, const std::vector<const ToolEvent*>& relocations, Date date) {
  PassportLocation where{relocations.empty() ? tool.location : relocations.front()->from, nullptr};
  for (const ToolEvent* move : relocations) {
    if (move->date > date) break;
    where = {move->to, move};
  }
  return where;
}

std::vector<Raised> tooling_moved_unrecorded(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ToolFacts& tool : facts.tools) {
    const std::vector<const ToolEvent*> relocations = events_of(tool, ToolEventKind::kRelocation);
    for (const ToolEvent* sighting : events_of(tool, ToolEventKind::kSighting)) {
      const PassportLocation expected = location_on(tool, relocations, sighting->date);
      if (normalized(sighting->to) == normalized(expected.location)) continue;
      const std::string basis = expected.relocation ? "relocation " + expected.relocation->id + " on " +
                                                          expected.relocation->date.to_string()
                                                    : "where it was first recorded";
      raised.push_back(flag(setting, tool_subject(tool.id), sighting->id,
                            "Tool " + tool.id + " (" + tool.name + ") was seen at " + sighting->to + " on " +
                                sighting->date.to_string() + ", but its passport puts it at " + expected.location +
                                ": a move nobody recorded.",
                            {{"tool", tool.id + " (" + tool.name + ")"},
                             {"sighting", sighting->id},
                             {"seen on", sighting->date.to_string()},
                             {"seen at", sighting->to},
                             {"by visit", sighting->visit.empty() ? "none recorded" : sighting->visit},
                             {"passport location", expected.location},
                             {"passport basis", basis}}));
    }
  }
  return raised;
}

// The relocation that brought the tool where it is now (the latest one to its location), or
// nullptr when it never moved there.
const ToolEvent* arrival_of(const ToolFacts& tool) {
  const ToolEvent* arrival = nullptr;
  for (const ToolEvent* move : events_of(tool, ToolEventKind::kRelocation)) {
    if (normalized(move->to) == normalized(tool.location)) arrival = move;
  }
  return arrival;
}

// The counter when the tool arrived: the last reading on or before the day it moved (no
// molding happens in transit), 0 when it never moved or was not read before.
double shots_at_arrival(const std::vector<const ToolEvent*>& readings, const ToolEvent* arrival) {
  if (!arrival) return 0;
  double shots = 0;
  for (const ToolEvent* reading : readings) {
    if (reading->date <= arrival->date) shots = *reading->shots;
  }
  return shots;
}

// The counter is the tool's whole life (trial shots at the toolmaker included); units_accounted
// counts from its arrival at its location, so the shots are counted from there too.
std::optional<Raised> shots_flag(const Facts& facts, const ToolFacts& tool, const RuleSetting& setting) {
  std::vector<const ToolEvent*> readings = events_of(tool, ToolEventKind::kReading);
  std::erase_if(readings, [](const ToolEvent* e) { return !e->shots; });
  if (readings.empty() || tool.parts_per_unit <= 0) return std::nullopt;
  const ToolEvent& last = *readings.back();
  const ToolEvent* arrival = arrival_of(tool);
  const double at_arrival = shots_at_arrival(readings, arrival);
  const double shots = *last.shots - at_arrival;
  const double molded = shots * tool.cavities / tool.parts_per_unit;
  const double excess = molded - tool.units_accounted;
  const double allowance =
      std::max(setting.threshold("min_units"), setting.threshold("min_share") * tool.units_accounted);
  if (!(excess > allowance)) return std::nullopt;
  const std::string arithmetic =
      number(*last.shots) + " shots − " + number(at_arrival) + " at arrival = " + number(shots) +
      " shots × " + number(tool.cavities) + " cavities ÷ " + number(tool.parts_per_unit) +
      " per unit = " + number(molded) + " units molded − " + number(tool.units_accounted) +
      " accounted = " + number(excess) + " unexplained";
  const std::string arrived = arrival ? "relocation " + arrival->id + " on " + arrival->date.to_string()
                                      : "never moved: counted from 0";
  // A new stay is a new cause: an overrun after a move is not the one resolved before it.
  return flag(
      setting, tool_subject(tool.id), arrival ? "since:" + arrival->id : "since:commissioning",
      "Tool " + tool.id + " (" + tool.name + ") at " + supplier_label(facts, tool.location) + " molded " +
          number(excess) + " more units of " + tool.product + " than were shipped or scrapped.",
      {{"tool", tool.id + " (" + tool.name + ")"},
       {"location", supplier_label(facts, tool.location)},
       {"arrived", arrived},
       {"last reading", last.id + " on " + last.date.to_string() + ": " + number(*last.shots) + " shots"},
       {"arithmetic", arithmetic},
       {"allowance", number(allowance)}});
}

std::vector<Raised> tooling_shots_unexplained(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ToolFacts& tool : facts.tools) {
    if (std::optional<Raised> r = shots_flag(facts, tool, setting)) raised.push_back(std::move(*r));
  }
  return raised;
}

std::vector<Raised> tooling_change_unapproved(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ToolFacts& tool : facts.tools) {
    for (const ToolEvent* change : events_of(tool, ToolEventKind::kChange)) {
      if (change->approved) continue;
      raised.push_back(flag(setting, tool_subject(tool.id), change->id,
                            "Tool " + tool.id + " (" + tool.name + ") was changed on " + change->date.to_string() +
                                " without approval beforehand.",
                            {{"tool", tool.id + " (" + tool.name + ")"},
                             {"change", change->id},
                             {"changed on", change->date.to_string()},
                             {"location", supplier_label(facts, tool.location)}}));
    }
  }
  return raised;
}

// ---- Affiliations against approved plans -----------------------------------------------------

// plan::compile trusts its instance (it looks ids up with at()); a plan whose references do not
// resolve is skipped rather than allowed to throw.
bool references_resolve(const plan::Instance& instance) {
  std::set<std::string> secrets, suppliers;
  for (const plan::Secret& s : instance.secrets) secrets.insert(s.id);
  for (const plan::Supplier& s : instance.suppliers) suppliers.insert(s.id);
  const auto known = [&](const std::vector<std::string>& ids) {
    return std::all_of(ids.begin(), ids.end(), [&](const std::string& id) { return secrets.count(id) > 0; });
  };
  const bool derives_ok = std::all_of(instance.derives.begin(), instance.derives.end(), [&](const plan::Derive& d) {
    return known(d.from) && secrets.count(d.gives) > 0;
  });
  const bool recipes_ok = std::all_of(instance.recipes.begin(), instance.recipes.end(),
                                      [&](const plan::Recipe& r) { return known(r.secrets); });
  const bool packages_ok = std::all_of(instance.packages.begin(), instance.packages.end(),
                                       [&](const plan::Package& p) { return known(p.exposes); });
  const bool quotes_ok = std::all_of(instance.quotes.begin(), instance.quotes.end(),
                                     [&](const plan::Quote& q) { return suppliers.count(q.supplier) > 0; });
  return derives_ok && recipes_ok && packages_ok && quotes_ok;
}

// What the assignments hand each party and each supplier (closed under inference). Built from
// the assignments themselves, not from the compiled options, so that a supplier no longer
// eligible (expired since approval) still counts for what it was given.
struct Holdings {
  std::vector<plan::Holder> parties;                // one per compiled party
  std::vector<std::vector<std::string>> suppliers;  // per party: its assigned suppliers, sorted
  std::map<std::string, plan::Bitset> by_supplier;
};

std::optional<std::size_t> package_index(const plan::Problem& problem, std::string_view id) {
  for (std::size_t p = 0; p < problem.packages.size(); ++p) {
    if (problem.packages[p].id == id) return p;
  }
  return std::nullopt;
}

std::optional<std::size_t> supplier_index(const plan::Problem& problem, std::string_view id) {
  for (std::size_t s = 0; s < problem.suppliers.size(); ++s) {
    if (problem.suppliers[s].id == id) return s;
  }
  return std::nullopt;
}

Holdings holdings_of(const plan::Problem& problem, const std::vector<plan::Assignment>& assignments) {
  Holdings holdings;
  for (const plan::CompiledParty& party : problem.parties) {
    holdings.parties.push_back({party.id, party.trusted, plan::Bitset(problem.secret_count)});
  }
  holdings.suppliers.resize(problem.parties.size());
  for (const plan::Assignment& assignment : assignments) {
    const std::optional<std::size_t> p = package_index(problem, assignment.package);
    const std::optional<std::size_t> s = supplier_index(problem, assignment.supplier);
    if (!p || !s) continue;  // not in the instance: no party to attribute it to
    const std::size_t party = problem.suppliers[*s].party;
    const plan::Bitset& exposes = problem.packages[*p].exposes;
    holdings.parties[party].held.unite(exposes);
    holdings.suppliers[party].push_back(assignment.supplier);
    holdings.by_supplier.try_emplace(assignment.supplier, problem.secret_count).first->second.unite(exposes);
  }
  for (plan::Holder& holder : holdings.parties) problem.close(holder.held);
  for (auto& entry : holdings.by_supplier) problem.close(entry.second);
  for (std::vector<std::string>& ids : holdings.suppliers) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
  return holdings;
}

std::vector<std::string> secret_names(const plan::Problem& problem, const plan::Bitset& set) {
  std::vector<std::string> names;
  set.for_each([&](std::size_t s) { names.push_back(problem.instance->secrets[s].id); });
  return names;
}

std::optional<Raised> collusion_flag(const PlanFacts& facts_plan, const plan::Problem& problem,
                                     const Holdings& holdings, const plan::CompiledRecipe& recipe,
                                     const RuleSetting& setting) {
  const int limit = problem.collusion;
  const plan::Coalition coalition = plan::min_coalition(problem, holdings.parties, recipe.secrets, limit);
  if (!coalition.size || *coalition.size > limit) return std::nullopt;
  const bool joined = std::any_of(coalition.members.begin(), coalition.members.end(),
                                  [&](std::size_t m) { return holdings.suppliers[m].size() > 1; });
  if (!joined) return std::nullopt;
  std::vector<std::string> parties, suppliers;
  std::vector<Evidence> evidence{
      {"plan", facts_plan.plan_id + " for " + facts_plan.product},
      {"recipe", recipe.id + ": " + listing(secret_names(problem, recipe.secrets))},
      {"collusion limit", "coalitions of up to " + std::to_string(limit) + " untrusted parties"}};
  for (std::size_t m : coalition.members) {
    parties.push_back(holdings.parties[m].id);
    evidence.push_back({"party " + holdings.parties[m].id, listing(holdings.suppliers[m])});
    for (const std::string& supplier : holdings.suppliers[m]) {
      suppliers.push_back(supplier);
      evidence.push_back({supplier + " holds", listing(secret_names(problem, holdings.by_supplier.at(supplier)))});
    }
  }
  std::sort(suppliers.begin(), suppliers.end());
  return flag(setting, "plan/" + facts_plan.product + "/" + facts_plan.plan_id,
              facts_plan.product + ":" + recipe.id + ":" + join(suppliers, ","),
              "Recipe " + recipe.id + " of " + facts_plan.product + " can now be completed by " + join(parties, " and ") +
                  ": affiliated suppliers that plan " + facts_plan.plan_id + " sourced as separate parties (" +
                  join(suppliers, ", ") + ").",
              std::move(evidence));
}

// The plan's instance as the planner reads it: a supplier with no party is a party of its own
// (plan::parse_instance does this for files; an instance built in memory may leave it empty,
// and compile() would then put every such supplier in one party "").
plan::Instance with_own_parties(plan::Instance instance) {
  for (plan::Supplier& supplier : instance.suppliers) {
    if (supplier.party.empty()) supplier.party = supplier.id;
  }
  return instance;
}

std::vector<Raised> affiliated_collusion(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const PlanFacts& facts_plan : facts.plans) {
    if (!references_resolve(facts_plan.instance)) continue;
    const plan::Instance instance = with_own_parties(facts_plan.instance);
    const plan::Problem problem = plan::compile(instance, {.exclude_hopeless = false});
    const Holdings holdings = holdings_of(problem, facts_plan.assignments);
    for (const plan::CompiledRecipe& recipe : problem.recipes) {
      if (std::optional<Raised> r = collusion_flag(facts_plan, problem, holdings, recipe, setting)) {
        raised.push_back(std::move(*r));
      }
    }
  }
  return raised;
}

// ---- Owner's visit before production ---------------------------------------------------------

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
    raised.push_back(flag(setting, supplier_subject(supplier.id), start.to_string(),
                          label + " starts production on " + start.to_string() +
                              " and nobody from the owner has visited it on or before that date.",
                          {{"supplier", label},
                           {"first production", start.to_string()},
                           {"visit due by", start.to_string()},
                           {"warning starts", add_days(start, -lead).to_string()},
                           {"owner visits", "none on or before " + start.to_string()},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

// ---- Own facilities --------------------------------------------------------------------------

constexpr std::string_view kAccessControl = "access-control";

std::string person_label(const DesignRecipient& r) { return r.name.empty() ? r.person : r.name + " (" + r.person + ")"; }

std::vector<Raised> confidentiality_missing(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const SupplierFacts& supplier : facts.suppliers) {
    if (!supplier.trusted) continue;
    const std::string label = supplier_label(facts, supplier.id);
    for (const DesignRecipient& r : supplier.recipients) {
      if (!r.covered_by.empty()) continue;
      raised.push_back(flag(setting, supplier_subject(supplier.id), r.person,
                            person_label(r) + " at " + label + " received design data (" + r.received +
                                ") without an employee confidentiality agreement in force.",
                            {{"facility", label + ", the company's own"},
                             {"person", person_label(r)},
                             {"received", r.received},
                             {"confidentiality agreements", r.gap},
                             {"checked on", facts.today.to_string()}}));
    }
  }
  return raised;
}

std::vector<Raised> access_control_unverified(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const SupplierFacts& supplier : facts.suppliers) {
    if (!supplier.trusted || !supplier.active || supplier.access_verified) continue;
    const std::string label = supplier_label(facts, supplier.id);
    raised.push_back(flag(setting, supplier_subject(supplier.id), std::string(kAccessControl),
                          "Access control at " + label + " (the company's own facility) is not verified: " +
                              supplier.access_evidence + ".",
                          {{"facility", label + ", the company's own"},
                           {"access control", supplier.access_evidence},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

// ---- The table -------------------------------------------------------------------------------

// ---- Agreements ------------------------------------------------------------------------------

constexpr std::string_view kNnn = "nnn";

bool binds(const AgreementFacts& agreement, std::string_view supplier) {
  return std::find(agreement.suppliers.begin(), agreement.suppliers.end(), supplier) != agreement.suppliers.end();
}

bool covers_product(const AgreementFacts& agreement, std::string_view product) {
  return agreement.products.empty() ||
         std::find(agreement.products.begin(), agreement.products.end(), product) != agreement.products.end();
}

bool in_force(const AgreementFacts& agreement, Date today) {
  return agreement.effective && *agreement.effective <= today && (!agreement.expires || today <= *agreement.expires);
}

// Why no NNN binding `supply.supplier` covers its product today: the NNNs there are, and what is
// wrong with each; "none on record" when there is none.
std::string nnn_gap(const Facts& facts, const SupplyFacts& supply) {
  std::vector<std::string> found;
  for (const AgreementFacts& a : facts.legal.agreements) {
    if (a.kind != kNnn || !binds(a, supply.supplier) || !covers_product(a, supply.product)) continue;
    if (!a.effective) found.push_back(a.id + " is not signed");
    else if (facts.today < *a.effective) found.push_back(a.id + " takes effect on " + a.effective->to_string());
    else if (a.expires) found.push_back(a.id + " expired on " + a.expires->to_string());
  }
  return found.empty() ? "none on record" : join(found, "; ");
}

std::vector<Raised> agreement_missing(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const SupplyFacts& supply : facts.legal.supplies) {
    const SupplierFacts* supplier = find_supplier(facts, supply.supplier);
    if (supplier && (supplier->trusted || supplier->status == "rejected")) continue;
    const auto& all = facts.legal.agreements;
    const bool bound = std::any_of(all.begin(), all.end(), [&](const AgreementFacts& a) {
      return a.kind == kNnn && binds(a, supply.supplier) && covers_product(a, supply.product) && in_force(a, facts.today);
    });
    if (bound) continue;
    const std::string label = supplier_label(facts, supply.supplier);
    raised.push_back(flag(setting, supplier_subject(supply.supplier), supply.product,
                          label + " works on " + supply.product + " without an NNN in force that covers it.",
                          {{"supplier", label},
                           {"product", supply.product},
                           {"NNN agreements", nnn_gap(facts, supply)},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

std::string agreement_label(const Facts& facts, const AgreementFacts& agreement) {
  const std::string with = agreement.suppliers.empty() ? "" : " with " + supplier_label(facts, agreement.suppliers.front());
  return agreement.id + " (" + agreement.kind + with + ")";
}

std::vector<Raised> agreement_quality(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const AgreementFacts& a : facts.legal.agreements) {
    if (a.failures.empty() || (a.expires && *a.expires < facts.today)) continue;
    std::vector<std::string> checks;
    std::vector<Evidence> evidence = {{"agreement", agreement_label(facts, a)}};
    for (const Evidence& failure : a.failures) {
      checks.push_back(failure.name);
      evidence.push_back(failure);
    }
    std::sort(checks.begin(), checks.end());
    evidence.push_back({"checked on", facts.today.to_string()});
    raised.push_back(flag(setting, "agreement/" + a.id, join(checks, ","),
                          "Agreement " + agreement_label(facts, a) + " fails its quality check: " + join(checks, ", ") +
                              ".",
                          std::move(evidence)));
  }
  return raised;
}

// Whether another agreement of the same kind with the same counterparty runs past `a`'s end.
bool renewed(const Facts& facts, const AgreementFacts& a) {
  return std::any_of(facts.legal.agreements.begin(), facts.legal.agreements.end(), [&](const AgreementFacts& b) {
    if (b.id == a.id || b.kind != a.kind || b.suppliers.empty() || a.suppliers.empty()) return false;
    if (b.suppliers.front() != a.suppliers.front() || !b.effective || *b.effective > *a.expires) return false;
    return !b.expires || *b.expires > *a.expires;
  });
}

std::vector<Raised> agreement_expiring(const Facts& facts, const RuleSetting& setting) {
  const int window = facts.legal.expiry_warning_days;
  std::vector<Raised> raised;
  for (const AgreementFacts& a : facts.legal.agreements) {
    if (!a.expires || *a.expires < facts.today || add_days(facts.today, window) < *a.expires) continue;
    if (renewed(facts, a)) continue;
    const long left = a.expires->days_since_epoch() - facts.today.days_since_epoch();
    raised.push_back(flag(setting, "agreement/" + a.id, a.expires->to_string(),
                          "Agreement " + agreement_label(facts, a) + " expires on " + a.expires->to_string() + ", in " +
                              std::to_string(left) + " days; renew it before anything more is released.",
                          {{"agreement", agreement_label(facts, a)},
                           {"expires", a.expires->to_string()},
                           {"days left", std::to_string(left)},
                           {"warning window", std::to_string(window) + " days"},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

// ---- IP rights -------------------------------------------------------------------------------

constexpr std::string_view kTrademark = "trademark";
constexpr std::string_view kChina = "CN";

bool owned_by_company(const Facts& facts, std::string_view owner) { return listed(facts.legal.company_names, owner); }

std::string right_label(const IpRightFacts& right) {
  return right.id + " (" + right.jurisdiction + " " + right.kind + ": " + right.title + ")";
}

std::vector<Raised> ip_owned_by_other(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  if (facts.legal.company_names.empty()) return raised;
  for (const IpRightFacts& right : facts.legal.rights) {
    if (trim(right.owner).empty() || owned_by_company(facts, right.owner)) continue;
    raised.push_back(flag(setting, "ip/" + right.id, normalized(right.owner),
                          "IP right " + right_label(right) + " is owned by " + right.owner + ", not by " +
                              facts.legal.company_names.front() + ".",
                          {{"right", right_label(right)},
                           {"owner", right.owner},
                           {"company", join(facts.legal.company_names, "; ")},
                           {"filed", right.filed ? right.filed->to_string() : "not filed"}}));
  }
  return raised;
}

// Whether `text` holds a CJK ideograph (U+3400-U+9FFF, UTF-8 lead bytes E3 8D.. to E9 BF..).
bool has_han(std::string_view text) {
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if ((lead == 0xE3 && next >= 0x90) || (lead >= 0xE4 && lead <= 0xE9)) return true;
  }
  return false;
}

std::optional<Date> in_production_since(const ProductFacts& product, Date today) {
  std::optional<Date> since;
  for (const std::optional<Date>& day : {product.production_start, product.first_order}) {
    if (day && *day <= today && (!since || *day < *since)) since = day;
  }
  return since;
}

std::string mark_of(const IpRightFacts& right) { return trim(right.mark).empty() ? right.title : right.mark; }

// The product's marks, each once, and whether each is filed in China (by anyone) by today.
std::vector<std::pair<std::string, bool>> marks_in_china(const Facts& facts, const std::string& product) {
  std::vector<std::pair<std::string, bool>> marks;
  for (const IpRightFacts& right : facts.legal.rights) {
    const auto& covered = right.products;
    if (right.kind != kTrademark || std::find(covered.begin(), covered.end(), product) == covered.end()) continue;
    const std::string mark(trim(mark_of(right)));
    const bool filed = right.jurisdiction == kChina && right.filed && *right.filed <= facts.today;
    auto it = std::find_if(marks.begin(), marks.end(), [&](const auto& m) { return normalized(m.first) == normalized(mark); });
    if (it == marks.end()) it = marks.emplace(marks.end(), mark, false);
    it->second = it->second || filed;
  }
  return marks;
}

std::vector<Raised> trademark_not_filed_cn(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ProductFacts& product : facts.legal.products) {
    const std::optional<Date> since = in_production_since(product, facts.today);
    if (!since) continue;
    const std::string subject = "product/" + product.id;
    const std::vector<Evidence> base = {{"product", product.id},
                                        {"in production since", since->to_string()},
                                        {"checked on", facts.today.to_string()}};
    const auto marks = marks_in_china(facts, product.id);
    bool chinese = false;
    for (const auto& [mark, filed] : marks) {
      chinese = chinese || (filed && has_han(mark));
      if (filed) continue;
      std::vector<Evidence> evidence = base;
      evidence.insert(evidence.begin() + 1, {"mark", mark});
      raised.push_back(flag(setting, subject, normalized(mark),
                            "The mark " + mark + " of " + product.id + " is not filed in China while the product is "
                            "in production: a squatter can register it first.", std::move(evidence)));
    }
    if (chinese) continue;
    raised.push_back(flag(setting, subject, marks.empty() ? "no trademark" : "no chinese-character mark",
                          (marks.empty() ? product.id + " is in production with no trademark on record"
                                         : product.id + " is in production with no Chinese-character mark filed in "
                                                        "China") + std::string(": squatters register the Chinese name first."),
                          base));
  }
  return raised;
}

bool covers_secret(const IpRightFacts& right, const DisclosureFacts& disclosure, const std::string& secret) {
  const bool product = right.products.empty() ||
                       std::find(right.products.begin(), right.products.end(), disclosure.product) != right.products.end();
  return product && std::find(right.secrets.begin(), right.secrets.end(), secret) != right.secrets.end();
}

std::vector<Raised> disclosure_before_filing(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const DisclosureFacts& d : facts.legal.disclosures) {
    if (d.date > facts.today) continue;
    for (const std::string& secret : d.secrets) {
      const IpRightFacts* earliest = nullptr;
      for (const IpRightFacts& right : facts.legal.rights) {
        if (!right.filed || !covers_secret(right, d, secret)) continue;
        if (!earliest || *right.filed < *earliest->filed) earliest = &right;
      }
      if (earliest && *earliest->filed <= d.date) continue;
      const std::string filing = earliest ? right_label(*earliest) + " filed on " + earliest->filed->to_string()
                                          : "none yet";
      raised.push_back(flag(setting, "disclosure/" + d.id, secret,
                            secret + " of " + d.product + " was made public (" + d.kind + " on " + d.date.to_string() +
                                ") before any filing covering it: China's grace period does not cover a company's "
                                "own disclosure, so a later filing there may lack novelty.",
                            {{"disclosure", d.id + " (" + d.kind + (d.note.empty() ? "" : ": " + d.note) + ")"},
                             {"disclosed on", d.date.to_string()},
                             {"secret", d.product + "/" + secret},
                             {"earliest filing", filing}}));
    }
  }
  return raised;
}

// ---- What cleared a flag ---------------------------------------------------------------------

// "F04" of "supplier/F04"; the rest after the first slash.
std::string_view id_of(std::string_view subject) {
  const std::size_t slash = subject.find('/');
  return slash == std::string_view::npos ? subject : subject.substr(slash + 1);
}

// The latest visit of `kind` to `supplier` on or before `until`, or nullptr.
const VisitFacts* latest_visit_of(const Facts& facts, std::string_view supplier, std::string_view kind, Date until) {
  const VisitFacts* latest = nullptr;
  for (const VisitFacts& visit : facts.visits) {
    if (visit.supplier != supplier || visit.kind != kind || visit.date > until) continue;
    if (!latest || visit.date > latest->date) latest = &visit;
  }
  return latest;
}

// Why a supplier-level duty ended without the duty being done: the supplier is gone, no
// longer active, or the company's own facility.
std::optional<std::string> supplier_gone(const Facts& facts, std::string_view id) {
  const SupplierFacts* supplier = find_supplier(facts, id);
  if (!supplier) return std::string(id) + " is no longer on record";
  if (supplier->trusted) return supplier_label(facts, id) + " is a trusted (own) facility";
  if (supplier->status == "rejected") return supplier_label(facts, id) + " was rejected";
  if (!supplier->active) return supplier_label(facts, id) + " has no purchase order and no approved assignment";
  return std::nullopt;
}

std::string requalification_cleared(const Facts& facts, std::string_view subject, std::string_view) {
  const SupplierFacts* supplier = find_supplier(facts, id_of(subject));
  if (!supplier) return std::string(id_of(subject)) + " is no longer on record";
  const std::string until = supplier->qualified_until ? " until " + supplier->qualified_until->to_string() : "";
  return supplier_label(facts, supplier->id) + " is " + supplier->status + until;
}

std::string certificate_cleared(const Facts& facts, std::string_view subject, std::string_view cause) {
  const std::string_view supplier = id_of(subject);
  const std::string_view id = cause.substr(0, cause.find(':'));
  const auto old = std::find_if(facts.certificates.begin(), facts.certificates.end(),
                                [&](const CertificateFacts& c) { return c.supplier == supplier && c.id == id; });
  if (old == facts.certificates.end()) return "certificate " + std::string(id) + " is no longer on record";
  for (const CertificateFacts& c : facts.certificates) {
    if (c.supplier != supplier || normalized(c.standard) != normalized(old->standard) || c.expires < facts.today) continue;
    return "certificate " + c.id + " (" + c.standard + " " + c.number + ") is valid until " + c.expires.to_string();
  }
  return supplier_gone(facts, supplier).value_or("the certificate no longer counts");
}

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
  if (!found->first_production) return supplier_label(facts, supplier) + " has no production start on record";
  const Date start = *found->first_production;
  const VisitFacts* visit = latest_visit_of(facts, supplier, kOwnerVisit, std::min(start, facts.today));
  if (!visit) return "production at " + supplier_label(facts, supplier) + " now starts on " + start.to_string();
  return "owner's visit " + visit->id + " to " + supplier_label(facts, supplier) + " on " + visit->date.to_string() +
         ", before production starts on " + start.to_string();
}

std::string agreement_missing_cleared(const Facts& facts, std::string_view subject, std::string_view product) {
  const std::string_view supplier = id_of(subject);
  for (const AgreementFacts& a : facts.legal.agreements) {
    if (a.kind != kNnn || !binds(a, supplier) || !covers_product(a, product) || !in_force(a, facts.today)) continue;
    const std::string until = a.expires ? " until " + a.expires->to_string() : "";
    return "NNN " + a.id + " binds " + supplier_label(facts, supplier) + " and covers " + std::string(product) +
           ", in force since " + a.effective->to_string() + until;
  }
  if (std::optional<std::string> gone = supplier_gone(facts, supplier)) return *gone;
  return supplier_label(facts, supplier) + " no longer works on " + std::string(product);
}

std::string confidentiality_cleared(const Facts& facts, std::string_view subject, std::string_view person) {
  const std::string_view id = id_of(subject);
  const SupplierFacts* supplier = find_supplier(facts, id);
  if (!supplier) return std::string(id) + " is no longer on record";
  if (!supplier->trusted) return supplier_label(facts, id) + " is no longer the company's own facility";
  for (const DesignRecipient& r : supplier->recipients) {
    if (r.person == person && !r.covered_by.empty()) return person_label(r) + " is bound by " + r.covered_by;
  }
  return std::string(person) + " no longer holds design data of " + supplier_label(facts, id);
}

std::string access_control_cleared(const Facts& facts, std::string_view subject, std::string_view) {
  const std::string_view id = id_of(subject);
  const SupplierFacts* supplier = find_supplier(facts, id);
  if (!supplier) return std::string(id) + " is no longer on record";
  if (!supplier->trusted) return supplier_label(facts, id) + " is no longer the company's own facility";
  if (supplier->access_verified) return supplier->access_evidence;
  return supplier_label(facts, id) + " has no purchase order and no approved assignment";
}

std::string unaccounted_cleared(const Facts& facts, std::string_view subject, std::string_view cause) {
  const std::string_view supplier = id_of(subject);
  const std::string_view product = cause.substr(0, cause.find(':'));
  for (const vet::Reconciliation& r : facts.reconciliations) {
    if (r.supplier != supplier || r.product != product) continue;
    return "the reconciliation of " + std::string(product) + " at " + supplier_label(facts, supplier) + " from " +
           r.from.to_string() + " to " + r.to.to_string() + " leaves " + number(r.unaccounted_units) +
           " units unaccounted (" + number(r.accounted) + " accounted), within the allowance";
  }
  return "no reconciliation of " + std::string(product) + " at " + supplier_label(facts, supplier) + " remains";
}

// ---- Counterfeits and takedowns -----------------------------------------------------------------

std::string holders_text(const CounterfeitFacts& c) {
  std::vector<std::string> out;
  for (const CounterfeitHolder& h : c.holders) {
    out.push_back(h.supplier + (h.city.empty() ? "" : " (" + h.city + ")") + ": " + join(h.secrets, ", "));
  }
  return listing(out);
}

std::vector<Raised> counterfeit_traced(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const CounterfeitFacts& c : facts.counterfeits) {
    for (const CounterfeitHolder& h : c.holders) {
      if (!h.in_seller_city && h.unpublished_held.empty()) continue;
      std::vector<std::string> links;
      if (h.in_seller_city) links.push_back("the seller is in " + h.city + ", where it works");
      if (!h.unpublished_held.empty()) {
        links.push_back("the listing's images show " + join(h.unpublished_held, ", ") + ", not yet public, which it held");
      }
      raised.push_back(flag(setting, supplier_subject(h.supplier), "hit/" + c.hit,
                            "Confirmed counterfeit " + c.hit + " on " + c.platform + " copies " + join(h.secrets, ", ") +
                                " of " + c.product + ", held by " + supplier_label(facts, h.supplier) + ": " +
                                join(links, "; ") + ".",
                            {{"hit", c.hit},
                             {"listing", c.listing + " " + c.url},
                             {"seller", c.seller.empty() ? "unknown" : c.seller},
                             {"seller location", c.seller_location.empty() ? "unknown" : c.seller_location},
                             {"supplier", supplier_label(facts, h.supplier)},
                             {"supplier city", h.city.empty() ? "unknown" : h.city},
                             {"secrets it held", listing(h.secrets)},
                             {"still secret, shown", listing(h.unpublished_held)},
                             {"who held the copied secrets", holders_text(c)}}));
    }
  }
  return raised;
}

std::vector<Raised> complaint_relisted(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ComplaintFacts& c : facts.complaints) {
    if (c.status != "relisted" || !c.relisted) continue;
    const std::string on = c.relisted->to_string();
    raised.push_back(flag(setting, "complaint/" + c.id, "relisted:" + on,
                          "A listing of complaint " + c.id + " on " + c.platform + " was relisted on " + on +
                              ": file again, and ask the platform to act against the seller as a repeat infringer.",
                          {{"complaint", c.id},
                           {"platform", c.platform},
                           {"hits", listing(c.hits)},
                           {"filed on", c.filed ? c.filed->to_string() : "unknown"},
                           {"relisted on", on}}));
  }
  return raised;
}

std::vector<Raised> complaint_unanswered(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  const double days = setting.threshold("days");
  for (const ComplaintFacts& c : facts.complaints) {
    if (c.status != "filed" || !c.filed) continue;
    const Date due = add_days(*c.filed, days);
    if (due >= facts.today) continue;
    raised.push_back(flag(setting, "complaint/" + c.id, "filed:" + c.filed->to_string(),
                          "Complaint " + c.id + " to " + c.platform + " was filed on " + c.filed->to_string() +
                              " and has had no answer in " + number(days) + " days: follow it up.",
                          {{"complaint", c.id},
                           {"platform", c.platform},
                           {"hits", listing(c.hits)},
                           {"filed on", c.filed->to_string()},
                           {"answer expected by", due.to_string()},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

// ---- Releases --------------------------------------------------------------------------------

std::vector<Raised> release_not_returned(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ReleaseFacts& r : facts.releases) {
    if (r.returned) continue;
    const bool revoked = r.revoked && *r.revoked <= facts.today;
    const bool expired = r.expires && *r.expires < facts.today;
    if (!revoked && !expired) continue;
    const std::string ended = revoked ? "was revoked on " + r.revoked->to_string() + " (" + r.revoke_reason + ")"
                                      : "expired on " + r.expires->to_string();
    raised.push_back(flag(setting, "release/" + r.id, r.id,
                          "Release " + r.id + " to " + supplier_label(facts, r.supplier) + " " + ended +
                              ", and nobody has confirmed that its files were returned or destroyed.",
                          {{"release", r.id},
                           {"supplier", supplier_label(facts, r.supplier)},
                           {"recipients", listing(r.recipients)},
                           {revoked ? "revoked on" : "expired on", (revoked ? *r.revoked : *r.expires).to_string()},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

const Rule kRules[] = {
    {"requalification-overdue", "Supplier's qualification has expired", Severity::kHigh, {}, requalification_overdue,
     requalification_cleared},
    {"certificate-expired", "Supplier's certificate has expired", Severity::kHigh, {}, certificate_expired,
     certificate_cleared},
    {"audit-overdue", "Active supplier is due for an audit", Severity::kMedium, {{"interval_days", 180}},
     audit_overdue, audit_cleared},
    {"critical-finding-overdue", "Critical finding still open past its due date", Severity::kCritical, {},
     critical_finding_overdue, finding_cleared},
    {"unapproved-subcontractor", "Visit saw a subcontractor that is not approved", Severity::kCritical, {},
     unapproved_subcontractor},
    {"unknown-site", "Visit saw a site the supplier never declared", Severity::kHigh, {}, unknown_site},
    {"capacity-swing", "Capacity seen changed sharply between visits", Severity::kMedium, {{"max_change", 0.3}},
     capacity_swing},
    {"unaccounted-units", "Units could have been built that were not accounted for", Severity::kCritical,
     {{"min_units", 50}, {"min_share", 0.02}}, unaccounted_units, unaccounted_cleared},
    {"tooling-unapproved-location", "Tool is somewhere it was not approved to be", Severity::kHigh, {},
     tooling_unapproved_location},
    {"tooling-moved-unrecorded", "Tool was seen where its passport does not put it", Severity::kHigh, {},
     tooling_moved_unrecorded},
    {"tooling-shots-unexplained", "Tool molded more than was shipped or scrapped", Severity::kHigh,
     {{"min_units", 50}, {"min_share", 0.02}}, tooling_shots_unexplained},
    {"tooling-change-unapproved", "Tool was changed without approval", Severity::kMedium, {},
     tooling_change_unapproved},
    {"affiliated-collusion", "Affiliated suppliers together can complete a recipe", Severity::kCritical, {},
     affiliated_collusion},
    {"owner-visit-missing", "No owner's visit before production starts", Severity::kHigh, {{"lead_days", 14}},
     owner_visit_missing, owner_visit_cleared},
    {"agreement-missing", "Active supplier without an NNN in force covering the product", Severity::kHigh, {},
     agreement_missing, agreement_missing_cleared},
    {"agreement-quality", "Agreement fails its quality check", Severity::kHigh, {}, agreement_quality},
    {"agreement-expiring", "Agreement expires within the policy window", Severity::kMedium, {}, agreement_expiring},
    {"ip-owned-by-other", "IP right owned by someone other than the company", Severity::kHigh, {}, ip_owned_by_other},
    {"trademark-not-filed-cn", "Product in production with a mark not filed in China", Severity::kHigh, {},
     trademark_not_filed_cn},
    {"disclosure-before-filing", "Secret made public before any filing covering it", Severity::kHigh, {},
     disclosure_before_filing},
    {"release-not-returned", "Files of a revoked or expired release not confirmed returned", Severity::kHigh, {},
     release_not_returned},
    {"confidentiality-missing", "Own facility's staff received design data without a confidentiality agreement",
     Severity::kHigh, {}, confidentiality_missing, confidentiality_cleared},
    {"access-control-unverified", "Own facility's access control not verified by a recent audit", Severity::kHigh, {},
     access_control_unverified, access_control_cleared},
    {"counterfeit-traced", "Confirmed counterfeit points back to a supplier that held what it copies",
     Severity::kCritical, {}, counterfeit_traced},
    {"complaint-relisted", "A listing taken down after a complaint is back", Severity::kHigh, {}, complaint_relisted},
    {"complaint-unanswered", "Takedown complaint unanswered past the expected time", Severity::kMedium,
     {{"days", 14}}, complaint_unanswered},
};

// ---- Settings --------------------------------------------------------------------------------

const Rule* find_rule(std::string_view id) {
  for (const Rule& rule : kRules) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

RuleSetting defaults_of(const Rule& rule) {
  RuleSetting setting{rule.severity, true, {}};
  for (const auto& [name, value] : rule.thresholds) setting.thresholds.emplace(std::string(name), value);
  return setting;
}

std::string known_rules() {
  std::vector<std::string> ids;
  for (const Rule& rule : kRules) ids.emplace_back(rule.id);
  return join(ids, ", ");
}

std::string known_thresholds(const Rule& rule) {
  std::vector<std::string> names;
  for (const auto& threshold : rule.thresholds) names.emplace_back(threshold.first);
  return names.empty() ? "it has none" : "it has " + join(names, ", ");
}

struct Applied {
  RuleSetting setting;
  std::vector<Diagnostic> problems;
};

Applied apply_override(const Rule& rule, const Override& change) {
  Applied applied{defaults_of(rule), {}};
  if (change.severity) applied.setting.severity = *change.severity;
  if (change.enabled) applied.setting.enabled = *change.enabled;
  const std::string where = "flags." + std::string(rule.id);
  for (const auto& [name, value] : change.thresholds) {
    const auto it = applied.setting.thresholds.find(name);
    if (it == applied.setting.thresholds.end()) {
      applied.problems.push_back({where + "." + name, "unknown threshold (" + known_thresholds(rule) + ")"});
    } else if (!std::isfinite(value) || value < 0) {
      applied.problems.push_back({where + "." + name, "must be a number of 0 or more"});
    } else {
      it->second = value;
    }
  }
  return applied;
}

bool ranks_before(const Raised& a, const Raised& b) {
  if (a.severity != b.severity) return a.severity > b.severity;
  return std::tie(a.rule, a.subject, a.cause) < std::tie(b.rule, b.subject, b.cause);
}

bool same_flag(const Raised& a, const Raised& b) {
  return std::tie(a.rule, a.subject, a.cause) == std::tie(b.rule, b.subject, b.cause);
}

}  // namespace

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::kInfo: return "info";
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "medium";
}

std::optional<Severity> parse_severity(std::string_view name) {
  for (const Severity severity :
       {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (severity_name(severity) == name) return severity;
  }
  return std::nullopt;
}

double RuleSetting::threshold(std::string_view name) const {
  const auto it = thresholds.find(name);
  return it == thresholds.end() ? 0 : it->second;
}

std::span<const Rule> builtin_rules() { return kRules; }

std::string cleared_reason(const Facts& facts, std::string_view rule, std::string_view subject,
                           std::string_view cause) {
  const Rule* found = find_rule(rule);
  if (found && found->cleared) return found->cleared(facts, subject, cause);
  return std::string(rule) + ": the cause no longer holds on " + facts.today.to_string();
}

Result<Settings> settings(const Overrides& overrides) {
  Settings result;
  for (const Rule& rule : kRules) result.emplace(std::string(rule.id), defaults_of(rule));
  std::vector<Diagnostic> problems;
  for (const auto& [id, change] : overrides) {
    const Rule* rule = find_rule(id);
    if (!rule) {
      problems.push_back({"flags." + id, "unknown rule (known: " + known_rules() + ")"});
      continue;
    }
    Applied applied = apply_override(*rule, change);
    problems.insert(problems.end(), applied.problems.begin(), applied.problems.end());
    result[id] = std::move(applied.setting);
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return result;
}

std::vector<Raised> evaluate(const Facts& facts, const Settings& settings) {
  std::vector<Raised> raised;
  for (const Rule& rule : kRules) {
    const auto it = settings.find(rule.id);
    const RuleSetting setting = it == settings.end() ? defaults_of(rule) : it->second;
    if (!setting.enabled) continue;
    for (Raised& r : rule.evaluate(facts, setting)) {
      r.rule = std::string(rule.id);
      r.severity = setting.severity;
      raised.push_back(std::move(r));
    }
  }
  std::sort(raised.begin(), raised.end(), ranks_before);
  // One flag per cause even when a visit lists the same name twice.
  raised.erase(std::unique(raised.begin(), raised.end(), same_flag), raised.end());
  return raised;
}

}  // namespace moat::flags
