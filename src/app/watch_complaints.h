// SPDX-License-Identifier: Apache-2.0
// Takedown complaints: for each confirmed hit, which of the company's rights a platform will act
// on (Alibaba's platforms: rights registered in China and granted; Amazon: a trademark registered
// in an office Brand Registry accepts; pending applications are shown as not yet usable) and what
// the complaint still lacks from the vault (certificates, the business licence, a power of
// attorney when an agent files, translations). `write_packages` writes a folder per complaint —
// the platform's fields filled (JSON and a readable summary), at most the links per complaint the
// platform accepts, the evidence with its hashes and capture times, the certificates — and
// records each complaint as drafted; its status then follows the platform's answers, with the
// dates. The platforms' rules are data (docs/watch.md cites where each comes from).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/session.h"
#include "app/watch.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"
#include "flags/rules.h"

namespace moat::app {

// What one platform's notice-and-takedown process accepts.
struct PlatformRules {
  std::string id;                        // "taobao"
  std::string name;                      // "Taobao"
  std::string programme;                 // "Alibaba IP Protection Platform (IPP)"
  std::string portal;                    // "https://ipp.alibabagroup.com"
  std::vector<std::string> right_kinds;  // trademark, design, invention, utility-model, copyright
  std::vector<std::string> offices;      // jurisdictions whose rights it accepts; empty: any
  std::size_t max_links = 0;             // links per complaint
  std::vector<std::string> languages;    // languages its documents may be in ("zh", "en")
  std::string source;                    // where these rules come from (docs/watch.md)
};

// The rules of `platform`; kInput naming the platforms moat knows for any other.
Result<PlatformRules> platform_rules(const std::string& platform);

// An enforcement document kept in the vault: a right's registration certificate, the company's
// business licence, a power of attorney for an agent, a translation, an identity document, a
// test-buy record.
struct EnforcementDocumentInput {
  std::string kind;  // certificate, power-of-attorney, business-licence, translation, identity, test-buy
  std::filesystem::path file;
  std::string right;     // certificate, translation: the right it is for
  std::string language;  // "zh", "en", ...
  std::optional<Date> expires;
  std::string note;
};

struct EnforcementDocument {
  std::string id;  // ED1, ED2, ...
  std::string kind, document, name, right, language, expires, note, added_at, added_by;
};

// Stores the file in the vault and records it. kInput for an unknown kind, kNotFound for an
// unknown right, kInput for a certificate or translation without a right.
Result<EnforcementDocument> add_enforcement_document(Workspace& workspace, const Session& session,
                                                     const EnforcementDocumentInput& input);
Result<std::vector<EnforcementDocument>> list_enforcement_documents(Workspace& workspace);

// A right as a platform sees it.
struct UsableRight {
  RightView right;
  bool usable = false;
  std::string why;  // "registered in CN", "pending: not usable until registered", "US: Taobao acts on rights
                    // registered in China"
};

// For one confirmed hit on a platform: every right it touches, usable or not, and why.
struct Enforceability {
  HitView hit;
  std::vector<UsableRight> rights;
  bool enforceable() const;
};

struct PackageRequest {
  std::string platform;
  std::vector<std::string> hits;  // empty: every confirmed hit on the platform in no open complaint
  std::filesystem::path out;      // the folder the complaint folders go in (created)
  std::string agent;              // who files, when not the company itself (needs a power of attorney)
};

struct ComplaintView {
  std::string id;  // C1, C2, ...
  std::string platform;
  std::vector<std::string> hits;
  std::vector<std::string> rights;
  std::vector<std::string> links;
  std::string status;  // drafted, filed, removed, counter-notice, relisted, withdrawn
  std::string drafted_at, drafted_by;
  std::string filed_on, removed_on, counter_notice_on, relisted_on;
  std::string platform_reference, agent, folder, note;
  std::vector<std::string> missing;  // what the complaint still lacks before it can be filed
  bool ready = false;                // nothing missing
};

struct PackageReport {
  std::vector<ComplaintView> complaints;   // written
  std::vector<Enforceability> not_usable;  // confirmed hits no right of the company reaches on the platform
  std::vector<HitView> changed;            // confirmed hits left out: their listing changed since
};

// Writes the packages and records the complaints (drafted). A hit is in at most one complaint that
// holds it (drafted, filed, counter-notice, removed; not relisted or withdrawn). Errors: kInput for
// an unknown platform, a hit that is not confirmed or not on that platform (Alibaba's platforms
// count as one), a hit another complaint holds (naming it), a folder that exists and is not empty;
// kNotFound for an unknown hit. Nothing is recorded when a
// folder cannot be written, and nothing is left in `out` when the records cannot be.
Result<PackageReport> write_packages(Workspace& workspace, const Session& session,
                                     const PackageRequest& request, Date today);

// The rights of a confirmed hit as `platform` sees them.
Result<Enforceability> enforceability(Workspace& workspace, const std::string& hit,
                                      const std::string& platform, Date today);

// Records a complaint's new status with its date: filed, removed, counter-notice, relisted (or
// drafted again), or withdrawn (no date of its own; only while open and not removed). kInput for
// another status, a date before the complaint was drafted, or a withdrawn or relisted complaint
// opened again while another holds one of its hits; kNotFound for an unknown complaint.
struct ComplaintUpdate {
  std::string status;
  std::optional<Date> on;  // default: today
  std::string platform_reference;
  std::string note;
};
Result<ComplaintView> set_complaint_status(Workspace& workspace, const Session& session,
                                           const std::string& id, const ComplaintUpdate& update, Date today);

Result<std::vector<ComplaintView>> list_complaints(Workspace& workspace, Date today);
// The complaints as list_complaints orders them (by number), for a page read in the database, and
// the views of a page's complaint records, in their order: only the hits they name are read.
store::PageQuery complaint_selection();
Result<std::vector<ComplaintView>> complaint_views(Workspace& workspace,
                                                   const std::vector<store::Record>& complaints, Date today);

// The complaints as the flag rules read them (a relisting, an unanswered complaint).
Result<std::vector<flags::ComplaintFacts>> complaint_facts(Workspace& workspace);

nlohmann::json complaint_json(const ComplaintView& complaint);
nlohmann::json package_report_json(const PackageReport& report);
nlohmann::json enforcement_document_json(const EnforcementDocument& document);

}  // namespace moat::app
