// SPDX-License-Identifier: Apache-2.0
#include "app/audit.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

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

// A record's table and key text, as events name it (viewed in the events).
struct EntityKey {
  std::string_view entity, key;
  bool operator==(const EntityKey&) const = default;
};
struct EntityKeyHash {
  std::size_t operator()(const EntityKey& k) const {
    const std::hash<std::string_view> hash;
    return hash(k.entity) * 1000003u ^ hash(k.key);
  }
};
using Replayed = std::unordered_map<EntityKey, const std::optional<std::string>*, EntityKeyHash>;

// What the ledger says each record is now: the `after` of its last event (nullopt: removed).
Replayed replay(const std::vector<ledger::Event>& events) {
  Replayed state;
  for (const ledger::Event& event : events) {
    if (!store::find_table(event.entity)) continue;  // not a record event
    if (event.action != "put" && event.action != "remove") continue;
    state.insert_or_assign(EntityKey{event.entity, event.key}, &event.after);
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

// A table's records as the ledger writes them (store::canonical_json: compact, fields by name),
// with their key text, made from the columns without a JSON object per record.
struct StoredRecords {
  const store::Table& table;
  std::vector<const store::Field*> fields;  // by name
  std::vector<std::size_t> key_columns;     // of `fields`, in the key's order
  std::vector<std::string> members;         // "\"name\":"
  std::vector<store::SqlRow> rows;

  static Result<StoredRecords> read(store::Store& store, const store::Table& table) {
    StoredRecords out{table, {}, {}, {}, {}};
    for (const store::Field& field : table.fields) out.fields.push_back(&field);
    std::sort(out.fields.begin(), out.fields.end(),
              [](const auto* a, const auto* b) { return a->name < b->name; });
    std::vector<std::string_view> names;
    for (const store::Field* field : out.fields) {
      names.push_back(field->name);
      out.members.push_back(nlohmann::json(std::string(field->name)).dump() + ":");
    }
    for (const store::Field& key : table.key_fields()) {
      const auto at = std::find(names.begin(), names.end(), key.name);
      out.key_columns.push_back(static_cast<std::size_t>(at - names.begin()));
    }
    MOAT_TRY(out.rows, store.columns(table, names));
    return out;
  }

  std::string key(std::size_t row) const {
    store::Key key;
    for (const std::size_t column : key_columns) {
      const auto* text = std::get_if<std::string>(&rows[row][column]);
      key.push_back(text ? *text : "");
    }
    return store::key_text(key);
  }

  Result<std::string> canonical(std::size_t row) const {
    std::string out = "{";
    for (std::size_t i = 0; i < fields.size(); ++i) {
      MOAT_TRY(const nlohmann::json value, store::field_value(table, *fields[i], rows[row][i]));
      out += i ? "," : "";
      out += members[i];
      out += value.dump();
    }
    return out + "}";
  }
};

Status compare_state(store::Store& store, const std::vector<ledger::Event>& events, AuditReport& report,
                     Tally& tally) {
  Replayed expected = replay(events);
  for (const store::Table& table : store::tables()) {
    MOAT_TRY(const StoredRecords records, StoredRecords::read(store, table));
    tally.add(records.rows.size());
    for (std::size_t row = 0; row < records.rows.size(); ++row) {
      ++report.records_checked;
      const std::string key = records.key(row);
      const auto it = expected.find({table.name, key});
      const std::string name = std::string(table.name) + "/" + key;
      if (it == expected.end() || !*it->second) {
        report.state_problems.push_back(name +
                                        " is stored but the ledger never recorded it (added outside moat)");
      } else {
        MOAT_TRY(const std::string stored, records.canonical(row));
        const std::string& recorded = **it->second;
        if (recorded != stored && as_current(table, recorded) != stored) {
          report.state_problems.push_back(
              name + " differs from what the ledger last recorded (changed outside moat)");
        }
      }
      if (it != expected.end()) expected.erase(it);
      if (report.state_problems.size() >= kMaxStateProblems) return {};
    }
  }
  std::vector<std::pair<std::string_view, std::string_view>> missing;
  for (const auto& [id, after] : expected) {
    if (*after) missing.emplace_back(id.entity, id.key);
  }
  std::sort(missing.begin(), missing.end());
  for (const auto& [entity, key] : missing) {
    if (report.state_problems.size() >= kMaxStateProblems) break;
    report.state_problems.push_back(std::string(entity) + "/" + std::string(key) +
                                    " is in the ledger but missing (deleted outside moat)");
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
