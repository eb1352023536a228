// SPDX-License-Identifier: Apache-2.0
#include "app/audit.h"

#include <map>
#include <nlohmann/json.hpp>

namespace moat::app {
namespace {

constexpr std::size_t kMaxStateProblems = 20;

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

Status compare_state(store::Store& store, const std::vector<ledger::Event>& events, AuditReport& report) {
  auto expected = replay(events);
  for (const store::Table& table : store::tables()) {
    MOAT_TRY(const auto records, store.list(table));
    for (const store::Record& record : records) {
      ++report.records_checked;
      const std::string key = store::key_text(store::key_of(table, record));
      const auto it = expected.find({std::string(table.name), key});
      const std::string name = std::string(table.name) + "/" + key;
      if (it == expected.end() || !it->second) {
        report.state_problems.push_back(name + " is stored but the ledger never recorded it (added outside moat)");
      } else if (*it->second != store::canonical_json(record)) {
        report.state_problems.push_back(name + " differs from what the ledger last recorded (changed outside moat)");
      }
      if (it != expected.end()) expected.erase(it);
      if (report.state_problems.size() >= kMaxStateProblems) return {};
    }
  }
  for (const auto& [id, after] : expected) {
    if (after) report.state_problems.push_back(id.first + "/" + id.second + " is in the ledger but missing (deleted outside moat)");
    if (report.state_problems.size() >= kMaxStateProblems) break;
  }
  return {};
}

Result<AuditReport> verify(store::Store& store, Workspace* workspace) {
  AuditReport report;
  // The witness first: it is written after each commit, so the snapshot read next is at least
  // as new as it. Events, tree and records then come from that one snapshot.
  MOAT_TRY(const auto witness, store.read_witness());
  report.witness_present = witness.has_value();
  MOAT_CHECK(store.read_snapshot([&]() -> Status {
    MOAT_TRY(const auto events, store.events(1, -1));
    report.chain = ledger::verify(events, witness);
    if (!report.chain.ok) return {};  // the account itself is broken: state cannot be judged
    if (workspace) {
      MOAT_TRY(report.tree, audit_tree(*workspace, events));
      if (!report.tree_ok()) return {};
    }
    return compare_state(store, events, report);
  }));
  return report;
}

}  // namespace

Result<AuditReport> verify_ledger(Workspace& workspace) { return verify(workspace.store(), &workspace); }

Result<AuditReport> verify_store(store::Store& store) { return verify(store, nullptr); }

Result<std::vector<ledger::Event>> ledger_events(Workspace& workspace, std::int64_t from_seq,
                                                 std::int64_t limit) {
  return workspace.store().events(from_seq, limit);
}

}  // namespace moat::app
