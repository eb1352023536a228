// SPDX-License-Identifier: Apache-2.0
// Who may run which command: each command (and subcommand) names the capability it needs, from
// app/actors.h's one table of roles, so that a user's role means at the terminal what it means in
// the API. A command not listed only reads.
#pragma once

#include <string_view>

#include "app/actors.h"

namespace moat::cli {

// The capability `command` needs: "waive", "flags resolve", "release revoke", "release".
app::Capability capability_of(std::string_view command);

}  // namespace moat::cli
