// SPDX-License-Identifier: Apache-2.0
#include "store/counts.h"

#include <string>
#include <variant>

#include "store/schema.h"

namespace moat::store {

Result<std::size_t> record_count(Store& store) {
  std::size_t total = 0;
  for (const Table& table : tables()) {
    MOAT_TRY(const auto rows,
             store.database().query("SELECT COUNT(*) FROM \"" + std::string(table.name) + "\""));
    const auto* n = std::get_if<std::int64_t>(&rows.front().front());
    total += n ? static_cast<std::size_t>(*n) : 0;
  }
  return total;
}

}  // namespace moat::store
