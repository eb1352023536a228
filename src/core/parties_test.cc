// SPDX-License-Identifier: Apache-2.0
#include "core/parties.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace moat {
namespace {

using Links = std::vector<std::pair<std::string, std::string>>;
using Ids = std::vector<std::string>;

TEST(PartiesTest, NoSuppliersGiveNoParties) {
  const PartyMap map = derive_parties({}, {{"A", "B"}});
  EXPECT_TRUE(map.parties.empty());
  EXPECT_TRUE(map.party_of.empty());
}

TEST(PartiesTest, UnlinkedSuppliersAreSingletons) {
  const PartyMap map = derive_parties({"F03", "F01", "F02"}, {});
  ASSERT_EQ(map.parties.size(), 3U);
  EXPECT_EQ(map.parties[0].id, "G1");
  EXPECT_EQ(map.parties[0].members, (Ids{"F01"}));
  EXPECT_EQ(map.parties[1].id, "G2");
  EXPECT_EQ(map.parties[1].members, (Ids{"F02"}));
  EXPECT_EQ(map.parties[2].id, "G3");
  EXPECT_EQ(map.parties[2].members, (Ids{"F03"}));
}

TEST(PartiesTest, GroupsTransitively) {
  // A-B and B-C never name A and C together, yet all three are one party.
  const PartyMap map = derive_parties({"A", "B", "C", "D"}, {{"A", "B"}, {"C", "B"}});
  ASSERT_EQ(map.parties.size(), 2U);
  EXPECT_EQ(map.parties[0].members, (Ids{"A", "B", "C"}));
  EXPECT_EQ(map.parties[1].members, (Ids{"D"}));
  EXPECT_EQ(map.party_of.at("A"), "G1");
  EXPECT_EQ(map.party_of.at("C"), "G1");
  EXPECT_EQ(map.party_of.at("D"), "G2");
}

TEST(PartiesTest, GroupsLongChainsInAnyLinkOrder) {
  const Ids suppliers = {"S1", "S2", "S3", "S4", "S5", "S6"};
  const Links forward = {{"S1", "S2"}, {"S2", "S3"}, {"S3", "S4"}, {"S4", "S5"}, {"S5", "S6"}};
  const Links backward = {{"S6", "S5"}, {"S5", "S4"}, {"S4", "S3"}, {"S3", "S2"}, {"S2", "S1"}};
  const Links scattered = {{"S4", "S5"}, {"S1", "S2"}, {"S6", "S5"}, {"S3", "S2"}, {"S3", "S4"}};
  for (const Links& links : {forward, backward, scattered}) {
    const PartyMap map = derive_parties(suppliers, links);
    ASSERT_EQ(map.parties.size(), 1U);
    EXPECT_EQ(map.parties[0].id, "G1");
    EXPECT_EQ(map.parties[0].members, suppliers);
  }
}

TEST(PartiesTest, NumbersPartiesBySmallestMember) {
  // Z joins with A, so its party comes first even though Z sorts last.
  const PartyMap map = derive_parties({"M", "Z", "B", "A", "N"}, {{"Z", "A"}, {"N", "B"}, {"N", "M"}});
  ASSERT_EQ(map.parties.size(), 2U);
  EXPECT_EQ(map.parties[0].id, "G1");
  EXPECT_EQ(map.parties[0].members, (Ids{"A", "Z"}));
  EXPECT_EQ(map.parties[1].id, "G2");
  EXPECT_EQ(map.parties[1].members, (Ids{"B", "M", "N"}));
}

TEST(PartiesTest, NumberingUsesByteOrder) {
  // Capitals sort before lower case, "F10" before "F2".
  const PartyMap map = derive_parties({"b", "F2", "F10", "a"}, {});
  ASSERT_EQ(map.parties.size(), 4U);
  EXPECT_EQ(map.parties[0].members, (Ids{"F10"}));
  EXPECT_EQ(map.parties[1].members, (Ids{"F2"}));
  EXPECT_EQ(map.parties[2].members, (Ids{"a"}));
  EXPECT_EQ(map.parties[3].members, (Ids{"b"}));
}

TEST(PartiesTest, IsDeterministicWhateverTheInputOrder) {
  const Ids suppliers = {"F05", "F01", "F04", "F02", "F03"};
  const Links links = {{"F05", "F02"}, {"F04", "F01"}};
  const PartyMap first = derive_parties(suppliers, links);
  const PartyMap second =
      derive_parties({"F03", "F02", "F04", "F05", "F01"}, {{"F01", "F04"}, {"F02", "F05"}});
  ASSERT_EQ(first.parties.size(), second.parties.size());
  for (std::size_t i = 0; i < first.parties.size(); ++i) {
    EXPECT_EQ(first.parties[i].id, second.parties[i].id);
    EXPECT_EQ(first.parties[i].members, second.parties[i].members);
  }
  EXPECT_EQ(first.party_of, second.party_of);
  EXPECT_EQ(first.parties[0].members, (Ids{"F01", "F04"}));
  EXPECT_EQ(first.parties[1].members, (Ids{"F02", "F05"}));
  EXPECT_EQ(first.parties[2].members, (Ids{"F03"}));
}

TEST(PartiesTest, IgnoresLinksToUnknownSuppliers) {
  // X is not a supplier: it must neither appear nor bridge A and B.
  const PartyMap map = derive_parties({"A", "B"}, {{"A", "X"}, {"X", "B"}, {"Y", "Z"}});
  ASSERT_EQ(map.parties.size(), 2U);
  EXPECT_EQ(map.parties[0].members, (Ids{"A"}));
  EXPECT_EQ(map.parties[1].members, (Ids{"B"}));
  EXPECT_EQ(map.party_of.size(), 2U);
  EXPECT_EQ(map.party_of.count("X"), 0U);
}

TEST(PartiesTest, ToleratesSelfLinksAndDuplicates) {
  const PartyMap map = derive_parties({"A", "B", "A"}, {{"A", "A"}, {"A", "B"}, {"B", "A"}, {"A", "B"}});
  ASSERT_EQ(map.parties.size(), 1U);
  EXPECT_EQ(map.parties[0].members, (Ids{"A", "B"}));
}

TEST(PartiesTest, MembersAreSortedAndEverySupplierMapped) {
  const Ids suppliers = {"F09", "F03", "F07", "F01", "F05"};
  const PartyMap map = derive_parties(suppliers, {{"F09", "F03"}, {"F07", "F03"}, {"F05", "F01"}});
  ASSERT_EQ(map.parties.size(), 2U);
  EXPECT_EQ(map.parties[0].members, (Ids{"F01", "F05"}));
  EXPECT_EQ(map.parties[1].members, (Ids{"F03", "F07", "F09"}));
  for (const std::string& supplier : suppliers) {
    ASSERT_EQ(map.party_of.count(supplier), 1U) << supplier;
  }
  for (const Party& party : map.parties) {
    for (const std::string& member : party.members) EXPECT_EQ(map.party_of.at(member), party.id);
  }
}

}  // namespace
}  // namespace moat
