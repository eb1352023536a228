// SPDX-License-Identifier: Apache-2.0
// Tooling use cases: the molds, dies and fixtures the owner paid for, each with a passport —
// shot-counter readings, relocations (approved or not), engineering changes to the steel
// (approved before they happen), sightings on visits, and scrapping with proof of
// destruction. Every change is recorded in the ledger; the red-flag rules read the passport.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"

namespace moat::app {

struct ToolInput {
  std::string id;    // the owner's tool number: "T-01"
  std::string kind;  // mold, die, fixture, jig, gauge
  std::string name;
  std::string owner;     // who paid for it and owns it
  std::string location;  // the supplier holding it
  std::string product;
  std::string package;
  std::string maker;
  std::string site;
  std::string marking;  // the ownership marking cast or engraved in it
  std::string id_plate;
  std::int64_t cavities = 1;
  std::int64_t parts_per_unit = 1;
  std::vector<std::string> approved_locations;  // suppliers it may be at (default: its location)
  std::optional<Date> commissioned;
  std::string note;
};
// Records a new tool. kConflict when the id is taken; kInput (naming the field) otherwise.
Status add_tool(Workspace& workspace, const Session& session, const ToolInput& input);

struct ToolEventInput {
  std::string tool;
  std::string kind;  // reading, relocation, change, sighting, scrap
  Date date = Date::from_days(0);
  std::optional<std::int64_t> shots;  // reading: the counter (never lower than an earlier one)
  std::string to;                     // relocation: the new supplier; sighting: where it was seen
  std::string approved_by;            // relocation, change: who approved it
  std::optional<Date> approved_on;    // change: approved on (before the change)
  std::string visit;                  // sighting: the visit that saw it
  std::string description;
  std::vector<std::string> evidence;  // scrap: the proof of destruction (required)
};
// Appends an event to the tool's passport (E1, E2, ... per tool) and returns its id. A
// relocation moves the tool (the event keeps where from); a scrap retires it. Errors: unknown
// tool, a reading below an earlier one, a relocation without `to`, a scrap without evidence,
// any event on a scrapped tool.
Result<std::string> record_tool_event(Workspace& workspace, const Session& session,
                                      const ToolEventInput& input);

}  // namespace moat::app
