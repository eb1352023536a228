// SPDX-License-Identifier: Apache-2.0
#include "app/actors.h"

#include <algorithm>

#include "core/text.h"

namespace moat::app {
namespace {

struct Grant {
  Capability capability;
  std::string_view name;
  std::vector<Role> roles;
};

// The one table of who may do what; http/routes.cc's role sets say the same (routes_test checks).
const std::vector<Grant>& grants() {
  using enum Role;
  static const std::vector<Grant> table = {
      {Capability::kRead, "read", {kAdmin, kSourcing, kLegal, kOversight, kViewer}},
      // The ledger names every actor, every read by a supplier's user and every refusal: those who
      // audit read it, not everyone who reads the product.
      {Capability::kReadLedger, "read the ledger's events", {kAdmin, kLegal, kOversight}},
      {Capability::kEdit, "edit", {kAdmin, kSourcing}},
      {Capability::kRecordLegal, "record agreements and rights", {kAdmin, kSourcing, kLegal}},
      {Capability::kOnSite, "record what is seen on site", {kAdmin, kOversight}},
      {Capability::kAnswerFindings, "answer findings", {kAdmin, kOversight, kSupplier}},
      {Capability::kHandleFlags, "act on red flags", {kAdmin, kSourcing, kLegal, kOversight}},
      {Capability::kWaive, "waive gate checks", {kAdmin, kLegal}},
      {Capability::kRelease, "release design files", {kAdmin, kSourcing}},
      {Capability::kRevoke, "revoke releases", {kAdmin, kSourcing, kLegal}},
      {Capability::kConfirmReturn, "confirm files returned", {kAdmin, kSourcing, kLegal, kOversight}},
      // A trace reads every master, and its verdict tells whether a copy still carries its mark:
      // those accountable for the masters and for pursuing a leak, never a supplier's user.
      {Capability::kTrace, "trace files against the vault's masters", {kAdmin, kSourcing, kLegal}},
      {Capability::kAdminister, "administer the workspace", {kAdmin}},
  };
  return table;
}

const Grant& grant(Capability capability) {
  const auto& table = grants();
  return *std::find_if(table.begin(), table.end(),
                       [&](const Grant& g) { return g.capability == capability; });
}

std::string role_list(const std::vector<Role>& roles) {
  std::vector<std::string> names;
  for (const Role role : roles) names.emplace_back(role_name(role));
  return join(names, ", ");
}

Result<Actor> by_token(Workspace& workspace, const std::string& token) {
  MOAT_TRY(const std::optional<User> user, user_for_token(workspace, token));
  if (!user) {
    return input_error("--token",
                       "the token is not valid in this workspace (unknown, revoked, or its user disabled)");
  }
  return Actor{user->name, "token " + secret_digest(token).substr(0, 12), user->role, {}, user->supplier};
}

}  // namespace

std::string_view capability_name(Capability capability) {
  return grant(capability).name;
}

std::vector<Role> roles_for(Capability capability) {
  return grant(capability).roles;
}

bool role_may(Role role, Capability capability) {
  const std::vector<Role>& roles = grant(capability).roles;
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Result<Actor> establish_actor(Workspace& workspace, const TerminalClaim& claim) {
  MOAT_TRY(const std::vector<User> users, list_users(workspace));
  if (users.empty()) {
    if (!claim.token.empty())
      return input_error("--token", "this workspace has no accounts: a token means nothing here");
    return Actor{claim.named.empty() ? claim.login : claim.named, "", std::nullopt, {}};
  }
  std::vector<std::string> warnings;
  if (!claim.named.empty()) {
    warnings.push_back(
        "$MOAT_ACTOR is ignored: this workspace has accounts, so moat acts as the account you sign in "
        "as (--token or $MOAT_TOKEN)");
  }
  const auto with_warnings = [&](Actor actor) {
    actor.warnings = warnings;
    return actor;
  };
  if (!claim.token.empty()) {
    MOAT_TRY(Actor actor, by_token(workspace, claim.token));
    return with_warnings(std::move(actor));
  }
  MOAT_TRY(const std::optional<User> mapped, user_for_os_user(workspace, claim.login));
  if (mapped)
    return with_warnings(Actor{mapped->name, "OS user " + claim.login, mapped->role, {}, mapped->supplier});
  if (claim.owns_workspace)
    return with_warnings(Actor{claim.login, std::string(kWorkspaceOwner), Role::kAdmin, {}});
  return input_error("--token",
                     "this workspace has accounts: sign in with --token or $MOAT_TOKEN (moat token create "
                     "NAME), or have an administrator map your login '" +
                         claim.login + "' to your account (moat user add NAME --os-user " + claim.login +
                         ")");
}

Status authorize(const Actor& actor, Capability capability, std::string_view what) {
  if (!actor.role || role_may(*actor.role, capability)) return {};
  return Error(ErrorCode::kConflict, "",
               std::string(what) + " needs the right to " + std::string(capability_name(capability)) + " (" +
                   role_list(roles_for(capability)) + "): " + actor.name + " is " +
                   std::string(role_name(*actor.role)));
}

Capability edit_capability(std::string_view table) {
  static const std::pair<std::string_view, Capability> kTables[] = {
      {"assignments", Capability::kOnSite},
      {"visits", Capability::kOnSite},
      {"audit_items", Capability::kOnSite},
      {"findings", Capability::kOnSite},
      {"tool_events", Capability::kOnSite},
      {"waivers", Capability::kWaive},
      {"agreements", Capability::kRecordLegal},
      {"orders", Capability::kRecordLegal},
      {"ip_rights", Capability::kRecordLegal},
      {"ip_events", Capability::kRecordLegal},
      {"disclosures", Capability::kRecordLegal},
      {"listings", Capability::kRecordLegal},
      {"watch_references", Capability::kRecordLegal},
      {"listing_images", Capability::kAdminister},
      {"hits", Capability::kAdminister},
      {"complaints", Capability::kAdminister},
      {"watch_documents", Capability::kAdminister},
      {"assessments", Capability::kAdminister},
      {"scores", Capability::kAdminister},
      {"flags", Capability::kAdminister},
      {"releases", Capability::kAdminister},
      {"copies", Capability::kAdminister},
  };
  for (const auto& [name, capability] : kTables) {
    if (name == table) return capability;
  }
  return Capability::kEdit;
}

std::span<const GuardedField> guarded_fields() {
  static constexpr GuardedField kFields[] = {
      {"suppliers", "trusted", Capability::kAdminister,
       "a trusted supplier is an own facility, left out of the planner's collusion and exposure rules and "
       "gated as the company's own"},
  };
  return kFields;
}

Status authorize_edit(std::optional<Role> role, std::string_view actor, std::string_view what,
                      const std::set<std::string>& tables, const std::vector<FieldEdit>& fields) {
  if (!role) return {};
  const auto needs = [&](Capability capability) {
    return " needs the right to " + std::string(capability_name(capability)) + " (" +
           role_list(roles_for(capability)) + "): " + std::string(actor) + " is " +
           std::string(role_name(*role));
  };
  std::vector<Diagnostic> refused;
  for (const std::string& table : tables) {
    const Capability capability = edit_capability(table);
    if (role_may(*role, capability)) continue;
    refused.push_back({table, std::string(what) + " " + table + needs(capability)});
  }
  for (const FieldEdit& edit : fields) {
    for (const GuardedField& guarded : guarded_fields()) {
      if (guarded.table != edit.table || guarded.field != edit.field || role_may(*role, guarded.capability))
        continue;
      refused.push_back({edit.where, std::string(what) + " the field " + edit.field + " of " + edit.table +
                                         needs(guarded.capability) + " (" + std::string(guarded.why) + ")"});
    }
  }
  if (refused.empty()) return {};
  return Error(ErrorCode::kConflict, std::move(refused));
}

}  // namespace moat::app
