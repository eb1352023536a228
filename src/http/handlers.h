// SPDX-License-Identifier: Apache-2.0
// Internal to src/http: the handlers the route table (routes.cc) names. Each is a thin adapter:
// read the call's parameters, run one src/app use case, shape the JSON reply. Authorization has
// already happened by the table's rules when a handler runs; a handler only narrows what a
// supplier user sees (Scope::kOwnRows, Scope::kAssignedWork).
#pragma once

#include "http/routes.h"

namespace moat::http::handlers {

// Accounts (account_handlers.cc)
Result<Reply> login(Call& call);
Result<Reply> logout(Call& call);
Result<Reply> me(Call& call);

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

}  // namespace moat::http::handlers
