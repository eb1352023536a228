// SPDX-License-Identifier: Apache-2.0
#include "app/legal.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "app/legal_rules.h"
#include "app/record_fields.h"
#include "app/records.h"
#include "core/text.h"
#include "legal/ics.h"

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

const store::Table& table(std::string_view name) { return *store::find_table(name); }

json optional_text(const std::string& value) { return value.empty() ? json() : json(value); }
json optional_date(const std::optional<Date>& value) { return value ? json(value->to_string()) : json(); }
json optional_number(const std::optional<double>& value) { return value ? json(*value) : json(); }

Date plus_days(Date date, long days) { return Date::from_days(date.days_since_epoch() + days); }

Result<Records> all_of(Workspace& workspace, std::string_view name) { return workspace.store().list(table(name)); }

const json* find_by_id(const Records& records, const std::string& id) {
  const auto it = std::find_if(records.begin(), records.end(), [&](const json& r) { return text(r, "id") == id; });
  return it == records.end() ? nullptr : &*it;
}

std::vector<std::string> ids_of(const Records& records) {
  std::vector<std::string> ids;
  for (const json& r : records) ids.push_back(text(r, "id"));
  return ids;
}

// Writes one new record keyed by id, failing (kConflict) when the id is taken.
Status put_new(Workspace& workspace, store::Writer& writer, std::string_view table_name, json record) {
  const std::string id = text(record, "id");
  MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(table(table_name), {id}));
  if (found) {
    return Error(ErrorCode::kConflict, std::string(table_name) + "/" + id,
                 "a " + std::string(table(table_name).singular) + " with this id exists already");
  }
  MOAT_TRY(auto written, put_checked(workspace, writer, {{&table(table_name), std::move(record)}}));
  (void)written;
  return {};
}

// Runs `body` in one write transaction as the session's author.
Status in_transaction(Workspace& workspace, const Session& session, const std::function<Status(store::Writer&)>& body) {
  MOAT_TRY(const std::int64_t events, workspace.store().write(session.author(), body));
  (void)events;
  return {};
}

// Numbers the record when it has no id: `prefix`N after the largest N in `table_name`.
Result<std::string> id_or_next(Workspace& workspace, const std::string& id, std::string_view table_name,
                               std::string_view prefix) {
  if (!id.empty()) return id;
  MOAT_TRY(const Records records, all_of(workspace, table_name));
  return next_id(ids_of(records), prefix);
}

// kInput at `flag` unless `table_name` holds a record keyed `key`.
Status must_exist(Workspace& workspace, std::string_view table_name, const store::Key& key, const std::string& flag) {
  MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(table(table_name), key));
  if (found) return {};
  return input_error(flag, "unknown " + std::string(table(table_name).singular) + " '" + store::key_text(key) + "'");
}

constexpr std::string_view kDisclosureKinds[] = {"trade-show", "crowdfunding", "samples-without-nnn", "publication",
                                                 "other"};

Status check_disclosure(Workspace& workspace, const DisclosureInput& input) {
  if (std::find(std::begin(kDisclosureKinds), std::end(kDisclosureKinds), input.kind) == std::end(kDisclosureKinds)) {
    return input_error("--kind", "'" + input.kind + "' is not a kind of disclosure (trade-show, crowdfunding, "
                                                    "samples-without-nnn, publication, other)");
  }
  MOAT_CHECK(must_exist(workspace, "products", {input.product}, "--product"));
  for (const std::string& secret : input.secrets) MOAT_CHECK(must_exist(workspace, "secrets", {input.product, secret}, "--secret"));
  return {};
}

bool is_office_code(std::string_view code) {
  return code.size() == 2 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// ---- Agreements -------------------------------------------------------------------------------

Status check_agreement_input(const AgreementInput& input) {
  if (!legal::parse_agreement_kind(input.kind)) {
    return input_error("--kind", "'" + input.kind + "' is not an agreement kind (nnn, nda, manufacturing, tooling, po-terms, confidentiality)");
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
    return input_error("--expires", "the agreement expires (" + input.expires->to_string() + ") before it takes effect (" +
                                        input.effective->to_string() + ")");
  }
  if (!input.court_country.empty() && !is_office_code(input.court_country)) {
    return input_error("--court-country", "'" + input.court_country + "' is not a two-letter country code");
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
    return input_error("--person", "only a confidentiality agreement names people (this is a " + input.kind + ")");
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
  const std::string name = input.counterparty_name.empty() ? text(supplier, "legal_name") : input.counterparty_name;
  const std::string uscc = input.counterparty_uscc.empty() ? text(supplier, "uscc") : input.counterparty_uscc;
  json record = {{"id", id}, {"kind", input.kind}, {"supplier", input.supplier}, {"counterparty_name", name},
                 {"counterparty_uscc", uscc}, {"governing_law", optional_text(input.governing_law)},
                 {"languages", input.languages}, {"controlling_language", optional_text(input.controlling_language)},
                 {"court", optional_text(input.court)}, {"court_country", optional_text(input.court_country)},
                 {"court_division", optional_text(input.court_division)}, {"arbitration", input.arbitration},
                 {"liquidated_damages", optional_number(input.liquidated_damages)},
                 {"currency", optional_text(input.currency)}, {"signed_by", optional_text(input.signed_by)},
                 {"signer_is_legal_rep", input.signer_is_legal_rep}, {"chop", input.chop},
                 {"effective", optional_date(input.effective)}, {"expires", optional_date(input.expires)},
                 {"products", input.products}, {"secrets", input.secrets}, {"document", optional_text(input.document)},
                 {"contracted_by", optional_text(input.contracted_by)},
                 {"on_behalf_of", optional_text(input.on_behalf_of)}, {"flows_down_to", input.flows_down_to},
                 {"note", optional_text(input.note)}, {"people", input.people}};
  for (const ClauseField& c : kClauseFields) {
    record[std::string(c.field)] =
        std::find(input.clauses.begin(), input.clauses.end(), c.clause) != input.clauses.end();
  }
  return record;
}

bool flag_of(const json& record, std::string_view field) {
  const auto it = record.find(field);
  return it != record.end() && it->is_boolean() && it->get<bool>();
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
  if (const std::optional<double> damages = number(a, "liquidated_damages")) out.liquidated_damages = static_cast<std::int64_t>(std::llround(*damages));
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
  return std::any_of(rules.agreements.rules.begin(), rules.agreements.rules.end(),
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
  review.supplier_name = text(registered, "name").empty() ? text(registered, "legal_name") : text(registered, "name");
  review.suppliers = {review.supplier};
  for (const std::string& s : list(a, "flows_down_to")) review.suppliers.push_back(s);
  review.products = list(a, "products");
  review.effective = date(a, "effective");
  review.expires = date(a, "expires");
  review.contracted_by = text(a, "contracted_by");
  review.on_behalf_of = text(a, "on_behalf_of");
  review.people = list(a, "people");
  review.checks = legal::check_agreement(rules.agreements, legal_agreement(a, registered), identity_of(registered), today,
                                         rules.agreement_policy);
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
  if (!po.penalty || *po.penalty <= 0) problems.push_back("no liquidated damages for breaching it");
  return problems;
}

OrderReview order_review(const json& o) {
  OrderReview po{text(o, "id"), text(o, "supplier"), text(o, "product"), text(o, "package"),
                 integer(o, "quantity").value_or(0), text(o, "issued"), text(o, "ip_clause"), number(o, "penalty"),
                 text(o, "currency"), {}};
  po.problems = order_problems(po);
  return po;
}

// ---- IP rights --------------------------------------------------------------------------------

bool has_han_text(std::string_view text) {
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if ((lead == 0xE3 && next >= 0x90) || (lead >= 0xE4 && lead <= 0xE9)) return true;
  }
  return false;
}

Status check_right_input(const IpRightInput& input) {
  if (!legal::parse_kind(input.kind)) {
    return input_error("--kind", "'" + input.kind + "' is not a kind of IP right (invention, utility-model, design, "
                                                    "trademark, copyright, software-copyright, customs-recordation)");
  }
  if (!is_office_code(input.jurisdiction)) {
    return input_error("--jurisdiction", "'" + input.jurisdiction + "' is not a two-letter office code (CN, US, EP, WO)");
  }
  if (trim(input.title).empty()) return input_error("--title", "an IP right needs a title");
  if (input.priority && input.filed && *input.filed < *input.priority) {
    return input_error("--priority", "the priority date " + input.priority->to_string() + " is after the filing date " +
                                         input.filed->to_string());
  }
  if (input.registered && input.filed && *input.registered < *input.filed) {
    return input_error("--registered", "registered on " + input.registered->to_string() + ", before it was filed on " +
                                           input.filed->to_string());
  }
  return {};
}

json right_record(const IpRightInput& input, const std::string& id, const std::string& owner) {
  const bool trademark = input.kind == "trademark";
  const std::string mark = trademark && input.mark.empty() ? input.title : input.mark;
  std::string script = input.script;
  if (script.empty() && !mark.empty()) script = has_han_text(mark) ? "chinese" : "latin";
  return {{"id", id}, {"kind", input.kind}, {"jurisdiction", input.jurisdiction}, {"title", input.title},
          {"mark", optional_text(mark)}, {"script", optional_text(script)}, {"nice_classes", input.nice_classes},
          {"subclasses", input.subclasses}, {"application_number", optional_text(input.application_number)},
          {"registration_number", optional_text(input.registration_number)}, {"filed", optional_date(input.filed)},
          {"priority", optional_date(input.priority)}, {"published", optional_date(input.published)},
          {"registered", optional_date(input.registered)}, {"expires", optional_date(input.expires)},
          {"pct", input.pct}, {"made_in_china", input.made_in_china}, {"owner", optional_text(owner)},
          {"products", input.products}, {"parts", input.parts}, {"secrets", input.secrets},
          {"note", optional_text(input.note)}};
}

IpRightInput right_of(const json& r) {
  IpRightInput in;
  in.id = text(r, "id");
  in.kind = text(r, "kind");
  in.jurisdiction = text(r, "jurisdiction");
  in.title = text(r, "title");
  in.mark = text(r, "mark");
  in.script = text(r, "script");
  in.nice_classes = list(r, "nice_classes");
  in.subclasses = list(r, "subclasses");
  in.application_number = text(r, "application_number");
  in.registration_number = text(r, "registration_number");
  in.filed = date(r, "filed");
  in.priority = date(r, "priority");
  in.published = date(r, "published");
  in.registered = date(r, "registered");
  in.expires = date(r, "expires");
  in.pct = flag_of(r, "pct");
  in.made_in_china = flag_of(r, "made_in_china");
  in.owner = text(r, "owner");
  in.products = list(r, "products");
  in.parts = list(r, "parts");
  in.secrets = list(r, "secrets");
  in.note = text(r, "note");
  return in;
}

std::vector<legal::Event> events_of(const Records& events, const std::string& right) {
  std::vector<legal::Event> out;
  for (const json& e : events) {
    const std::optional<Date> on = date(e, "date");
    if (text(e, "right") == right && on) out.push_back({text(e, "event"), *on});
  }
  return out;
}

// The rights as the deadline engine reads them (kinds it does not know are left out).
Result<std::vector<legal::Right>> legal_rights(Workspace& workspace) {
  MOAT_TRY(const Records rights, all_of(workspace, "ip_rights"));
  MOAT_TRY(const Records events, all_of(workspace, "ip_events"));
  std::vector<legal::Right> out;
  for (const json& r : rights) {
    const std::optional<legal::Kind> kind = legal::parse_kind(text(r, "kind"));
    if (!kind) continue;
    legal::Right right;
    right.id = text(r, "id");
    right.kind = *kind;
    right.jurisdiction = text(r, "jurisdiction");
    right.filed = date(r, "filed");
    right.priority = date(r, "priority");
    right.registered = date(r, "registered");
    right.published = date(r, "published");
    right.expires = date(r, "expires");
    right.pct = flag_of(r, "pct");
    right.made_in_china = flag_of(r, "made_in_china");
    right.events = events_of(events, right.id);
    out.push_back(std::move(right));
  }
  return out;
}

// ---- Flag facts -------------------------------------------------------------------------------

std::vector<flags::SupplyFacts> supplies(const Records& orders, const std::vector<flags::PlanFacts>& plans) {
  std::set<std::pair<std::string, std::string>> pairs;
  for (const json& o : orders) pairs.emplace(text(o, "supplier"), text(o, "product"));
  for (const flags::PlanFacts& p : plans) {
    for (const plan::Assignment& a : p.assignments) pairs.emplace(a.supplier, p.product);
  }
  std::vector<flags::SupplyFacts> out;
  for (const auto& pair : pairs) out.push_back({pair.first, pair.second});
  return out;
}

std::vector<flags::ProductFacts> product_facts(const Records& products, const Records& orders) {
  std::vector<flags::ProductFacts> out;
  for (const json& p : products) {
    flags::ProductFacts f{text(p, "id"), text(p, "name"), date(p, "production_start"), std::nullopt};
    for (const json& o : orders) {
      const std::optional<Date> issued = date(o, "issued");
      if (text(o, "product") == f.id && issued && (!f.first_order || *issued < *f.first_order)) f.first_order = issued;
    }
    out.push_back(std::move(f));
  }
  return out;
}

flags::AgreementFacts agreement_facts(const AgreementReview& review) {
  flags::AgreementFacts f{review.id, review.kind, review.suppliers, review.products, review.effective, review.expires, {}};
  for (const legal::CheckResult& check : review.failures) f.failures.push_back({check.id, check.reason});
  return f;
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
    MOAT_TRY(const std::optional<store::Record> supplier, workspace.store().get(table("suppliers"), {input.supplier}));
    if (!supplier) return input_error("--supplier", "unknown supplier '" + input.supplier + "'");
    for (const std::string& product : input.products) MOAT_CHECK(must_exist(workspace, "products", {product}, "--product"));
    for (const std::string& sub : input.flows_down_to) MOAT_CHECK(must_exist(workspace, "suppliers", {sub}, "--flows-down-to"));
    MOAT_CHECK(check_people(workspace, input));
    MOAT_TRY(id, id_or_next(workspace, input.id, "agreements", "AG"));
    return put_new(workspace, writer, "agreements", agreement_record(input, id, *supplier));
  });
  if (!written.ok()) return written.error();
  return id;
}

Result<std::vector<AgreementReview>> review_agreements(Workspace& workspace, Date today, const std::string& supplier) {
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
  json record = {{"id", input.id}, {"supplier", input.supplier}, {"product", input.product},
                 {"package", optional_text(input.package)}, {"quantity", input.quantity},
                 {"issued", input.issued.to_string()}, {"due", optional_date(input.due)},
                 {"ip_clause", optional_text(input.ip_clause)}, {"penalty", optional_number(input.penalty)},
                 {"currency", optional_text(input.currency)}};
  return in_transaction(workspace, session,
               [&](store::Writer& writer) { return put_new(workspace, writer, "orders", std::move(record)); });
}

Status set_order_terms(Workspace& workspace, const Session& session, const std::string& order,
                       const std::string& ip_clause, std::optional<double> penalty, const std::string& currency) {
  if (penalty && *penalty < 0) return input_error("--penalty", "liquidated damages cannot be negative");
  return in_transaction(workspace, session, [&](store::Writer& writer) -> Status {
    MOAT_TRY(std::optional<store::Record> found, workspace.store().get(table("orders"), {order}));
    if (!found) return Error(ErrorCode::kNotFound, "orders/" + order, "no such purchase order");
    json record = std::move(*found);
    if (!ip_clause.empty()) record["ip_clause"] = ip_clause;
    if (penalty) record["penalty"] = *penalty;
    if (!currency.empty()) record["currency"] = currency;
    MOAT_TRY(auto written, put_checked(workspace, writer, {{&table("orders"), std::move(record)}}));
    (void)written;
    return {};
  });
}

Result<std::vector<OrderReview>> review_orders(Workspace& workspace, const std::string& supplier,
                                              const std::string& product) {
  MOAT_TRY(const Records orders, all_of(workspace, "orders"));
  std::vector<OrderReview> out;
  for (const json& o : orders) {
    if (!supplier.empty() && text(o, "supplier") != supplier) continue;
    if (!product.empty() && text(o, "product") != product) continue;
    out.push_back(order_review(o));
  }
  return out;
}

// ---- IP rights and disclosures ----------------------------------------------------------------

Result<std::string> add_ip_right(Workspace& workspace, const Session& session, const IpRightInput& input) {
  MOAT_CHECK(check_right_input(input));
  const std::string owner = input.owner.empty() ? workspace.config().company : input.owner;
  std::string id;
  const Status written = in_transaction(workspace, session, [&](store::Writer& writer) -> Status {
    for (const std::string& product : input.products) MOAT_CHECK(must_exist(workspace, "products", {product}, "--product"));
    MOAT_TRY(id, id_or_next(workspace, input.id, "ip_rights", "IP"));
    return put_new(workspace, writer, "ip_rights", right_record(input, id, owner));
  });
  if (!written.ok()) return written.error();
  return id;
}

Status add_ip_event(Workspace& workspace, const Session& session, const std::string& right, const std::string& event,
                    Date date, const std::string& note) {
  return in_transaction(workspace, session, [&](store::Writer& writer) -> Status {
    MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(table("ip_rights"), {right}));
    if (!found) return Error(ErrorCode::kNotFound, "ip_rights/" + right, "no such IP right");
    json record = {{"right", right}, {"event", event}, {"date", date.to_string()}, {"note", optional_text(note)}};
    MOAT_TRY(auto written, put_checked(workspace, writer, {{&table("ip_events"), std::move(record)}}));
    (void)written;
    return {};
  });
}

Result<std::vector<IpRightRow>> list_ip_rights(Workspace& workspace) {
  MOAT_TRY(const Records rights, all_of(workspace, "ip_rights"));
  MOAT_TRY(const Records events, all_of(workspace, "ip_events"));
  std::vector<IpRightRow> out;
  for (const json& r : rights) out.push_back({right_of(r), events_of(events, text(r, "id"))});
  return out;
}

Result<std::string> record_disclosure(Workspace& workspace, const Session& session, const DisclosureInput& input) {
  std::string id;
  const Status written = in_transaction(workspace, session, [&](store::Writer& writer) -> Status {
    MOAT_CHECK(check_disclosure(workspace, input));
    MOAT_TRY(id, id_or_next(workspace, input.id, "disclosures", "D"));
    return put_new(workspace, writer, "disclosures",
                   {{"id", id}, {"kind", input.kind}, {"date", input.date.to_string()}, {"product", input.product},
                    {"secrets", input.secrets}, {"note", optional_text(input.note)}});
  });
  if (!written.ok()) return written.error();
  return id;
}

Result<std::vector<DisclosureInput>> list_disclosures(Workspace& workspace) {
  MOAT_TRY(const Records records, all_of(workspace, "disclosures"));
  std::vector<DisclosureInput> out;
  for (const json& d : records) {
    out.push_back({text(d, "id"), text(d, "kind"), date(d, "date").value_or(Date::from_days(0)), text(d, "product"),
                   list(d, "secrets"), text(d, "note")});
  }
  return out;
}

// ---- Deadlines --------------------------------------------------------------------------------

Result<std::vector<legal::Deadline>> ip_deadlines(Workspace& workspace, Date as_of, std::optional<long> within_days) {
  if (within_days && *within_days < 0) return input_error("--within", "the number of days cannot be negative");
  MOAT_TRY(const LegalRules rules, legal_rules(workspace));
  MOAT_TRY(const std::vector<legal::Right> rights, legal_rights(workspace));
  std::vector<legal::Deadline> all =
      legal::deadlines(rules.deadlines, rules.calendars, rights, as_of, workspace.config().home_jurisdiction);
  if (!within_days) return all;
  const Date last = plus_days(as_of, *within_days);
  std::erase_if(all, [&](const legal::Deadline& d) { return !d.missed && last < d.due; });
  return all;
}

Result<std::string> ip_calendar(Workspace& workspace, Date as_of, const std::string& dtstamp) {
  MOAT_TRY(const std::vector<legal::Deadline> deadlines, ip_deadlines(workspace, as_of));
  legal::IcsOptions options;
  options.dtstamp = dtstamp;
  if (!workspace.config().company.empty()) options.calendar_name = workspace.config().company + " IP deadlines";
  return legal::to_ics(deadlines, options);
}

Result<std::vector<std::pair<std::string, std::vector<legal::Deadline>>>> missed_priorities(Workspace& workspace,
                                                                                           Date today) {
  MOAT_TRY(const LegalRules rules, legal_rules(workspace));
  MOAT_TRY(const std::vector<legal::Right> rights, legal_rights(workspace));
  std::vector<std::pair<std::string, std::vector<legal::Deadline>>> out;
  for (const legal::Right& right : rights) {
    out.emplace_back(right.id, legal::missed_priority_deadlines(rules.deadlines, rules.calendars, right, today,
                                                                workspace.config().home_jurisdiction));
  }
  return out;
}

// ---- For the red flags ------------------------------------------------------------------------

Result<flags::LegalFacts> legal_flag_facts(Workspace& workspace, Date today, const std::vector<flags::PlanFacts>& plans) {
  MOAT_TRY(const LegalRules rules, legal_rules(workspace));
  MOAT_TRY(const std::vector<AgreementReview> agreements, review_agreements(workspace, today));
  MOAT_TRY(const Records orders, all_of(workspace, "orders"));
  MOAT_TRY(const Records products, all_of(workspace, "products"));
  MOAT_TRY(const std::vector<IpRightRow> rights, list_ip_rights(workspace));
  MOAT_TRY(const std::vector<DisclosureInput> disclosures, list_disclosures(workspace));
  flags::LegalFacts facts;
  facts.company_names = rules.company_names;
  facts.expiry_warning_days = rules.expiry_warning_days;
  for (const AgreementReview& review : agreements) facts.agreements.push_back(agreement_facts(review));
  facts.supplies = supplies(orders, plans);
  for (const IpRightRow& row : rights) {
    const IpRightInput& r = row.right;
    facts.rights.push_back({r.id, r.kind, r.jurisdiction, r.title, r.mark, r.owner, r.filed, r.products, r.secrets});
  }
  for (const DisclosureInput& d : disclosures) {
    facts.disclosures.push_back({d.id, d.kind, d.date, d.product, d.secrets, d.note});
  }
  facts.products = product_facts(products, orders);
  return facts;
}

}  // namespace moat::app
