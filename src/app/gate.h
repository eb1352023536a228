// SPDX-License-Identifier: Apache-2.0
// The go / no-go gate as a use case: gathers what the gate decides from (gate/facts.h) out of the
// workspace — each supplier's effective qualification, its NNNs (with the contract manufacturer's
// flow-downs) and their quality check, purchase orders, on-site assignments, audits and findings,
// owner's visits and open red flags; the product's secrets and IP rights with their missed priority
// deadlines; the approved plan and each recipe's min_coalition — and runs gate/gate.h. Waivers are
// records (written to the ledger) with a role, a reason and an expiry. "today" is passed in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/session.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/progress.h"
#include "core/result.h"
#include "gate/gate.h"

namespace moat::app {

struct GateRequest {
  std::string product;
  std::string supplier;  // with `package`: gate that release; both empty: the production launch
  std::string package;
  Date today = Date::from_days(0);
  // A release's recipients (person ids): at an own facility, each must be bound by an employee
  // confidentiality agreement before receiving anything. Empty: only those who received before.
  std::vector<std::string> recipients = {};
};

// The verdict. Errors: kNotFound for an unknown product, supplier or package; kInput when only
// one of supplier and package is named.
Result<gate::Verdict> run_gate(Workspace& workspace, const GateRequest& request);
// The same, and then a signed checkpoint of the ledger as it stood when the verdict was given
// (app/checkpoints.h): what the CLI and the server call.
// `progress` is told the steps done of kGateSteps (the verdict, the checkpoint).
inline constexpr std::size_t kGateSteps = 2;
Result<gate::Verdict> run_gate(Workspace& workspace, const Session& session, const GateRequest& request,
                               const Progress& progress = {});

struct WaiverInput {
  std::string check;    // a gate check id: "owner-visit"
  std::string subject;  // the check's subject: "supplier/F03"
  std::string product;  // empty: every product
  std::string role;     // the role of who grants it: "IP counsel"
  std::string reason;
  std::string by;               // empty: the session's actor
  std::optional<Date> granted;  // empty: today
  std::optional<Date> expires;  // required
};

// Records a waiver (W1, W2, ...) in the ledger, signs a checkpoint, and returns its id. Errors (kInput) name
// the flag: an unknown check, an empty subject, role or reason, a missing expiry or one before the grant.
Result<std::string> grant_waiver(Workspace& workspace, const Session& session, const WaiverInput& input,
                                 Date today);

struct WaiverRow {
  std::string id;
  std::string product;  // empty: every product
  gate::Waiver waiver;
};
// The recorded waivers (of `product` and those for every product, when `product` is not empty).
Result<std::vector<WaiverRow>> list_waivers(Workspace& workspace, const std::string& product = {});
// One stored waiver (a record of "waivers") as a row of that list.
WaiverRow waiver_row(const nlohmann::json& record);

}  // namespace moat::app
