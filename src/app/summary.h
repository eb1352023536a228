// SPDX-License-Identifier: Apache-2.0
// What a user needs to see first about a workspace: its products with their BOM, secrets,
// recipes and work packages; its suppliers by city and status, the affiliated parties and the
// trusted facilities; quote coverage; and whether the ledger's head verifies from its newest
// signed checkpoint (app/ledger_head.h: what that covers, and what only `moat audit verify` does).
// Computed by aggregate queries: its cost grows with the rows it shows, not with the workspace.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/ledger_head.h"
#include "app/workspace.h"
#include "core/parties.h"
#include "core/result.h"

namespace moat::app {

struct ProductSummary {
  std::string id, name;
  std::size_t parts = 0, secrets = 0, derives = 0, recipes = 0, packages = 0, quotes = 0;
  std::size_t parts_not_fitted = 0;  // BOM lines kept for the record but not fitted (DNP): not in `parts`
  double secret_weight = 0;
  std::vector<std::string> packages_without_quotes;  // no quote from a qualified supplier
};

struct WorkspaceSummary {
  std::string company, home_jurisdiction;
  std::vector<ProductSummary> products;
  std::size_t suppliers = 0, people = 0;
  std::map<std::string, std::size_t> suppliers_by_city;
  std::map<std::string, std::size_t> suppliers_by_status;
  std::vector<std::string> trusted;       // supplier ids
  std::vector<Party> affiliated_parties;  // parties with more than one member
  std::size_t parties = 0;
  std::int64_t events = 0;
  bool ledger_ok = false;
  HeadCheck ledger;  // what was checked of the ledger, and how far
};

Result<WorkspaceSummary> summarize(Workspace& workspace);

// Parties from the workspace's suppliers and affiliations.
Result<PartyMap> workspace_parties(Workspace& workspace);

}  // namespace moat::app
