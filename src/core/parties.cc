// SPDX-License-Identifier: Apache-2.0
#include "core/parties.h"

#include <algorithm>
#include <numeric>

namespace moat {
namespace {

class DisjointSets {
 public:
  explicit DisjointSets(std::size_t size) : parent_(size) {
    std::iota(parent_.begin(), parent_.end(), std::size_t{0});
  }
  std::size_t find(std::size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void unite(std::size_t a, std::size_t b) {
    a = find(a), b = find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<std::size_t> parent_;
};

}  // namespace

PartyMap derive_parties(const std::vector<std::string>& suppliers,
                        const std::vector<std::pair<std::string, std::string>>& links) {
  std::vector<std::string> ids = suppliers;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const auto index_of = [&](const std::string& id) {
    const auto it = std::lower_bound(ids.begin(), ids.end(), id);
    return it != ids.end() && *it == id ? static_cast<std::size_t>(it - ids.begin()) : ids.size();
  };
  DisjointSets sets(ids.size());
  for (const auto& [a, b] : links) {
    const std::size_t ia = index_of(a), ib = index_of(b);
    if (ia < ids.size() && ib < ids.size()) sets.unite(ia, ib);
  }
  // Roots are the smallest index of each set, so walking ids in order numbers parties by their
  // smallest member.
  PartyMap map;
  std::map<std::size_t, std::size_t> party_index;  // root -> index in map.parties
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::size_t root = sets.find(i);
    auto [it, fresh] = party_index.emplace(root, map.parties.size());
    if (fresh) map.parties.push_back({"G" + std::to_string(map.parties.size() + 1), {}});
    Party& party = map.parties[it->second];
    party.members.push_back(ids[i]);
    map.party_of[ids[i]] = party.id;
  }
  return map;
}

}  // namespace moat
