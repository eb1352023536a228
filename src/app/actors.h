// SPDX-License-Identifier: Apache-2.0
// Who acts at the terminal, and how moat knows it. In a workspace without accounts (one person's)
// the actor is whoever $MOAT_ACTOR or the login names. Once it has accounts (moat user add), the
// actor is established, never just named: an API token (--token or $MOAT_TOKEN), else an account
// mapped to the login (moat user add --os-user), else the OS user who owns the workspace's files
// acts as its administrator (whoever holds its keys can do anything anyway, and the ledger says so).
// The roles then apply as they do in the API, from one table of capabilities shared with the
// route table, and every ledger event names how its actor was established.
#pragma once

#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/accounts.h"
#include "app/session.h"
#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

// What a command does, as far as who may do it is concerned.
enum class Capability {
  kRead,            // read all but the ledger's events: every role but supplier staff
  kReadLedger,      // read the ledger's events (moat audit log, audit export): admin, legal, oversight
  kEdit,            // change the product, suppliers, plans, files, qualification: admin, sourcing
  kRecordLegal,     // record agreements, purchase orders, IP rights, disclosures: admin, sourcing, legal
  kOnSite,          // record visits, assignments, findings, tooling events: admin, oversight
  kAnswerFindings,  // record a supplier's answer to a finding: admin, oversight, supplier
  kHandleFlags,     // acknowledge, resolve, reopen red flags: every staff role but viewers
  kWaive,           // waive a failing gate check: admin, legal
  kRelease,         // release design files: admin, sourcing
  kRevoke,          // revoke a release: admin, sourcing, legal
  kConfirmReturn,   // confirm a release's files returned: admin, sourcing, legal, oversight
  kTrace,           // trace a leaked file against the vault's masters: admin, sourcing, legal
  kAdminister,      // accounts, tokens, keys, the vault, migration, the server: admin
};
std::string_view capability_name(Capability capability);  // "waive", ...
std::vector<Role> roles_for(Capability capability);
bool role_may(Role role, Capability capability);

// What the terminal claims about who is there; the CLI reads it from its flags, the environment
// and the operating system.
struct TerminalClaim {
  std::string token;            // --token or $MOAT_TOKEN
  std::string named;            // $MOAT_ACTOR
  std::string login;            // the OS login name
  bool owns_workspace = false;  // the OS user owns the workspace's moat.toml
};

struct Actor {
  std::string name;
  // How it was established, as the ledger records it: "token 3f2a9c1b7d0e", "OS user emma",
  // "workspace owner"; empty in a workspace without accounts (named by $MOAT_ACTOR or the login).
  std::string via;
  std::optional<Role> role;           // nullopt: a workspace without accounts, where every command is allowed
  std::vector<std::string> warnings;  // "$MOAT_ACTOR is ignored: ..."
  std::string supplier = {};          // a supplier user's supplier: the objects it may act on
};

// The actor of `claim` in `workspace`. Errors (kInput): a token that is not valid; in a workspace
// with accounts, a terminal that is neither signed in nor the workspace's owner.
Result<Actor> establish_actor(Workspace& workspace, const TerminalClaim& claim);

// Whether `actor` may do `what` (a command, "moat waive"); kConflict naming the roles that may.
Status authorize(const Actor& actor, Capability capability, std::string_view what);

// The right a generic edit needs to change records of `table`. moat import, moat set and moat
// remove (and POST /api/records/{kind}/remove) write records of any kind, so for each kind they
// change they need the right of the command that writes it: visits, findings and assignments the
// on-site right, waivers the right to waive, agreements and IP rights the legal one, the rest the
// right to edit. Records that only their own command writes, because it checks what an edit would
// skip, need the administrator's: an assessment and its scores (approved by another person), a red
// flag (its decision, with who and why), a release and its copies (through the gate, each copy
// marked), the counterfeit watch's evidence: a hit's decision (who and why), a listing's captured
// images (when and by whom), a complaint (its dates in order) and its documents.
Capability edit_capability(std::string_view table);

// A field whose every change needs a right beyond its kind's, and why. A supplier's `trusted`
// makes it an own facility, which the planner leaves out of its collusion and exposure rules and
// the gate checks as the company's own (docs/gate.md): that one field moves the plan and the gate,
// so it is the administrator's to change, whoever may edit the rest of the supplier.
struct GuardedField {
  std::string_view table;
  std::string_view field;
  Capability capability;
  std::string_view why;
};
std::span<const GuardedField> guarded_fields();

// A change of a guarded field, at its place: "suppliers.csv:4:12", a JSON pointer, or the field.
struct FieldEdit {
  std::string table;
  std::string field;
  std::string where;
};

// Whether an actor of `role` may change records of each of `tables`, and each of the guarded
// `fields` (nullopt: a workspace without accounts, where everything is allowed). kConflict with
// one diagnostic per table or field refused, naming the roles that may, `what` saying what was
// tried: "waivers: importing waivers needs the right to waive gate checks (admin, legal): sam is
// sourcing".
Status authorize_edit(std::optional<Role> role, std::string_view actor, std::string_view what,
                      const std::set<std::string>& tables, const std::vector<FieldEdit>& fields = {});

}  // namespace moat::app
