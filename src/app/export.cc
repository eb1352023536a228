// SPDX-License-Identifier: Apache-2.0
#include "app/export.h"

#include <nlohmann/json.hpp>

namespace moat::app {

Result<std::string> export_workspace(Workspace& workspace) { return export_store(workspace.store()); }

Result<std::string> export_store(store::Store& store) {
  nlohmann::ordered_json document;
  document["format"] = "moat-workspace";
  document["version"] = 1;
  MOAT_CHECK(store.read_snapshot([&]() -> Status {
    for (const store::Table& table : store::tables()) {
      MOAT_TRY(const auto records, store.list(table));
      nlohmann::ordered_json& list = document[std::string(table.name)] = nlohmann::ordered_json::array();
      for (const store::Record& record : records) list.push_back(nlohmann::ordered_json(record));
    }
    return {};
  }));
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::strict) + "\n";
}

}  // namespace moat::app
