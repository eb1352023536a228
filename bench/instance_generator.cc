// SPDX-License-Identifier: Apache-2.0
#include "bench/instance_generator.h"

#include <algorithm>
#include <array>
#include <random>

namespace moat::bench {
namespace {

constexpr std::array<InstanceSize, 4> kSizes = {{
    {"S", 50, 20, 5}, {"M", 500, 100, 50}, {"L", 2000, 500, 200}, {"XL", 20000, 2000, 1000}}};
constexpr int kModuleSize = 10;       // packages per product module
constexpr int kSecretsPerModule = 6;  // secrets each module's packages draw from
constexpr int kMaxCapabilities = 12;  // in families of 3
constexpr int kRegions = 5;
constexpr int kQuotesPerPackage = 8;  // RFQs sent per package

std::string name(char prefix, int i) { return std::string(1, prefix) + std::to_string(i); }

}  // namespace

const InstanceSize* find_size(const std::string& wanted) {
  for (const InstanceSize& size : kSizes) {
    if (wanted == size.name) return &size;
  }
  return nullptr;
}

plan::Instance generate_instance(const InstanceSize& size, std::uint64_t seed, int collusion) {
  std::mt19937_64 rng(seed);
  const auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  plan::Instance instance;
  instance.policy = {collusion, 0.35, false};
  // Fewer capabilities for few suppliers, so that each has several able suppliers.
  const int kCapabilities = std::clamp(size.suppliers / 4 / 3 * 3, 3, kMaxCapabilities);
  const int families = kCapabilities / 3;

  const int modules = std::max(1, size.packages / kModuleSize);
  const int secrets = modules * kSecretsPerModule;
  for (int s = 0; s < secrets; ++s) instance.secrets.push_back({name('S', s), static_cast<double>(uniform(1, 10))});
  const auto module_secret = [&](int m) { return name('S', m * kSecretsPerModule + uniform(0, kSecretsPerModule - 1)); };
  for (int m = 0; m < modules; ++m) {  // a rule per module: two of its secrets give a third
    const int base = m * kSecretsPerModule;
    instance.derives.push_back({{name('S', base), name('S', base + 1)}, name('S', base + 2)});
  }
  for (int r = 0; r < size.recipes; ++r) {  // from one module, sometimes reaching into the next
    const int m = r % modules;
    plan::Recipe recipe{name('R', r), {}};
    const auto count = static_cast<std::size_t>(uniform(4, 5));
    while (recipe.secrets.size() < count) {
      const std::string secret = chance(0.15) ? module_secret((m + 1) % modules) : module_secret(m);
      if (std::find(recipe.secrets.begin(), recipe.secrets.end(), secret) == recipe.secrets.end()) recipe.secrets.push_back(secret);
    }
    instance.recipes.push_back(std::move(recipe));
  }
  std::vector<double> demand(static_cast<std::size_t>(kCapabilities), 0);
  for (int p = 0; p < size.packages; ++p) {
    const int m = std::min(modules - 1, p / kModuleSize);
    plan::Package package{name('P', p), name('C', uniform(0, kCapabilities - 1)), {module_secret(m)},
                          static_cast<double>(uniform(1, 50) * 1000), chance(0.1) ? 2 : 1};
    if (chance(0.4)) {  // a second secret, never the other input of the module's rule
      const std::string second = name('S', m * kSecretsPerModule + uniform(2, kSecretsPerModule - 1));
      if (second != package.exposes.front()) package.exposes.push_back(second);
    }
    demand[static_cast<std::size_t>(std::stoi(package.capability.substr(1)))] += package.volume;
    instance.packages.push_back(std::move(package));
  }
  // Suppliers: F0 is the owner's own facility, able to do everything, and dearer.
  std::vector<std::vector<int>> capable(static_cast<std::size_t>(kCapabilities));
  std::vector<double> region_cost;
  for (int r = 0; r < kRegions; ++r) region_cost.push_back(0.85 + 0.1 * r);
  double total_demand = 0;
  for (double d : demand) total_demand += d;
  for (int s = 0; s < size.suppliers; ++s) {
    plan::Supplier supplier{name('F', s), name('G', s), {}, 0, "qualified", false, std::nullopt};
    if (s == 0) {
      for (int c = 0; c < kCapabilities; ++c) supplier.capabilities.push_back(name('C', c));
      supplier.trusted = true;
      supplier.capacity = total_demand * 0.6;
    } else {
      const int family = uniform(0, families - 1);
      for (int c = 0; c < 3; ++c) {
        if (c == 0 || chance(0.5)) supplier.capabilities.push_back(name('C', family * 3 + (c + uniform(0, 2)) % 3));
      }
      std::sort(supplier.capabilities.begin(), supplier.capabilities.end());
      supplier.capabilities.erase(std::unique(supplier.capabilities.begin(), supplier.capabilities.end()), supplier.capabilities.end());
      const double roll = std::uniform_real_distribution<double>(0, 1)(rng);
      supplier.status = roll < 0.85 ? "qualified" : roll < 0.92 ? "conditional" : roll < 0.97 ? "pending" : "rejected";
      if (supplier.status == "conditional") supplier.max_exposure_share = 0.2;
    }
    for (const std::string& c : supplier.capabilities) capable[static_cast<std::size_t>(std::stoi(c.substr(1)))].push_back(s);
    instance.suppliers.push_back(std::move(supplier));
  }
  // Capacity: each capability's suppliers can make about 4 times its demand between them.
  for (int s = 1; s < size.suppliers; ++s) {
    double share = 0;
    for (const std::string& c : instance.suppliers[static_cast<std::size_t>(s)].capabilities) {
      const auto index = static_cast<std::size_t>(std::stoi(c.substr(1)));
      share += 4.0 * demand[index] / static_cast<double>(std::max<std::size_t>(1, capable[index].size() - 1));
    }
    instance.suppliers[static_cast<std::size_t>(s)].capacity = std::max(1000.0, std::round(share / 1000) * 1000);
  }
  // Affiliated groups: about 15% of suppliers share a party with a neighbour.
  for (int s = 2; s < size.suppliers; ++s) {
    if (chance(0.15)) instance.suppliers[static_cast<std::size_t>(s)].party = instance.suppliers[static_cast<std::size_t>(s - 1)].party;
  }
  for (int s = 1; s < size.suppliers; ++s) {  // a party is trusted only if all its suppliers are
    if (instance.suppliers[static_cast<std::size_t>(s)].party == instance.suppliers[0].party) {
      instance.suppliers[static_cast<std::size_t>(s)].party = name('G', s);
    }
  }
  // Requests for quotes: a handful of capable suppliers each; some do not answer. Buyers keep
  // asking until at least three qualified suppliers have answered (two more per extra source).
  for (const plan::Package& package : instance.packages) {
    std::vector<int> asked = capable[static_cast<std::size_t>(std::stoi(package.capability.substr(1)))];
    asked.erase(std::remove(asked.begin(), asked.end(), 0), asked.end());  // F0 is asked below, or not
    std::shuffle(asked.begin(), asked.end(), rng);
    // The owner's own facility is asked for every package that exposes two secrets (the
    // sensitive ones it may have to keep in house), and for some others.
    if (package.exposes.size() > 1 || chance(0.3)) asked.insert(asked.begin(), 0);
    const double base = uniform(50, 5000) / 100.0;
    int answered = 0, qualified = 0;
    const int wanted_qualified = 3 + 2 * (package.sources - 1);
    for (int s : asked) {
      if (answered >= kQuotesPerPackage && qualified >= wanted_qualified) break;
      if (s != 0 && chance(0.2)) continue;  // no answer
      const double cost = base * (s == 0 ? 1.6 : region_cost[static_cast<std::size_t>(s % kRegions)]) *
                          std::uniform_real_distribution<double>(0.9, 1.15)(rng);
      instance.quotes.push_back({package.id, name('F', s), std::round(cost * 100) / 100, static_cast<double>(uniform(0, 20) * 1000)});
      ++answered;
      qualified += instance.suppliers[static_cast<std::size_t>(s)].status == "qualified" ? 1 : 0;
    }
  }
  return instance;
}

}  // namespace moat::bench
