// SPDX-License-Identifier: Apache-2.0
// The engines over the API: qualification, visits and findings (with the supplier's answers), red
// flags, the go / no-go gate, the price of protection, IP deadlines, agreements and purchase
// orders. Each is one src/app use case shaped by app/views.h — the CLI's --json shapes. Supplier
// users are narrowed here to their own rows, with other parties' ids left out.
#include <algorithm>
#include <map>

#include "app/gate.h"
#include "app/legal.h"
#include "app/oversight.h"
#include "app/plan_jobs.h"
#include "app/reads.h"
#include "app/red_flags.h"
#include "app/sourcing.h"
#include "app/vetting.h"
#include "app/views.h"
#include "core/catalog.h"
#include "core/text.h"
#include "http/handlers.h"

namespace moat::http::handlers {
namespace {

using nlohmann::json;

constexpr double kFrontierSeconds = 20;  // shared among the frontier's points
constexpr std::int64_t kMaxWithinDays = 3660;

constexpr std::int64_t kDefaultLimit = 100;

// The visit `id`, or kNotFound. A supplier user asking for another supplier's visit, or for one
// that does not exist, is denied (the same answer either way).
Result<std::optional<json>> visit_of_caller(Call& call, const std::string& id) {
  MOAT_TRY(const auto visit, app::read_record(call.workspace, "visits", {id}));
  if (!visit && call.is_supplier()) return std::optional<json>();
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
  for (const char* member : {"visit", "id", "severity", "item", "description", "action", "owner", "due",
                             "state", "answer", "closed_on"}) {
    const auto found = finding.find(member);
    out[member] = found == finding.end() ? json() : *found;
  }
  return out;
}

constexpr double kMaxPlanSeconds = 60;

// Optional members of a JSON body, each checked for its type: a refusal names the member.
Result<std::optional<double>> number_member(const json& body, const char* member) {
  const auto found = body.find(member);
  if (found == body.end() || found->is_null()) return std::optional<double>();
  if (!found->is_number()) return input_error(std::string("body#/") + member, "must be a number");
  return std::optional<double>(found->get<double>());
}

Result<std::vector<std::string>> text_list_member(const json& body, const char* member) {
  std::vector<std::string> out;
  const auto found = body.find(member);
  if (found == body.end() || found->is_null()) return out;
  if (!found->is_array()) return input_error(std::string("body#/") + member, "must be a list of strings");
  for (std::size_t i = 0; i < found->size(); ++i) {
    if (!(*found)[i].is_string())
      return input_error("body#/" + std::string(member) + "/" + std::to_string(i), "must be a string");
    out.push_back((*found)[i].get<std::string>());
  }
  return out;
}

Result<std::optional<Date>> date_member(const json& body, const char* member) {
  const std::string text = text_of(body, member);
  if (text.empty()) return std::optional<Date>();
  const auto date = Date::parse(text);
  if (!date) return input_error(std::string("body#/") + member, "'" + text + "' is not a date (YYYY-MM-DD)");
  return std::optional<Date>(*date);
}

Result<std::optional<std::int64_t>> count_member(const json& body, const char* member) {
  MOAT_TRY(const auto number, number_member(body, member));
  if (!number) return std::optional<std::int64_t>();
  if (*number < 0 || *number != static_cast<double>(static_cast<std::int64_t>(*number))) {
    return input_error(std::string("body#/") + member, "must be a whole number of 0 or more");
  }
  return std::optional<std::int64_t>(static_cast<std::int64_t>(*number));
}

bool filter_passes(const Call& call, std::string_view name, const std::string& value) {
  const auto wanted = call.query_value(name);
  return !wanted || *wanted == value;
}

}  // namespace

Result<Reply> qualification(Call& call) {
  MOAT_CHECK(known_value(call, "status", supplier_statuses(), "supplier status"));
  MOAT_TRY(const auto rows, app::qualification_overview(
                                call.workspace, today(call),
                                call.is_supplier() ? app::Approvers::kUnnamed : app::Approvers::kNamed));
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
  static constexpr std::string_view kStates[] = {"open", "answered", "closed"};
  MOAT_CHECK(known_value(call, "state", kStates, "finding state"));
  // Newest first, paged in the database; each visit of the page with its findings (in `state`).
  const std::string state = call.query_value("state").value_or("");
  store::PageQuery selection = app::visit_selection(state);
  if (call.is_supplier()) selection.where.emplace_back("supplier", call.user.supplier);
  filter_by_param(call, selection.where, "supplier");
  const auto items = [&](std::vector<store::Record> visits) -> Result<json> {
    json out = json::array();
    for (json& visit : visits) {
      MOAT_TRY(const auto findings,
               app::read_records_where(call.workspace, "findings", "visit", text_of(visit, "id")));
      json found = json::array();
      for (const json& finding : findings) {
        if (!state.empty() && text_of(finding, "state") != state) continue;
        found.push_back(call.is_supplier() ? finding_for_supplier(finding) : finding);
      }
      json item = call.is_supplier() ? json{{"id", visit["id"]},
                                            {"supplier", visit["supplier"]},
                                            {"kind", visit["kind"]},
                                            {"date", visit["date"]},
                                            {"result", visit.value("result", json())}}
                                     : std::move(visit);
      item["findings"] = std::move(found);
      out.push_back(std::move(item));
    }
    return out;
  };
  MOAT_TRY(Reply reply, selection_page(call, "visits", std::move(selection), kDefaultLimit, items));
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
  if (trim(answer).empty())
    return input_error("body#/answer", "give the answer: what was done, by whom, with what evidence");
  MOAT_CHECK(app::answer_finding(call.workspace, call.session, visit, finding, answer));
  MOAT_TRY(const auto record, app::read_record(call.workspace, "findings", {visit, finding}));
  return json_reply(call.is_supplier() ? finding_for_supplier(*record) : *record);
}

Result<Reply> close_finding(Call& call) {
  const std::string visit = call.param("visit"), finding = call.param("finding");
  MOAT_TRY(const auto found, visit_of_caller(call, visit));
  if (!found) return denied();
  auto body = json_object_body(call, true);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  MOAT_TRY(const auto closed_on, date_member(std::get<json>(body), "closed_on"));
  MOAT_CHECK(
      app::close_finding(call.workspace, call.session, visit, finding, closed_on.value_or(today(call))));
  MOAT_TRY(const auto record, app::read_record(call.workspace, "findings", {visit, finding}));
  return json_reply(*record);
}

Result<Reply> list_flags(Call& call) {
  static constexpr std::string_view kStates[] = {"open", "acknowledged", "resolved", "all"};
  static constexpr std::string_view kSeverities[] = {"critical", "high", "medium", "low", "info"};
  MOAT_CHECK(known_value(call, "state", kStates, "flag state"));
  MOAT_CHECK(known_value(call, "severity", kSeverities, "severity"));
  MOAT_TRY(const auto flags, app::recorded_flags(call.workspace));
  const auto state = call.query_value("state");
  json items = json::array();
  for (const app::Flag& flag : flags) {
    // By default what still needs someone: open and acknowledged flags.
    if (state ? (*state != "all" && flag.state != *state) : flag.state == "resolved") continue;
    if (!filter_passes(call, "severity", flag.severity) || !filter_passes(call, "subject", flag.subject))
      continue;
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
  return json_reply(app::flag_json(flag));
}

// Several flags at once, all or none: {"ids": ["FL1", "FL4"], "state", "reason"}.
Result<Reply> update_flags(Call& call) {
  auto body = json_object_body(call);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  const json& object = std::get<json>(body);
  MOAT_TRY(const std::vector<std::string> ids, text_list_member(object, "ids"));
  if (ids.empty()) return input_error("body#/ids", "name one or more flag ids");
  MOAT_TRY(const std::vector<app::Flag> flags,
           app::update_flags(call.workspace, call.session, ids, text_of(object, "state"),
                             text_of(object, "reason")));
  json out = json::array();
  for (const app::Flag& flag : flags) out.push_back(app::flag_json(flag));
  return json_reply(out);
}

Result<Reply> product_gate(Call& call) {
  app::GateRequest request{call.param("id"), call.query_value("supplier").value_or(""),
                           call.query_value("package").value_or(""), today(call)};
  MOAT_TRY(const gate::Verdict verdict, app::run_gate(call.workspace, call.session, request));
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
  MOAT_TRY(
      const plan::Instance instance,
      app::product_instance(call.workspace, product, {std::nullopt, std::nullopt, today(call).to_string()}));
  const auto points = app::frontier(instance, {kFrontierSeconds, true});
  MOAT_TRY(const std::string currency, product_currency(call, product));
  return json_reply({{"product", product},
                     {"currency", currency.empty() ? json() : json(currency)},
                     {"collusion", instance.policy.collusion},
                     {"max_exposure_share", instance.policy.max_exposure_share},
                     {"points", app::frontier_json(points)}});
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
  const std::string supplier =
      call.is_supplier() ? call.user.supplier : call.query_value("supplier").value_or("");
  MOAT_TRY(const auto agreements, app::review_agreements(call.workspace, today(call), supplier));
  json items = json::array();
  for (const app::AgreementReview& agreement : agreements) {
    json item = app::agreement_json(agreement);
    if (call.is_supplier()) {
      // Its own agreements, without the other parties bound by them.
      item["suppliers"] = json::array({call.user.supplier});
      if (agreement.supplier != call.user.supplier) item["supplier"] = call.user.supplier;
      if (agreement.contracted_by != call.user.supplier) item["contracted_by"] = nullptr;
      if (agreement.supplier != call.user.supplier) {
        // Bound as a subcontractor: the checks judge the counterparty's agreement, and their
        // reasons name its legal representative, court and address. The outcome and the advice
        // stay; the reasons do not.
        for (json& check : item["checks"]) {
          check["reason"] = "judged on the agreement as its counterparty signed it, which binds you too";
        }
      }
    }
    items.push_back(std::move(item));
  }
  MOAT_TRY(Reply reply, page_of(call, std::move(items), kDefaultLimit));
  if (call.is_supplier()) reply.supplier_read = std::pair(std::string("agreements"), call.user.supplier);
  return reply;
}

// Purchase orders are records with their problems: filtered and paged in the database.
Result<Reply> list_orders(Call& call) {
  RecordFilter where;
  if (call.is_supplier()) {
    where.emplace_back("supplier", call.user.supplier);
  } else {
    filter_by_param(call, where, "supplier");
  }
  filter_by_param(call, where, "product");
  MOAT_TRY(Reply reply, record_page(call, "orders", where, kDefaultLimit, [](const json& record) {
             return app::order_json(app::review_order(record));
           }));
  if (call.is_supplier()) reply.supplier_read = std::pair(std::string("orders"), call.user.supplier);
  return reply;
}

Result<Reply> refresh_flags(Call& call) {
  MOAT_TRY(const auto flags, app::refresh_flags(call.workspace, call.session, today(call)));
  json raised = json::array(), cleared = json::array(), reopened = json::array();
  for (const app::Flag& flag : flags) {
    if (flag.raised_now) raised.push_back(app::flag_json(flag));
    if (flag.changed_now == "cleared") cleared.push_back(app::flag_json(flag));
    if (flag.changed_now == "reopened") reopened.push_back(app::flag_json(flag));
  }
  return json_reply({{"raised", std::move(raised)},
                     {"cleared", std::move(cleared)},
                     {"reopened", std::move(reopened)},
                     {"as_of", today(call).to_string()}});
}

// Without ?product= or ?secret= the rights page in the database, each read with its events; those
// filters name an item of a list field, filtered here.
Result<Reply> ip_rights(Call& call) {
  if (!call.query_value("product") && !call.query_value("secret")) {
    return record_page(call, "ip_rights", {}, kDefaultLimit, [&call](const json& record) -> Result<json> {
      MOAT_TRY(const app::IpRightRow row, app::ip_right_row(call.workspace, record));
      return app::right_json(row);
    });
  }
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
  return page_after(call, std::move(items), kDefaultLimit);
}

// Without ?product= the waivers page in the database; a product's are those of it and those for
// every product (one of two values), filtered here.
Result<Reply> list_waivers(Call& call) {
  const auto row = [](const json& record) { return app::waiver_json(app::waiver_row(record)); };
  const std::string product = call.query_value("product").value_or("");
  if (product.empty()) return record_page(call, "waivers", {}, kDefaultLimit, row);
  MOAT_TRY(const auto waivers, app::list_waivers(call.workspace, product));
  json items = json::array();
  for (const app::WaiverRow& waiver : waivers) items.push_back(app::waiver_json(waiver));
  return page_after(call, std::move(items), kDefaultLimit);
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
  MOAT_TRY(input.expires, date_member(object, "expires"));
  MOAT_TRY(input.granted, date_member(object, "granted"));
  MOAT_TRY(const std::string id, app::grant_waiver(call.workspace, call.session, input, today(call)));
  MOAT_TRY(const auto waivers, app::list_waivers(call.workspace));
  Reply reply;
  reply.status = 201;
  for (const app::WaiverRow& row : waivers) {
    if (row.id == id) reply.body = app::waiver_json(row);
  }
  return reply;
}

// What a plan request's body may say: the collusion level (a whole number from 0 to 10), a cap on
// any party's share, and a time limit of more than 0 and at most `max_seconds`.
struct PlanRequestBody {
  std::optional<int> collusion;
  std::optional<double> max_exposure_share, time_limit;
};

Result<PlanRequestBody> plan_request_body(const json& body, double max_seconds) {
  MOAT_TRY(const auto collusion, number_member(body, "collusion"));
  MOAT_TRY(const auto cap, number_member(body, "max_exposure_share"));
  MOAT_TRY(const auto seconds, number_member(body, "time_limit"));
  if (collusion && (*collusion < 0 || *collusion > 10 || *collusion != static_cast<int>(*collusion))) {
    return input_error("body#/collusion", "must be a whole number from 0 to 10");
  }
  if (seconds && (*seconds <= 0 || *seconds > max_seconds)) {
    return input_error("body#/time_limit", "must be more than 0 and at most " +
                                               std::to_string(static_cast<int>(max_seconds)) + " seconds");
  }
  PlanRequestBody out{std::nullopt, cap, seconds};
  if (collusion) out.collusion = static_cast<int>(*collusion);
  return out;
}

Result<Reply> create_plan(Call& call) {
  auto parsed = json_object_body(call, true);
  if (auto* refusal = std::get_if<Reply>(&parsed)) return std::move(*refusal);
  MOAT_TRY(const PlanRequestBody body, plan_request_body(std::get<json>(parsed), kMaxPlanSeconds));
  const std::string product = call.param("id");
  MOAT_TRY(const plan::Instance instance,
           app::product_instance(call.workspace, product,
                                 {body.collusion, body.max_exposure_share, today(call).to_string()}));
  MOAT_TRY(const app::SavedPlan saved,
           app::solve_and_save(call.workspace, call.session, product, instance,
                               {body.time_limit.value_or(kFrontierSeconds), true}));
  return json_reply(app::saved_plan_json(saved), 201);
}

// A planning job may search this long: it runs off the request, so longer than a plan solved
// while the request waits.
constexpr double kMaxJobSeconds = 3600;
constexpr double kJobSeconds = 30;  // by default, as `moat plan`

Result<Reply> start_plan_job(Call& call) {
  auto parsed = json_object_body(call, true);
  if (auto* refusal = std::get_if<Reply>(&parsed)) return std::move(*refusal);
  MOAT_TRY(const PlanRequestBody body, plan_request_body(std::get<json>(parsed), kMaxJobSeconds));
  app::PlanJobRequest request;
  request.product = call.param("id");
  request.instance.collusion = body.collusion;
  request.instance.max_exposure_share = body.max_exposure_share;
  request.instance.today = today(call).to_string();
  request.time_limit = body.time_limit.value_or(kJobSeconds);
  MOAT_TRY(const app::PlanJobView job, call.plan_jobs->start(call.workspace, call.session, request));
  Reply reply = json_reply(app::plan_job_json(job), 202);
  reply.headers.emplace_back("Location", "/api/products/" + job.product + "/plan-jobs/" + job.id);
  return reply;
}

Result<Reply> list_plan_jobs(Call& call) {
  const std::string product = call.param("id");
  MOAT_TRY(const auto found, app::read_record(call.workspace, "products", {product}));
  if (!found) return Error(ErrorCode::kNotFound, "id", "no product '" + product + "'");
  json items = json::array();
  for (const app::PlanJobView& job : call.plan_jobs->list(product)) items.push_back(app::plan_job_json(job));
  return json_reply({{"items", std::move(items)}});
}

Result<Reply> get_plan_job(Call& call) {
  const auto job = call.plan_jobs->find(call.param("id"), call.param("job"));
  if (!job) {
    return Error(ErrorCode::kNotFound, "job",
                 "product '" + call.param("id") + "' has no planning job '" + call.param("job") + "'");
  }
  return json_reply(app::plan_job_json(*job));
}

Result<Reply> cancel_plan_job(Call& call) {
  MOAT_TRY(const app::PlanJobView job, call.plan_jobs->cancel(call.param("id"), call.param("job")));
  return json_reply(app::plan_job_json(job), 202);
}

Result<Reply> approve_plan(Call& call) {
  MOAT_TRY(const app::SavedPlan approved,
           app::approve_plan(call.workspace, call.session, call.param("id"), call.param("plan")));
  return json_reply(app::saved_plan_json(approved));
}

Result<Reply> record_visit(Call& call) {
  auto parsed = json_object_body(call);
  if (auto* refusal = std::get_if<Reply>(&parsed)) return std::move(*refusal);
  const json& body = std::get<json>(parsed);
  app::VisitInput input;
  input.supplier = text_of(body, "supplier");
  if (input.supplier.empty()) return input_error("body#/supplier", "name the supplier visited");
  if (const std::string kind = text_of(body, "kind"); !kind.empty()) input.kind = kind;
  MOAT_TRY(const auto date, date_member(body, "date"));
  input.date = date.value_or(today(call));
  MOAT_TRY(input.by, text_list_member(body, "by"));
  input.checklist = text_of(body, "checklist");
  input.product = text_of(body, "product");
  input.note = text_of(body, "note");
  MOAT_TRY(input.capacity_seen, count_member(body, "capacity_seen"));
  MOAT_TRY(input.headcount_seen, count_member(body, "headcount_seen"));
  MOAT_TRY(input.sites_seen, text_list_member(body, "sites_seen"));
  MOAT_TRY(input.subcontractors_seen, text_list_member(body, "subcontractors_seen"));
  if (const auto update = body.find("update_supplier"); update != body.end() && !update->is_null()) {
    if (!update->is_boolean()) return input_error("body#/update_supplier", "must be true or false");
    input.update_supplier = update->get<bool>();
  }
  if (const auto items = body.find("items"); items != body.end() && !items->is_null()) {
    if (!items->is_array()) return input_error("body#/items", "must be a list of {item, result, note}");
    for (std::size_t i = 0; i < items->size(); ++i) {
      const json& item = (*items)[i];
      const std::string where = "body#/items/" + std::to_string(i);
      if (!item.is_object()) return input_error(where, "must be an object {item, result, note}");
      app::ItemInput entry;
      entry.item = text_of(item, "item");
      entry.note = text_of(item, "note");
      if (entry.item.empty()) return input_error(where + "/item", "name the checklist item");
      MOAT_TRY(entry.result, app::parse_item_result(text_of(item, "result"), where + "/result"));
      input.items.push_back(std::move(entry));
    }
  }
  MOAT_TRY(const app::VisitResult visit, app::record_visit(call.workspace, call.session, input));
  return json_reply(app::visit_json(visit), 201);
}

Result<Reply> add_finding(Call& call) {
  auto parsed = json_object_body(call);
  if (auto* refusal = std::get_if<Reply>(&parsed)) return std::move(*refusal);
  const json& body = std::get<json>(parsed);
  app::FindingInput input;
  input.visit = call.param("visit");
  input.severity = text_of(body, "severity");
  input.description = text_of(body, "description");
  input.item = text_of(body, "item");
  input.action = text_of(body, "action");
  input.owner = text_of(body, "owner");
  MOAT_TRY(input.due, date_member(body, "due"));
  MOAT_TRY(const std::string id, app::add_finding(call.workspace, call.session, input));
  MOAT_TRY(const auto record, app::read_record(call.workspace, "findings", {input.visit, id}));
  return json_reply(record ? *record : json{{"visit", input.visit}, {"id", id}}, 201);
}

}  // namespace moat::http::handlers
