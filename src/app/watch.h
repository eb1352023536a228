// SPDX-License-Identifier: Apache-2.0
// The counterfeit watch as use cases: marketplace listings read from files (CSV or JSON, all or
// nothing, every problem at file:line:col or a JSON pointer) with their captured images kept in
// the vault as evidence (SHA-256, who captured them and when, a ledger event per capture); what
// each product is recognised by (its trademarks, design patents and their figures, reference
// images, model names and keywords, and its cost from the approved plan as a price floor);
// matching by the pure engine (watch/watch.h) into hits with reasons and the rights they touch; a
// person's decision on each hit; and the link from a confirmed hit to the suppliers that held what
// it copies (a red flag, app/red_flags.h). Takedown packages are in app/watch_complaints.h.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/import.h"
#include "app/session.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"
#include "flags/rules.h"

namespace moat::app {

// The marketplaces a listing can come from, in the order.
const std::vector<std::string>& watch_platforms();

// ---- Listings in ------------------------------------------------------------------------------

struct ListingImport {
  std::vector<SourceFile> files;  // CSV, or JSON (an array of listings or {"listings": [...]})
  // A folder or a ZIP holding the image files the listings' `images` name; empty: none.
  std::filesystem::path images;
  // Or the images themselves, by name (for callers that hold them: the demo).
  std::map<std::string, std::string> image_files;
};

struct ImageView {
  std::string name;
  std::string sha256;
  std::string blob;  // the vault id
  std::uint64_t size = 0;
  std::string media_type;
  std::string captured_at, captured_by;
};

struct ListingView {
  std::string id;  // L1, L2, ...
  std::string platform, url, listing_id, title, description;
  std::optional<double> price;
  std::string currency;
  std::optional<std::int64_t> min_order;
  std::string seller, store_url, seller_location;
  std::string captured_at, captured_by, source;
  std::vector<ImageView> images;
};

struct ReasonView {
  std::string kind;       // mark, model, image, price
  std::string reference;  // the right or reference matched; empty for price
  std::string detail;
  double score = 0;
};

struct RightView {
  std::string id, kind, jurisdiction, title, mark;
  std::string registration_number;
  std::string status;  // "granted" / "registered", "pending", "not filed", "ended"
  // Whether the company holds it: no owner on record, or one of moat.toml's company names ([gate]
  // company_names, and the company). Another's right (a licensor's, a squatter's) is neither
  // matched nor used in a complaint: only its holder may complain under it.
  bool own = true;
  std::string owner;
};

struct HitView {
  std::string id;  // H1, H2, ...
  ListingView listing;
  std::string product;
  double score = 0;
  std::vector<ReasonView> reasons;            // strongest first
  std::vector<RightView> rights;              // the company's rights the hit touches
  std::vector<std::string> reference_images;  // reference ids of the images matched
  std::string status;                         // new, confirmed, dismissed, unmatched (no longer matching)
  std::string found_at, decided_by, decided_at, decision_reason;
  // A decided hit whose listing, captured again, contradicts a reason it was decided on: when
  // that was seen, and what the listing matches now (empty: nothing). Empty when it holds.
  std::string listing_changed_at;
  double current_score = 0;
  std::vector<ReasonView> current_reasons;
};

struct ListingImportReport {
  std::vector<std::string> added;      // listing ids new to the workspace
  std::vector<std::string> updated;    // listings seen before (same platform and URL): captured again
  std::vector<std::string> unchanged;  // listings seen before, identical to what is stored: nothing
                                       // written (not in `updated`)
  // Listings seen before whose capture here is older than the one stored (a file imported again
  // after a newer one): nothing written, the newer capture kept (not in `updated` or `unchanged`).
  std::vector<std::string> older;
  std::size_t images = 0;
  std::vector<HitView> hits;  // the hits the import found (new or changed)
  std::int64_t events = 0;
};

// Reads every file, checks every field and image (each named image must exist in `images` and
// decode), stores the images in the vault, records the listings and their captures, and matches
// them, all in one transaction. A listing already recorded (same platform and URL) is updated.
// Errors (kInput): each problem at file:line:col or file#/pointer; nothing is recorded.
Result<ListingImportReport> import_listings(Workspace& workspace, const Session& session,
                                            ListingImport request);

Result<std::vector<ListingView>> list_listings(Workspace& workspace);
// The listings as list_listings orders them (by number: L1, L2, … L10), for a page read in the
// database (app/reads.h), and the views of a page's listing records, in their order.
store::PageQuery listing_selection();
Result<std::vector<ListingView>> listing_views(Workspace& workspace,
                                               const std::vector<store::Record>& listings);

// ---- References -------------------------------------------------------------------------------

struct ReferenceInput {
  std::string product;
  std::vector<std::filesystem::path> images;  // reference images (or a design patent's figures)
  std::vector<std::pair<std::string, std::string>> image_files;  // or the images themselves: name, bytes
  std::vector<std::string> models;                               // model names: "AU-200"
  std::vector<std::string> keywords;                             // words a copy is sold under: "极光音箱"
  std::string right;                 // the design patent the images are figures of
  std::vector<std::string> secrets;  // features the images show (secrets of the product)
};

struct ReferenceView {
  std::string id;  // WR1, WR2, ...
  std::string product, kind, text, name, sha256, blob, right;
  std::vector<std::string> secrets;
  std::string added_at, added_by;
};

// Records the references (images stored in the vault, fingerprinted) in one transaction, then
// matches every listing again. Errors: kNotFound for an unknown product or right, kInput for an
// image that does not decode, a right that is not a design patent, a secret not the product's.
Result<std::vector<ReferenceView>> add_references(Workspace& workspace, const Session& session,
                                                  const ReferenceInput& input);

// Removes the references `ids` (WR1, ...) in one transaction, then matches every listing again:
// an undecided hit that rested on them alone becomes `unmatched`; a decided one keeps the reasons
// it was decided on. Their images stay in the vault (the ledger's history points to them).
// Errors: kNotFound for an unknown id (nothing removed), kInput for none given or one given twice.
// Returns the references removed.
Result<std::vector<ReferenceView>> remove_references(Workspace& workspace, const Session& session,
                                                     const std::vector<std::string>& ids);

// What one product is recognised by.
struct ProductReferences {
  std::string product, name;
  std::vector<RightView> marks;           // trademarks covering it (every product when a right names none)
  std::vector<RightView> designs;         // design patents covering it
  std::vector<ReferenceView> references;  // images, model names, keywords
  std::optional<double> price_floor;      // its unit cost from the approved plan, base currency
  std::string currency;                   // the base currency
  std::string price_floor_source;         // "approved plan plan-2" or why there is none
  std::vector<RightView> not_matched;     // marks and designs covering it held by someone else
};

Result<std::vector<ProductReferences>> list_references(Workspace& workspace, Date today);

// ---- Matching and decisions ------------------------------------------------------------------

// Matches every listing against the current references; records new hits and updates the score
// and reasons of those not yet decided. An undecided hit whose listing no longer matches becomes
// `unmatched` (and `new` again if it matches later); a decided one keeps the reasons it was
// decided on and is marked with listing_changed_at and what matches now when the listing
// contradicts them. Returns the hits found or changed.
Result<std::vector<HitView>> match_listings(Workspace& workspace, const Session& session, Date today);

// Hits, strongest first, with their rights' status on `today`; `status` empty: every hit.
// kInput for a status other than new, confirmed, dismissed.
Result<std::vector<HitView>> list_hits(Workspace& workspace, const std::string& status, Date today);
// The hits as list_hits selects and orders them (strongest first, then by number), for a page
// read in the database; kInput for an unknown status. And the views of a page's hit records.
Result<store::PageQuery> hit_selection(const std::string& status);
Result<std::vector<HitView>> hit_views(Workspace& workspace, const std::vector<store::Record>& hits,
                                       Date today);
// One hit; kNotFound for an unknown id.
Result<HitView> find_hit(Workspace& workspace, const std::string& id, Date today);

struct Decision {
  HitView hit;
  std::vector<std::string> flags;  // red flags the decision raised (ids), app/red_flags.h
};

// Records a person's decision on a hit: "confirmed" or "dismissed", with the reason (required).
// A decision on a hit whose listing changed is a decision on what matches now (its current
// reasons become the hit's). Confirming evaluates the red-flag rules: a hit that points back to a
// supplier raises a flag. Errors: kNotFound for an unknown hit, kInput for an empty reason,
// another status, or confirming a hit whose listing no longer matches.
Result<Decision> decide_hit(Workspace& workspace, const Session& session, const std::string& id,
                            const std::string& status, const std::string& reason, Date today);

// A listing image or a reference image's bytes, for the dashboard. kNotFound for an unknown one.
Result<std::string> read_listing_image(Workspace& workspace, const std::string& listing,
                                       const std::string& name);
Result<std::string> read_reference_image(Workspace& workspace, const std::string& reference);

// ---- The supply-chain link ------------------------------------------------------------------

// Every confirmed hit traced back, as the red-flag rules read it (flags::CounterfeitFacts): the
// product's secrets the copy shows (those of the rights it infringes and of the reference images
// it matches), which of them are not yet public (no disclosure, no published filing), and every
// supplier that holds any of them by the exposure analysis of the product's plan, with whether the
// seller's location names its city.
Result<std::vector<flags::CounterfeitFacts>> counterfeit_facts(Workspace& workspace, Date today);

// Whether a seller's location ("广东省东莞市", "Dongguan, Guangdong") names `city` ("东莞市",
// "Dongguan"), compared in the engine's normal form and in pinyin. A location written in Chinese
// characters is compared in characters with the city's own (from `city`, else the "…市" of
// `address` that reads as `city`), not by its sound: 宿州 is not 苏州, though both read "Suzhou".
bool names_city(std::string_view location, std::string_view city, std::string_view address = {});

// ---- JSON shapes, one for the CLI's --json and the API ---------------------------------------

nlohmann::json listing_json(const ListingView& listing);
nlohmann::json hit_json(const HitView& hit);
nlohmann::json reference_json(const ReferenceView& reference);
nlohmann::json product_references_json(const ProductReferences& product);
nlohmann::json import_report_json(const ListingImportReport& report);

}  // namespace moat::app
