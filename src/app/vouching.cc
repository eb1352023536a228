// SPDX-License-Identifier: Apache-2.0
#include "app/vouching.h"

#include <algorithm>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "app/audit.h"
#include "app/ledger_head.h"
#include "ledger/chain.h"
#include "ledger/merkle.h"
#include "store/tree.h"

namespace moat::app {
namespace {

std::string event_name(std::int64_t seq) {
  return "event " + std::to_string(seq);
}

store::Key key_parts(const std::string& key) {
  store::Key parts;
  std::size_t from = 0;
  for (std::size_t at = key.find('/'); at != std::string::npos; at = key.find('/', from)) {
    parts.push_back(key.substr(from, at - from));
    from = at + 1;
  }
  parts.push_back(key.substr(from));
  return parts;
}

// The events that put or removed the record, in order.
Result<std::vector<ledger::Event>> events_of(store::Database& db, const RecordRef& record) {
  const store::SqlValue params[] = {record.table, record.key};
  MOAT_TRY(std::vector<store::SqlRow> rows,
           db.query("SELECT " + std::string(store::event_columns()) +
                        R"( FROM "ledger" WHERE "entity" = ? AND "entity_key" = ?)"
                        R"( AND "action" IN ('put', 'remove') ORDER BY "seq")",
                    params));
  std::vector<ledger::Event> events;
  for (store::SqlRow& row : rows) {
    MOAT_TRY(ledger::Event event, store::event_of_row(std::move(row)));
    events.push_back(std::move(event));
  }
  return events;
}

// Why `event` is not the one the log holds (nullopt: it is). An event the checkpoint covers is
// proven in its signed root; one after it was rehashed and linked by the head check.
Result<std::optional<std::string>> altered(store::Database& db, const HeadCheck& head,
                                           const ledger::Event& event) {
  if (ledger::compute_hash(event) != event.hash) {
    return std::optional<std::string>(event_name(event.seq) +
                                      " was altered: its contents no longer match its hash");
  }
  if (event.seq > head.events) {
    return std::optional<std::string>(event_name(event.seq) +
                                      " was written after the ledger's head was checked: "
                                      "trace again");
  }
  const auto seq = static_cast<std::uint64_t>(event.seq);
  if (seq > head.checkpoint_size) return std::optional<std::string>();
  const std::vector<ledger::Range> ranges = ledger::inclusion_ranges(seq - 1, head.checkpoint_size);
  Result<std::vector<ledger::Hash>> path = store::tree_range_hashes(db, ranges);
  if (path.ok() && ledger::verify_inclusion(seq - 1, head.checkpoint_size, ledger::event_leaf(event), *path,
                                            head.checkpoint_root)) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(event_name(event.seq) + " is not the event the signed checkpoint of " +
                                    std::to_string(head.checkpoint_size) + " events holds: it was altered");
}

std::string event_list(const std::vector<ledger::Event>& events) {
  std::string out;
  for (const ledger::Event& e : events) out += (out.empty() ? "" : ", ") + std::to_string(e.seq);
  return (events.size() == 1 ? "event " : "events ") + out;
}

// What a release may change after it is made: its state, and who revoked it or confirmed its return.
bool release_state_field(const std::string& field) {
  static const std::set<std::string> kState = {"state",       "revoked_at",  "revoked_by",   "revoke_reason",
                                               "returned_at", "returned_by", "return_reason"};
  return kState.contains(field);
}

// Records fixed when they are made: a copy (what was handed out, to whom) and what a release gave
// (to which supplier, what, when; only its state changes after). One changed since, even through
// moat (`moat set`, an import), or a copy recorded apart from its release, is not evidence of a
// disclosure: the ledger then vouches for an edit, not for what left.
Status check_fixed(store::Store& store, const store::Table& table, const std::vector<ledger::Event>& events,
                   const std::string& stored, RecordVouching& out) {
  const std::string name = out.record.name();
  const ledger::Event& first = events.front();
  if (out.record.table == "copies") {
    if (events.size() != 1 || first.before) {
      out.problem = name + " was changed after it was made (" + event_list(events) +
                    "): a copy records what was handed out, so a changed one is not evidence";
      return {};
    }
    const nlohmann::json copy = nlohmann::json::parse(stored, nullptr, false);
    const RecordRef release{"releases", copy.is_object() ? copy.value("release", "") : ""};
    MOAT_TRY(const std::vector<ledger::Event> made, events_of(store.database(), release));
    if (made.empty() || made.front().at != first.at) {
      out.problem = name + " was not recorded with " + release.name() + " (" + event_list(events) +
                    "): a copy is made by its release, not added after it";
    }
    return {};
  }
  if (out.record.table != "releases") return {};
  const nlohmann::json was = nlohmann::json::parse(
                           first.after ? recorded_as_current(table, *first.after) : std::string(), nullptr,
                           false),
                       now = nlohmann::json::parse(stored, nullptr, false);
  if (first.before || !was.is_object() || !now.is_object()) {
    out.problem = name + " was not recorded as made in " + event_name(first.seq);
    return {};
  }
  std::set<std::string> fields;
  for (auto it = was.begin(); it != was.end(); ++it) fields.insert(it.key());
  for (auto it = now.begin(); it != now.end(); ++it) fields.insert(it.key());
  for (const std::string& field : fields) {
    if (release_state_field(field) || field == "row_version") continue;
    if (was.value(field, nlohmann::json()) != now.value(field, nlohmann::json())) {
      out.problem = name + "'s " + field + " was changed after the release was made (" + event_list(events) +
                    "): a release records what was given, to whom and when, so a changed one is not evidence";
      return {};
    }
  }
  return {};
}

// The record checked against its events; `vouched` is left to the caller (the head counts too).
Status check_record(store::Store& store, const HeadCheck& head, RecordVouching& out) {
  const std::string name = out.record.name();
  const store::Table* table = store::find_table(out.record.table);
  if (!table) return internal_error("no table " + out.record.table + " to vouch for");
  MOAT_TRY(const std::vector<ledger::Event> events, events_of(store.database(), out.record));
  MOAT_TRY(const std::optional<store::Record> stored, store.get(*table, key_parts(out.record.key)));
  if (events.empty()) {
    out.problem = name + " was never recorded by the ledger (added outside moat)";
    return {};
  }
  for (const ledger::Event& event : events) {
    MOAT_TRY(const std::optional<std::string> why, altered(store.database(), head, event));
    if (why) {
      out.problem = *why + " (it records " + name + ")";
      return {};
    }
  }
  const ledger::Event& last = events.back();
  out.event = last.seq;
  if (!last.after || !stored) {
    out.problem = name +
                  (stored ? " is stored, but the ledger recorded it removed by "
                          : " is not stored, though the ledger last recorded it in ") +
                  event_name(last.seq);
    return {};
  }
  const std::string text = store::canonical_json(*stored);
  if (*last.after != text && recorded_as_current(*table, *last.after) != text) {
    out.problem = name + " differs from what the ledger last recorded (" + event_name(last.seq) +
                  "): changed outside moat";
    return {};
  }
  return check_fixed(store, *table, events, text, out);
}

}  // namespace

bool Vouching::all_vouched() const {
  return std::all_of(records.begin(), records.end(), [](const RecordVouching& r) { return r.vouched; });
}

std::vector<std::string> Vouching::problems() const {
  std::vector<std::string> out;
  if (!head_ok) out.push_back("the ledger's head fails verification: " + head_problem);
  for (const RecordVouching& r : records) {
    if (!r.problem.empty()) out.push_back(r.problem);
  }
  return out;
}

Result<Vouching> vouch_for(Workspace& workspace, std::span<const RecordRef> records) {
  Vouching out;
  // The head first, in its own snapshot (it reads the witness before it); an event written since
  // is then named as such rather than taken on trust.
  MOAT_TRY(const HeadCheck head, check_ledger_head(workspace));
  out.head_ok = head.ok;
  out.head_problem = head.problem;
  out.checkpoint_size = head.checkpoint_size;
  store::Store& store = workspace.store();
  const auto check_records = [&]() -> Status {
    for (const RecordRef& record : records) {
      const bool seen = std::any_of(out.records.begin(), out.records.end(), [&](const RecordVouching& r) {
        return r.record.table == record.table && r.record.key == record.key;
      });
      if (seen) continue;
      RecordVouching checked{record};
      MOAT_CHECK(check_record(store, head, checked));
      checked.vouched = head.ok && checked.problem.empty();
      out.records.push_back(std::move(checked));
    }
    return {};
  };
  MOAT_CHECK(store.read_snapshot(check_records));
  return out;
}

Result<std::optional<std::string>> recorded_by(Workspace& workspace, const RecordRef& record,
                                               std::int64_t seq) {
  const store::Table* table = store::find_table(record.table);
  if (!table) return internal_error("no table " + record.table + " in the ledger's records");
  MOAT_TRY(const std::vector<ledger::Event> events, events_of(workspace.store().database(), record));
  const ledger::Event* last = nullptr;
  for (const ledger::Event& event : events) {
    if (event.seq <= seq) last = &event;
  }
  if (!last || !last->after) return std::optional<std::string>();
  return std::optional<std::string>(recorded_as_current(*table, *last->after));
}

}  // namespace moat::app
