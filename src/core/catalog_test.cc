// SPDX-License-Identifier: Apache-2.0
#include "core/catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace moat {
namespace {

std::size_t count_of(const std::vector<std::string>& items, std::string_view item) {
  return static_cast<std::size_t>(std::count(items.begin(), items.end(), item));
}

TEST(CatalogTest, ContainsEveryBuiltinCapability) {
  const CapabilityCatalog catalog;
  ASSERT_EQ(builtin_capabilities().size(), 22U);
  for (const std::string_view capability : builtin_capabilities()) {
    EXPECT_TRUE(catalog.contains(capability)) << capability;
  }
  EXPECT_EQ(catalog.all().size(), builtin_capabilities().size());
}

TEST(CatalogTest, BuiltinCapabilitiesAreUnique) {
  const auto builtin = builtin_capabilities();
  const std::vector<std::string> names(builtin.begin(), builtin.end());
  for (const std::string& name : names) EXPECT_EQ(count_of(names, name), 1U) << name;
}

TEST(CatalogTest, ContainsDocumentedCapabilities) {
  const CapabilityCatalog catalog;
  for (const std::string_view name :
       {"injection-molding", "pcba-smt", "firmware-programming", "final-assembly", "testing"}) {
    EXPECT_TRUE(catalog.contains(name)) << name;
  }
}

TEST(CatalogTest, RejectsUnknownCapability) {
  const CapabilityCatalog catalog;
  for (const std::string_view name :
       {"ultrasonic-welding", "", "Injection-Molding", "injection-molding ", "injection"}) {
    EXPECT_FALSE(catalog.contains(name)) << "'" << name << "'";
  }
}

TEST(CatalogTest, AddsExtrasOnce) {
  const CapabilityCatalog catalog({"ultrasonic-welding", "laser-marking", "ultrasonic-welding", "testing"});
  EXPECT_TRUE(catalog.contains("ultrasonic-welding"));
  EXPECT_TRUE(catalog.contains("laser-marking"));
  EXPECT_EQ(count_of(catalog.all(), "ultrasonic-welding"), 1U);
  EXPECT_EQ(count_of(catalog.all(), "testing"), 1U);
  EXPECT_EQ(catalog.all().size(), builtin_capabilities().size() + 2U);
  EXPECT_FALSE(catalog.contains("spot-welding"));
}

TEST(CatalogTest, KeepsBuiltinsFirstAndExtrasInOrder) {
  const CapabilityCatalog catalog({"zz-last", "aa-first"});
  const std::size_t builtin = builtin_capabilities().size();
  ASSERT_EQ(catalog.all().size(), builtin + 2U);
  for (std::size_t i = 0; i < builtin; ++i) EXPECT_EQ(catalog.all()[i], builtin_capabilities()[i]);
  EXPECT_EQ(catalog.all()[builtin], "zz-last");
  EXPECT_EQ(catalog.all()[builtin + 1], "aa-first");
}

TEST(CatalogTest, OtherVocabulariesHoldTheirDocumentedValues) {
  const auto has = [](std::span<const std::string_view> values, std::string_view value) {
    return std::find(values.begin(), values.end(), value) != values.end();
  };
  EXPECT_TRUE(has(supplier_statuses(), "pending"));
  EXPECT_TRUE(has(supplier_statuses(), "qualified"));
  EXPECT_TRUE(has(protection_strategies(), "trade-secret"));
  EXPECT_TRUE(has(affiliation_kinds(), "common-parent"));
  EXPECT_FALSE(has(supplier_statuses(), "unknown"));
}

}  // namespace
}  // namespace moat
