// SPDX-License-Identifier: Apache-2.0
// Seeded generators of planner instances, in families that stand for the supply bases a contract
// manufacturer can have. "modular" is the first generator: product modules whose packages share a
// pool of secrets (recipes drawn from a module, overlapping into the next), inference rules
// inside modules, capability families, suppliers in five regional cost clusters, affiliated
// pairs, one trusted own facility, conditional, pending and rejected suppliers, and requests for
// quotes that not every capable supplier answered. The other families are built by one
// parametrised generator that shares no structure with the planner: dense quote matrices, sparse
// ones, tight capacities, many sources per package, deep inference chains, large affiliation
// groups, mostly trusted and mostly untrusted supply bases. The same family, size, seed and
// collusion level always give the same instance.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plan/instance.h"

namespace moat::bench {

struct InstanceSize {
  const char* name;
  int packages;
  int suppliers;
  int recipes;
};

// T (tiny: six packages, for brute force in tests), then S, M, L, XL as the planner issue
// defines them; nullptr for another name.
const InstanceSize* find_size(const std::string& name);

// The families' names, "modular" first.
const std::vector<std::string>& family_names();
bool is_family(const std::string& name);

// The instance of `family` (one of family_names(); "modular" when empty) at `size`.
plan::Instance generate_instance(const InstanceSize& size, std::uint64_t seed, int collusion,
                                 const std::string& family = "modular");

}  // namespace moat::bench
