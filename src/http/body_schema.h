// SPDX-License-Identifier: Apache-2.0
// Internal to src/http: request bodies read as the route table declares them — JSON parsed
// strictly and within bounds (app/json_text.h), checked against the route's JSON Schema
// (request_bodies.h), and Content-Type compared exactly. On its own (no route table, no app), so
// that the body fuzz target builds only what it fuzzes.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"

namespace moat::http {

// A request body parsed strictly: no key twice, nested at most kMaxBodyDepth, at most
// kMaxBodyBytes. Errors (kInput) at "body#/pointer" or "body:LINE:COL".
inline constexpr std::size_t kMaxBodyDepth = 32;
inline constexpr std::size_t kMaxBodyBytes = 1 << 20;
Result<nlohmann::json> parse_body(std::string_view text);

// `body` checked against `schema` (a subset of JSON Schema: type, enum, format date, minLength,
// maxLength, minimum, maximum, exclusiveMinimum, exclusiveMaximum, properties, required,
// additionalProperties, items). Unlike JSON Schema's default, an object takes no member its schema
// does not name unless it says "additionalProperties": true. kInput with one diagnostic per
// problem, each at "body#/pointer".
Status check_body(const nlohmann::json& schema, const nlohmann::json& body);

// Whether a Content-Type header names the media type `type` ("application/json"): compared
// exactly but without regard to case, parameters aside — except a charset other than UTF-8.
bool has_media_type(std::string_view header, std::string_view type);

}  // namespace moat::http
