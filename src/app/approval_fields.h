// SPDX-License-Identifier: Apache-2.0
// Internal to src/app: the fields only an approval writes. The supplier fields an approved assessment writes
// (moat supplier approve): status, tier, max_exposure_share and qualified_until. The four-eyes rule (an
// assessment approved by someone other than its assessor) would mean nothing if one person could write its
// result by hand, so once a supplier has an assessment on record, or the workspace has accounts, no edit
// (moat set, PATCH /api/suppliers/{id}) and no import may change them. A workspace without
// accounts may still give them for a supplier never assessed: the first import of a supplier list
// qualified elsewhere (the demo's, a spreadsheet's). Besides, the fields whose change needs a right
// beyond their kind's (app/actors.h, guarded_fields: a supplier's `trusted`), found the same way
// for the same edits.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "app/actors.h"
#include "app/records.h"
#include "core/result.h"
#include "store/store.h"

namespace moat::app {

// The fields, in the order the approval writes them.
std::span<const std::string_view> approval_fields();

// Whether the approval fields of a supplier are the approval's alone: the workspace has accounts,
// or the supplier has an assessment on record.
bool approval_fields_locked(bool workspace_has_accounts, bool supplier_assessed);

// One diagnostic per approval field that `after` changes from `before` (nullptr: a new supplier,
// compared with the fields' defaults), each at `origin`'s place of the field (or the field's name
// when `origin` is null), saying to use moat supplier assess and approve.
std::vector<Diagnostic> approval_field_changes(const store::Record* before, const store::Record& after,
                                               const Origin* origin);

// The guarded fields of `table` (app/actors.h) that `after` changes from `before` (nullptr: a new
// record, compared with the fields' defaults), each at `origin`'s place of the field (or the
// field's name when `origin` is null).
std::vector<FieldEdit> guarded_field_changes(const store::Table& table, const store::Record* before,
                                             const store::Record& after, const Origin* origin);

// A saved plan is written by the planner (moat plan --save, POST .../plans) and approved by moat
// plan approve (POST .../approve), which checks it against today's workspace and records who
// approved it; a plan once approved (approved, or superseded since) is the record of what was
// approved, and one approval's ledger event names it by id. So no edit may change a saved plan,
// and where that is evidence (the workspace has accounts) no import may either, nor bring one in
// other than as a draft: one diagnostic per field that `after` changes from `before` (nullptr: a
// new plan, whose approval fields must be a draft's), at `origin`'s place of the field (or the
// field's name; an edit's wording when `origin` is null, an import's otherwise).
std::vector<Diagnostic> saved_plan_changes(const store::Record* before, const store::Record& after,
                                           const Origin* origin);

}  // namespace moat::app
