// SPDX-License-Identifier: Apache-2.0
#include "app/vocabulary.h"

#include <string_view>

#include "gate/gate.h"

namespace moat::app {
namespace {

std::string_view applies_name(gate::Applies applies) {
  switch (applies) {
    case gate::Applies::kRelease:
      return "release";
    case gate::Applies::kLaunch:
      return "launch";
    case gate::Applies::kBoth:
      break;
  }
  return "both";
}

}  // namespace

nlohmann::json gate_checks_json() {
  nlohmann::json checks = nlohmann::json::array();
  for (const gate::CheckInfo& check : gate::check_table()) {
    checks.push_back({{"id", check.id},
                      {"title", check.title},
                      {"applies", applies_name(check.applies)},
                      {"level", check.level == gate::Level::kProduct ? "product" : "supplier"},
                      {"description", check.description}});
  }
  return checks;
}

}  // namespace moat::app
