// SPDX-License-Identifier: Apache-2.0
#include "vet/checklist.h"

#include <algorithm>
#include <map>

namespace moat::vet {
namespace {

const ChecklistItem* find_item(const Checklist& checklist, const std::string& id) {
  for (const ChecklistItem& item : checklist.items) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

}  // namespace

Result<AuditScore> score_audit(const Checklist& checklist, const std::vector<ItemScore>& scores) {
  std::vector<Diagnostic> problems;
  std::map<std::string, ItemResult> results;
  for (const ItemScore& score : scores) {
    if (!find_item(checklist, score.item)) {
      std::string known;
      for (const ChecklistItem& item : checklist.items) known += (known.empty() ? "" : ", ") + item.id;
      problems.push_back({score.item, "checklist '" + checklist.id + "' has no item '" + score.item +
                                          "' (its items: " + known + "; moat visit checklist " +
                                          checklist.id + ")"});
    } else if (!results.emplace(score.item, score.result).second) {
      problems.push_back({score.item, "item '" + score.item + "' is scored twice"});
    }
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));

  AuditScore audit;
  std::size_t applicable = 0, passed = 0;
  for (const ChecklistItem& item : checklist.items) {
    const auto found = results.find(item.id);
    if (found == results.end()) audit.unscored.push_back(item.id);
    const ItemResult result = found == results.end() ? ItemResult::kFail : found->second;
    if (result == ItemResult::kNotApplicable) continue;
    ++applicable;
    if (result == ItemResult::kPass) {
      ++passed;
      continue;
    }
    audit.failed.push_back(item.id);
    if (item.critical) audit.failed_critical.push_back(item.id);
  }
  audit.share = applicable == 0 ? 1.0 : static_cast<double>(passed) / static_cast<double>(applicable);
  audit.passed = audit.failed_critical.empty() && audit.share >= checklist.pass_share;
  return audit;
}

}  // namespace moat::vet
