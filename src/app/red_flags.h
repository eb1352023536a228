// SPDX-License-Identifier: Apache-2.0
// Red flags and material reconciliation as use cases: gathers what the workspace knows
// (suppliers, certificates, visits, findings, tooling passports, orders and material
// movements, approved plans) into the flag engine's facts, raises what its rules find, and
// keeps each flag's state (open, acknowledged, resolved — with who and why). A cause raised
// once is never raised again: its flag is the same flag. Derived state is recomputed, not
// remembered: a flag whose cause no longer holds resolves itself (the ledger keeps the fact that
// cleared it) and reopens when the cause returns; acknowledgements and resolutions by a person
// survive every evaluation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/progress.h"
#include "core/result.h"
#include "flags/rules.h"
#include "store/store.h"
#include "vet/reconcile.h"

namespace moat::app {

// The ghost-shift check for one supplier, one product and one period (inclusive). kNotFound
// for an unknown supplier or product.
Result<vet::Reconciliation> reconcile_supplier(Workspace& workspace, const std::string& supplier,
                                               const std::string& product, Date from, Date to);

// Every supplier × product with orders or movements, from its first order or movement to `today`.
Result<std::vector<vet::Reconciliation>> reconcile_all(Workspace& workspace, Date today);

// When `supplier` starts (or started) making `product`: the product's production start when one
// is recorded, else the supplier's first purchase order for it, else `today` (`assumed`: nothing
// on record, so a launch now is what is asked about). The one definition the owner-visit-missing
// flag and the gate's owner-visit check both read.
struct ProductionStart {
  Date day = Date::from_days(0);
  bool assumed = false;
};
ProductionStart production_start(const std::vector<store::Record>& products,
                                 const std::vector<store::Record>& orders, const std::string& product,
                                 const std::string& supplier, Date today);

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
  std::string resolution;   // resolved: "manual" (by a person) or "automatic" (its cause cleared)
  bool raised_now = false;  // new in this evaluation
  std::string changed_now;  // "cleared" or "reopened" by this evaluation; empty otherwise
};

// Evaluates the rules as of `today`, records the flags not raised before (in the ledger), resolves
// the open or acknowledged flags whose cause no longer holds (reason: the fact that cleared it,
// resolution "automatic"), reopens those it resolved whose cause has returned, and returns every
// recorded flag, most severe first. A flag changed after `today` (an evaluation of the past) and
// a flag of a rule switched off in moat.toml are left as they are. A day after the session's today
// is a look ahead (is_look_ahead): it records nothing, and returns every flag as that evaluation
// would leave it (marked raised_now or changed_now the same; a new one without an id), the
// stored flags and the ledger untouched. `progress` is told the steps done of kFlagSteps (the
// rules in force, the facts read, the rules evaluated, the flags recorded).
inline constexpr std::size_t kFlagSteps = 4;
bool is_look_ahead(const Session& session, Date day);
Result<std::vector<Flag>> refresh_flags(Workspace& workspace, const Session& session, Date today,
                                        const Progress& progress = {});
// The same, with whether it was a look ahead: decided once, when the evaluation starts, so that a
// caller saying "would be" is never at odds with what was recorded (a day can end while it runs).
// `preview`: record nothing whatever the day (a person asking about a day before today wants to
// see it, not to record flags raised now from facts since superseded, which the next evaluation
// of today would undo); `look_ahead` then says so.
struct FlagRefresh {
  std::vector<Flag> flags;
  bool look_ahead = false;  // nothing was recorded: a preview
};
Result<FlagRefresh> refresh_flags_telling(Workspace& workspace, const Session& session, Date today,
                                          const Progress& progress = {}, bool preview = false);

// The flags that hold as of `today` without recording anything: every cause the rules raise now,
// less those a person resolved. Its record's id and state when the cause was recorded before;
// id empty and state "open" when it was not. What the gate's red-flags check reads.
Result<std::vector<Flag>> standing_flags(Workspace& workspace, Date today);

// The recorded flags without evaluating the rules again.
Result<std::vector<Flag>> recorded_flags(Workspace& workspace);

// Acknowledges or resolves a flag, with who (the session's actor) and why. kInput when the
// state is not acknowledged/resolved/open or `reason` is empty; kNotFound for an unknown flag.
Result<Flag> update_flag(Workspace& workspace, const Session& session, const std::string& id,
                         const std::string& state, const std::string& reason);

// The same for several flags in one transaction: all change or none (kNotFound names the
// first unknown id, kInput an empty list).
Result<std::vector<Flag>> update_flags(Workspace& workspace, const Session& session,
                                       const std::vector<std::string>& ids, const std::string& state,
                                       const std::string& reason);

}  // namespace moat::app
