// SPDX-License-Identifier: Apache-2.0
// Audit checklists as data (rules/checklists.toml): items, which of them are critical, and the
// share of applicable items that must pass. `score_audit` turns one audit's item results into
// its score and pass/fail, naming what failed. Pure.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace moat::vet {

struct ChecklistItem {
  std::string id;     // "scrap-destruction"
  std::string topic;  // what the auditor looks at
  bool critical = false;
};

struct Checklist {
  std::string id;  // "ip-protection"
  std::string title;
  double pass_share = 0.75;  // of the applicable items
  std::vector<ChecklistItem> items;
};

enum class ItemResult { kPass, kFail, kNotApplicable };

struct ItemScore {
  std::string item;
  ItemResult result = ItemResult::kPass;
};

struct AuditScore {
  double share = 0;  // passed ÷ applicable, 0..1 (1 when nothing is applicable)
  bool passed = false;
  std::vector<std::string> failed;           // every failed item
  std::vector<std::string> failed_critical;  // the critical ones among them
  std::vector<std::string> unscored;         // items of the checklist the audit left out
};

// Errors (kInput, where = the item): an item the checklist does not have, or one scored twice.
// Items left unscored are listed and count as failed: an audit that skipped an item has not
// shown it is under control.
Result<AuditScore> score_audit(const Checklist& checklist, const std::vector<ItemScore>& scores);

}  // namespace moat::vet
