// SPDX-License-Identifier: Apache-2.0
// Parties: suppliers that count as one because they are affiliated (a common parent, owner,
// legal representative or address), linked directly or through others. The party, not the
// supplier, is the unit of collusion. Pure; ids are deterministic: parties are numbered G1,
// G2, ... in the byte order of their smallest member's id, and members are sorted.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace moat {

struct Party {
  std::string id;                    // "G1", ...
  std::vector<std::string> members;  // supplier ids, sorted
};

struct PartyMap {
  std::vector<Party> parties;
  std::map<std::string, std::string> party_of;  // supplier id -> party id
};

// Every supplier in `suppliers` gets a party; links naming unknown suppliers are ignored.
PartyMap derive_parties(const std::vector<std::string>& suppliers,
                        const std::vector<std::pair<std::string, std::string>>& links);

}  // namespace moat
