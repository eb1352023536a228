// SPDX-License-Identifier: Apache-2.0
#include "vet/qualification.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "core/number_text.h"
#include "core/text.h"

namespace moat::vet {
namespace {

constexpr std::string_view kQualified = "qualified";
constexpr std::string_view kConditional = "conditional";
constexpr std::string_view kRejected = "rejected";
constexpr std::string_view kExpired = "expired";
constexpr double kPercent = 100;
// Weighted sums of decimal scores are not exact: a score meant as 75 can come out as
// 74.99999999999999. A score this close below a band's minimum still meets it.
constexpr double kScoreTolerance = 1e-9;

using ScoreTable = std::map<std::string, double, std::less<>>;

bool is_band_result(std::string_view result) {
  return result == kQualified || result == kConditional;
}

bool within(double value, double low, double high) {
  return value >= low && value <= high;
}  // false for NaN

std::string scale_text(double max_score) {
  return "0.." + format_number(max_score);
}

std::string percent_text(double share) {
  return format_number(share * kPercent) + "%";
}

std::vector<Diagnostic> concat(std::vector<Diagnostic> first, std::vector<Diagnostic> second) {
  first.insert(first.end(), std::make_move_iterator(second.begin()), std::make_move_iterator(second.end()));
  return first;
}

// ---- Checking the rules ----------------------------------------------------------------------

std::vector<Diagnostic> check_scale(const QualificationRules& rules) {
  std::vector<Diagnostic> problems;
  if (!(std::isfinite(rules.max_score) && rules.max_score > 0)) {
    problems.push_back(
        {"max_score", "max_score " + format_number(rules.max_score) + " is not a positive number"});
  }
  if (rules.criteria.empty()) problems.push_back({"criteria", "no criteria: there is nothing to score"});
  return problems;
}

std::vector<Diagnostic> check_criterion(const Criterion& criterion, const std::string& where,
                                        double max_score) {
  std::vector<Diagnostic> problems;
  if (criterion.id.empty()) problems.push_back({where, "the criterion has no id"});
  if (!(std::isfinite(criterion.weight) && criterion.weight > 0)) {
    problems.push_back({where, "weight " + format_number(criterion.weight) + " is not a positive number"});
  }
  if (criterion.knockout_below && !within(*criterion.knockout_below, 0, max_score)) {
    problems.push_back({where, "knock-out below " + format_number(*criterion.knockout_below) +
                                   " is outside the scale " + scale_text(max_score)});
  }
  return problems;
}

std::vector<Diagnostic> check_criteria(const QualificationRules& rules) {
  std::vector<Diagnostic> problems;
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < rules.criteria.size(); ++i) {
    const Criterion& criterion = rules.criteria[i];
    const std::string where = "criteria/" + (criterion.id.empty() ? std::to_string(i) : criterion.id);
    if (!criterion.id.empty() && !seen.insert(criterion.id).second) {
      problems.push_back({where, "the id \"" + criterion.id + "\" is used by another criterion"});
    }
    problems = concat(std::move(problems), check_criterion(criterion, where, rules.max_score));
  }
  return problems;
}

std::vector<Diagnostic> check_band(const Band& band, const std::string& where) {
  std::vector<Diagnostic> problems;
  if (!is_band_result(band.result)) {
    problems.push_back({where, "result \"" + band.result + "\" is neither qualified nor conditional"});
  }
  if (!within(band.min_score, 0, kPercent)) {
    problems.push_back({where, "min_score " + format_number(band.min_score) + " is outside 0..100"});
  }
  if (!within(band.max_exposure_share, 0, 1)) {
    problems.push_back(
        {where, "max_exposure_share " + format_number(band.max_exposure_share) + " is outside 0..1"});
  }
  if (band.valid_months <= 0) {
    problems.push_back({where, "valid_months " + std::to_string(band.valid_months) + " is not positive"});
  }
  return problems;
}

// ---- Reading the scores ----------------------------------------------------------------------

std::string score_problem(const Score& score, double max_score) {
  if (!std::isfinite(score.value)) return "the score is not a finite number";
  if (!within(score.value, 0, max_score)) {
    return "score " + format_number(score.value) + " is outside " + scale_text(max_score);
  }
  return "";
}

// The scores by criterion id, or every problem with them.
Result<ScoreTable> read_scores(const QualificationRules& rules, const std::vector<Score>& scores) {
  std::set<std::string, std::less<>> known;
  for (const Criterion& criterion : rules.criteria) known.insert(criterion.id);
  std::vector<Diagnostic> problems;
  ScoreTable table;
  for (const Score& score : scores) {
    const std::string problem = score_problem(score, rules.max_score);
    if (!known.contains(score.criterion)) {
      problems.push_back({score.criterion, "no criterion has this id"});
    } else if (table.contains(score.criterion)) {
      problems.push_back({score.criterion, "the criterion is scored twice"});
    } else if (!problem.empty()) {
      problems.push_back({score.criterion, problem});
    }
    table.emplace(score.criterion, score.value);
  }
  for (const Criterion& criterion : rules.criteria) {
    if (rules.require_every_criterion && !table.contains(criterion.id)) {
      problems.push_back({criterion.id, "the criterion is not scored"});
    }
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  if (table.empty()) return input_error("", "no criterion is scored");
  return table;
}

// ---- Scoring ---------------------------------------------------------------------------------

// 100 × Σ weight × score ÷ Σ weight × max_score, over the scored criteria.
double weighted_percent(const QualificationRules& rules, const ScoreTable& table) {
  double earned = 0;
  double possible = 0;
  for (const Criterion& criterion : rules.criteria) {
    const auto score = table.find(criterion.id);
    if (score == table.end()) continue;
    earned += criterion.weight * score->second;
    possible += criterion.weight * rules.max_score;
  }
  return kPercent * earned / possible;
}

std::vector<const Criterion*> knock_outs(const QualificationRules& rules, const ScoreTable& table) {
  std::vector<const Criterion*> applied;
  for (const Criterion& criterion : rules.criteria) {
    const auto score = table.find(criterion.id);
    if (score != table.end() && criterion.knockout_below && score->second < *criterion.knockout_below) {
      applied.push_back(&criterion);
    }
  }
  return applied;
}

// The band with the highest min_score that `score` meets (the first of equals), or nullptr.
const Band* band_met(const std::vector<Band>& bands, double score) {
  const Band* best = nullptr;
  for (const Band& band : bands) {
    const bool meets = score + kScoreTolerance >= band.min_score;
    if (meets && (!best || band.min_score > best->min_score)) best = &band;
  }
  return best;
}

const Band* lowest_band(const std::vector<Band>& bands) {
  const auto lowest = std::min_element(
      bands.begin(), bands.end(), [](const Band& a, const Band& b) { return a.min_score < b.min_score; });
  return lowest == bands.end() ? nullptr : &*lowest;
}

// ---- Explaining ------------------------------------------------------------------------------

std::string unscored_note(const QualificationRules& rules, const ScoreTable& table) {
  std::vector<std::string> unscored;
  for (const Criterion& criterion : rules.criteria) {
    if (!table.contains(criterion.id)) unscored.push_back(criterion.id);
  }
  return unscored.empty() ? "" : "; not scored: " + join(unscored, ", ");
}

std::string knock_out_text(const std::vector<const Criterion*>& applied, const ScoreTable& table) {
  std::vector<std::string> parts;
  for (const Criterion* criterion : applied) {
    const double score = table.find(criterion->id)->second;
    std::string score_text = format_number(score);
    if (score_text == format_number(*criterion->knockout_below)) {
      // Rounded to two decimals a score just below the bar reads as the bar ("scored 1 (below
      // 1)"): written in full instead.
      char buffer[32];
      score_text.assign(buffer, std::to_chars(buffer, buffer + sizeof buffer, score).ptr);
    }
    parts.push_back("knock-out " + criterion->id + " scored " + score_text + " (below " +
                    format_number(*criterion->knockout_below) + ")");
  }
  return "rejected: " + join(parts, ", ");
}

std::string below_bands_text(const std::vector<Band>& bands, double score) {
  const Band* lowest = lowest_band(bands);
  if (!lowest) return "rejected: score " + format_number(score) + "%, and the rules define no band";
  return "rejected: score " + format_number(score) + "% < " + format_number(lowest->min_score) +
         "% (the lowest band, " + lowest->result + ")";
}

std::string band_text(const Band& band, double score, Date valid_until) {
  const std::string result = band.tier.empty() ? band.result : band.result + ", " + band.tier;
  const std::string months =
      std::to_string(band.valid_months) + (band.valid_months == 1 ? " month" : " months");
  return "score " + format_number(score) + "% ≥ " + format_number(band.min_score) + "% (" + result +
         "): exposure cap " + percent_text(band.max_exposure_share) + ", valid " + months + " (until " +
         valid_until.to_string() + ")";
}

Outcome rejected(double score, std::vector<std::string> knocked_out_by, std::string explanation) {
  return {std::string(kRejected), score, "", std::nullopt, std::nullopt, std::move(knocked_out_by),
          std::move(explanation)};
}

}  // namespace

Status check_rules(const QualificationRules& rules) {
  std::vector<Diagnostic> problems = concat(check_scale(rules), check_criteria(rules));
  for (std::size_t i = 0; i < rules.bands.size(); ++i) {
    problems = concat(std::move(problems), check_band(rules.bands[i], "bands/" + std::to_string(i)));
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return {};
}

Result<Outcome> qualify(const QualificationRules& rules, const std::vector<Score>& scores, Date assessed_on) {
  MOAT_CHECK(check_rules(rules));
  MOAT_TRY(const ScoreTable table, read_scores(rules, scores));
  const double score = weighted_percent(rules, table);

  const std::vector<const Criterion*> applied = knock_outs(rules, table);
  if (!applied.empty()) {
    std::vector<std::string> ids;
    for (const Criterion* criterion : applied) ids.push_back(criterion->id);
    return rejected(score, std::move(ids), knock_out_text(applied, table));
  }

  const Band* band = band_met(rules.bands, score);
  if (!band) return rejected(score, {}, below_bands_text(rules.bands, score) + unscored_note(rules, table));

  const Date valid_until = assessed_on.add_months(band->valid_months);
  return Outcome{band->result,
                 score,
                 band->tier,
                 band->max_exposure_share,
                 valid_until,
                 {},
                 band_text(*band, score, valid_until) + unscored_note(rules, table)};
}

std::string effective_status(const std::string& stored, const std::optional<Date>& valid_until, Date today) {
  const bool lapsed = valid_until && *valid_until < today;
  return is_band_result(stored) && lapsed ? std::string(kExpired) : stored;
}

}  // namespace moat::vet
