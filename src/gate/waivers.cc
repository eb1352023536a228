// SPDX-License-Identifier: Apache-2.0
// Waivers: validating them, and applying one to a failing check with the same id and subject
// while it is in force (granted <= today <= expires).
#include <algorithm>

#include "core/text.h"
#include "gate/checks.h"

namespace moat::gate {
namespace {

bool known_check(std::string_view id) {
  const std::span<const CheckInfo> table = check_table();
  return std::any_of(table.begin(), table.end(), [&](const CheckInfo& c) { return c.id == id; });
}

// Every problem of one waiver, as (field, message).
std::vector<std::pair<std::string, std::string>> problems_of(const Waiver& w) {
  std::vector<std::pair<std::string, std::string>> problems;
  if (!known_check(w.check)) problems.emplace_back("check", "unknown check \"" + w.check + "\"");
  if (trim(w.subject).empty()) problems.emplace_back("subject", "a waiver names the subject it waives");
  if (trim(w.role).empty()) problems.emplace_back("role", "a waiver needs the role of who grants it");
  if (trim(w.reason).empty()) problems.emplace_back("reason", "a waiver needs a reason");
  if (trim(w.by).empty()) problems.emplace_back("by", "a waiver names who grants it");
  if (!w.expires) problems.emplace_back("expires", "a waiver needs an expiry date");
  if (w.expires && *w.expires < w.granted) {
    problems.emplace_back("expires", "expires " + w.expires->to_string() + ", before it was granted on " +
                                         w.granted.to_string());
  }
  return problems;
}

std::string grantor(const Waiver& w) {
  return w.by + " (" + w.role + ")";
}

std::string description(const Waiver& w) {
  return "waived by " + grantor(w) + " on " + w.granted.to_string() + " until " + w.expires->to_string() +
         ": " + w.reason;
}

// Why a matching waiver does not apply today; empty when it does.
std::string not_applying(const Waiver& w, Date today) {
  const auto problems = problems_of(w);
  if (!problems.empty())
    return "The waiver by " + grantor(w) + " does not apply: " + problems.front().second + ".";
  if (today < w.granted)
    return "The waiver by " + grantor(w) + " applies only from " + w.granted.to_string() + ".";
  if (*w.expires < today)
    return "The waiver by " + grantor(w) + " expired on " + w.expires->to_string() + ".";
  return "";
}

}  // namespace

Status check_waivers(const std::vector<Waiver>& waivers) {
  std::vector<Diagnostic> diagnostics;
  for (std::size_t i = 0; i < waivers.size(); ++i) {
    for (const auto& problem : problems_of(waivers[i])) {
      diagnostics.push_back({"/waivers/" + std::to_string(i) + "/" + problem.first, problem.second});
    }
  }
  if (!diagnostics.empty()) return Error(ErrorCode::kInput, std::move(diagnostics));
  return {};
}

namespace detail {

Check apply_waivers(Check check, const std::vector<Waiver>& waivers, Date today) {
  if (check.status != CheckStatus::kFail) return check;
  std::vector<std::string> notes;
  for (const Waiver& w : waivers) {
    if (w.check != check.id || w.subject != check.subject) continue;
    std::string note = not_applying(w, today);
    if (note.empty()) {
      check.status = CheckStatus::kWaived;
      check.waiver = description(w);
      return check;
    }
    notes.push_back(std::move(note));
  }
  if (!notes.empty()) check.reason += " " + join(notes, " ");
  return check;
}

}  // namespace detail
}  // namespace moat::gate
