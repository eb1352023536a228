// SPDX-License-Identifier: Apache-2.0
#include "app/own_facilities.h"

#include <algorithm>
#include <map>

#include "app/legal_rules.h"
#include "app/record_fields.h"
#include "app/records.h"
#include "core/text.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;
using Records = std::vector<store::Record>;

constexpr std::string_view kConfidentiality = "confidentiality";

struct Snapshot {
  Records suppliers, people, releases, agreements, visits, audit_items;
};

Result<Snapshot> snapshot(Workspace& workspace) {
  Snapshot s;
  MOAT_CHECK(read_tables(workspace.store(), {{"suppliers", &s.suppliers},
                                             {"people", &s.people},
                                             {"releases", &s.releases},
                                             {"agreements", &s.agreements},
                                             {"visits", &s.visits},
                                             {"audit_items", &s.audit_items}}));
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
  for (const json& r : s.releases) {
    const std::optional<Date> on = date(r, "date");
    if (text(r, "supplier") != supplier || (on && today < *on)) continue;
    for (const std::string& person : list(r, "recipients")) received[person].push_back(text(r, "id"));
  }
  if (pending.supplier == supplier) {
    for (const std::string& person : pending.people) received[person];
  }
  return received;
}

// What binds `person` at `supplier` today, or why nothing does.
void cover(const Snapshot& s, const std::string& supplier, Date today, DesignRecipient& recipient) {
  std::vector<std::string> lapsed;
  for (const json& a : s.agreements) {
    if (text(a, "kind") != kConfidentiality || text(a, "supplier") != supplier) continue;
    if (!has(list(a, "people"), recipient.person)) continue;
    const std::string id = text(a, "id");
    const std::optional<Date> effective = date(a, "effective"), expires = date(a, "expires");
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
    const auto found = std::find_if(s.people.begin(), s.people.end(),
                                    [&](const json& p) { return text(p, "id") == person; });
    if (found != s.people.end()) recipient.name = text(*found, "name");
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
  for (const json& v : s.visits) {
    const std::optional<Date> on = date(v, "date");
    if (text(v, "supplier") != supplier || text(v, "kind") != "audit" || !on || today < *on) continue;
    for (const json& item : s.audit_items) {
      const std::string result = text(item, "result");
      if (text(item, "visit") != text(v, "id") || text(item, "item") != kAccessControlItem) continue;
      if (result != "pass" && result != "fail") continue;
      if (!latest || latest->date < *on) latest = Scored{text(v, "id"), *on, result};
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
  for (const json& supplier : s.suppliers) {
    if (supplier.value("trusted", false) != true) continue;
    OwnFacility facility;
    facility.supplier = text(supplier, "id");
    facility.recipients = design_recipients(s, facility.supplier, today, pending);
    judge_access(s, today, rules.gate.audit_window_days, facility);
    out.push_back(std::move(facility));
  }
  return out;
}

}  // namespace moat::app
