// SPDX-License-Identifier: Apache-2.0
// The company's own facilities (trusted suppliers) checked as what they are. An NNN with oneself,
// a purchase order's IP clause and the owner's visit make no sense there; what does is that each
// person who receives design data is bound by an employee confidentiality agreement, and that
// access to the design data on site is controlled (an audit scored `access-control` and passed
// it, recently). One definition of each fact, read by the gate's employee-confidentiality and
// access-control checks and by the confidentiality-missing and access-control-unverified flags.
#pragma once

#include <string>
#include <vector>

#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"

namespace moat::app {

// The checklist item an audit scores for access control at an own facility.
inline constexpr std::string_view kAccessControlItem = "access-control";

// Someone at the facility who received design data (or is about to), and what binds them.
struct DesignRecipient {
  std::string person;                 // "P01"
  std::string name;                   // "梁晓燕"
  std::vector<std::string> releases;  // releases that gave them design data; empty: about to
  std::string covered_by;             // "AG12 (in force since 2026-01-05)"; empty: nothing in force
  std::string gap;                    // when not covered: "none on record", "AG12 expired on 2026-06-30"
};

struct OwnFacility {
  std::string supplier;
  std::vector<DesignRecipient> recipients;  // by person id
  bool access_verified = false;
  std::string access_evidence;  // "audit V9 on 2026-11-20 passed access-control", or why not verified
};

// People about to receive design data at `supplier` (a release being gated).
struct PendingRecipients {
  std::string supplier;
  std::vector<std::string> people;
};

// Every trusted supplier's facts as of `today` (releases and audits dated after it do not count).
// The audit window is the gate's (gate.audit_window_days).
Result<std::vector<OwnFacility>> own_facilities(Workspace& workspace, Date today,
                                                const PendingRecipients& pending = {});

}  // namespace moat::app
