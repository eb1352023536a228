// SPDX-License-Identifier: Apache-2.0
#include "app/overlaps.h"

#include <algorithm>
#include <set>

#include "app/record_fields.h"
#include "app/records.h"
#include "core/text.h"

namespace moat::app {
namespace {

using namespace fields_of;

bool share_a_day(Date from_a, std::optional<Date> to_a, Date from_b, std::optional<Date> to_b) {
  return (!to_b || from_a <= *to_b) && (!to_a || from_b <= *to_a);
}

}  // namespace

Result<std::vector<Overlap>> overlapping_assignments(Workspace& workspace, const std::string& person,
                                                     const std::string& supplier, Date from,
                                                     std::optional<Date> to) {
  std::vector<store::Record> assignments, suppliers;
  MOAT_CHECK(read_tables(workspace.store(), {{"assignments", &assignments}, {"suppliers", &suppliers}}));
  std::vector<Overlap> out;
  for (const store::Record& a : assignments) {
    const std::optional<Date> start = date(a, "from");
    if (text(a, "person") != person || text(a, "supplier") == supplier || !start) continue;
    if (!share_a_day(from, to, *start, date(a, "to"))) continue;
    Overlap overlap{text(a, "supplier"), "", *start, date(a, "to")};
    for (const store::Record& s : suppliers) {
      if (text(s, "id") == overlap.supplier) overlap.city = text(s, "city");
    }
    out.push_back(std::move(overlap));
  }
  std::sort(out.begin(), out.end(),
            [](const Overlap& a, const Overlap& b) { return a.supplier < b.supplier; });
  return out;
}

std::string overlap_warning(const std::string& person, const std::vector<Overlap>& overlaps,
                            const std::string& city) {
  std::vector<std::string> where;
  std::set<std::string> cities;
  if (!city.empty()) cities.insert(city);
  for (const Overlap& o : overlaps) {
    const std::string period =
        o.to ? o.from.to_string() + " to " + o.to->to_string() : "from " + o.from.to_string();
    where.push_back(o.supplier + (o.city.empty() ? "" : " (" + o.city + ")") + " " + period);
    if (!o.city.empty()) cities.insert(o.city);
  }
  std::string text = person + " is also assigned on site at " + join(where, ", ") + " in the same period";
  if (cities.size() > 1) text += ", in " + std::to_string(cities.size()) + " cities";
  return text + ": one person watches one factory at a time";
}

}  // namespace moat::app
