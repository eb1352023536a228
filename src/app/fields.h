// SPDX-License-Identifier: Apache-2.0
// Field values as readers meet them: a CSV cell's text or a JSON value, turned into the
// record's typed JSON value and checked against the field's type, bounds and vocabulary. One
// set of rules for CSV and JSON, so that both readers accept and reject the same things.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/catalog.h"
#include "core/result.h"
#include "store/schema.h"

namespace moat::app {

// A CSV cell: empty text gives null (the caller applies defaults and required checks).
// Errors carry only a message; the caller adds the place.
Result<nlohmann::json> parse_cell(const store::Field& field, std::string_view text,
                                  const CapabilityCatalog& catalog);

// A JSON value from a workspace document: null, or the field's JSON type and a valid value.
Result<nlohmann::json> check_value(const store::Field& field, const nlohmann::json& value,
                                   const CapabilityCatalog& catalog);

// The field's default as JSON (null when it has none).
nlohmann::json default_value(const store::Field& field);

}  // namespace moat::app
