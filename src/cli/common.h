// SPDX-License-Identifier: Apache-2.0
// What the command files of src/cli share: printing an error and mapping it to an exit code,
// opening the workspace a command names, rendering a JSON value as a table cell, and reading
// and writing the user's files (whole or not at all).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/actors.h"
#include "app/session.h"
#include "app/workspace.h"
#include "cli/commands.h"
#include "core/date.h"
#include "core/files.h"
#include "core/result.h"

namespace CLI {
class App;
}

namespace moat::cli {

// The exit code of a verdict that says no: a NO-GO from the gate, an agreement failing its check,
// a trace whose naming the ledger does not vouch for.
// Scripts can act on it (`moat gate ... && send`); 1 and 2 stay the errors'.
constexpr int kExitNoGo = 3;

// Prints `error` (each diagnostic with where it is) to stderr; returns its exit code (1 or 2).
int fail(const Error& error);

Result<std::unique_ptr<app::Workspace>> open_workspace(const GlobalOptions& global);

// Who signed in when the workspace was opened (open_workspace, with_workspace): their role (none in
// a workspace without accounts) and, for a supplier user, its supplier.
const app::Actor& signed_in();

// Runs `body` with the opened workspace, mapping errors to exit codes.
int with_workspace(const GlobalOptions& global, const std::function<int(app::Workspace&)>& body);

// A JSON value as one table cell: strings as they are, lists joined by ";", null as "".
std::string text(const nlohmann::json& value);

// The most moat reads from one input file into memory: 256 MiB (lowered by the environment variable
// MOAT_TEST_MAX_INPUT_BYTES, for tests only; it never raises it). input_limit_text() says it.
std::uintmax_t max_input_bytes();
std::string input_limit_text();

// The whole file; an error naming `path` when it cannot be read, is not a regular file (a folder,
// a device) or is larger than max_input_bytes().
Result<std::string> read_file(const std::string& path);

// The folder `moat init` or `moat demo` creates: DIR, or -w DIR when DIR is not given (the
// global option every command's help lists); both, when they differ, are refused.
Result<std::string> new_workspace_dir(const std::string& dir, const GlobalOptions& global);

// A file's bytes as they are on disk, mapped into memory rather than copied (a 145 MB instance
// costs no copy, no allocation and nothing to free), with read_file's checks and errors; read
// into memory where the file cannot be mapped. `padding` readable bytes follow the text, for a
// parser that reads ahead in wide steps (padded()). A mapped file cut short by another program
// while it is read would raise SIGBUS at the next read of its lost pages: the process then ends
// with an error naming the file (exit 1), not a crash. One mapped file at a time is guarded.
class MappedFile {
 public:
  static Result<MappedFile> open(const std::string& path, std::size_t padding = 0);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view text() const {
    return mapped_ ? std::string_view(mapped_, size_) : std::string_view(copy_);
  }
  // The `padding` bytes after text() can be read.
  bool padded() const { return padded_; }

 private:
  MappedFile() = default;
  const char* mapped_ = nullptr;
  std::size_t size_ = 0;
  std::size_t reserved_ = 0;  // the mapping's length, padding included
  bool padded_ = false;
  std::string copy_;
};

// Adds --xlsx FILE to a report's command.
void add_xlsx_option(CLI::App& app, GlobalOptions& global);

// With --xlsx FILE, writes `report` (the command's --json value) there as an Excel workbook: an
// array of objects as worksheet `name`, an object's arrays of objects as one worksheet each and
// its other members as field/value rows on `name`. `columns`: the first columns, in order (the
// rest follow by name). Lists of values go in one cell, joined by "; ".
Status write_xlsx_report(const GlobalOptions& global, const std::string& name, const nlohmann::json& report,
                         const std::vector<std::string>& columns = {});

// A subcommand of `parent` that takes the shared -w and --json flags.
CLI::App* subcommand(CLI::App& parent, const char* name, const char* help, GlobalOptions& global);

// What runs a command with subcommands: each of `runs` returns -1 unless its subcommand was
// parsed; the first that was parsed runs (1 when none was).
using Runs = std::vector<std::function<int()>>;
std::function<int()> first_parsed(std::shared_ptr<Runs> runs);

// A YYYY-MM-DD date given to `flag`; an error naming the flag otherwise.
Result<Date> parse_date(const std::string& text, const std::string& flag);
// The same, where an empty text means no date.
Result<std::optional<Date>> parse_optional_date(const std::string& text, const std::string& flag);
// Today by the session's clock, as YYYY-MM-DD.
std::string today_text(const app::Session& session);
// --as-of when given, else today.
Result<Date> as_of(const std::string& text, const app::Session& session);

// moat exposure --released: the product's released knowledge per party (or per person), as a
// heatmap or as JSON beside `plan_json` (the plan's exposure, when there is a plan).
Status print_released_knowledge(app::Workspace& workspace, const std::string& product, bool people,
                                bool as_json, nlohmann::json* plan_json);

}  // namespace moat::cli
