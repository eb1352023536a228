// SPDX-License-Identifier: Apache-2.0
// The summary counts in the database what it once counted over the whole loaded model: both are
// compared here on the demo and on the demo changed (lines not fitted, suppliers without a city or
// no longer qualified, new affiliations). And the ledger's head check finds what it claims to check
// (events after the last checkpoint, the checkpoint's own event, events cut off the end), while
// what it leaves to `moat audit verify` (events the checkpoint covers) is found there.
#include "app/summary.h"
#include "app/demo_testing.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "app/audit.h"
#include "app/demo.h"
#include "app/import.h"
#include "app/records.h"
#include "testing/testing.h"

namespace moat::app {
namespace {

using nlohmann::json;

std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : "";
}

// The summary as it was computed before: from every record of the workspace, loaded.
WorkspaceSummary from_model(const Model& model) {
  WorkspaceSummary s;
  const Entries& suppliers = model.of("suppliers");
  for (const auto& [key, product] : model.of("products")) {
    ProductSummary p;
    p.id = key[0];
    p.name = text_of(product.record["name"]);
    const auto count = [&](std::string_view table) {
      std::size_t n = 0;
      for (const auto& [k, unused] : model.of(table)) n += k[0] == key[0] ? 1U : 0U;
      return n;
    };
    for (const auto& [k, part] : model.of("parts")) {
      if (k[0] == key[0]) ++(part.record["fitted"] == false ? p.parts_not_fitted : p.parts);
    }
    p.derives = count("derives");
    p.recipes = count("recipes");
    p.packages = count("packages");
    p.quotes = count("quotes");
    for (const auto& [k, secret] : model.of("secrets")) {
      if (k[0] != key[0]) continue;
      ++p.secrets;
      p.secret_weight += secret.record["weight"].get<double>();
    }
    std::set<std::string> quoted;
    for (const auto& [k, quote] : model.of("quotes")) {
      const auto supplier = suppliers.find({k[2]});
      if (k[0] == key[0] && supplier != suppliers.end() && supplier->second.record["status"] == "qualified")
        quoted.insert(k[1]);
    }
    for (const auto& [k, unused] : model.of("packages")) {
      if (k[0] == key[0] && !quoted.contains(k[1])) p.packages_without_quotes.push_back(k[1]);
    }
    s.products.push_back(p);
  }
  std::vector<std::string> ids;
  for (const auto& [key, supplier] : suppliers) {
    ids.push_back(key[0]);
    ++s.suppliers;
    const std::string city = text_of(supplier.record["city"]);
    ++s.suppliers_by_city[city.empty() ? "(unknown)" : city];
    ++s.suppliers_by_status[text_of(supplier.record["status"])];
    if (supplier.record["trusted"] == true) s.trusted.push_back(key[0]);
  }
  std::vector<std::pair<std::string, std::string>> links;
  for (const auto& [key, unused] : model.of("affiliations")) links.emplace_back(key[0], key[1]);
  const PartyMap parties = derive_parties(ids, links);
  s.parties = parties.parties.size();
  for (const Party& party : parties.parties) {
    if (party.members.size() > 1) s.affiliated_parties.push_back(party);
  }
  s.people = model.of("people").size();
  return s;
}

class SummaryTest : public DemoTest {
 protected:
  SummaryTest() : DemoTest("tester") {}

  void expect_same_as_from_model() {
    auto summary = summarize(*workspace_);
    ASSERT_TRUE(summary.ok()) << summary.error().to_string();
    auto model = load_model(workspace_->store());
    ASSERT_TRUE(model.ok());
    const WorkspaceSummary expected = from_model(*model);
    ASSERT_EQ(summary->products.size(), expected.products.size());
    for (std::size_t i = 0; i < expected.products.size(); ++i) {
      const ProductSummary& got = summary->products[i];
      const ProductSummary& want = expected.products[i];
      EXPECT_EQ(got.id, want.id);
      EXPECT_EQ(got.name, want.name);
      EXPECT_EQ(got.parts, want.parts) << want.id;
      EXPECT_EQ(got.parts_not_fitted, want.parts_not_fitted) << want.id;
      EXPECT_EQ(got.secrets, want.secrets) << want.id;
      EXPECT_EQ(got.secret_weight, want.secret_weight) << want.id;
      EXPECT_EQ(got.derives, want.derives) << want.id;
      EXPECT_EQ(got.recipes, want.recipes) << want.id;
      EXPECT_EQ(got.packages, want.packages) << want.id;
      EXPECT_EQ(got.quotes, want.quotes) << want.id;
      EXPECT_EQ(got.packages_without_quotes, want.packages_without_quotes) << want.id;
    }
    EXPECT_EQ(summary->suppliers, expected.suppliers);
    EXPECT_EQ(summary->suppliers_by_city, expected.suppliers_by_city);
    EXPECT_EQ(summary->suppliers_by_status, expected.suppliers_by_status);
    EXPECT_EQ(summary->trusted, expected.trusted);
    EXPECT_EQ(summary->parties, expected.parties);
    ASSERT_EQ(summary->affiliated_parties.size(), expected.affiliated_parties.size());
    for (std::size_t i = 0; i < expected.affiliated_parties.size(); ++i) {
      EXPECT_EQ(summary->affiliated_parties[i].id, expected.affiliated_parties[i].id);
      EXPECT_EQ(summary->affiliated_parties[i].members, expected.affiliated_parties[i].members);
    }
    EXPECT_EQ(summary->people, expected.people);
  }

  void import(const std::string& name, const std::string& csv) {
    ImportOptions options;
    auto report = import_files(*workspace_, testing::fixed_session(), {{name, csv}}, options);
    ASSERT_TRUE(report.ok()) << report.error().to_string();
  }

  void sql(const std::string& statement) {
    ASSERT_TRUE(workspace_->store().database().execute(statement).ok()) << statement;
  }

  HeadCheck head() {
    auto check = check_ledger_head(*workspace_);
    EXPECT_TRUE(check.ok()) << check.error().to_string();
    return check.ok() ? *check : HeadCheck{};
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, SummaryTest, ::testing::ValuesIn(testing::backends()),
                         testing::BackendName());

TEST_P(SummaryTest, CountsTheDemoAsTheLoadedModelDoes) {
  expect_same_as_from_model();
}

TEST_P(SummaryTest, CountsAChangedWorkspaceAsTheLoadedModelDoes) {
  import("suppliers.csv",
         "id,legal_name,uscc,capabilities,capacity,status,trusted\n"
         "F90,深圳市测试电子有限公司,9133010058073021X2,pcba-smt,1000,pending,false\n");
  auto model = load_model(workspace_->store());
  ASSERT_TRUE(model.ok());
  // Every qualified supplier of the first quoted package becomes conditional: that package loses
  // its quotes from a qualified supplier.
  const auto& quotes = model->of("quotes");
  ASSERT_FALSE(quotes.empty());
  const store::Key first = quotes.begin()->first;
  for (const auto& [key, unused] : quotes) {
    if (key[0] == first[0] && key[1] == first[1])
      sql(R"(UPDATE "suppliers" SET "status" = 'conditional' WHERE "id" = ')" + key[2] + "'");
  }
  sql(R"(UPDATE "parts" SET "fitted" = 0 WHERE "id" IN (SELECT "id" FROM "parts" ORDER BY "id" LIMIT 3))");
  sql(R"(UPDATE "suppliers" SET "city" = NULL WHERE "id" = 'F90')");
  expect_same_as_from_model();
}

TEST_P(SummaryTest, TheDemoHeadVerifiesFromItsCheckpoint) {
  const HeadCheck check = head();
  EXPECT_TRUE(check.ok) << check.problem;
  EXPECT_GT(check.checkpoint_size, 0U) << "the demo's gate verdicts signed checkpoints";
  EXPECT_EQ(check.events, static_cast<std::int64_t>(check.checkpoint_size) + check.events_rehashed);
  auto summary = summarize(*workspace_);
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->ledger_ok);
}

TEST_P(SummaryTest, HeadCheckFindsAnEventAfterTheCheckpointAltered) {
  import("people.csv", "id,name\nP900,Test Person\n");
  const HeadCheck before = head();
  ASSERT_TRUE(before.ok) << before.problem;
  ASSERT_GT(before.events_rehashed, 0);
  sql(R"(UPDATE "ledger" SET "actor" = 'someone else' WHERE "seq" = )" + std::to_string(before.events));
  const HeadCheck after = head();
  EXPECT_FALSE(after.ok);
  EXPECT_NE(after.problem.find("event " + std::to_string(before.events)), std::string::npos) << after.problem;
}

TEST_P(SummaryTest, HeadCheckFindsTheCheckpointsOwnEventAltered) {
  const HeadCheck before = head();
  ASSERT_GT(before.checkpoint_size, 0U);
  sql(R"(UPDATE "ledger" SET "actor" = 'someone else' WHERE "seq" = )" +
      std::to_string(before.checkpoint_size));
  EXPECT_FALSE(head().ok);
}

TEST_P(SummaryTest, HeadCheckFindsEventsCutOffTheEnd) {
  import("people.csv", "id,name\nP900,Test Person\n");
  const HeadCheck before = head();
  sql(R"(DELETE FROM "ledger" WHERE "seq" = )" + std::to_string(before.events));
  EXPECT_FALSE(head().ok);
}

// What the head check does not claim: an event the checkpoint covers, altered, is left to the
// full audit — which finds it.
TEST_P(SummaryTest, AnEventTheCheckpointCoversIsLeftToTheFullAudit) {
  const HeadCheck before = head();
  ASSERT_GT(before.checkpoint_size, 2U);
  sql(R"(UPDATE "ledger" SET "actor" = 'someone else' WHERE "seq" = 2)");
  EXPECT_TRUE(head().ok);
  auto audit = verify_ledger(*workspace_);
  ASSERT_TRUE(audit.ok());
  EXPECT_FALSE(audit->ok());
}

}  // namespace
}  // namespace moat::app
