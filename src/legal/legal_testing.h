// SPDX-License-Identifier: Apache-2.0
// What legal/'s tests share: dates from text, and the rule files and calendars the repository
// ships (rules/), read once from the source tree (MOAT_SOURCE_DIR, else the configured root).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "legal/agreement_check.h"
#include "legal/calendar.h"
#include "legal/deadlines.h"

namespace moat::legal::testing {

// Names parameterized cases after their `name` field.
struct ByName {
  template <typename T>
  std::string operator()(const ::testing::TestParamInfo<T>& param) const {
    return param.param.name;
  }
};

inline Date day(const char* text) {
  const auto date = Date::parse(text);
  if (!date) ADD_FAILURE() << "bad date in a test: " << text;
  return date.value_or(Date::from_days(0));
}

// Whether `error` has a diagnostic at `where` whose message contains `fragment`.
inline bool reports(const Error& error, const std::string& where, const std::string& fragment) {
  for (const Diagnostic& diagnostic : error.diagnostics()) {
    if (diagnostic.where == where && diagnostic.message.find(fragment) != std::string::npos) return true;
  }
  return false;
}

inline std::string repo_file(const std::string& relative) {
  const char* root = std::getenv("MOAT_SOURCE_DIR");
  const std::filesystem::path path = std::filesystem::path(root ? root : MOAT_REPO_DIR) / relative;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (out.str().empty()) ADD_FAILURE() << "cannot read " << path;
  return out.str();
}

template <typename T>
T must(Result<T> result, const std::string& what) {
  if (!result.ok()) {
    ADD_FAILURE() << what << ": " << result.error().to_string();
    return T{};
  }
  return std::move(result).value();
}

inline const DeadlineRules& shipped_deadline_rules() {
  static const DeadlineRules rules =
      must(parse_deadline_rules(repo_file("rules/deadlines.toml"), "rules/deadlines.toml"),
           "rules/deadlines.toml");
  return rules;
}

inline const Calendars& shipped_calendars() {
  static const Calendars calendars = [] {
    Calendars all;
    for (const char* name :
         {"rules/calendars/CN.toml", "rules/calendars/US.toml", "rules/calendars/default.toml"}) {
      all.offices.push_back(must(parse_calendar(repo_file(name), name), name));
    }
    return all;
  }();
  return calendars;
}

inline const AgreementRules& shipped_agreement_rules() {
  static const AgreementRules rules =
      must(parse_agreement_rules(repo_file("rules/agreements.toml"), "rules/agreements.toml"),
           "rules/agreements.toml");
  return rules;
}

}  // namespace moat::legal::testing
