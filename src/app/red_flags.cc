// SPDX-License-Identifier: Apache-2.0
#include "app/red_flags.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "app/columns.h"
#include "app/legal.h"
#include "app/own_facilities.h"
#include "app/record_fields.h"
#include "app/record_steps.h"
#include "app/records.h"
#include "app/releases.h"
#include "app/rules.h"
#include "app/sourcing.h"
#include "app/watch.h"
#include "app/watch_complaints.h"
#include "core/text.h"
#include "vet/qualification.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;
using Records = std::vector<store::Record>;

constexpr std::string_view kResolved = "resolved";
constexpr std::string_view kAutomatic = "automatic";

// The product's production start when recorded, else the earliest of the days the orders
// `for_each_issued` visits were issued, else today: what production_start (red_flags.h) says, over
// any way of finding the product and its orders.
template <typename ForEachIssued>
ProductionStart first_day(const std::optional<Date>& production_start, Date today,
                          const ForEachIssued& for_each_issued) {
  if (production_start) return {*production_start, false};
  std::optional<Date> first;
  for_each_issued([&](const std::optional<Date>& issued) {
    if (issued && (!first || *issued < *first)) first = issued;
  });
  if (first) return {*first, false};
  return {today, true};
}

using SupplierProduct = std::pair<std::string, std::string>;
using Positions = std::vector<std::size_t>;  // of records in one of the snapshot's tables

// The fields the rules read of each table, as typed rows (app/columns.h): reading the records
// whole as JSON objects was half of the flags' cost.
struct SupplierRow {
  std::string id, name, status, address;
  std::optional<Date> qualified_until;
  bool trusted = false;
  std::optional<std::int64_t> capacity;
  std::vector<std::string> sites, subcontractors;
};
struct CertificateRow {
  std::string supplier, id, standard, number;
  std::optional<Date> expires;
};
struct VisitRow {
  std::string id, supplier, kind;
  std::optional<Date> date;
  std::optional<std::int64_t> capacity_seen;
  std::vector<std::string> sites_seen, subcontractors_seen;
};
struct FindingRow {
  std::string visit, id, severity, description, state;
  std::optional<Date> due;
};
struct ToolRow {
  std::string id, name, product, location, state;
  std::vector<std::string> approved_locations;
  std::optional<std::int64_t> cavities, parts_per_unit;
};
struct ToolEventRow {
  std::string tool, id, kind, from, to, visit, approved_by;
  std::optional<Date> date, approved_on;
  std::optional<std::int64_t> shots;
};
struct OrderRow {
  std::string id, supplier, product;
  std::optional<Date> issued;
  std::optional<std::int64_t> quantity;
};
struct MovementRow {
  std::string supplier, kind, product, item;
  std::optional<Date> date;
  std::optional<double> quantity, per_unit;
};
struct ProductRow {
  std::string id;
  std::optional<Date> production_start;
};

// Every table the rules read, from one snapshot, with the indexes the rules look records up by
// (built once: looking up by scanning made the flags cost tools × events × pairs).
struct Snapshot {
  std::vector<SupplierRow> suppliers;
  std::vector<CertificateRow> certificates;
  std::vector<VisitRow> visits;
  std::vector<FindingRow> findings;
  std::vector<ToolRow> tooling;
  std::vector<ToolEventRow> tool_events;
  std::vector<OrderRow> orders;
  std::vector<MovementRow> movements;
  std::vector<ProductRow> products;
  std::unordered_map<std::string, Positions> events_of_tool;     // tool_events, by tool
  std::map<SupplierProduct, Positions> orders_of, movements_of;  // by supplier and product
  std::map<SupplierProduct, Positions> tools_at;                 // tooling, by location and product
  std::unordered_map<std::string, std::string> visit_supplier;   // visit id → supplier
};

void index(Snapshot& s) {
  for (std::size_t i = 0; i < s.tool_events.size(); ++i) s.events_of_tool[s.tool_events[i].tool].push_back(i);
  for (std::size_t i = 0; i < s.orders.size(); ++i) {
    s.orders_of[{s.orders[i].supplier, s.orders[i].product}].push_back(i);
  }
  for (std::size_t i = 0; i < s.movements.size(); ++i) {
    s.movements_of[{s.movements[i].supplier, s.movements[i].product}].push_back(i);
  }
  for (std::size_t i = 0; i < s.tooling.size(); ++i) {
    s.tools_at[{s.tooling[i].location, s.tooling[i].product}].push_back(i);
  }
  for (const VisitRow& v : s.visits) s.visit_supplier.emplace(v.id, v.supplier);
}

const Positions& positions(const std::map<SupplierProduct, Positions>& index, const std::string& supplier,
                           const std::string& product) {
  static const Positions kNone;
  const auto it = index.find({supplier, product});
  return it == index.end() ? kNone : it->second;
}

ProductionStart production_start(const Snapshot& s, const std::string& product, const std::string& supplier,
                                 Date today) {
  const auto found = std::find_if(s.products.begin(), s.products.end(),
                                  [&](const ProductRow& p) { return p.id == product; });
  return first_day(found == s.products.end() ? std::nullopt : found->production_start, today,
                   [&](const auto& each) {
                     for (const std::size_t i : positions(s.orders_of, supplier, product))
                       each(s.orders[i].issued);
                   });
}

// Reads `fields` of `table` and makes each row into a `Row` with `make`.
template <typename Row, typename Make>
Status read_rows(store::Store& store, std::string_view table, std::initializer_list<std::string_view> fields,
                 std::vector<Row>& out, const Make& make) {
  return columns_of::for_each(store, table, std::span(fields.begin(), fields.size()),
                              [&](columns_of::Row row) { out.push_back(make(row)); });
}

Status read_suppliers(store::Store& store, Snapshot& s) {
  using namespace columns_of;
  return read_rows(store, "suppliers",
                   {"id", "name", "status", "address", "qualified_until", "trusted", "capacity", "sites",
                    "subcontractors"},
                   s.suppliers, [](const Row& r) {
                     return SupplierRow{text(r[0]),    text(r[1]),    text(r[2]), text(r[3]), date(r[4]),
                                        boolean(r[5]), integer(r[6]), list(r[7]), list(r[8])};
                   });
}

Status read_visits(store::Store& store, Snapshot& s) {
  using namespace columns_of;
  MOAT_CHECK(read_rows(store, "certificates", {"supplier", "id", "standard", "number", "expires"},
                       s.certificates, [](const Row& r) {
                         return CertificateRow{text(r[0]), text(r[1]), text(r[2]), text(r[3]), date(r[4])};
                       }));
  MOAT_CHECK(
      read_rows(store, "visits",
                {"id", "supplier", "kind", "date", "capacity_seen", "sites_seen", "subcontractors_seen"},
                s.visits, [](const Row& r) {
                  return VisitRow{text(r[0]),    text(r[1]), text(r[2]), date(r[3]),
                                  integer(r[4]), list(r[5]), list(r[6])};
                }));
  return read_rows(store, "findings", {"visit", "id", "severity", "description", "state", "due"}, s.findings,
                   [](const Row& r) {
                     return FindingRow{text(r[0]), text(r[1]), text(r[2]),
                                       text(r[3]), text(r[4]), date(r[5])};
                   });
}

Status read_tooling(store::Store& store, Snapshot& s) {
  using namespace columns_of;
  MOAT_CHECK(read_rows(
      store, "tooling",
      {"id", "name", "product", "location", "state", "approved_locations", "cavities", "parts_per_unit"},
      s.tooling, [](const Row& r) {
        return ToolRow{text(r[0]), text(r[1]), text(r[2]),    text(r[3]),
                       text(r[4]), list(r[5]), integer(r[6]), integer(r[7])};
      }));
  return read_rows(
      store, "tool_events",
      {"tool", "id", "kind", "from", "to", "visit", "approved_by", "date", "approved_on", "shots"},
      s.tool_events, [](const Row& r) {
        return ToolEventRow{text(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4]),
                            text(r[5]), text(r[6]), date(r[7]), date(r[8]), integer(r[9])};
      });
}

Status read_trade(store::Store& store, Snapshot& s) {
  using namespace columns_of;
  MOAT_CHECK(read_rows(store, "orders", {"id", "supplier", "product", "issued", "quantity"}, s.orders,
                       [](const Row& r) {
                         return OrderRow{text(r[0]), text(r[1]), text(r[2]), date(r[3]), integer(r[4])};
                       }));
  MOAT_CHECK(read_rows(store, "movements",
                       {"supplier", "kind", "product", "item", "date", "quantity", "per_unit"}, s.movements,
                       [](const Row& r) {
                         return MovementRow{text(r[0]), text(r[1]),   text(r[2]),  text(r[3]),
                                            date(r[4]), number(r[5]), number(r[6])};
                       }));
  return read_rows(store, "products", {"id", "production_start"}, s.products, [](const Row& r) {
    return ProductRow{text(r[0]), date(r[1])};
  });
}

Status read_all(store::Store& store, Snapshot& s) {
  MOAT_CHECK(read_suppliers(store, s));
  MOAT_CHECK(read_visits(store, s));
  MOAT_CHECK(read_tooling(store, s));
  return read_trade(store, s);
}

Result<Snapshot> snapshot(Workspace& workspace) {
  Snapshot s;
  store::Store& store = workspace.store();
  MOAT_CHECK(store.read_snapshot([&] { return read_all(store, s); }));
  index(s);
  return s;
}

Date day_of(const std::optional<Date>& day) {
  return day.value_or(Date::from_days(0));
}

// ---- Reconciliation --------------------------------------------------------------------------

vet::MovementKind movement_kind(const std::string& kind) {
  static const std::map<std::string, vet::MovementKind, std::less<>> kKinds = {
      {"consigned", vet::MovementKind::kConsigned},
      {"returned", vet::MovementKind::kReturned},
      {"shipped", vet::MovementKind::kShipped},
      {"scrap", vet::MovementKind::kScrap},
      {"on-hand", vet::MovementKind::kOnHand}};
  return kKinds.at(kind);
}

// The last reading of `tool` on or before `day` (`inclusive`) or strictly before it.
std::optional<std::pair<double, Date>> reading(const Snapshot& s, const std::string& tool, Date day,
                                               bool inclusive) {
  std::optional<std::pair<double, Date>> last;
  const auto events = s.events_of_tool.find(tool);
  if (events == s.events_of_tool.end()) return last;
  for (const std::size_t i : events->second) {
    const ToolEventRow& e = s.tool_events[i];
    if (e.kind != "reading" || !e.shots) continue;
    const Date on = day_of(e.date);
    if (inclusive ? on > day : on >= day) continue;
    if (!last || on >= last->second) last = {static_cast<double>(*e.shots), on};
  }
  return last;
}

vet::ToolShots tool_shots(const ToolRow& tool, const Snapshot& s, Date from, Date to) {
  vet::ToolShots shots;
  shots.tool = tool.id;
  shots.cavities = static_cast<double>(tool.cavities.value_or(1));
  shots.parts_per_unit = static_cast<double>(tool.parts_per_unit.value_or(1));
  // A reading taken on the first day of the period is its starting count.
  if (const auto start = reading(s, shots.tool, from, true)) {
    shots.shots_start = start->first;
    shots.start_reading = start->second;
  }
  if (const auto end = reading(s, shots.tool, to, true)) {
    shots.shots_end = end->first;
    shots.end_reading = end->second;
  } else {
    shots.shots_end = shots.shots_start;
  }
  return shots;
}

// What a supplier had, made and accounted for of a product in a period; the tools' shots only
// `with_tools` (the tooling flag counts them itself).
vet::ReconcileInput reconcile_input(const Snapshot& s, const std::string& supplier,
                                    const std::string& product, Date from, Date to, bool with_tools = true) {
  vet::ReconcileInput input{supplier, product, from, to, {}, {}, {}};
  for (const std::size_t i : positions(s.orders_of, supplier, product)) {
    const OrderRow& o = s.orders[i];
    input.orders.push_back({o.id, day_of(o.issued), static_cast<double>(o.quantity.value_or(0))});
  }
  for (const std::size_t i : positions(s.movements_of, supplier, product)) {
    const MovementRow& m = s.movements[i];
    input.movements.push_back(
        {day_of(m.date), movement_kind(m.kind), m.item, m.quantity.value_or(0), m.per_unit.value_or(1)});
  }
  if (!with_tools) return input;
  for (const std::size_t i : positions(s.tools_at, supplier, product))
    input.tools.push_back(tool_shots(s.tooling[i], s, from, to));
  return input;
}

template <typename Row>
bool has_record(const std::vector<Row>& rows, const std::string& id) {
  return std::any_of(rows.begin(), rows.end(), [&](const Row& r) { return r.id == id; });
}

// Each supplier × product with orders or movements, and the first day either was recorded.
std::map<std::pair<std::string, std::string>, Date> trading_pairs(const Snapshot& s) {
  std::map<std::pair<std::string, std::string>, Date> first;
  const auto note = [&](const auto& r, const std::optional<Date>& day) {
    const auto key = std::make_pair(r.supplier, r.product);
    const Date on = day_of(day);
    const auto found = first.find(key);
    if (found == first.end() || on < found->second) first.insert_or_assign(key, on);
  };
  for (const OrderRow& o : s.orders) note(o, o.issued);
  for (const MovementRow& m : s.movements) note(m, m.date);
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

// The products each supplier makes or is about to: those it has orders for or an approved plan
// assigns it.
std::map<std::string, std::set<std::string>> supplied_products(const Snapshot& s,
                                                               const std::vector<flags::PlanFacts>& plans) {
  std::map<std::string, std::set<std::string>> supplied;
  for (const OrderRow& o : s.orders) supplied[o.supplier].insert(o.product);
  for (const flags::PlanFacts& p : plans) {
    for (const plan::Assignment& a : p.assignments) supplied[a.supplier].insert(p.product);
  }
  return supplied;
}

// The earliest production start over the products the supplier makes.
std::optional<ProductionStart> first_production(const Snapshot& s, const std::string& supplier,
                                                const std::set<std::string>& products, Date today) {
  std::optional<ProductionStart> first;
  for (const std::string& product : products) {
    const ProductionStart start = production_start(s, product, supplier, today);
    if (!first || start.day < first->day || (start.day == first->day && !start.assumed)) first = start;
  }
  return first;
}

flags::SupplierFacts supplier_facts(const Snapshot& s, const SupplierRow& r, Date today,
                                    const std::map<std::string, std::set<std::string>>& supplied) {
  flags::SupplierFacts f;
  f.id = r.id;
  f.name = r.name;
  f.qualified_until = r.qualified_until;
  f.status = vet::effective_status(r.status, f.qualified_until, today);
  f.trusted = r.trusted;
  const auto products = supplied.find(f.id);
  f.active = products != supplied.end();
  f.capacity = r.capacity;
  // Its registered address is a site it has: a visit there is not to an unknown site.
  f.sites = r.sites;
  if (!r.address.empty()) f.sites.push_back(r.address);
  f.approved_subcontractors = r.subcontractors;
  if (f.active) {
    if (const std::optional<ProductionStart> start = first_production(s, f.id, products->second, today)) {
      f.first_production = start->day;
      f.first_production_assumed = start->assumed;
    }
  }
  return f;
}

// The company's own facilities: who received design data there and what binds them, whether
// access control is verified (the facts the gate reads too), and the company's own addresses as
// sites of each (a visit to one of them is not to an unknown site).
void add_own_facilities(const std::vector<OwnFacility>& own, std::vector<flags::SupplierFacts>& suppliers) {
  std::vector<std::string> own_sites;
  for (const flags::SupplierFacts& s : suppliers) {
    if (s.trusted) own_sites.insert(own_sites.end(), s.sites.begin(), s.sites.end());
  }
  for (flags::SupplierFacts& s : suppliers) {
    if (!s.trusted) continue;
    s.sites = own_sites;
    const auto found =
        std::find_if(own.begin(), own.end(), [&](const OwnFacility& o) { return o.supplier == s.id; });
    if (found == own.end()) continue;
    for (const DesignRecipient& r : found->recipients) {
      s.recipients.push_back({r.person, r.name, join(r.releases, ", "), r.covered_by, r.gap});
    }
    s.access_verified = found->access_verified;
    s.access_evidence = found->access_evidence;
  }
}

std::string supplier_of_visit(const Snapshot& s, const std::string& visit) {
  const auto it = s.visit_supplier.find(visit);
  return it == s.visit_supplier.end() ? "" : it->second;
}

flags::ToolEventKind tool_event_kind(const std::string& kind) {
  static const std::map<std::string, flags::ToolEventKind, std::less<>> kKinds = {
      {"reading", flags::ToolEventKind::kReading},
      {"relocation", flags::ToolEventKind::kRelocation},
      {"change", flags::ToolEventKind::kChange},
      {"sighting", flags::ToolEventKind::kSighting},
      {"scrap", flags::ToolEventKind::kScrap}};
  return kKinds.at(kind);
}

flags::ToolEvent tool_event(const ToolEventRow& e) {
  flags::ToolEvent event{e.id, day_of(e.date), tool_event_kind(e.kind), {}, {}, {}, false, {}};
  if (e.shots) event.shots = static_cast<double>(*e.shots);
  event.from = e.from;
  event.to = e.to;
  event.visit = e.visit;
  const std::optional<Date>& approved_on = e.approved_on;
  const bool approved = !e.approved_by.empty();
  // A change counts as approved only when approved on or before the day it was made.
  event.approved = event.kind == flags::ToolEventKind::kChange
                       ? approved && approved_on && *approved_on <= event.date
                       : approved;
  return event;
}

// Units the tool's holder accounts for, for its product, since the tool arrived there: the
// reconciliation's own sum (shipped + scrap + the change in stock on hand), so that the tooling
// flag and the reconciliation never count the same period two ways.
double units_accounted(const Snapshot& s, const flags::ToolFacts& tool, Date today) {
  Date arrived = Date::from_days(0);
  for (const flags::ToolEvent& e : tool.events) {
    if (e.kind == flags::ToolEventKind::kRelocation && e.to == tool.location && e.date > arrived)
      arrived = e.date;
  }
  if (today < arrived) return 0;
  return vet::reconcile(reconcile_input(s, tool.location, tool.product, arrived, today, false)).accounted;
}

flags::ToolFacts tool_facts(const Snapshot& s, const ToolRow& t, Date today) {
  flags::ToolFacts f;
  f.id = t.id;
  f.name = t.name;
  f.product = t.product;
  f.location = t.location;
  f.approved_locations = t.approved_locations;
  f.cavities = static_cast<double>(t.cavities.value_or(1));
  f.parts_per_unit = static_cast<double>(t.parts_per_unit.value_or(1));
  f.scrapped = t.state == "scrapped";
  if (const auto events = s.events_of_tool.find(f.id); events != s.events_of_tool.end()) {
    for (const std::size_t i : events->second) f.events.push_back(tool_event(s.tool_events[i]));
  }
  f.units_accounted = units_accounted(s, f, today);
  return f;
}

Result<std::vector<flags::PlanFacts>> plan_facts(Workspace& workspace, const Snapshot& s, Date today) {
  std::vector<flags::PlanFacts> plans;
  for (const ProductRow& p : s.products) {
    const std::string& product = p.id;
    MOAT_TRY(const std::optional<SavedPlan> saved, current_plan(workspace, product));
    if (!saved || saved->state != "approved") continue;
    MOAT_TRY(plan::Instance instance,
             product_instance(workspace, product,
                              {saved->collusion, saved->max_exposure_share, today.to_string()}));
    plans.push_back({product, saved->id, std::move(instance), saved->plan.assignments});
  }
  return plans;
}

void add_visit_facts(const Snapshot& s, flags::Facts& facts) {
  for (const VisitRow& v : s.visits) {
    facts.visits.push_back(
        {v.id, v.supplier, v.kind, day_of(v.date), v.capacity_seen, v.sites_seen, v.subcontractors_seen});
  }
  for (const FindingRow& f : s.findings) {
    facts.findings.push_back({f.visit, f.id, supplier_of_visit(s, f.visit), f.severity, f.description, f.due,
                              f.state == "closed"});
  }
}

// ---- Flags -----------------------------------------------------------------------------------

// A flag's evidence as its record keeps it: a JSON array of {name, value}.
std::vector<flags::Evidence> evidence_of(std::string_view stored) {
  std::vector<flags::Evidence> out;
  const json evidence = json::parse(stored, nullptr, false);
  if (!evidence.is_array()) return out;
  for (const json& e : evidence) out.push_back({e.value("name", ""), e.value("value", "")});
  return out;
}

Flag flag_of(const json& r) {
  Flag f{text(r, "id"),
         text(r, "rule"),
         text(r, "severity"),
         text(r, "subject"),
         text(r, "cause"),
         text(r, "summary"),
         {},
         text(r, "state"),
         text(r, "raised_at"),
         text(r, "updated_by"),
         text(r, "updated_at"),
         text(r, "reason"),
         text(r, "resolution"),
         false,
         {}};
  f.evidence = evidence_of(text(r, "evidence"));
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
    if (severity_rank(a.severity) != severity_rank(b.severity))
      return severity_rank(a.severity) > severity_rank(b.severity);
    return id_number(a.id, "FL") < id_number(b.id, "FL");
  });
}

std::string identity(std::string_view rule, std::string_view subject, std::string_view cause) {
  return std::string(rule) + "\x1f" + std::string(subject) + "\x1f" + std::string(cause);
}

// A person's resolution (or one recorded before moat resolved flags itself) is final.
bool resolved_by_person(const json& r) {
  return text(r, "state") == kResolved && text(r, "resolution") != kAutomatic;
}

// The day a flag last changed: an evaluation of an earlier day must not undo it.
Date last_changed(const json& r) {
  const std::string at = text(r, "updated_at").empty() ? text(r, "raised_at") : text(r, "updated_at");
  return Date::parse(at.substr(0, 10)).value_or(Date::from_days(0));
}

bool rule_enabled(const flags::Settings& settings, const std::string& rule) {
  const auto it = settings.find(rule);
  return it != settings.end() && it->second.enabled;
}

json new_flag_record(const flags::Raised& r, const std::string& id, const std::string& at) {
  return {{"id", id},
          {"rule", r.rule},
          {"severity", std::string(flags::severity_name(r.severity))},
          {"subject", r.subject},
          {"cause", r.cause},
          {"summary", r.summary},
          {"evidence", evidence_json(r.evidence).dump()},
          {"state", "open"},
          {"raised_at", at}};
}

// What one evaluation changes: new flags, flags cleared and flags reopened.
struct Evaluation {
  const flags::Facts* facts;
  const flags::Settings* settings;
  std::map<std::string, const flags::Raised*> raised;  // by identity
  store::Author author;
  std::set<std::string> raised_ids;
  std::map<std::string, std::string> changed;  // id → "cleared" / "reopened"
  std::vector<Flag> recorded;                  // every recorded flag as the evaluation leaves it
};

// The record as this evaluation leaves it, or nullopt when it stays as it is. Who changed it and
// when are set only when it is `recording`: a preview changes nothing, and the record shows its
// last recorded change.
std::optional<json> reevaluated(Evaluation& e, json record, bool recording) {
  const std::string id = text(record, "id");
  const std::string rule = text(record, "rule");
  if (!rule_enabled(*e.settings, rule) || last_changed(record) > e.facts->today) return std::nullopt;
  const auto raised = e.raised.find(identity(rule, text(record, "subject"), text(record, "cause")));
  const std::string state = text(record, "state");
  const std::string on = e.facts->today.to_string();
  if (raised == e.raised.end() && state != kResolved) {
    record["state"] = kResolved;
    record["resolution"] = kAutomatic;
    record["reason"] = "cleared on " + on + ": " +
                       flags::cleared_reason(*e.facts, rule, text(record, "subject"), text(record, "cause"));
    e.changed[id] = "cleared";
  } else if (raised != e.raised.end() && state == kResolved && text(record, "resolution") == kAutomatic) {
    record["state"] = "open";
    record["resolution"] = nullptr;
    record["reason"] = "the cause returned on " + on;
    record["summary"] = raised->second->summary;
    record["evidence"] = evidence_json(raised->second->evidence).dump();
    e.changed[id] = "reopened";
  } else {
    return std::nullopt;
  }
  if (recording) {
    record["updated_by"] = e.author.actor;
    record["updated_at"] = e.author.at;
  }
  return record;
}

// The records the evaluation changes or adds, every recorded flag it leaves as it is going into
// e.recorded. New flags are numbered on from the largest id when `number` (an evaluation that
// records) and left without an id when not (a look ahead, recording nothing).
std::vector<NewRecord> evaluate_records(Evaluation& e, const Records& existing,
                                        const std::vector<flags::Raised>& raised, bool number) {
  std::set<std::string> known;
  std::vector<std::string> ids;
  std::vector<NewRecord> records;
  ids.reserve(existing.size());
  e.recorded.reserve(existing.size() + raised.size());
  for (const json& r : existing) {
    known.insert(identity(text(r, "rule"), text(r, "subject"), text(r, "cause")));
    ids.push_back(text(r, "id"));
    if (std::optional<json> changed = reevaluated(e, r, number)) {
      records.push_back({&table("flags"), std::move(*changed)});
    } else {
      e.recorded.push_back(flag_of(r));
    }
  }
  long last = id_number(next_id(ids, "FL"), "FL") - 1;  // numbered on from the largest, once
  for (const flags::Raised& r : raised) {
    if (!known.insert(identity(r.rule, r.subject, r.cause)).second) continue;
    const std::string id = number ? "FL" + std::to_string(++last) : std::string();
    e.raised_ids.insert(id);
    records.push_back({&table("flags"), new_flag_record(r, id, e.author.at)});
  }
  return records;
}

Status apply_evaluation(Workspace& workspace, store::Writer& writer, Evaluation& e,
                        const std::vector<flags::Raised>& raised) {
  MOAT_TRY(const Records existing, workspace.store().list(table("flags")));
  std::vector<NewRecord> records = evaluate_records(e, existing, raised, true);
  if (records.empty()) return {};
  // The records as written are what reading them back gives: every field of a flag is a text.
  MOAT_TRY(const Records written, put_checked(workspace, writer, std::move(records)));
  for (const json& r : written) e.recorded.push_back(flag_of(r));
  return {};
}

// A look ahead: what the evaluation would change, with nothing written.
Status preview_evaluation(Workspace& workspace, Evaluation& e, const std::vector<flags::Raised>& raised) {
  MOAT_TRY(const Records existing, workspace.store().list(table("flags")));
  for (const NewRecord& r : evaluate_records(e, existing, raised, false))
    e.recorded.push_back(flag_of(r.record));
  return {};
}

// The flag a cause raised now but never recorded: open, without an id.
Flag unrecorded_flag(const flags::Raised& r) {
  Flag f;
  f.rule = r.rule;
  f.severity = std::string(flags::severity_name(r.severity));
  f.subject = r.subject;
  f.cause = r.cause;
  f.summary = r.summary;
  f.evidence = r.evidence;
  f.state = "open";
  return f;
}

Result<json> flag_with_state(const store::Record& found, const std::string& state, const std::string& reason,
                             const store::Author& author) {
  json record = found;
  record["state"] = state;
  record["updated_by"] = author.actor;
  record["updated_at"] = author.at;
  record["reason"] = reason;
  record["resolution"] = state == kResolved ? json("manual") : json();
  return record;
}

}  // namespace

ProductionStart production_start(const std::vector<store::Record>& products,
                                 const std::vector<store::Record>& orders, const std::string& product,
                                 const std::string& supplier, Date today) {
  std::optional<Date> start;
  for (const json& p : products) {
    if (text(p, "id") == product && date(p, "production_start")) start = date(p, "production_start");
  }
  return first_day(start, today, [&](const auto& each) {
    for (const json& o : orders) {
      if (text(o, "supplier") == supplier && text(o, "product") == product) each(date(o, "issued"));
    }
  });
}

Result<vet::Reconciliation> reconcile_supplier(Workspace& workspace, const std::string& supplier,
                                               const std::string& product, Date from, Date to) {
  if (to < from) return input_error("to", "the period ends before it starts");
  MOAT_TRY(const Snapshot s, snapshot(workspace));
  if (!has_record(s.suppliers, supplier))
    return Error(ErrorCode::kNotFound, "suppliers/" + supplier, "no such supplier");
  if (!has_record(s.products, product))
    return Error(ErrorCode::kNotFound, "products/" + product, "no such product");
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
  const auto supplied = supplied_products(s, facts.plans);
  for (const SupplierRow& r : s.suppliers) facts.suppliers.push_back(supplier_facts(s, r, today, supplied));
  MOAT_TRY(const std::vector<OwnFacility> own, own_facilities(workspace, today));
  add_own_facilities(own, facts.suppliers);
  for (const CertificateRow& c : s.certificates) {
    facts.certificates.push_back({c.supplier, c.id, c.standard, c.number, day_of(c.expires)});
  }
  add_visit_facts(s, facts);
  for (const ToolRow& t : s.tooling) facts.tools.push_back(tool_facts(s, t, today));
  facts.reconciliations = reconcile_pairs(s, today);
  MOAT_TRY(facts.counterfeits, counterfeit_facts(workspace, today));
  MOAT_TRY(facts.complaints, complaint_facts(workspace));
  MOAT_TRY(const std::vector<ReleaseView> ended, unreturned_releases(workspace, today));
  for (const ReleaseView& r : ended) {
    facts.releases.push_back({r.id, r.supplier, r.recipients, Date::parse(r.expires),
                              r.state == "revoked" ? Date::parse(r.revoked_at.substr(0, 10)) : std::nullopt,
                              r.revoke_reason, r.returned});
  }
  return facts;
}

bool is_look_ahead(const Session& session, Date day) {
  return session.today() < day;
}

Result<std::vector<Flag>> refresh_flags(Workspace& workspace, const Session& session, Date today,
                                        const Progress& progress) {
  MOAT_TRY(FlagRefresh refreshed, refresh_flags_telling(workspace, session, today, progress));
  return std::move(refreshed.flags);
}

Result<FlagRefresh> refresh_flags_telling(Workspace& workspace, const Session& session, Date today,
                                          const Progress& progress, bool preview) {
  const bool look_ahead = preview || is_look_ahead(session, today);
  tell(progress, 0, kFlagSteps);
  MOAT_TRY(const VettingRules rules, vetting_rules(workspace));
  tell(progress, 1, kFlagSteps);
  MOAT_TRY(const flags::Facts facts, gather_facts(workspace, today));
  tell(progress, 2, kFlagSteps);
  const std::vector<flags::Raised> raised = flags::evaluate(facts, rules.flags);
  tell(progress, 3, kFlagSteps);
  Evaluation evaluation{&facts, &rules.flags, {}, session.author(), {}, {}};
  for (const flags::Raised& r : raised) evaluation.raised.emplace(identity(r.rule, r.subject, r.cause), &r);
  if (look_ahead) {
    MOAT_CHECK(preview_evaluation(workspace, evaluation, raised));
  } else {
    MOAT_TRY(const std::int64_t events,
             workspace.store().write(evaluation.author, [&](store::Writer& writer) {
               return apply_evaluation(workspace, writer, evaluation, raised);
             }));
    (void)events;
  }
  // Every flag as recorded, from what the evaluation read and wrote, not read back.
  std::vector<Flag> all = std::move(evaluation.recorded);
  sort_flags(all);
  for (Flag& f : all) {
    f.raised_now = evaluation.raised_ids.count(f.id) > 0;
    const auto changed = evaluation.changed.find(f.id);
    if (changed != evaluation.changed.end()) f.changed_now = changed->second;
  }
  tell(progress, kFlagSteps, kFlagSteps);
  return FlagRefresh{std::move(all), look_ahead};
}

Result<std::vector<Flag>> standing_flags(Workspace& workspace, Date today) {
  MOAT_TRY(const VettingRules rules, vetting_rules(workspace));
  MOAT_TRY(const flags::Facts facts, gather_facts(workspace, today));
  MOAT_TRY(const Records records, workspace.store().list(table("flags")));
  std::map<std::string, const json*> recorded;
  for (const json& r : records)
    recorded.emplace(identity(text(r, "rule"), text(r, "subject"), text(r, "cause")), &r);
  std::vector<Flag> out;
  for (const flags::Raised& r : flags::evaluate(facts, rules.flags)) {
    const auto found = recorded.find(identity(r.rule, r.subject, r.cause));
    if (found == recorded.end()) {
      out.push_back(unrecorded_flag(r));
      continue;
    }
    if (resolved_by_person(*found->second)) continue;
    Flag f = flag_of(*found->second);
    if (f.state == kResolved) f.state = "open";  // resolved automatically, and the cause is back
    out.push_back(std::move(f));
  }
  sort_flags(out);
  return out;
}

Result<std::vector<Flag>> recorded_flags(Workspace& workspace) {
  // flag_of's fields, read as columns: a workspace keeps thousands of flags.
  static constexpr std::string_view kFields[] = {
      "id",    "rule",      "severity",   "subject",    "cause",  "summary",   "evidence",
      "state", "raised_at", "updated_by", "updated_at", "reason", "resolution"};
  std::vector<Flag> out;
  MOAT_CHECK(columns_of::for_each(workspace.store(), "flags", kFields, [&](columns_of::Row r) {
    using columns_of::text;
    Flag f{text(r[0]), text(r[1]), text(r[2]),  text(r[3]),  text(r[4]),  text(r[5]), {}, text(r[7]),
           text(r[8]), text(r[9]), text(r[10]), text(r[11]), text(r[12]), false,      {}};
    if (const auto* evidence = std::get_if<std::string_view>(&r[6])) f.evidence = evidence_of(*evidence);
    out.push_back(std::move(f));
  }));
  sort_flags(out);
  return out;
}

Result<std::vector<Flag>> update_flags(Workspace& workspace, const Session& session,
                                       const std::vector<std::string>& ids, const std::string& state,
                                       const std::string& reason) {
  if (state != "open" && state != "acknowledged" && state != kResolved) {
    return input_error("state", "'" + state + "' is not a flag state (open, acknowledged, resolved)");
  }
  if (trim(reason).empty())
    return input_error("reason", "say why (--reason): the ledger keeps it with the change");
  if (ids.empty()) return input_error("ids", "name at least one flag (FL1, ...)");
  std::vector<Flag> updated;
  const store::Author author = session.author();
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    std::vector<NewRecord> records;
    std::set<std::string> seen;
    for (const std::string& id : ids) {
      if (!seen.insert(id).second) continue;
      MOAT_TRY(std::optional<store::Record> found, workspace.store().get(table("flags"), {id}));
      if (!found) return Error(ErrorCode::kNotFound, "flags/" + id, "no such red flag");
      MOAT_TRY(json record, flag_with_state(*found, state, reason, author));
      updated.push_back(flag_of(record));
      records.push_back({&table("flags"), std::move(record)});
    }
    MOAT_CHECK(put_checked(workspace, writer, std::move(records)));
    return {};
  }));
  (void)events;
  return updated;
}

Result<Flag> update_flag(Workspace& workspace, const Session& session, const std::string& id,
                         const std::string& state, const std::string& reason) {
  MOAT_TRY(std::vector<Flag> updated, update_flags(workspace, session, {id}, state, reason));
  return std::move(updated.front());
}

}  // namespace moat::app
