// SPDX-License-Identifier: Apache-2.0
#include "app/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace moat::app {
namespace {

TEST(JsonTextTest, ParsesAndPlacesErrors) {
  auto parsed = parse_json_text(R"({"a": [1, {"b": "c"}]})", "x.json");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)["a"][1]["b"], "c");
  auto duplicate = parse_json_text(R"({"a": [1, {"b": 1, "b": 2}]})", "x.json");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().where(), "x.json#/a/1/b");
  auto syntax = parse_json_text("{\n  \"a\": tru\n}", "x.json");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().where().substr(0, 9), "x.json:2:");
}

TEST(JsonTextTest, RefusesDeepNestingWhileParsingAndSaysWhere) {
  const std::string deep = "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto parsed = parse_json_text(deep, "deep.json", {.max_depth = 64});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().where(), "deep.json:1:70") << "the 65th bracket or brace opened";
  EXPECT_LT(parsed.error().message().size(), 200U);
  EXPECT_TRUE(parse_json_text("[[[[1]]]]", "x", {.max_depth = 4}).ok());
  EXPECT_FALSE(parse_json_text("[[[[[1]]]]]", "x", {.max_depth = 4}).ok());
  EXPECT_TRUE(parse_json_text(R"(["[[[[[[", "{{{{{{"])", "x", {.max_depth = 1}).ok())
      << "brackets in strings";
}

TEST(JsonTextTest, RefusesLongTextAndCutsQuotedValuesShort) {
  EXPECT_FALSE(parse_json_text(std::string(100, ' ') + "1", "x", {.max_depth = 64, .max_bytes = 50}).ok());
  const nlohmann::json long_list(std::vector<int>(100000, 1));
  EXPECT_LE(quoted_json(long_list).size(), 80U + 3U);
  EXPECT_EQ(cut_short("short"), "short");
  EXPECT_EQ(cut_short("\xe4\xb8\xad\xe6\x96\x87", 4), "\xe4\xb8\xad…") << "never inside a character";
}

}  // namespace
}  // namespace moat::app
