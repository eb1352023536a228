// SPDX-License-Identifier: Apache-2.0
// Releases: a work package's design files given to named people at the supplier the approved plan
// names, only on a go from the gate (app/gate.h; a waiver in force counts) and only when what they
// would know afterwards keeps the rules (plan/knowledge.h): per party — untrusted ones, alone or up
// to the policy's `collusion` together — and per person, at any supplier, trusted ones included,
// alone or up to `person_collusion` at one supplier; and within every exposure cap. Each recipient
// gets one copy of each file, passed through the marking seam (app/marking.h), written to the vault
// or to a folder per recipient; the release, its copies and the verdict it relied on are recorded
// in one transaction. A revoked or expired release whose files are not confirmed returned is a red
// flag and fails the gate for its supplier until someone confirms their return or destruction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/design_files.h"
#include "app/session.h"
#include "app/workspace.h"
#include "core/date.h"
#include "core/result.h"
#include "gate/gate.h"

namespace moat::app {

struct ReleaseRequest {
  std::string product;  // empty: the one product with `package`
  std::string package;
  std::string supplier;
  std::vector<std::string> recipients;  // person ids
  std::vector<std::string> files;       // file ids; empty: the package's current files
  std::optional<Date> expires;
  std::string reason;
  std::string out;  // a folder to write the copies to, one folder per recipient; empty: the vault
  bool dry_run = false;
  Date today = Date::from_days(0);
};

// Why a release may not go, for a person: the rule, and for knowledge the recipe, the holders
// (parties or people) and the files of this release that carry the recipe's secrets.
struct Refusal {
  std::string rule;  // "gate", "plan", "recipient", "expiry", "party", "person", "exposure-cap"
  std::string message;
  std::string recipe;
  std::vector<std::string> holders;
  std::vector<std::string> files;
};

// A holder's knowledge before and after the release.
struct KnowledgeChange {
  std::string holder;  // party or person id
  std::string kind;    // "party" or "person"
  std::string label;   // the person's name, or the party's suppliers
  bool trusted = false;
  std::vector<std::string> before;  // secrets held, closed under inference
  std::vector<std::string> after;
  double share_before = 0;
  double share_after = 0;
  double cap = 1;
};

struct CopyMade {
  std::string id;  // C1, C2, ...
  std::string recipient;
  std::string file;
  int revision = 1;
  std::string name;
  std::string copy_hash;  // SHA-256 of the bytes handed out
  std::string blob;       // in the vault, when kept there
  std::string path;       // under --out, when written there
  std::string scheme;
  int resists = 0;
  std::string unmarked;  // why the copy is the master's bytes (no fingerprint); empty when marked
};

struct ReleaseOutcome {
  std::string id;  // R1, R2, ...: set when released
  bool go = false;
  bool dry_run = false;
  std::string product, package, supplier;
  std::vector<std::string> recipients;
  std::vector<DesignFile> files;
  gate::Verdict verdict;
  std::vector<Refusal> refusals;  // empty when it goes
  std::vector<KnowledgeChange> changes;
  std::vector<CopyMade> copies;
};

// Checks and (unless refused or a dry run) makes the release. A refusal is an outcome, not an
// error: nothing is written and `refusals` says why. Errors: kNotFound for an unknown product,
// package, supplier, person or file; kInput for a file of another package or an old revision, no
// recipient, a package with no files; kConflict when a copy would overwrite a file under --out.
Result<ReleaseOutcome> release_files(Workspace& workspace, const Session& session,
                                     const ReleaseRequest& request);

struct ReleaseView {
  std::string id, product, package, supplier, supplier_name;
  std::vector<std::string> recipients;
  std::vector<std::string> files;
  std::string created_at, created_by, date, expires, reason, destination;
  std::string state;      // "active", "expired" or "revoked"
  bool returned = false;  // return or destruction confirmed
  bool flagged = false;   // revoked or expired, not confirmed returned
  std::string revoked_at, revoked_by, revoke_reason, returned_at, returned_by, return_reason;
  std::vector<CopyMade> copies;  // filled by find_release
};

struct ReleaseFilter {
  std::string supplier;  // empty: every supplier
  std::string product;
  std::string person;  // only releases to this person
};

// kNotFound naming the filter when it names a supplier, product or person that does not exist (a
// list filtered by a typo would read as "none").
Status check_release_filter(Workspace& workspace, const ReleaseFilter& filter);
// Releases, newest first, with their state as of `today`.
Result<std::vector<ReleaseView>> list_releases(Workspace& workspace, const ReleaseFilter& filter, Date today);
// The releases list_releases selects, newest first (by number: R10 before R9), with `state`
// (active, expired, revoked, flagged; empty: every one) as of `today`, for a page read in the
// database; and one release record's view with its copies, as find_release gives it.
store::PageQuery release_selection(Workspace& workspace, const ReleaseFilter& filter,
                                   const std::string& state, Date today);
Result<ReleaseView> release_view(Workspace& workspace, const nlohmann::json& release, Date today);
// One release with its copies; kNotFound for an unknown id.
Result<ReleaseView> find_release(Workspace& workspace, const std::string& id, Date today);

// Revokes a release (kConflict when revoked already; kInput without a reason); recorded. Copies
// stop being served at once.
Result<ReleaseView> revoke_release(Workspace& workspace, const Session& session, const std::string& id,
                                   const std::string& reason, Date today);
// Confirms that a release's files came back or were destroyed (kInput without a reason; kConflict
// when confirmed already, or while the release is active: revoked or expired first). Resolves the
// red flags raised for it.
Result<ReleaseView> confirm_return(Workspace& workspace, const Session& session, const std::string& id,
                                   const std::string& reason, Date today);

// Revoked or expired releases not confirmed returned (of one supplier, when named).
Result<std::vector<ReleaseView>> unreturned_releases(Workspace& workspace, Date today,
                                                     const std::string& supplier = {});

// A copy to hand out. `gone` says why it is no longer served (revoked, expired), with the bytes
// left empty.
struct CopyDownload {
  CopyMade copy;
  ReleaseView release;
  std::string media_type;
  std::string gone;
  std::string content;
};

// The copy `id` for its recipient, recorded in the ledger as downloaded by the session's actor.
// `person`, when set, must be the copy's recipient (kNotFound otherwise: the caller says 403).
// Errors: kNotFound for an unknown copy; kConflict for one written to a folder (not kept in the
// vault); kIntegrity for a copy the vault fails to authenticate.
Result<CopyDownload> download_copy(Workspace& workspace, const Session& session, const std::string& id,
                                   const std::optional<std::string>& person, Date today,
                                   Transfer transfer = Transfer::kContent);

// Released knowledge of a product, per party or per person, beside the approved plan's.
struct KnowledgeRow {
  std::string holder;
  std::string label;     // people: name; parties: their suppliers
  std::string supplier;  // people: their supplier
  bool trusted = false;
  double share = 0;
  double cap = 1;
  std::vector<char> cells;  // per secret: 'D' released directly, 'I' inferred, ' ' not held
};

struct RecipeReach {
  std::string recipe;
  std::optional<int> min_coalition;  // parties: smallest coalition; people: smallest group at one supplier
  std::vector<std::string> holders;
};

struct ReleasedKnowledge {
  std::vector<std::string> secrets;
  bool people = false;
  std::vector<KnowledgeRow> rows;  // holders that hold anything
  std::vector<RecipeReach> recipes;
  int collusion = 1;
  int person_collusion = 1;
};

Result<ReleasedKnowledge> released_knowledge(Workspace& workspace, const std::string& product, bool people);

nlohmann::json outcome_json(const ReleaseOutcome& outcome);
nlohmann::json release_json(const ReleaseView& release);
nlohmann::json copy_json(const CopyMade& copy);
nlohmann::json knowledge_json(const ReleasedKnowledge& knowledge);

}  // namespace moat::app
