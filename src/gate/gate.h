// SPDX-License-Identifier: Apache-2.0
// The go / no-go gate: whether one work package may be released to one supplier, and whether a
// product may start production. A verdict is a list of checks, each pass, fail or waived, with a
// reason a person understands and the concrete fix; it is `go` when none fails. Pure: every fact
// (today's date included) comes in as a value (facts.h). Checks are rows of one table
// (check_table), so adding one is a function and a row in gate.cc; docs/gate.md lists them.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "gate/facts.h"

namespace moat::gate {

enum class CheckStatus { kPass, kFail, kWaived };
std::string_view status_name(CheckStatus status);  // "pass", "fail", "waived"

// Required clauses an agreement lacks, by their names: "subcontractor-flow-down".
struct MissingClauses {
  std::string agreement;  // its id; empty: none is valid, the clauses are those of the one to sign
  std::string supplier;   // who signed it, or is to sign it: the counterparty's id
  std::vector<std::string> clauses;
};

struct Check {
  std::string id;       // a check_table() id: "nnn"
  std::string subject;  // what it is about: "supplier/F03", "secret/S01", "trademark/aurora/CN"
  CheckStatus status = CheckStatus::kFail;
  std::string reason;  // why, with the dates, ids and numbers
  std::string fix;     // what would make it pass; empty when it passes
  std::string waiver;  // when waived: who waived it, until when and why
  // A failing nnn check: what its fix asks to add (an NNN to amend, or the one to sign), each
  // agreement with the required clauses it lacks. Empty for every other check.
  std::vector<MissingClauses> missing_clauses;
};

struct Verdict {
  bool go = false;            // no check fails
  std::vector<Check> checks;  // in table order; for a launch, product checks then each supplier's
};
std::string_view verdict_name(const Verdict& verdict);  // "go", "no-go"

enum class Applies { kBoth, kRelease, kLaunch };
enum class Level { kProduct, kSupplier };  // run once, or once per supplier

struct CheckInfo {
  std::string_view id;
  std::string_view title;
  Applies applies;
  Level level;
  std::string_view description;  // what passes
};

// Every check, in the order verdicts list them.
std::span<const CheckInfo> check_table();

// Errors (kInput) name "gate.<setting>": negative numbers, an empty home jurisdiction, a
// registrable strategy core/catalog.h does not know.
Status check_settings(const Settings& settings);

// Errors (kInput) name "/waivers/<n>/<field>": an unknown check, an empty subject, role, reason or
// grantor, a missing expiry, an expiry before the grant. The gate never applies such a waiver.
Status check_waivers(const std::vector<Waiver>& waivers);

Verdict gate_release(const ReleaseFacts& facts, const Settings& settings);
Verdict gate_launch(const LaunchFacts& facts, const Settings& settings);

}  // namespace moat::gate
