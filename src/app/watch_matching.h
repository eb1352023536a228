// SPDX-License-Identifier: Apache-2.0
// Internal to src/app: what the counterfeit watch's use cases share. The company's references
// as the matching engine takes them (watch/watch.h) with what each engine id stands for, the
// images as evidence (told from their bytes, fingerprinted), and the hits of listings recorded
// inside a write transaction: a new hit per listing and product, an undecided one updated, a
// decided one left as the person decided it.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/watch.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"
#include "store/store.h"
#include "watch/watch.h"

namespace moat::app::watch_internal {

const store::Table& table(std::string_view name);  // one of the watch tables

// Decodes and fingerprints an image; kInput at `where` saying why it is not a usable image.
Result<watch::Fingerprint> image_fingerprint(std::string_view bytes, const std::string& where);

// A right as a hit or a package shows it, with its status on `today`.
RightView right_view(const nlohmann::json& right, const std::vector<nlohmann::json>& events, Date today);

struct MatchContext {
  std::vector<watch::Product> products;
  std::map<std::string, std::vector<std::string>>
      mark_rights;                                        // engine mark id -> every right with that mark
  std::map<std::string, std::vector<int>> right_classes;  // a trademark's Nice classes (empty: any goods)
  std::map<std::string, std::string>
      reference_right;                      // watch reference id -> the design right it is a figure of
  std::set<std::string> keywords;           // the watch references that are keywords (the engine
                                            // matches them as model names; reasons say "keyword")
  std::map<std::string, RightView> rights;  // every right, by id
  std::string base_currency;
  std::map<std::string, double> rates;  // currency -> base units per unit, as of today
};

// Whether `text` shows nothing: empty, or only spaces of any kind (ASCII, the ideographic space
// U+3000 a Chinese input method types, no-break spaces) and invisible characters (zero-width
// spaces and joiners, the byte order mark).
bool blank(std::string_view text);

// The references of every product as of `today` (a snapshot read; call before a write).
Result<MatchContext> match_context(Workspace& workspace, Date today);

// The engine's listing for a listing record and its images' records (price in the base
// currency when it can be converted; no price otherwise).
watch::Listing engine_listing(const MatchContext& context, const nlohmann::json& listing,
                              const std::vector<nlohmann::json>& images);

// Inside a write transaction: records the hits of `listings` (with their image records) and
// returns the records written (new or changed).
Result<std::vector<store::Record>> record_hits(
    Workspace& workspace, store::Writer& writer, const MatchContext& context,
    const std::vector<std::pair<nlohmann::json, std::vector<nlohmann::json>>>& listings,
    const std::string& at);

// Views from records.
ListingView listing_view(const nlohmann::json& listing, const std::vector<nlohmann::json>& images);
Result<HitView> hit_view(Workspace& workspace, const nlohmann::json& hit,
                         const std::map<std::string, RightView>& rights);
Result<std::map<std::string, RightView>> right_views(Workspace& workspace, Date today);

}  // namespace moat::app::watch_internal
