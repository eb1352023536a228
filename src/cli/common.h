// SPDX-License-Identifier: Apache-2.0
// What the command files of src/cli share: printing an error and mapping it to an exit code,
// opening the workspace a command names, rendering a JSON value as a table cell, and reading
// and writing the user's files (whole or not at all).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "app/workspace.h"
#include "cli/commands.h"
#include "core/result.h"

namespace moat::cli {

// Prints `error` (each diagnostic with where it is) to stderr; returns its exit code (1 or 2).
int fail(const Error& error);

Result<std::unique_ptr<app::Workspace>> open_workspace(const GlobalOptions& global);

// Runs `body` with the opened workspace, mapping errors to exit codes.
int with_workspace(const GlobalOptions& global, const std::function<int(app::Workspace&)>& body);

// A JSON value as one table cell: strings as they are, lists joined by ";", null as "".
std::string text(const nlohmann::json& value);

// The whole file; an error naming `path` when it cannot be read.
Result<std::string> read_file(const std::string& path);

// Writes `path` whole or not at all: a temporary file renamed into place.
Status write_file_atomically(const std::string& path, const std::string& content);

}  // namespace moat::cli
