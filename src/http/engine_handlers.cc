// SPDX-License-Identifier: Apache-2.0
// The engines over the API: qualification, visits and findings (with the supplier's answers), red
// flags, the go / no-go gate, the price of protection, IP deadlines, agreements and purchase
// orders. Each is one src/app use case shaped by app/views.h — the CLI's --json shapes. Supplier
// users are narrowed here to their own rows, with other parties' ids left out.
#include <algorithm>

#include "app/gate.h"
#include "app/legal.h"
#include "app/oversight.h"
#include "app/red_flags.h"
#include "app/sourcing.h"
#include "app/vetting.h"
#include "app/views.h"
#include "http/handlers.h"
#include "plan/planner.h"

namespace moat::http::handlers {
namespace {

using nlohmann::json;

constexpr double kFrontierSeconds = 20;  // shared among the frontier's points
constexpr std::int64_t kMaxWithinDays = 3660;

constexpr std::int64_t kDefaultLimit = 100;

// The visit `id`, or kNotFound. A supplier user asking for another supplier's visit is denied.
Result<std::optional<json>> visit_of_caller(Call& call, const std::string& id) {
  MOAT_TRY(const auto visit, call.workspace.store().get(table("visits"), {id}));
  if (!visit) return Error(ErrorCode::kNotFound, "visit", "no visit '" + id + "'");
  if (call.is_supplier() && text_of(*visit, "supplier") != call.user.supplier) return std::optional<json>();
  return std::optional<json>(*visit);
}

Reply denied() {
  Reply reply;
  reply.denied = true;
  return reply;
}

// A finding as a supplier user may see it: what to answer, not our notes or evidence.
json finding_for_supplier(const json& finding) {
  json out = json::object();
  for (const char* member : {"visit", "id", "severity", "item", "description", "action", "owner", "due", "state",
                             "answer", "closed_on"}) {
    const auto found = finding.find(member);
    out[member] = found == finding.end() ? json() : *found;
  }
  return out;
}

bool filter_passes(const Call& call, std::string_view name, const std::string& value) {
  const auto wanted = call.query_value(name);
  return !wanted || *wanted == value;
}

}  // namespace

Result<Reply> qualification(Call& call) {
  MOAT_TRY(const auto rows, app::qualification_overview(call.workspace, today(call)));
  json items = json::array();
  for (const app::QualificationRow& row : rows) {
    if (call.is_supplier() && row.supplier != call.user.supplier) continue;
    if (!filter_passes(call, "status", row.status)) continue;
    json item = app::qualification_json(row);
    if (call.is_supplier()) item.erase("max_exposure_share");  // a planning limit, not its outcome
    items.push_back(std::move(item));
  }
  MOAT_TRY(Reply reply, page_of(call, std::move(items), kDefaultLimit));
  if (call.is_supplier()) reply.supplier_read = std::pair(std::string("assessments"), call.user.supplier);
  return reply;
}

Result<Reply> list_visits(Call& call) {
  const auto supplier_filter = call.query_value("supplier");
  MOAT_TRY(const auto visits, call.workspace.store().list(table("visits")));
  MOAT_TRY(const auto findings, call.workspace.store().list(table("findings")));
  json items = json::array();
  for (const json& visit : visits) {
    const std::string supplier = text_of(visit, "supplier");
    if (call.is_supplier() && supplier != call.user.supplier) continue;
    if (supplier_filter && supplier != *supplier_filter) continue;
    json found = json::array();
    for (const json& finding : findings) {
      if (finding["visit"] != visit["id"]) continue;
      if (!filter_passes(call, "state", text_of(finding, "state"))) continue;
      found.push_back(call.is_supplier() ? finding_for_supplier(finding) : finding);
    }
    if (call.query_value("state") && found.empty()) continue;
    json item = call.is_supplier()
                    ? json{{"id", visit["id"]}, {"supplier", supplier}, {"kind", visit["kind"]}, {"date", visit["date"]},
                           {"result", visit.value("result", json())}}
                    : visit;
    item["findings"] = std::move(found);
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(), [](const json& a, const json& b) { return a["date"] > b["date"]; });
  MOAT_TRY(Reply reply, page_of(call, std::move(items), kDefaultLimit));
  if (call.is_supplier()) reply.supplier_read = std::pair(std::string("findings"), call.user.supplier);
  return reply;
}

Result<Reply> answer_finding(Call& call) {
  const std::string visit = call.param("visit"), finding = call.param("finding");
  MOAT_TRY(const auto found, visit_of_caller(call, visit));
  if (!found) return denied();
  auto body = json_object_body(call);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  const std::string answer = text_of(std::get<json>(body), "answer");
  if (answer.empty()) return input_error("/answer", "give the answer: what was done, by whom, with what evidence");
  MOAT_CHECK(app::answer_finding(call.workspace, call.session, visit, finding, answer));
  MOAT_TRY(const auto record, call.workspace.store().get(table("findings"), {visit, finding}));
  Reply reply;
  reply.body = call.is_supplier() ? finding_for_supplier(*record) : *record;
  return reply;
}

Result<Reply> close_finding(Call& call) {
  const std::string visit = call.param("visit"), finding = call.param("finding");
  MOAT_TRY(const auto found, visit_of_caller(call, visit));
  if (!found) return denied();
  Date closed_on = today(call);
  if (!call.request.body.empty()) {
    auto body = json_object_body(call);
    if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
    const std::string on = text_of(std::get<json>(body), "closed_on");
    if (!on.empty()) {
      const auto parsed = Date::parse(on);
      if (!parsed) return input_error("/closed_on", "'" + on + "' is not a date (YYYY-MM-DD)");
      closed_on = *parsed;
    }
  }
  MOAT_CHECK(app::close_finding(call.workspace, call.session, visit, finding, closed_on));
  MOAT_TRY(const auto record, call.workspace.store().get(table("findings"), {visit, finding}));
  Reply reply;
  reply.body = *record;
  return reply;
}

Result<Reply> list_flags(Call& call) {
  MOAT_TRY(const auto flags, app::recorded_flags(call.workspace));
  const auto state = call.query_value("state");
  json items = json::array();
  for (const app::Flag& flag : flags) {
    // By default what still needs someone: open and acknowledged flags.
    if (state ? (*state != "all" && flag.state != *state) : flag.state == "resolved") continue;
    if (!filter_passes(call, "severity", flag.severity) || !filter_passes(call, "subject", flag.subject)) continue;
    items.push_back(app::flag_json(flag));
  }
  return page_of(call, std::move(items), kDefaultLimit);
}

Result<Reply> update_flag(Call& call) {
  auto body = json_object_body(call);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  const json& object = std::get<json>(body);
  MOAT_TRY(const app::Flag flag, app::update_flag(call.workspace, call.session, call.param("id"),
                                                  text_of(object, "state"), text_of(object, "reason")));
  Reply reply;
  reply.body = app::flag_json(flag);
  return reply;
}

Result<Reply> product_gate(Call& call) {
  app::GateRequest request{call.param("id"), call.query_value("supplier").value_or(""),
                           call.query_value("package").value_or(""), today(call)};
  MOAT_TRY(const gate::Verdict verdict, app::run_gate(call.workspace, request));
  Reply reply;
  reply.body = app::verdict_json(verdict);
  reply.body["product"] = request.product;
  reply.body["release"] =
      request.supplier.empty() ? json() : json{{"supplier", request.supplier}, {"package", request.package}};
  reply.body["as_of"] = request.today.to_string();
  return reply;
}

Result<Reply> product_frontier(Call& call) {
  const std::string product = call.param("id");
  MOAT_TRY(const plan::Instance instance,
           app::product_instance(call.workspace, product, {std::nullopt, std::nullopt, today(call).to_string()}));
  const auto points = plan::frontier(instance, {kFrontierSeconds, true});
  MOAT_TRY(const std::string currency, product_currency(call, product));
  Reply reply;
  reply.body = {{"product", product}, {"currency", currency.empty() ? json() : json(currency)}, {"collusion", instance.policy.collusion},
                {"max_exposure_share", instance.policy.max_exposure_share}, {"points", app::frontier_json(points)}};
  return reply;
}

Result<Reply> ip_deadlines(Call& call) {
  MOAT_TRY(const std::int64_t within, number_param(call, "within", 0, 0, kMaxWithinDays));
  MOAT_TRY(const auto deadlines,
           app::ip_deadlines(call.workspace, today(call),
                             call.query_value("within") ? std::optional<long>(within) : std::nullopt));
  json items = json::array();
  for (const legal::Deadline& deadline : deadlines) {
    if (!filter_passes(call, "right", deadline.right)) continue;
    items.push_back(app::deadline_json(deadline));
  }
  MOAT_TRY(Reply reply, page_of(call, std::move(items), kDefaultLimit));
  reply.body["as_of"] = today(call).to_string();
  return reply;
}

Result<Reply> list_agreements(Call& call) {
  const std::string supplier = call.is_supplier() ? call.user.supplier : call.query_value("supplier").value_or("");
  MOAT_TRY(const auto agreements, app::review_agreements(call.workspace, today(call), supplier));
  json items = json::array();
  for (const app::AgreementReview& agreement : agreements) {
    json item = app::agreement_json(agreement);
    if (call.is_supplier()) {
      // Its own agreements, without the other parties bound by them.
      item["suppliers"] = json::array({call.user.supplier});
      if (agreement.supplier != call.user.supplier) item["supplier"] = call.user.supplier;
      if (agreement.contracted_by != call.user.supplier) item["contracted_by"] = nullptr;
    }
    items.push_back(std::move(item));
  }
  MOAT_TRY(Reply reply, page_of(call, std::move(items), kDefaultLimit));
  if (call.is_supplier()) reply.supplier_read = std::pair(std::string("agreements"), call.user.supplier);
  return reply;
}

Result<Reply> list_orders(Call& call) {
  const std::string supplier = call.is_supplier() ? call.user.supplier : call.query_value("supplier").value_or("");
  MOAT_TRY(const auto orders, app::review_orders(call.workspace, supplier, call.query_value("product").value_or("")));
  json items = json::array();
  for (const app::OrderReview& order : orders) items.push_back(app::order_json(order));
  MOAT_TRY(Reply reply, page_of(call, std::move(items), kDefaultLimit));
  if (call.is_supplier()) reply.supplier_read = std::pair(std::string("orders"), call.user.supplier);
  return reply;
}

Result<Reply> refresh_flags(Call& call) {
  MOAT_TRY(const auto flags, app::refresh_flags(call.workspace, call.session, today(call)));
  json raised = json::array();
  for (const app::Flag& flag : flags) {
    if (flag.raised_now) raised.push_back(app::flag_json(flag));
  }
  Reply reply;
  reply.body = {{"raised", std::move(raised)}, {"as_of", today(call).to_string()}};
  return reply;
}

Result<Reply> ip_rights(Call& call) {
  MOAT_TRY(const auto rights, app::list_ip_rights(call.workspace));
  const auto covers = [&](std::string_view filter, const std::vector<std::string>& list) {
    const auto wanted = call.query_value(filter);
    return !wanted || std::find(list.begin(), list.end(), *wanted) != list.end();
  };
  json items = json::array();
  for (const app::IpRightRow& row : rights) {
    if (covers("product", row.right.products) && covers("secret", row.right.secrets)) {
      items.push_back(app::right_json(row));
    }
  }
  return page_of(call, std::move(items), kDefaultLimit);
}

Result<Reply> list_waivers(Call& call) {
  MOAT_TRY(const auto waivers, app::list_waivers(call.workspace, call.query_value("product").value_or("")));
  json items = json::array();
  for (const app::WaiverRow& row : waivers) items.push_back(app::waiver_json(row));
  return page_of(call, std::move(items), kDefaultLimit);
}

Result<Reply> grant_waiver(Call& call) {
  auto body = json_object_body(call);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  const json& object = std::get<json>(body);
  app::WaiverInput input;
  input.check = text_of(object, "check");
  input.subject = text_of(object, "subject");
  input.product = text_of(object, "product");
  input.role = text_of(object, "role");
  input.reason = text_of(object, "reason");  // who grants it is the caller, always
  for (const auto& [member, date] : {std::pair<const char*, std::optional<Date>*>{"expires", &input.expires},
                                     {"granted", &input.granted}}) {
    const std::string text = text_of(object, member);
    if (text.empty()) continue;
    *date = Date::parse(text);
    if (!*date) return input_error(std::string("/") + member, "'" + text + "' is not a date (YYYY-MM-DD)");
  }
  MOAT_TRY(const std::string id, app::grant_waiver(call.workspace, call.session, input, today(call)));
  MOAT_TRY(const auto waivers, app::list_waivers(call.workspace));
  Reply reply;
  reply.status = 201;
  for (const app::WaiverRow& row : waivers) {
    if (row.id == id) reply.body = app::waiver_json(row);
  }
  return reply;
}

}  // namespace moat::http::handlers
