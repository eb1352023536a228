// SPDX-License-Identifier: Apache-2.0
// The red-flag rules of one theme: agreements, IP rights and public disclosures.
#include "flags/rule_functions.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/text.h"
#include "plan/exposure.h"
#include "plan/problem.h"

namespace moat::flags::detail {

namespace {

// ---- Agreements ------------------------------------------------------------------------------

constexpr std::string_view kNnn = "nnn";

bool binds(const AgreementFacts& agreement, std::string_view supplier) {
  return std::find(agreement.suppliers.begin(), agreement.suppliers.end(), supplier) !=
         agreement.suppliers.end();
}

bool covers_product(const AgreementFacts& agreement, std::string_view product) {
  return agreement.products.empty() ||
         std::find(agreement.products.begin(), agreement.products.end(), product) != agreement.products.end();
}

bool in_force(const AgreementFacts& agreement, Date today) {
  return agreement.effective && *agreement.effective <= today &&
         (!agreement.expires || today <= *agreement.expires);
}

// Why no NNN binding `supply.supplier` covers its product today: the NNNs there are, and what is
// wrong with each; "none on record" when there is none.
std::string nnn_gap(const Facts& facts, const SupplyFacts& supply) {
  std::vector<std::string> found;
  for (const AgreementFacts& a : facts.legal.agreements) {
    if (a.kind != kNnn || !binds(a, supply.supplier) || !covers_product(a, supply.product)) continue;
    if (!a.effective)
      found.push_back(a.id + " is not signed");
    else if (facts.today < *a.effective)
      found.push_back(a.id + " takes effect on " + a.effective->to_string());
    else if (a.expires)
      found.push_back(a.id + " expired on " + a.expires->to_string());
  }
  return found.empty() ? "none on record" : join(found, "; ");
}

}  // namespace

std::vector<Raised> agreement_missing(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const SupplyFacts& supply : facts.legal.supplies) {
    const SupplierFacts* supplier = find_supplier(facts, supply.supplier);
    if (supplier && (supplier->trusted || supplier->status == "rejected")) continue;
    const auto& all = facts.legal.agreements;
    const bool bound = std::any_of(all.begin(), all.end(), [&](const AgreementFacts& a) {
      return a.kind == kNnn && binds(a, supply.supplier) && covers_product(a, supply.product) &&
             in_force(a, facts.today);
    });
    if (bound) continue;
    const std::string label = supplier_label(facts, supply.supplier);
    raised.push_back(flag(setting, supplier_subject(supply.supplier), supply.product,
                          label + " works on " + supply.product + " without an NNN in force that covers it.",
                          {{"supplier", label},
                           {"product", supply.product},
                           {"NNN agreements", nnn_gap(facts, supply)},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}
namespace {

std::string agreement_label(const Facts& facts, const AgreementFacts& agreement) {
  const std::string with =
      agreement.suppliers.empty() ? "" : " with " + supplier_label(facts, agreement.suppliers.front());
  return agreement.id + " (" + agreement.kind + with + ")";
}

}  // namespace

std::vector<Raised> agreement_quality(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const AgreementFacts& a : facts.legal.agreements) {
    if (a.failures.empty() || (a.expires && *a.expires < facts.today)) continue;
    std::vector<std::string> checks;
    std::vector<Evidence> evidence = {{"agreement", agreement_label(facts, a)}};
    for (const Evidence& failure : a.failures) {
      checks.push_back(failure.name);
      evidence.push_back(failure);
    }
    std::sort(checks.begin(), checks.end());
    evidence.push_back({"checked on", facts.today.to_string()});
    raised.push_back(flag(
        setting, "agreement/" + a.id, join(checks, ","),
        "Agreement " + agreement_label(facts, a) + " fails its quality check: " + join(checks, ", ") + ".",
        std::move(evidence)));
  }
  return raised;
}
namespace {

// Whether another agreement of the same kind with the same counterparty runs past `a`'s end
// without a gap. An agreement covers its expiry day (as in_force reads it, and the gate's nnn
// check): one taking effect the day after follows it seamlessly.
bool renewed(const Facts& facts, const AgreementFacts& a) {
  const Date day_after = add_days(*a.expires, 1);
  return std::any_of(
      facts.legal.agreements.begin(), facts.legal.agreements.end(), [&](const AgreementFacts& b) {
        if (b.id == a.id || b.kind != a.kind || b.suppliers.empty() || a.suppliers.empty()) return false;
        if (b.suppliers.front() != a.suppliers.front() || !b.effective || *b.effective > day_after)
          return false;
        return !b.expires || *b.expires > *a.expires;
      });
}

}  // namespace

std::vector<Raised> agreement_expiring(const Facts& facts, const RuleSetting& setting) {
  const int window = facts.legal.expiry_warning_days;
  std::vector<Raised> raised;
  for (const AgreementFacts& a : facts.legal.agreements) {
    if (!a.expires || *a.expires < facts.today || add_days(facts.today, window) < *a.expires) continue;
    if (renewed(facts, a)) continue;
    const long left = a.expires->days_since_epoch() - facts.today.days_since_epoch();
    raised.push_back(flag(setting, "agreement/" + a.id, a.expires->to_string(),
                          "Agreement " + agreement_label(facts, a) + " expires on " + a.expires->to_string() +
                              ", in " + std::to_string(left) +
                              " days; renew it before anything more is released.",
                          {{"agreement", agreement_label(facts, a)},
                           {"expires", a.expires->to_string()},
                           {"days left", std::to_string(left)},
                           {"warning window", std::to_string(window) + " days"},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}
namespace {

// ---- IP rights -------------------------------------------------------------------------------

constexpr std::string_view kTrademark = "trademark";
constexpr std::string_view kChina = "CN";

bool owned_by_company(const Facts& facts, std::string_view owner) {
  return listed(facts.legal.company_names, owner);
}

std::string right_label(const IpRightFacts& right) {
  return right.id + " (" + right.jurisdiction + " " + right.kind + ": " + right.title + ")";
}

}  // namespace

std::vector<Raised> ip_owned_by_other(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  if (facts.legal.company_names.empty()) return raised;
  for (const IpRightFacts& right : facts.legal.rights) {
    if (trim(right.owner).empty() || owned_by_company(facts, right.owner)) continue;
    raised.push_back(flag(setting, "ip/" + right.id, normalized(right.owner),
                          "IP right " + right_label(right) + " is owned by " + right.owner + ", not by " +
                              facts.legal.company_names.front() + ".",
                          {{"right", right_label(right)},
                           {"owner", right.owner},
                           {"company", join(facts.legal.company_names, "; ")},
                           {"filed", right.filed ? right.filed->to_string() : "not filed"}}));
  }
  return raised;
}
namespace {

// Whether `text` holds a CJK ideograph (U+3400-U+9FFF, UTF-8 lead bytes E3 8D.. to E9 BF..).
bool has_han(std::string_view text) {
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if ((lead == 0xE3 && next >= 0x90) || (lead >= 0xE4 && lead <= 0xE9)) return true;
  }
  return false;
}

std::optional<Date> in_production_since(const ProductFacts& product, Date today) {
  std::optional<Date> since;
  for (const std::optional<Date>& day : {product.production_start, product.first_order}) {
    if (day && *day <= today && (!since || *day < *since)) since = day;
  }
  return since;
}

std::string mark_of(const IpRightFacts& right) {
  return trim(right.mark).empty() ? right.title : right.mark;
}

// The product's marks, each once, and whether each is filed in China (by anyone) by today.
std::vector<std::pair<std::string, bool>> marks_in_china(const Facts& facts, const std::string& product) {
  std::vector<std::pair<std::string, bool>> marks;
  for (const IpRightFacts& right : facts.legal.rights) {
    const auto& covered = right.products;
    if (right.kind != kTrademark || std::find(covered.begin(), covered.end(), product) == covered.end())
      continue;
    const std::string mark(trim(mark_of(right)));
    const bool filed = right.jurisdiction == kChina && right.filed && *right.filed <= facts.today;
    auto it = std::find_if(marks.begin(), marks.end(),
                           [&](const auto& m) { return normalized(m.first) == normalized(mark); });
    if (it == marks.end()) it = marks.emplace(marks.end(), mark, false);
    it->second = it->second || filed;
  }
  return marks;
}

}  // namespace

std::vector<Raised> trademark_not_filed_cn(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const ProductFacts& product : facts.legal.products) {
    const std::optional<Date> since = in_production_since(product, facts.today);
    if (!since) continue;
    const std::string subject = "product/" + product.id;
    const std::vector<Evidence> base = {{"product", product.id},
                                        {"in production since", since->to_string()},
                                        {"checked on", facts.today.to_string()}};
    const auto marks = marks_in_china(facts, product.id);
    bool chinese = false;
    for (const auto& [mark, filed] : marks) {
      chinese = chinese || (filed && has_han(mark));
      if (filed) continue;
      std::vector<Evidence> evidence = base;
      evidence.insert(evidence.begin() + 1, {"mark", mark});
      raised.push_back(flag(setting, subject, normalized(mark),
                            "The mark " + mark + " of " + product.id +
                                " is not filed in China while the product is "
                                "in production: a squatter can register it first.",
                            std::move(evidence)));
    }
    if (chinese) continue;
    raised.push_back(
        flag(setting, subject, marks.empty() ? "no trademark" : "no chinese-character mark",
             (marks.empty() ? product.id + " is in production with no trademark on record"
                            : product.id + " is in production with no Chinese-character mark filed in "
                                           "China") +
                 std::string(": squatters register the Chinese name first."),
             base));
  }
  return raised;
}
namespace {

bool covers_secret(const IpRightFacts& right, const DisclosureFacts& disclosure, const std::string& secret) {
  const bool product = right.products.empty() || std::find(right.products.begin(), right.products.end(),
                                                           disclosure.product) != right.products.end();
  return product && std::find(right.secrets.begin(), right.secrets.end(), secret) != right.secrets.end();
}

}  // namespace

std::vector<Raised> disclosure_before_filing(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const DisclosureFacts& d : facts.legal.disclosures) {
    if (d.date > facts.today) continue;
    for (const std::string& secret : d.secrets) {
      const IpRightFacts* earliest = nullptr;
      for (const IpRightFacts& right : facts.legal.rights) {
        if (!right.filed || !covers_secret(right, d, secret)) continue;
        if (!earliest || *right.filed < *earliest->filed) earliest = &right;
      }
      if (earliest && *earliest->filed <= d.date) continue;
      const std::string filing =
          earliest ? right_label(*earliest) + " filed on " + earliest->filed->to_string() : "none yet";
      raised.push_back(
          flag(setting, "disclosure/" + d.id, secret,
               secret + " of " + d.product + " was made public (" + d.kind + " on " + d.date.to_string() +
                   ") before any filing covering it: China's grace period does not cover a company's "
                   "own disclosure, so a later filing there may lack novelty.",
               {{"disclosure", d.id + " (" + d.kind + (d.note.empty() ? "" : ": " + d.note) + ")"},
                {"disclosed on", d.date.to_string()},
                {"secret", d.product + "/" + secret},
                {"earliest filing", filing}}));
    }
  }
  return raised;
}

std::string agreement_quality_cleared(const Facts& facts, std::string_view subject, std::string_view checks) {
  const std::string_view id = id_of(subject);
  const auto a = std::find_if(facts.legal.agreements.begin(), facts.legal.agreements.end(),
                              [&](const AgreementFacts& each) { return each.id == id; });
  if (a == facts.legal.agreements.end()) return "agreement " + std::string(id) + " is no longer on record";
  if (a->expires && *a->expires < facts.today) {
    return "agreement " + agreement_label(facts, *a) + " expired on " + a->expires->to_string() +
           ", so its quality is no longer checked";
  }
  if (a->failures.empty())
    return "agreement " + agreement_label(facts, *a) + " now passes every quality check";
  std::vector<std::string> now;
  for (const Evidence& failure : a->failures) now.push_back(failure.name);
  std::sort(now.begin(), now.end());
  return "agreement " + agreement_label(facts, *a) + " now fails " + join(now, ",") + " instead of " +
         std::string(checks);
}

std::string agreement_missing_cleared(const Facts& facts, std::string_view subject,
                                      std::string_view product) {
  const std::string_view supplier = id_of(subject);
  for (const AgreementFacts& a : facts.legal.agreements) {
    if (a.kind != kNnn || !binds(a, supplier) || !covers_product(a, product) || !in_force(a, facts.today))
      continue;
    const std::string until = a.expires ? " until " + a.expires->to_string() : "";
    return "NNN " + a.id + " binds " + supplier_label(facts, supplier) + " and covers " +
           std::string(product) + ", in force since " + a.effective->to_string() + until;
  }
  if (std::optional<std::string> gone = supplier_gone(facts, supplier)) return *gone;
  return supplier_label(facts, supplier) + " no longer works on " + std::string(product);
}

}  // namespace moat::flags::detail
