// SPDX-License-Identifier: Apache-2.0
#include "app/import.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "app/accounts.h"
#include "app/actors.h"
#include "app/approval_fields.h"
#include "app/records.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;

Result<FileRead> read_file(const SourceFile& file, const ImportOptions& options,
                           const CapabilityCatalog& catalog) {
  if (!options.kind && file.name.ends_with(".json")) {
    FileRead read;
    MOAT_TRY(read.drafts, read_workspace_document(file, catalog));
    read.report =
        FileReport{.file = file.name, .kind = "workspace", .format = "json", .records = read.drafts.size()};
    return read;
  }
  const store::Table* table =
      options.kind ? store::find_table(*options.kind) : table_for_file_name(file.name);
  if (options.kind && !table) {
    return input_error("--kind", "unknown kind '" + *options.kind +
                                     "' (moat import --help lists the kinds; docs/formats.md their columns)");
  }
  if (!table) {
    return input_error(file.name,
                       "cannot tell what this file holds: name it after its kind "
                       "(bom.csv, suppliers.csv, bom.xlsx, ...; see docs/formats.md) or pass --kind");
  }
  if (is_workbook(file.name))
    return read_workbook_records(file, *table, options.sheet, options.product, catalog);
  return read_csv_records(file, *table, options.product, catalog);
}

// A product named with --product that rows use but that does not exist yet is created with
// its id as name (a BOM export imported into a fresh workspace needs nothing else).
void add_missing_product(const ImportOptions& options, const Model& model, std::vector<Draft>& drafts) {
  if (!options.product || model.of("products").contains({*options.product})) return;
  bool used = false;
  for (const Draft& draft : drafts) {
    if (draft.table->name == "products" && draft.record["id"] == *options.product) return;
    used = used || (draft.table->product_scoped && draft.record["product"] == *options.product);
  }
  if (!used) return;
  drafts.push_back({store::find_table("products"),
                    json{{"id", *options.product}, {"name", *options.product}, {"description", nullptr}},
                    Origin{"--product", 0, {}, "", {}}});
}

std::vector<Diagnostic> overlay(Model& model, const std::vector<Draft>& drafts) {
  std::vector<Diagnostic> problems;
  std::map<std::pair<std::string_view, store::Key>, const Draft*> first;
  for (const Draft& draft : drafts) {
    const store::Key key = store::key_of(*draft.table, draft.record);
    const auto [it, fresh] = first.emplace(std::pair{draft.table->name, key}, &draft);
    if (!fresh) {
      problems.push_back({draft.origin.where(draft.table->key_fields().back().name),
                          "duplicate " + std::string(draft.table->singular) + " '" + store::key_text(key) +
                              "' (first at " + it->second->origin.where() + ")"});
      continue;
    }
    model.tables[std::string(draft.table->name)][key] = Entry{draft.record, &draft.origin};
  }
  return problems;
}

// A replacement is a product's whole BOM: --product, BOM files only, each line of that product.
Status check_replacement(const ImportOptions& options, const std::vector<Draft>& drafts) {
  if (!options.product)
    return input_error("--replace", "name the product whose BOM the files replace: --product ID");
  std::vector<Diagnostic> problems;
  for (const Draft& draft : drafts) {
    if (draft.table->name != "parts") {
      problems.push_back(
          {draft.origin.where(), "--replace takes BOM files only, not " + std::string(draft.table->name)});
    } else if (draft.record["product"] != *options.product) {
      problems.push_back(
          {draft.origin.where("product"), "a line of product '" + draft.record["product"].get<std::string>() +
                                              "' in the BOM that replaces '" + *options.product + "'s"});
    }
    if (problems.size() >= 20) break;
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return {};
}

// The product's stored parts that the new BOM does not hold.
std::vector<std::pair<const store::Table*, store::Key>> parts_left_out(const Model& model,
                                                                       const std::vector<Draft>& drafts,
                                                                       const std::string& product) {
  const store::Table* parts = store::find_table("parts");
  std::set<store::Key> kept;
  for (const Draft& draft : drafts) {
    if (draft.table == parts) kept.insert(store::key_of(*parts, draft.record));
  }
  std::vector<std::pair<const store::Table*, store::Key>> left_out;
  for (const auto& [key, entry] : model.of("parts")) {
    if (key[0] == product && !kept.contains(key)) left_out.emplace_back(parts, key);
  }
  return left_out;
}

// The revision as one ledger event beside its records' events: which files, how much changed.
Status note_revision(store::Writer& writer, const std::string& product, const ImportReport& report) {
  json files = json::array();
  for (const FileReport& file : report.files) files.push_back(file.file);
  const Difference& d = report.difference;
  const json detail = {{"files", files},
                       {"added", d.added.size()},
                       {"changed", d.changed.size()},
                       {"removed", d.removed.size()},
                       {"unlinked", d.unlinked.size()}};
  return writer.note("bom-revision", "products", product, detail.dump());
}

bool assessed(const Model& stored, const std::string& supplier) {
  const Entries& assessments = stored.of("assessments");
  const auto it = assessments.lower_bound(store::Key{supplier});
  return it != assessments.end() && it->first[0] == supplier;
}

// An import may not write what only the approval of an assessment or of a plan writes
// (app/approval_fields.h).
Result<std::vector<Diagnostic>> approval_field_problems(Workspace& workspace, const Model& stored,
                                                        const std::vector<Draft>& drafts) {
  std::vector<Diagnostic> problems;
  std::optional<bool> has_accounts;  // read once, when a draft first needs it
  for (const Draft& draft : drafts) {
    const bool plan = draft.table->name == "plans";
    if (!plan && draft.table->name != "suppliers") continue;
    const store::Key key = store::key_of(*draft.table, draft.record);
    const Entries& entries = stored.of(draft.table->name);
    const auto found = entries.find(key);
    const store::Record* before = found == entries.end() ? nullptr : &found->second.record;
    std::vector<Diagnostic> changed = plan ? saved_plan_changes(before, draft.record, &draft.origin)
                                           : approval_field_changes(before, draft.record, &draft.origin);
    if (changed.empty()) continue;
    if (!has_accounts) {
      MOAT_TRY(const std::vector<User> users, list_users(workspace));
      has_accounts = !users.empty();
    }
    // Without accounts an export is restored whole, its plans' approvals with it.
    const bool locked =
        plan ? *has_accounts : approval_fields_locked(*has_accounts, assessed(stored, key[0]));
    if (locked) problems.insert(problems.end(), changed.begin(), changed.end());
  }
  return problems;
}

// The fields a spreadsheet of suppliers keeps as stored when it has no column for them: the
// approval's where they are the approval's alone (app/approval_fields.h), and with accounts the
// guarded ones (app/actors.h), which a plain edit changes only with a further right.
std::vector<std::string_view> kept_fields(bool has_accounts, bool assessed) {
  std::vector<std::string_view> kept;
  if (approval_fields_locked(has_accounts, assessed)) {
    kept.assign(approval_fields().begin(), approval_fields().end());
  }
  for (const GuardedField& guarded : guarded_fields()) {
    if (has_accounts && guarded.table == "suppliers") kept.push_back(guarded.field);
  }
  return kept;
}

// A spreadsheet of suppliers without those columns does not speak of them: the supplier keeps its
// approved values and its `trusted`, and the spreadsheet still changes every other field.
Status keep_unspoken_fields(Workspace& workspace, const Model& stored, std::vector<Draft>& drafts) {
  std::optional<bool> has_accounts;
  for (Draft& draft : drafts) {
    if (draft.table->name != "suppliers" || draft.origin.columns.empty()) continue;  // CSV and workbooks
    const store::Key key = store::key_of(*draft.table, draft.record);
    const auto found = stored.of("suppliers").find(key);
    if (found == stored.of("suppliers").end()) continue;
    if (!has_accounts) {
      MOAT_TRY(const std::vector<User> users, list_users(workspace));
      has_accounts = !users.empty();
    }
    for (const std::string_view field : kept_fields(*has_accounts, assessed(stored, key[0]))) {
      const std::string name(field);
      if (draft.origin.columns.contains(name)) continue;
      const auto value = found->second.record.find(name);
      draft.record[name] = value == found->second.record.end() ? nlohmann::json() : *value;
    }
  }
  return {};
}

// The guarded fields (app/actors.h) the drafts change, each at its place.
std::vector<FieldEdit> guarded_field_edits(const Model& stored, const std::vector<Draft>& drafts) {
  const auto has_guarded = [](const store::Table& table) {
    const auto fields = guarded_fields();
    return std::any_of(fields.begin(), fields.end(),
                       [&](const GuardedField& g) { return g.table == table.name; });
  };
  std::vector<FieldEdit> edits;
  for (const Draft& draft : drafts) {
    if (!has_guarded(*draft.table)) continue;
    const Entries& entries = stored.of(draft.table->name);
    const auto found = entries.find(store::key_of(*draft.table, draft.record));
    const store::Record* before = found == entries.end() ? nullptr : &found->second.record;
    std::vector<FieldEdit> changed = guarded_field_changes(*draft.table, before, draft.record, &draft.origin);
    edits.insert(edits.end(), changed.begin(), changed.end());
  }
  return edits;
}

}  // namespace

std::set<std::string> tables_of(const Difference& difference) {
  std::set<std::string> tables;
  for (const auto* records :
       {&difference.added, &difference.changed, &difference.removed, &difference.unlinked}) {
    for (const RecordDifference& record : *records) tables.insert(record.table);
  }
  return tables;
}

Result<Model> load_model(store::Store& store) {
  Model model;
  for (const store::Table& table : store::tables()) {
    MOAT_TRY(const auto records, store.list(table));
    Entries& entries = model.tables[std::string(table.name)];
    for (const store::Record& record : records)
      entries[store::key_of(table, record)] = Entry{record, nullptr};
  }
  return model;
}

Result<ImportReport> import_files(Workspace& workspace, const Session& session,
                                  const std::vector<SourceFile>& files, const ImportOptions& options) {
  if (options.product) {
    if (const std::string why = id_problem(*options.product); !why.empty()) {
      return input_error("--product", "'" + *options.product + "' is not a valid product id: it " + why);
    }
  }
  const CapabilityCatalog catalog = workspace.capabilities();
  std::vector<Draft> drafts;
  std::vector<Diagnostic> problems;
  ImportReport report;
  for (const SourceFile& file : files) {
    Result<FileRead> read = read_file(file, options, catalog);
    if (!read.ok()) {
      const auto& found = read.error().diagnostics();
      problems.insert(problems.end(), found.begin(), found.end());
      continue;
    }
    for (Draft& draft : read->drafts) drafts.push_back(std::move(draft));
    report.files.push_back(std::move(read->report));
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));

  if (options.replace) MOAT_CHECK(check_replacement(options, drafts));

  // The whole-workspace checks read the workspace inside the write transaction, so that what
  // they approve is what the commit extends: no other writer can slip in between.
  store::Store& store = workspace.store();
  Model checked;
  std::optional<Error> refused;  // what the actor's role may not change (recorded after the rollback)
  const auto check = [&]() -> Status {
    MOAT_TRY(Model model, load_model(store));
    const Model stored = model;
    MOAT_CHECK(keep_unspoken_fields(workspace, stored, drafts));
    add_missing_product(options, model, drafts);
    std::vector<Diagnostic> found = overlay(model, drafts);
    MOAT_TRY(const std::vector<Diagnostic> approval, approval_field_problems(workspace, stored, drafts));
    found.insert(found.end(), approval.begin(), approval.end());
    report.difference = {};
    if (options.replace && found.empty()) {
      MOAT_CHECK(plan_removal(model, parts_left_out(model, drafts, *options.product), options.cascade,
                              "not in the BOM", report.difference));
    }
    const std::vector<Diagnostic> inconsistencies = check_model(model);
    found.insert(found.end(), inconsistencies.begin(), inconsistencies.end());
    if (!found.empty()) return Error(ErrorCode::kInput, std::move(found));
    Difference removals = std::move(report.difference);
    report.difference = {};
    add_differences(stored, drafts, report.difference);
    report.difference.removed = std::move(removals.removed);
    report.difference.unlinked = std::move(removals.unlinked);
    if (Status allowed = authorize_edit(options.role, session.actor, "importing",
                                        tables_of(report.difference), guarded_field_edits(stored, drafts));
        !allowed.ok()) {
      refused = allowed.error();
      return allowed;
    }
    for (const Draft& draft : drafts) ++report.records_read[std::string(draft.table->name)];
    checked = std::move(model);
    return {};
  };
  // A refusal is evidence too: recorded under the actor, once the import has written nothing.
  const auto recorded = [&](Status status) -> Status {
    if (refused) (void)record_denial(workspace, session, "import", refused->message());
    return status;
  };
  if (options.dry_run) {
    MOAT_CHECK(recorded(store.read_snapshot(check)));
    return report;
  }
  Result<std::int64_t> events = store.write(session.author(), [&](store::Writer& writer) -> Status {
    MOAT_CHECK(check());
    // Table by table, several hundred records per statement; the drafts are not read again.
    constexpr std::size_t kRecordsPerStep = 2000;  // between two reports of progress
    std::size_t written = 0;
    for (const store::Table& table : store::tables()) {
      std::vector<store::Record> records;
      for (Draft& draft : drafts) {
        if (draft.table == &table) records.push_back(std::move(draft.record));
      }
      for (std::size_t at = 0; at < records.size(); at += kRecordsPerStep) {
        const std::size_t count = std::min(kRecordsPerStep, records.size() - at);
        MOAT_TRY(const std::size_t changed,
                 writer.put_all(table, std::span<const store::Record>(records).subspan(at, count)));
        report.records_changed += changed;
        written += count;
        tell(options.progress, written, drafts.size());
      }
    }
    MOAT_CHECK(apply_removals(checked, report.difference, writer));
    report.records_changed += report.difference.removed.size() + report.difference.unlinked.size();
    if (options.replace && !report.difference.empty())
      MOAT_CHECK(note_revision(writer, *options.product, report));
    return {};
  });
  if (!events.ok()) return recorded(events.error()).error();
  report.events = *events;
  return report;
}

}  // namespace moat::app
