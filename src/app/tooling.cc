// SPDX-License-Identifier: Apache-2.0
#include "app/tooling.h"

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "app/record_fields.h"
#include "app/record_steps.h"
#include "app/records.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;

json tool_record(const ToolInput& input) {
  const std::vector<std::string> approved =
      input.approved_locations.empty() ? std::vector<std::string>{input.location} : input.approved_locations;
  return {{"id", input.id},
          {"product", optional_text(input.product)},
          {"package", optional_text(input.package)},
          {"kind", input.kind},
          {"name", input.name},
          {"owner", input.owner},
          {"maker", optional_text(input.maker)},
          {"location", input.location},
          {"site", optional_text(input.site)},
          {"marking", optional_text(input.marking)},
          {"id_plate", optional_text(input.id_plate)},
          {"cavities", input.cavities},
          {"parts_per_unit", input.parts_per_unit},
          {"approved_locations", approved},
          {"state", "active"},
          {"commissioned", input.commissioned ? json(input.commissioned->to_string()) : json()},
          {"note", optional_text(input.note)}};
}

// The highest shot count read on or before `date`, when any.
std::optional<std::int64_t> reading_before(const std::vector<store::Record>& events, const std::string& tool,
                                           Date date) {
  std::optional<std::int64_t> highest;
  for (const json& event : events) {
    if (text(event, "tool") != tool || text(event, "kind") != "reading") continue;
    const std::optional<Date> on = fields_of::date(event, "date");
    const std::optional<std::int64_t> shots = integer(event, "shots");
    if (on && shots && *on <= date && (!highest || *shots > *highest)) highest = shots;
  }
  return highest;
}

// The lowest shot count read after `date` (the day itself excluded), with its day, when any.
std::optional<std::pair<std::int64_t, Date>> reading_after(const std::vector<store::Record>& events,
                                                           const std::string& tool, Date date) {
  std::optional<std::pair<std::int64_t, Date>> lowest;
  for (const json& event : events) {
    if (text(event, "tool") != tool || text(event, "kind") != "reading") continue;
    const std::optional<Date> on = fields_of::date(event, "date");
    const std::optional<std::int64_t> shots = integer(event, "shots");
    if (on && shots && *on > date && (!lowest || *shots < lowest->first)) lowest = std::pair{*shots, *on};
  }
  return lowest;
}

// The passport's latest event of one of `kinds` (any kind when empty): its id and day.
std::optional<std::pair<std::string, Date>> latest_event(const std::vector<store::Record>& events,
                                                         const std::string& tool,
                                                         std::initializer_list<std::string_view> kinds) {
  std::optional<std::pair<std::string, Date>> latest;
  for (const json& event : events) {
    if (text(event, "tool") != tool) continue;
    const std::string kind = text(event, "kind");
    if (kinds.size() > 0 && std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) continue;
    const std::optional<Date> on = fields_of::date(event, "date");
    if (on && (!latest || *on > latest->second)) latest = std::pair{text(event, "id"), *on};
  }
  return latest;
}

Status check_event(const ToolEventInput& input, const json& tool, const std::vector<store::Record>& events) {
  if (text(tool, "state") == "scrapped") {
    return Error(ErrorCode::kConflict, "tooling/" + input.tool,
                 "the tool was scrapped: its passport is closed");
  }
  if (input.kind == "reading") {
    if (!input.shots) return input_error("shots", "a reading needs the shot counter");
    const std::optional<std::int64_t> before = reading_before(events, input.tool, input.date);
    if (before && *input.shots < *before) {
      return input_error("shots", "the counter reads " + std::to_string(*input.shots) + ", below the " +
                                      std::to_string(*before) +
                                      " read earlier: shot counters do not go back");
    }
    // Nor does a reading entered late: it may not exceed what the counter showed after its day.
    if (const auto after = reading_after(events, input.tool, input.date);
        after && *input.shots > after->first) {
      return input_error("shots", "the counter reads " + std::to_string(*input.shots) + " on " +
                                      input.date.to_string() + ", above the " + std::to_string(after->first) +
                                      " read on " + after->second.to_string() +
                                      ", after it: shot counters do not go back");
    }
  }
  // Scrapping closes the passport and a relocation moves the tool from where it is: neither may be
  // dated before what the passport already records after it.
  if (input.kind == "scrap" || input.kind == "relocation") {
    const auto latest = input.kind == "scrap" ? latest_event(events, input.tool, {})
                                              : latest_event(events, input.tool, {"relocation"});
    if (latest && latest->second > input.date) {
      return input_error("date", "the " + input.kind + " is dated " + input.date.to_string() + ", before " +
                                     input.tool + "/" + latest->first + " of " + latest->second.to_string() +
                                     ": the passport runs in order of days");
    }
  }
  if ((input.kind == "relocation" || input.kind == "sighting") && input.to.empty()) {
    return input_error("to", "a " + input.kind + " needs where the tool went or was seen");
  }
  if (input.kind == "scrap" && input.evidence.empty()) {
    return input_error("evidence", "scrapping a tool needs proof of destruction (a document)");
  }
  return {};
}

json event_record(const ToolEventInput& input, const std::string& id, const json& tool) {
  const bool moved = input.kind == "relocation";
  std::optional<Date> approved_on = input.approved_on;
  if (!approved_on && !input.approved_by.empty() && moved) approved_on = input.date;
  return {{"tool", input.tool},
          {"id", id},
          {"date", input.date.to_string()},
          {"kind", input.kind},
          {"shots", input.shots ? json(*input.shots) : json()},
          {"from", moved ? json(text(tool, "location")) : json()},
          {"to", input.to.empty() ? json() : json(input.to)},
          {"approved_by", optional_text(input.approved_by)},
          {"approved_on", approved_on ? json(approved_on->to_string()) : json()},
          {"visit", optional_text(input.visit)},
          {"description", optional_text(input.description)},
          {"evidence", input.evidence}};
}

}  // namespace

Status add_tool(Workspace& workspace, const Session& session, const ToolInput& input) {
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             MOAT_TRY(const std::optional<store::Record> taken,
                      workspace.store().get(table("tooling"), {input.id}));
             if (taken)
               return Error(ErrorCode::kConflict, "tooling/" + input.id,
                            "a tool with this id exists already");
             MOAT_CHECK(put_checked(workspace, writer, {{&table("tooling"), tool_record(input)}}));
             return {};
           }));
  (void)events;
  return {};
}

Result<std::string> record_tool_event(Workspace& workspace, const Session& session,
                                      const ToolEventInput& input) {
  std::string id;
  MOAT_TRY(const std::int64_t count,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             MOAT_TRY(std::optional<store::Record> tool,
                      workspace.store().get(table("tooling"), {input.tool}));
             if (!tool) return Error(ErrorCode::kNotFound, "tooling/" + input.tool, "no such tool");
             MOAT_TRY(const std::vector<store::Record> events, workspace.store().list(table("tool_events")));
             MOAT_CHECK(check_event(input, *tool, events));
             std::vector<std::string> ids;
             for (const json& event : events) {
               if (text(event, "tool") == input.tool) ids.push_back(text(event, "id"));
             }
             id = next_id(ids, "E");
             std::vector<NewRecord> records{{&table("tool_events"), event_record(input, id, *tool)}};
             if (input.kind == "relocation") (*tool)["location"] = input.to;
             if (input.kind == "scrap") (*tool)["state"] = "scrapped";
             if (input.kind == "relocation" || input.kind == "scrap")
               records.push_back({&table("tooling"), *tool});
             MOAT_CHECK(put_checked(workspace, writer, std::move(records)));
             return {};
           }));
  (void)count;
  return id;
}

}  // namespace moat::app
