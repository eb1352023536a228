// SPDX-License-Identifier: Apache-2.0
#include "app/audit.h"

#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "store/counts.h"

namespace moat::app {
namespace {

constexpr std::size_t kMaxStateProblems = 20;
constexpr std::int64_t kEventsPerRead = 20000;  // events read per query when progress is shown

// Counts what a verification goes through, for the progress shown.
struct Tally {
  const Progress& progress;
  std::size_t done = 0, total = 0;
  void add(std::size_t n) { tell(progress, done += n, total); }
};

// Every event, in pages when progress is shown (one query otherwise).
Result<std::vector<ledger::Event>> read_events(store::Store& store, Tally& tally) {
  if (!tally.progress) return store.events(1, -1);
  MOAT_TRY(const std::int64_t count, store.event_count());
  MOAT_TRY(const std::size_t records, store::record_count(store));
  tally.total = static_cast<std::size_t>(count) * 2 + records;
  std::vector<ledger::Event> events;
  events.reserve(static_cast<std::size_t>(count));
  while (true) {
    MOAT_TRY(auto page, store.events(static_cast<std::int64_t>(events.size()) + 1, kEventsPerRead));
    if (page.empty()) break;
    tally.add(page.size());
    std::move(page.begin(), page.end(), std::back_inserter(events));
  }
  return events;
}

// What the ledger says each record is now: the `after` of its last event (nullopt: removed).
std::map<std::pair<std::string, std::string>, std::optional<std::string>> replay(
    const std::vector<ledger::Event>& events) {
  std::map<std::pair<std::string, std::string>, std::optional<std::string>> state;
  for (const ledger::Event& event : events) {
    if (!store::find_table(event.entity)) continue;  // not a record event
    if (event.action != "put" && event.action != "remove") continue;
    state[{event.entity, event.key}] = event.after;
  }
  return state;
}

// The ledger's record as it reads today: a field added by a later migration is absent from the
// events written before it, and stands at its default (null when it has none).
std::string as_current(const store::Table& table, const std::string& recorded) {
  nlohmann::json record = nlohmann::json::parse(recorded, nullptr, false);
  if (!record.is_object()) return recorded;
  for (const store::Field& field : table.fields) {
    if (record.contains(field.name)) continue;
    record[std::string(field.name)] =
        field.default_json.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(field.default_json);
  }
  return store::canonical_json(record);
}

Status compare_state(store::Store& store, const std::vector<ledger::Event>& events, AuditReport& report,
                     Tally& tally) {
  auto expected = replay(events);
  for (const store::Table& table : store::tables()) {
    MOAT_TRY(const auto records, store.list(table));
    tally.add(records.size());
    for (const store::Record& record : records) {
      ++report.records_checked;
      const std::string key = store::key_text(store::key_of(table, record));
      const auto it = expected.find({std::string(table.name), key});
      const std::string name = std::string(table.name) + "/" + key;
      if (it == expected.end() || !it->second) {
        report.state_problems.push_back(name +
                                        " is stored but the ledger never recorded it (added outside moat)");
      } else if (const std::string stored = store::canonical_json(record);
                 *it->second != stored && as_current(table, *it->second) != stored) {
        report.state_problems.push_back(name +
                                        " differs from what the ledger last recorded (changed outside moat)");
      }
      if (it != expected.end()) expected.erase(it);
      if (report.state_problems.size() >= kMaxStateProblems) return {};
    }
  }
  for (const auto& [id, after] : expected) {
    if (after)
      report.state_problems.push_back(id.first + "/" + id.second +
                                      " is in the ledger but missing (deleted outside moat)");
    if (report.state_problems.size() >= kMaxStateProblems) break;
  }
  return {};
}

Result<AuditReport> verify(store::Store& store, Workspace* workspace, const Progress& progress) {
  AuditReport report;
  Tally tally{progress};
  // The witness first: it is written after each commit, so the snapshot read next is at least
  // as new as it. Events, tree and records then come from that one snapshot.
  MOAT_TRY(const auto witness, store.read_witness());
  report.witness_present = witness.has_value();
  MOAT_CHECK(store.read_snapshot([&]() -> Status {
    MOAT_TRY(const auto events, read_events(store, tally));
    report.chain = ledger::verify(events, witness);
    if (!report.chain.ok) return {};  // the account itself is broken: state cannot be judged
    if (workspace) {
      MOAT_TRY(report.tree, audit_tree(*workspace, events));
      if (!report.tree_ok()) return {};
    }
    tally.add(events.size());
    return compare_state(store, events, report, tally);
  }));
  return report;
}

}  // namespace

Result<AuditReport> verify_ledger(Workspace& workspace, const Progress& progress) {
  return verify(workspace.store(), &workspace, progress);
}

Result<AuditReport> verify_store(store::Store& store) {
  return verify(store, nullptr, {});
}

Result<std::vector<ledger::Event>> ledger_events(Workspace& workspace, std::int64_t from_seq,
                                                 std::int64_t limit) {
  return workspace.store().events(from_seq, limit);
}

}  // namespace moat::app
