// SPDX-License-Identifier: Apache-2.0
// The JSON shapes of the use cases' results, one copy for every front end: the CLI's --json and
// the HTTP API print the same objects, so a script written against one reads the other. The
// shapes are contracts (docs/formats.md, docs/api.md): add members, never rename them.
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/accounts.h"
#include "app/gate.h"
#include "app/import.h"
#include "app/legal.h"
#include "app/oversight.h"
#include "app/red_flags.h"
#include "app/remove.h"
#include "app/sourcing.h"
#include "app/summary.h"
#include "app/vetting.h"
#include "core/date.h"
#include "gate/gate.h"
#include "ledger/chain.h"
#include "legal/deadlines.h"
#include "plan/planner.h"

namespace moat::app {

nlohmann::json date_json(const std::optional<Date>& date);  // "2026-11-29" or null
nlohmann::json number_json(const std::optional<double>& value);

// The workspace summary (`moat status --json`, GET /api/status).
nlohmann::json summary_json(const WorkspaceSummary& summary);
// An account as `moat user list --json` and GET /api/me give it: name, display_name, role,
// supplier, person (null where not set).
nlohmann::json user_json(const User& user);

// A ledger event; an image that is not JSON (a tampered ledger) is shown as the text it is.
nlohmann::json event_json(const ledger::Event& event);
// The same with what the event changed (changed_fields), as `moat audit log` and GET
// /api/audit/log list it (the evidence bundle keeps event_json's).
nlohmann::json listed_event_json(const ledger::Event& event);

// The price of protection: [{collusion, max_exposure_share, status, cost, lower_bound}].
nlohmann::json frontier_json(const std::vector<plan::FrontierPoint>& points);

// A saved plan (`POST /api/products/{id}/plans`): {plan, state, status, cost, collusion,
// max_exposure_share, created_at, approved_by, assignments: [{package, supplier, units}]}.
nlohmann::json saved_plan_json(const SavedPlan& saved);

// A planning job (app/plan_jobs.h; GET /api/products/{id}/plan-jobs/{job}): {id, product, state,
// started_by, started_at, ended_at, time_limit, elapsed, cost, lower_bound, gap, plan, status,
// error}, null where not known (yet).
struct PlanJobView;
nlohmann::json plan_job_json(const PlanJobView& job);

// What each party of a plan holds (`moat exposure --json`, GET /api/products/{id}/plan's
// "exposure"): {plan, collusion, secrets, parties: [{party, suppliers, trusted, share, cap,
// over_cap, secrets, inferred, cells}], recipes: [{recipe, min_coalition, coalition}]}. `cells`
// has one letter per secret in `secrets`' order: D held, I inferred, a space not held.
nlohmann::json exposure_json(const ExposureReport& report);

// {verdict: "go"|"no-go", checks: [{id, subject, status, reason, fix}]}; a waived check's reason
// ends with who waived it, until when and why.
nlohmann::json verdict_json(const gate::Verdict& verdict);

nlohmann::json flag_json(const Flag& flag);
nlohmann::json agreement_json(const AgreementReview& agreement);
nlohmann::json order_json(const OrderReview& order);
nlohmann::json deadline_json(const legal::Deadline& deadline);
nlohmann::json qualification_json(const QualificationRow& row);
nlohmann::json right_json(const IpRightRow& row);  // an IP right with its events
nlohmann::json waiver_json(const WaiverRow& row);
// A recorded visit: {visit, findings, score?, passed?, failed?, failed_critical?} (score in %).
nlohmann::json visit_json(const VisitResult& visit);

// What an import read and changed (`moat import --json`): its files (delimiter, layout, fitted
// and make/buy counts) and the difference it makes (added, changed field by field, removed).
nlohmann::json import_report_json(const ImportReport& report, bool dry_run);
nlohmann::json difference_json(const Difference& difference);
// What `moat remove` removed or would remove (and the API's answer).
nlohmann::json remove_report_json(const RemoveReport& report, bool dry_run);

}  // namespace moat::app
