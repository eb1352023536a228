// SPDX-License-Identifier: Apache-2.0
#include "app/remove.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <tuple>

#include "app/accounts.h"
#include "app/actors.h"
#include "app/records.h"
#include "core/text.h"
#include "store/versioned.h"

namespace moat::app {
namespace {

using nlohmann::json;
using Problems = std::vector<ModelProblem>;

std::string subject(std::string_view table, const store::Key& key) {
  return std::string(table) + "/" + store::key_text(key);
}

// The problems of `after` that `before` did not have: references to removed records.
Problems new_problems(const Problems& before, const Model& after) {
  std::set<std::tuple<std::string, store::Key, std::string, std::optional<std::size_t>>> known;
  for (const ModelProblem& p : before) known.insert({p.table, p.key, p.field, p.index});
  Problems fresh;
  for (ModelProblem& p : find_model_problems(after)) {
    if (!known.contains({p.table, p.key, p.field, p.index})) fresh.push_back(std::move(p));
  }
  return fresh;
}

bool must_not_be_empty(const store::Field& field) {
  return field.required || field.bound == store::Bound::kAtLeastOne;
}

void remove_entry(Model& model, const std::string& table, const store::Key& key, std::string reason,
                  Difference& difference) {
  Entries& entries = model.tables[table];
  if (entries.erase(key) == 0) return;
  difference.removed.push_back({table, store::key_text(key), {}, std::move(reason)});
}

// One round of the cascade: list items that name removed records are taken out; records whose
// single reference (or whole required list) named one are removed.
void cascade_once(Model& model, const Problems& problems, Difference& difference) {
  std::map<std::tuple<std::string, store::Key, std::string>, std::set<std::size_t>> unlink;
  std::map<std::pair<std::string, store::Key>, std::string> doomed;
  for (const ModelProblem& p : problems) {
    if (p.index) {
      unlink[{p.table, p.key, p.field}].insert(*p.index);
    } else {
      doomed.emplace(std::pair{p.table, p.key}, p.diagnostic.message);
    }
  }
  for (const auto& [where, indexes] : unlink) {
    const auto& [table, key, field_name] = where;
    if (doomed.contains({table, key})) continue;
    Entries& entries = model.tables[table];
    const auto it = entries.find(key);
    if (it == entries.end()) continue;
    json& list = it->second.record[field_name];
    const json before = list;
    json kept = json::array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!indexes.contains(i)) kept.push_back(list[i]);
    }
    const store::Field* field = store::find_table(table)->field(field_name);
    if (kept.empty() && field && must_not_be_empty(*field)) {
      doomed.emplace(std::pair{table, key}, "its " + field_name + " would be empty");
      continue;
    }
    list = kept;
    difference.unlinked.push_back(
        {table, store::key_text(key), {{field_name, before.dump(), kept.dump()}}, ""});
  }
  for (const auto& [record, why] : doomed)
    remove_entry(model, record.first, record.second, "cascade: " + why, difference);
}

}  // namespace

Status plan_removal(Model& model, const std::vector<std::pair<const store::Table*, store::Key>>& targets,
                    bool cascade, std::string_view reason, Difference& difference) {
  const Problems before = find_model_problems(model);
  for (const auto& [table, key] : targets)
    remove_entry(model, std::string(table->name), key, std::string(reason), difference);
  for (Problems found = new_problems(before, model); !found.empty(); found = new_problems(before, model)) {
    if (!cascade) {
      std::vector<Diagnostic> refusals;
      for (const ModelProblem& p : found) {
        refusals.push_back({subject(p.table, p.key) + (p.field.empty() ? "" : "/" + p.field),
                            "refers to a record being removed (" + p.diagnostic.message +
                                "): remove or change it first, or pass --cascade"});
      }
      return Error(ErrorCode::kInput, std::move(refusals));
    }
    cascade_once(model, found, difference);
  }
  return {};
}

Status apply_removals(const Model& model, const Difference& difference, store::Writer& writer) {
  for (const RecordDifference& removed : difference.removed) {
    MOAT_CHECK(writer.remove(*store::find_table(removed.table), split_list(removed.key, "/")));
  }
  for (const RecordDifference& unlinked : difference.unlinked) {
    const store::Key key = split_list(unlinked.key, "/");
    const auto it = model.of(unlinked.table).find(key);
    if (it == model.of(unlinked.table).end()) continue;  // removed later in the cascade
    MOAT_CHECK(writer.put(*store::find_table(unlinked.table), it->second.record));
  }
  return {};
}

void add_differences(const Model& stored, const std::vector<Draft>& drafts, Difference& difference) {
  for (const Draft& draft : drafts) {
    const store::Key key = store::key_of(*draft.table, draft.record);
    const Entries& entries = stored.of(draft.table->name);
    const auto it = entries.find(key);
    if (it == entries.end()) {
      difference.added.push_back({std::string(draft.table->name), store::key_text(key), {}, ""});
      continue;
    }
    Result<store::Record> after = store::stored_form(*draft.table, draft.record);
    if (!after.ok()) continue;
    RecordDifference changed{std::string(draft.table->name), store::key_text(key), {}, ""};
    for (const store::Field& field : draft.table->fields) {
      const std::string name(field.name);
      const json was = it->second.record.contains(name) ? it->second.record[name] : json(nullptr);
      const json now = after->contains(name) ? (*after)[name] : json(nullptr);
      if (was != now) changed.fields.push_back({name, was.dump(), now.dump()});
    }
    if (!changed.fields.empty()) difference.changed.push_back(std::move(changed));
  }
}

namespace {

// A plan once approved (approved, or superseded since) is the record of what was approved, which
// the ledger's approval names by its id: it goes only with its product.
Status keeps_approved_plans(store::Store& store, const Difference& difference) {
  std::set<std::string> products_removed;
  for (const RecordDifference& r : difference.removed) {
    if (r.table == "products") products_removed.insert(r.key);
  }
  std::vector<Diagnostic> refused;
  for (const RecordDifference& r : difference.removed) {
    if (r.table != "plans") continue;
    const store::Key key = split_list(r.key, "/");
    if (key.empty() || products_removed.contains(key[0])) continue;
    MOAT_TRY(const auto found, store.get_versioned(*store::find_table("plans"), key));
    if (!found) continue;
    const std::string state = found->record.value("state", std::string("draft"));
    if (state == "draft") continue;
    refused.push_back({"plans/" + r.key, "plan " + key.back() + " is " + state +
                                             ": a plan once approved is the record of what was approved "
                                             "and is kept (only drafts are removed)"});
  }
  if (refused.empty()) return {};
  return Error(ErrorCode::kInput, std::move(refused));
}

}  // namespace

Result<RemoveReport> remove_records(Workspace& workspace, const Session& session, std::string_view kind,
                                    const std::vector<std::string>& keys, const RemoveOptions& options) {
  const store::Table* table = store::find_table(kind == "bom" ? "parts" : kind);
  if (!table) return input_error("KIND", "unknown kind '" + std::string(kind) + "'");
  if (keys.empty()) return input_error("KEY", "name at least one record to remove");
  if (options.if_version && keys.size() != 1)
    return input_error("--if-version", "applies to one record: name one key");
  std::vector<std::pair<const store::Table*, store::Key>> targets;
  for (const std::string& text : keys) {
    store::Key key = split_list(text, "/");
    if (key.size() != table->key_size) {
      return input_error("KEY", std::string(table->singular) + " keys have " +
                                    std::to_string(table->key_size) + " parts joined by '/', not '" + text +
                                    "'");
    }
    targets.emplace_back(table, std::move(key));
  }

  store::Store& store = workspace.store();
  RemoveReport report;
  std::optional<Error> refused;  // what the actor's role may not change (recorded after the rollback)
  const auto plan = [&]() -> Result<Model> {
    for (const auto& [target_table, key] : targets) {
      MOAT_TRY(const auto found, store.get_versioned(*target_table, key));
      if (!found) {
        return Error(ErrorCode::kNotFound, "KEY",
                     "no " + std::string(target_table->singular) + " '" + store::key_text(key) + "'");
      }
      if (options.if_version && found->version != *options.if_version) {
        return Error(ErrorCode::kConflict, "--if-version",
                     std::string(target_table->singular) + " '" + store::key_text(key) + "' is at version " +
                         std::to_string(found->version) + ", not " + std::to_string(*options.if_version) +
                         ": someone changed it since it was read");
      }
    }
    MOAT_TRY(Model model, load_model(store));
    report.difference = {};
    MOAT_CHECK(plan_removal(model, targets, options.cascade, "removed", report.difference));
    if (Status allowed =
            authorize_edit(options.role, session.actor, "removing", tables_of(report.difference));
        !allowed.ok()) {
      refused = allowed.error();
      return allowed.error();
    }
    MOAT_CHECK(keeps_approved_plans(store, report.difference));
    return model;
  };
  // A refusal is evidence too: recorded under the actor, once nothing was removed.
  const auto recorded = [&](Status status) -> Status {
    if (refused)
      (void)record_denial(workspace, session, "remove " + std::string(table->name), refused->message());
    return status;
  };
  if (options.dry_run) {
    MOAT_CHECK(recorded(store.read_snapshot([&]() -> Status {
      Result<Model> planned = plan();
      if (!planned.ok()) return planned.error();
      return {};
    })));
    return report;
  }
  Result<std::int64_t> events = store.write(session.author(), [&](store::Writer& writer) -> Status {
    MOAT_TRY(const Model model, plan());
    return apply_removals(model, report.difference, writer);
  });
  if (!events.ok()) return recorded(events.error()).error();
  report.events = *events;
  return report;
}

}  // namespace moat::app
