// SPDX-License-Identifier: Apache-2.0
// Supplier qualification as data: criteria with weights and knock-outs, score bands that give a
// result (qualified, conditional), the risk tier and the exposure cap each result allows, and
// how long it stays valid. `qualify` turns one assessment's scores into that outcome; it is
// pure (the assessment's date is passed in) and never reads the clock. Rules come from
// rules/qualification.toml, overridable in moat.toml: nothing here hard-codes a criterion.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/result.h"

namespace moat::vet {

struct Criterion {
  std::string id;     // "ip_incidents"
  std::string group;  // "IP discipline"
  std::string title;  // for people
  double weight = 1;  // > 0
  // A score below this rejects the supplier whatever its total (a proven IP theft).
  std::optional<double> knockout_below;
};

// A result a total score earns: the lowest score that earns it and what it allows.
struct Band {
  std::string result;             // "qualified" or "conditional"
  double min_score = 0;           // percent, 0..100
  std::string tier;               // "low risk", ...
  double max_exposure_share = 1;  // the cap the planner applies to the supplier
  int valid_months = 12;          // re-qualification due after this many months
};

struct QualificationRules {
  double max_score = 5;                 // each criterion is scored 0..max_score
  bool require_every_criterion = true;  // an assessment must score every criterion
  std::vector<Criterion> criteria;
  std::vector<Band> bands;  // any order; the highest min_score met wins
};

struct Score {
  std::string criterion;
  double value = 0;
};

struct Outcome {
  std::string result;                        // qualified, conditional or rejected
  double score = 0;                          // weighted percent, 0..100
  std::string tier;                          // "" when rejected
  std::optional<double> max_exposure_share;  // nullopt when rejected
  std::optional<Date> valid_until;           // nullopt when rejected
  std::vector<std::string> knocked_out_by;   // criteria whose knock-out applied
  std::string explanation;                   // one line: how the result follows from the scores
};

// Checks the rules themselves: ids unique, weights positive, bands with known results and caps
// in [0, 1], knock-outs within the scale. Errors name "criteria/<id>" or "bands/<n>".
Status check_rules(const QualificationRules& rules);

// The outcome of one assessment made on `assessed_on`. Errors (kInput, where = the criterion's
// id): a criterion the rules do not know, one scored twice, a score outside 0..max_score, and —
// when the rules require it — a criterion left unscored.
Result<Outcome> qualify(const QualificationRules& rules, const std::vector<Score>& scores, Date assessed_on);

// The status the planner and the gate use: a qualified or conditional supplier whose
// qualification ended before `today` is "expired"; anything else is its stored status.
std::string effective_status(const std::string& stored, const std::optional<Date>& valid_until, Date today);

}  // namespace moat::vet
