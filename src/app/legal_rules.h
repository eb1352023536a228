// SPDX-License-Identifier: Apache-2.0
// The legal rules a workspace works by: the IP deadline rules, the IP offices' holiday calendars
// and the agreement quality checks (compiled in from rules/deadlines.toml, rules/calendars/*.toml
// and rules/agreements.toml), the agreement policy (moat.toml [policy]) and the gate's settings
// (moat.toml [policy] and [gate]). Errors name the file, line and column of a bad value.
#pragma once

#include <string>
#include <vector>

#include "app/workspace.h"
#include "core/result.h"
#include "gate/facts.h"
#include "legal/agreement_check.h"
#include "legal/calendar.h"
#include "legal/deadlines.h"

namespace moat::app {

struct LegalRules {
  legal::DeadlineRules deadlines;
  legal::Calendars calendars;
  legal::AgreementRules agreements;
  legal::AgreementPolicy agreement_policy;  // [policy] min_liquidated_damages
  int expiry_warning_days = 60;             // [policy] agreement_expiry_warning_days
  gate::Settings gate;                     // [policy] collusion, allow_conditional; [gate]; home_jurisdiction
  std::vector<std::string> company_names;  // the company, then [gate] company_names
};

// The rules of `workspace`. Fails (kInput) on a bad [gate] value or a compiled-in rule file that
// does not parse.
Result<LegalRules> legal_rules(const Workspace& workspace);

}  // namespace moat::app
