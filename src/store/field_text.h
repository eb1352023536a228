// SPDX-License-Identifier: Apache-2.0
// The JSON text of a stored value, byte for byte what dumping field_value's result gives
// (nlohmann::json's compact dump: the form records take in the ledger), written straight from the
// value as the database holds it. Texts, numbers, booleans and lists of plain strings are written
// without building a JSON value; anything else (a text to escape, a list to normalise, a value of
// the wrong type) goes through field_value, so that the bytes, and the errors, are always its.
// For readers of every record (audit verify compares each with the ledger's text).
#pragma once

#include <string>

#include "core/result.h"
#include "store/database.h"
#include "store/schema.h"

namespace moat::store {

// Appends the JSON text of `value`, a value of `field` in `table`, to `out`. kIntegrity when the
// value has the wrong type (as field_value).
Status append_field_json(const Table& table, const Field& field, const SqlValueView& value, std::string& out);

// The value a streamed row viewed, as query() gives it.
SqlValue owned(const SqlValueView& value);

}  // namespace moat::store
