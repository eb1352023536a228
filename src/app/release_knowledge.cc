// SPDX-License-Identifier: Apache-2.0
#include "app/release_knowledge.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

#include "app/releases.h"
#include "app/sourcing.h"
#include "core/text.h"

namespace moat::app {
namespace {

std::string text_of(const store::SqlValue& value) {
  const auto* text = std::get_if<std::string>(&value);
  return text ? *text : std::string();
}

// Adds `secrets` to the set kept under `key`, allocating a set only for a key not seen before.
void unite_at(std::unordered_map<std::string, plan::Bitset>& sets, const std::string& key,
              const plan::Bitset& secrets, std::size_t secret_count) {
  auto it = sets.find(key);
  if (it == sets.end()) it = sets.emplace(key, plan::Bitset(secret_count)).first;
  it->second.unite(secrets);
}

// Each file of the product with the secrets its content carries: those recorded for every file of
// the product with the same SHA-256, so that the same bytes added again under fewer secrets (a new
// revision, another name) give away what they gave before.
Result<std::unordered_map<std::string, plan::Bitset>> file_secrets(Workspace& workspace, const Knowledge& k,
                                                                   const std::string& product) {
  const store::SqlValue params[] = {product};
  MOAT_TRY(const auto rows,
           workspace.store().database().query(
               R"(SELECT "id", "secrets", "sha256" FROM "files" WHERE "product" = ?)", params));
  std::unordered_map<std::string, plan::Bitset> out, by_content;
  for (const store::SqlRow& row : rows) {
    const nlohmann::json secrets = nlohmann::json::parse(text_of(row[1]), nullptr, false);
    std::vector<std::string> ids;
    if (secrets.is_array()) {
      for (const auto& s : secrets) {
        if (s.is_string()) ids.push_back(s.get<std::string>());
      }
    }
    out.emplace(text_of(row[0]), secret_set(k, ids));
    unite_at(by_content, text_of(row[2]), out.at(text_of(row[0])), k.problem.secret_count);
  }
  for (const store::SqlRow& row : rows) out.at(text_of(row[0])) = by_content.at(text_of(row[2]));
  return out;
}

// What each recipient and each supplier's party received, from every copy of the product.
Status add_copies(Workspace& workspace, Knowledge& k, const std::string& product) {
  MOAT_TRY(k.file_secrets, file_secrets(workspace, k, product));
  const auto& secrets_of = k.file_secrets;
  const store::SqlValue params[] = {product};
  MOAT_TRY(const auto rows, workspace.store().database().query(
                                R"(SELECT DISTINCT c."recipient", r."supplier", c."file" FROM "copies" c
                                   JOIN "releases" r ON r."id" = c."release" WHERE r."product" = ?)",
                                params));
  for (const store::SqlRow& row : rows) {
    const auto secrets = secrets_of.find(text_of(row[2]));
    if (secrets != secrets_of.end()) add_held(k, text_of(row[0]), text_of(row[1]), secrets->second);
  }
  return {};
}

plan::Bitset closed(const plan::Problem& problem, plan::Bitset set) {
  problem.close(set);
  return set;
}

}  // namespace

Knowledge empty_knowledge(plan::Instance instance, int person_collusion) {
  Knowledge k;
  instance.packages.clear();  // knowledge needs the secrets, rules, recipes and parties only
  instance.quotes.clear();
  k.instance = std::make_unique<plan::Instance>(std::move(instance));
  k.problem = plan::compile(*k.instance);
  k.collusion = k.instance->policy.collusion;
  k.person_collusion = person_collusion;
  for (std::size_t s = 0; s < k.instance->secrets.size(); ++s) k.secret_index[k.instance->secrets[s].id] = s;
  for (const plan::CompiledSupplier& s : k.problem.suppliers) k.party_of_supplier[s.id] = s.party;
  for (const plan::Supplier& s : k.instance->suppliers) {
    k.supplier_cap[s.id] =
        std::min(k.instance->policy.max_exposure_share, s.max_exposure_share.value_or(1.0));
  }
  return k;
}

void add_held(Knowledge& k, const std::string& person, const std::string& supplier,
              const plan::Bitset& secrets) {
  unite_at(k.person_direct, person, secrets, k.problem.secret_count);
  const auto at = k.person_supplier.find(person);
  if (at == k.person_supplier.end()) {
    k.person_supplier.emplace(person, supplier);
  } else if (at->second != supplier) {
    at->second = supplier;
  }
  const auto party = k.party_of_supplier.find(supplier);
  if (party == k.party_of_supplier.end()) return;  // a supplier removed since
  unite_at(k.party_direct, k.problem.parties[party->second].id, secrets, k.problem.secret_count);
}

Result<Knowledge> load_knowledge(Workspace& workspace, const std::string& product) {
  MOAT_TRY(plan::Instance instance, product_instance(workspace, product, {}));
  Knowledge k = empty_knowledge(std::move(instance), workspace.config().policy.person_collusion);
  MOAT_CHECK(add_copies(workspace, k, product));
  return k;
}

plan::Bitset secret_set(const Knowledge& knowledge, const std::vector<std::string>& ids) {
  plan::Bitset set(knowledge.problem.secret_count);
  for (const std::string& id : ids) {
    const auto it = knowledge.secret_index.find(id);
    if (it != knowledge.secret_index.end()) set.set(it->second);
  }
  return set;
}

std::vector<std::string> secret_ids(const Knowledge& knowledge, const plan::Bitset& set) {
  std::vector<std::string> out;
  set.for_each([&](std::size_t s) { out.push_back(knowledge.instance->secrets[s].id); });
  return out;
}

std::vector<plan::Knower> party_knowers(const Knowledge& k, const Addition* addition) {
  std::map<std::string, plan::Bitset> direct(k.party_direct.begin(), k.party_direct.end());
  if (addition) {
    const auto party = k.party_of_supplier.find(addition->supplier);
    if (party != k.party_of_supplier.end()) {
      auto [it, unused] = direct.try_emplace(k.problem.parties[party->second].id, k.problem.secret_count);
      it->second.unite(addition->secrets);
    }
  }
  std::vector<plan::Knower> out;
  for (const plan::CompiledParty& party : k.problem.parties) {
    const auto held = direct.find(party.id);
    if (held == direct.end() || held->second.empty()) continue;
    out.push_back({party.id, "", party.trusted, closed(k.problem, held->second), party.cap});
  }
  return out;
}

std::vector<plan::Knower> person_knowers(const Knowledge& k, const std::string& supplier,
                                         const Addition* addition) {
  std::map<std::string, std::pair<std::string, plan::Bitset>> direct;
  for (const auto& [person, held] : k.person_direct) {
    const std::string& at = k.person_supplier.at(person);
    if (supplier.empty() || at == supplier) direct.emplace(person, std::make_pair(at, held));
  }
  if (addition && (supplier.empty() || supplier == addition->supplier)) {
    for (const std::string& person : addition->people) {
      auto [it, unused] =
          direct.try_emplace(person, addition->supplier, plan::Bitset(k.problem.secret_count));
      it->second.second.unite(addition->secrets);
    }
  }
  std::vector<plan::Knower> out;
  for (const auto& [person, entry] : direct) {
    const auto cap = k.supplier_cap.find(entry.first);
    const auto party = k.party_of_supplier.find(entry.first);
    const bool trusted = party != k.party_of_supplier.end() && k.problem.parties[party->second].trusted;
    out.push_back({person, entry.first, trusted, closed(k.problem, entry.second),
                   cap == k.supplier_cap.end() ? k.instance->policy.max_exposure_share : cap->second});
  }
  return out;
}

namespace {

std::string recipe_label(const Knowledge& k, const std::string& recipe) {
  const auto it = std::find_if(k.instance->recipes.begin(), k.instance->recipes.end(),
                               [&](const plan::Recipe& r) { return r.id == recipe; });
  return it == k.instance->recipes.end() ? recipe : recipe + " (" + join(it->secrets, ", ") + ")";
}

// The files of this release that carry a secret relevant to `recipe`.
std::vector<std::string> files_for(const Knowledge& k, const std::vector<DesignFile>& files,
                                   const std::string& recipe) {
  std::vector<std::string> out;
  const auto compiled = std::find_if(k.problem.recipes.begin(), k.problem.recipes.end(),
                                     [&](const plan::CompiledRecipe& r) { return r.id == recipe; });
  if (compiled == k.problem.recipes.end()) return out;
  const plan::Bitset relevant = plan::relevant_to(k.problem, compiled->secrets);
  for (const DesignFile& f : files) {
    if (secret_set(k, f.secrets).intersects(relevant)) out.push_back(f.id + " " + f.name);
  }
  return out;
}

// The same breach before and after a release: a recipe reached the same way, or a holder above its
// cap with the same share (a cap passed further is a new breach).
std::string breach_key(const plan::Breach& b, const std::vector<plan::Knower>& knowers) {
  if (b.kind != plan::BreachKind::kCap) return std::to_string(static_cast<int>(b.kind)) + "/" + b.recipe;
  char share[32];
  std::snprintf(share, sizeof share, "%.9f", b.share);
  return "cap/" + knowers[b.holders.front()].id + "/" + share;
}

// The recipes a release of `secrets` can bring within reach: those it gives a secret relevant to.
std::vector<std::size_t> recipes_touched(const Knowledge& k, const plan::Bitset& secrets) {
  const plan::Bitset influenced = plan::influenced_by(k.problem, secrets);
  std::vector<std::size_t> out;
  for (std::size_t r = 0; r < k.problem.recipes.size(); ++r) {
    if (k.problem.recipes[r].secrets.intersects(influenced)) out.push_back(r);
  }
  return out;
}

Refusal refusal_of(const Knowledge& k, const plan::Breach& b, const std::vector<plan::Knower>& knowers,
                   bool people, const std::vector<DesignFile>& files,
                   const std::map<std::string, std::string>& names) {
  std::vector<std::string> holders, labels;
  for (const std::size_t h : b.holders) {
    holders.push_back(knowers[h].id);
    const auto name = names.find(knowers[h].id);
    labels.push_back(name == names.end() ? knowers[h].id : name->second);
  }
  const std::string who = join(labels, " + ");
  if (b.kind == plan::BreachKind::kCap) {
    return {"exposure-cap",
            who + " would hold " + share_text(b.share, b.cap) + " of the secret weight, above its cap of " +
                share_text(b.cap),
            "",
            holders,
            {}};
  }
  std::vector<std::string> on = files_for(k, files, b.recipe);
  const std::string subject = people ? (holders.size() == 1 ? "one person, "
                                                            : std::to_string(holders.size()) + " people at " +
                                                                  knowers[b.holders.front()].group + ", ")
                                     : (holders.size() == 1 ? "party " : "a coalition of parties, ");
  return {people ? "person" : "party",
          subject + who + ", could complete recipe " + recipe_label(k, b.recipe) +
              " after this release (files: " + join(on, ", ") + ")",
          b.recipe, holders, on};
}

}  // namespace

namespace {

// The untrusted parties that hold something relevant to a recipe in `touched` (closed, as holders),
// the party whose knowledge grows first, with what it holds before the release. Parties that hold
// nothing relevant cannot be part of a smallest coalition for those recipes.
std::vector<plan::Knower> parties_relevant(const Knowledge& k, std::size_t grown,
                                           const plan::Bitset& grown_direct, const plan::Bitset& relevant) {
  const plan::CompiledParty& party = k.problem.parties[grown];
  std::vector<plan::Knower> out{{party.id, "", false, closed(k.problem, grown_direct), party.cap}};
  for (const plan::CompiledParty& other : k.problem.parties) {
    if (other.trusted || other.id == party.id) continue;
    const auto held = k.party_direct.find(other.id);
    if (held == k.party_direct.end() || !held->second.intersects(relevant)) continue;
    out.push_back({other.id, "", false, closed(k.problem, held->second), other.cap});
  }
  return out;
}

std::vector<plan::Holder> holders_of(const std::vector<plan::Knower>& knowers) {
  std::vector<plan::Holder> out;
  for (const plan::Knower& knower : knowers) out.push_back({knower.id, false, knower.held});
  return out;
}

// The party rules a release newly breaks. Only the party of the receiving supplier learns more, so
// a new breach is a coalition that includes it, or its own cap: the check closes only the parties
// that hold something relevant to the recipes the release touches, and asks of each recipe whether
// the grown party completes it (alone or with others) before looking for the smallest coalition.
void add_party_refusals(const Knowledge& k, const Addition& addition, const std::vector<std::size_t>& touched,
                        const std::vector<DesignFile>& files, const std::map<std::string, std::string>& names,
                        std::vector<Refusal>& out) {
  const auto party = k.party_of_supplier.find(addition.supplier);
  if (party == k.party_of_supplier.end() || k.problem.parties[party->second].trusted) return;
  const plan::CompiledParty& grown = k.problem.parties[party->second];
  const auto direct = k.party_direct.find(grown.id);
  plan::Bitset before =
      direct == k.party_direct.end() ? plan::Bitset(k.problem.secret_count) : direct->second;
  plan::Bitset after = before;
  after.unite(addition.secrets);
  if (after == before) return;
  std::vector<plan::Bitset> relevant;
  plan::Bitset any_relevant(k.problem.secret_count);
  for (const std::size_t r : touched) {
    relevant.push_back(plan::relevant_to(k.problem, k.problem.recipes[r].secrets));
    any_relevant.unite(relevant.back());
  }
  std::vector<plan::Knower> was = parties_relevant(k, party->second, before, any_relevant);
  std::vector<plan::Knower> now = was;
  now.front().held = closed(k.problem, after);
  const double share_before = plan::share_of(k.problem, was.front().held);
  const double share_after = plan::share_of(k.problem, now.front().held);
  if (plan::over_share(share_after, grown.cap) && plan::over_share(share_after, share_before)) {
    out.push_back(
        refusal_of(k, {plan::BreachKind::kCap, "", {0}, share_after, grown.cap}, now, false, files, names));
  }
  const std::vector<plan::Holder> holders_was = holders_of(was), holders_now = holders_of(now);
  for (std::size_t i = 0; i < touched.size(); ++i) {
    const plan::CompiledRecipe& recipe = k.problem.recipes[touched[i]];
    if (!plan::completes_with(k.problem, holders_now, 0, holders_now.front().held, recipe.secrets,
                              relevant[i], k.collusion)) {
      continue;
    }
    const plan::Coalition already = plan::min_coalition(k.problem, holders_was, recipe.secrets, k.collusion);
    if (already.size && *already.size <= k.collusion) continue;  // breached before this release
    const plan::Coalition coalition =
        plan::min_coalition(k.problem, holders_now, recipe.secrets, k.collusion);
    if (!coalition.size) continue;
    out.push_back(refusal_of(k, {plan::BreachKind::kParty, recipe.id, coalition.members, 0, 0}, now, false,
                             files, names));
  }
}

}  // namespace

std::vector<Refusal> added_refusals(const Knowledge& k, const Addition& addition,
                                    const std::vector<DesignFile>& files,
                                    const std::map<std::string, std::string>& names) {
  std::vector<Refusal> out;
  const auto compare = [&](const std::vector<plan::Knower>& before, const std::vector<plan::Knower>& after,
                           const std::vector<plan::Breach>& was, const std::vector<plan::Breach>& now,
                           bool people) {
    std::set<std::string> known;
    for (const plan::Breach& b : was) known.insert(breach_key(b, before));
    for (const plan::Breach& b : now) {
      if (!known.contains(breach_key(b, after))) out.push_back(refusal_of(k, b, after, people, files, names));
    }
  };
  const std::vector<std::size_t> touched = recipes_touched(k, addition.secrets);
  add_party_refusals(k, addition, touched, files, names, out);
  const auto people_before = person_knowers(k, addition.supplier);
  const auto people_after = person_knowers(k, addition.supplier, &addition);
  compare(people_before, people_after,
          plan::person_breaches(k.problem, people_before, k.person_collusion, &touched),
          plan::person_breaches(k.problem, people_after, k.person_collusion, &touched), true);
  return out;
}

namespace {

std::vector<char> cells_of(const Knowledge& k, const plan::Bitset& direct, const plan::Bitset& held) {
  std::vector<char> cells;
  for (std::size_t s = 0; s < k.problem.secret_count; ++s)
    cells.push_back(direct.test(s) ? 'D' : held.test(s) ? 'I' : ' ');
  return cells;
}

Result<std::map<std::string, std::string>> people_names(Workspace& workspace) {
  MOAT_TRY(const auto rows, workspace.store().database().query(R"(SELECT "id", "name" FROM "people")"));
  std::map<std::string, std::string> out;
  for (const store::SqlRow& row : rows) out[text_of(row[0])] = text_of(row[1]);
  return out;
}

std::string party_suppliers(const Knowledge& k, const std::string& party) {
  std::string out;
  for (const plan::CompiledSupplier& s : k.problem.suppliers) {
    if (k.problem.parties[s.party].id == party) out += (out.empty() ? "" : ", ") + s.id;
  }
  return out;
}

// Each recipe's smallest coalition of untrusted parties, or smallest group of people at one supplier.
std::vector<RecipeReach> reach_of(const Knowledge& k, const std::vector<plan::Knower>& knowers, bool people) {
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < knowers.size(); ++i) {
    if (people || !knowers[i].trusted) groups[people ? knowers[i].group : ""].push_back(i);
  }
  std::vector<RecipeReach> out;
  for (const plan::CompiledRecipe& recipe : k.problem.recipes) {
    RecipeReach best{recipe.id, std::nullopt, {}};
    for (const auto& [group, members] : groups) {
      std::vector<plan::Holder> holders;
      for (const std::size_t i : members) holders.push_back({knowers[i].id, false, knowers[i].held});
      const plan::Coalition c = plan::min_coalition(k.problem, holders, recipe.secrets);
      if (!c.size || (best.min_coalition && *best.min_coalition <= *c.size)) continue;
      best.min_coalition = c.size;
      best.holders.clear();
      for (const std::size_t h : c.members) best.holders.push_back(holders[h].id);
    }
    out.push_back(std::move(best));
  }
  return out;
}

}  // namespace

Result<ReleasedKnowledge> released_knowledge(Workspace& workspace, const std::string& product, bool people) {
  MOAT_TRY(const Knowledge k, load_knowledge(workspace, product));
  ReleasedKnowledge out;
  out.people = people;
  out.collusion = k.collusion;
  out.person_collusion = k.person_collusion;
  for (const plan::Secret& s : k.instance->secrets) out.secrets.push_back(s.id);
  const std::vector<plan::Knower> knowers = people ? person_knowers(k) : party_knowers(k);
  MOAT_TRY(const auto names, people_names(workspace));
  for (const plan::Knower& h : knowers) {
    const plan::Bitset& direct = people ? k.person_direct.at(h.id) : k.party_direct.at(h.id);
    const auto name = names.find(h.id);
    out.rows.push_back({h.id, people ? (name == names.end() ? "" : name->second) : party_suppliers(k, h.id),
                        people ? h.group : "", h.trusted, plan::share_of(k.problem, h.held), h.cap,
                        cells_of(k, direct, h.held)});
  }
  out.recipes = reach_of(k, knowers, people);
  return out;
}

}  // namespace moat::app
