// SPDX-License-Identifier: Apache-2.0
// The workspace's data over src/app: suppliers, people, products, packages, plans, parties, the
// ledger. Supplier users are narrowed here to their own rows and assigned work.
#include <charconv>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include "app/audit.h"
#include "app/edit.h"
#include "app/reads.h"
#include "app/sourcing.h"
#include "app/summary.h"
#include "app/views.h"
#include "core/catalog.h"
#include "core/text.h"
#include "http/handlers.h"

namespace moat::http::handlers {
namespace {

using nlohmann::json;

constexpr std::int64_t kDefaultLimit = 50;
constexpr std::int64_t kDefaultEventLimit = 100;
constexpr std::int64_t kMaxEventLimit = 1000;
constexpr int kStarRetries = 5;  // If-Match: * against concurrent writers

bool has_item(const json& list, const std::string& item) {
  if (!list.is_array()) return false;
  for (const json& each : list) {
    if (each.is_string() && each.get<std::string>() == item) return true;
  }
  return false;
}

// Whether a supplier record passes the list's filters.
bool passes(const Call& call, const json& supplier) {
  if (call.is_supplier() && supplier["id"] != call.user.supplier) return false;
  for (const char* field : {"status", "city"}) {
    const auto wanted = call.query_value(field);
    if (wanted && supplier[field] != *wanted) return false;
  }
  const auto capability = call.query_value("capability");
  return !capability || has_item(supplier["capabilities"], *capability);
}

// A field's new value as the text of a CSV cell, which is what edit_record takes.
Result<std::string> cell_text(const std::string& field, const json& value) {
  if (value.is_null()) return std::string();
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return std::string(value.get<bool>() ? "true" : "false");
  if (value.is_number()) return value.dump();
  if (value.is_array()) {
    std::vector<std::string> items;
    for (const json& item : value) {
      if (!item.is_string()) return input_error(field, "a list must hold strings");
      items.push_back(item.get<std::string>());
    }
    return join(items, ";");
  }
  return input_error(field, "must be a string, number, boolean, list or null");
}

// If-Match: "*" (whatever is current), or the ETag of a GET ("v3", W/"v3").
std::optional<std::optional<std::int64_t>> if_match_version(std::string_view header) {
  std::string_view text = trim(header);
  if (text == "*") return std::optional<std::int64_t>();
  if (text.starts_with("W/")) text.remove_prefix(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  if (text.starts_with('v')) text.remove_prefix(1);
  std::int64_t version = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return std::optional<std::int64_t>(version);
}

bool is_stale(const Result<app::EditResult>& edited, std::string_view id) {
  return !edited.ok() && app::is_stale_edit(edited.error(), "suppliers", id);
}

// A supplier user's view of its record leaves fields out: its ETag is not the full view's
// ("v3-own"), so that a cache holding one view never has it confirmed as the other. (Supplier users
// do not edit the record: If-Match takes the full view's.)
std::string version_tag(const Call& call, std::int64_t version) {
  return "\"v" + std::to_string(version) + (call.is_supplier() ? "-own" : "") + "\"";
}

// A supplier's record as the caller may read it: a supplier user's own, without the exposure cap
// set on it (a planning limit of the owner's, withheld from its qualification row too).
json supplier_for_caller(const Call& call, json record) {
  if (call.is_supplier()) record.erase("max_exposure_share");
  return record;
}

Result<Reply> supplier_reply(Call& call, const std::string& id) {
  MOAT_TRY(const app::ShownRecord shown, app::show_record(call.workspace, "suppliers", id));
  Reply reply;
  reply.body = {{"supplier", supplier_for_caller(call, json::parse(shown.json))}, {"version", shown.version}};
  reply.etag = version_tag(call, shown.version);
  reply.supplier_read = std::pair(std::string("suppliers"), id);
  return reply;
}

Status require_product(Call& call, const std::string& product) {
  MOAT_TRY(const auto found, app::read_record(call.workspace, "products", {product}));
  if (!found) return Error(ErrorCode::kNotFound, "id", "no product '" + product + "'");
  return {};
}

// The work packages of `product` assigned to the caller's supplier in the approved plan.
Result<std::map<std::string, double>> assigned_packages(Call& call, const std::string& product) {
  std::map<std::string, double> units;
  MOAT_TRY(const auto saved, app::current_plan(call.workspace, product));
  if (!saved || saved->state != "approved") return units;
  for (const plan::Assignment& assignment : saved->plan.assignments) {
    if (assignment.supplier == call.user.supplier) units[assignment.package] += assignment.units;
  }
  return units;
}

Result<std::map<std::string, std::string>> secret_names(Call& call, const std::string& product) {
  MOAT_TRY(const auto secrets, app::read_records(call.workspace, "secrets"));
  std::map<std::string, std::string> names;
  for (const json& secret : secrets) {
    if (secret["product"] == product)
      names[secret["id"].get<std::string>()] = secret["name"].get<std::string>();
  }
  return names;
}

}  // namespace

Result<Reply> status(Call& call) {
  MOAT_TRY(const app::WorkspaceSummary summary, app::summarize(call.workspace));
  return json_reply(app::summary_json(summary));
}

Result<Reply> list_suppliers(Call& call) {
  MOAT_CHECK(known_value(call, "status", supplier_statuses(), "supplier status"));
  Reply reply;
  if (!call.query_value("capability")) {
    // Filtered and paged in the database (record_page).
    RecordFilter where;
    for (const char* field : {"status", "city"}) {
      if (const auto wanted = call.query_value(field)) where.emplace_back(field, *wanted);
    }
    std::function<Result<json>(json)> shown;  // staff: the records as stored
    if (call.is_supplier()) {
      where.emplace_back("id", call.user.supplier);
      shown = [&call](json record) -> Result<json> { return supplier_for_caller(call, std::move(record)); };
    }
    MOAT_TRY(reply, record_page(call, "suppliers", where, kDefaultLimit, shown));
  } else {
    // A capability is an item of a list field: filtered here, over the suppliers the rest selects.
    MOAT_TRY(const auto records, app::read_records(call.workspace, "suppliers"));
    json items = json::array();
    for (const json& record : records) {
      if (passes(call, record)) items.push_back(supplier_for_caller(call, record));
    }
    MOAT_TRY(reply, page_after(call, std::move(items), kDefaultLimit));
  }
  if (call.is_supplier()) reply.supplier_read = std::pair(std::string("suppliers"), call.user.supplier);
  return reply;
}

Result<Reply> get_supplier(Call& call) {
  return supplier_reply(call, call.param("id"));
}

Result<Reply> patch_supplier(Call& call) {
  const std::string_view type = call.request.content_type;
  if (!has_media_type(type, "application/json") && !has_media_type(type, "application/merge-patch+json")) {
    return refuse(Problem::kUnsupportedMedia, "send the changes as a JSON object");
  }
  if (call.request.if_match.empty()) {
    return refuse(
        Problem::kPreconditionRequired,
        "send If-Match with the ETag of the supplier as read (or * to overwrite whatever is current)");
  }
  const auto version = if_match_version(call.request.if_match);
  if (!version) return refuse(Problem::kPreconditionFailed, "If-Match names no version of this supplier");
  MOAT_TRY(const json body, call.body ? Result<json>(*call.body) : parse_body(call.request.body));
  if (!body.is_object() || body.empty())
    return input_error("body", "send a JSON object of the fields to change");
  std::vector<app::FieldChange> changes;
  for (const auto& [field, value] : body.items()) {
    MOAT_TRY(std::string text, cell_text(field, value));
    changes.push_back({field, std::move(text)});
  }
  const std::string id = call.param("id");
  auto edited =
      app::edit_record(call.workspace, call.session, "suppliers", id, changes, *version, call.user.role);
  // "*" asks for whatever version is current: a writer that slipped in between reading and
  // writing is no reason to refuse, so try again (a few times: writers are serialised).
  const bool any_version = !version->has_value();
  for (int retry = 0; any_version && retry < kStarRetries && is_stale(edited, id); ++retry) {
    edited = app::edit_record(call.workspace, call.session, "suppliers", id, changes, std::nullopt,
                              call.user.role);
  }
  if (is_stale(edited, id)) {
    return refuse(Problem::kPreconditionFailed, edited.error().message());
  }
  if (!edited.ok()) return std::move(edited).error();
  return supplier_reply(call, id);
}

Result<Reply> supplier_people(Call& call) {
  const std::string id = call.param("id");
  MOAT_TRY(const auto supplier, app::read_record(call.workspace, "suppliers", {id}));
  if (!supplier) return Error(ErrorCode::kNotFound, "id", "no supplier '" + id + "'");
  MOAT_TRY(const auto people, app::read_records_where(call.workspace, "people", "supplier", id));
  json items = json::array();
  for (const json& person : people) items.push_back(person);
  Reply reply;
  reply.body = {{"items", std::move(items)}};
  reply.supplier_read = std::pair(std::string("people"), id);
  return reply;
}

Result<Reply> list_products(Call& call) {
  MOAT_TRY(const auto products, app::read_records(call.workspace, "products"));
  json items = json::array();
  for (const json& product : products) {
    if (!call.is_supplier()) {
      items.push_back(product);
      continue;
    }
    MOAT_TRY(const auto assigned, assigned_packages(call, product["id"].get<std::string>()));
    if (!assigned.empty()) items.push_back({{"id", product["id"]}, {"name", product["name"]}});
  }
  Reply reply;
  reply.body = {{"items", std::move(items)}};
  if (call.is_supplier())
    reply.supplier_read = std::pair(std::string("products"), "supplier/" + call.user.supplier);
  return reply;
}

Result<Reply> product_packages(Call& call) {
  const std::string product = call.param("id");
  // Authorization before existence: a supplier user's product is one with its work in it.
  std::map<std::string, double> assigned;
  if (call.is_supplier()) {
    MOAT_TRY(assigned, assigned_packages(call, product));
    if (assigned.empty()) {
      Reply denied;
      denied.denied = true;
      return denied;
    }
  }
  MOAT_CHECK(require_product(call, product));
  MOAT_TRY(const auto names, secret_names(call, product));
  MOAT_TRY(const auto packages, app::read_records_where(call.workspace, "packages", "product", product));
  json items = json::array();
  std::vector<std::string> read;
  for (json package : packages) {
    const std::string id = package["id"].get<std::string>();
    if (call.is_supplier() && !assigned.contains(id)) continue;
    json secrets = json::array();
    for (const json& secret : package["exposes"]) {
      const auto name = names.find(secret.get<std::string>());
      secrets.push_back({{"id", secret}, {"name", name == names.end() ? json(nullptr) : json(name->second)}});
    }
    package["secrets"] = std::move(secrets);
    if (call.is_supplier()) package["units"] = assigned.at(id);
    items.push_back(std::move(package));
    read.push_back(id);
  }
  Reply reply;
  reply.body = {{"items", std::move(items)}};
  reply.supplier_read = std::pair(std::string("packages"), product + "/" + join(read, ","));
  return reply;
}

Result<std::string> product_currency(Call& call, const std::string& product) {
  MOAT_TRY(const auto quotes, app::read_records(call.workspace, "quotes"));
  for (const json& quote : quotes) {
    if (quote["product"] == product && quote["currency"].is_string())
      return quote["currency"].get<std::string>();
  }
  return std::string();
}

Result<Reply> product_plan(Call& call) {
  const std::string product = call.param("id");
  MOAT_CHECK(require_product(call, product));
  // The approved plan, or with ?plan= any saved one (a draft to review before approving it).
  const auto wanted = call.query_value("plan");
  MOAT_TRY(const auto saved, app::current_plan(call.workspace, product, wanted));
  if (!saved && wanted)
    return Error(ErrorCode::kNotFound, "plan", "product '" + product + "' has no plan '" + *wanted + "'");
  if (!saved || (!wanted && saved->state != "approved")) {
    return Error(ErrorCode::kNotFound, "id", "product '" + product + "' has no approved plan");
  }
  MOAT_TRY(app::PlanReview review, app::review_plan(call.workspace, product, *saved, today(call)));
  const app::ExposureReport& exposure_report = review.exposure;
  json assignments = json::array();
  for (const plan::Assignment& a : saved->plan.assignments) {
    assignments.push_back({{"package", a.package}, {"supplier", a.supplier}, {"units", a.units}});
  }
  // The product's secrets with their names and weights, and each recipe's secrets: what the
  // heatmap's columns and the recipes table are about.
  MOAT_TRY(const auto secret_records, app::read_records(call.workspace, "secrets"));
  json secrets = json::array();
  for (const json& secret : secret_records) {
    if (secret["product"] == product) {
      secrets.push_back({{"id", secret["id"]}, {"name", secret["name"]}, {"weight", secret["weight"]}});
    }
  }
  MOAT_TRY(const auto recipe_records, app::read_records(call.workspace, "recipes"));
  json exposure = app::exposure_json(exposure_report);
  for (json& recipe : exposure["recipes"]) {
    recipe["secrets"] = json::array();
    for (const json& record : recipe_records) {
      if (record["product"] == product && record["id"] == recipe["recipe"]) {
        recipe["name"] = record["name"];
        recipe["secrets"] = record["secrets"];
      }
    }
  }
  MOAT_TRY(const std::string currency, product_currency(call, product));
  // What no longer holds of the approved plan today (the gate's plan-valid): the dashboard says re-plan.
  json breaks = json::array();
  if (saved->state == "approved") {
    for (const std::string& b : review.breaks) breaks.push_back(b);
  }
  Reply reply;
  reply.body = {{"plan", saved->id},
                {"state", saved->state},
                {"status", plan::status_name(saved->plan.status)},
                {"breaks", std::move(breaks)},
                {"cost", saved->plan.cost ? json(*saved->plan.cost) : json(nullptr)},
                {"currency", currency.empty() ? json() : json(currency)},
                {"secrets", std::move(secrets)},
                {"collusion", saved->collusion},
                {"max_exposure_share", saved->max_exposure_share},
                {"created_at", saved->created_at},
                {"approved_by", saved->approved_by},
                {"assignments", std::move(assignments)},
                {"exposure", std::move(exposure)}};
  return reply;
}

Result<Reply> list_parties(Call& call) {
  MOAT_TRY(const PartyMap parties, app::workspace_parties(call.workspace));
  json items = json::array();
  for (const Party& party : parties.parties)
    items.push_back({{"party", party.id}, {"members", party.members}});
  Reply reply;
  reply.body = {{"items", std::move(items)}};
  return reply;
}

Result<Reply> audit_log(Call& call) {
  MOAT_TRY(const std::int64_t after,
           number_param(call, "after", 0, 0, std::numeric_limits<std::int64_t>::max() - 1));
  MOAT_TRY(const std::int64_t limit, number_param(call, "limit", kDefaultEventLimit, 1, kMaxEventLimit));
  app::EventFilter filter;
  filter.entity = call.query_value("entity").value_or("");
  filter.key = call.query_value("key").value_or("");
  filter.actor = call.query_value("actor").value_or("");
  filter.action = call.query_value("action").value_or("");
  filter.about = call.query_value("about").value_or("");
  MOAT_TRY(const auto events, app::ledger_events(call.workspace, after + 1, limit + 1, filter));
  json items = json::array();
  for (std::size_t i = 0; i < events.size() && i < static_cast<std::size_t>(limit); ++i) {
    items.push_back(app::listed_event_json(events[i]));
  }
  const bool more = events.size() > static_cast<std::size_t>(limit);
  // Where the ledger ends, read after the page: a page past it (or of a filter nothing matches)
  // says so, and a client polling for new events knows where to start.
  MOAT_TRY(const std::int64_t last, app::ledger_last_seq(call.workspace));
  Reply reply;
  reply.body = {
      {"items", std::move(items)},
      {"limit", limit},
      {"last_seq", last},
      {"next",
       more ? json(link_with(call, "after", std::to_string(events[static_cast<std::size_t>(limit) - 1].seq)))
            : json(nullptr)}};
  return reply;
}

Result<Reply> audit_verify(Call& call) {
  MOAT_TRY(const app::AuditReport r, app::verify_ledger(call.workspace));
  Reply reply;
  reply.body = {{"ok", r.ok()},
                {"events_checked", r.chain.events_checked},
                {"first_bad_event", r.chain.first_bad ? json(*r.chain.first_bad) : json(nullptr)},
                {"problem", r.chain.ok ? json(nullptr) : json(r.chain.problem)},
                {"witness", r.witness_present},
                {"records_checked", r.records_checked},
                {"state_problems", r.state_problems}};
  return reply;
}

Result<Reply> openapi(Call&) {
  Reply reply;
  reply.raw = openapi_document();
  return reply;
}

}  // namespace moat::http::handlers
