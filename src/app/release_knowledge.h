// SPDX-License-Identifier: Apache-2.0
// Internal to src/app: what a product's releases have let each party and each person know, read
// from the copies recorded, as holders the knowledge rules (plan/knowledge.h) check. Built once per
// check from one query over the copies, so that thousands of earlier releases cost one pass.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/workspace.h"
#include "core/result.h"
#include "plan/knowledge.h"
#include "plan/problem.h"

namespace moat::app {

struct Knowledge {
  std::unique_ptr<plan::Instance> instance;  // the problem points into it
  plan::Problem problem;
  std::map<std::string, std::size_t> secret_index;
  // Hashed: a product's thousands of copies rows are folded into these once per check.
  std::unordered_map<std::string, std::size_t>
      party_of_supplier;                                         // supplier id -> index into problem.parties
  std::unordered_map<std::string, plan::Bitset> party_direct;    // party id -> secrets released to it
  std::unordered_map<std::string, plan::Bitset> person_direct;   // person id -> secrets released to them
  std::unordered_map<std::string, std::string> person_supplier;  // person id -> the supplier they received at
  std::map<std::string, double> supplier_cap;                    // supplier id -> its people's cap
  // file id -> the secrets its content carries (every file of the product with its SHA-256)
  std::unordered_map<std::string, plan::Bitset> file_secrets;
  int collusion = 1;
  int person_collusion = 1;
};

// The product's released knowledge as the workspace records it now.
Result<Knowledge> load_knowledge(Workspace& workspace, const std::string& product);

// Knowledge of `instance` before anything is released (load_knowledge starts here).
Knowledge empty_knowledge(plan::Instance instance, int person_collusion);
// Records that `person` at `supplier` received `secrets` (indices into the product's secrets).
void add_held(Knowledge& knowledge, const std::string& person, const std::string& supplier,
              const plan::Bitset& secrets);

// `ids` of the product's secrets as a set.
plan::Bitset secret_set(const Knowledge& knowledge, const std::vector<std::string>& ids);
// The ids of the secrets in `set`, in the product's order.
std::vector<std::string> secret_ids(const Knowledge& knowledge, const plan::Bitset& set);

// Secrets about to go to `people` at `supplier`.
struct Addition {
  std::string supplier;
  std::vector<std::string> people;
  plan::Bitset secrets;
};

// Every party holding anything, and the people of `supplier` (every person when empty), as
// knowers: closed under inference, with their trust and cap; with `addition` given as well.
std::vector<plan::Knower> party_knowers(const Knowledge& knowledge, const Addition* addition = nullptr);
std::vector<plan::Knower> person_knowers(const Knowledge& knowledge, const std::string& supplier = {},
                                         const Addition* addition = nullptr);

struct Refusal;
struct DesignFile;

// The knowledge rules `addition` would break that are not broken already, as refusals naming the
// recipe, the holders (by `names`, else by id) and the `files` that carry the recipe's secrets.
std::vector<Refusal> added_refusals(const Knowledge& knowledge, const Addition& addition,
                                    const std::vector<DesignFile>& files,
                                    const std::map<std::string, std::string>& names);

}  // namespace moat::app
