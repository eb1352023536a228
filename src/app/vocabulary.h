// SPDX-License-Identifier: Apache-2.0
// The fixed vocabularies front ends show, from the tables that define them, so that no front
// end keeps a copy: the gate's checks with their titles and what passes each (gate/gate.h's
// check table). GET /api/meta serves them to the dashboard with the route table's roles.
#pragma once

#include <nlohmann/json.hpp>

namespace moat::app {

// [{id, title, applies: "both"|"release"|"launch", level: "product"|"supplier", description}],
// in the order verdicts list the checks.
nlohmann::json gate_checks_json();

}  // namespace moat::app
