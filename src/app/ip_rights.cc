// SPDX-License-Identifier: Apache-2.0
// IP rights with their events, public disclosures, and the deadlines that follow, as a list or
// an iCalendar file (app/legal.h).
#include "app/legal.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "app/legal_rules.h"
#include "app/record_fields.h"
#include "app/record_steps.h"
#include "app/records.h"
#include "core/text.h"
#include "legal/ics.h"

namespace moat::app {
namespace {

using nlohmann::json;
using namespace fields_of;
using Records = std::vector<store::Record>;

constexpr std::string_view kDisclosureKinds[] = {"trade-show", "crowdfunding", "samples-without-nnn",
                                                 "publication", "other"};

Status check_disclosure(Workspace& workspace, const DisclosureInput& input) {
  if (std::find(std::begin(kDisclosureKinds), std::end(kDisclosureKinds), input.kind) ==
      std::end(kDisclosureKinds)) {
    return input_error("--kind", "'" + input.kind +
                                     "' is not a kind of disclosure (trade-show, crowdfunding, "
                                     "samples-without-nnn, publication, other)");
  }
  MOAT_CHECK(must_exist(workspace, "products", {input.product}, "--product"));
  for (const std::string& secret : input.secrets)
    MOAT_CHECK(must_exist(workspace, "secrets", {input.product, secret}, "--secret"));
  return {};
}

// ---- IP rights --------------------------------------------------------------------------------

bool has_han_text(std::string_view text) {
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if ((lead == 0xE3 && next >= 0x90) || (lead >= 0xE4 && lead <= 0xE9)) return true;
  }
  return false;
}

Status check_right_input(const IpRightInput& input) {
  if (!legal::parse_kind(input.kind)) {
    return input_error("--kind", "'" + input.kind +
                                     "' is not a kind of IP right (invention, utility-model, design, "
                                     "trademark, copyright, software-copyright, customs-recordation)");
  }
  if (!is_office_code(input.jurisdiction)) {
    return input_error("--jurisdiction",
                       "'" + input.jurisdiction + "' is not a two-letter office code (CN, US, EP, WO)");
  }
  if (trim(input.title).empty()) return input_error("--title", "an IP right needs a title");
  if (input.priority && input.filed && *input.filed < *input.priority) {
    return input_error("--priority", "the priority date " + input.priority->to_string() +
                                         " is after the filing date " + input.filed->to_string());
  }
  if (input.registered && input.filed && *input.registered < *input.filed) {
    return input_error("--registered", "registered on " + input.registered->to_string() +
                                           ", before it was filed on " + input.filed->to_string());
  }
  return {};
}

json right_record(const IpRightInput& input, const std::string& id, const std::string& owner) {
  const bool trademark = input.kind == "trademark";
  const std::string mark = trademark && input.mark.empty() ? input.title : input.mark;
  std::string script = input.script;
  if (script.empty() && !mark.empty()) script = has_han_text(mark) ? "chinese" : "latin";
  return {{"id", id},
          {"kind", input.kind},
          {"jurisdiction", input.jurisdiction},
          {"title", input.title},
          {"mark", optional_text(mark)},
          {"script", optional_text(script)},
          {"nice_classes", input.nice_classes},
          {"subclasses", input.subclasses},
          {"application_number", optional_text(input.application_number)},
          {"registration_number", optional_text(input.registration_number)},
          {"filed", optional_date(input.filed)},
          {"priority", optional_date(input.priority)},
          {"published", optional_date(input.published)},
          {"registered", optional_date(input.registered)},
          {"expires", optional_date(input.expires)},
          {"pct", input.pct},
          {"made_in_china", input.made_in_china},
          {"owner", optional_text(owner)},
          {"products", input.products},
          {"parts", input.parts},
          {"secrets", input.secrets},
          {"note", optional_text(input.note)}};
}

IpRightInput right_of(const json& r) {
  IpRightInput in;
  in.id = text(r, "id");
  in.kind = text(r, "kind");
  in.jurisdiction = text(r, "jurisdiction");
  in.title = text(r, "title");
  in.mark = text(r, "mark");
  in.script = text(r, "script");
  in.nice_classes = list(r, "nice_classes");
  in.subclasses = list(r, "subclasses");
  in.application_number = text(r, "application_number");
  in.registration_number = text(r, "registration_number");
  in.filed = date(r, "filed");
  in.priority = date(r, "priority");
  in.published = date(r, "published");
  in.registered = date(r, "registered");
  in.expires = date(r, "expires");
  in.pct = flag_of(r, "pct");
  in.made_in_china = flag_of(r, "made_in_china");
  in.owner = text(r, "owner");
  in.products = list(r, "products");
  in.parts = list(r, "parts");
  in.secrets = list(r, "secrets");
  in.note = text(r, "note");
  return in;
}

std::vector<legal::Event> events_of(const Records& events, const std::string& right) {
  std::vector<legal::Event> out;
  for (const json& e : events) {
    const std::optional<Date> on = date(e, "date");
    if (text(e, "right") == right && on) out.push_back({text(e, "event"), *on});
  }
  return out;
}

// The rights as the deadline engine reads them (kinds it does not know are left out).
Result<std::vector<legal::Right>> legal_rights(Workspace& workspace) {
  MOAT_TRY(const Records rights, all_of(workspace, "ip_rights"));
  MOAT_TRY(const Records events, all_of(workspace, "ip_events"));
  std::vector<legal::Right> out;
  for (const json& r : rights) {
    const std::optional<legal::Kind> kind = legal::parse_kind(text(r, "kind"));
    if (!kind) continue;
    legal::Right right;
    right.id = text(r, "id");
    right.kind = *kind;
    right.jurisdiction = text(r, "jurisdiction");
    right.filed = date(r, "filed");
    right.priority = date(r, "priority");
    right.registered = date(r, "registered");
    right.published = date(r, "published");
    right.expires = date(r, "expires");
    right.pct = flag_of(r, "pct");
    right.made_in_china = flag_of(r, "made_in_china");
    right.events = events_of(events, right.id);
    out.push_back(std::move(right));
  }
  return out;
}

}  // namespace

// ---- IP rights and disclosures ----------------------------------------------------------------

Result<std::string> add_ip_right(Workspace& workspace, const Session& session, const IpRightInput& input) {
  MOAT_CHECK(check_right_input(input));
  const std::string owner = input.owner.empty() ? workspace.config().company : input.owner;
  std::string id;
  const Status written = in_transaction(workspace, session, [&](store::Writer& writer) -> Status {
    for (const std::string& product : input.products)
      MOAT_CHECK(must_exist(workspace, "products", {product}, "--product"));
    MOAT_TRY(id, id_or_next(workspace, input.id, "ip_rights", "IP"));
    return put_new(workspace, writer, "ip_rights", right_record(input, id, owner));
  });
  if (!written.ok()) return written.error();
  return id;
}

Status add_ip_event(Workspace& workspace, const Session& session, const std::string& right,
                    const std::string& event, Date date, const std::string& note) {
  return in_transaction(workspace, session, [&](store::Writer& writer) -> Status {
    MOAT_TRY(const std::optional<store::Record> found, workspace.store().get(table("ip_rights"), {right}));
    if (!found) return Error(ErrorCode::kNotFound, "ip_rights/" + right, "no such IP right");
    json record = {
        {"right", right}, {"event", event}, {"date", date.to_string()}, {"note", optional_text(note)}};
    MOAT_CHECK(put_checked(workspace, writer, {{&table("ip_events"), std::move(record)}}));
    return {};
  });
}

Result<std::vector<IpRightRow>> list_ip_rights(Workspace& workspace) {
  MOAT_TRY(const Records rights, all_of(workspace, "ip_rights"));
  MOAT_TRY(const Records events, all_of(workspace, "ip_events"));
  std::vector<IpRightRow> out;
  for (const json& r : rights) out.push_back({right_of(r), events_of(events, text(r, "id"))});
  return out;
}

Result<IpRightRow> ip_right_row(Workspace& workspace, const json& record) {
  const std::string id = text(record, "id");
  MOAT_TRY(const Records events, workspace.store().list_where(table("ip_events"), "right", id));
  return IpRightRow{right_of(record), events_of(events, id)};
}

Result<std::string> record_disclosure(Workspace& workspace, const Session& session,
                                      const DisclosureInput& input) {
  std::string id;
  const Status written = in_transaction(workspace, session, [&](store::Writer& writer) -> Status {
    MOAT_CHECK(check_disclosure(workspace, input));
    MOAT_TRY(id, id_or_next(workspace, input.id, "disclosures", "D"));
    return put_new(workspace, writer, "disclosures",
                   {{"id", id},
                    {"kind", input.kind},
                    {"date", input.date.to_string()},
                    {"product", input.product},
                    {"secrets", input.secrets},
                    {"note", optional_text(input.note)}});
  });
  if (!written.ok()) return written.error();
  return id;
}

Result<std::vector<DisclosureInput>> list_disclosures(Workspace& workspace) {
  MOAT_TRY(const Records records, all_of(workspace, "disclosures"));
  std::vector<DisclosureInput> out;
  for (const json& d : records) {
    out.push_back({text(d, "id"), text(d, "kind"), date(d, "date").value_or(Date::from_days(0)),
                   text(d, "product"), list(d, "secrets"), text(d, "note")});
  }
  return out;
}

// ---- Deadlines --------------------------------------------------------------------------------

Result<std::vector<legal::Deadline>> ip_deadlines(Workspace& workspace, Date as_of,
                                                  std::optional<long> within_days) {
  if (within_days && *within_days < 0)
    return input_error("--within", "the number of days cannot be negative");
  MOAT_TRY(const LegalRules rules, legal_rules(workspace));
  MOAT_TRY(const std::vector<legal::Right> rights, legal_rights(workspace));
  std::vector<legal::Deadline> all =
      legal::deadlines(rules.deadlines, rules.calendars, rights, as_of, workspace.config().home_jurisdiction);
  if (!within_days) return all;
  const Date last = plus_days(as_of, *within_days);
  std::erase_if(all, [&](const legal::Deadline& d) { return !d.missed && last < d.due; });
  return all;
}

Result<std::string> ip_calendar(Workspace& workspace, Date as_of, const std::string& dtstamp) {
  MOAT_TRY(const std::vector<legal::Deadline> deadlines, ip_deadlines(workspace, as_of));
  legal::IcsOptions options;
  options.dtstamp = dtstamp;
  if (!workspace.config().company.empty())
    options.calendar_name = workspace.config().company + " IP deadlines";
  return legal::to_ics(deadlines, options);
}

Result<std::vector<std::pair<std::string, std::vector<legal::Deadline>>>> missed_protection(
    Workspace& workspace, Date today) {
  MOAT_TRY(const LegalRules rules, legal_rules(workspace));
  MOAT_TRY(const std::vector<legal::Right> rights, legal_rights(workspace));
  std::vector<std::pair<std::string, std::vector<legal::Deadline>>> out;
  for (const legal::Right& right : rights) {
    out.emplace_back(right.id,
                     legal::missed_protection_deadlines(rules.deadlines, rules.calendars, right, today,
                                                        workspace.config().home_jurisdiction));
  }
  return out;
}

}  // namespace moat::app
