// SPDX-License-Identifier: Apache-2.0
// On-site oversight use cases: who is assigned to watch a supplier (agents and engineers, from
// and to), visits and audits scored against a checklist (rules/checklists.toml), the findings
// they raise with corrective actions, owners and due dates, and the supplier's answers. An
// audit may update what moat believes of a supplier (capacity, headcount); the visit keeps the
// values it replaced. Every change is recorded in the ledger.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"
#include "vet/checklist.h"

namespace moat::app {

struct AssignmentInput {
  std::string supplier;
  std::string person;  // a person of the workspace (people.csv): our agent or engineer
  std::string role;    // agent, engineer, quality or auditor
  Date from = Date::from_days(0);
  std::optional<Date> to;
  std::string note;
};
// Records an on-site assignment. Errors: unknown supplier or person, `to` before `from`.
Status assign_person(Workspace& workspace, const Session& session, const AssignmentInput& input);

struct ItemInput {
  std::string item;  // a checklist item id
  vet::ItemResult result = vet::ItemResult::kPass;
  std::string note;
  std::vector<std::string> evidence;  // document ids
};

struct VisitInput {
  std::string supplier;
  std::string kind = "audit";  // audit, visit or owner-visit
  Date date = Date::from_days(0);
  std::vector<std::string> by;  // who visited
  std::string checklist;        // empty: no checklist (a plain visit)
  std::string product;
  std::vector<ItemInput> items;
  std::optional<std::int64_t> capacity_seen;
  std::optional<std::int64_t> headcount_seen;
  std::vector<std::string> sites_seen;
  std::vector<std::string> subcontractors_seen;
  bool update_supplier = false;  // capacity and headcount seen become the supplier's
  std::vector<std::string> evidence;
  std::string note;
};

struct VisitResult {
  std::string id;  // V1, V2, ...
  std::optional<vet::AuditScore> score;
  std::vector<std::string> findings;  // raised for failed items: "V3/F1"
};

// The visits a list shows, newest first (by date, then the highest number: V10 before V9), for a
// page read in the database (app/reads.h): with a finding in `state` when it is not empty.
store::PageQuery visit_selection(const std::string& state);

// Records a visit. With a checklist, scores its items (vet::score_audit) and raises a finding
// for each failed item: critical items critical (due in 14 days), others major (30 days).
// Errors: unknown supplier, checklist or item (kInput naming it), a checklist on a plain visit.
// An audit with items and no checklist is scored against the ip-protection checklist.
Result<VisitResult> record_visit(Workspace& workspace, const Session& session, const VisitInput& input);

// A checklist item's result as people write it, "pass", "fail" or "na" (the CLI's --item and
// the API's items[].result); kInput at `where` for anything else.
Result<vet::ItemResult> parse_item_result(std::string_view text, const std::string& where);

struct FindingInput {
  std::string visit;
  std::string severity;  // critical, major, minor, observation
  std::string description;
  std::string item;    // the checklist item, if any
  std::string action;  // the corrective action asked for
  std::string owner;   // who must carry it out
  std::optional<Date> due;
  std::vector<std::string> evidence;
};
// Records a finding (F1, F2, ... per visit) and returns its id.
Result<std::string> add_finding(Workspace& workspace, const Session& session, const FindingInput& input);

// The supplier's answer to a finding (state becomes "answered"). A session of a supplier user
// (Session::supplier) answers only the findings of visits to its own supplier: any other, like one
// that does not exist, is kNotFound "no such finding".
Status answer_finding(Workspace& workspace, const Session& session, const std::string& visit,
                      const std::string& finding, const std::string& answer);
// Closes a finding on `closed_on`, by the session's actor. kConflict when already closed.
Status close_finding(Workspace& workspace, const Session& session, const std::string& visit,
                     const std::string& finding, Date closed_on);

}  // namespace moat::app
