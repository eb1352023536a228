// SPDX-License-Identifier: Apache-2.0
// Checking a few changed records against the stored workspace without reading all of it: the
// records check_model's rules can involve are read by key (and suppliers and affiliations by an
// indexed column), and the rules run twice on that neighbourhood, with and without the changes.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "app/record_fields.h"
#include "app/records.h"

namespace moat::app {
namespace {

using nlohmann::json;
using store::Key;

// The ids a reference field holds: one for a text field, each item of a list field.
std::vector<std::string> ids_in(const json& record, std::string_view field) {
  const std::string one = fields_of::text(record, field);
  return one.empty() ? fields_of::list(record, field) : std::vector<std::string>{one};
}

// The stored records a check of the changes reads, gathered into a model.
class Neighbourhood {
 public:
  explicit Neighbourhood(store::Store& store) : store_(store) {}

  // Reads the stored record (table, key) once; nothing when there is none. While gathering, only
  // notes the key: read_gathered reads the keys noted, several per query.
  Status load(std::string_view table, const Key& key) {
    if (key.empty() || std::any_of(key.begin(), key.end(), [](const std::string& k) { return k.empty(); }))
      return {};
    if (gathering_) {
      if (!tried_.contains({std::string(table), key})) gathered_[std::string(table)].insert(key);
      return {};
    }
    if (!tried_.insert({std::string(table), key}).second) return {};
    MOAT_TRY(const std::optional<store::Record> found, store_.get(*store::find_table(table), key));
    if (found) model_.tables[std::string(table)][key] = Entry{*found, nullptr};
    return {};
  }

  Status load_where(std::string_view table, std::string_view field, const std::string& value) {
    if (value.empty()) return {};
    const store::Table& t = *store::find_table(table);
    MOAT_TRY(const std::vector<store::Record> found, store_.list_where(t, field, value));
    for (const store::Record& record : found) {
      const Key key = store::key_of(t, record);
      tried_.insert({std::string(table), key});
      model_.tables[std::string(table)][key] = Entry{record, nullptr};
    }
    return {};
  }

  // What `record` of `table` refers to: the targets of the schema's references and of
  // check_model's own rules (products, parents, secrets, parts, packages, suppliers).
  Status load_targets(const store::Table& table, const store::Record& record) {
    const Key key = store::key_of(table, record);
    if (table.product_scoped) MOAT_CHECK(load("products", {key[0]}));
    for (const store::Reference& reference : table.references) {
      const std::string scope = reference.scope.empty() ? "" : fields_of::text(record, reference.scope);
      for (const std::string& id : ids_in(record, reference.field)) {
        MOAT_CHECK(load(reference.table, reference.scope.empty() ? Key{id} : Key{scope, id}));
      }
    }
    const std::string_view name = table.name;
    const auto secrets = [&](std::string_view field) -> Status {
      for (const std::string& id : ids_in(record, field)) MOAT_CHECK(load("secrets", {key[0], id}));
      return {};
    };
    if (name == "derives") {
      MOAT_CHECK(secrets("from"));
      MOAT_CHECK(secrets("gives"));
    } else if (name == "recipes") {
      MOAT_CHECK(secrets("secrets"));
    } else if (name == "packages") {
      MOAT_CHECK(secrets("exposes"));
      for (const std::string& id : fields_of::list(record, "parts")) MOAT_CHECK(load("parts", {key[0], id}));
    } else if (name == "quotes") {
      MOAT_CHECK(load("packages", {key[0], key[1]}));
      MOAT_CHECK(load("suppliers", {key[2]}));
    } else if (name == "people") {
      MOAT_CHECK(load("suppliers", {fields_of::text(record, "supplier")}));
    } else if (name == "affiliations") {
      MOAT_CHECK(load("suppliers", {key[0]}));
      MOAT_CHECK(load("suppliers", {key[1]}));
    }
    return {};
  }

  // The records the workspace-wide rules compare `record` with: suppliers sharing its credit
  // code, its affiliations and their other suppliers; a part's ancestors (for cycles).
  Status load_peers(const store::Table& table, const store::Record& record, const Model& changed) {
    const Key key = store::key_of(table, record);
    if (table.name == "suppliers") {
      MOAT_CHECK(load_where("suppliers", "uscc", fields_of::text(record, "uscc")));
      MOAT_CHECK(load_where("affiliations", "a", key[0]));
      MOAT_CHECK(load_where("affiliations", "b", key[0]));
      for (const auto& [link, unused] : model_.of("affiliations")) {
        if (link[0] == key[0] || link[1] == key[0]) {
          MOAT_CHECK(load("suppliers", {link[0]}));
          MOAT_CHECK(load("suppliers", {link[1]}));
        }
      }
    } else if (table.name == "parts") {
      std::set<std::string> seen{key[1]};
      std::string parent = fields_of::text(record, "parent");
      while (!parent.empty() && seen.insert(parent).second) {
        const Key up{key[0], parent};
        const auto changed_part = changed.of("parts").find(up);
        if (changed_part != changed.of("parts").end()) {
          parent = fields_of::text(changed_part->second.record, "parent");
          continue;
        }
        MOAT_CHECK(load("parts", up));
        const auto stored = model_.of("parts").find(up);
        if (stored == model_.of("parts").end()) break;
        parent = fields_of::text(stored->second.record, "parent");
      }
    }
    return {};
  }

  void gather() { gathering_ = true; }

  // Reads the records noted since gather(), table by table, and stops gathering.
  Status read_gathered() {
    gathering_ = false;
    for (const auto& [table, keys] : gathered_) {
      const store::Table& t = *store::find_table(table);
      const std::vector<Key> wanted(keys.begin(), keys.end());
      MOAT_TRY(const std::vector<store::Record> found, store_.get_all(t, wanted));
      for (const Key& key : wanted) tried_.insert({table, key});
      for (const store::Record& record : found)
        model_.tables[table][store::key_of(t, record)] = Entry{record, nullptr};
    }
    gathered_.clear();
    return {};
  }

  const Model& model() const { return model_; }

 private:
  store::Store& store_;
  Model model_;
  std::set<std::pair<std::string, Key>> tried_;
  bool gathering_ = false;
  std::map<std::string, std::set<Key>> gathered_;
};

using ProblemKey = std::tuple<std::string, Key, std::string, std::optional<std::size_t>, std::string>;

ProblemKey key_of(const ModelProblem& p) {
  return {p.table, p.key, p.field, p.index, p.diagnostic.message};
}

}  // namespace

Result<std::vector<Diagnostic>> problems_added(store::Store& store, const std::vector<Change>& changes) {
  Model changed;
  for (const Change& c : changes) {
    changed.tables[std::string(c.table->name)][store::key_of(*c.table, c.record)] = Entry{c.record, c.origin};
  }
  Neighbourhood around(store);
  // The changed records and what they refer to, read together; then their peers, which depend on
  // what was read.
  around.gather();
  for (const Change& c : changes) {
    MOAT_CHECK(around.load(c.table->name, store::key_of(*c.table, c.record)));
    MOAT_CHECK(around.load_targets(*c.table, c.record));
  }
  MOAT_CHECK(around.read_gathered());
  for (const Change& c : changes) {
    const Key key = store::key_of(*c.table, c.record);
    MOAT_CHECK(around.load(c.table->name, key));
    MOAT_CHECK(around.load_targets(*c.table, c.record));
    MOAT_CHECK(around.load_peers(*c.table, c.record, changed));
  }
  const Model& without = around.model();
  Model with = without;
  for (auto& [table, entries] : changed.tables) {
    for (auto& [key, entry] : entries) with.tables[table][key] = std::move(entry);  // `changed` is done
  }
  std::set<ProblemKey> before;
  for (const ModelProblem& p : find_model_problems(without)) before.insert(key_of(p));
  std::vector<Diagnostic> out;
  for (ModelProblem& p : find_model_problems(with)) {
    if (!before.contains(key_of(p))) out.push_back(std::move(p.diagnostic));
  }
  return out;
}

}  // namespace moat::app
