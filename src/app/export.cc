// SPDX-License-Identifier: Apache-2.0
#include "app/export.h"

#include <nlohmann/json.hpp>

#include "store/counts.h"

namespace moat::app {

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
      MOAT_TRY(total, store::record_count(store));
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
