// SPDX-License-Identifier: Apache-2.0
// The checks about registrations: every secret to be registered is filed in China and at home,
// no priority deadline of the rights covering it was missed, and the product's trademarks are
// the company's in China, the Chinese-character mark included.
#include <algorithm>

#include "core/text.h"
#include "gate/checks.h"

namespace moat::gate::detail {
namespace {

constexpr std::string_view kChina = "CN";
constexpr std::string_view kTrademark = "trademark";

// What to file in China for each strategy (data: the fix names the office and the kind).
struct ChinaFiling {
  std::string_view strategy;
  std::string_view filing;
};
constexpr ChinaFiling kChinaFilings[] = {
    {"patent",
     "an invention or utility-model application at CNIPA (confidentiality examination first if it was "
     "completed in China)"},
    {"design", "a design patent application at CNIPA"},
    {"trademark",
     "a trademark application at CNIPA in every relevant Chinese subclass, the Chinese-character mark "
     "too"},
    {"copyright", "a registration at the Copyright Protection Center of China (software copyright for code)"},
};

std::string china_filing(std::string_view strategy) {
  for (const ChinaFiling& f : kChinaFilings) {
    if (f.strategy == strategy) return std::string(f.filing);
  }
  return "a filing at CNIPA";
}

bool registrable(const Context& context, const Secret& secret) {
  const std::vector<std::string>& strategies = context.settings->registrable;
  return std::find(strategies.begin(), strategies.end(), secret.strategy) != strategies.end();
}

std::vector<Secret> registrable_secrets(const Context& context) {
  std::vector<Secret> secrets;
  for (const Secret& secret : context.secrets) {
    if (registrable(context, secret)) secrets.push_back(secret);
  }
  return secrets;
}

// The subject and wording for "none of the secrets in scope is to be registered".
std::string scope_subject(const Context& context) {
  return context.package ? "package/" + context.package->id : "product/" + context.product->id;
}

std::string scope_name(const Context& context) {
  return context.package ? context.package->id : context.product->id;
}

std::vector<std::string> secret_ids(const Context& context) {
  std::vector<std::string> ids;
  for (const Secret& secret : context.secrets) ids.push_back(secret.id);
  return ids;
}

Check nothing_to_register(const Context& context) {
  const std::vector<std::string> ids = secret_ids(context);
  const std::string why = ids.empty()
                              ? "it exposes none"
                              : join(ids, ", ") + ": kept as trade secrets or with no registrable strategy";
  return passed(scope_subject(context),
                "No secret in " + scope_name(context) + " is to be registered (" + why + ").");
}

// ---- ip-filed --------------------------------------------------------------------------------

struct Filings {
  std::vector<std::string> ours;    // filed, owned by the company: "CN design 2024… filed 2024-03-01"
  std::vector<std::string> others;  // filed, owned by someone else: "CN design 2024… owned by X"
};

Filings filings_in(const Context& context, const Secret& secret, std::string_view jurisdiction) {
  Filings filings;
  for (const IpRight& right : *context.rights) {
    if (right.jurisdiction != jurisdiction || !covers(right, secret.id) || !is_filed(right, context.today))
      continue;
    if (owned_by_company(context, right)) {
      filings.ours.push_back(right_label(right) + " filed " + right.filed->to_string());
    } else {
      filings.others.push_back(right_label(right) + " owned by " +
                               (right.owner.empty() ? "nobody recorded" : right.owner));
    }
  }
  return filings;
}

std::string missing_in(std::string_view jurisdiction, const Filings& filings) {
  std::string text = "no filing owned by the company in " + std::string(jurisdiction);
  if (!filings.others.empty()) text += " (" + join(filings.others, "; ") + ")";
  return text;
}

Check ip_filed_for(const Context& context, const Secret& secret) {
  const std::string& home = context.settings->home_jurisdiction;
  const Filings china = filings_in(context, secret, kChina);
  const Filings at_home = home == kChina ? china : filings_in(context, secret, home);
  const std::string subject = "secret/" + secret.id;
  std::vector<std::string> missing, fixes;
  if (china.ours.empty()) {
    missing.push_back(missing_in(kChina, china));
    fixes.push_back("File " + china_filing(secret.strategy) + " for " + secret.id + " in the name of " +
                    company_name(context) + " before its design data leaves.");
  }
  if (china.ours.empty() && !china.others.empty()) {
    fixes.push_back("Have the CN filing by someone else assigned to " + company_name(context) +
                    " (recorded at CNIPA) or invalidate it: it can block yours.");
  }
  if (at_home.ours.empty() && home != kChina) {
    missing.push_back(missing_in(home, at_home));
    fixes.push_back("File the " + secret.strategy + " for " + secret.id + " in " + home + " in the name of " +
                    company_name(context) + " (or claim its priority for the CN filing).");
  }
  if (!missing.empty()) {
    return failed(subject,
                  secret_label(secret) + " is to be registered but has " + join(missing, " and ") + ".",
                  join(fixes, " "));
  }
  std::vector<std::string> all = china.ours;
  if (home != kChina) all.insert(all.end(), at_home.ours.begin(), at_home.ours.end());
  const std::string where = home == kChina ? "CN" : "CN and " + home;
  return passed(subject, secret_label(secret) + " is filed in " + where + ": " + join(all, "; ") + ".");
}

// ---- priority-deadline -----------------------------------------------------------------------

// A priority deadline missed: the right can no longer carry its date into China. The
// confidentiality examination missed: China grants no patent for the invention at all (Patent Law
// Art. 19(4)), whenever it is filed there. Either leaves the secret unprotected in China.
Check priority_for(const Context& context, const Secret& secret) {
  std::vector<std::string> covering, missed, rights, uncleared;
  for (const IpRight& right : *context.rights) {
    if (!covers(right, secret.id)) continue;
    covering.push_back(right_label(right));
    for (const MissedDeadline& d : right.missed_protection) {
      if (d.clearance) {
        missed.push_back(right_label(right) +
                         " was filed abroad without CNIPA's confidentiality examination (" + d.rule +
                         ", due " + d.due.to_string() + "): China grants no patent for it");
        uncleared.push_back(right_label(right));
        continue;
      }
      missed.push_back(right_label(right) + " missed " + d.rule + " (" + d.action + " by " +
                       d.due.to_string() + ")");
      rights.push_back(right_label(right));
    }
  }
  const std::string subject = "secret/" + secret.id;
  if (missed.empty()) {
    return passed(subject, "No priority deadline was missed for the rights covering " + secret.id + " (" +
                               listing(covering) + ").");
  }
  std::vector<std::string> fixes;
  if (!rights.empty()) {
    fixes.push_back(
        "Ask counsel whether " + join(rights, ", ") +
        " can still be saved (late entry or restoration where the office allows it); otherwise, if " +
        secret.id +
        " has not been made public since, file in CN now without claiming priority (China's grace "
        "period covers only narrow cases).");
  }
  if (!uncleared.empty()) {
    fixes.push_back(
        "China grants no patent for the invention of " + join(uncleared, ", ") +
        ", with or without priority: ask counsel how else to protect " + secret.id +
        " in China (a design or utility model of what was not in that filing, or keeping it secret).");
  }
  fixes.push_back("Then waive this check with counsel's reason.");
  const std::string what = rights.empty() ? "China's protection was lost" : "A priority deadline was missed";
  return failed(subject, what + " for " + secret_label(secret) + ": " + join(missed, "; ") + ".",
                join(fixes, " "));
}

// ---- trademark-cn ----------------------------------------------------------------------------

// The product's marks: those it is sold under and those any trademark right records, once each.
std::vector<std::string> marks_of(const Context& context) {
  std::vector<std::string> marks;
  const auto add = [&](const std::string& mark) {
    if (trim(mark).empty()) return;
    const bool known =
        std::any_of(marks.begin(), marks.end(), [&](const std::string& m) { return same_name(m, mark); });
    if (!known) marks.emplace_back(trim(mark));
  };
  for (const std::string& mark : context.product->marks) add(mark);
  for (const IpRight& right : *context.rights) {
    if (right.kind == kTrademark) add(right.mark);
  }
  return marks;
}

struct MarkInChina {
  const IpRight* ours = nullptr;   // filed in CN and owned by the company
  const IpRight* other = nullptr;  // filed in CN by someone else
};

MarkInChina mark_in_china(const Context& context, std::string_view mark) {
  MarkInChina found;
  for (const IpRight& right : *context.rights) {
    if (right.kind != kTrademark || right.jurisdiction != kChina || !same_name(right.mark, mark)) continue;
    if (!is_filed(right, context.today)) continue;
    if (owned_by_company(context, right)) {
      found.ours = &right;
    } else {
      found.other = &right;
    }
  }
  return found;
}

// One mark in China: filed by the company (`ours`), or the problem and its fix.
struct MarkReview {
  std::string ours;  // "AURORA (CN trademark 71234567)"
  std::string problem;
  std::string fix;
};

MarkReview review_mark(const Context& context, const std::string& mark) {
  const MarkInChina found = mark_in_china(context, mark);
  if (found.ours) return {mark + " (" + right_label(*found.ours) + ")", "", ""};
  if (found.other) {
    return {"",
            mark + " is filed in CN by " + found.other->owner + ", not by " + company_name(context) + " (" +
                right_label(*found.other) + ")",
            "Have " + right_label(*found.other) + " assigned to " + company_name(context) +
                " and the assignment recorded at CNIPA, or oppose or invalidate it and file " + mark +
                " yourself."};
  }
  return {"", mark + " is not filed in CN",
          "File " + mark + " at CNIPA in the name of " + company_name(context) +
              " in every relevant Chinese subclass."};
}

}  // namespace

std::vector<Check> ip_filed(const Context& context) {
  const std::vector<Secret> secrets = registrable_secrets(context);
  if (secrets.empty()) return {nothing_to_register(context)};
  std::vector<Check> checks;
  for (const Secret& secret : secrets) checks.push_back(ip_filed_for(context, secret));
  return checks;
}

std::vector<Check> priority_deadline(const Context& context) {
  const std::vector<Secret> secrets = registrable_secrets(context);
  if (secrets.empty()) return {nothing_to_register(context)};
  std::vector<Check> checks;
  for (const Secret& secret : secrets) checks.push_back(priority_for(context, secret));
  return checks;
}

std::vector<Check> trademark_cn(const Context& context) {
  const std::string& product = context.product->id;
  const std::string subject = "trademark/" + product + "/CN";
  const std::vector<std::string> marks = marks_of(context);
  if (marks.empty()) {
    return {failed(subject, product + " has no trademark on record.",
                   "Record the names " + product + " is sold under and file them at CNIPA in the name of " +
                       company_name(context) + ", a Chinese-character mark too.")};
  }
  std::vector<std::string> ours, problems, fixes;
  for (const std::string& mark : marks) {
    MarkReview review = review_mark(context, mark);
    if (review.problem.empty()) ours.push_back(std::move(review.ours));
    if (!review.problem.empty()) problems.push_back(std::move(review.problem));
    if (!review.fix.empty()) fixes.push_back(std::move(review.fix));
  }
  // A Chinese-character mark filed by someone else is already a problem of its own above.
  if (std::none_of(marks.begin(), marks.end(), [](const std::string& m) { return has_han(m); })) {
    problems.push_back(product + " has no Chinese-character mark on record");
    fixes.push_back("Choose the Chinese-character name " + product +
                    " will be known by in China and file it "
                    "at CNIPA before a squatter does.");
  }
  if (!problems.empty()) return {failed(subject, join(problems, "; ") + ".", join(fixes, " "))};
  return {passed(subject, "Every mark of " + product + " is filed in CN by " + company_name(context) + ": " +
                              join(ours, ", ") + ".")};
}

}  // namespace moat::gate::detail
