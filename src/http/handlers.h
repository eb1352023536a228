// SPDX-License-Identifier: Apache-2.0
// Internal to src/http: the handlers the route table (routes.cc) names. Each is a thin adapter:
// read the call's parameters, run one src/app use case, shape the JSON reply. Authorization has
// already happened by the table's rules when a handler runs; a handler only narrows what a
// supplier user sees (Scope::kOwnRows, Scope::kAssignedWork).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "app/reads.h"
#include "core/date.h"
#include "http/routes.h"

namespace moat::http::handlers {

// ---- Shared by the handler files (handler_common.cc) -------------------------------------------

// A query parameter as a whole number in [low, high]; `fallback` when absent; kInput otherwise.
Result<std::int64_t> number_param(const Call& call, std::string_view name, std::int64_t fallback,
                                  std::int64_t low, std::int64_t high);
// Lists page by ?limit= (1 to kMaxPageLimit) and ?offset=: {items, total, limit, offset, next},
// where next is the link to the following page (null on the last).
inline constexpr std::int64_t kMaxPageLimit = 500;
Result<Reply> page_of(const Call& call, nlohmann::json items, std::int64_t default_limit);
// The records of `kind` that match `where` (scalar field = value, all of them), paged in the
// database in key order, the same reply as page_of: by ?after=ID (the last id of the page before:
// a cursor that stays put while records are added or removed) or by ?offset=N, not both; the next
// link continues the way the request paged. `item` shapes each record as the list shows it (the
// record itself when empty). For kinds keyed by one field.
using RecordFilter = std::vector<std::pair<std::string, store::SqlValue>>;
Result<Reply> record_page(Call& call, std::string_view kind, const RecordFilter& where,
                          std::int64_t default_limit,
                          const std::function<Result<nlohmann::json>(nlohmann::json)>& item = {});
// record_page over a selection of `kind` the use case made (store::PageQuery: its filters, its
// condition and its order, newest first for instance), `items` shaping a page's records as the list
// shows them. In an order of its own, ?after=ID names the record the page follows by its id, as in
// key order: its terms are read from that record (from the id alone when every term is the id),
// and the next link names the page's last id.
using PageItems = std::function<Result<nlohmann::json>(std::vector<store::Record>)>;
Result<Reply> selection_page(Call& call, std::string_view kind, store::PageQuery selection,
                             std::int64_t default_limit, const PageItems& items);
// page_of over `items` in key order ("id"), each a record that passes the list's filters, that also
// takes ?after=ID as record_page does: for the filters the database cannot apply.
Result<Reply> page_after(const Call& call, nlohmann::json items, std::int64_t default_limit);
// `where` with `field` = the query parameter of that name, when the request gives a non-empty one.
void filter_by_param(const Call& call, RecordFilter& where, const std::string& field);
// The query parameter `name`, when given, is one of `values` (`what` it is: "state"): a filter's
// typo is a 400 naming the values, never an empty list that reads as "there are none".
Status known_value(const Call& call, std::string_view name, std::span<const std::string_view> values,
                   std::string_view what);
// The same request with query parameter `name` set to `value`: a page's "next" link.
std::string link_with(const Call& call, std::string_view name, const std::string& value);
// A JSON answer.
Reply json_reply(nlohmann::json body, unsigned status = 200);
// An expected refusal decided by the handler.
Reply refuse(Problem problem, std::string detail);
// The request's body as a JSON object: a refusal (415, 400) when it is not one. An `optional`
// body may be left out (an empty object then).
std::variant<nlohmann::json, Reply> json_object_body(const Call& call, bool optional = false);

// The currency of a product's quotes (empty when it has none).
Result<std::string> product_currency(Call& call, const std::string& product);
// Today (UTC) as the session's clock tells it.
Date today(const Call& call);
// A string member of a JSON object, or empty.
std::string text_of(const nlohmann::json& object, std::string_view member);
// A use case's error located as the API sees it: the use cases name the command's arguments and
// flags ("HIT", "--reason"), the API a path parameter ("id") or a JSON pointer into the body
// ("#/reason"). `places` pairs the one with the other; a place it does not name is kept.
using Places = std::span<const std::pair<std::string_view, std::string_view>>;
Error relocated(Error error, Places places);

// Accounts (account_handlers.cc)
Result<Reply> login(Call& call);
Result<Reply> logout(Call& call);
Result<Reply> me(Call& call);

// The dashboard's vocabulary: gate checks and the roles of every route (meta_handlers.cc)
Result<Reply> meta(Call& call);

// Workspace data (data_handlers.cc)
Result<Reply> status(Call& call);
Result<Reply> list_suppliers(Call& call);
Result<Reply> get_supplier(Call& call);
Result<Reply> patch_supplier(Call& call);
Result<Reply> supplier_people(Call& call);
Result<Reply> list_products(Call& call);
Result<Reply> product_packages(Call& call);
Result<Reply> product_plan(Call& call);
Result<Reply> list_parties(Call& call);
Result<Reply> audit_log(Call& call);
Result<Reply> audit_verify(Call& call);
Result<Reply> openapi(Call& call);

// Vetting, oversight, red flags, the gate and legal (engine_handlers.cc)
Result<Reply> qualification(Call& call);
Result<Reply> list_visits(Call& call);
Result<Reply> answer_finding(Call& call);
Result<Reply> close_finding(Call& call);
Result<Reply> list_flags(Call& call);
Result<Reply> update_flag(Call& call);
Result<Reply> update_flags(Call& call);
Result<Reply> product_gate(Call& call);
Result<Reply> product_frontier(Call& call);
Result<Reply> ip_deadlines(Call& call);
Result<Reply> list_agreements(Call& call);
Result<Reply> list_orders(Call& call);
Result<Reply> refresh_flags(Call& call);
Result<Reply> ip_rights(Call& call);
Result<Reply> list_waivers(Call& call);
Result<Reply> grant_waiver(Call& call);
Result<Reply> create_plan(Call& call);
Result<Reply> start_plan_job(Call& call);
Result<Reply> list_plan_jobs(Call& call);
Result<Reply> get_plan_job(Call& call);
Result<Reply> cancel_plan_job(Call& call);

// Design files, releases, copies and released knowledge (release_handlers.cc)
Result<Reply> list_files(Call& call);
Result<Reply> get_file(Call& call);
Result<Reply> file_master(Call& call);
Result<Reply> list_releases(Call& call);
Result<Reply> get_release(Call& call);
Result<Reply> create_release(Call& call);
Result<Reply> revoke_release(Call& call);
Result<Reply> confirm_return(Call& call);
Result<Reply> download_copy(Call& call);
Result<Reply> product_knowledge(Call& call);
Result<Reply> approve_plan(Call& call);
Result<Reply> record_visit(Call& call);
Result<Reply> add_finding(Call& call);

// The counterfeit watch (watch_handlers.cc)
Result<Reply> watch_hits(Call& call);
Result<Reply> watch_hit(Call& call);
Result<Reply> decide_watch_hit(Call& call);
Result<Reply> watch_match(Call& call);
Result<Reply> watch_listings(Call& call);
Result<Reply> watch_listing_image(Call& call);
Result<Reply> watch_references(Call& call);
Result<Reply> watch_reference_image(Call& call);
Result<Reply> watch_complaints(Call& call);
Result<Reply> set_watch_complaint(Call& call);

// Removals (record_handlers.cc)
Result<Reply> remove_records(Call& call);

}  // namespace moat::http::handlers
