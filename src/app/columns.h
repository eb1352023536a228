// SPDX-License-Identifier: Apache-2.0
// Internal to src/app: a table's columns as rows of values (store::Store::columns), for the
// views that read large tables whole but need a few of their fields, without a JSON object per
// record. Each value reads as fields_of (record_fields.h) reads the same field of a record.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "store/store.h"

namespace moat::app::columns_of {

using Row = store::SqlRow;

// `fields` of every record of `table`, in key order: row[i] holds fields[i].
Result<std::vector<Row>> read(store::Store& store, std::string_view table,
                              std::span<const std::string_view> fields);

// A text ("" when null), a date (nullopt when null or not a date), a whole number (nullopt
// unless the field is whole), a number, a boolean (false when null), a list (a list field's
// texts; empty when null).
std::string text(const store::SqlValue& value);
std::optional<Date> date(const store::SqlValue& value);
std::optional<std::int64_t> integer(const store::SqlValue& value);
std::optional<double> number(const store::SqlValue& value);
bool boolean(const store::SqlValue& value);
std::vector<std::string> list(const store::SqlValue& value);

}  // namespace moat::app::columns_of
