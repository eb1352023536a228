// SPDX-License-Identifier: Apache-2.0
// The red-flag rules of one theme: releases of design files.
#include "flags/rule_functions.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/text.h"
#include "plan/exposure.h"
#include "plan/problem.h"

namespace moat::flags::detail {

// ---- Releases --------------------------------------------------------------------------------

std::vector<Raised> release_not_returned(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ReleaseFacts& r : facts.releases) {
    if (r.returned) continue;
    const bool revoked = r.revoked && *r.revoked <= facts.today;
    const bool expired = r.expires && *r.expires < facts.today;
    if (!revoked && !expired) continue;
    const std::string ended = revoked
                                  ? "was revoked on " + r.revoked->to_string() + " (" + r.revoke_reason + ")"
                                  : "expired on " + r.expires->to_string();
    raised.push_back(
        flag(setting, "release/" + r.id, r.id,
             "Release " + r.id + " to " + supplier_label(facts, r.supplier) + " " + ended +
                 ", and nobody has confirmed that its files were returned or destroyed.",
             {{"release", r.id},
              {"supplier", supplier_label(facts, r.supplier)},
              {"recipients", listing(r.recipients)},
              {revoked ? "revoked on" : "expired on", (revoked ? *r.revoked : *r.expires).to_string()},
              {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

}  // namespace moat::flags::detail
