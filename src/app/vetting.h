// SPDX-License-Identifier: Apache-2.0
// Vetting use cases: evidence files kept in the workspace's encrypted vault, supplier
// assessments scored by the qualification rules (app/rules.h) and approved by someone other than
// the assessor, certificates, and each supplier's qualification as the planner and the gate
// see it (expired once its validity ends). Every change is recorded in the ledger.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/session.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"
#include "vet/qualification.h"

namespace moat::app {

struct Document {
  std::string id;  // the vault id
  std::string name;
  std::uint64_t size = 0;
};

// Encrypts `content` into the vault and records it as a document (once per content).
Result<Document> add_document(Workspace& workspace, const Session& session, const std::string& name,
                              std::string_view content, const std::string& note = {});
// The same for the file at `path`, streamed into the vault in chunks (never held in memory).
// kNotFound when it cannot be opened, kConflict when it changed while being read.
Result<Document> add_document_file(Workspace& workspace, const Session& session, const std::string& name,
                                   const std::filesystem::path& path, const std::string& note = {});
// The content of a stored document. kNotFound for an unknown id, kIntegrity when tampered.
Result<std::string> read_document(Workspace& workspace, const std::string& id);
// Writes a stored document to the file `path`, whole and checked or not at all (owner-only).
Status save_document(Workspace& workspace, const std::string& id, const std::filesystem::path& path);
// Writes a stored document to `fd` in chunks; on an error what was written must be discarded.
Status write_document(Workspace& workspace, const std::string& id, int fd);

struct AssessmentInput {
  std::string supplier;
  Date date = Date::from_days(0);
  std::vector<vet::Score> scores;
  std::map<std::string, std::vector<std::string>> evidence;  // criterion -> document ids
  std::string note;
};

// One row of an assessment sheet (the spreadsheet assessors keep): supplier, date, optional
// assessor, approver and note columns, then one column per criterion id.
struct SheetRow {
  AssessmentInput input;
  std::string assessor;  // empty when the sheet has no assessor column
  std::string approver;
  std::size_t line = 0;
};
// Reads a sheet: its headers matched as every import's are (docs/formats.md), each a column of the
// sheet or one of the workspace's criteria. Errors name file:line:col: a header that is neither,
// one given twice, a missing supplier or date column, a bad date, a score that is not a number.
// Blank cells are criteria left unscored; a column with no header and nothing in it is ignored.
Result<std::vector<SheetRow>> read_assessment_sheet(const Workspace& workspace, std::string_view text,
                                                    std::string_view file, std::string_view encoding = {});
// Checks every row of a sheet before any is recorded, so that a bad row leaves nothing
// half-written: the rows are the actor's own, name known suppliers and score validly (kInput at
// file:line).
Status check_assessment_sheet(Workspace& workspace, const Session& session, const std::vector<SheetRow>& rows,
                              const std::string& file);

struct Assessment {
  std::string supplier;
  std::string id;  // A1, A2, ... per supplier
  std::string date;
  std::string assessor;
  std::string approver;  // empty until approved
  vet::Outcome outcome;
};

// Scores an assessment and records it (with its scores) as awaiting approval; the assessor is
// the session's actor. Errors: unknown supplier (kNotFound), bad scores (kInput, naming the
// criterion), evidence naming an unknown document.
Result<Assessment> assess_supplier(Workspace& workspace, const Session& session,
                                   const AssessmentInput& input);

// Approves an assessment: the supplier's status, tier, exposure cap and qualified_until become
// the assessment's. Refused (kConflict) when the session's actor is the assessor, when it is
// already approved, or when a later assessment of the supplier is already approved.
Result<Assessment> approve_assessment(Workspace& workspace, const Session& session,
                                      const std::string& supplier, const std::string& assessment);

struct CertificateInput {
  std::string supplier;
  std::string standard;  // "ISO 9001"
  std::string issuer;
  std::string number;
  std::optional<Date> issued;
  Date expires = Date::from_days(0);
  std::string scope;
  std::vector<std::string> evidence;  // document ids
};
// Records a certificate (id C1, C2, ... per supplier) and returns its id.
Result<std::string> add_certificate(Workspace& workspace, const Session& session,
                                    const CertificateInput& input);

struct QualificationRow {
  std::string supplier;
  std::string name;
  std::string status;  // effective: "expired" once qualified_until has passed
  std::string tier;
  std::optional<double> max_exposure_share;
  std::string qualified_until;
  std::string last_assessment;            // "A2 2026-05-14 78.4% qualified (approved by ...)"
  std::vector<std::string> certificates;  // "ISO 9001 until 2027-05-31", "... expired ..."
};
// Whether an assessment's line names the staff account that approved it ("approved by ...") or
// only says that one did (for supplier users, to whom staff accounts are not shown).
enum class Approvers { kNamed, kUnnamed };

// Every supplier's qualification as of `today`.
Result<std::vector<QualificationRow>> qualification_overview(Workspace& workspace, Date today,
                                                             Approvers approvers = Approvers::kNamed);

}  // namespace moat::app
