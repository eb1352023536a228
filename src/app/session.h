// SPDX-License-Identifier: Apache-2.0
// Session: who is acting and what time it is, passed into every use case so that nothing
// below reads the clock or the environment itself (tests pass a fixed clock).
#pragma once

#include <functional>
#include <string>

#include "core/date.h"
#include "store/store.h"

namespace moat::app {

struct Session {
  std::string actor;
  std::function<std::string()> now;  // ISO 8601 UTC with milliseconds
  // How the actor was established where that is not self-evident ("token 3f2a9c1b7d0e", "OS user
  // emma", "workspace owner"); the ledger records it beside the name: "emma (OS user emma)".
  std::string via = {};
  // A supplier user's supplier (empty for everyone else): use cases that act on one supplier's
  // objects (answering a finding) refuse any other's, whichever interface calls them.
  std::string supplier = {};

  store::Author author() const { return {via.empty() ? actor : actor + " (" + via + ")", now()}; }
  // Today (UTC) by the session's clock. A clock that does not give ISO 8601 times is moat's own
  // fault: it throws std::logic_error (exit code 2, HTTP 500) rather than guess a day.
  Date today() const;
};

// How the OS user who owns a workspace's files acts in it once it has accounts (app/actors.h):
// as its administrator.
inline constexpr std::string_view kWorkspaceOwner = "workspace owner";

// The person at the terminal, with the system clock: the actor act_as() established, else
// $MOAT_ACTOR, else the login name.
Session terminal_session();

// The login name of the process's user (or "uid:N" when it has none).
std::string login_name();

// From now on terminal_session() acts as `actor`, established `via` (app/actors.h), bound to
// `supplier` when a supplier user: what the CLI calls once it has signed in.
void act_as(std::string actor, std::string via, std::string supplier = {});

// ISO 8601 UTC with milliseconds for a time in milliseconds since the epoch (core/date.h).
using moat::iso8601_utc;

}  // namespace moat::app
