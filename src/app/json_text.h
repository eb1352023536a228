// SPDX-License-Identifier: Apache-2.0
// JSON text read strictly and within bounds, for every JSON that comes from outside (request
// bodies, workspace documents): a key given twice is an error (not the last one silently kept),
// nesting deeper than a limit and text longer than a limit are refused while parsing — before
// any recursive walk could exhaust the stack — and every error names its place: a JSON pointer
// for a duplicate key, line:col for a syntax error or a nesting too deep. Values quoted in error
// messages are cut short.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"
#include "core/text.h"  // cut_short

namespace moat::app {

struct JsonLimits {
  std::size_t max_depth = 64;         // arrays and objects inside one another
  std::size_t max_bytes = 256 << 20;  // the text's length
};

// Parses `text`, whose errors are placed as `name` + "#" + pointer or `name:line:col`.
// Errors: kInput, with one diagnostic.
Result<nlohmann::json> parse_json_text(std::string_view text, std::string_view name,
                                       const JsonLimits& limits = {});

// A JSON value as an error message shows it: compact, at most `limit` bytes (then "…").
std::string quoted_json(const nlohmann::json& value, std::size_t limit = 80);

// A key as one JSON pointer segment (RFC 6901: '~' is written ~0, '/' is written ~1).
std::string pointer_segment(std::string_view key);

}  // namespace moat::app
