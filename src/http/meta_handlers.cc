// SPDX-License-Identifier: Apache-2.0
// GET /api/meta: what the dashboard shows from the server's own tables rather than a copy of
// them: the gate's checks with their titles (app/vocabulary.h) and, for every route of the table
// (routes.cc), the roles it admits, so that the dashboard offers a role only what it may do.
#include "app/vocabulary.h"
#include "http/handlers.h"

namespace moat::http::handlers {
namespace {

using nlohmann::json;

constexpr app::Role kAllRoles[] = {app::Role::kAdmin,     app::Role::kSourcing, app::Role::kLegal,
                                   app::Role::kOversight, app::Role::kViewer,   app::Role::kSupplier};

json roles_json(const Roles& roles) {
  json names = json::array();
  for (const app::Role role : kAllRoles) {
    if (roles.has(role)) names.push_back(app::role_name(role));
  }
  return names;
}

}  // namespace

Result<Reply> meta(Call&) {
  json routes = json::array();
  for (const Route& route : http::routes()) {
    routes.push_back(
        {{"method", method_name(route.method)}, {"path", route.pattern}, {"roles", roles_json(route.roles)}});
  }
  return json_reply({{"checks", app::gate_checks_json()}, {"routes", std::move(routes)}});
}

}  // namespace moat::http::handlers
