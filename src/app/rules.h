// SPDX-License-Identifier: Apache-2.0
// The vetting rules a workspace works by: qualification criteria and bands, audit checklists
// and red-flag settings. Defaults are data compiled in from rules/*.toml; moat.toml overrides
// them ([qualification], [checklists.<id>], [flags.<rule>]). Errors name the file, line and
// column of a bad value.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "app/workspace.h"
#include "core/result.h"
#include "flags/rules.h"
#include "vet/checklist.h"
#include "vet/qualification.h"

namespace moat::app {

struct VettingRules {
  vet::QualificationRules qualification;
  std::map<std::string, vet::Checklist, std::less<>> checklists;
  flags::Settings flags;
};

// The defaults overridden by `moat_toml` (the text of a moat.toml, named `file` in errors).
Result<VettingRules> load_vetting_rules(std::string_view moat_toml, std::string_view file = "moat.toml");
// The rules of `workspace` (its moat.toml as read when it was opened).
Result<VettingRules> vetting_rules(const Workspace& workspace);

}  // namespace moat::app
