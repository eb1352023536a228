// SPDX-License-Identifier: Apache-2.0
#include "app/red_flags.h"

#include <algorithm>
#include <map>
#include <set>

#include "app/legal.h"
#include "app/record_fields.h"
#include "app/records.h"
#include "app/releases.h"
#include "app/rules.h"
#include "app/sourcing.h"
#include "vet/qualification.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;
using Records = std::vector<store::Record>;

const store::Table& table(std::string_view name) { return *store::find_table(name); }

// Every table the rules read, from one snapshot.
struct Snapshot {
  Records suppliers, certificates, visits, findings, tooling, tool_events, orders, movements, products;
};

Result<Snapshot> snapshot(Workspace& workspace) {
  Snapshot s;
  MOAT_CHECK(read_tables(workspace.store(), {
      {"suppliers", &s.suppliers}, {"certificates", &s.certificates}, {"visits", &s.visits},
      {"findings", &s.findings},   {"tooling", &s.tooling},           {"tool_events", &s.tool_events},
      {"orders", &s.orders},       {"movements", &s.movements},       {"products", &s.products}}));
  return s;
}

Date day_of(const json& record, std::string_view field) { return date(record, field).value_or(Date::from_days(0)); }

// ---- Reconciliation --------------------------------------------------------------------------

vet::MovementKind movement_kind(const std::string& kind) {
  static const std::map<std::string, vet::MovementKind, std::less<>> kKinds = {
      {"consigned", vet::MovementKind::kConsigned}, {"returned", vet::MovementKind::kReturned},
      {"shipped", vet::MovementKind::kShipped},     {"scrap", vet::MovementKind::kScrap},
      {"on-hand", vet::MovementKind::kOnHand}};
  return kKinds.at(kind);
}

// The last reading of `tool` before `day` (strictly) or on or before it.
std::optional<std::pair<double, Date>> reading(const Records& events, const std::string& tool, Date day, bool inclusive) {
  std::optional<std::pair<double, Date>> last;
  for (const json& e : events) {
    if (text(e, "tool") != tool || text(e, "kind") != "reading" || !integer(e, "shots")) continue;
    const Date on = day_of(e, "date");
    if (inclusive ? on > day : on >= day) continue;
    if (!last || on >= last->second) last = {static_cast<double>(*integer(e, "shots")), on};
  }
  return last;
}

vet::ToolShots tool_shots(const json& tool, const Records& events, Date from, Date to) {
  vet::ToolShots shots;
  shots.tool = text(tool, "id");
  shots.cavities = static_cast<double>(integer(tool, "cavities").value_or(1));
  shots.parts_per_unit = static_cast<double>(integer(tool, "parts_per_unit").value_or(1));
  if (const auto start = reading(events, shots.tool, from, false)) {
    shots.shots_start = start->first;
    shots.start_reading = start->second;
  }
  if (const auto end = reading(events, shots.tool, to, true)) {
    shots.shots_end = end->first;
    shots.end_reading = end->second;
  } else {
    shots.shots_end = shots.shots_start;
  }
  return shots;
}

vet::ReconcileInput reconcile_input(const Snapshot& s, const std::string& supplier, const std::string& product,
                                    Date from, Date to) {
  vet::ReconcileInput input{supplier, product, from, to, {}, {}, {}};
  for (const json& o : s.orders) {
    if (text(o, "supplier") != supplier || text(o, "product") != product) continue;
    input.orders.push_back({text(o, "id"), day_of(o, "issued"), static_cast<double>(integer(o, "quantity").value_or(0))});
  }
  for (const json& m : s.movements) {
    if (text(m, "supplier") != supplier || text(m, "product") != product) continue;
    input.movements.push_back({day_of(m, "date"), movement_kind(text(m, "kind")), text(m, "item"),
                               number(m, "quantity").value_or(0), number(m, "per_unit").value_or(1)});
  }
  for (const json& t : s.tooling) {
    if (text(t, "location") != supplier || text(t, "product") != product) continue;
    input.tools.push_back(tool_shots(t, s.tool_events, from, to));
  }
  return input;
}

bool has_record(const Records& records, std::string_view field, const std::string& id) {
  return std::any_of(records.begin(), records.end(), [&](const json& r) { return text(r, field) == id; });
}

// Each supplier × product with orders or movements, and the first day either was recorded.
std::map<std::pair<std::string, std::string>, Date> trading_pairs(const Snapshot& s) {
  std::map<std::pair<std::string, std::string>, Date> first;
  const auto note = [&](const json& r, std::string_view date_field) {
    const auto key = std::make_pair(text(r, "supplier"), text(r, "product"));
    const Date on = day_of(r, date_field);
    const auto found = first.find(key);
    if (found == first.end() || on < found->second) first.insert_or_assign(key, on);
  };
  for (const json& o : s.orders) note(o, "issued");
  for (const json& m : s.movements) note(m, "date");
  return first;
}

std::vector<vet::Reconciliation> reconcile_pairs(const Snapshot& s, Date today) {
  std::vector<vet::Reconciliation> out;
  for (const auto& [pair, first] : trading_pairs(s)) {
    out.push_back(vet::reconcile(reconcile_input(s, pair.first, pair.second, std::min(first, today), today)));
  }
  return out;
}

// ---- Facts -----------------------------------------------------------------------------------

std::optional<Date> first_order(const Snapshot& s, const std::string& supplier) {
  std::optional<Date> first;
  for (const json& o : s.orders) {
    if (text(o, "supplier") != supplier) continue;
    const Date on = day_of(o, "issued");
    if (!first || on < *first) first = on;
  }
  return first;
}

flags::SupplierFacts supplier_facts(const Snapshot& s, const json& r, Date today, const std::set<std::string>& planned) {
  flags::SupplierFacts f;
  f.id = text(r, "id");
  f.name = text(r, "name");
  f.qualified_until = date(r, "qualified_until");
  f.status = vet::effective_status(text(r, "status"), f.qualified_until, today);
  f.trusted = r.value("trusted", false);
  f.active = planned.count(f.id) > 0 || has_record(s.orders, "supplier", f.id);
  f.capacity = integer(r, "capacity");
  f.sites = list(r, "sites");
  f.approved_subcontractors = list(r, "subcontractors");
  f.first_production = first_order(s, f.id);
  return f;
}

std::string supplier_of_visit(const Snapshot& s, const std::string& visit) {
  for (const json& v : s.visits) {
    if (text(v, "id") == visit) return text(v, "supplier");
  }
  return "";
}

flags::ToolEventKind tool_event_kind(const std::string& kind) {
  static const std::map<std::string, flags::ToolEventKind, std::less<>> kKinds = {
      {"reading", flags::ToolEventKind::kReading}, {"relocation", flags::ToolEventKind::kRelocation},
      {"change", flags::ToolEventKind::kChange},   {"sighting", flags::ToolEventKind::kSighting},
      {"scrap", flags::ToolEventKind::kScrap}};
  return kKinds.at(kind);
}

flags::ToolEvent tool_event(const json& e) {
  flags::ToolEvent event{text(e, "id"), day_of(e, "date"), tool_event_kind(text(e, "kind")), {}, {}, {}, false, {}};
  event.shots = number(e, "shots");
  event.from = text(e, "from");
  event.to = text(e, "to");
  event.visit = text(e, "visit");
  const std::optional<Date> approved_on = date(e, "approved_on");
  const bool approved = !text(e, "approved_by").empty();
  // A change counts as approved only when approved on or before the day it was made.
  event.approved = event.kind == flags::ToolEventKind::kChange ? approved && approved_on && *approved_on <= event.date
                                                               : approved;
  return event;
}

// Units the tool's holder shipped or scrapped for its product since the tool arrived there.
double units_accounted(const Snapshot& s, const flags::ToolFacts& tool) {
  Date arrived = Date::from_days(0);
  for (const flags::ToolEvent& e : tool.events) {
    if (e.kind == flags::ToolEventKind::kRelocation && e.to == tool.location && e.date > arrived) arrived = e.date;
  }
  double units = 0;
  for (const json& m : s.movements) {
    const std::string kind = text(m, "kind");
    if (text(m, "supplier") != tool.location || text(m, "product") != tool.product) continue;
    if ((kind == "shipped" || kind == "scrap") && day_of(m, "date") >= arrived) units += number(m, "quantity").value_or(0);
  }
  return units;
}

flags::ToolFacts tool_facts(const Snapshot& s, const json& t) {
  flags::ToolFacts f;
  f.id = text(t, "id");
  f.name = text(t, "name");
  f.product = text(t, "product");
  f.location = text(t, "location");
  f.approved_locations = list(t, "approved_locations");
  f.cavities = number(t, "cavities").value_or(1);
  f.parts_per_unit = number(t, "parts_per_unit").value_or(1);
  f.scrapped = text(t, "state") == "scrapped";
  for (const json& e : s.tool_events) {
    if (text(e, "tool") == f.id) f.events.push_back(tool_event(e));
  }
  f.units_accounted = units_accounted(s, f);
  return f;
}

Result<std::vector<flags::PlanFacts>> plan_facts(Workspace& workspace, const Snapshot& s, Date today) {
  std::vector<flags::PlanFacts> plans;
  for (const json& p : s.products) {
    const std::string product = text(p, "id");
    MOAT_TRY(const std::optional<SavedPlan> saved, current_plan(workspace, product));
    if (!saved || saved->state != "approved") continue;
    MOAT_TRY(plan::Instance instance,
             product_instance(workspace, product, {saved->collusion, saved->max_exposure_share, today.to_string()}));
    plans.push_back({product, saved->id, std::move(instance), saved->plan.assignments});
  }
  return plans;
}

void add_visit_facts(const Snapshot& s, flags::Facts& facts) {
  for (const json& v : s.visits) {
    facts.visits.push_back({text(v, "id"), text(v, "supplier"), text(v, "kind"), day_of(v, "date"),
                            integer(v, "capacity_seen"), list(v, "sites_seen"), list(v, "subcontractors_seen")});
  }
  for (const json& f : s.findings) {
    facts.findings.push_back({text(f, "visit"), text(f, "id"), supplier_of_visit(s, text(f, "visit")),
                              text(f, "severity"), text(f, "description"), date(f, "due"), text(f, "state") == "closed"});
  }
}

// ---- Flags -----------------------------------------------------------------------------------

Flag flag_of(const json& r) {
  Flag f{text(r, "id"), text(r, "rule"), text(r, "severity"), text(r, "subject"), text(r, "cause"),
         text(r, "summary"), {}, text(r, "state"), text(r, "raised_at"), text(r, "updated_by"),
         text(r, "updated_at"), text(r, "reason"), false};
  const json evidence = json::parse(text(r, "evidence"), nullptr, false);
  if (evidence.is_array()) {
    for (const json& e : evidence) f.evidence.push_back({e.value("name", ""), e.value("value", "")});
  }
  return f;
}

json evidence_json(const std::vector<flags::Evidence>& evidence) {
  json out = json::array();
  for (const flags::Evidence& e : evidence) out.push_back({{"name", e.name}, {"value", e.value}});
  return out;
}

int severity_rank(const std::string& severity) {
  const std::optional<flags::Severity> parsed = flags::parse_severity(severity);
  return parsed ? static_cast<int>(*parsed) : 0;
}

void sort_flags(std::vector<Flag>& flags) {
  std::stable_sort(flags.begin(), flags.end(), [](const Flag& a, const Flag& b) {
    if (severity_rank(a.severity) != severity_rank(b.severity)) return severity_rank(a.severity) > severity_rank(b.severity);
    return id_number(a.id, "FL") < id_number(b.id, "FL");
  });
}

std::string identity(std::string_view rule, std::string_view subject, std::string_view cause) {
  return std::string(rule) + "\x1f" + std::string(subject) + "\x1f" + std::string(cause);
}

Status record_new_flags(Workspace& workspace, store::Writer& writer, const std::vector<flags::Raised>& raised,
                        const std::string& at, std::set<std::string>& new_ids) {
  MOAT_TRY(const Records existing, workspace.store().list(table("flags")));
  std::set<std::string> known;
  std::vector<std::string> ids;
  for (const json& r : existing) {
    known.insert(identity(text(r, "rule"), text(r, "subject"), text(r, "cause")));
    ids.push_back(text(r, "id"));
  }
  std::vector<NewRecord> records;
  for (const flags::Raised& r : raised) {
    if (!known.insert(identity(r.rule, r.subject, r.cause)).second) continue;
    const std::string id = next_id(ids, "FL");
    ids.push_back(id);
    new_ids.insert(id);
    records.push_back({&table("flags"),
                       {{"id", id}, {"rule", r.rule}, {"severity", std::string(flags::severity_name(r.severity))},
                        {"subject", r.subject}, {"cause", r.cause}, {"summary", r.summary},
                        {"evidence", evidence_json(r.evidence).dump()}, {"state", "open"}, {"raised_at", at}}});
  }
  if (records.empty()) return {};
  MOAT_TRY(auto written, put_checked(workspace, writer, std::move(records)));
  (void)written;
  return {};
}

}  // namespace

Result<vet::Reconciliation> reconcile_supplier(Workspace& workspace, const std::string& supplier,
                                               const std::string& product, Date from, Date to) {
  if (to < from) return input_error("to", "the period ends before it starts");
  MOAT_TRY(const Snapshot s, snapshot(workspace));
  if (!has_record(s.suppliers, "id", supplier)) return Error(ErrorCode::kNotFound, "suppliers/" + supplier, "no such supplier");
  if (!has_record(s.products, "id", product)) return Error(ErrorCode::kNotFound, "products/" + product, "no such product");
  return vet::reconcile(reconcile_input(s, supplier, product, from, to));
}

Result<std::vector<vet::Reconciliation>> reconcile_all(Workspace& workspace, Date today) {
  MOAT_TRY(const Snapshot s, snapshot(workspace));
  return reconcile_pairs(s, today);
}

Result<flags::Facts> gather_facts(Workspace& workspace, Date today) {
  MOAT_TRY(const Snapshot s, snapshot(workspace));
  flags::Facts facts{.today = today};
  MOAT_TRY(facts.plans, plan_facts(workspace, s, today));
  MOAT_TRY(facts.legal, legal_flag_facts(workspace, today, facts.plans));
  std::set<std::string> planned;
  for (const flags::PlanFacts& p : facts.plans) {
    for (const plan::Assignment& a : p.assignments) planned.insert(a.supplier);
  }
  for (const json& r : s.suppliers) facts.suppliers.push_back(supplier_facts(s, r, today, planned));
  for (const json& c : s.certificates) {
    facts.certificates.push_back({text(c, "supplier"), text(c, "id"), text(c, "standard"), text(c, "number"),
                                  day_of(c, "expires")});
  }
  add_visit_facts(s, facts);
  for (const json& t : s.tooling) facts.tools.push_back(tool_facts(s, t));
  facts.reconciliations = reconcile_pairs(s, today);
  MOAT_TRY(const std::vector<ReleaseView> ended, unreturned_releases(workspace, today));
  for (const ReleaseView& r : ended) {
    facts.releases.push_back({r.id, r.supplier, r.recipients, Date::parse(r.expires),
                              r.state == "revoked" ? Date::parse(r.revoked_at.substr(0, 10)) : std::nullopt,
                              r.revoke_reason, r.returned});
  }
  return facts;
}

Result<std::vector<Flag>> refresh_flags(Workspace& workspace, const Session& session, Date today) {
  MOAT_TRY(const VettingRules rules, vetting_rules(workspace));
  MOAT_TRY(const flags::Facts facts, gather_facts(workspace, today));
  const std::vector<flags::Raised> raised = flags::evaluate(facts, rules.flags);
  std::set<std::string> new_ids;
  const store::Author author = session.author();
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) {
    return record_new_flags(workspace, writer, raised, author.at, new_ids);
  }));
  (void)events;
  MOAT_TRY(std::vector<Flag> all, recorded_flags(workspace));
  for (Flag& f : all) f.raised_now = new_ids.count(f.id) > 0;
  return all;
}

Result<std::vector<Flag>> recorded_flags(Workspace& workspace) {
  MOAT_TRY(const Records records, workspace.store().list(table("flags")));
  std::vector<Flag> out;
  for (const json& r : records) out.push_back(flag_of(r));
  sort_flags(out);
  return out;
}

Result<Flag> update_flag(Workspace& workspace, const Session& session, const std::string& id, const std::string& state,
                         const std::string& reason) {
  if (state != "open" && state != "acknowledged" && state != "resolved") {
    return input_error("state", "'" + state + "' is not a flag state (open, acknowledged, resolved)");
  }
  if (reason.empty()) return input_error("reason", "say why (--reason): the ledger keeps it with the change");
  Flag updated;
  const store::Author author = session.author();
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    MOAT_TRY(std::optional<store::Record> found, workspace.store().get(table("flags"), {id}));
    if (!found) return Error(ErrorCode::kNotFound, "flags/" + id, "no such red flag");
    json record = std::move(*found);
    record["state"] = state;
    record["updated_by"] = author.actor;
    record["updated_at"] = author.at;
    record["reason"] = reason;
    updated = flag_of(record);
    MOAT_TRY(auto written, put_checked(workspace, writer, {{&table("flags"), std::move(record)}}));
    (void)written;
    return {};
  }));
  (void)events;
  return updated;
}

}  // namespace moat::app
