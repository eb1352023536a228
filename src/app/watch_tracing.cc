// SPDX-License-Identifier: Apache-2.0
// Confirmed counterfeits traced to the supply chain: what a copy shows of the product's secrets,
// which of them are still secret, and who held them by the exposure analysis (app/sourcing.h).
#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include <nlohmann/json.hpp>

#include "app/record_fields.h"
#include "app/records.h"
#include "app/sourcing.h"
#include "app/watch.h"
#include "core/text.h"
#include "watch/watch.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;

// A city's name without its administrative suffix: "东莞市" -> "东莞", "Dongguan City" -> "Dongguan".
std::string bare_city(std::string_view city) {
  std::string out(trim(city));
  for (std::string_view suffix : {"市", " city", " City", " CITY"}) {
    if (out.size() > suffix.size() && out.ends_with(suffix)) out.resize(out.size() - suffix.size());
  }
  return out;
}

// Whether `text` holds a Chinese character (CJK Unified Ideographs, their extensions and
// compatibility forms).
bool has_han(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    if (i + length > text.size()) break;
    char32_t code = length == 1 ? byte : byte & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k)
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    if ((code >= 0x3400 && code <= 0x9FFF) || (code >= 0xF900 && code <= 0xFAFF) ||
        (code >= 0x20000 && code <= 0x323AF))
      return true;
    i += length;
  }
  return false;
}

// The city in Chinese characters: `city` itself when written so, else the two to four characters
// before a "市" of `address` that read as `city` ("江苏省苏州市…" gives 苏州 for "Suzhou"); empty
// when there is none.
std::string han_city(std::string_view city, std::string_view address) {
  if (has_han(city)) return std::string(city);
  const std::string sound = watch::pinyin(city);
  if (sound.empty()) return {};
  constexpr std::string_view kShi = "市";
  for (std::size_t at = address.find(kShi); at != std::string_view::npos; at = address.find(kShi, at + 1)) {
    for (std::size_t chars = 2; chars <= 4 && chars * 3 <= at; ++chars) {
      const std::string_view candidate = address.substr(at - chars * 3, chars * 3);
      if (first_invalid_utf8(candidate) || !has_han(candidate)) break;
      if (watch::pinyin(candidate) == sound) return std::string(candidate);
    }
  }
  return {};
}

struct Tables {
  std::vector<store::Record> hits, listings, rights, references, disclosures, suppliers;
};

Result<Tables> load(Workspace& workspace) {
  Tables t;
  MOAT_CHECK(read_tables(workspace.store(), {{"hits", &t.hits},
                                             {"listings", &t.listings},
                                             {"ip_rights", &t.rights},
                                             {"watch_references", &t.references},
                                             {"disclosures", &t.disclosures},
                                             {"suppliers", &t.suppliers}}));
  return t;
}

const json* find_by_id(const std::vector<store::Record>& records, const std::string& id) {
  const auto it =
      std::find_if(records.begin(), records.end(), [&](const json& r) { return text(r, "id") == id; });
  return it == records.end() ? nullptr : &*it;
}

// Made public on or before `today`: disclosed, or in a filing published (a design: granted).
bool is_public(const Tables& t, const std::string& product, const std::string& secret, Date today) {
  for (const json& d : t.disclosures) {
    const std::vector<std::string> secrets = list(d, "secrets");
    const std::optional<Date> on = date(d, "date");
    if (text(d, "product") == product && on && *on <= today &&
        std::find(secrets.begin(), secrets.end(), secret) != secrets.end()) {
      return true;
    }
  }
  for (const json& r : t.rights) {
    const std::vector<std::string> secrets = list(r, "secrets");
    if (std::find(secrets.begin(), secrets.end(), secret) == secrets.end()) continue;
    const std::optional<Date> published = date(r, "published");
    const std::optional<Date> registered = date(r, "registered");
    if ((published && *published <= today) || (registered && *registered <= today)) return true;
  }
  return false;
}

struct Shown {
  std::set<std::string> copied;  // by the rights and the images
  std::set<std::string> imaged;  // by the images alone
};

Shown shown_by(const Tables& t, const json& hit) {
  Shown shown;
  for (const std::string& right : list(hit, "rights")) {
    if (const json* r = find_by_id(t.rights, right)) {
      for (const std::string& s : list(*r, "secrets")) shown.copied.insert(s);
    }
  }
  const json reasons = json::parse(text(hit, "reasons"), nullptr, false);
  if (!reasons.is_array()) return shown;
  for (const json& reason : reasons) {
    if (text(reason, "kind") != "image") continue;
    if (const json* ref = find_by_id(t.references, text(reason, "reference"))) {
      for (const std::string& s : list(*ref, "secrets")) {
        shown.copied.insert(s);
        shown.imaged.insert(s);
      }
    }
  }
  return shown;
}

std::vector<flags::CounterfeitHolder> holders_of(const Tables& t, const ExposureReport& exposure,
                                                 const std::set<std::string>& copied,
                                                 const std::vector<std::string>& unpublished,
                                                 const std::string& location) {
  std::vector<flags::CounterfeitHolder> out;
  for (const ExposureRow& row : exposure.rows) {
    if (row.trusted) continue;  // the company's own sites: not a supplier that could leak to a seller
    std::vector<std::string> held;
    for (std::size_t i = 0; i < exposure.secrets.size() && i < row.cells.size(); ++i) {
      if (row.cells[i] != ' ' && copied.contains(exposure.secrets[i])) held.push_back(exposure.secrets[i]);
    }
    if (held.empty()) continue;
    for (const std::string& supplier : row.suppliers) {
      const json* record = find_by_id(t.suppliers, supplier);
      const std::string city = record ? text(*record, "city") : std::string();
      const std::string address = record ? text(*record, "address") : std::string();
      flags::CounterfeitHolder holder{.supplier = supplier,
                                      .party = row.party,
                                      .city = city,
                                      .secrets = held,
                                      .in_seller_city = !city.empty() && names_city(location, city, address)};
      for (const std::string& s : held) {
        if (std::find(unpublished.begin(), unpublished.end(), s) != unpublished.end())
          holder.unpublished_held.push_back(s);
      }
      out.push_back(std::move(holder));
    }
  }
  return out;
}

// A supplier a listing may name as its seller (the trusted ones left out), its names in the engine's
// normal form (full-width, traditional characters, case and spaces aside) and its credit code in
// lower case, made once for every hit.
struct SellerNames {
  const json* supplier;
  std::string legal_name, trading_name, uscc;
};
std::vector<SellerNames> seller_names(const std::vector<store::Record>& suppliers) {
  std::vector<SellerNames> out;
  for (const json& s : suppliers) {
    if (flag_of(s, "trusted")) continue;
    const auto normal = [&](const char* field) {
      const std::string name = text(s, field);
      return trim(name).empty() ? std::string() : watch::normalise(name);
    };
    const std::string uscc = text(s, "uscc");
    out.push_back({&s, normal("legal_name"), normal("name"), uscc.size() == 18 ? to_lower_ascii(uscc) : ""});
  }
  return out;
}

// What of a listing can name its seller: the seller's name in the normal form, and the seller's
// name, the description and the title in lower case.
struct SellerText {
  std::string seller;
  std::array<std::pair<const char*, std::string>, 3> fields;
};
SellerText seller_text(const json& listing) {
  SellerText out{watch::normalise(text(listing, "seller")), {}};
  std::size_t i = 0;
  for (const char* field : {"seller", "description", "title"})
    out.fields[i++] = {field, to_lower_ascii(text(listing, field))};
  return out;
}

// How the listing names `supplier` as the one selling it, or empty: the seller's name is the
// supplier's legal or trading name (in the normal form); or the seller's name or the listing's text
// holds its unified social credit code standing on its own (no letter or digit on either side), in
// any case (a Chinese shop shows its business licence).
std::string seller_naming(const SellerText& listing, const SellerNames& supplier) {
  if (!listing.seller.empty() && listing.seller == supplier.legal_name)
    return "the seller's name is its legal name, " + text(*supplier.supplier, "legal_name");
  if (!listing.seller.empty() && listing.seller == supplier.trading_name)
    return "the seller's name is its trading name, " + text(*supplier.supplier, "name");
  if (supplier.uscc.empty()) return {};
  const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (const auto& [field, in] : listing.fields) {
    for (std::size_t at = in.find(supplier.uscc); at != std::string::npos;
         at = in.find(supplier.uscc, at + 1)) {
      const std::size_t end = at + supplier.uscc.size();
      if ((at > 0 && alnum(in[at - 1])) || (end < in.size() && alnum(in[end]))) continue;
      return "the listing's " + std::string(field) + " shows its unified social credit code " +
             text(*supplier.supplier, "uscc");
    }
  }
  return {};
}

}  // namespace

bool names_city(std::string_view location, std::string_view city, std::string_view address) {
  const std::string wanted = bare_city(city);
  if (trim(location).empty() || wanted.empty()) return false;
  const std::string place = watch::normalise(location);
  if (has_han(location)) {
    // In characters on both sides the characters decide: a shared sound is no shared city.
    const std::string han = bare_city(han_city(wanted, address));
    if (!han.empty()) return place.find(watch::normalise(han)) != std::string::npos;
  }
  const std::string place_pinyin = watch::pinyin(location);
  for (const std::string& form : {watch::normalise(wanted), watch::pinyin(wanted)}) {
    if (form.empty()) continue;
    if (place.find(form) != std::string::npos || place_pinyin.find(form) != std::string::npos) return true;
  }
  return false;
}

Result<std::vector<flags::CounterfeitFacts>> counterfeit_facts(Workspace& workspace, Date today) {
  MOAT_TRY(const Tables t, load(workspace));
  std::vector<flags::CounterfeitFacts> out;
  std::optional<std::vector<SellerNames>> sellers;  // made at the first confirmed hit
  std::map<std::string, std::optional<ExposureReport>> exposures;
  for (const json& hit : t.hits) {
    if (text(hit, "status") != "confirmed") continue;
    MOAT_CHECK(watch::text_ready());
    const json* listing = find_by_id(t.listings, text(hit, "listing"));
    if (!listing) continue;
    const std::string product = text(hit, "product");
    if (!exposures.contains(product)) {
      Result<ExposureReport> exposure = plan_exposure(workspace, product, std::nullopt);
      exposures[product] = exposure.ok() ? std::optional<ExposureReport>(std::move(*exposure)) : std::nullopt;
    }
    const Shown shown = shown_by(t, hit);
    flags::CounterfeitFacts facts{text(hit, "id"),
                                  text(*listing, "id"),
                                  text(*listing, "platform"),
                                  text(*listing, "url"),
                                  product,
                                  text(*listing, "seller"),
                                  text(*listing, "seller_location"),
                                  {shown.copied.begin(), shown.copied.end()},
                                  {},
                                  {}};
    for (const std::string& s : shown.imaged) {
      if (!is_public(t, product, s, today)) facts.unpublished.push_back(s);
    }
    if (const auto& exposure = exposures[product]) {
      facts.holders = holders_of(t, *exposure, shown.copied, facts.unpublished, facts.seller_location);
    }
    // A supplier the listing names as its seller is linked whatever it held.
    if (!sellers) sellers = seller_names(t.suppliers);
    const SellerText names = seller_text(*listing);
    for (const SellerNames& supplier : *sellers) {
      const std::string naming = seller_naming(names, supplier);
      if (naming.empty()) continue;
      const std::string id = text(*supplier.supplier, "id");
      auto holder = std::find_if(facts.holders.begin(), facts.holders.end(),
                                 [&](const flags::CounterfeitHolder& h) { return h.supplier == id; });
      if (holder == facts.holders.end()) {
        facts.holders.push_back({.supplier = id, .city = text(*supplier.supplier, "city")});
        holder = facts.holders.end() - 1;
      }
      holder->seller_is_it = naming;
    }
    out.push_back(std::move(facts));
  }
  return out;
}

}  // namespace moat::app
