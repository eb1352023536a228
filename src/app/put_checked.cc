// SPDX-License-Identifier: Apache-2.0
// Writing records from use cases with the same checks an import makes, and reading several
// tables from one snapshot.
#include "app/fields.h"
#include "app/records.h"
#include "app/workspace.h"

namespace moat::app {
namespace {

Result<store::Record> complete(const store::Table& table, store::Record record,
                               const CapabilityCatalog& catalog) {
  std::vector<Diagnostic> problems;
  const std::string where = std::string(table.name) + "/";
  for (const store::Field& field : table.fields) {
    nlohmann::json value = record.contains(field.name) ? record[std::string(field.name)] : nlohmann::json();
    Result<nlohmann::json> checked = check_value(field, value, catalog);
    if (!checked.ok()) {
      problems.push_back({where + std::string(field.name), checked.error().message()});
      continue;
    }
    if (checked->is_null()) *checked = default_value(field);
    if (checked->is_null() && field.required)
      problems.push_back({where + std::string(field.name), "is required"});
    record[std::string(field.name)] = std::move(*checked);
  }
  for (const auto& [name, unused] : record.items()) {
    if (!table.field(name)) problems.push_back({where + name, "no such field"});
  }
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  return record;
}

}  // namespace

Status read_tables(store::Store& store, const TableReads& wanted) {
  return store.read_snapshot([&]() -> Status {
    for (const auto& [name, out] : wanted) {
      MOAT_TRY(*out, store.list(*store::find_table(name)));
    }
    return {};
  });
}

Result<std::vector<store::Record>> put_checked(Workspace& workspace, store::Writer& writer,
                                               std::vector<NewRecord> records) {
  const CapabilityCatalog catalog = workspace.capabilities();
  std::vector<Origin> origins(records.size());
  std::vector<store::Record> written;
  for (std::size_t i = 0; i < records.size(); ++i) {
    MOAT_TRY(store::Record record, complete(*records[i].table, std::move(records[i].record), catalog));
    const store::Key key = store::key_of(*records[i].table, record);
    origins[i] = Origin{std::string(records[i].table->name), 0, {}, "/" + store::key_text(key), {}};
    written.push_back(std::move(record));
  }
  std::vector<Change> changes;
  changes.reserve(written.size());
  for (std::size_t i = 0; i < written.size(); ++i)
    changes.push_back({records[i].table, std::move(written[i]), &origins[i]});
  // The same rules an import checks, on the records these can involve (not the whole workspace).
  MOAT_TRY(std::vector<Diagnostic> problems, problems_added(workspace.store(), changes));
  if (!problems.empty()) return Error(ErrorCode::kInput, std::move(problems));
  for (std::size_t i = 0; i < written.size(); ++i) written[i] = std::move(changes[i].record);
  // Each run of records of one table written together, in their order.
  for (std::size_t from = 0; from < written.size();) {
    std::size_t to = from + 1;
    while (to < written.size() && records[to].table == records[from].table) ++to;
    MOAT_CHECK(writer.put_all(*records[from].table,
                              std::span<const store::Record>(written).subspan(from, to - from)));
    from = to;
  }
  return written;
}

}  // namespace moat::app
