// SPDX-License-Identifier: Apache-2.0
// `moat serve`, `moat user` and `moat token`: the HTTP API (src/http) and the accounts that sign
// in to it (app/accounts.h). Passwords are read from standard input, never from the command line
// (which other users of the machine can see); a new token is printed once.
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "app/accounts.h"
#include "app/session.h"
#include "app/views.h"
#include "cli/common.h"
#include "cli/table.h"
#include "http/api.h"
#include "http/server.h"

namespace moat::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Connections kept open beyond the I/O threads: for sign-ins, which run on threads of their own.
constexpr int kSlowThreads = 2;

// One line from standard input, without echo when it is a terminal.
std::string read_password() {
  const bool terminal = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    std::cerr << "Password: " << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

fs::path in_workspace(const app::Workspace& workspace, const std::string& path) {
  return fs::path(path).is_absolute() ? fs::path(path) : workspace.dir() / path;
}

struct ServeFlags {
  std::string listen;
  int threads = 0;
  std::string static_dir;
  bool quiet = false;
  bool trust_proxy = false;
};

Result<http::ServerOptions> server_options(const app::Workspace& workspace, const ServeFlags& flags) {
  const app::ServeConfig& config = workspace.config().serve;
  http::ServerOptions options;
  MOAT_TRY(const auto address, http::parse_listen(flags.listen.empty() ? config.listen : flags.listen));
  options.host = address.first;
  options.port = address.second;
  options.threads = flags.threads > 0 ? flags.threads : config.threads;
  options.slow_threads = kSlowThreads;
  options.trust_proxy = flags.trust_proxy || config.trust_proxy;
  options.access_log = !flags.quiet;
  options.max_connections = static_cast<std::size_t>(config.max_connections);
  options.max_connections_per_address = static_cast<std::size_t>(config.max_connections_per_address);
  options.first_byte_timeout = std::chrono::seconds(config.first_byte_timeout);
  if (!config.certificate.empty()) {
    options.tls = http::TlsFiles{in_workspace(workspace, config.certificate),
                                 in_workspace(workspace, config.private_key)};
  }
  return options;
}

// The dashboard shipped with the binary, for `moat serve` with no --static and no [serve] static:
// installed beside it (PREFIX/share/moat/web for PREFIX/bin/moat) or, in a build tree, the folder
// `make web` writes (build/web for build/src/cli/moat). Empty when neither holds an index.html.
std::string bundled_dashboard() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return "";
  const fs::path bin = exe.parent_path();
  for (const fs::path& candidate :
       {bin.parent_path() / "share" / "moat" / "web", bin.parent_path().parent_path() / "web"}) {
    if (fs::is_regular_file(candidate / "index.html", error)) return candidate.string();
  }
  return "";
}

// The folder served under /: --static (from the current folder, as any path on the command line),
// else [serve] static (from the workspace), else the dashboard shipped with the binary (or none).
// A folder named that is not there is an error: serving nothing but 404s would hide the mistake.
Result<fs::path> dashboard_dir(const app::Workspace& workspace, const ServeFlags& flags) {
  const std::string& configured = workspace.config().serve.static_dir;
  if (flags.static_dir.empty() && configured.empty()) return fs::path(bundled_dashboard());
  const fs::path dir =
      flags.static_dir.empty() ? in_workspace(workspace, configured) : fs::absolute(flags.static_dir);
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return input_error(flags.static_dir.empty() ? (workspace.dir() / "moat.toml").string() + ": serve.static"
                                                : std::string("--static"),
                       "no folder '" + dir.string() + "' to serve");
  }
  return dir;
}

int serve(const GlobalOptions& global, const ServeFlags& flags) {
  auto workspace = open_workspace(global);
  if (!workspace.ok()) return fail(workspace.error());
  auto options = server_options(**workspace, flags);
  if (!options.ok()) return fail(options.error());
  http::ApiOptions api_options;
  api_options.connections = static_cast<std::size_t>(options->threads + options->slow_threads);
  api_options.requests_per_minute = (*workspace)->config().serve.requests_per_minute;
  auto static_dir = dashboard_dir(**workspace, flags);
  if (!static_dir.ok()) return fail(static_dir.error());
  api_options.static_dir = *static_dir;
  api_options.log_fault = [](const std::string& message) {
    std::cerr << "moat serve: error: " << message << "\n";
  };
  const fs::path dir = (*workspace)->dir();
  workspace->reset();
  auto api = http::Api::open(dir, api_options);
  if (!api.ok()) return fail(api.error());
  const std::string scheme = options->tls ? "https" : "http";
  const std::string host =
      options->host.find(':') != std::string::npos ? "[" + options->host + "]" : options->host;
  options->on_listening = [&](std::uint16_t port) {
    std::cout << "moat serve: listening on " << scheme << "://" << host << ":" << port << "/ ("
              << options->threads << " threads; Ctrl-C stops)" << std::endl;
    std::cout << "moat serve: "
              << (api_options.static_dir.empty()
                      ? std::string("no dashboard found (the API only; --static DIR serves one)")
                      : "the dashboard from " + api_options.static_dir.string())
              << std::endl;
  };
  if (Status served = http::serve(**api, *options); !served.ok()) return fail(served.error());
  std::cout << "moat serve: stopped" << std::endl;
  return 0;
}

std::function<int()> define_serve(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<ServeFlags>();
  app.add_option("--listen", flags->listen,
                 "HOST:PORT to listen on (default: moat.toml [serve] listen, else 127.0.0.1:8080)");
  app.add_option("--threads", flags->threads,
                 "I/O threads, 1 to 64 (default: moat.toml [serve] threads, else 2)")
      ->check(CLI::Range(1, 64));
  app.add_option("--static", flags->static_dir,
                 "a folder to serve under / (default: the dashboard installed with moat, when there is one)");
  app.add_flag("--quiet", flags->quiet, "no log line per request");
  app.add_flag(
      "--trust-proxy", flags->trust_proxy,
      "behind a reverse proxy on this machine: take the client from X-Forwarded-For and X-Forwarded-Proto");
  return [flags, &global] { return serve(global, *flags); };
}

std::function<int()> define_user(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  CLI::App* add = app.add_subcommand("add", "add a user; the password is read from standard input");
  add->add_option("--token", global.token, "act as the user of this API token (default: $MOAT_TOKEN)");
  add->add_option("-w,--workspace", global.workspace, "workspace folder");
  auto user = std::make_shared<app::NewUser>();
  auto role = std::make_shared<std::string>();
  add->add_option("NAME", user->name, "the name to sign in with")->required();
  add->add_option("--role", *role, "admin, sourcing, legal, oversight, viewer or supplier")->required();
  add->add_option("--supplier", user->supplier, "for a supplier user: its supplier's id");
  add->add_option("--person", user->person,
                  "for a supplier user: who they are at the supplier (their copies)");
  add->add_option("--os-user", user->os_user, "the login name that acts as this user at the terminal");
  add->add_option("--display-name", user->display_name,
                  "the person's name as people write it (王小明), shown beside NAME");
  CLI::App* list = app.add_subcommand("list", "list the users and their roles");
  list->add_option("--token", global.token, "act as the user of this API token (default: $MOAT_TOKEN)");
  list->add_option("-w,--workspace", global.workspace, "workspace folder");
  list->add_flag("--json", global.json, "print as JSON");
  auto every = std::make_shared<bool>(false);
  list->add_flag("--all", *every, "the disabled users too (their names stay taken), marked as such");
  CLI::App* disable = app.add_subcommand(
      "disable", "disable a user: no more sign-ins, its sessions end and its tokens stop working");
  disable->add_option("--token", global.token, "act as the user of this API token (default: $MOAT_TOKEN)");
  disable->add_option("-w,--workspace", global.workspace, "workspace folder");
  auto disabled = std::make_shared<std::string>();
  disable->add_option("NAME", *disabled, "the user to disable")->required();
  CLI::App* enable = app.add_subcommand(
      "enable",
      "enable a disabled user again: it signs in with its password; its old API tokens stay revoked");
  enable->add_option("--token", global.token, "act as the user of this API token (default: $MOAT_TOKEN)");
  enable->add_option("-w,--workspace", global.workspace, "workspace folder");
  auto enabled = std::make_shared<std::string>();
  enable->add_option("NAME", *enabled, "the user to enable")->required();
  CLI::App* set = app.add_subcommand("set", "change a user's display name (the account and its name stay)");
  set->add_option("--token", global.token, "act as the user of this API token (default: $MOAT_TOKEN)");
  set->add_option("-w,--workspace", global.workspace, "workspace folder");
  auto changed = std::make_shared<std::pair<std::string, std::string>>();
  set->add_option("NAME", changed->first, "the user")->required();
  set->add_option("--display-name", changed->second,
                  "the person's name as people write it (王小明); \"\" for none")
      ->required();
  return [add, user, role, every, disable, disabled, enable, enabled, set, changed, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      if (set->parsed()) {
        const auto done =
            app::set_display_name(workspace, app::terminal_session(), changed->first, changed->second);
        if (!done.ok()) return fail(done.error());
        const std::string name =
            changed->second.empty() ? "no display name" : "the display name " + changed->second;
        std::cout << "User " << changed->first << (*done ? " now has " : " already has ") << name
                  << (*done ? "" : ": nothing changed") << "\n";
        return 0;
      }
      if (enable->parsed()) {
        const Status done = app::enable_user(workspace, app::terminal_session(), *enabled);
        if (!done.ok()) return fail(done.error());
        std::cout << "Enabled user " << *enabled
                  << ": it signs in with its password; tokens made before stay revoked (moat token create "
                  << *enabled << " for a new one)\n";
        return 0;
      }
      if (disable->parsed()) {
        const Status done = app::disable_user(workspace, app::terminal_session(), *disabled);
        if (!done.ok()) return fail(done.error());
        std::cout << "Disabled user " << *disabled << ": its sessions ended and its tokens no longer work\n";
        return 0;
      }
      if (!add->parsed()) {
        auto users = app::list_users(workspace, *every);
        if (!users.ok()) return fail(users.error());
        json out = json::array();
        std::vector<std::string> headers{"name", "display name", "role", "supplier", "person", "os user"};
        if (*every) headers.push_back("state");
        TextTable table(headers);
        for (const app::User& u : *users) {
          json row = app::user_json(u);  // as GET /api/me gives it, with the OS user (and state) beside
          row["os_user"] = u.os_user.empty() ? json() : json(u.os_user);
          row["disabled"] = u.disabled;  // false for every user but with --all
          out.push_back(std::move(row));
          std::vector<std::string> cells{u.name,     u.display_name, std::string(app::role_name(u.role)),
                                         u.supplier, u.person,       u.os_user};
          if (*every) cells.push_back(u.disabled ? "disabled" : "active");
          table.add(std::move(cells));
        }
        if (global.json) {
          std::cout << out.dump(2) << "\n";
        } else {
          table.print(std::cout);
        }
        return 0;
      }
      const auto parsed = app::parse_role(*role);
      if (!parsed)
        return fail(input_error(
            "--role", "unknown role '" + *role + "': admin, sourcing, legal, oversight, viewer or supplier"));
      user->role = *parsed;
      if (!user->os_user.empty() && user->os_user == app::login_name() && user->role != app::Role::kAdmin) {
        // From now on this login would act as that user: with no administrator account to sign
        // in as, nobody could administer the workspace's accounts again.
        auto users = app::list_users(workspace);
        if (!users.ok()) return fail(users.error());
        const bool admin = std::any_of(users->begin(), users->end(),
                                       [](const app::User& u) { return u.role == app::Role::kAdmin; });
        if (!admin) {
          return fail(
              input_error("--os-user",
                          "'" + user->os_user + "' is your own login: mapped to a " + *role +
                              ", it could no longer administer this workspace, and no administrator "
                              "account exists to sign in as; add one first (moat user add NAME --role admin, "
                              "then moat token create NAME)"));
        }
      }
      user->password = read_password();
      auto added = app::add_user(workspace, app::terminal_session(), *user);
      if (!added.ok()) return fail(added.error());
      std::cout << "Added user " << added->name << " ("
                << (added->display_name.empty() ? "" : added->display_name + ", ")
                << app::role_name(added->role)
                << (added->supplier.empty() ? "" : ", supplier " + added->supplier) << ")\n";
      return 0;
    });
  };
}

std::function<int()> define_token(CLI::App& app, GlobalOptions& global) {
  app.require_subcommand(1);
  CLI::App* create = app.add_subcommand("create", "create an API token for a user and print it once");
  create->add_option("--token", global.token, "act as the user of this API token (default: $MOAT_TOKEN)");
  create->add_option("-w,--workspace", global.workspace, "workspace folder");
  auto name = std::make_shared<std::string>();
  auto label = std::make_shared<std::string>();
  create->add_option("NAME", *name, "the user the token acts as")->required();
  create->add_option("--label", *label, "what the token is for");
  CLI::App* revoke = app.add_subcommand("revoke", "revoke a token by its id");
  revoke->add_option("--token", global.token, "act as the user of this API token (default: $MOAT_TOKEN)");
  revoke->add_option("-w,--workspace", global.workspace, "workspace folder");
  auto id = std::make_shared<std::string>();
  revoke->add_option("ID", *id, "the token's id, as 'token create' printed it")->required();
  return [create, name, label, id, &global] {
    return with_workspace(global, [&](app::Workspace& workspace) {
      if (!create->parsed()) {
        if (Status revoked = app::revoke_token(workspace, app::terminal_session(), *id); !revoked.ok()) {
          return fail(revoked.error());
        }
        std::cout << "Revoked token " << *id << "\n";
        return 0;
      }
      auto token = app::create_token(workspace, app::terminal_session(), *name, *label);
      if (!token.ok()) return fail(token.error());
      std::cout << token->token << "\n";
      std::cerr << "Token " << token->id << " for " << *name
                << ": shown once, stored only as a hash; send it as 'Authorization: Bearer TOKEN'.\n";
      return 0;
    });
  };
}

const Command kServeCommands[] = {
    {"serve", "serve the HTTP API (and the dashboard) with accounts, roles and TLS", define_serve},
    {"user", "add, list, rename for display or disable the users who sign in to moat serve", define_user},
    {"token", "create or revoke API tokens for moat serve", define_token},
};

}  // namespace

std::span<const Command> serve_commands() {
  return kServeCommands;
}

}  // namespace moat::cli
