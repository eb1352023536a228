// SPDX-License-Identifier: Apache-2.0
// A seeded generator of realistic planner instances: product modules whose packages share a
// pool of secrets (recipes drawn from a module, overlapping into the next), inference rules
// inside modules, capability families, suppliers in five regional clusters with their own cost
// levels, affiliated groups, one trusted own facility, conditional, pending and rejected
// suppliers, and requests for quotes that not every capable supplier answered.
#pragma once

#include <cstdint>
#include <string>

#include "plan/instance.h"

namespace moat::bench {

struct InstanceSize {
  const char* name;
  int packages;
  int suppliers;
  int recipes;
};

// S, M, L, XL as the planner issue defines them; nullptr for another name.
const InstanceSize* find_size(const std::string& name);

plan::Instance generate_instance(const InstanceSize& size, std::uint64_t seed, int collusion);

}  // namespace moat::bench
