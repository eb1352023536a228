// SPDX-License-Identifier: Apache-2.0
#include "cli/authorization.h"

#include <utility>

namespace moat::cli {
namespace {

using app::Capability;

// The most specific name wins: "release revoke" before "release".
constexpr std::pair<std::string_view, Capability> kCommands[] = {
    {"import", Capability::kEdit},
    {"remove", Capability::kEdit},
    {"set", Capability::kEdit},
    {"plan approve", Capability::kEdit},
    {"plan --save", Capability::kEdit},  // saving a draft writes it (POST /api/products/{id}/plans)
    {"supplier assess", Capability::kEdit},
    {"supplier approve", Capability::kEdit},
    {"supplier certificate", Capability::kEdit},
    {"document add", Capability::kEdit},
    {"file add", Capability::kEdit},
    {"tooling add", Capability::kEdit},
    {"agreement add", Capability::kRecordLegal},
    {"po add", Capability::kRecordLegal},
    {"po terms", Capability::kRecordLegal},
    {"ip add", Capability::kRecordLegal},
    {"ip event", Capability::kRecordLegal},
    {"ip disclose", Capability::kRecordLegal},
    {"assign", Capability::kOnSite},
    {"visit add", Capability::kOnSite},
    {"finding add", Capability::kOnSite},
    {"finding close", Capability::kOnSite},
    {"tooling event", Capability::kOnSite},
    {"finding answer", Capability::kAnswerFindings},
    {"flags ack", Capability::kHandleFlags},
    {"flags resolve", Capability::kHandleFlags},
    {"flags reopen", Capability::kHandleFlags},
    {"waive", Capability::kWaive},
    {"release revoke", Capability::kRevoke},
    {"release returned", Capability::kConfirmReturn},
    {"release list", Capability::kRead},
    {"release show", Capability::kRead},
    {"release", Capability::kRelease},
    {"trace", Capability::kTrace},
    {"file get", Capability::kAdminister},
    {"user add", Capability::kAdminister},
    {"user list", Capability::kAdminister},
    {"user disable", Capability::kAdminister},
    {"user enable", Capability::kAdminister},
    {"user set", Capability::kAdminister},
    {"token", Capability::kAdminister},
    {"serve", Capability::kAdminister},
    {"migrate", Capability::kAdminister},
    {"vault rotate-key", Capability::kAdminister},
    {"audit log", Capability::kReadLedger},
    {"audit export", Capability::kReadLedger},
    {"audit checkpoint", Capability::kAdminister},
    {"audit cosign", Capability::kAdminister},
    {"watch import", Capability::kRecordLegal},
    {"watch reference add", Capability::kRecordLegal},
    {"watch reference remove", Capability::kRecordLegal},
    {"watch match", Capability::kRecordLegal},
    {"watch confirm", Capability::kRecordLegal},
    {"watch dismiss", Capability::kRecordLegal},
    {"watch document add", Capability::kRecordLegal},
    {"watch package", Capability::kRecordLegal},
    {"watch complaint set", Capability::kRecordLegal},
};

}  // namespace

Capability capability_of(std::string_view command) {
  // Exact names first, then the command's parents ("flags show" reads as "flags" does).
  for (std::string_view name = command;;) {
    for (const auto& [listed, capability] : kCommands) {
      if (listed == name) return capability;
    }
    const std::size_t space = name.rfind(' ');
    if (space == std::string_view::npos) return Capability::kRead;
    name = name.substr(0, space);
  }
}

}  // namespace moat::cli
