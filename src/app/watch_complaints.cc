// SPDX-License-Identifier: Apache-2.0
#include "app/watch_complaints.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "app/blobs.h"
#include "app/json_text.h"
#include "app/record_fields.h"
#include "app/records.h"
#include "app/vetting.h"
#include "app/watch_matching.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;
using watch_internal::table;

const std::vector<std::string> kAllRightKinds = {"trademark", "design", "invention", "utility-model",
                                                 "copyright"};
const std::vector<std::string> kAlibabaSites = {"alibaba", "1688", "taobao", "tmall", "aliexpress"};

// The platforms' processes, as docs/watch.md describes them with their sources.
std::vector<PlatformRules> make_platforms() {
  const PlatformRules alibaba{"",
                              "",
                              "Alibaba IP Protection Platform (IPP)",
                              "https://ipp.alibabagroup.com",
                              kAllRightKinds,
                              {"CN"},
                              300,
                              {"zh", "en"},
                              "ipp.alibabagroup.com (instructions, FAQ); SECA, Alibaba best practices, 2022"};
  std::vector<PlatformRules> out;
  const std::pair<const char*, const char*> sites[] = {{"alibaba", "Alibaba.com"},
                                                       {"1688", "1688.com"},
                                                       {"taobao", "Taobao"},
                                                       {"tmall", "Tmall"},
                                                       {"aliexpress", "AliExpress"}};
  for (const auto& [id, name] : sites) {
    PlatformRules site = alibaba;
    site.id = id;
    site.name = name;
    out.push_back(std::move(site));
  }
  out.push_back(
      {"jd",
       "JD.com",
       "JD IPR protection platform",
       "https://ipr.jd.com",
       kAllRightKinds,
       {"CN"},
       20,
       {"zh"},
       "INTA, Intellectual Property Protection on JD.com, 2021 (links per complaint not verified)"});
  out.push_back(
      {"pinduoduo",
       "Pinduoduo",
       "Pinduoduo IP protection platform",
       "https://ipr.pinduoduo.com",
       kAllRightKinds,
       {"CN"},
       20,
       {"zh", "en"},
       "Pinduoduo, Fighting IP violations, 2020; E-Commerce Law Art. 42 (links per complaint not verified)"});
  out.push_back({"amazon",
                 "Amazon",
                 "Amazon Brand Registry (Report a Violation)",
                 "https://brandservices.amazon.com",
                 {"trademark"},
                 {"US", "BR", "CA", "MX", "AU", "IN", "JP", "FR", "DE", "IT", "ES", "NL",
                  "BX", "TR", "SG", "SA", "SE", "PL", "EG", "GB", "EM", "EU", "AE"},
                 50,
                 {"en"},
                 "brandservices.amazon.com FAQ (offices); links per report not verified"});
  out.push_back({"ebay",
                 "eBay",
                 "eBay VeRO (Notice of Claimed Infringement)",
                 "https://www.ebay.com/sellercenter/ebay-for-business/verified-rights-owner-program",
                 kAllRightKinds,
                 {},
                 100,
                 {"en"},
                 "eBay VeRO programme (not verified)"});
  out.push_back({"other",
                 "another marketplace",
                 "the marketplace's notice-and-takedown procedure",
                 "",
                 kAllRightKinds,
                 {},
                 50,
                 {"en", "zh"},
                 "E-Commerce Law Art. 42 (China); the marketplace's own rules"});
  return out;
}

const std::vector<PlatformRules>& platforms() {
  static const std::vector<PlatformRules> kPlatforms = make_platforms();
  return kPlatforms;
}

bool same_process(const std::string& a, const std::string& b) {
  const auto alibaba = [](const std::string& p) {
    return std::find(kAlibabaSites.begin(), kAlibabaSites.end(), p) != kAlibabaSites.end();
  };
  return a == b || (alibaba(a) && alibaba(b));
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

UsableRight usable_on(const PlatformRules& platform, const RightView& right) {
  UsableRight out{right, false, ""};
  const bool registered = right.status == "registered" || right.status == "granted";
  if (!right.own) {
    out.why = "held by " + right.owner + ", not by the company: only its holder may complain under it";
  } else if (!contains(platform.right_kinds, right.kind)) {
    out.why = "a " + right.kind + ": " + platform.programme + " acts on " + join(platform.right_kinds, ", ");
  } else if (!platform.offices.empty() && !contains(platform.offices, right.jurisdiction)) {
    out.why = "filed in " + right.jurisdiction + ": " + platform.programme + " acts on rights of " +
              join(platform.offices, ", ");
  } else if (right.status == "pending") {
    out.why = "pending application: not usable until " +
              std::string(right.kind == "trademark" ? "registered" : "granted");
  } else if (!registered) {
    out.why = right.status == "ended" ? "no longer in force" : "not filed";
  } else {
    out.usable = true;
    out.why = right.status + " in " + right.jurisdiction +
              (right.registration_number.empty() ? "" : " (no. " + right.registration_number + ")");
  }
  return out;
}

EnforcementDocument document_of(const json& r, const std::map<std::string, std::string>& names) {
  const auto name = names.find(text(r, "document"));
  return {
      text(r, "id"),       text(r, "kind"),     text(r, "document"), name == names.end() ? "" : name->second,
      text(r, "right"),    text(r, "language"), text(r, "expires"),  text(r, "note"),
      text(r, "added_at"), text(r, "added_by")};
}

bool in_force(const EnforcementDocument& d, Date today) {
  const std::optional<Date> expires = Date::parse(d.expires);
  return !expires || *expires >= today;
}

// The documents a complaint on `platform` with `right` uses, and what it lacks.
struct Paperwork {
  std::vector<EnforcementDocument> documents;
  std::vector<std::string> missing;
};

// A language tag's language, in lower case: "zh-Hans-CN" and "ZH" are "zh".
std::string primary_language(std::string_view tag) {
  return to_lower_ascii(tag.substr(0, tag.find('-')));
}

Paperwork paperwork(const PlatformRules& platform, const RightView& right, const std::string& agent,
                    const std::vector<EnforcementDocument>& all, Date today) {
  Paperwork out;
  const auto taken = [&](const EnforcementDocument& d) {
    return d.language.empty() || contains(platform.languages, primary_language(d.language));
  };
  // Of the documents in force, one in a language the platform takes before one that needs a
  // translation.
  const auto find = [&](const std::string& kind, const std::string& for_right) -> const EnforcementDocument* {
    const EnforcementDocument* found = nullptr;
    for (const EnforcementDocument& d : all) {
      if (d.kind != kind || d.right != for_right || !in_force(d, today)) continue;
      if (taken(d)) return &d;
      if (!found) found = &d;
    }
    return found;
  };
  const auto need = [&](const std::string& kind, const std::string& for_right,
                        const std::string& missing_text) {
    const EnforcementDocument* d = find(kind, for_right);
    if (!d) {
      out.missing.push_back(missing_text);
      return;
    }
    out.documents.push_back(*d);
    if (taken(*d)) return;
    if (const EnforcementDocument* t = find("translation", for_right.empty() ? d->id : for_right)) {
      out.documents.push_back(*t);
    } else {
      out.missing.push_back("translation of " + d->id + " (" + d->kind + ", in " + d->language + ") into " +
                            join(platform.languages, " or "));
    }
  };
  need("certificate", right.id,
       "registration certificate of " + right.id + " (" + right.jurisdiction + " " + right.kind +
           (right.registration_number.empty() ? "" : " no. " + right.registration_number) + ")");
  if (find("business-licence", "")) {
    need("business-licence", "", "");
  } else if (find("identity", "")) {
    need("identity", "", "");
  } else {
    out.missing.push_back("the rights holder's business licence (or identity document)");
  }
  if (!agent.empty()) need("power-of-attorney", "", "power of attorney from the rights holder to " + agent);
  return out;
}

Result<std::vector<EnforcementDocument>> all_documents(Workspace& workspace) {
  std::vector<store::Record> records, documents;
  MOAT_CHECK(read_tables(workspace.store(), {{"watch_documents", &records}, {"documents", &documents}}));
  std::map<std::string, std::string> names;
  for (const json& d : documents) names[text(d, "id")] = text(d, "name");
  std::vector<EnforcementDocument> out;
  for (const json& r : records) out.push_back(document_of(r, names));
  std::sort(out.begin(), out.end(), [](const EnforcementDocument& a, const EnforcementDocument& b) {
    return id_number(a.id, "ED") < id_number(b.id, "ED");
  });
  return out;
}

// Why a confirmed hit whose listing changed since is not packaged as it was confirmed.
std::string changed_text(const HitView& hit) {
  return "a capture that still shows the copy: " + hit.id + "'s listing " + hit.listing.id +
         " changed since it was confirmed (seen " + hit.listing_changed_at + ", " +
         (hit.current_reasons.empty() ? "no longer matching" : "now: " + hit.current_reasons.front().detail) +
         "): confirm it again on the current capture, or dismiss it";
}

// What the complaint's hits now lack, re-derived from their current state: a hit dismissed since
// the complaint was drafted (or gone) is no longer a copy to report.
std::vector<std::string> hits_missing(const std::vector<std::string>& named,
                                      const std::vector<HitView>& hits) {
  std::vector<std::string> out;
  for (const std::string& id : named) {
    const auto hit = std::find_if(hits.begin(), hits.end(), [&](const HitView& h) { return h.id == id; });
    if (hit == hits.end()) {
      out.push_back("hit " + id + ": no longer recorded");
    } else if (hit->status != "confirmed") {
      out.push_back("a confirmed hit: " + id + " is " + hit->status +
                    (hit->decision_reason.empty() ? "" : " (" + hit->decision_reason + ")") +
                    ": take its link out or withdraw the complaint");
    } else if (!hit->listing_changed_at.empty()) {
      out.push_back(changed_text(*hit));
    }
  }
  return out;
}

ComplaintView complaint_view(const json& r, const std::vector<HitView>& hits, const PlatformRules* platform,
                             const std::vector<EnforcementDocument>& documents,
                             const std::map<std::string, RightView>& rights, Date today) {
  ComplaintView view{text(r, "id"),
                     text(r, "platform"),
                     list(r, "hits"),
                     list(r, "rights"),
                     {},
                     text(r, "status"),
                     text(r, "drafted_at"),
                     text(r, "drafted_by"),
                     text(r, "filed_on"),
                     text(r, "removed_on"),
                     text(r, "counter_notice_on"),
                     text(r, "relisted_on"),
                     text(r, "platform_reference"),
                     text(r, "agent"),
                     text(r, "folder"),
                     text(r, "note"),
                     {},
                     false};
  for (const HitView& h : hits) {
    if (contains(view.hits, h.id)) view.links.push_back(h.listing.url);
  }
  view.missing = hits_missing(view.hits, hits);
  if (platform && !view.rights.empty() && rights.contains(view.rights.front())) {
    const UsableRight right = usable_on(*platform, rights.at(view.rights.front()));
    if (!right.usable) view.missing.push_back("a right in force: " + right.right.id + " " + right.why);
    const std::string agent = text(r, "agent");
    for (std::string& m : paperwork(*platform, right.right, agent, documents, today).missing)
      view.missing.push_back(std::move(m));
  }
  view.ready = view.missing.empty();
  return view;
}

// ---- Writing a package -----------------------------------------------------------------------

std::string slug(const std::string& text) {
  std::string out;
  for (const char c : text)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
  return out;
}

Status write_text(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return Error(ErrorCode::kInternal, path.string(), "cannot write this file");
  return {};
}

struct Planned {
  std::string id;
  RightView right;
  std::vector<HitView> hits;
  Paperwork paperwork;
  std::string folder;
};

json evidence_json(const HitView& hit) {
  json images = json::array();
  for (const ImageView& i : hit.listing.images) {
    images.push_back({{"file", "evidence/" + hit.listing.id + "/" + slug(i.name)},
                      {"sha256", i.sha256},
                      {"captured_at", i.captured_at},
                      {"captured_by", i.captured_by}});
  }
  return images;
}

// Why the listing infringes, as a complaint tells the platform, which passes the notice on to the
// seller (E-Commerce Law art. 42): the marks, models and pictures it matched, never the price
// reason (its floor is the company's own unit cost) nor the watch's reference ids (a picture is
// "the genuine product's photo").
std::string reasons_text(const HitView& hit) {
  std::vector<std::string> out;
  for (const ReasonView& r : hit.reasons) {
    if (r.kind == "price") continue;
    std::string detail = r.detail;
    if (r.kind == "image" && !r.reference.empty()) {
      const std::string quoted = "'" + r.reference + "'";
      for (std::size_t at = detail.find(quoted); at != std::string::npos; at = detail.find(quoted, at))
        detail.replace(at, quoted.size(), "the genuine product's photo");
    }
    out.push_back(r.kind + ": " + detail);
  }
  return join(out, "; ");
}

json complaint_fields(const Workspace& workspace, const PlatformRules& platform, const Planned& p,
                      const std::string& agent) {
  json links = json::array();
  for (const HitView& h : p.hits) {
    links.push_back({{"url", h.listing.url},
                     {"platform", h.listing.platform},
                     {"listing_id", h.listing.listing_id},
                     {"title", h.listing.title},
                     {"seller", h.listing.seller},
                     {"store_url", h.listing.store_url},
                     {"seller_location", h.listing.seller_location},
                     {"price", h.listing.price ? json(*h.listing.price) : json()},
                     {"currency", h.listing.currency},
                     {"hit", h.id},
                     {"why", reasons_text(h)},
                     {"evidence", evidence_json(h)}});
  }
  json documents = json::array();
  for (const EnforcementDocument& d : p.paperwork.documents) {
    documents.push_back({{"id", d.id},
                         {"kind", d.kind},
                         {"file", "documents/" + d.id + "-" + slug(d.name)},
                         {"right", d.right},
                         {"language", d.language}});
  }
  const std::string kind = p.right.kind == "trademark"   ? "trademark infringement (counterfeit)"
                           : p.right.kind == "copyright" ? "copyright infringement"
                                                         : "patent infringement (" + p.right.kind + ")";
  return {{"format", "moat-takedown"},
          {"version", 1},
          {"complaint", p.id},
          {"platform", platform.id},
          {"platform_name", platform.name},
          {"programme", platform.programme},
          {"portal", platform.portal},
          {"complainant",
           {{"rights_holder", workspace.config().company}, {"agent", agent.empty() ? json() : json(agent)}}},
          {"infringement_type", kind},
          {"ipr",
           {{"id", p.right.id},
            {"type", p.right.kind},
            {"jurisdiction", p.right.jurisdiction},
            {"title", p.right.title},
            {"mark", p.right.mark},
            {"registration_number", p.right.registration_number},
            {"status", p.right.status}}},
          {"links", links},
          {"max_links", platform.max_links},
          {"documents", documents},
          {"missing", p.paperwork.missing},
          {"ready", p.paperwork.missing.empty()}};
}

std::string summary_text(const json& fields) {
  std::string out = "# Takedown complaint " + fields["complaint"].get<std::string>() + " — " +
                    fields["platform_name"].get<std::string>() + "\n\n";
  out +=
      "File with: " + fields["programme"].get<std::string>() +
      (fields["portal"].get<std::string>().empty() ? "" : " (" + fields["portal"].get<std::string>() + ")") +
      "\n";
  out += "Rights holder: " + fields["complainant"]["rights_holder"].get<std::string>() + "\n";
  if (fields["complainant"]["agent"].is_string())
    out += "Filed by: " + fields["complainant"]["agent"].get<std::string>() + "\n";
  const json& ipr = fields["ipr"];
  out += "Right: " + ipr["id"].get<std::string>() + ", " + ipr["jurisdiction"].get<std::string>() + " " +
         ipr["type"].get<std::string>() + " '" + ipr["mark"].get<std::string>() + "'" +
         (ipr["registration_number"].get<std::string>().empty()
              ? ""
              : ", no. " + ipr["registration_number"].get<std::string>()) +
         " (" + ipr["status"].get<std::string>() + ")\n";
  out += "Infringement: " + fields["infringement_type"].get<std::string>() + "\n\n## Links (" +
         std::to_string(fields["links"].size()) + " of at most " +
         std::to_string(fields["max_links"].get<std::size_t>()) + ")\n\n";
  for (const json& l : fields["links"]) {
    const std::string seller = l["seller"].get<std::string>();
    const std::string location = l["seller_location"].get<std::string>();
    // Alibaba's programme takes the links of all its marketplaces (same_process): each is named.
    const std::string on = l["platform"].get<std::string>();
    out += "- " + l["url"].get<std::string>() +
           (on == fields["platform"].get<std::string>() ? "" : " (" + on + ")") + "\n  " +
           l["title"].get<std::string>() + "\n";
    if (!seller.empty() || !location.empty()) {
      out += "  seller: " + (seller.empty() ? "not given" : seller) +
             (location.empty() ? "" : " (" + location + ")") + "\n";
    }
    out += "  why: " + l["why"].get<std::string>() + "\n";
    for (const json& e : l["evidence"]) {
      out += "  evidence: " + e["file"].get<std::string>() + " SHA-256 " + e["sha256"].get<std::string>() +
             ", captured " + e["captured_at"].get<std::string>() + " by " +
             e["captured_by"].get<std::string>() + "\n";
    }
  }
  out += "\n## Documents\n\n";
  for (const json& d : fields["documents"])
    out += "- " + d["kind"].get<std::string>() + ": " + d["file"].get<std::string>() + "\n";
  out += "\n## Still missing\n\n";
  if (fields["missing"].empty()) out += "Nothing: ready to file.\n";
  for (const json& m : fields["missing"]) out += "- " + m.get<std::string>() + "\n";
  return out;
}

Status write_folder(Workspace& workspace, const PlatformRules& platform, const Planned& p,
                    const std::string& agent, const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir / "evidence", error);
  std::filesystem::create_directories(dir / "documents", error);
  if (error) return Error(ErrorCode::kInput, dir.string(), "cannot create this folder: " + error.message());
  for (const HitView& h : p.hits) {
    std::filesystem::create_directories(dir / "evidence" / h.listing.id, error);
    for (const ImageView& i : h.listing.images) {
      MOAT_CHECK(copy_blob_to_file(workspace, i.blob, dir / "evidence" / h.listing.id / slug(i.name)));
    }
  }
  for (const EnforcementDocument& d : p.paperwork.documents) {
    MOAT_CHECK(save_document(workspace, d.document, dir / "documents" / (d.id + "-" + slug(d.name))));
  }
  const json fields = complaint_fields(workspace, platform, p, agent);
  MOAT_CHECK(write_text(dir / "complaint.json", fields.dump(2) + "\n"));
  return write_text(dir / "summary.md", summary_text(fields));
}

// Whether a complaint in `status` holds its hits: drafted, filed, counter-noticed, or removed (the
// listing was taken down under it). A relisted one (its takedown undone: a new notice is the
// remedy) and a withdrawn one let them go. A hit is in at most one complaint that holds it.
bool holds_hits(const std::string& status) {
  return status != "relisted" && status != "withdrawn";
}

// Each hit held by a complaint, with that complaint.
using HeldHits = std::map<std::string, const json*>;
HeldHits held_hits(const std::vector<store::Record>& complaints) {
  HeldHits out;
  for (const json& c : complaints) {
    if (!holds_hits(text(c, "status"))) continue;
    for (const std::string& h : list(c, "hits")) out.emplace(h, &c);
  }
  return out;
}

// Why hit `id` cannot go into another complaint while `complaint` holds it.
Error held_by(const std::string& id, const json& complaint) {
  const std::string c = text(complaint, "id");
  const std::string status = text(complaint, "status");
  if (status == "removed") {
    return input_error("--hits",
                       "hit " + id + "'s listing was taken down under complaint " + c +
                           " (removed): if it is back, record that first (moat watch complaint set " + c +
                           " --status relisted)");
  }
  return input_error("--hits", "hit " + id + " is in complaint " + c + " (" + status +
                                   "), and a hit is in one open complaint at a time: to draft it again, "
                                   "withdraw " +
                                   c + " first (moat watch complaint set " + c + " --status withdrawn)");
}

// The hits to package; confirmed hits whose listing changed since are left out (a complaint never
// quotes a reason the listing's current capture contradicts), into `changed`.
Result<std::vector<HitView>> chosen_hits(Workspace& workspace, const PackageRequest& request, Date today,
                                         const HeldHits& held, std::vector<HitView>& changed) {
  MOAT_TRY(const std::vector<HitView> confirmed, list_hits(workspace, "confirmed", today));
  if (request.hits.empty()) {
    std::vector<HitView> out;
    for (const HitView& h : confirmed) {
      if (!same_process(h.listing.platform, request.platform) || held.contains(h.id)) continue;
      (h.listing_changed_at.empty() ? out : changed).push_back(h);
    }
    return out;
  }
  std::set<std::string> named;
  for (const std::string& id : request.hits) {
    if (!named.insert(id).second) return input_error("--hits", "names " + id + " twice");
  }
  std::vector<HitView> out;
  for (const std::string& id : request.hits) {
    auto found = find_hit(workspace, id, today);
    if (!found.ok() && found.error().code() == ErrorCode::kNotFound)
      return Error(ErrorCode::kNotFound, "--hits", "no hit '" + id + "'");
    MOAT_TRY(const HitView hit, std::move(found));
    if (hit.status != "confirmed")
      return input_error("--hits", "hit " + id + " is " + hit.status + ", not confirmed");
    if (!same_process(hit.listing.platform, request.platform)) {
      return input_error(
          "--hits", "hit " + id + " is a listing on " + hit.listing.platform + ", not " + request.platform);
    }
    if (!hit.listing_changed_at.empty())
      return input_error("--hits", "hit " + id + " needs " + changed_text(hit));
    if (const auto holder = held.find(id); holder != held.end()) return held_by(id, *holder->second);
    out.push_back(hit);
  }
  return out;
}

// A complaint's dates follow what can happen: nothing in the future, a complaint is filed after it
// was drafted, removed or counter-noticed after it was filed, relisted after it was removed.
Status check_sequence(const json& complaint, const std::string& status, Date on, Date today) {
  if (today < on)
    return input_error("--on", on.to_string() + " is in the future (today is " + today.to_string() + ")");
  const std::optional<Date> drafted = Date::parse(text(complaint, "drafted_at").substr(0, 10));
  if (drafted && on < *drafted) {
    return input_error(
        "--on", on.to_string() + " is before the complaint was drafted (" + drafted->to_string() + ")");
  }
  static const std::map<std::string, std::pair<std::string, std::string>> kAfter = {
      {"removed", {"filed_on", "filed"}},
      {"counter-notice", {"filed_on", "filed"}},
      {"relisted", {"removed_on", "removed"}}};
  const auto after = kAfter.find(status);
  if (after == kAfter.end()) return {};
  const std::optional<Date> before = date(complaint, after->second.first);
  if (!before) {
    return input_error("--status", "a complaint is " + status + " only after it was " + after->second.second +
                                       ": record that first (--status " + after->second.second + ")");
  }
  if (on < *before) {
    return input_error("--on", on.to_string() + " is before the complaint was " + after->second.second +
                                   " (" + before->to_string() + ")");
  }
  return {};
}

// A complaint is withdrawn while it holds its hits and it has not succeeded (removed); one that
// let its hits go holds them again only when no other complaint holds one of them since.
Status check_holding(Workspace& workspace, const json& complaint, const std::string& status) {
  const std::string now = text(complaint, "status");
  if (status == "withdrawn" && (now == "removed" || !holds_hits(now))) {
    return input_error("--status",
                       "complaint " + text(complaint, "id") + " is " + now +
                           ": only an open complaint (drafted, filed, counter-notice) is withdrawn");
  }
  if (holds_hits(now) || !holds_hits(status)) return {};
  MOAT_TRY(const std::vector<store::Record> stored, workspace.store().list(table("complaints")));
  const HeldHits held = held_hits(stored);
  for (const std::string& h : list(complaint, "hits")) {
    const auto holder = held.find(h);
    if (holder == held.end()) continue;
    return input_error("--status", "complaint " + text(complaint, "id") + " cannot be " + status +
                                       " again: its hit " + h + " is in complaint " +
                                       text(*holder->second, "id") + " (" + text(*holder->second, "status") +
                                       ") now");
  }
  return {};
}

Status check_out_folder(const std::filesystem::path& out) {
  std::error_code error;
  if (!std::filesystem::exists(out, error)) return {};
  if (!std::filesystem::is_directory(out, error)) return input_error(out.string(), "--out must be a folder");
  return {};
}

// Whether `tag` has the shape of a BCP 47 language tag: a language of two or three letters, then
// subtags of one to eight letters or digits ("zh", "zh-Hans", "zh-Hant-TW", "en-GB").
bool language_tag(std::string_view tag) {
  std::size_t part = 0;
  while (true) {
    const std::size_t end = std::min(tag.find('-'), tag.size());
    const std::string_view subtag = tag.substr(0, end);
    const bool letters = std::all_of(subtag.begin(), subtag.end(),
                                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
    const bool alnum = std::all_of(subtag.begin(), subtag.end(),
                                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
    if (part == 0 ? !(letters && subtag.size() >= 2 && subtag.size() <= 3)
                  : !(alnum && !subtag.empty() && subtag.size() <= 8))
      return false;
    if (end == tag.size()) return true;
    tag = tag.substr(end + 1);
    ++part;
  }
}

}  // namespace

bool Enforceability::enforceable() const {
  return std::any_of(rights.begin(), rights.end(), [](const UsableRight& r) { return r.usable; });
}

Result<PlatformRules> platform_rules(const std::string& platform) {
  // In any case, as a listings file may write it (Taobao, TMALL).
  for (const PlatformRules& p : platforms()) {
    if (p.id == to_lower_ascii(platform)) return p;
  }
  return input_error(
      "PLATFORM", "'" + platform + "' is not a platform moat knows (" + join(watch_platforms(), ", ") + ")");
}

Result<EnforcementDocument> add_enforcement_document(Workspace& workspace, const Session& session,
                                                     const EnforcementDocumentInput& input) {
  static const std::vector<std::string> kKinds = {"certificate", "power-of-attorney", "business-licence",
                                                  "translation", "identity",          "test-buy"};
  if (!contains(kKinds, input.kind))
    return input_error("KIND", "'" + input.kind + "' is not one of " + join(kKinds, ", "));
  if (!input.language.empty() && !language_tag(input.language)) {
    return input_error("--language", "'" + cut_short(input.language) +
                                         "' is not a language tag: its language's ISO 639 code (zh, en, de), "
                                         "then optional subtags (zh-Hans, zh-CN)");
  }
  if ((input.kind == "certificate") && input.right.empty()) {
    return input_error("--right", "a certificate is a right's: name it with --right");
  }
  if (!input.right.empty()) {
    MOAT_TRY(const std::optional<store::Record> right,
             workspace.store().get(table("ip_rights"), {input.right}));
    if (!right) return Error(ErrorCode::kNotFound, "--right", "no IP right '" + input.right + "'");
  }
  MOAT_CHECK(regular_file(input.file));
  MOAT_TRY(const Document document,
           add_document_file(workspace, session, input.file.filename().string(), input.file, input.kind));
  const store::Author author = session.author();
  EnforcementDocument added;
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    MOAT_TRY(const std::vector<store::Record> stored, workspace.store().list(table("watch_documents")));
    std::vector<std::string> ids;
    for (const json& r : stored) ids.push_back(text(r, "id"));
    json record = {{"id", next_id(ids, "ED")},
                   {"kind", input.kind},
                   {"document", document.id},
                   {"added_at", author.at},
                   {"added_by", author.actor}};
    if (!input.right.empty()) record["right"] = input.right;
    if (!input.language.empty()) record["language"] = input.language;
    if (input.expires) record["expires"] = input.expires->to_string();
    if (!input.note.empty()) record["note"] = input.note;
    MOAT_TRY(const std::vector<store::Record> written,
             put_checked(workspace, writer, {{&table("watch_documents"), record}}));
    added = document_of(written.front(), {{document.id, document.name}});
    return {};
  }));
  (void)events;
  return added;
}

Result<std::vector<EnforcementDocument>> list_enforcement_documents(Workspace& workspace) {
  return all_documents(workspace);
}

Result<Enforceability> enforceability(Workspace& workspace, const std::string& hit,
                                      const std::string& platform, Date today) {
  MOAT_TRY(const PlatformRules rules, platform_rules(platform));
  MOAT_TRY(const HitView view, find_hit(workspace, hit, today));
  Enforceability out{view, {}};
  for (const RightView& r : view.rights) out.rights.push_back(usable_on(rules, r));
  return out;
}

Result<PackageReport> write_packages(Workspace& workspace, const Session& session,
                                     const PackageRequest& asked, Date today) {
  MOAT_TRY(const PlatformRules platform, platform_rules(asked.platform));
  PackageRequest request = asked;
  request.platform = platform.id;
  MOAT_CHECK(check_out_folder(request.out));
  MOAT_TRY(const std::vector<store::Record> stored, workspace.store().list(table("complaints")));
  std::vector<std::string> ids;
  for (const json& c : stored) ids.push_back(text(c, "id"));
  PackageReport report;
  MOAT_TRY(const std::vector<HitView> hits,
           chosen_hits(workspace, request, today, held_hits(stored), report.changed));
  MOAT_TRY(const std::vector<EnforcementDocument> documents, all_documents(workspace));
  std::vector<Planned> planned;
  for (const HitView& h : hits) {
    Enforceability e{h, {}};
    for (const RightView& r : h.rights) e.rights.push_back(usable_on(platform, r));
    const auto usable =
        std::find_if(e.rights.begin(), e.rights.end(), [](const UsableRight& r) { return r.usable; });
    if (usable == e.rights.end()) {
      report.not_usable.push_back(std::move(e));
      continue;
    }
    // One right per complaint (Alibaba's IPP: one IPR document per request), at most max_links links.
    const auto open = std::find_if(planned.begin(), planned.end(), [&](const Planned& p) {
      return p.right.id == usable->right.id && p.hits.size() < platform.max_links;
    });
    if (open != planned.end()) {
      open->hits.push_back(h);
      continue;
    }
    Planned p{next_id(ids, "C"),
              usable->right,
              {h},
              paperwork(platform, usable->right, request.agent, documents, today),
              ""};
    ids.push_back(p.id);
    p.folder = (request.out / (p.id + "-" + platform.id)).string();
    planned.push_back(std::move(p));
  }
  for (const Planned& p : planned) {
    std::error_code error;
    if (std::filesystem::exists(p.folder, error))
      return input_error(p.folder, "exists already: choose another --out");
  }
  std::vector<std::filesystem::path> written;
  const auto remove_written = [&] {
    std::error_code error;
    for (const auto& dir : written) std::filesystem::remove_all(dir, error);
  };
  for (const Planned& p : planned) {
    const std::filesystem::path partial = request.out / ("." + p.id + "-" + platform.id + ".partial");
    written.push_back(partial);
    Status done = write_folder(workspace, platform, p, request.agent, partial);
    std::error_code error;
    if (done.ok()) std::filesystem::rename(partial, p.folder, error);
    if (!done.ok() || error) {
      remove_written();
      if (!done.ok()) return std::move(done).error();
      return Error(ErrorCode::kInternal, p.folder, "cannot write this folder: " + error.message());
    }
    written.back() = p.folder;
  }
  const store::Author author = session.author();
  Result<std::int64_t> recorded = workspace.store().write(author, [&](store::Writer& writer) -> Status {
    for (const Planned& p : planned) {
      std::vector<std::string> hit_ids;
      for (const HitView& h : p.hits) hit_ids.push_back(h.id);
      const json record = {{"id", p.id},
                           {"platform", request.platform},
                           {"hits", hit_ids},
                           {"rights", {p.right.id}},
                           {"status", "drafted"},
                           {"drafted_at", author.at},
                           {"drafted_by", author.actor},
                           {"folder", p.folder},
                           {"agent", request.agent.empty() ? json() : json(request.agent)}};
      MOAT_TRY(const std::vector<store::Record> put,
               put_checked(workspace, writer, {{&table("complaints"), record}}));
      (void)put;
    }
    return {};
  });
  if (!recorded.ok()) {
    remove_written();
    return std::move(recorded).error();
  }
  MOAT_TRY(const std::vector<ComplaintView> all, list_complaints(workspace, today));
  for (const Planned& p : planned) {
    for (const ComplaintView& c : all) {
      if (c.id == p.id) report.complaints.push_back(c);
    }
  }
  return report;
}

Result<ComplaintView> set_complaint_status(Workspace& workspace, const Session& session,
                                           const std::string& id, const ComplaintUpdate& update, Date today) {
  static const std::map<std::string, std::string> kDateField = {{"drafted", ""},
                                                                {"filed", "filed_on"},
                                                                {"removed", "removed_on"},
                                                                {"counter-notice", "counter_notice_on"},
                                                                {"relisted", "relisted_on"},
                                                                {"withdrawn", ""}};
  const auto field = kDateField.find(update.status);
  if (field == kDateField.end()) {
    return input_error("--status", "'" + update.status +
                                       "' is not a complaint status (drafted, filed, removed, "
                                       "counter-notice, relisted, withdrawn)");
  }
  if (update.status == "withdrawn" && update.on) {
    return input_error("--on",
                       "a withdrawal keeps no date of its own (the ledger records when): leave out --on");
  }
  const Date on = update.on.value_or(today);
  const store::Author author = session.author();
  MOAT_TRY(const std::int64_t events, workspace.store().write(author, [&](store::Writer& writer) -> Status {
    MOAT_TRY(std::optional<store::Record> record, workspace.store().get(table("complaints"), {id}));
    if (!record) return Error(ErrorCode::kNotFound, "COMPLAINT", "no complaint '" + id + "'");
    MOAT_CHECK(check_sequence(*record, update.status, on, today));
    MOAT_CHECK(check_holding(workspace, *record, update.status));
    (*record)["status"] = update.status;
    if (!field->second.empty()) (*record)[field->second] = on.to_string();
    if (!update.platform_reference.empty()) (*record)["platform_reference"] = update.platform_reference;
    (*record)["updated_by"] = author.actor;
    (*record)["updated_at"] = author.at;
    if (!update.note.empty()) (*record)["note"] = update.note;
    MOAT_TRY(const std::vector<store::Record> put,
             put_checked(workspace, writer, {{&table("complaints"), *record}}));
    (void)put;
    return {};
  }));
  (void)events;
  MOAT_TRY(const std::vector<ComplaintView> all, list_complaints(workspace, today));
  for (const ComplaintView& c : all) {
    if (c.id == id) return c;
  }
  return Error(ErrorCode::kNotFound, "COMPLAINT", "no complaint '" + id + "'");
}

Result<std::vector<ComplaintView>> list_complaints(Workspace& workspace, Date today) {
  MOAT_TRY(std::vector<store::Record> records, workspace.store().list(table("complaints")));
  std::sort(records.begin(), records.end(), [](const json& a, const json& b) {
    return id_number(text(a, "id"), "C") < id_number(text(b, "id"), "C");
  });
  return complaint_views(workspace, records, today);
}

store::PageQuery complaint_selection() {
  store::PageQuery selection;
  selection.order = {{"id", false, true}, {"id", false, false}};
  return selection;
}

Result<std::vector<ComplaintView>> complaint_views(Workspace& workspace,
                                                   const std::vector<store::Record>& complaints, Date today) {
  std::set<std::string> named;
  for (const json& r : complaints) {
    for (const std::string& hit : list(r, "hits")) named.insert(hit);
  }
  std::vector<store::Record> hit_records;
  for (const std::string& id : named) {
    MOAT_TRY(const std::optional<store::Record> hit, workspace.store().get(table("hits"), {id}));
    if (hit) hit_records.push_back(*hit);
  }
  MOAT_TRY(const std::vector<HitView> hits, hit_views(workspace, hit_records, today));
  MOAT_TRY(const std::vector<EnforcementDocument> documents, all_documents(workspace));
  MOAT_TRY(const auto rights, watch_internal::right_views(workspace, today));
  std::vector<ComplaintView> out;
  for (const json& r : complaints) {
    Result<PlatformRules> platform = platform_rules(text(r, "platform"));
    out.push_back(complaint_view(r, hits, platform.ok() ? &*platform : nullptr, documents, rights, today));
  }
  return out;
}

Result<std::vector<flags::ComplaintFacts>> complaint_facts(Workspace& workspace) {
  MOAT_TRY(const std::vector<store::Record> records, workspace.store().list(table("complaints")));
  std::vector<flags::ComplaintFacts> out;
  for (const json& r : records) {
    out.push_back({text(r, "id"), text(r, "platform"), text(r, "status"), date(r, "filed_on"),
                   date(r, "counter_notice_on"), date(r, "relisted_on"), list(r, "hits")});
  }
  return out;
}

json complaint_json(const ComplaintView& c) {
  const auto optional = [](const std::string& s) { return s.empty() ? json() : json(s); };
  return {{"id", c.id},
          {"platform", c.platform},
          {"hits", c.hits},
          {"rights", c.rights},
          {"links", c.links},
          {"status", c.status},
          {"drafted_at", c.drafted_at},
          {"drafted_by", c.drafted_by},
          {"filed_on", optional(c.filed_on)},
          {"removed_on", optional(c.removed_on)},
          {"counter_notice_on", optional(c.counter_notice_on)},
          {"relisted_on", optional(c.relisted_on)},
          {"platform_reference", optional(c.platform_reference)},
          {"agent", optional(c.agent)},
          {"folder", optional(c.folder)},
          {"note", optional(c.note)},
          {"missing", c.missing},
          {"ready", c.ready}};
}

json package_report_json(const PackageReport& report) {
  json complaints = json::array();
  for (const ComplaintView& c : report.complaints) complaints.push_back(complaint_json(c));
  json not_usable = json::array();
  for (const Enforceability& e : report.not_usable) {
    json rights = json::array();
    for (const UsableRight& r : e.rights)
      rights.push_back({{"right", r.right.id}, {"usable", r.usable}, {"why", r.why}});
    not_usable.push_back({{"hit", e.hit.id}, {"listing", e.hit.listing.url}, {"rights", rights}});
  }
  json changed = json::array();
  for (const HitView& h : report.changed)
    changed.push_back({{"hit", h.id}, {"listing", h.listing.url}, {"why", changed_text(h)}});
  return {{"complaints", complaints}, {"not_enforceable", not_usable}, {"listing_changed", changed}};
}

json enforcement_document_json(const EnforcementDocument& d) {
  const auto optional = [](const std::string& s) { return s.empty() ? json() : json(s); };
  return {{"id", d.id},
          {"kind", d.kind},
          {"document", d.document},
          {"name", d.name},
          {"right", optional(d.right)},
          {"language", optional(d.language)},
          {"expires", optional(d.expires)},
          {"note", optional(d.note)},
          {"added_at", d.added_at},
          {"added_by", d.added_by}};
}

}  // namespace moat::app
