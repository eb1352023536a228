// SPDX-License-Identifier: Apache-2.0
// The JSON shapes of releases, copies and released knowledge: one copy for the CLI's --json and the
// API, so that both print the same objects (docs/releases.md).
#include <nlohmann/json.hpp>

#include "app/record_fields.h"
#include "app/releases.h"
#include "app/views.h"

namespace moat::app {
namespace {

using nlohmann::json;

using fields_of::optional_text;

json refusal_json(const Refusal& r) {
  return {{"rule", r.rule},
          {"message", r.message},
          {"recipe", optional_text(r.recipe)},
          {"holders", r.holders},
          {"files", r.files}};
}

json change_json(const KnowledgeChange& c) {
  return {{"holder", c.holder},
          {"kind", c.kind},
          {"label", c.label},
          {"trusted", c.trusted},
          {"before", c.before},
          {"after", c.after},
          {"share_before", c.share_before},
          {"share_after", c.share_after},
          {"cap", c.cap}};
}

std::string cells_text(const std::vector<char>& cells) {
  return std::string(cells.begin(), cells.end());
}

}  // namespace

json copy_json(const CopyMade& c) {
  return {{"id", c.id},
          {"recipient", c.recipient},
          {"file", c.file},
          {"revision", c.revision},
          {"name", c.name},
          {"copy_hash", c.copy_hash},
          {"in_vault", !c.blob.empty()},
          {"path", optional_text(c.path)},
          {"scheme", c.scheme},
          {"resists", c.resists},
          {"unmarked", optional_text(c.unmarked)}};
}

json outcome_json(const ReleaseOutcome& o) {
  json files = json::array(), refusals = json::array(), changes = json::array(), copies = json::array();
  for (const DesignFile& f : o.files) files.push_back(file_json(f));
  for (const Refusal& r : o.refusals) refusals.push_back(refusal_json(r));
  for (const KnowledgeChange& c : o.changes) changes.push_back(change_json(c));
  for (const CopyMade& c : o.copies) copies.push_back(copy_json(c));
  return {{"release", optional_text(o.id)}, {"go", o.go},           {"dry_run", o.dry_run},
          {"product", o.product},           {"package", o.package}, {"supplier", o.supplier},
          {"recipients", o.recipients},     {"files", files},       {"verdict", verdict_json(o.verdict)},
          {"refusals", refusals},           {"exposure", changes},  {"copies", copies}};
}

json release_json(const ReleaseView& r) {
  json copies = json::array();
  for (const CopyMade& c : r.copies) copies.push_back(copy_json(c));
  return {{"id", r.id},
          {"product", r.product},
          {"package", r.package},
          {"supplier", r.supplier},
          {"supplier_name", r.supplier_name},
          {"recipients", r.recipients},
          {"files", r.files},
          {"created_at", r.created_at},
          {"created_by", r.created_by},
          {"date", r.date},
          {"expires", optional_text(r.expires)},
          {"reason", optional_text(r.reason)},
          {"destination", r.destination},
          {"state", r.state},
          {"returned", r.returned},
          {"flagged", r.flagged},
          {"revoked_at", optional_text(r.revoked_at)},
          {"revoked_by", optional_text(r.revoked_by)},
          {"revoke_reason", optional_text(r.revoke_reason)},
          {"returned_at", optional_text(r.returned_at)},
          {"returned_by", optional_text(r.returned_by)},
          {"return_reason", optional_text(r.return_reason)},
          {"copies", copies}};
}

json knowledge_json(const ReleasedKnowledge& k) {
  json rows = json::array(), recipes = json::array();
  for (const KnowledgeRow& r : k.rows) {
    json row = {{k.people ? "person" : "party", r.holder},
                {"label", r.label},
                {"trusted", r.trusted},
                {"share", r.share},
                {"cap", r.cap},
                {"cells", cells_text(r.cells)}};
    if (k.people) row["supplier"] = r.supplier;
    rows.push_back(std::move(row));
  }
  for (const RecipeReach& r : k.recipes) {
    recipes.push_back({{"recipe", r.recipe},
                       {"min_coalition", r.min_coalition ? json(*r.min_coalition) : json()},
                       {"holders", r.holders}});
  }
  return {{"holders", k.people ? "people" : "parties"},
          {"secrets", k.secrets},
          {"rows", rows},
          {"recipes", recipes},
          {"collusion", k.collusion},
          {"person_collusion", k.person_collusion}};
}

}  // namespace moat::app
