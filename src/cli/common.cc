// SPDX-License-Identifier: Apache-2.0
#include "cli/common.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/report_workbooks.h"
#include "cli/authorization.h"
#include "core/files.h"

namespace moat::cli {

namespace fs = std::filesystem;
using nlohmann::json;

static constexpr std::size_t kMaxShownDiagnostics = 20;

int fail(const Error& error) {
  std::cerr << "moat: " << (error.code() == ErrorCode::kInternal ? "internal error: " : "");
  const auto& diagnostics = error.diagnostics();
  for (std::size_t i = 0; i < diagnostics.size() && i < kMaxShownDiagnostics; ++i) {
    if (i > 0) std::cerr << "\n";
    if (!diagnostics[i].where.empty()) std::cerr << diagnostics[i].where << ": ";
    std::cerr << diagnostics[i].message;
  }
  if (diagnostics.size() > kMaxShownDiagnostics) {
    std::cerr << "\n... and " << diagnostics.size() - kMaxShownDiagnostics << " more problems";
  }
  std::cerr << "\n";
  return error.exit_code();
}

namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// Whether the process's user owns the workspace's moat.toml (and so holds its keys).
bool owns(const app::Workspace& workspace) {
  struct stat status {};
  return ::stat((workspace.dir() / "moat.toml").c_str(), &status) == 0 && status.st_uid == ::geteuid();
}

app::Actor& current_actor() {
  static app::Actor actor;
  return actor;
}

// Establishes who acts (app/actors.h), checks that they may run the command, and acts as them.
Status sign_in(app::Workspace& workspace, const GlobalOptions& global) {
  const app::TerminalClaim claim{global.token.empty() ? environment("MOAT_TOKEN") : global.token,
                                 environment("MOAT_ACTOR"), app::login_name(), owns(workspace)};
  MOAT_TRY(const app::Actor actor, app::establish_actor(workspace, claim));
  for (const std::string& warning : actor.warnings) std::cerr << "moat: " << warning << "\n";
  const Status allowed = app::authorize(actor, capability_of(global.command), "moat " + global.command);
  app::act_as(actor.name, actor.via, actor.supplier);
  current_actor() = actor;
  if (!allowed.ok()) {
    // A refusal is evidence too: recorded under the signed-in actor, as the API records its own.
    (void)app::record_denial(workspace, app::terminal_session(), "moat " + global.command,
                             allowed.error().message());
    return allowed;
  }
  return {};
}

}  // namespace

const app::Actor& signed_in() {
  return current_actor();
}

Result<std::unique_ptr<app::Workspace>> open_workspace(const GlobalOptions& global) {
  MOAT_TRY(std::unique_ptr<app::Workspace> workspace,
           app::Workspace::open(app::resolve_workspace_dir(global.workspace)));
  MOAT_CHECK(sign_in(*workspace, global));
  return workspace;
}

// Runs `body` with the opened workspace, mapping errors to exit codes.
int with_workspace(const GlobalOptions& global, const std::function<int(app::Workspace&)>& body) {
  auto workspace = open_workspace(global);
  if (!workspace.ok()) return fail(workspace.error());
  return body(**workspace);
}

std::string text(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string out;
    for (const json& item : value) out += (out.empty() ? "" : ";") + text(item);
    return out;
  }
  return value.dump();
}

// The most moat reads from one input file (a workspace document of a large company is a few MiB).
constexpr std::uintmax_t kMaxInputBytes = std::uintmax_t{256} << 20;
// Lowers that limit, for tests only: a test of what happens past it need not write 256 MiB.
constexpr const char* kMaxInputVariable = "MOAT_TEST_MAX_INPUT_BYTES";

std::uintmax_t max_input_bytes() {
  const char* value = std::getenv(kMaxInputVariable);
  if (value == nullptr || *value == '\0') return kMaxInputBytes;
  char* end = nullptr;
  const unsigned long long bytes = std::strtoull(value, &end, 10);
  return *end == '\0' && bytes > 0 && bytes < kMaxInputBytes ? bytes : kMaxInputBytes;
}

std::string input_limit_text() {
  const std::uintmax_t limit = max_input_bytes();
  return limit % (1 << 20) == 0 ? std::to_string(limit >> 20) + " MiB" : std::to_string(limit) + " bytes";
}

namespace {

Status readable_file(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error) return input_error(path, "cannot read this file: " + error.message());
  if (fs::is_directory(status)) return input_error(path, "is a folder, not a file");
  if (!fs::is_regular_file(status)) return input_error(path, "is not a regular file");
  return Status();
}

}  // namespace

Result<std::string> new_workspace_dir(const std::string& dir, const GlobalOptions& global) {
  const std::string workspace = global.workspace.value_or("");
  if (dir.empty() && workspace.empty())
    return input_error("DIR", "name the folder to create (DIR or -w DIR)");
  const auto folder = [](const std::string& path) { return (fs::path(path) / "").lexically_normal(); };
  if (!dir.empty() && !workspace.empty() && folder(dir) != folder(workspace))
    return input_error("DIR", "'" + dir + "' and -w '" + workspace + "' name two folders: give one");
  return dir.empty() ? workspace : dir;
}

Result<std::string> read_file(const std::string& path) {
  MOAT_CHECK(readable_file(path));
  std::error_code error;
  std::ifstream in(path, std::ios::binary);
  if (!in) return input_error(path, "cannot read this file: " + std::string(std::strerror(errno)));
  const std::uintmax_t limit = max_input_bytes();
  const auto too_large = [&] {
    return input_error(path, "is larger than " + input_limit_text() + ", the most moat reads from one file");
  };
  const std::uintmax_t size = fs::file_size(path, error);
  if (size > limit && !error) return too_large();
  // In chunks, up to the limit: a file that grows while it is read is caught too. Room for the
  // whole file first: growing a string of 100 MiB by doubling copies it again and again.
  std::string content;
  if (!error) content.reserve(static_cast<std::size_t>(size) + 1);
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    content.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (content.size() > limit) return too_large();
  }
  if (in.bad()) return input_error(path, "cannot read this file: " + std::string(std::strerror(errno)));
  return content;
}

namespace {

// The mapped file whose pages a SIGBUS may come from, and what to say when one does.
struct BusGuard {
  std::atomic<std::uintptr_t> begin{0};
  std::atomic<std::uintptr_t> end{0};
  std::string message;  // written before `end` is set, read only by the handler
};
BusGuard bus_guard;

void on_bus_error(int, siginfo_t* info, void*) {
  const auto at = reinterpret_cast<std::uintptr_t>(info->si_addr);
  if (at >= bus_guard.begin.load() && at < bus_guard.end.load()) {
    const std::string& message = bus_guard.message;
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, message.data(), message.size());
    ::_exit(1);
  }
  ::signal(SIGBUS, SIG_DFL);  // not from the file: the fault repeats on return, and ends the process
}

void guard(const std::string& path, const char* begin, std::size_t length) {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_sigaction = on_bus_error;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    return ::sigaction(SIGBUS, &action, nullptr) == 0;
  }();
  if (!installed) return;
  bus_guard.end = 0;
  bus_guard.message = "moat: " + path +
                      ": the file was cut short by another program while it was being read; nothing was "
                      "done with it\n";
  bus_guard.begin = reinterpret_cast<std::uintptr_t>(begin);
  bus_guard.end = reinterpret_cast<std::uintptr_t>(begin) + length;
}

void unguard(const char* begin) {
  if (bus_guard.begin.load() == reinterpret_cast<std::uintptr_t>(begin)) bus_guard.end = 0;
}

// `size` bytes of `fd` mapped, followed by zeros up to `reserved` (a page of them at least, never
// the file's: a file that grows does not show through): an anonymous mapping of zeros with the
// file mapped over its start. Its pages are read in at once (MAP_POPULATE), not one fault each.
const char* map_padded(int fd, std::size_t size, std::size_t reserved) {
  void* region = ::mmap(nullptr, reserved, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED) return nullptr;
  void* mapped = ::mmap(region, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0);
  if (mapped == MAP_FAILED) {
    ::munmap(region, reserved);
    return nullptr;
  }
  ::madvise(mapped, size, MADV_SEQUENTIAL);
  return static_cast<const char*>(mapped);
}

}  // namespace

Result<MappedFile> MappedFile::open(const std::string& path, std::size_t padding) {
  MOAT_CHECK(readable_file(path));
  MappedFile file;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat status {};
  if (fd >= 0 && ::fstat(fd, &status) == 0 && status.st_size > 0 &&
      static_cast<std::uintmax_t>(status.st_size) <= max_input_bytes()) {
    const auto size = static_cast<std::size_t>(status.st_size);
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t reserved = (size + padding + page - 1) / page * page;
    if (const char* mapped = map_padded(fd, size, reserved)) {
      file.mapped_ = mapped;
      file.size_ = size;
      file.reserved_ = reserved;
      file.padded_ = true;
      guard(path, mapped, reserved);
    }
  }
  if (fd >= 0) ::close(fd);
  if (file.mapped_) return file;
  MOAT_TRY(file.copy_, read_file(path));  // empty, too large, or not mappable: read_file says which
  file.copy_.reserve(file.copy_.size() + padding);
  file.padded_ = true;
  return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : mapped_(std::exchange(other.mapped_, nullptr)),
      size_(other.size_),
      reserved_(other.reserved_),
      padded_(other.padded_),
      copy_(std::move(other.copy_)) {}

MappedFile::~MappedFile() {
  if (!mapped_) return;
  unguard(mapped_);
  ::munmap(const_cast<char*>(mapped_), reserved_);
}

void add_xlsx_option(CLI::App& app, GlobalOptions& global) {
  app.add_option("--xlsx", global.xlsx, "also write the report to FILE as an Excel workbook (.xlsx)");
}

Status write_xlsx_report(const GlobalOptions& global, const std::string& name, const json& report,
                         const std::vector<std::string>& columns) {
  if (global.xlsx.empty()) return {};
  return app::write_report_workbook(global.xlsx, name, report, columns);
}

CLI::App* subcommand(CLI::App& parent, const char* name, const char* help, GlobalOptions& global) {
  CLI::App* sub = parent.add_subcommand(name, help);
  sub->add_option("-w,--workspace", global.workspace, "workspace folder");
  sub->add_flag("--json", global.json, "print as JSON");
  sub->add_option("--token", global.token, "act as the user of this API token (default: $MOAT_TOKEN)");
  return sub;
}

std::function<int()> first_parsed(std::shared_ptr<Runs> runs) {
  return [runs] {
    for (const auto& run : *runs) {
      const int code = run();
      if (code >= 0) return code;
    }
    return 1;
  };
}

Result<Date> parse_date(const std::string& text, const std::string& flag) {
  const std::optional<Date> date = Date::parse(text);
  if (!date) return input_error(flag, "'" + text + "' is not a date (YYYY-MM-DD)");
  return *date;
}

Result<std::optional<Date>> parse_optional_date(const std::string& text, const std::string& flag) {
  if (text.empty()) return std::optional<Date>();
  MOAT_TRY(const Date date, parse_date(text, flag));
  return std::optional<Date>(date);
}

std::string today_text(const app::Session& session) {
  return session.today().to_string();
}

Result<Date> as_of(const std::string& text, const app::Session& session) {
  return parse_date(text.empty() ? today_text(session) : text, "--as-of");
}

}  // namespace moat::cli
