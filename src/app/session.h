// SPDX-License-Identifier: Apache-2.0
// Session: who is acting and what time it is, passed into every use case so that nothing
// below reads the clock or the environment itself (tests pass a fixed clock).
#pragma once

#include <functional>
#include <string>

#include "store/store.h"

namespace moat::app {

struct Session {
  std::string actor;
  std::function<std::string()> now;  // ISO 8601 UTC with milliseconds

  store::Author author() const { return {actor, now()}; }
};

// The person at the terminal: $MOAT_ACTOR, else the login name; the system clock.
Session terminal_session();

// ISO 8601 UTC with milliseconds for a time in milliseconds since the epoch.
std::string iso8601_utc(long long milliseconds_since_epoch);

}  // namespace moat::app
