// SPDX-License-Identifier: Apache-2.0
// What releases let holders know, against the rules a release must keep: no untrusted party (nor a
// coalition of up to `collusion` of them) completes a recipe; no person — at any supplier, trusted
// ones included — completes one, nor a group of up to `person_collusion` people at one supplier;
// and nobody holds more of the total secret weight than its cap. Holders are parties or people,
// each with what it was given, closed under inference (exposure.h does the coalition search).
// Pure: values in, breaches out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plan/exposure.h"
#include "plan/problem.h"

namespace moat::plan {

struct Knower {
  std::string id;        // a party or a person
  std::string group;     // people: their supplier (groups form only inside one); parties: empty
  bool trusted = false;  // parties: trusted ones are left out of the party rules; people never are
  Bitset held;           // closed under inference
  double cap = 1.0;      // the most of the total secret weight it may hold
};

enum class BreachKind { kParty, kPerson, kCap };

struct Breach {
  BreachKind kind = BreachKind::kParty;
  std::string recipe;                // the recipe completed; empty for a cap
  std::vector<std::size_t> holders;  // indices into the knowers checked: a smallest set completing it
  double share = 0;                  // a cap's breach: the share held, and the cap
  double cap = 0;
};

struct KnowledgeRules {
  int collusion = 1;         // parties that may pool what they know
  int person_collusion = 1;  // people at one supplier that may pool what they know (at least 1)
};

// The recipes untrusted parties (alone or up to `collusion` together) complete, and the untrusted
// parties above their cap. With `recipes` (indices into problem.recipes), only those are looked at.
std::vector<Breach> party_breaches(const Problem& problem, const std::vector<Knower>& parties, int collusion,
                                   const std::vector<std::size_t>* recipes = nullptr);

// The recipes a person, or up to `person_collusion` people of one group, complete, and the people
// above their cap. Every person counts, whatever their supplier's trust.
std::vector<Breach> person_breaches(const Problem& problem, const std::vector<Knower>& people,
                                    int person_collusion, const std::vector<std::size_t>* recipes = nullptr);

// The share of the total secret weight `held` is (0 when the total is 0).
double share_of(const Problem& problem, const Bitset& held);

}  // namespace moat::plan
