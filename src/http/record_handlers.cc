// SPDX-License-Identifier: Apache-2.0
// Handlers for removing records (as `moat remove`).
#include <nlohmann/json.hpp>

#include "app/actors.h"
#include "app/remove.h"
#include "app/views.h"
#include "http/handlers.h"

namespace moat::http::handlers {
namespace {

using nlohmann::json;

Result<bool> flag_member(const json& body, const char* member) {
  const auto found = body.find(member);
  if (found == body.end() || found->is_null()) return false;
  if (!found->is_boolean()) return input_error(std::string("body#/") + member, "must be true or false");
  return found->get<bool>();
}

Result<std::vector<std::string>> keys_member(const json& body) {
  const auto found = body.find("keys");
  if (found == body.end() || !found->is_array() || found->empty()) {
    return input_error("body#/keys", "must be a list of at least one record key (\"aurora/C1\")");
  }
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < found->size(); ++i) {
    if (!(*found)[i].is_string()) return input_error("body#/keys/" + std::to_string(i), "must be a string");
    keys.push_back((*found)[i].get<std::string>());
  }
  return keys;
}

}  // namespace

Result<Reply> remove_records(Call& call) {
  // Waivers are the gate's exceptions: writing them needs the right to waive (admin, legal), as
  // granting one does (`moat remove waivers` asks the same).
  if (call.param("kind") == "waivers" && !app::role_may(call.user.role, app::Capability::kWaive)) {
    return refuse(Problem::kForbidden,
                  "removing waivers needs the right to waive gate checks (admin, legal)");
  }
  auto body = json_object_body(call);
  if (auto* refusal = std::get_if<Reply>(&body)) return std::move(*refusal);
  const json& object = std::get<json>(body);
  app::RemoveOptions options;
  MOAT_TRY(const std::vector<std::string> keys, keys_member(object));
  MOAT_TRY(options.cascade, flag_member(object, "cascade"));
  MOAT_TRY(options.dry_run, flag_member(object, "dry_run"));
  if (const auto version = object.find("if_version"); version != object.end() && !version->is_null()) {
    if (!version->is_number_integer()) return input_error("body#/if_version", "must be a whole number");
    options.if_version = version->get<std::int64_t>();
  }
  options.role = call.user.role;
  MOAT_TRY(const app::RemoveReport report,
           app::remove_records(call.workspace, call.session, call.param("kind"), keys, options));
  return json_reply(app::remove_report_json(report, options.dry_run));
}

}  // namespace moat::http::handlers
