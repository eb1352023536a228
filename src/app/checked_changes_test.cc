// SPDX-License-Identifier: Apache-2.0
// Edits and imports can never disagree: random changes to the Aurora demo (references pointed at
// other records or at none, credit codes copied, trust flipped, BOM parents that make cycles,
// new records) are checked both ways — check_model over the whole workspace, as an import does,
// and problems_added over the records the changes can involve, as an edit does — and the two must
// name the same problems at the same places.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "app/demo.h"
#include "app/demo_testing.h"
#include "app/records.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

using nlohmann::json;

class CheckedChangesTest : public DemoTest {
 protected:
  void SetUp() override {
    DemoTest::SetUp();
    if (HasFatalFailure()) return;
    auto model = load_model(workspace_->store());
    ASSERT_TRUE(model.ok());
    stored_ = std::move(*model);
    ASSERT_TRUE(check_model(stored_).empty()) << "the demo is free of problems";
  }

  std::string pick(const std::vector<std::string>& from) {
    if (from.back() == "NOPE" && roll(4) == 0) return "NOPE";  // a reference to nothing, often
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random_)];
  }
  int roll(int sides) { return std::uniform_int_distribution<int>(0, sides - 1)(random_); }

  // The ids of `table`'s records (their last key field), within `product` when it is scoped.
  std::vector<std::string> ids(std::string_view table, const std::string& product = {}) {
    std::vector<std::string> out;
    for (const auto& [key, entry] : stored_.of(table)) {
      if (product.empty() || key.size() < 2 || key[0] == product) out.push_back(key.back());
    }
    out.push_back("NOPE");  // a reference to nothing
    return out;
  }

  // One random change to a copy of a random stored record; now and then under a new key.
  Change random_change(const Origin* origin) {
    static const std::vector<std::string> kTables = {"suppliers", "parts",        "packages", "quotes",
                                                     "people",    "affiliations", "derives",  "recipes",
                                                     "secrets",   "agreements"};
    std::string name;
    do {
      name = pick(kTables);
    } while (stored_.of(name).empty());
    const store::Table* table = store::find_table(name);
    const Entries& entries = stored_.of(name);
    auto it = entries.begin();
    std::advance(it, roll(static_cast<int>(entries.size())));
    store::Record record = it->second.record;
    const std::string product = table->product_scoped ? it->first[0] : "";
    mutate(name, product, record);
    if (roll(5) == 0 && name != "affiliations" && name != "quotes") {
      record[std::string(table->fields[table->key_size - 1].name)] = "NEW" + std::to_string(roll(1000));
    }
    return {table, record, origin};
  }

  void mutate(const std::string& table, const std::string& product, store::Record& record) {
    const int what = roll(4);
    if (table == "suppliers") {
      if (what == 0) record["uscc"] = stored_.of("suppliers").begin()->second.record["uscc"];
      if (what == 1) record["trusted"] = !(record["trusted"] == true);
      if (what == 2) record["party"] = pick(ids("suppliers"));
    } else if (table == "parts") {
      record["parent"] = pick(ids("parts", product));
    } else if (table == "packages") {
      if (what < 2)
        record["parts"].push_back(pick(ids("parts", product)));
      else
        record["exposes"] = json::array({pick(ids("secrets", product))});
    } else if (table == "quotes") {
      record["supplier"] = pick(ids("suppliers"));
      record["package"] = pick(ids("packages", product));
    } else if (table == "people") {
      record["supplier"] = pick(ids("suppliers"));
    } else if (table == "affiliations") {
      record[what < 2 ? "a" : "b"] = pick(ids("suppliers"));
    } else if (table == "derives") {
      record[what < 2 ? "gives" : "from"] =
          what < 2 ? json(pick(ids("secrets", product))) : json::array({pick(ids("secrets", product))});
    } else if (table == "recipes") {
      record["secrets"].push_back(pick(ids("secrets", product)));
    } else if (table == "agreements") {
      record["supplier"] = pick(ids("suppliers"));
    }
  }

  static std::set<std::pair<std::string, std::string>> as_set(const std::vector<Diagnostic>& found) {
    std::set<std::pair<std::string, std::string>> out;
    for (const Diagnostic& d : found) out.insert({d.where, d.message});
    return out;
  }

  Model stored_;
  std::mt19937 random_{20261205};
};

INSTANTIATE_TEST_SUITE_P(Backends, CheckedChangesTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(CheckedChangesTest, EditsAndImportsFindTheSameProblems) {
  const Origin origin{"edit", 0, {}, "/change", {}};
  int refused = 0, trials = 0;
  for (; trials < 400; ++trials) {
    std::vector<Change> changes{random_change(&origin)};
    if (roll(4) == 0) changes.push_back(random_change(&origin));
    Model whole = stored_;
    for (const Change& c : changes)
      whole.tables[std::string(c.table->name)][store::key_of(*c.table, c.record)] = {c.record, c.origin};
    const auto expected = as_set(check_model(whole));
    auto added = problems_added(workspace_->store(), changes);
    ASSERT_TRUE(added.ok()) << added.error().to_string();
    ASSERT_EQ(as_set(*added), expected)
        << "trial " << trials << ": " << changes.front().table->name << " " << changes.front().record.dump();
    refused += expected.empty() ? 0 : 1;
  }
  EXPECT_GT(refused, trials / 5) << "the random changes must break rules often, not only pass";
  EXPECT_LT(refused, trials) << "and pass sometimes";
}

}  // namespace
}  // namespace moat::app
