// SPDX-License-Identifier: Apache-2.0
#include "app/oversight.h"

#include <algorithm>

#include "app/record_fields.h"
#include "app/record_steps.h"
#include "app/records.h"
#include "app/rules.h"
#include "core/text.h"

namespace moat::app {
namespace {

constexpr std::string_view kDefaultChecklist = "ip-protection";

using nlohmann::json;
using namespace fields_of;

// How long a supplier has to correct what a failed checklist item showed.
constexpr long kCriticalDueDays = 14;
constexpr long kMajorDueDays = 30;

Date plus_days(Date date, long days) {
  return Date::from_days(date.days_since_epoch() + days);
}

std::string_view item_result_name(vet::ItemResult result) {
  switch (result) {
    case vet::ItemResult::kPass:
      return "pass";
    case vet::ItemResult::kFail:
      return "fail";
    case vet::ItemResult::kNotApplicable:
      return "na";
  }
  return "na";
}

Result<json> existing(Workspace& workspace, std::string_view table_name, const store::Key& key) {
  MOAT_TRY(std::optional<store::Record> found, workspace.store().get(table(table_name), key));
  if (!found) {
    return Error(ErrorCode::kNotFound, std::string(table_name) + "/" + store::key_text(key),
                 "no such " + std::string(table(table_name).singular));
  }
  return std::move(*found);
}

Result<std::vector<std::string>> all_ids(Workspace& workspace, std::string_view table_name) {
  MOAT_TRY(const std::vector<store::Record> all, workspace.store().list(table(table_name)));
  std::vector<std::string> ids;
  for (const json& record : all) ids.push_back(text(record, "id"));
  return ids;
}

Result<std::vector<std::string>> ids_where(Workspace& workspace, std::string_view table_name,
                                           std::string_view field, const std::string& value) {
  MOAT_TRY(const std::vector<store::Record> all, workspace.store().list(table(table_name)));
  std::vector<std::string> ids;
  for (const json& record : all) {
    if (text(record, field) == value) ids.push_back(text(record, "id"));
  }
  return ids;
}

Result<std::optional<vet::AuditScore>> score(const Workspace& workspace, const VisitInput& input) {
  if (input.checklist.empty()) {
    if (!input.items.empty()) return input_error("checklist", "items were scored but no checklist was named");
    return std::optional<vet::AuditScore>();
  }
  MOAT_TRY(const VettingRules rules, vetting_rules(workspace));
  const auto checklist = rules.checklists.find(input.checklist);
  if (checklist == rules.checklists.end()) {
    std::string known;
    for (const auto& [id, list] : rules.checklists) known += (known.empty() ? "" : ", ") + id;
    return input_error("checklist", "unknown checklist '" + input.checklist + "' (known: " + known + ")");
  }
  std::vector<vet::ItemScore> scores;
  for (const ItemInput& item : input.items) scores.push_back({item.item, item.result});
  MOAT_TRY(vet::AuditScore scored, vet::score_audit(checklist->second, scores));
  return std::optional<vet::AuditScore>(std::move(scored));
}

json visit_record(const VisitInput& input, const std::string& id,
                  const std::optional<vet::AuditScore>& scored) {
  json record = {{"id", id},
                 {"supplier", input.supplier},
                 {"kind", input.kind},
                 {"date", input.date.to_string()},
                 {"by", input.by},
                 {"checklist", optional_text(input.checklist)},
                 {"product", optional_text(input.product)},
                 {"capacity_seen", optional_integer(input.capacity_seen)},
                 {"headcount_seen", optional_integer(input.headcount_seen)},
                 {"sites_seen", input.sites_seen},
                 {"subcontractors_seen", input.subcontractors_seen},
                 {"evidence", input.evidence},
                 {"note", optional_text(input.note)}};
  if (scored) {
    record["score"] = scored->share * 100;
    record["result"] = scored->passed ? "pass" : "fail";
  }
  return record;
}

bool is_critical_item(const Workspace& workspace, const std::string& checklist, const std::string& item) {
  const Result<VettingRules> rules = vetting_rules(workspace);
  if (!rules.ok()) return false;
  const auto found = rules->checklists.find(checklist);
  if (found == rules->checklists.end()) return false;
  const auto& items = found->second.items;
  return std::any_of(items.begin(), items.end(),
                     [&](const vet::ChecklistItem& i) { return i.id == item && i.critical; });
}

std::string topic_of(const Workspace& workspace, const std::string& checklist, const std::string& item) {
  const Result<VettingRules> rules = vetting_rules(workspace);
  if (!rules.ok()) return item;
  const auto found = rules->checklists.find(checklist);
  if (found == rules->checklists.end()) return item;
  for (const vet::ChecklistItem& i : found->second.items) {
    if (i.id == item) return i.topic;
  }
  return item;
}

// The checklist's item rows, and a finding for each failed (or unscored) item.
void add_item_records(const Workspace& workspace, const VisitInput& input, const std::string& visit,
                      const vet::AuditScore& scored, std::vector<NewRecord>& records, VisitResult& result) {
  for (const ItemInput& item : input.items) {
    records.push_back({&table("audit_items"),
                       {{"visit", visit},
                        {"item", item.item},
                        {"topic", topic_of(workspace, input.checklist, item.item)},
                        {"result", item_result_name(item.result)},
                        {"critical", is_critical_item(workspace, input.checklist, item.item)},
                        {"note", optional_text(item.note)},
                        {"evidence", item.evidence}}});
  }
  for (const std::string& failed : scored.failed) {
    const bool critical = is_critical_item(workspace, input.checklist, failed);
    const std::string id = "F" + std::to_string(result.findings.size() + 1);
    const bool unscored =
        std::find(scored.unscored.begin(), scored.unscored.end(), failed) != scored.unscored.end();
    records.push_back(
        {&table("findings"),
         {{"visit", visit},
          {"id", id},
          {"severity", critical ? "critical" : "major"},
          {"item", failed},
          {"description", std::string(unscored ? "Not checked: " : "Failed: ") +
                              topic_of(workspace, input.checklist, failed)},
          {"due", plus_days(input.date, critical ? kCriticalDueDays : kMajorDueDays).to_string()},
          {"state", "open"},
          {"evidence", json::array()}}});
    result.findings.push_back(visit + "/" + id);
  }
}

// The supplier as the audit saw it; the visit keeps the values it replaced.
void update_supplier(json& supplier, json& visit, const VisitInput& input) {
  if (input.capacity_seen) {
    visit["capacity_before"] = supplier["capacity"];
    supplier["capacity"] = *input.capacity_seen;
  }
  if (input.headcount_seen) {
    visit["headcount_before"] = supplier["headcount"];
    supplier["headcount"] = *input.headcount_seen;
  }
}

Result<json> finding_record(Workspace& workspace, const std::string& visit, const std::string& finding) {
  return existing(workspace, "findings", {visit, finding});
}

Status put_one(Workspace& workspace, store::Writer& writer, std::string_view table_name, json record) {
  MOAT_CHECK(put_checked(workspace, writer, {{&table(table_name), std::move(record)}}));
  return {};
}

}  // namespace

Status assign_person(Workspace& workspace, const Session& session, const AssignmentInput& input) {
  if (input.to && *input.to < input.from) return input_error("to", "the assignment ends before it starts");
  json record = {{"supplier", input.supplier},
                 {"person", input.person},
                 {"from", input.from.to_string()},
                 {"role", input.role},
                 {"to", input.to ? json(input.to->to_string()) : json()},
                 {"note", optional_text(input.note)}};
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             // Our agent or engineer: one of our people (no supplier in people.csv) or the staff of one of
             // our own facilities, never a supplier's employee sent to watch a factory for us.
             MOAT_TRY(const std::optional<store::Record> person,
                      workspace.store().get(table("people"), {input.person}));
             const std::string employer = person ? text(*person, "supplier") : "";
             if (!employer.empty()) {
               MOAT_TRY(const std::optional<store::Record> supplier,
                        workspace.store().get(table("suppliers"), {employer}));
               if (!supplier || supplier->value("trusted", nlohmann::json(false)) != nlohmann::json(true)) {
                 return input_error("PERSON",
                                    input.person + " works at " + employer +
                                        " (people.csv), not for us: assign our own agents and engineers");
               }
             }
             return put_one(workspace, writer, "assignments", record);
           }));
  (void)events;
  return {};
}

Result<vet::ItemResult> parse_item_result(std::string_view text, const std::string& where) {
  if (text == "pass") return vet::ItemResult::kPass;
  if (text == "fail") return vet::ItemResult::kFail;
  if (text == "na") return vet::ItemResult::kNotApplicable;
  return input_error(where, "'" + std::string(text) + "' is not pass, fail or na");
}

store::PageQuery visit_selection(const std::string& state) {
  store::PageQuery selection;
  if (!state.empty()) {
    selection.condition =
        R"(EXISTS (SELECT 1 FROM "findings" WHERE "findings"."visit" = "visits"."id" AND "findings"."state" = ?))";
    selection.condition_params.emplace_back(state);
  }
  selection.order = {{"date", true, false}, {"id", true, true}, {"id", true, false}};
  return selection;
}

Result<VisitResult> record_visit(Workspace& workspace, const Session& session, const VisitInput& given) {
  VisitInput input = given;
  if (!input.items.empty() && input.checklist.empty() && input.kind == "audit")
    input.checklist = kDefaultChecklist;
  MOAT_TRY(const std::optional<vet::AuditScore> scored, score(workspace, input));
  VisitResult result;
  result.score = scored;
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             MOAT_TRY(json supplier, existing(workspace, "suppliers", {input.supplier}));
             MOAT_TRY(const std::vector<std::string> ids, all_ids(workspace, "visits"));
             result.id = next_id(ids, "V");
             json visit = visit_record(input, result.id, scored);
             std::vector<NewRecord> records;
             if (input.update_supplier) {
               update_supplier(supplier, visit, input);
               records.push_back({&table("suppliers"), supplier});
             }
             records.insert(records.begin(), {&table("visits"), visit});
             if (scored) add_item_records(workspace, input, result.id, *scored, records, result);
             MOAT_CHECK(put_checked(workspace, writer, std::move(records)));
             return {};
           }));
  (void)events;
  return result;
}

Result<std::string> add_finding(Workspace& workspace, const Session& session, const FindingInput& input) {
  std::string id;
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             MOAT_CHECK(existing(workspace, "visits", {input.visit}));
             MOAT_TRY(const std::vector<std::string> ids,
                      ids_where(workspace, "findings", "visit", input.visit));
             id = next_id(ids, "F");
             return put_one(workspace, writer, "findings",
                            {{"visit", input.visit},
                             {"id", id},
                             {"severity", input.severity},
                             {"item", optional_text(input.item)},
                             {"description", input.description},
                             {"action", optional_text(input.action)},
                             {"owner", optional_text(input.owner)},
                             {"due", input.due ? json(input.due->to_string()) : json()},
                             {"state", "open"},
                             {"evidence", input.evidence}});
           }));
  (void)events;
  return id;
}

Status answer_finding(Workspace& workspace, const Session& session, const std::string& visit,
                      const std::string& finding, const std::string& answer) {
  if (trim(answer).empty()) return input_error("answer", "the answer is empty");
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             if (!session.supplier.empty()) {
               // A supplier user answers the findings of visits to its own supplier only; another's
               // is answered exactly as one that does not exist, so that nothing tells it what
               // exists beyond its own.
               MOAT_TRY(const std::optional<store::Record> found,
                        workspace.store().get(table("visits"), {visit}));
               if (!found || text(*found, "supplier") != session.supplier) {
                 return Error(ErrorCode::kNotFound, "findings/" + visit + "/" + finding, "no such finding");
               }
             }
             MOAT_TRY(json record, finding_record(workspace, visit, finding));
             if (text(record, "state") == "closed") {
               return Error(ErrorCode::kConflict, "findings/" + visit + "/" + finding,
                            "the finding is closed already");
             }
             record["answer"] = answer;
             record["state"] = "answered";
             return put_one(workspace, writer, "findings", std::move(record));
           }));
  (void)events;
  return {};
}

Status close_finding(Workspace& workspace, const Session& session, const std::string& visit,
                     const std::string& finding, Date closed_on) {
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             MOAT_TRY(json record, finding_record(workspace, visit, finding));
             if (text(record, "state") == "closed") {
               return Error(ErrorCode::kConflict, "findings/" + visit + "/" + finding,
                            "the finding is closed already");
             }
             record["state"] = "closed";
             record["closed_on"] = closed_on.to_string();
             record["closed_by"] = session.actor;
             return put_one(workspace, writer, "findings", std::move(record));
           }));
  (void)events;
  return {};
}

}  // namespace moat::app
