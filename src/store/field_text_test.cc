// SPDX-License-Identifier: Apache-2.0
#include "store/field_text.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "store/store.h"

namespace moat::store {
namespace {

struct Case {
  std::string_view field;  // of suppliers
  SqlValue value;
};

// Every value is written as dumping field_value's result writes it, or fails as field_value
// fails: texts to escape, Chinese, lists to normalise, numbers of every shape, wrong types.
TEST(FieldTextTest, WritesWhatDumpingTheFieldValueGives) {
  const Table& suppliers = *find_table("suppliers");
  const std::vector<Case> cases = {
      {"legal_name", std::string("深圳市甲有限公司")},
      {"legal_name", std::string("")},
      {"legal_name", std::string("tab\there, newline\n")},
      {"legal_name", std::string("quote \" and backslash \\")},
      {"legal_name", std::string("\x01 control, \x7f delete")},
      {"legal_name", std::string("slash / and unicode \xe2\x82\xac")},
      {"city", std::monostate{}},
      {"capacity", std::int64_t{50000}},
      {"capacity", std::int64_t{-3}},
      {"capacity", std::numeric_limits<std::int64_t>::min()},
      {"trusted", std::int64_t{1}},
      {"trusted", std::int64_t{0}},
      {"trusted", std::int64_t{7}},
      {"max_exposure_share", 0.1 + 0.2},
      {"max_exposure_share", 5.0},
      {"max_exposure_share", -0.0},
      {"max_exposure_share", 1e21},
      {"max_exposure_share", 1e-7},
      {"max_exposure_share", 123456789012345678.0},
      {"max_exposure_share", 2.5e-308},
      {"max_exposure_share", std::int64_t{3}},
      {"capabilities", std::string(R"(["pcba-smt","testing"])")},
      {"capabilities", std::string("[]")},
      {"capabilities", std::string(R"([ "a" , "b" ])")},
      {"capabilities", std::string("[1,2]")},
      {"sites", std::string(R"(["Shajing plant, Building 21","北京, 1号"])")},
      {"sites", std::string(R"(["a\"b","tab\t"])")},
      {"sites", std::string(R"(["\u0041"])")},
      {"sites", std::string(R"([""])")},
      // Wrong types and malformed lists: field_value's error.
      {"sites", std::string(R"(["a",])")},
      {"sites", std::string("[\"caf\xe9\"]")},
      {"sites", std::string(R"("a")")},
      {"sites", std::int64_t{1}},
      {"capacity", std::string("50000")},
      {"capacity", 1.5},
      {"trusted", std::string("true")},
      {"max_exposure_share", std::string("0.5")},
      {"legal_name", std::int64_t{5}},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const Field& field = *suppliers.field(c.field);
    const auto value = field_value(suppliers, field, c.value);
    std::string out = "prefix ";
    SqlValueView view = std::monostate{};
    if (const auto* text = std::get_if<std::string>(&c.value)) view = std::string_view(*text);
    if (const auto* integer = std::get_if<std::int64_t>(&c.value)) view = *integer;
    if (const auto* real = std::get_if<double>(&c.value)) view = *real;
    const Status written = append_field_json(suppliers, field, view, out);
    const std::string name = "case " + std::to_string(i) + " (" + std::string(c.field) + ")";
    ASSERT_EQ(written.ok(), value.ok()) << name;
    if (!value.ok()) {
      EXPECT_EQ(written.error().to_string(), value.error().to_string()) << name;
      continue;
    }
    EXPECT_EQ(out, "prefix " + value->dump()) << name;
  }
}

// A text that is not UTF-8 cannot be dumped; it is not written either.
TEST(FieldTextTest, RefusesWhatDumpingRefuses) {
  const Table& suppliers = *find_table("suppliers");
  const Field& field = *suppliers.field("legal_name");
  const std::string bad = "caf\xe9";
  EXPECT_ANY_THROW((void)field_value(suppliers, field, bad)->dump());
  std::string out;
  EXPECT_ANY_THROW((void)append_field_json(suppliers, field, std::string_view(bad), out));
}

}  // namespace
}  // namespace moat::store
