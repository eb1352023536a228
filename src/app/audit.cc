// SPDX-License-Identifier: Apache-2.0
// One pass over the ledger, one event at a time (Store::for_each_event): each event is encoded
// once, and that encoding feeds the chain's hash check and the Merkle tree's leaf, while what the
// ledger says each record is now is kept (its key and last after-image, nothing else of the
// event). Then each table is read row by row in key order and each record's text, written from its
// columns, is compared with that. Memory holds the tree's nodes and the records' texts, not the
// events.
#include "app/audit.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/text.h"
#include "ledger/merkle.h"
#include "store/counts.h"
#include "store/field_text.h"
#include "store/ledger_head.h"
#include "store/schema.h"
#include "store/tree.h"

namespace moat::app {
namespace {

constexpr std::size_t kMaxStateProblems = 20;
constexpr std::size_t kTellEvery = 4096;  // units between two reports of progress

// Counts what a verification goes through, for the progress shown.
struct Tally {
  const Progress& progress;
  std::size_t done = 0, total = 0;
  void add(std::size_t n) {
    done += n;
    if (done % kTellEvery < n) tell(progress, done, total);
  }
  void finish() const { tell(progress, done, total); }
};

// Texts kept until the verification ends, in large blocks rather than one allocation each.
class TextArena {
 public:
  std::string_view keep(std::string_view text) {
    if (text.size() > kBlock / 4) {
      big_.push_back(std::make_unique<std::string>(text));
      return *big_.back();
    }
    if (used_ + text.size() > kBlock) {
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlock));
      used_ = 0;
    }
    char* at = blocks_.back().get() + used_;
    std::copy(text.begin(), text.end(), at);
    used_ += text.size();
    return {at, text.size()};
  }

 private:
  static constexpr std::size_t kBlock = std::size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<std::string>> big_;
  std::size_t used_ = kBlock;
};

// What the ledger says each record is now: the `after` of its last put or remove (none: removed),
// by table and key text.
class LedgerState {
 public:
  struct Recorded {
    std::string_view after;
    bool exists = false;
  };
  using Records = std::unordered_map<std::string_view, Recorded>;

  LedgerState() : tables_(store::tables().size()) {}

  void record(const ledger::Event& event) {
    if (event.action != "put" && event.action != "remove") return;
    const store::Table* table = table_of(event.entity);
    if (!table) return;  // not a record event
    const Recorded now{event.after ? texts_.keep(*event.after) : std::string_view(), event.after.has_value()};
    // One lookup: the key is kept before it is known to be new (most are).
    const auto [it, added] = of(*table).try_emplace(texts_.keep(event.key), now);
    if (!added) it->second = now;
  }

  Records& of(const store::Table& table) {
    return tables_[static_cast<std::size_t>(&table - store::tables().data())];
  }

 private:
  const store::Table* table_of(std::string_view entity) {
    if (!last_ || last_->name != entity) last_ = store::find_table(entity);
    return last_;
  }

  std::vector<Records> tables_;  // as store::tables() orders them
  TextArena texts_;
  const store::Table* last_ = nullptr;  // the table of the last event's entity
};

// The events, read once: the chain checked, the tree rebuilt and compared (when `nodes` is
// given), the ledger's account of the records kept.
struct EventsRead {
  ledger::Verdict chain;
  std::optional<ledger::TreeVerdict> tree;
};
Result<EventsRead> read_events(store::Store& store, const std::optional<ledger::Witness>& witness,
                               const std::vector<ledger::StoredNode>* nodes, LedgerState& state,
                               Tally& tally) {
  ledger::ChainCheck chain(witness);
  std::optional<ledger::TreeCheck> tree;
  if (nodes) tree.emplace(*nodes);
  std::string encoding;
  bool chained = true;
  // Read to the end even once the chain is broken: a row that is not an event at all is an error.
  MOAT_CHECK(store.for_each_event(1, [&](const ledger::Event& event) -> Result<bool> {
    if (!chained) return true;
    ledger::encode_into(event, encoding);
    chained = chain.add(event, encoding);
    if (!chained) return true;  // the account itself is broken: nothing more to check
    if (tree) tree->add(event.seq, ledger::leaf_hash(encoding));
    state.record(event);
    tally.add(1);
    return true;
  }));
  EventsRead read{chain.verdict(), std::nullopt};
  if (tree) read.tree = tree->verdict();
  return read;
}

// How a table's records are written as the ledger writes them (store::canonical_json: compact,
// fields by name), from their columns.
struct RecordLayout {
  const store::Table& table;
  std::vector<const store::Field*> fields;  // by name
  std::vector<std::string_view> names;
  std::vector<std::size_t> key_columns;  // of `fields`, in the key's order
  std::vector<std::string> members;      // "\"name\":"

  explicit RecordLayout(const store::Table& of) : table(of) {
    for (const store::Field& field : table.fields) fields.push_back(&field);
    std::sort(fields.begin(), fields.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
    for (const store::Field* field : fields) {
      names.push_back(field->name);
      members.push_back(nlohmann::json(std::string(field->name)).dump() + ":");
    }
    for (const store::Field& key : table.key_fields()) {
      const auto at = std::find(names.begin(), names.end(), key.name);
      key_columns.push_back(static_cast<std::size_t>(at - names.begin()));
    }
  }

  // The record's key text (store::key_text) over `out`.
  void key(std::span<const store::SqlValueView> row, std::string& out) const {
    out.clear();
    for (std::size_t i = 0; i < key_columns.size(); ++i) {
      const auto* text = std::get_if<std::string_view>(&row[key_columns[i]]);
      if (i) out += '/';
      if (text) out += *text;
    }
  }

  // The record's canonical JSON over `out`, the same bytes as store::canonical_json of the
  // record store::list gives. kIntegrity for a value of the wrong type.
  Status text(std::span<const store::SqlValueView> row, std::string& out) const {
    out.assign("{");
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ',';
      out += members[i];
      MOAT_CHECK(store::append_field_json(table, *fields[i], row[i], out));
    }
    out += '}';
    return {};
  }
};

// Compares one table's stored records with the ledger's account, in key order; false once
// kMaxStateProblems are found.
Result<bool> compare_table(store::Store& store, const store::Table& table, LedgerState::Records& expected,
                           AuditReport& report, Tally& tally) {
  const RecordLayout layout(table);
  std::string key, stored;
  bool more = true;
  const auto compare = [&](std::span<const store::SqlValueView> row) -> Result<bool> {
    ++report.records_checked;
    tally.add(1);
    layout.key(row, key);
    const auto it = expected.find(key);
    const auto problem = [&](std::string_view what) {
      report.state_problems.push_back(std::string(table.name) + "/" + key + std::string(what));
    };
    if (it == expected.end() || !it->second.exists) {
      problem(" is stored but the ledger never recorded it (added outside moat)");
    } else {
      MOAT_CHECK(layout.text(row, stored));
      const std::string_view recorded = it->second.after;
      if (recorded != stored && recorded_as_current(table, recorded) != stored) {
        problem(" differs from what the ledger last recorded (changed outside moat)");
      }
    }
    if (it != expected.end()) expected.erase(it);
    more = report.state_problems.size() < kMaxStateProblems;
    return more;
  };
  MOAT_CHECK(store.for_each_columns(table, layout.names, compare));
  return more;
}

Status compare_state(store::Store& store, LedgerState& state, AuditReport& report, Tally& tally) {
  for (const store::Table& table : store::tables()) {
    MOAT_TRY(const bool more, compare_table(store, table, state.of(table), report, tally));
    if (!more) return {};
  }
  std::vector<std::pair<std::string_view, std::string_view>> missing;
  for (const store::Table& table : store::tables()) {
    for (const auto& [key, recorded] : state.of(table)) {
      if (recorded.exists) missing.emplace_back(table.name, key);
    }
  }
  std::sort(missing.begin(), missing.end());
  for (const auto& [entity, key] : missing) {
    if (report.state_problems.size() >= kMaxStateProblems) break;
    report.state_problems.push_back(std::string(entity) + "/" + std::string(key) +
                                    " is in the ledger but missing (deleted outside moat)");
  }
  return {};
}

// The events and the records to go through, when progress is shown.
Status count_work(store::Store& store, Tally& tally) {
  if (!tally.progress) return {};
  MOAT_TRY(const std::int64_t events, store.event_count());
  MOAT_TRY(const std::size_t records, store::record_count(store));
  tally.total = static_cast<std::size_t>(events) + records;
  return {};
}

Result<AuditReport> verify(store::Store& store, Workspace* workspace, const Progress& progress) {
  AuditReport report;
  Tally tally{progress};
  // The witness first: it is written after each commit, so the snapshot read next is at least
  // as new as it. Events, tree and records then come from that one snapshot.
  MOAT_TRY(const auto witness, store.read_witness());
  report.witness_present = witness.has_value();
  const auto audit = [&]() -> Status {
    MOAT_CHECK(count_work(store, tally));
    // A tree that cannot be read is reported only for a sound chain, as the chain comes first.
    Result<std::vector<ledger::StoredNode>> nodes = std::vector<ledger::StoredNode>();
    if (workspace) nodes = store::tree_nodes(store.database());
    const auto* tree_nodes = workspace && nodes.ok() ? &*nodes : nullptr;
    LedgerState state;
    MOAT_TRY(const EventsRead read, read_events(store, witness, tree_nodes, state, tally));
    report.chain = read.chain;
    if (!report.chain.ok) return {};  // the account itself is broken: state cannot be judged
    if (workspace) {
      if (!nodes.ok()) return nodes.error();
      MOAT_TRY(report.tree, audit_tree(*workspace, *read.tree, *nodes));
      if (!report.tree_ok()) return {};
    }
    MOAT_CHECK(compare_state(store, state, report, tally));
    tally.finish();
    return {};
  };
  MOAT_CHECK(store.read_snapshot(audit));
  return report;
}

}  // namespace

std::string recorded_as_current(const store::Table& table, std::string_view recorded) {
  nlohmann::json record = nlohmann::json::parse(recorded, nullptr, false);
  if (!record.is_object()) return std::string(recorded);
  for (const store::Field& field : table.fields) {
    if (record.contains(field.name)) continue;
    record[std::string(field.name)] =
        field.default_json.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(field.default_json);
  }
  return store::canonical_json(record);
}

Result<AuditReport> verify_ledger(Workspace& workspace, const Progress& progress) {
  return verify(workspace.store(), &workspace, progress);
}

Result<AuditReport> verify_store(store::Store& store) {
  return verify(store, nullptr, {});
}

bool EventFilter::matches(const ledger::Event& event) const {
  const auto by_name = [&] {
    if (event.actor.size() < actor.size()) return false;
    const std::string_view name = std::string_view(event.actor).substr(0, actor.size());
    return to_lower_ascii(name) == to_lower_ascii(actor) &&
           (event.actor.size() == actor.size() || event.actor.compare(actor.size(), 2, " (") == 0);
  };
  const auto part_of = [&](std::string_view rest) {
    while (true) {
      const std::size_t slash = rest.find('/');
      if (rest.substr(0, slash) == about) return true;
      if (slash == std::string_view::npos) return false;
      rest.remove_prefix(slash + 1);
    }
  };
  // A record about something else names it in its subject (a flag on supplier/F03, a waiver of a
  // check for it), and a record that holds ids names it in those fields (an agreement with F03, a
  // person at F03, a release to F03, a tool moved to or from F03), before or after the event.
  const auto record_names_it = [&](const std::optional<std::string>& text) {
    if (!text || text->find(about) == std::string::npos) return false;
    const store::Table* table = store::find_table(event.entity);
    const nlohmann::json record = nlohmann::json::parse(*text, nullptr, false);
    if (!record.is_object()) return false;
    const auto subject = record.find("subject");
    if (subject != record.end() && subject->is_string() && part_of(subject->get_ref<const std::string&>()))
      return true;
    if (!table) return false;
    for (const store::Field& field : table->fields) {
      if (field.type != store::FieldType::kId && field.type != store::FieldType::kIdList) continue;
      const auto value = record.find(std::string(field.name));
      if (value == record.end()) continue;
      if (value->is_string() && value->get_ref<const std::string&>() == about) return true;
      if (value->is_array()) {
        for (const nlohmann::json& item : *value) {
          if (item.is_string() && item.get_ref<const std::string&>() == about) return true;
        }
      }
    }
    return false;
  };
  const auto names_it = [&] {
    return part_of(event.key) || record_names_it(event.after) || record_names_it(event.before);
  };
  return (entity.empty() || event.entity == entity) && (key.empty() || event.key == key) &&
         (action.empty() || event.action == action) && (actor.empty() || by_name()) &&
         (about.empty() || names_it());
}

Result<std::vector<ledger::Event>> ledger_events(Workspace& workspace, std::int64_t from_seq,
                                                 std::int64_t limit, const EventFilter& filter) {
  if (!filter.any()) return workspace.store().events(from_seq, limit);
  std::vector<ledger::Event> events;
  if (limit == 0) return events;
  // The exact fields chosen by the database, the rest here.
  MOAT_CHECK(workspace.store().for_each_event(from_seq,
                                              [&](const ledger::Event& event) -> Result<bool> {
                                                if (filter.matches(event)) events.push_back(event);
                                                return limit < 0 ||
                                                       static_cast<std::int64_t>(events.size()) < limit;
                                              },
                                              {filter.entity, filter.key, filter.action}));
  return events;
}

Result<std::int64_t> ledger_last_seq(Workspace& workspace) {
  return store::ledger_head(workspace.store().database());
}

Result<std::vector<std::string>> ledger_entities(Workspace& workspace) {
  return workspace.store().recorded_entities();
}

Result<std::vector<std::string>> ledger_actions(Workspace& workspace) {
  return workspace.store().recorded_actions();
}

Result<std::vector<std::string>> ledger_actor_names(Workspace& workspace) {
  MOAT_TRY(std::vector<std::string> actors, workspace.store().recorded_actors());
  for (std::string& actor : actors) {
    if (const std::size_t via = actor.find(" ("); via != std::string::npos) actor.resize(via);
  }
  std::sort(actors.begin(), actors.end());
  actors.erase(std::unique(actors.begin(), actors.end()), actors.end());
  return actors;
}

std::string changed_fields(const ledger::Event& event) {
  const auto parsed = [](const std::optional<std::string>& text) {
    return text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
  };
  return changed_fields(parsed(event.before), parsed(event.after), event.action);
}

std::string changed_fields(const nlohmann::json& before_value, const nlohmann::json& after_value,
                           std::string_view action) {
  const auto object = [](const nlohmann::json& value) {
    return value.is_object() ? value : nlohmann::json();
  };
  const nlohmann::json before = object(before_value);
  const nlohmann::json after = object(after_value);
  if (after.is_null()) return before.is_null() ? "" : "(removed)";
  if (before.is_null() && action == "put") return "(created)";  // (a note's detail lists its fields)
  std::string fields;
  for (const auto& [field, value] : after.items()) {
    if (before.is_object() && before.contains(field) && before[field] == value) continue;
    fields += (fields.empty() ? "" : ", ") + field;
  }
  if (before.is_object()) {  // a field the record no longer has
    for (const auto& [field, value] : before.items()) {
      if (!after.contains(field)) fields += (fields.empty() ? "" : ", ") + field;
    }
  }
  return fields;
}

}  // namespace moat::app
