// SPDX-License-Identifier: Apache-2.0
#include "app/import.h"

#include <nlohmann/json.hpp>

#include "app/records.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;

Result<std::vector<Draft>> read_file(const SourceFile& file, const ImportOptions& options,
                                     const CapabilityCatalog& catalog) {
  if (options.kind) {
    const store::Table* table = store::find_table(*options.kind);
    if (!table) return input_error("--kind", "unknown kind '" + *options.kind + "'");
    return read_csv_records(file, *table, options.product, catalog);
  }
  if (file.name.ends_with(".json")) return read_workspace_document(file, catalog);
  const store::Table* table = table_for_file_name(file.name);
  if (!table) {
    return input_error(file.name, "cannot tell what this file holds: name it after its kind "
                                  "(bom.csv, suppliers.csv, ...; see docs/formats.md) or pass --kind");
  }
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
                    Origin{"--product", 0, {}, ""}});
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

}  // namespace

Result<Model> load_model(store::Store& store) {
  Model model;
  for (const store::Table& table : store::tables()) {
    MOAT_TRY(const auto records, store.list(table));
    Entries& entries = model.tables[std::string(table.name)];
    for (const store::Record& record : records) entries[store::key_of(table, record)] = Entry{record, nullptr};
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
  for (const SourceFile& file : files) {
    Result<std::vector<Draft>> read = read_file(file, options, catalog);
    if (!read.ok()) {
      const auto& found = read.error().diagnostics();
      problems.insert(problems.end(), found.begin(), found.end());
      continue;
    }
    for (Draft& draft : *read) drafts.push_back(std::move(draft));
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));

  // The whole-workspace checks read the workspace inside the write transaction, so that what
  // they approve is what the commit extends: no other writer can slip in between.
  store::Store& store = workspace.store();
  ImportReport report;
  const auto check = [&]() -> Status {
    MOAT_TRY(Model model, load_model(store));
    add_missing_product(options, model, drafts);
    std::vector<Diagnostic> found = overlay(model, drafts);
    const std::vector<Diagnostic> inconsistencies = check_model(model);
    found.insert(found.end(), inconsistencies.begin(), inconsistencies.end());
    if (!found.empty()) return Error(ErrorCode::kInput, std::move(found));
    for (const Draft& draft : drafts) ++report.records_read[std::string(draft.table->name)];
    return {};
  };
  if (options.dry_run) {
    MOAT_CHECK(store.read_snapshot(check));
    return report;
  }
  MOAT_TRY(report.events, store.write(session.author(), [&](store::Writer& writer) -> Status {
    MOAT_CHECK(check());
    for (const store::Table& table : store::tables()) {
      for (const Draft& draft : drafts) {
        if (draft.table != &table) continue;
        MOAT_TRY(const bool changed, writer.put(table, draft.record));
        report.records_changed += changed ? 1 : 0;
      }
    }
    return {};
  }));
  return report;
}

}  // namespace moat::app
