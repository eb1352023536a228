// SPDX-License-Identifier: Apache-2.0
#include "app/export.h"

#include <nlohmann/json.hpp>

namespace moat::app {

namespace {

// How many records the tables hold, for the progress shown: one COUNT per table.
Result<std::size_t> record_count(store::Store& store) {
  std::size_t total = 0;
  for (const store::Table& table : store::tables()) {
    MOAT_TRY(const auto rows,
             store.database().query("SELECT COUNT(*) FROM \"" + std::string(table.name) + "\""));
    const auto* n = std::get_if<std::int64_t>(&rows.front().front());
    total += n ? static_cast<std::size_t>(*n) : 0;
  }
  return total;
}

}  // namespace

Result<std::string> export_workspace(Workspace& workspace, const Progress& progress) {
  return export_store(workspace.store(), progress);
}

Result<std::string> export_store(store::Store& store, const Progress& progress) {
  nlohmann::ordered_json document;
  document["format"] = "moat-workspace";
  document["version"] = 1;
  MOAT_CHECK(store.read_snapshot([&]() -> Status {
    std::size_t total = 0, done = 0;
    if (progress) {
      MOAT_TRY(total, record_count(store));
    }
    for (const store::Table& table : store::tables()) {
      MOAT_TRY(const auto records, store.list(table));
      nlohmann::ordered_json& list = document[std::string(table.name)] = nlohmann::ordered_json::array();
      for (const store::Record& record : records) list.push_back(nlohmann::ordered_json(record));
      tell(progress, done += records.size(), total);
    }
    return {};
  }));
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::strict) + "\n";
}

}  // namespace moat::app
