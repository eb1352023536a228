// SPDX-License-Identifier: Apache-2.0
#include "bench/instance_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

namespace moat::bench {
namespace {

constexpr std::array<InstanceSize, 5> kSizes = {{{"T", 6, 6, 2},
                                                 {"S", 50, 20, 5},
                                                 {"M", 500, 100, 50},
                                                 {"L", 2000, 500, 200},
                                                 {"XL", 20000, 2000, 1000}}};
constexpr int kModuleSize = 10;       // packages per product module
constexpr int kSecretsPerModule = 6;  // secrets each module's packages draw from
constexpr int kMaxCapabilities = 12;  // in families of 3
constexpr int kRegions = 5;
constexpr int kQuotesPerPackage = 8;  // RFQs sent per package

std::string name(char prefix, int i) {
  return std::string(1, prefix) + std::to_string(i);
}

// The first family: product modules of ten packages, six secrets each.
plan::Instance generate_modular(const InstanceSize& size, std::uint64_t seed, int collusion) {
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
  for (int s = 0; s < secrets; ++s)
    instance.secrets.push_back({name('S', s), static_cast<double>(uniform(1, 10))});
  const auto module_secret = [&](int m) {
    return name('S', m * kSecretsPerModule + uniform(0, kSecretsPerModule - 1));
  };
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
      if (std::find(recipe.secrets.begin(), recipe.secrets.end(), secret) == recipe.secrets.end())
        recipe.secrets.push_back(secret);
    }
    instance.recipes.push_back(std::move(recipe));
  }
  std::vector<double> demand(static_cast<std::size_t>(kCapabilities), 0);
  for (int p = 0; p < size.packages; ++p) {
    const int m = std::min(modules - 1, p / kModuleSize);
    plan::Package package{name('P', p),
                          name('C', uniform(0, kCapabilities - 1)),
                          {module_secret(m)},
                          static_cast<double>(uniform(1, 50) * 1000),
                          chance(0.1) ? 2 : 1};
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
        if (c == 0 || chance(0.5))
          supplier.capabilities.push_back(name('C', family * 3 + (c + uniform(0, 2)) % 3));
      }
      std::sort(supplier.capabilities.begin(), supplier.capabilities.end());
      supplier.capabilities.erase(std::unique(supplier.capabilities.begin(), supplier.capabilities.end()),
                                  supplier.capabilities.end());
      const double roll = std::uniform_real_distribution<double>(0, 1)(rng);
      supplier.status = roll < 0.85   ? "qualified"
                        : roll < 0.92 ? "conditional"
                        : roll < 0.97 ? "pending"
                                      : "rejected";
      if (supplier.status == "conditional") supplier.max_exposure_share = 0.2;
    }
    for (const std::string& c : supplier.capabilities)
      capable[static_cast<std::size_t>(std::stoi(c.substr(1)))].push_back(s);
    instance.suppliers.push_back(std::move(supplier));
  }
  // Capacity: each capability's suppliers can make about 4 times its demand between them.
  for (int s = 1; s < size.suppliers; ++s) {
    double share = 0;
    for (const std::string& c : instance.suppliers[static_cast<std::size_t>(s)].capabilities) {
      const auto index = static_cast<std::size_t>(std::stoi(c.substr(1)));
      share += 4.0 * demand[index] / static_cast<double>(std::max<std::size_t>(1, capable[index].size() - 1));
    }
    instance.suppliers[static_cast<std::size_t>(s)].capacity =
        std::max(1000.0, std::round(share / 1000) * 1000);
  }
  // Affiliated groups: about 15% of suppliers share a party with a neighbour.
  for (int s = 2; s < size.suppliers; ++s) {
    if (chance(0.15))
      instance.suppliers[static_cast<std::size_t>(s)].party =
          instance.suppliers[static_cast<std::size_t>(s - 1)].party;
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
      instance.quotes.push_back({package.id, name('F', s), std::round(cost * 100) / 100,
                                 static_cast<double>(uniform(0, 20) * 1000)});
      ++answered;
      qualified += instance.suppliers[static_cast<std::size_t>(s)].status == "qualified" ? 1 : 0;
    }
  }
  return instance;
}

// The other families: one generator, shaped by these parameters.
struct Shape {
  const char* name;
  double quote_share;  // quotes asked per package, as a share of the suppliers
  int min_quotes, max_quotes;
  double derives_per_secret;
  int chain_length;  // 1: independent rules; more: chains of rules, each giving the next's premise
  int recipe_min, recipe_max;
  double capacity_slack;            // each capability's suppliers can make this many times its demand
  double dual_share, triple_share;  // packages needing two, three sources
  int group_min, group_max;         // suppliers per affiliated group (1, 1: about 15% in pairs)
  double trusted_share;             // suppliers in trusted parties, besides the own facility
  bool own_facility;                // F0: trusted, dearer, able to do everything
  double cap;                       // the policy's exposure cap
  int capabilities;
};

constexpr std::array<Shape, 8> kShapes = {{
    {"dense", 0.15, 6, 60, 0.1, 1, 5, 7, 4.0, 0.1, 0.0, 1, 1, 0.0, true, 0.35, 2},
    {"sparse", 0.0, 2, 4, 0.1, 1, 4, 6, 4.0, 0.05, 0.0, 1, 1, 0.0, true, 0.35, 8},
    {"tight", 0.06, 5, 20, 0.1, 1, 4, 6, 1.3, 0.1, 0.0, 1, 1, 0.0, true, 0.35, 4},
    {"multisource", 0.1, 8, 40, 0.1, 1, 4, 6, 5.0, 0.45, 0.2, 1, 1, 0.0, true, 0.35, 4},
    {"deep", 0.08, 6, 30, 0.4, 6, 4, 6, 4.0, 0.1, 0.0, 1, 1, 0.0, true, 0.35, 4},
    {"groups", 0.1, 8, 40, 0.1, 1, 4, 6, 4.0, 0.2, 0.0, 5, 25, 0.0, true, 0.35, 4},
    {"trusted", 0.1, 6, 30, 0.1, 1, 4, 6, 4.0, 0.1, 0.0, 1, 1, 0.6, true, 0.35, 4},
    {"untrusted", 0.1, 6, 30, 0.1, 1, 4, 6, 4.0, 0.1, 0.0, 1, 1, 0.0, false, 0.25, 4},
}};
constexpr int kAssemblyPackages = 18;  // packages sharing a pool of secrets
constexpr int kAssemblySecrets = 6;
constexpr int kMinAssemblies = 5;  // small instances keep 30 secrets, so one package cannot pass a cap

class FamilyGenerator {
 public:
  FamilyGenerator(const Shape& shape, const InstanceSize& size, std::uint64_t seed)
      : shape_(shape), size_(size), rng_(seed) {}

  plan::Instance build(int collusion) {
    instance_.policy = {collusion, shape_.cap, false};
    add_secrets_and_rules();
    add_recipes();
    add_packages();
    add_suppliers();
    add_quotes();
    return std::move(instance_);
  }

 private:
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  bool chance(double p) { return real(0, 1) < p; }
  int pool_secret(int assembly) { return assembly * kAssemblySecrets + uniform(0, kAssemblySecrets - 1); }
  int any_secret() { return uniform(0, secrets_ - 1); }

  void add_secrets_and_rules() {
    assemblies_ = std::max(size_.packages >= kAssemblyPackages ? kMinAssemblies : 1,
                           size_.packages / kAssemblyPackages);
    secrets_ = assemblies_ * kAssemblySecrets;
    for (int s = 0; s < secrets_; ++s)
      instance_.secrets.push_back({name('S', s), static_cast<double>(uniform(1, 10))});
    const int rules = static_cast<int>(secrets_ * shape_.derives_per_secret);
    for (int made = 0; made < rules;) {
      // A chain: each rule gives the premise of the next, across assemblies.
      int premise = any_secret();
      for (int link = 0; link < shape_.chain_length && made < rules; ++link, ++made) {
        const int assembly = premise / kAssemblySecrets;
        int gives = chance(0.7) ? pool_secret(assembly) : any_secret();
        int other = pool_secret(assembly);
        if (gives == premise || gives == other) gives = (premise + 1 + uniform(0, secrets_ - 2)) % secrets_;
        if (gives == other) continue;
        plan::Derive derive{{name('S', premise)}, name('S', gives)};
        if (other != premise && chance(0.75)) derive.from.push_back(name('S', other));
        instance_.derives.push_back(std::move(derive));
        premise = gives;
      }
    }
  }

  void add_recipes() {
    for (int r = 0; r < size_.recipes; ++r) {
      const int assembly = r % assemblies_;
      const auto count =
          static_cast<std::size_t>(std::min(secrets_, uniform(shape_.recipe_min, shape_.recipe_max)));
      std::vector<int> chosen;
      while (chosen.size() < count) {
        const int s =
            chance(0.25) || chosen.size() >= kAssemblySecrets ? any_secret() : pool_secret(assembly);
        if (std::find(chosen.begin(), chosen.end(), s) == chosen.end()) chosen.push_back(s);
      }
      plan::Recipe recipe{name('R', r), {}};
      for (int s : chosen) recipe.secrets.push_back(name('S', s));
      instance_.recipes.push_back(std::move(recipe));
    }
  }

  void add_packages() {
    demand_.assign(static_cast<std::size_t>(shape_.capabilities), 0);
    for (int p = 0; p < size_.packages; ++p) {
      const int assembly = p * assemblies_ / size_.packages;
      const double roll = real(0, 1);
      const int sources = roll < shape_.triple_share                       ? 3
                          : roll < shape_.triple_share + shape_.dual_share ? 2
                                                                           : 1;
      plan::Package package{name('P', p),
                            name('C', uniform(0, shape_.capabilities - 1)),
                            {},
                            static_cast<double>(uniform(1, 50) * 1000),
                            sources};
      const double exposes = real(0, 1);
      const int count = exposes < 0.1 ? 0 : exposes < 0.6 ? 1 : exposes < 0.9 ? 2 : 3;
      std::vector<int> chosen;
      for (int i = 0; i < count; ++i) {
        const int s = chance(0.8) ? pool_secret(assembly) : any_secret();
        if (std::find(chosen.begin(), chosen.end(), s) == chosen.end()) chosen.push_back(s);
      }
      for (int s : chosen) package.exposes.push_back(name('S', s));
      demand_[static_cast<std::size_t>(std::stoi(package.capability.substr(1)))] += package.volume * sources;
      base_cost_.push_back(uniform(50, 5000) / 100.0);
      instance_.packages.push_back(std::move(package));
    }
  }

  void add_suppliers() {
    capable_.assign(static_cast<std::size_t>(shape_.capabilities), {});
    int group_left = 0;
    for (int s = 0; s < size_.suppliers; ++s) {
      plan::Supplier supplier{name('F', s), name('G', s), {}, 0, "qualified", false, std::nullopt};
      if (s == 0 && shape_.own_facility) {
        for (int c = 0; c < shape_.capabilities; ++c) supplier.capabilities.push_back(name('C', c));
        supplier.party = "OWN";
        supplier.trusted = true;
        cost_factor_.push_back(1.6);
      } else {
        for (int c = 0; c < shape_.capabilities; ++c) {
          if (chance(shape_.capabilities <= 2 ? 0.8 : 0.35)) supplier.capabilities.push_back(name('C', c));
        }
        if (supplier.capabilities.empty())
          supplier.capabilities.push_back(name('C', uniform(0, shape_.capabilities - 1)));
        const double roll = real(0, 1);
        supplier.status = roll < 0.85   ? "qualified"
                          : roll < 0.92 ? "conditional"
                          : roll < 0.97 ? "pending"
                                        : "rejected";
        if (supplier.status == "conditional") supplier.max_exposure_share = 0.2;
        const plan::Supplier* previous = instance_.suppliers.empty() ? nullptr : &instance_.suppliers.back();
        const bool can_join = previous && previous->party != "OWN";
        bool joins = false;
        if (group_left > 0 && can_join) {
          joins = true;
          --group_left;
        } else if (shape_.group_max > 1) {  // groups scaled to the supply base: at least 8 parties
          const int most = std::max(2, std::min(shape_.group_max, size_.suppliers / 8));
          group_left = uniform(std::min(shape_.group_min, most), most) - 1;
        } else {
          joins = can_join && chance(0.15);
        }
        if (joins) supplier.party = previous->party;
        supplier.trusted = joins ? previous->trusted : chance(shape_.trusted_share);
        cost_factor_.push_back((0.85 + 0.1 * (s % 5)) * real(0.95, 1.1) * (supplier.trusted ? 1.35 : 1.0));
      }
      for (const std::string& c : supplier.capabilities)
        capable_[static_cast<std::size_t>(std::stoi(c.substr(1)))].push_back(s);
      instance_.suppliers.push_back(std::move(supplier));
    }
    set_capacities();
  }

  void set_capacities() {
    double total = 0;
    for (double d : demand_) total += d;
    for (std::size_t s = 0; s < instance_.suppliers.size(); ++s) {
      plan::Supplier& supplier = instance_.suppliers[s];
      if (s == 0 && shape_.own_facility) {
        supplier.capacity = std::round(total * 0.3 / 1000) * 1000;
        continue;
      }
      double share = 0;
      for (const std::string& c : supplier.capabilities) {
        const auto index = static_cast<std::size_t>(std::stoi(c.substr(1)));
        share += shape_.capacity_slack * demand_[index] / static_cast<double>(capable_[index].size());
      }
      supplier.capacity = std::max(1000.0, std::round(share * real(0.6, 1.4) / 1000) * 1000);
    }
  }

  int quotes_wanted() {
    const int scaled = static_cast<int>(shape_.quote_share * size_.suppliers + 0.5);
    return std::clamp(shape_.quote_share > 0 ? scaled : uniform(shape_.min_quotes, shape_.max_quotes),
                      shape_.min_quotes, shape_.max_quotes);
  }

  // Requests for quotes: a sample of the capable suppliers, some not answering; buyers ask on
  // until enough qualified parties answered for the package's sources and one to spare.
  void add_quotes() {
    for (std::size_t p = 0; p < instance_.packages.size(); ++p) {
      const plan::Package& package = instance_.packages[p];
      std::vector<int> asked = capable_[static_cast<std::size_t>(std::stoi(package.capability.substr(1)))];
      std::shuffle(asked.begin(), asked.end(), rng_);
      if (shape_.own_facility) {  // the own facility for the sensitive packages and some others
        asked.erase(std::remove(asked.begin(), asked.end(), 0), asked.end());
        if (package.exposes.size() > 1 || chance(0.3)) asked.insert(asked.begin(), 0);
      }
      const int wanted = quotes_wanted();
      std::vector<std::string> parties;
      int answered = 0;
      for (int s : asked) {
        const plan::Supplier& supplier = instance_.suppliers[static_cast<std::size_t>(s)];
        const bool enough_parties = static_cast<int>(parties.size()) > package.sources;
        if (answered >= wanted && enough_parties) break;
        if (!(s == 0 && shape_.own_facility) && chance(0.2)) continue;  // no answer
        const double cost = base_cost_[p] * cost_factor_[static_cast<std::size_t>(s)] * real(0.9, 1.15);
        const double fixed = chance(0.5) ? uniform(0, 20) * 1000.0 : 0.0;
        instance_.quotes.push_back({package.id, supplier.id, std::round(cost * 100) / 100, fixed});
        ++answered;
        if (supplier.status == "qualified" &&
            std::find(parties.begin(), parties.end(), supplier.party) == parties.end()) {
          parties.push_back(supplier.party);
        }
      }
    }
  }

  const Shape& shape_;
  const InstanceSize& size_;
  std::mt19937_64 rng_;
  plan::Instance instance_;
  int assemblies_ = 1;
  int secrets_ = 0;
  std::vector<double> demand_;             // per capability
  std::vector<double> base_cost_;          // per package
  std::vector<double> cost_factor_;        // per supplier
  std::vector<std::vector<int>> capable_;  // per capability
};

}  // namespace

const InstanceSize* find_size(const std::string& wanted) {
  for (const InstanceSize& size : kSizes) {
    if (wanted == size.name) return &size;
  }
  return nullptr;
}

const std::vector<std::string>& family_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out{"modular"};
    for (const Shape& shape : kShapes) out.emplace_back(shape.name);
    return out;
  }();
  return names;
}

bool is_family(const std::string& name) {
  const auto& names = family_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

plan::Instance generate_instance(const InstanceSize& size, std::uint64_t seed, int collusion,
                                 const std::string& family) {
  for (const Shape& shape : kShapes) {
    if (family == shape.name) return FamilyGenerator(shape, size, seed).build(collusion);
  }
  return generate_modular(size, seed, collusion);
}

}  // namespace moat::bench
