// SPDX-License-Identifier: Apache-2.0
// Internal to src/app: a table's columns row by row (store::Store::for_each_columns), for the
// views that read large tables whole but need a few of their fields, without a JSON object or an
// owned copy per record. Each value reads as fields_of (record_fields.h) reads the same field of
// a record.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "store/store.h"

namespace moat::app::columns_of {

// One record's fields, as the database holds them: valid only until the visitor returns.
using Row = std::span<const store::SqlValueView>;

// Calls `visit` with `fields` of every record of `table`, in key order: row[i] holds fields[i].
Status for_each(store::Store& store, std::string_view table, std::span<const std::string_view> fields,
                const std::function<void(Row)>& visit);

// A text ("" when null), a date (nullopt when null or not a date), a whole number (nullopt
// unless the field is whole), a number, a boolean (false when null), a list (a list field's
// texts; empty when null).
std::string text(const store::SqlValueView& value);
std::optional<Date> date(const store::SqlValueView& value);
std::optional<std::int64_t> integer(const store::SqlValueView& value);
std::optional<double> number(const store::SqlValueView& value);
bool boolean(const store::SqlValueView& value);
std::vector<std::string> list(const store::SqlValueView& value);

}  // namespace moat::app::columns_of
