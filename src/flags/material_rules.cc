// SPDX-License-Identifier: Apache-2.0
// The red-flag rules of one theme: material reconciliation (ghost shifts) and tooling.
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

// ---- Material reconciliation -----------------------------------------------------------------

std::vector<Evidence> reconciliation_evidence(const Facts& facts, const vet::Reconciliation& r,
                                              double allowance) {
  std::vector<Evidence> evidence{
      {"supplier", supplier_label(facts, r.supplier)},
      {"product", r.product},
      {"period", r.from.to_string() + " to " + r.to.to_string()},
      {"ordered", number(r.ordered)},
      {"shipped", number(r.shipped)},
      {"scrap", number(r.scrap)},
      {"on hand", number(r.on_hand_start) + " at the start, " + number(r.on_hand_end) + " at the end"},
      {"accounted", number(r.shipped) + " shipped + " + number(r.scrap) + " scrap + " +
                        number(r.on_hand_end) + " on hand at the end − " + number(r.on_hand_start) +
                        " at the start = " + number(r.accounted)},
  };
  for (const vet::Line& line : r.lines) {
    const std::string name = line.item.empty() ? line.check : line.check + " " + line.item;
    evidence.push_back({name, line.arithmetic});
  }
  evidence.push_back({"unaccounted units", number(r.unaccounted_units)});
  evidence.push_back({"allowance", number(allowance)});
  return evidence;
}

}  // namespace

std::vector<Raised> unaccounted_units(const Facts& facts, const RuleSetting& setting) {
  const double min_units = setting.threshold("min_units");
  const double min_share = setting.threshold("min_share");
  std::vector<Raised> raised;
  for (const vet::Reconciliation& r : facts.reconciliations) {
    const double allowance = std::max(min_units, min_share * r.shipped);
    if (!(r.unaccounted_units > allowance)) continue;
    raised.push_back(flag(setting, supplier_subject(r.supplier), r.product + ":" + r.from.to_string(),
                          supplier_label(facts, r.supplier) + " could have built " +
                              number(r.unaccounted_units) + " more units of " + r.product +
                              " than it accounted for between " + r.from.to_string() + " and " +
                              r.to.to_string() + ".",
                          reconciliation_evidence(facts, r, allowance)));
  }
  return raised;
}
namespace {

// ---- Tooling ---------------------------------------------------------------------------------

// The tool's events of `kind`, by date (stable: the passport's order within a day).
std::vector<const ToolEvent*> events_of(const ToolFacts& tool, ToolEventKind kind) {
  std::vector<const ToolEvent*> events;
  for (const ToolEvent& event : tool.events) {
    if (event.kind == kind) events.push_back(&event);
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const ToolEvent* a, const ToolEvent* b) { return a->date < b->date; });
  return events;
}

std::vector<Raised> unapproved_relocations(const ToolFacts& tool, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ToolEvent* move : events_of(tool, ToolEventKind::kRelocation)) {
    if (move->approved) continue;
    raised.push_back(flag(setting, tool_subject(tool.id), "relocation:" + move->id,
                          "Tool " + tool.id + " (" + tool.name + ") was moved from " + move->from + " to " +
                              move->to + " on " + move->date.to_string() + " without approval.",
                          {{"tool", tool.id + " (" + tool.name + ")"},
                           {"relocation", move->id},
                           {"moved on", move->date.to_string()},
                           {"from", move->from},
                           {"to", move->to},
                           {"approved locations", listing(tool.approved_locations)}}));
  }
  return raised;
}

}  // namespace

std::vector<Raised> tooling_unapproved_location(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ToolFacts& tool : facts.tools) {
    if (tool.scrapped) continue;
    if (!tool.approved_locations.empty() && !listed(tool.approved_locations, tool.location)) {
      raised.push_back(flag(setting, tool_subject(tool.id), "at:" + tool.location,
                            "Tool " + tool.id + " (" + tool.name + ") is at " +
                                supplier_label(facts, tool.location) +
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
namespace {

// Where the passport puts the tool on `date`, and the relocation that put it there (if any).
struct PassportLocation {
  std::string location;
  const ToolEvent* relocation = nullptr;
};

PassportLocation location_on(const ToolFacts& tool, const std::vector<const ToolEvent*>& relocations,
                             Date date) {
  PassportLocation where{relocations.empty() ? tool.location : relocations.front()->from, nullptr};
  for (const ToolEvent* move : relocations) {
    if (move->date > date) break;
    where = {move->to, move};
  }
  return where;
}

}  // namespace

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
                                sighting->date.to_string() + ", but its passport puts it at " +
                                expected.location + ": a move nobody recorded.",
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
namespace {

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

}  // namespace

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
                            "Tool " + tool.id + " (" + tool.name + ") was changed on " +
                                change->date.to_string() + " without approval beforehand.",
                            {{"tool", tool.id + " (" + tool.name + ")"},
                             {"change", change->id},
                             {"changed on", change->date.to_string()},
                             {"location", supplier_label(facts, tool.location)}}));
    }
  }
  return raised;
}

std::string unaccounted_cleared(const Facts& facts, std::string_view subject, std::string_view cause) {
  const std::string_view supplier = id_of(subject);
  const std::string_view product = cause.substr(0, cause.find(':'));
  for (const vet::Reconciliation& r : facts.reconciliations) {
    if (r.supplier != supplier || r.product != product) continue;
    return "the reconciliation of " + std::string(product) + " at " + supplier_label(facts, supplier) +
           " from " + r.from.to_string() + " to " + r.to.to_string() + " leaves " +
           number(r.unaccounted_units) + " units unaccounted (" + number(r.accounted) +
           " accounted), within the allowance";
  }
  return "no reconciliation of " + std::string(product) + " at " + supplier_label(facts, supplier) +
         " remains";
}

}  // namespace moat::flags::detail
