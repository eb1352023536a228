// SPDX-License-Identifier: Apache-2.0
#include "store/ledger_head.h"

#include <variant>

namespace moat::store {

Result<std::int64_t> ledger_head(Database& db) {
  MOAT_TRY(const auto rows, db.query(R"(SELECT MAX("seq") FROM "ledger")"));
  const auto* seq =
      rows.empty() || rows.front().empty() ? nullptr : std::get_if<std::int64_t>(&rows.front().front());
  return seq ? *seq : 0;
}

}  // namespace moat::store
