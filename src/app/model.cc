// SPDX-License-Identifier: Apache-2.0
// Cross-record checks over a workspace's records (stored and imported together).
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/record_fields.h"
#include "app/records.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using store::Key;

std::string text(const json& value) {
  return value.is_string() ? value.get<std::string>() : "";
}

// Where a record's field is: its origin, or the stored record's pointer.
std::string where(const std::string& table, const Key& key, const Entry& entry, std::string_view field = {},
                  std::optional<std::size_t> index = {}) {
  if (entry.origin) return entry.origin->where(field, index);
  std::string pointer = "workspace#/" + table + "/" + store::key_text(key);
  if (!field.empty()) pointer += "/" + std::string(field);
  return pointer;
}

class Checker {
 public:
  explicit Checker(const Model& model) : model_(model) {}

  std::vector<ModelProblem> run() {
    check_products_exist();
    check_parts();
    check_secret_lists("derives", "from");
    check_derives_gives();
    check_secret_lists("recipes", "secrets");
    check_secret_lists("packages", "exposes");
    check_package_parts();
    check_unique_credit_codes();
    check_affiliations();
    check_quotes();
    check_people();
    check_agreements();
    check_plans();
    check_references();
    check_dates_in_order();
    return std::move(problems_);
  }

 private:
  bool exists(std::string_view table, const Key& key) const { return model_.of(table).contains(key); }

  void report(const std::string& table, const Key& key, const Entry& entry, std::string_view field,
              std::string message, std::optional<std::size_t> index = {}) {
    problems_.push_back({table,
                         key,
                         std::string(field),
                         index,
                         {where(table, key, entry, field, index), std::move(message)}});
  }

  // Dates that contradict each other: a certificate expiring before it was issued, a finding closed
  // before the visit that raised it (which would clear its overdue flag on a day it did not exist).
  void check_dates_in_order() {
    for (const auto& [key, entry] : model_.of("certificates")) {
      const std::string issued = text(entry.record["issued"]), expires = text(entry.record["expires"]);
      if (!issued.empty() && !expires.empty() && expires < issued) {
        report("certificates", key, entry, "expires",
               "the certificate expires on " + expires + ", before it was issued on " + issued);
      }
    }
    const Entries& visits = model_.of("visits");
    for (const auto& [key, entry] : model_.of("findings")) {
      const std::string closed = text(entry.record["closed_on"]);
      const auto visit = visits.find({key[0]});
      if (closed.empty() || visit == visits.end()) continue;
      const std::string on = text(visit->second.record["date"]);
      if (closed < on) {
        report(
            "findings", key, entry, "closed_on",
            "the finding is closed on " + closed + ", before visit " + key[0] + " of " + on + " raised it");
      }
    }
  }

  void check_products_exist() {
    for (const auto& [name, entries] : model_.tables) {
      const store::Table* table = store::find_table(name);
      if (!table || !table->product_scoped) continue;
      for (const auto& [key, entry] : entries) {
        if (!exists("products", {key[0]})) {
          report(name, key, entry, "product", "unknown product '" + key[0] + "'");
        }
      }
    }
  }

  void check_parts() {
    for (const auto& [key, entry] : model_.of("parts")) {
      const std::string parent = text(entry.record["parent"]);
      if (parent.empty()) continue;
      if (parent == key[1]) {
        report("parts", key, entry, "parent", "part '" + key[1] + "' is its own parent");
      } else if (!exists("parts", {key[0], parent})) {
        report("parts", key, entry, "parent",
               "unknown parent part '" + parent + "' in product '" + key[0] + "'");
      }
    }
    check_bom_cycles();
  }

  // Follows parent links from every part; a walk that returns to a part on its path is a cycle,
  // reported once, at the part where it is first entered in key order.
  void check_bom_cycles() {
    const Entries& parts = model_.of("parts");
    std::set<Key> done;
    for (const auto& [start, unused] : parts) {
      std::vector<Key> path;
      std::set<Key> on_path;
      Key current = start;
      while (!done.contains(current)) {
        const auto it = parts.find(current);
        if (it == parts.end()) break;
        if (on_path.contains(current)) {
          report_cycle(path, current, it->second);
          break;
        }
        path.push_back(current);
        on_path.insert(current);
        const std::string parent = text(it->second.record["parent"]);
        if (parent.empty() || parent == current[1]) break;
        current = {current[0], parent};
      }
      done.insert(path.begin(), path.end());
    }
  }

  void report_cycle(const std::vector<Key>& path, const Key& repeated, const Entry& entry) {
    std::string chain;
    bool in_cycle = false;
    for (const Key& key : path) {
      in_cycle = in_cycle || key == repeated;
      if (in_cycle) chain += key[1] + " → ";
    }
    chain += repeated[1];
    report("parts", repeated, entry, "parent",
           "the BOM has a cycle: " + chain + " (each is the next one's child)");
  }

  void check_secret_lists(const std::string& table, const std::string& field) {
    for (const auto& [key, entry] : model_.of(table)) {
      const json& list = entry.record[field];
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string secret = text(list[i]);
        if (!exists("secrets", {key[0], secret})) {
          report(table, key, entry, field, "unknown secret '" + secret + "' in product '" + key[0] + "'", i);
        }
      }
    }
  }

  void check_derives_gives() {
    for (const auto& [key, entry] : model_.of("derives")) {
      const std::string gives = text(entry.record["gives"]);
      if (!exists("secrets", {key[0], gives})) {
        report("derives", key, entry, "gives", "unknown secret '" + gives + "' in product '" + key[0] + "'");
      }
      for (const json& from : entry.record["from"]) {
        if (text(from) == gives) {
          report("derives", key, entry, "gives", "rule gives '" + gives + "', which it also takes");
        }
      }
    }
  }

  void check_package_parts() {
    for (const auto& [key, entry] : model_.of("packages")) {
      const json& list = entry.record["parts"];
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (!exists("parts", {key[0], text(list[i])})) {
          report("packages", key, entry, "parts",
                 "unknown part '" + text(list[i]) + "' in product '" + key[0] + "'", i);
        }
      }
    }
  }

  void check_unique_credit_codes() {
    std::map<std::string, Key> holder;
    for (const auto& [key, entry] : model_.of("suppliers")) {
      const std::string code = text(entry.record["uscc"]);
      const auto [it, fresh] = holder.emplace(code, key);
      if (!fresh) {
        report("suppliers", key, entry, "uscc",
               "credit code " + code + " is already supplier '" + it->second[0] + "'s");
      }
    }
  }

  // A party mixing trusted and untrusted suppliers always has a link joining the two kinds,
  // so checking each link is enough.
  void check_affiliations() {
    const Entries& suppliers = model_.of("suppliers");
    for (const auto& [key, entry] : model_.of("affiliations")) {
      const auto a = suppliers.find({key[0]}), b = suppliers.find({key[1]});
      if (a == suppliers.end()) report("affiliations", key, entry, "a", "unknown supplier '" + key[0] + "'");
      if (b == suppliers.end()) report("affiliations", key, entry, "b", "unknown supplier '" + key[1] + "'");
      if (key[0] == key[1])
        report("affiliations", key, entry, "b", "a supplier cannot be affiliated with itself");
      if (a == suppliers.end() || b == suppliers.end()) continue;
      const bool trusted_a = a->second.record["trusted"] == true,
                 trusted_b = b->second.record["trusted"] == true;
      if (trusted_a == trusted_b) continue;
      const std::string message = "suppliers '" + key[0] + "' (" + (trusted_a ? "trusted" : "untrusted") +
                                  ") and '" + key[1] + "' (" + (trusted_b ? "trusted" : "untrusted") +
                                  ") are affiliated, so they are one party, and a party must be all "
                                  "trusted or all untrusted";
      if (entry.origin || (!a->second.origin && !b->second.origin)) {
        report("affiliations", key, entry, "", message);
      } else {
        const auto& changed = a->second.origin ? *a : *b;
        report("suppliers", changed.first, changed.second, "trusted", message);
      }
    }
  }

  void check_quotes() {
    for (const auto& [key, entry] : model_.of("quotes")) {
      if (!exists("packages", {key[0], key[1]})) {
        report("quotes", key, entry, "package",
               "unknown work package '" + key[1] + "' in product '" + key[0] + "'");
      }
      if (!exists("suppliers", {key[2]}))
        report("quotes", key, entry, "supplier", "unknown supplier '" + key[2] + "'");
    }
  }

  void check_people() {
    for (const auto& [key, entry] : model_.of("people")) {
      const std::string supplier = text(entry.record["supplier"]);
      if (!supplier.empty() && !exists("suppliers", {supplier})) {
        report("people", key, entry, "supplier", "unknown supplier '" + supplier + "'");
      }
    }
  }

  // What `moat agreement add` refuses, for agreements read from files or edited (stored ones are
  // left as they are: an old record does not block an unrelated import).
  void check_agreements() {
    for (const auto& [key, entry] : model_.of("agreements")) {
      if (!entry.origin) continue;
      const json& r = entry.record;
      const std::string effective = text(r["effective"]), expires = text(r["expires"]);
      if (!effective.empty() && !expires.empty() && expires < effective) {
        report("agreements", key, entry, "expires",
               "the agreement expires (" + expires + ") before it takes effect (" + effective + ")");
      }
      for (const char* field : {"governing_law", "court_country"}) {
        const std::string code = text(r[field]);
        if (!code.empty() && !fields_of::is_office_code(code))
          report("agreements", key, entry, field,
                 "'" + code + "' is not a two-letter country code (CN, HK, US)");
      }
      std::vector<std::string> languages;
      if (r["languages"].is_array()) {
        for (const json& language : r["languages"]) languages.push_back(text(language));
      }
      const std::string controlling = text(r["controlling_language"]);
      if (!fields_of::controls_one_of(controlling, languages)) {
        report(
            "agreements", key, entry, "controlling_language",
            "'" + controlling + "' is not one of the agreement's languages (" + join(languages, ", ") + ")");
      }
    }
  }

  // A plan read from a file or edited must be one `moat plan --save` and `moat plan approve` could
  // have left: its body the planner's JSON (docs/planner.md) with the record's status, approved only
  // when found valid, and one approved plan per product (approving supersedes the one before).
  // Stored plans are left as they are.
  void check_plans() {
    static const std::set<std::string> kStatuses = {"optimal", "feasible", "infeasible", "unknown"};
    std::map<std::string, int> approved;  // product → approved plans
    for (const auto& [key, entry] : model_.of("plans")) {
      if (text(entry.record["state"]) == "approved") ++approved[key[0]];
    }
    for (const auto& [key, entry] : model_.of("plans")) {
      if (!entry.origin) continue;
      const json& r = entry.record;
      const std::string status = text(r["status"]);
      if (!kStatuses.contains(status)) {
        report("plans", key, entry, "status",
               "'" + status + "' is not a plan's status (optimal, feasible, infeasible or unknown)");
      }
      const json body = json::parse(text(r["plan"]), nullptr, false);
      if (!body.is_object() || !body.contains("status") || !body.contains("assignments") ||
          !body["assignments"].is_array()) {
        report("plans", key, entry, "plan",
               "not a plan: the planner's JSON with its status and assignments (docs/planner.md)");
      } else if (text(body["status"]) != status) {
        report("plans", key, entry, "status",
               "the record says '" + status + "' but its plan is '" + text(body["status"]) + "'");
      } else if (const json said = r.value("cost", json()), costs = body.value("cost", json());
                 said != costs) {
        report("plans", key, entry, "cost",
               "the record says " + said.dump() + " but its plan costs " + costs.dump());
      }
      if (text(r["state"]) != "approved") continue;
      if (status != "optimal" && status != "feasible") {
        report("plans", key, entry, "state", "a plan that is " + status + " cannot be approved");
      }
      if (approved[key[0]] > 1) {
        report("plans", key, entry, "state",
               "product '" + key[0] + "' would have " + std::to_string(approved[key[0]]) +
                   " approved plans: one is approved at a time (mark the others superseded)");
      }
    }
  }

  // The references a table declares in the schema (store/schema.h), for each value or list item.
  void check_references() {
    for (const store::Table& table : store::tables()) {
      for (const store::Reference& reference : table.references) {
        for (const auto& [key, entry] : model_.of(table.name)) check_reference(table, reference, key, entry);
      }
    }
  }

  void check_reference(const store::Table& table, const store::Reference& reference, const Key& key,
                       const Entry& entry) {
    const json& value = entry.record[std::string(reference.field)];
    const std::string scope = reference.scope.empty() ? "" : text(entry.record[std::string(reference.scope)]);
    const auto target_key = [&](const std::string& id) { return scope.empty() ? Key{id} : Key{scope, id}; };
    const std::string target = std::string(store::find_table(reference.table)->singular);
    const std::string in_scope =
        scope.empty() ? "" : " of " + std::string(reference.scope) + " '" + scope + "'";
    if (value.is_string()) {
      if (!reference.scope.empty() && scope.empty()) {
        report(std::string(table.name), key, entry, reference.field,
               std::string(reference.field) + " needs " + std::string(reference.scope) + " to be set too");
      } else if (!exists(reference.table, target_key(text(value)))) {
        report(std::string(table.name), key, entry, reference.field,
               "unknown " + target + " '" + text(value) + "'" + in_scope);
      }
      return;
    }
    if (!value.is_array()) return;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (!exists(reference.table, target_key(text(value[i])))) {
        report(std::string(table.name), key, entry, reference.field,
               "unknown " + target + " '" + text(value[i]) + "'" + in_scope, i);
      }
    }
  }

  const Model& model_;
  std::vector<ModelProblem> problems_;
};

}  // namespace

std::string Origin::where(std::string_view field, std::optional<std::size_t> index) const {
  if (line > 0) {
    const auto it = columns.find(std::string(field));
    return cell_location(file, sheet, line, it == columns.end() ? 1 : it->second);
  }
  std::string out = file + "#" + pointer;
  if (!field.empty()) out += "/" + std::string(field);
  if (index) out += "/" + std::to_string(*index);
  return out;
}

const store::Table* table_for_file_name(std::string_view name) {
  const std::size_t slash = name.find_last_of('/');
  std::string base = to_lower_ascii(slash == std::string_view::npos ? name : name.substr(slash + 1));
  if (base.ends_with(".csv")) {
    base.resize(base.size() - 4);
  } else if (base.ends_with(".xlsx") || base.ends_with(".xlsm")) {
    base.resize(base.size() - 5);
  } else {
    return nullptr;
  }
  if (base == "bom" || base.ends_with("-bom") || base.ends_with("_bom")) return store::find_table("parts");
  if (base == "work-packages" || base == "work_packages") return store::find_table("packages");
  if (base == "inference" || base == "inferences") return store::find_table("derives");
  if (base == "contacts") return store::find_table("people");
  return store::find_table(base);
}

const Entries& Model::of(std::string_view table) const {
  static const Entries kEmpty;
  const auto it = tables.find(table);
  return it == tables.end() ? kEmpty : it->second;
}

std::vector<ModelProblem> find_model_problems(const Model& model) {
  return Checker(model).run();
}

std::vector<Diagnostic> check_model(const Model& model) {
  std::vector<Diagnostic> diagnostics;
  for (ModelProblem& problem : Checker(model).run()) diagnostics.push_back(std::move(problem.diagnostic));
  return diagnostics;
}

}  // namespace moat::app
