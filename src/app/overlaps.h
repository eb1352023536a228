// SPDX-License-Identifier: Apache-2.0
// One person cannot watch several factories at once: the on-site assignments of a person that
// overlap a period at other suppliers, so that assigning them says so (a person assigned at eight
// suppliers in three cities on the same days is on site at most at one of them).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"

namespace moat::app {

struct Overlap {
  std::string supplier;  // "F04"
  std::string city;      // its city, when recorded
  Date from = Date::from_days(0);
  std::optional<Date> to;  // nullopt: open-ended
};

// The assignments of `person` at suppliers other than `supplier` that share a day with
// [from, to] (`to` nullopt: open-ended), ordered by supplier.
Result<std::vector<Overlap>> overlapping_assignments(Workspace& workspace, const std::string& person,
                                                     const std::string& supplier, Date from,
                                                     std::optional<Date> to);

// "also assigned at F04 (Shenzhen) from 2026-11-01, F06 (Dongguan) 2026-10-01 to 2026-12-31; 3 cities".
std::string overlap_warning(const std::string& person, const std::vector<Overlap>& overlaps,
                            const std::string& city);

}  // namespace moat::app
