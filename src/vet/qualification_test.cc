// SPDX-License-Identifier: Apache-2.0
#include "vet/qualification.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace moat::vet {
namespace {

Date day(const char* text) {
  return *Date::parse(text);
}

// A cut of rules/qualification.toml: five criteria of total weight 12 on a 0..5 scale, so the
// weighted maximum is 60 and each point of weighted score is 100/60 %.
QualificationRules aurora_rules() {
  QualificationRules rules;
  rules.max_score = 5;
  rules.criteria = {
      {"export_customers", "customer base", "Reputable export customers", 2, std::nullopt},
      {"litigation", "operating history", "Litigation record, IP litigation above all", 2, 1.0},
      {"quality_certificates", "quality management", "Valid ISO 9001 / IATF 16949 certificates", 2,
       std::nullopt},
      {"ip_incidents", "IP discipline", "Prior IP incidents (0: proven IP theft)", 3, 1.0},
      {"competing_products", "competition", "Makes or sells no competing products", 3, std::nullopt},
  };
  rules.bands = {
      {"qualified", 75, "low risk", 0.5, 12},
      {"conditional", 55, "elevated risk", 0.2, 6},
  };
  return rules;
}

// Scores in the order of aurora_rules().criteria.
std::vector<Score> scores(double export_customers, double litigation, double certificates,
                          double ip_incidents, double competing) {
  return {{"export_customers", export_customers},
          {"litigation", litigation},
          {"quality_certificates", certificates},
          {"ip_incidents", ip_incidents},
          {"competing_products", competing}};
}

// Names parameterised cases after their `name` field.
template <typename Case>
std::string case_name(const ::testing::TestParamInfo<Case>& param) {
  return param.param.name;
}

bool mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- Score and bands -------------------------------------------------------------------------

TEST(QualifyTest, ScoreIsTheWeightedSumAsPercentOfTheWeightedMaximum) {
  // 2×4 + 2×5 + 2×5 + 3×5 + 3×2 = 49 of 60.
  const auto outcome = qualify(aurora_rules(), scores(4, 5, 5, 5, 2), day("2025-03-14"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_NEAR(outcome->score, 100.0 * 49 / 60, 1e-9);
}

struct BandCase {
  const char* name;
  std::vector<Score> scores;
  double expected_score;
  const char* result;
  const char* tier;
  std::optional<double> cap;
};

void PrintTo(const BandCase& c, std::ostream* out) {
  *out << c.name;
}

class BandTest : public ::testing::TestWithParam<BandCase> {};

TEST_P(BandTest, HighestBandMetGivesResultTierAndCap) {
  const BandCase& c = GetParam();
  const auto outcome = qualify(aurora_rules(), c.scores, day("2025-03-14"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_NEAR(outcome->score, c.expected_score, 1e-9);
  EXPECT_EQ(outcome->result, c.result);
  EXPECT_EQ(outcome->tier, c.tier);
  EXPECT_EQ(outcome->max_exposure_share, c.cap);
  EXPECT_TRUE(outcome->knocked_out_by.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Bands, BandTest,
    ::testing::Values(
        // 60 of 60.
        BandCase{"AllTopScores", scores(5, 5, 5, 5, 5), 100, "qualified", "low risk", 0.5},
        // 45 of 60 = 75 %: a score exactly at the minimum meets it.
        BandCase{"ExactlyAtQualifiedMinimum", scores(3, 3, 3, 4, 5), 75, "qualified", "low risk", 0.5},
        // 44 of 60 = 73.3 %.
        BandCase{"JustBelowQualified", scores(4, 3, 3, 4, 4), 100.0 * 44 / 60, "conditional", "elevated risk",
                 0.2},
        // 33 of 60 = 55 %.
        BandCase{"ExactlyAtConditionalMinimum", scores(3, 3, 3, 3, 2), 55, "conditional", "elevated risk",
                 0.2},
        // 30 of 60 = 50 %.
        BandCase{"BelowEveryBand", scores(3, 3, 3, 2, 2), 50, "rejected", "", std::nullopt}),
    case_name<BandCase>);

TEST(QualifyTest, BandOrderInTheRulesDoesNotMatter) {
  QualificationRules reversed = aurora_rules();
  std::swap(reversed.bands[0], reversed.bands[1]);
  const auto outcome = qualify(reversed, scores(5, 5, 5, 5, 4), day("2025-03-14"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(outcome->result, "qualified");
}

TEST(QualifyTest, ScoreARoundingErrorBelowTheMinimumStillMeetsIt) {
  // (0.2 × 4.5 + 0.6 × 4.5) ÷ (0.9 × 5) is 80 %, but summed in binary it comes out as
  // 79.99999999999999: the band at 80 is meant to be met.
  QualificationRules rules;
  rules.criteria = {{"references", "", "", 0.1, std::nullopt},
                    {"document_control", "", "", 0.2, std::nullopt},
                    {"subcontracting_policy", "", "", 0.6, std::nullopt}};
  rules.bands = {{"qualified", 80, "low risk", 0.5, 12}};
  const auto outcome =
      qualify(rules, {{"references", 0}, {"document_control", 4.5}, {"subcontracting_policy", 4.5}},
              day("2025-03-14"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  ASSERT_LT(outcome->score, 80);  // the premise: the sum is not exact
  EXPECT_EQ(outcome->result, "qualified");
}

TEST(QualifyTest, ExplanationShowsScoreBandCapAndValidity) {
  const auto outcome = qualify(aurora_rules(), scores(3, 3, 3, 3, 2), day("2025-08-31"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(
      outcome->explanation,
      "score 55% ≥ 55% (conditional, elevated risk): exposure cap 20%, valid 6 months (until 2026-02-28)");
}

TEST(QualifyTest, RejectionBelowEveryBandNamesTheLowestBand) {
  const auto outcome = qualify(aurora_rules(), scores(3, 3, 3, 2, 2), day("2025-03-14"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(outcome->result, "rejected");
  EXPECT_FALSE(outcome->valid_until);
  EXPECT_EQ(outcome->explanation, "rejected: score 50% < 55% (the lowest band, conditional)");
}

TEST(QualifyTest, RulesWithoutBandsRejectEverything) {
  QualificationRules rules = aurora_rules();
  rules.bands.clear();
  const auto outcome = qualify(rules, scores(5, 5, 5, 5, 5), day("2025-03-14"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(outcome->result, "rejected");
  EXPECT_TRUE(mentions(outcome->explanation, "the rules define no band"));
}

// ---- Knock-outs ------------------------------------------------------------------------------

TEST(QualifyTest, ProvenIpTheftRejectsWhateverTheTotal) {
  // 45 of 60 = 75 % would qualify, but ip_incidents 0 is a proven IP theft.
  const auto outcome = qualify(aurora_rules(), scores(5, 5, 5, 0, 5), day("2025-03-14"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(outcome->result, "rejected");
  EXPECT_NEAR(outcome->score, 75, 1e-9);
  EXPECT_EQ(outcome->knocked_out_by, std::vector<std::string>{"ip_incidents"});
  EXPECT_EQ(outcome->tier, "");
  EXPECT_FALSE(outcome->max_exposure_share);
  EXPECT_FALSE(outcome->valid_until);
  EXPECT_EQ(outcome->explanation, "rejected: knock-out ip_incidents scored 0 (below 1)");
}

TEST(QualifyTest, AScoreJustBelowAKnockOutIsWrittenInFull) {
  // Rounded to two decimals 0.99999 would read "scored 1 (below 1)".
  const auto outcome = qualify(aurora_rules(), scores(5, 5, 5, 0.99999, 5), day("2025-03-14"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(outcome->explanation, "rejected: knock-out ip_incidents scored 0.99999 (below 1)");
}

TEST(QualifyTest, EveryKnockOutThatAppliesIsNamed) {
  const auto outcome = qualify(aurora_rules(), scores(5, 0.5, 5, 0, 5), day("2025-03-14"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_EQ(outcome->knocked_out_by, (std::vector<std::string>{"litigation", "ip_incidents"}));
  EXPECT_EQ(outcome->explanation,
            "rejected: knock-out litigation scored 0.5 (below 1), knock-out ip_incidents scored 0 (below 1)");
}

TEST(QualifyTest, ScoreAtTheKnockOutThresholdDoesNotKnockOut) {
  const auto outcome = qualify(aurora_rules(), scores(5, 1, 5, 1, 5), day("2025-03-14"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_TRUE(outcome->knocked_out_by.empty());
  EXPECT_EQ(outcome->result, "conditional");  // 2×5+2×1+2×5+3×1+3×5 = 40 of 60 = 66.7 %
}

// ---- Bad scores ------------------------------------------------------------------------------

struct ScoreErrorCase {
  const char* name;
  std::vector<Score> scores;
  const char* where;
  const char* message_part;
};

void PrintTo(const ScoreErrorCase& c, std::ostream* out) {
  *out << c.name;
}

class ScoreErrorTest : public ::testing::TestWithParam<ScoreErrorCase> {};

TEST_P(ScoreErrorTest, IsAnInputErrorNamingTheCriterion) {
  const ScoreErrorCase& c = GetParam();
  const auto outcome = qualify(aurora_rules(), c.scores, day("2025-03-14"));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), ErrorCode::kInput);
  ASSERT_EQ(outcome.error().diagnostics().size(), 1u) << outcome.error().to_string();
  EXPECT_EQ(outcome.error().where(), c.where);
  EXPECT_TRUE(mentions(outcome.error().message(), c.message_part)) << outcome.error().message();
}

std::vector<Score> with(std::vector<Score> base, Score extra) {
  base.push_back(std::move(extra));
  return base;
}

std::vector<Score> without(std::vector<Score> base, const std::string& criterion) {
  std::erase_if(base, [&](const Score& s) { return s.criterion == criterion; });
  return base;
}

std::vector<Score> replaced(std::vector<Score> base, Score score) {
  for (Score& s : base) {
    if (s.criterion == score.criterion) s = score;
  }
  return base;
}

INSTANTIATE_TEST_SUITE_P(
    Scores, ScoreErrorTest,
    ::testing::Values(
        ScoreErrorCase{"UnknownCriterion", with(scores(4, 4, 4, 4, 4), {"iso_9001", 5}), "iso_9001",
                       "no criterion has this id"},
        ScoreErrorCase{"ScoredTwice", with(scores(4, 4, 4, 4, 4), {"litigation", 3}), "litigation",
                       "scored twice"},
        ScoreErrorCase{"AboveTheScale", replaced(scores(4, 4, 4, 4, 4), {"export_customers", 6}),
                       "export_customers", "score 6 is outside 0..5"},
        ScoreErrorCase{"BelowTheScale", replaced(scores(4, 4, 4, 4, 4), {"competing_products", -1}),
                       "competing_products", "score -1 is outside 0..5"},
        ScoreErrorCase{"NotANumber",
                       replaced(scores(4, 4, 4, 4, 4),
                                {"quality_certificates", std::numeric_limits<double>::quiet_NaN()}),
                       "quality_certificates", "not a finite number"},
        ScoreErrorCase{"MissingWhenEveryCriterionIsRequired", without(scores(4, 4, 4, 4, 4), "ip_incidents"),
                       "ip_incidents", "not scored"}),
    case_name<ScoreErrorCase>);

TEST(QualifyTest, EveryBadScoreIsReportedAtOnce) {
  std::vector<Score> bad = {{"export_customers", 7}, {"litigation", 4},   {"litigation", 4},
                            {"iso_9001", 5},         {"ip_incidents", 5}, {"competing_products", 5}};
  const auto outcome = qualify(aurora_rules(), bad, day("2025-03-14"));
  ASSERT_FALSE(outcome.ok());
  std::vector<std::string> where;
  for (const Diagnostic& d : outcome.error().diagnostics()) where.push_back(d.where);
  EXPECT_EQ(where,
            (std::vector<std::string>{"export_customers", "litigation", "iso_9001", "quality_certificates"}));
}

TEST(QualifyTest, UnscoredCriteriaAreLeftOutWhenNotRequired) {
  QualificationRules rules = aurora_rules();
  rules.require_every_criterion = false;
  // Only customer base and IP incidents scored: (2×5 + 3×4) / (2×5 + 3×5) = 22 / 25 = 88 %.
  const auto outcome = qualify(rules, {{"export_customers", 5}, {"ip_incidents", 4}}, day("2025-03-14"));
  ASSERT_TRUE(outcome.ok()) << outcome.error().to_string();
  EXPECT_NEAR(outcome->score, 88, 1e-9);
  EXPECT_EQ(outcome->result, "qualified");
  EXPECT_TRUE(
      mentions(outcome->explanation, "; not scored: litigation, quality_certificates, competing_products"))
      << outcome->explanation;
}

TEST(QualifyTest, NothingScoredIsAnError) {
  QualificationRules rules = aurora_rules();
  rules.require_every_criterion = false;
  const auto outcome = qualify(rules, {}, day("2025-03-14"));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code(), ErrorCode::kInput);
  EXPECT_TRUE(mentions(outcome.error().message(), "no criterion is scored"));
}

// ---- Checking the rules ----------------------------------------------------------------------

struct RulesErrorCase {
  const char* name;
  void (*spoil)(QualificationRules&);
  const char* where;
  const char* message_part;
};

void PrintTo(const RulesErrorCase& c, std::ostream* out) {
  *out << c.name;
}

class CheckRulesTest : public ::testing::TestWithParam<RulesErrorCase> {};

TEST_P(CheckRulesTest, NamesTheFaultyRow) {
  const RulesErrorCase& c = GetParam();
  QualificationRules rules = aurora_rules();
  c.spoil(rules);
  const Status status = check_rules(rules);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kInput);
  EXPECT_EQ(status.error().where(), c.where);
  EXPECT_TRUE(mentions(status.error().message(), c.message_part)) << status.error().message();
  // qualify refuses to score against broken rules.
  EXPECT_FALSE(qualify(rules, scores(5, 5, 5, 5, 5), day("2025-03-14")).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Rules, CheckRulesTest,
    ::testing::Values(
        RulesErrorCase{"DuplicateCriterion", [](QualificationRules& r) { r.criteria[2].id = "litigation"; },
                       "criteria/litigation", "used by another criterion"},
        RulesErrorCase{"ZeroWeight", [](QualificationRules& r) { r.criteria[0].weight = 0; },
                       "criteria/export_customers", "weight 0 is not a positive number"},
        RulesErrorCase{"KnockOutAboveTheScale",
                       [](QualificationRules& r) { r.criteria[3].knockout_below = 6; },
                       "criteria/ip_incidents", "outside the scale 0..5"},
        RulesErrorCase{"CriterionWithoutId", [](QualificationRules& r) { r.criteria[1].id.clear(); },
                       "criteria/1", "no id"},
        RulesErrorCase{"UnknownBandResult", [](QualificationRules& r) { r.bands[0].result = "approved"; },
                       "bands/0", "neither qualified nor conditional"},
        RulesErrorCase{"BandMinimumAbove100", [](QualificationRules& r) { r.bands[1].min_score = 120; },
                       "bands/1", "min_score 120 is outside 0..100"},
        RulesErrorCase{"CapAboveOne", [](QualificationRules& r) { r.bands[0].max_exposure_share = 1.5; },
                       "bands/0", "max_exposure_share 1.5 is outside 0..1"},
        RulesErrorCase{"NoValidity", [](QualificationRules& r) { r.bands[1].valid_months = 0; }, "bands/1",
                       "valid_months 0 is not positive"},
        RulesErrorCase{"ZeroScale", [](QualificationRules& r) { r.max_score = 0; }, "max_score",
                       "not a positive number"},
        RulesErrorCase{"NoCriteria", [](QualificationRules& r) { r.criteria.clear(); }, "criteria",
                       "nothing to score"}),
    case_name<RulesErrorCase>);

TEST(CheckRulesTest, AcceptsTheDefaultShape) {
  EXPECT_TRUE(check_rules(aurora_rules()).ok());
}

// ---- Validity --------------------------------------------------------------------------------

struct MonthCase {
  const char* from;
  int months;
  const char* expected;
};

void PrintTo(const MonthCase& c, std::ostream* out) {
  *out << c.from << " + " << c.months << " months";
}

class AddMonthsTest : public ::testing::TestWithParam<MonthCase> {};

TEST_P(AddMonthsTest, KeepsTheDayOrTakesTheMonthsLastDay) {
  const MonthCase& c = GetParam();
  EXPECT_EQ(day(c.from).add_months(c.months).to_string(), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Months, AddMonthsTest,
    ::testing::Values(MonthCase{"2025-03-14", 12, "2026-03-14"}, MonthCase{"2025-01-31", 1, "2025-02-28"},
                      MonthCase{"2024-01-31", 1, "2024-02-29"},  // leap year
                      MonthCase{"2024-02-29", 12, "2025-02-28"}, MonthCase{"2025-08-31", 6, "2026-02-28"},
                      MonthCase{"2025-10-31", 1, "2025-11-30"}, MonthCase{"2025-11-30", 3, "2026-02-28"},
                      MonthCase{"2025-12-15", 1, "2026-01-15"},  // across the year
                      MonthCase{"2025-03-31", -1, "2025-02-28"}));

TEST(QualifyTest, ValidUntilIsTheBandsMonthsAfterTheAssessment) {
  const auto qualified = qualify(aurora_rules(), scores(5, 5, 5, 5, 5), day("2024-02-29"));
  ASSERT_TRUE(qualified.ok()) << qualified.error().to_string();
  EXPECT_EQ(qualified->valid_until, day("2025-02-28"));
  const auto conditional = qualify(aurora_rules(), scores(3, 3, 3, 3, 2), day("2025-08-31"));
  ASSERT_TRUE(conditional.ok()) << conditional.error().to_string();
  EXPECT_EQ(conditional->valid_until, day("2026-02-28"));
}

struct StatusCase {
  const char* stored;
  std::optional<const char*> valid_until;
  const char* today;
  const char* expected;
};

void PrintTo(const StatusCase& c, std::ostream* out) {
  *out << c.stored << " on " << c.today;
}

class EffectiveStatusTest : public ::testing::TestWithParam<StatusCase> {};

TEST_P(EffectiveStatusTest, ExpiresOnlyAfterTheLastValidDay) {
  const StatusCase& c = GetParam();
  const std::optional<Date> until = c.valid_until ? std::optional<Date>(day(*c.valid_until)) : std::nullopt;
  EXPECT_EQ(effective_status(c.stored, until, day(c.today)), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Status, EffectiveStatusTest,
                         ::testing::Values(StatusCase{"qualified", "2026-03-14", "2026-03-13", "qualified"},
                                           StatusCase{"qualified", "2026-03-14", "2026-03-14",
                                                      "qualified"},  // the last valid day
                                           StatusCase{"qualified", "2026-03-14", "2026-03-15", "expired"},
                                           StatusCase{"conditional", "2025-12-31", "2026-01-01", "expired"},
                                           StatusCase{"rejected", "2025-12-31", "2026-06-01", "rejected"},
                                           StatusCase{"qualified", std::nullopt, "2030-01-01", "qualified"},
                                           StatusCase{"pending", "2025-12-31", "2026-06-01", "pending"}));

}  // namespace
}  // namespace moat::vet
