// SPDX-License-Identifier: Apache-2.0
#include "cli/commands.h"

#include "cli/core_commands.h"

namespace moat::cli {
namespace {

const Command kCoreCommands[] = {
    {"init", "create a workspace: moat.toml, the database, the vault and the keys", define_init},
    {"demo", "create a workspace holding the Aurora demo product and show its summary", define_demo},
    {"status", "summarize the workspace: products, suppliers, parties, ledger", define_status},
    {"import", "import CSV files or a workspace JSON document, all or nothing", define_import},
    {"export", "write the whole workspace as one JSON document", define_export},
    {"remove", "remove records (refused while others refer to them, unless --cascade)", define_remove},
    {"list", "list the records of one kind", define_list},
    {"show", "show one record with its version", define_show},
    {"set", "change fields of one record (optimistically: --if-version)", define_set},
    {"parties", "list parties: suppliers grouped by affiliation", define_parties},
    {"plan", "choose suppliers so that no party, or coalition of K, can copy the product", define_plan},
    {"exposure", "what each party of a saved plan holds: a heatmap of parties x secrets", define_exposure},
    {"audit", "verify the ledger, list its events, sign checkpoints, prove events, export evidence",
     define_audit},
    {"migrate", "copy the workspace into an empty PostgreSQL database and switch to it", define_migrate},
    {"uscc", "check unified social credit codes", define_uscc},
};

}  // namespace

std::span<const Command> core_commands() {
  return kCoreCommands;
}

std::vector<Command> commands() {
  std::vector<Command> all;
  for (const auto table : {core_commands(), vetting_commands(), legal_commands(), release_commands(),
                           serve_commands(), vault_commands(), trace_commands(), watch_commands()})
    all.insert(all.end(), table.begin(), table.end());
  return all;
}

}  // namespace moat::cli
