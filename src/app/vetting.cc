// SPDX-License-Identifier: Apache-2.0
#include "app/vetting.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "app/blobs.h"
#include "app/bom_layouts.h"
#include "app/record_fields.h"
#include "app/record_steps.h"
#include "app/records.h"
#include "app/rules.h"
#include "app/vault.h"
#include "core/csv.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;

Result<json> supplier_record(Workspace& workspace, const std::string& supplier) {
  MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(table("suppliers"), {supplier}));
  if (!found) return Error(ErrorCode::kNotFound, "suppliers/" + supplier, "no such supplier");
  return *found;
}

// The records of `table_name` whose first key field is `first`.
Result<std::vector<json>> records_of(Workspace& workspace, std::string_view table_name,
                                     const std::string& first) {
  MOAT_TRY(std::vector<store::Record> all, workspace.store().list(table(table_name)));
  std::vector<json> out;
  for (json& record : all) {
    if (text(record, table(table_name).fields[0].name) == first) out.push_back(std::move(record));
  }
  return out;
}

vet::Outcome outcome_of(const json& record) {
  vet::Outcome outcome;
  outcome.result = text(record, "result");
  outcome.score = number(record, "score").value_or(0);
  outcome.tier = text(record, "tier");
  outcome.max_exposure_share = number(record, "max_exposure_share");
  outcome.valid_until = date(record, "valid_until");
  outcome.knocked_out_by = list(record, "knocked_out_by");
  outcome.explanation = text(record, "note");
  return outcome;
}

Assessment assessment_of(const json& record) {
  return {text(record, "supplier"), text(record, "id"),       text(record, "date"),
          text(record, "assessor"), text(record, "approver"), outcome_of(record)};
}

json assessment_record(const Assessment& a, const std::string& note) {
  return {{"supplier", a.supplier},
          {"id", a.id},
          {"date", a.date},
          {"assessor", a.assessor},
          {"result", a.outcome.result},
          {"score", a.outcome.score},
          {"tier", a.outcome.tier},
          {"max_exposure_share", optional_number(a.outcome.max_exposure_share)},
          {"valid_until", optional_date(a.outcome.valid_until)},
          {"knocked_out_by", a.outcome.knocked_out_by},
          {"note", note.empty() ? a.outcome.explanation : a.outcome.explanation + " — " + note}};
}

std::vector<NewRecord> score_records(const AssessmentInput& input, const std::string& id) {
  std::vector<NewRecord> out;
  for (const vet::Score& score : input.scores) {
    const auto evidence = input.evidence.find(score.criterion);
    out.push_back(
        {&table("scores"),
         {{"supplier", input.supplier},
          {"assessment", id},
          {"criterion", score.criterion},
          {"score", score.value},
          {"evidence", evidence == input.evidence.end() ? std::vector<std::string>{} : evidence->second}}});
  }
  return out;
}

// Assessments in the order they were made: by date, then by number.
std::pair<std::string, long> order(const json& assessment) {
  return {text(assessment, "date"), id_number(text(assessment, "id"), "A")};
}

// Whether a later assessment than `id` (by date, then number) was approved already.
bool superseded(const std::vector<json>& assessments, const json& current) {
  return std::any_of(assessments.begin(), assessments.end(), [&](const json& other) {
    return !text(other, "approver").empty() && text(other, "id") != text(current, "id") &&
           order(current) < order(other);
  });
}

// The supplier as its approved assessment leaves it.
json qualified_supplier(json supplier, const Assessment& approved) {
  const vet::Outcome& outcome = approved.outcome;
  supplier["status"] = outcome.result;
  supplier["tier"] = outcome.tier.empty() ? json() : json(outcome.tier);
  supplier["max_exposure_share"] = optional_number(outcome.max_exposure_share);
  supplier["qualified_until"] = optional_date(outcome.valid_until);
  return supplier;
}

Status check_approval(const json& record, const std::vector<json>& all, const Session& session) {
  const std::string where = "assessments/" + text(record, "supplier") + "/" + text(record, "id");
  if (!text(record, "approver").empty()) {
    return Error(ErrorCode::kConflict, where, "already approved by " + text(record, "approver"));
  }
  if (text(record, "assessor") == session.actor) {
    return Error(
        ErrorCode::kConflict, where,
        "the assessor (" + session.actor + ") cannot approve their own assessment: another person must");
  }
  if (superseded(all, record)) {
    return Error(ErrorCode::kConflict, where, "a later assessment of this supplier is approved already");
  }
  return {};
}

std::string certificate_line(const json& c, Date today) {
  const std::optional<Date> expires = date(c, "expires");
  const bool expired = expires && *expires < today;
  return text(c, "standard") + (expired ? " expired " : " until ") + text(c, "expires");
}

std::string assessment_line(const json& a, Approvers approvers) {
  char score[32];
  std::snprintf(score, sizeof score, "%.1f%%", number(a, "score").value_or(0));
  const std::string approver = text(a, "approver");
  const std::string approval = approver.empty()                   ? " (awaiting approval)"
                               : approvers == Approvers::kUnnamed ? " (approved)"
                                                                  : " (approved by " + approver + ")";
  return text(a, "id") + " " + text(a, "date") + " " + score + " " + text(a, "result") + approval;
}

constexpr std::string_view kSheetColumns[] = {"supplier", "date", "assessor", "approver", "note"};

bool is_sheet_column(std::string_view name) {
  return std::find(std::begin(kSheetColumns), std::end(kSheetColumns), name) != std::end(kSheetColumns);
}

// `columns`: each column of the sheet as read_assessment_sheet resolved its header (a sheet
// column, a criterion's id, or empty: a blank column, ignored).
Result<SheetRow> sheet_row(const std::vector<std::string>& columns, const CsvRow& row,
                           std::string_view file) {
  SheetRow out;
  out.line = row.line;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string& column = columns[i];
    const CsvField& cell = row.fields[i];
    if (column.empty()) continue;
    const std::string where = csv_location(file, cell.line, cell.column);
    if (column == "supplier") out.input.supplier = cell.value;
    if (column == "assessor") out.assessor = cell.value;
    if (column == "approver") out.approver = cell.value;
    if (column == "note") out.input.note = cell.value;
    if (column == "date") {
      const std::optional<Date> on = Date::parse(cell.value);
      if (!on) return input_error(where, "'" + cell.value + "' is not a date (YYYY-MM-DD)");
      out.input.date = *on;
    }
    if (is_sheet_column(column) || cell.value.empty()) continue;
    double value = 0;  // a plain decimal (docs/formats.md): no "0x3", no "+3", no spaces
    const auto [end, ec] = std::from_chars(cell.value.data(), cell.value.data() + cell.value.size(), value);
    if (ec != std::errc() || end != cell.value.data() + cell.value.size())
      return input_error(where, column + ": '" + cell.value + "' is not a score");
    out.input.scores.push_back({column, value});
  }
  if (out.input.supplier.empty())
    return input_error(csv_location(file, row.line, 1), "the supplier is empty");
  return out;
}

}  // namespace

Result<std::vector<SheetRow>> read_assessment_sheet(const Workspace& workspace, std::string_view text,
                                                    std::string_view file, std::string_view encoding) {
  MOAT_TRY(const VettingRules rules, vetting_rules(workspace));
  MOAT_TRY(const CsvTable table, parse_csv(text, file, CsvOptions{.encoding = std::string(encoding)}));
  // Each header, by the rule of every import's headers (docs/formats.md: case, spaces, '_' and '-'
  // aside): a sheet column, else a criterion's id.
  std::vector<std::string> columns;
  std::map<std::string, std::size_t> seen;  // column -> the header's column number
  std::vector<Diagnostic> problems;
  for (std::size_t i = 0; i < table.header.fields.size(); ++i) {
    const CsvField& header = table.header.fields[i];
    const std::string key = normalized_header(header.value);
    const std::string where = csv_location(file, header.line, header.column);
    std::string column;
    for (const std::string_view c : kSheetColumns)
      if (normalized_header(c) == key) column = c;
    for (const vet::Criterion& c : rules.qualification.criteria)
      if (column.empty() && normalized_header(c.id) == key) column = c.id;
    const bool blank = blank_column(table, i);
    if (column.empty() && !blank) {
      problems.push_back(
          {where,
           "'" + header.value + "' is neither a column of the sheet (" +
               join(std::vector<std::string>(std::begin(kSheetColumns), std::end(kSheetColumns)), ", ") +
               ") nor a criterion (moat supplier criteria lists them)"});
    } else if (!column.empty()) {
      if (const auto [it, inserted] = seen.emplace(column, header.column); !inserted) {
        problems.push_back({where, "'" + header.value + "' gives " + column + " again (already column " +
                                       std::to_string(it->second) + ")"});
      }
    }
    columns.push_back(column);
  }
  for (const std::string_view required : {"supplier", "date"}) {
    if (!seen.contains(std::string(required)))
      problems.push_back(
          {csv_location(file, table.header.line, 1), "no '" + std::string(required) + "' column"});
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  std::vector<SheetRow> rows;
  for (const CsvRow& row : table.rows) {
    MOAT_TRY(SheetRow parsed, sheet_row(columns, row, file));
    rows.push_back(std::move(parsed));
  }
  return rows;
}

namespace {

// Records the file stored as `entry` as a document, unless the same content was recorded before.
Result<Document> record_document(Workspace& workspace, const Session& session, const store::VaultEntry& entry,
                                 const std::string& name, const std::string& note) {
  const store::Author author = session.author();
  json record = {{"id", entry.id},           {"name", name},
                 {"size", entry.size},       {"added_at", author.at},
                 {"added_by", author.actor}, {"note", note.empty() ? json() : json(note)}};
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    MOAT_TRY(const std::optional<store::Record> existing,
             workspace.store().get(table("documents"), {entry.id}));
    if (existing) return {};  // the same content, recorded before
    MOAT_CHECK(put_checked(workspace, writer, {{&table("documents"), record}}));
    return {};
  }));
  (void)events;
  return Document{entry.id, name, entry.size};
}

// The vault, once `id` is known to be a document's.
Result<store::Vault> document_vault(Workspace& workspace, const std::string& id) {
  MOAT_TRY(const std::optional<store::Record> record, workspace.store().get(table("documents"), {id}));
  if (!record) return Error(ErrorCode::kNotFound, "documents/" + id, "no such document");
  return open_vault(workspace);
}

}  // namespace

Result<Document> add_document(Workspace& workspace, const Session& session, const std::string& name,
                              std::string_view content, const std::string& note) {
  if (name.empty()) return input_error("name", "a document needs a name");
  MOAT_TRY(store::Vault vault, open_vault(workspace));
  MOAT_TRY(const store::VaultEntry entry, vault.put(content));
  return record_document(workspace, session, entry, name, note);
}

Result<Document> add_document_file(Workspace& workspace, const Session& session, const std::string& name,
                                   const std::filesystem::path& path, const std::string& note) {
  if (name.empty()) return input_error("name", "a document needs a name");
  MOAT_CHECK(regular_file(path));  // a folder or a pipe is the user's to fix, not an internal fault
  MOAT_TRY(store::Vault vault, open_vault(workspace));
  MOAT_TRY(const store::VaultEntry entry, vault.put_file(path));
  return record_document(workspace, session, entry, name, note);
}

Result<std::string> read_document(Workspace& workspace, const std::string& id) {
  MOAT_TRY(const store::Vault vault, document_vault(workspace, id));
  return vault.get(id);
}

Status save_document(Workspace& workspace, const std::string& id, const std::filesystem::path& path) {
  MOAT_TRY(const store::Vault vault, document_vault(workspace, id));
  return vault.copy_to_file(id, path);
}

Status write_document(Workspace& workspace, const std::string& id, int fd) {
  MOAT_TRY(const store::Vault vault, document_vault(workspace, id));
  return vault.copy_to_fd(id, fd);
}

namespace {

// An assessment records what was found: one dated after today would qualify a supplier, for the
// validity of its band, on the strength of a visit that has not happened (a year's typo).
Status check_not_after_today(const Date& date, const Session& session, const std::string& where) {
  const Date today = session.today();
  if (date <= today) return {};
  return input_error(where, "the assessment is dated " + date.to_string() + ", after today (" +
                                today.to_string() + "): an assessment records what was found");
}

}  // namespace

Result<Assessment> assess_supplier(Workspace& workspace, const Session& session,
                                   const AssessmentInput& input) {
  MOAT_TRY(const VettingRules rules, vetting_rules(workspace));
  MOAT_CHECK(supplier_record(workspace, input.supplier));
  MOAT_CHECK(check_not_after_today(input.date, session, "--date"));
  for (const auto& entry : input.evidence) {
    const bool scored = std::any_of(input.scores.begin(), input.scores.end(),
                                    [&](const vet::Score& s) { return s.criterion == entry.first; });
    if (!scored) return input_error(entry.first, "evidence for a criterion that is not scored");
  }
  MOAT_TRY(vet::Outcome outcome, vet::qualify(rules.qualification, input.scores, input.date));
  Assessment assessment{input.supplier, "", input.date.to_string(), session.actor, "", std::move(outcome)};
  MOAT_TRY(
      const std::int64_t events,
      workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
        MOAT_TRY(const std::vector<json> earlier, records_of(workspace, "assessments", input.supplier));
        assessment.id = next_id(ids_of(earlier), "A");
        std::vector<NewRecord> records{{&table("assessments"), assessment_record(assessment, input.note)}};
        for (NewRecord& score : score_records(input, assessment.id)) records.push_back(std::move(score));
        MOAT_CHECK(put_checked(workspace, writer, std::move(records)));
        return {};
      }));
  (void)events;
  return assessment;
}

Result<Assessment> approve_assessment(Workspace& workspace, const Session& session,
                                      const std::string& supplier, const std::string& assessment) {
  Assessment approved;
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             MOAT_TRY(const std::optional<store::Record> found,
                      workspace.store().get(table("assessments"), {supplier, assessment}));
             if (!found)
               return Error(ErrorCode::kNotFound, "assessments/" + supplier + "/" + assessment,
                            "no such assessment");
             MOAT_TRY(const std::vector<json> all, records_of(workspace, "assessments", supplier));
             MOAT_CHECK(check_approval(*found, all, session));
             json record = *found;
             record["approver"] = session.actor;
             record["approved_at"] = session.author().at;
             approved = assessment_of(record);
             MOAT_TRY(json supplier_now, supplier_record(workspace, supplier));
             MOAT_TRY(
                 auto written,
                 put_checked(workspace, writer,
                             {{&table("assessments"), record},
                              {&table("suppliers"), qualified_supplier(std::move(supplier_now), approved)}}));
             (void)written;
             return {};
           }));
  (void)events;
  return approved;
}

Result<std::string> add_certificate(Workspace& workspace, const Session& session,
                                    const CertificateInput& input) {
  std::string id;
  MOAT_TRY(const std::int64_t events,
           workspace.store().write(session.author(), [&](store::Writer& writer) -> Status {
             MOAT_CHECK(supplier_record(workspace, input.supplier));
             MOAT_TRY(const std::vector<json> earlier, records_of(workspace, "certificates", input.supplier));
             id = next_id(ids_of(earlier), "C");
             json record = {{"supplier", input.supplier},
                            {"id", id},
                            {"standard", input.standard},
                            {"expires", input.expires.to_string()},
                            {"evidence", input.evidence}};
             if (!input.issuer.empty()) record["issuer"] = input.issuer;
             if (!input.number.empty()) record["number"] = input.number;
             if (input.issued) record["issued"] = input.issued->to_string();
             if (!input.scope.empty()) record["scope"] = input.scope;
             MOAT_CHECK(put_checked(workspace, writer, {{&table("certificates"), record}}));
             return {};
           }));
  (void)events;
  return id;
}

Result<std::vector<QualificationRow>> qualification_overview(Workspace& workspace, Date today,
                                                             Approvers approvers) {
  MOAT_TRY(const std::vector<store::Record> suppliers, workspace.store().list(table("suppliers")));
  MOAT_TRY(const std::vector<store::Record> assessments, workspace.store().list(table("assessments")));
  MOAT_TRY(const std::vector<store::Record> certificates, workspace.store().list(table("certificates")));
  std::vector<QualificationRow> rows;
  for (const json& s : suppliers) {
    QualificationRow row{text(s, "id"),
                         text(s, "name"),
                         vet::effective_status(text(s, "status"), date(s, "qualified_until"), today),
                         text(s, "tier"),
                         number(s, "max_exposure_share"),
                         text(s, "qualified_until"),
                         "",
                         {}};
    const json* last = nullptr;
    for (const json& a : assessments) {
      if (text(a, "supplier") == row.supplier && (!last || order(*last) < order(a))) last = &a;
    }
    if (last) row.last_assessment = assessment_line(*last, approvers);
    for (const json& c : certificates) {
      if (text(c, "supplier") == row.supplier) row.certificates.push_back(certificate_line(c, today));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Status check_assessment_sheet(Workspace& workspace, const Session& session, const std::vector<SheetRow>& rows,
                              const std::string& file) {
  MOAT_TRY(const VettingRules rules, vetting_rules(workspace));
  for (const SheetRow& row : rows) {
    const std::string where = file + ":" + std::to_string(row.line);
    if (!row.assessor.empty() && row.assessor != session.actor) {
      return input_error(where, "assessed by " + row.assessor + ", but you are " + session.actor +
                                    ": each assessor records their own assessments");
    }
    MOAT_TRY(const auto supplier, workspace.store().get(table("suppliers"), {row.input.supplier}));
    if (!supplier) return input_error(where, "unknown supplier '" + row.input.supplier + "'");
    MOAT_CHECK(check_not_after_today(row.input.date, session, where));
    const Result<vet::Outcome> outcome = vet::qualify(rules.qualification, row.input.scores, row.input.date);
    if (!outcome.ok()) return input_error(where + " " + outcome.error().where(), outcome.error().message());
  }
  return {};
}

}  // namespace moat::app
