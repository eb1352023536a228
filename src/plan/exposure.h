// SPDX-License-Identifier: Apache-2.0
// Exposure analysis: who holds which secrets (closed under inference), what share of the total
// weight that is, and for each recipe the smallest coalition of untrusted holders that could
// complete it by pooling what they hold. Holders are parties for a sourcing plan, and can be
// people too (who received which files): the analysis only sees named sets of secrets.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "plan/problem.h"

namespace moat::plan {

struct Holder {
  std::string id;
  bool trusted = false;
  Bitset held;  // closed under inference
};

struct Coalition {
  std::optional<int> size;           // nullopt: no set of untrusted holders completes the recipe
  std::vector<std::size_t> members;  // indices into the holders, one smallest coalition
  // False when the search was cut short by its deadline: `members` then completes the recipe but
  // may not be smallest; no coalition of fewer than `at_least` completes it.
  bool proven = true;
  int at_least = 0;
};

// For each secret, the untrusted holders that hold it: built once when many recipes are asked
// about the same holders, so that each recipe looks only at holders that matter to it.
struct HolderIndex {
  std::vector<std::vector<std::size_t>> by_secret;
};
HolderIndex index_holders(const Problem& problem, const std::vector<Holder>& holders);

// The smallest set of untrusted holders whose pooled secrets, closed under inference, contain
// `recipe`; searched no deeper than `max_size` (beyond it: size nullopt unless found). With an
// index of the same holders, only those holding something relevant are looked at. The search is
// exponential in the coalition's size at worst: past `deadline` it ends with a coalition found
// greedily (proven = false).
Coalition min_coalition(const Problem& problem, const std::vector<Holder>& holders, const Bitset& recipe,
                        int max_size = 1 << 20, const HolderIndex* index = nullptr,
                        const Deadline& deadline = {});

// The recipe's secrets and every secret that can contribute to inferring one of them.
Bitset relevant_to(const Problem& problem, const Bitset& recipe);

// `secrets` and every secret they can help infer: a recipe is within reach of new knowledge exactly
// when it shares a secret with this set (the converse of relevant_to, in one pass for all recipes).
Bitset influenced_by(const Problem& problem, const Bitset& secrets);

// Each secret's ancestors and itself (relevant_to of that one secret), worked out the first time it
// is asked for and kept: the coalition searches of one heuristic pass ask for the same few
// thousands of times (with wide inference rules, a fifth of the pass went to working them out
// again). Not for sharing between threads.
class Ancestors {
 public:
  explicit Ancestors(const Problem& problem) : problem_(&problem) {}
  const Bitset& of(std::size_t secret);

 private:
  const Problem* problem_;
  std::unordered_map<std::size_t, Bitset> of_;
};

// Whether `member`, holding `member_held` (closed), completes `recipe` alone or together with at
// most `size` − 1 other untrusted holders. `relevant` is relevant_to(recipe). The incremental
// check behind the heuristic: only coalitions that include the holder whose knowledge grew.
bool completes_with(const Problem& problem, const std::vector<Holder>& holders, std::size_t member,
                    const Bitset& member_held, const Bitset& recipe, const Bitset& relevant, int size);
// The same, looking only at `others` (indices into holders: those that may know something relevant),
// with the secrets' ancestors kept in `ancestors` from one call to the next when given. A search
// `deadline` cuts short answers true: not shown safe in time.
bool completes_with(const Problem& problem, const std::vector<Holder>& holders, std::size_t member,
                    const Bitset& member_held, const Bitset& recipe, const Bitset& relevant, int size,
                    const std::vector<std::size_t>& others, Ancestors* ancestors = nullptr,
                    const Deadline& deadline = {});

// What each party holds under `choice` (closed), one Holder per party.
std::vector<Holder> party_holdings(const Problem& problem, const Choice& choice);

// The plan's assignments, parties and recipes for `choice` (cost included). A recipe whose
// smallest coalition is not found by `deadline` gets one found greedily, and a reason says so.
Plan describe(const Problem& problem, const Choice& choice, PlanStatus status, const Deadline& deadline = {});

double cost_of(const Problem& problem, const Choice& choice);

// Every rule a valid plan must meet that `choice` breaks, for a person; empty when valid.
std::vector<std::string> violations(const Problem& problem, const Choice& choice);
// The same check, given up at `deadline`: nullopt when it could not finish, and the plan is then
// neither known valid nor known invalid (a caller must not present it as valid).
std::optional<std::vector<std::string>> violations_within(const Problem& problem, const Choice& choice,
                                                          const Deadline& deadline);

}  // namespace moat::plan
