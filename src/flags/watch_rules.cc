// SPDX-License-Identifier: Apache-2.0
// The red-flag rules of one theme: the counterfeit watch — a confirmed copy traced to the suppliers
// that held what it shows, and takedown complaints relisted or left unanswered.
#include "flags/rule_functions.h"

#include "core/text.h"

namespace moat::flags::detail {

// ---- Counterfeits and takedowns -----------------------------------------------------------------

namespace {

std::string holders_text(const CounterfeitFacts& c) {
  std::vector<std::string> out;
  for (const CounterfeitHolder& h : c.holders) {
    if (h.secrets.empty()) continue;  // the seller itself, holding nothing the copy shows
    out.push_back(h.supplier + (h.city.empty() ? "" : " (" + h.city + ")") + ": " + join(h.secrets, ", "));
  }
  return listing(out);
}

}  // namespace

std::vector<Raised> counterfeit_traced(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const CounterfeitFacts& c : facts.counterfeits) {
    for (const CounterfeitHolder& h : c.holders) {
      if (!h.in_seller_city && h.unpublished_held.empty() && h.seller_is_it.empty()) continue;
      std::vector<std::string> links;
      if (!h.seller_is_it.empty()) links.push_back("it sells the copy itself: " + h.seller_is_it);
      if (h.in_seller_city) links.push_back("the seller is in " + h.city + ", where it works");
      if (!h.unpublished_held.empty()) {
        links.push_back("the listing's images show " + join(h.unpublished_held, ", ") +
                        ", not yet public, which it held");
      }
      raised.push_back(
          flag(setting, supplier_subject(h.supplier), "hit/" + c.hit,
               "Confirmed counterfeit " + c.hit + " on " + c.platform + " copies " +
                   (h.secrets.empty() ? c.product + ", and points to "
                                      : join(h.secrets, ", ") + " of " + c.product + ", held by ") +
                   supplier_label(facts, h.supplier) + ": " + join(links, "; ") + ".",
               {{"hit", c.hit},
                {"listing", c.listing + " " + c.url},
                {"seller", c.seller.empty() ? "unknown" : c.seller},
                {"seller location", c.seller_location.empty() ? "unknown" : c.seller_location},
                {"supplier", supplier_label(facts, h.supplier)},
                {"supplier city", h.city.empty() ? "unknown" : h.city},
                {"secrets it held", listing(h.secrets)},
                {"sold by it", h.seller_is_it.empty() ? "no" : h.seller_is_it},
                {"still secret, shown", listing(h.unpublished_held)},
                {"who held the copied secrets", holders_text(c)}}));
    }
  }
  return raised;
}

std::vector<Raised> complaint_relisted(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ComplaintFacts& c : facts.complaints) {
    if (c.status != "relisted" || !c.relisted) continue;
    const std::string on = c.relisted->to_string();
    raised.push_back(
        flag(setting, "complaint/" + c.id, "relisted:" + on,
             "A listing of complaint " + c.id + " on " + c.platform + " was relisted on " + on +
                 ": file again, and ask the platform to act against the seller as a repeat infringer.",
             {{"complaint", c.id},
              {"platform", c.platform},
              {"hits", listing(c.hits)},
              {"filed on", c.filed ? c.filed->to_string() : "unknown"},
              {"relisted on", on}}));
  }
  return raised;
}

std::vector<Raised> complaint_unanswered(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  const double days = setting.threshold("days");
  for (const ComplaintFacts& c : facts.complaints) {
    if (c.status != "filed" || !c.filed) continue;
    const Date due = add_days(*c.filed, days);
    if (due >= facts.today) continue;
    raised.push_back(flag(setting, "complaint/" + c.id, "filed:" + c.filed->to_string(),
                          "Complaint " + c.id + " to " + c.platform + " was filed on " +
                              c.filed->to_string() + " and has had no answer in " + number(days) +
                              " days: follow it up.",
                          {{"complaint", c.id},
                           {"platform", c.platform},
                           {"hits", listing(c.hits)},
                           {"filed on", c.filed->to_string()},
                           {"answer expected by", due.to_string()},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

}  // namespace moat::flags::detail
