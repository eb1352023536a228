// SPDX-License-Identifier: Apache-2.0
#include "app/own_facilities.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "app/columns.h"
#include "app/legal_rules.h"
#include "app/record_fields.h"
#include "app/records.h"
#include "core/text.h"

namespace moat::app {
namespace {

constexpr std::string_view kConfidentiality = "confidentiality";

// The fields read of each table, as typed rows (app/columns.h), with the people's names and the
// access-control items' results indexed; only the trusted suppliers are kept.
struct ReleaseRow {
  std::string id, supplier;
  std::optional<Date> date;
  std::vector<std::string> recipients;
};
struct AgreementRow {
  std::string id, kind, supplier;
  std::vector<std::string> people;
  std::optional<Date> effective, expires;
};
struct VisitRow {
  std::string id, supplier, kind;
  std::optional<Date> date;
};

struct Snapshot {
  std::vector<std::string> trusted;                    // suppliers, in key order
  std::unordered_map<std::string, std::string> names;  // person → name
  std::vector<ReleaseRow> releases;
  std::vector<AgreementRow> agreements;
  std::vector<VisitRow> visits;
  std::unordered_map<std::string, std::vector<std::string>> access_results;  // visit → results
};

Status read_parties(store::Store& store, Snapshot& s) {
  using namespace columns_of;
  static constexpr std::string_view kSuppliers[] = {"id", "trusted"};
  MOAT_CHECK(for_each(store, "suppliers", kSuppliers, [&](Row r) {
    if (boolean(r[1])) s.trusted.push_back(text(r[0]));
  }));
  static constexpr std::string_view kPeople[] = {"id", "name"};
  MOAT_CHECK(for_each(store, "people", kPeople, [&](Row r) { s.names.emplace(text(r[0]), text(r[1])); }));
  static constexpr std::string_view kAgreements[] = {"id",     "kind",      "supplier",
                                                     "people", "effective", "expires"};
  return for_each(store, "agreements", kAgreements, [&](Row r) {
    if (text(r[1]) != kConfidentiality) return;
    s.agreements.push_back({text(r[0]), text(r[1]), text(r[2]), list(r[3]), date(r[4]), date(r[5])});
  });
}

Status read_events(store::Store& store, Snapshot& s) {
  using namespace columns_of;
  static constexpr std::string_view kReleases[] = {"id", "supplier", "date", "recipients"};
  MOAT_CHECK(for_each(store, "releases", kReleases, [&](Row r) {
    s.releases.push_back({text(r[0]), text(r[1]), date(r[2]), list(r[3])});
  }));
  static constexpr std::string_view kVisits[] = {"id", "supplier", "kind", "date"};
  MOAT_CHECK(for_each(store, "visits", kVisits, [&](Row r) {
    if (text(r[2]) == "audit") s.visits.push_back({text(r[0]), text(r[1]), text(r[2]), date(r[3])});
  }));
  static constexpr std::string_view kItems[] = {"visit", "item", "result"};
  return for_each(store, "audit_items", kItems, [&](Row r) {
    if (text(r[1]) == kAccessControlItem) s.access_results[text(r[0])].push_back(text(r[2]));
  });
}

Status read_all(store::Store& store, Snapshot& s) {
  MOAT_CHECK(read_parties(store, s));
  if (s.trusted.empty()) return {};  // nothing below is read for no one
  return read_events(store, s);
}

Result<Snapshot> snapshot(Workspace& workspace) {
  Snapshot s;
  store::Store& store = workspace.store();
  MOAT_CHECK(store.read_snapshot([&] { return read_all(store, s); }));
  return s;
}

bool has(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// ---- Employee confidentiality ----------------------------------------------------------------

// The recipients of design data at `supplier`, each with the releases that reached them.
std::map<std::string, std::vector<std::string>> recipients_at(const Snapshot& s, const std::string& supplier,
                                                              Date today, const PendingRecipients& pending) {
  std::map<std::string, std::vector<std::string>> received;
  for (const ReleaseRow& r : s.releases) {
    if (r.supplier != supplier || (r.date && today < *r.date)) continue;
    for (const std::string& person : r.recipients) received[person].push_back(r.id);
  }
  if (pending.supplier == supplier) {
    for (const std::string& person : pending.people) received[person];
  }
  return received;
}

// What binds `person` at `supplier` today, or why nothing does.
void cover(const Snapshot& s, const std::string& supplier, Date today, DesignRecipient& recipient) {
  std::vector<std::string> lapsed;
  for (const AgreementRow& a : s.agreements) {
    if (a.kind != kConfidentiality || a.supplier != supplier) continue;
    if (!has(a.people, recipient.person)) continue;
    const std::string& id = a.id;
    const std::optional<Date>&effective = a.effective, &expires = a.expires;
    if (!effective) {
      lapsed.push_back(id + " is not signed");
    } else if (today < *effective) {
      lapsed.push_back(id + " takes effect on " + effective->to_string());
    } else if (expires && *expires < today) {
      lapsed.push_back(id + " expired on " + expires->to_string());
    } else {
      recipient.covered_by = id + " (in force since " + effective->to_string() +
                             (expires ? ", until " + expires->to_string() : "") + ")";
      return;
    }
  }
  recipient.gap = lapsed.empty() ? "no employee confidentiality agreement on record" : join(lapsed, "; ");
}

std::vector<DesignRecipient> design_recipients(const Snapshot& s, const std::string& supplier, Date today,
                                               const PendingRecipients& pending) {
  std::vector<DesignRecipient> out;
  for (const auto& [person, releases] : recipients_at(s, supplier, today, pending)) {
    DesignRecipient recipient{person, "", releases, "", ""};
    const auto found = s.names.find(person);
    if (found != s.names.end()) recipient.name = found->second;
    cover(s, supplier, today, recipient);
    out.push_back(std::move(recipient));
  }
  return out;
}

// ---- Access control --------------------------------------------------------------------------

struct Scored {
  std::string visit;
  Date date;
  std::string result;  // pass or fail
};

// The latest audit of `supplier` up to `today` that scored access control pass or fail.
std::optional<Scored> latest_access_audit(const Snapshot& s, const std::string& supplier, Date today) {
  std::optional<Scored> latest;
  for (const VisitRow& v : s.visits) {
    const std::optional<Date>& on = v.date;
    if (v.supplier != supplier || v.kind != "audit" || !on || today < *on) continue;
    const auto results = s.access_results.find(v.id);
    if (results == s.access_results.end()) continue;
    for (const std::string& result : results->second) {
      if (result != "pass" && result != "fail") continue;
      if (!latest || latest->date < *on) latest = Scored{v.id, *on, result};
    }
  }
  return latest;
}

void judge_access(const Snapshot& s, Date today, int window_days, OwnFacility& facility) {
  const std::optional<Scored> audit = latest_access_audit(s, facility.supplier, today);
  if (!audit) {
    facility.access_evidence = "no audit has scored " + std::string(kAccessControlItem);
    return;
  }
  const std::string what = "audit " + audit->visit + " on " + audit->date.to_string();
  const long age = today.days_since_epoch() - audit->date.days_since_epoch();
  if (audit->result != "pass") {
    facility.access_evidence = what + " failed " + std::string(kAccessControlItem);
  } else if (age > window_days) {
    facility.access_evidence = what + " passed " + std::string(kAccessControlItem) + " but is " +
                               std::to_string(age) + " days old; the policy allows " +
                               std::to_string(window_days);
  } else {
    facility.access_verified = true;
    facility.access_evidence = what + " passed " + std::string(kAccessControlItem);
  }
}

}  // namespace

Result<std::vector<OwnFacility>> own_facilities(Workspace& workspace, Date today,
                                                const PendingRecipients& pending) {
  MOAT_TRY(const LegalRules rules, legal_rules(workspace));
  MOAT_TRY(const Snapshot s, snapshot(workspace));
  std::vector<OwnFacility> out;
  for (const std::string& supplier : s.trusted) {
    OwnFacility facility;
    facility.supplier = supplier;
    facility.recipients = design_recipients(s, facility.supplier, today, pending);
    judge_access(s, today, rules.gate.audit_window_days, facility);
    out.push_back(std::move(facility));
  }
  return out;
}

}  // namespace moat::app
