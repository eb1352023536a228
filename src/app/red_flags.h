// SPDX-License-Identifier: Apache-2.0
// Red flags and material reconciliation as use cases: gathers what the workspace knows
// (suppliers, certificates, visits, findings, tooling passports, orders and material
// movements, approved plans) into the flag engine's facts, raises what its rules find, and
// keeps each flag's state (open, acknowledged, resolved — with who and why). A cause raised
// once is never raised again, whatever its state.
#pragma once

#include <string>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"
#include "flags/rules.h"
#include "vet/reconcile.h"

namespace moat::app {

// The ghost-shift check for one supplier, one product and one period (inclusive). kNotFound
// for an unknown supplier or product.
Result<vet::Reconciliation> reconcile_supplier(Workspace& workspace, const std::string& supplier,
                                               const std::string& product, Date from, Date to);

// Every supplier × product with orders or movements, from its first order or movement to `today`.
Result<std::vector<vet::Reconciliation>> reconcile_all(Workspace& workspace, Date today);

// The facts the flag rules read, as of `today`.
Result<flags::Facts> gather_facts(Workspace& workspace, Date today);

struct Flag {
  std::string id;  // FL1, FL2, ...
  std::string rule;
  std::string severity;
  std::string subject;
  std::string cause;
  std::string summary;
  std::vector<flags::Evidence> evidence;
  std::string state;  // open, acknowledged, resolved
  std::string raised_at;
  std::string updated_by;
  std::string updated_at;
  std::string reason;
  bool raised_now = false;  // new in this evaluation
};

// Evaluates the rules as of `today`, records the flags not raised before (in the ledger), and
// returns every recorded flag, most severe first.
Result<std::vector<Flag>> refresh_flags(Workspace& workspace, const Session& session, Date today);

// The recorded flags without evaluating the rules again.
Result<std::vector<Flag>> recorded_flags(Workspace& workspace);

// Acknowledges or resolves a flag, with who (the session's actor) and why. kInput when the
// state is not acknowledged/resolved/open or `reason` is empty; kNotFound for an unknown flag.
Result<Flag> update_flag(Workspace& workspace, const Session& session, const std::string& id,
                         const std::string& state, const std::string& reason);

}  // namespace moat::app
