// SPDX-License-Identifier: Apache-2.0
#include "core/catalog.h"

#include <algorithm>
#include <array>

namespace moat {
namespace {

constexpr std::array<std::string_view, 22> kCapabilities = {
    "injection-molding",    "silicone-molding", "die-casting",        "sheet-metal", "cnc-machining",
    "surface-finishing",    "mesh-fabric",      "pcb-fabrication",    "pcba-smt",    "pcba-tht",
    "firmware-programming", "cable-harness",    "battery-pack",       "magnetics",   "speaker-driver",
    "acoustic-assembly",    "optics",           "printing-packaging", "labeling",    "component-supply",
    "final-assembly",       "testing"};
constexpr std::array<std::string_view, 5> kStatuses = {"pending", "qualified", "conditional", "rejected",
                                                       "expired"};
constexpr std::array<std::string_view, 5> kStrategies = {"patent", "design", "trademark", "copyright",
                                                         "trade-secret"};
constexpr std::array<std::string_view, 4> kAffiliationKinds = {"common-parent", "owner",
                                                               "legal-representative", "address"};

}  // namespace

std::span<const std::string_view> builtin_capabilities() {
  return kCapabilities;
}
std::span<const std::string_view> supplier_statuses() {
  return kStatuses;
}
std::span<const std::string_view> protection_strategies() {
  return kStrategies;
}
std::span<const std::string_view> affiliation_kinds() {
  return kAffiliationKinds;
}

CapabilityCatalog::CapabilityCatalog(std::vector<std::string> extra)
    : all_(kCapabilities.begin(), kCapabilities.end()) {
  for (std::string& capability : extra) {
    if (!contains(capability)) all_.push_back(std::move(capability));
  }
}

bool CapabilityCatalog::contains(std::string_view capability) const {
  return std::find(all_.begin(), all_.end(), capability) != all_.end();
}

}  // namespace moat
