// SPDX-License-Identifier: Apache-2.0
// The red-flag rules of one theme: qualification, certificates and the company's own facilities.
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

// ---- Qualification and certificates ----------------------------------------------------------

bool qualification_lapsed(const SupplierFacts& supplier, Date today) {
  if (supplier.status == "expired") return true;
  const bool qualified = supplier.status == "qualified" || supplier.status == "conditional";
  return qualified && supplier.qualified_until && *supplier.qualified_until < today;
}

}  // namespace

std::vector<Raised> requalification_overdue(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const SupplierFacts& supplier : facts.suppliers) {
    if (!qualification_lapsed(supplier, facts.today)) continue;
    const std::string until =
        supplier.qualified_until ? supplier.qualified_until->to_string() : "no end date";
    raised.push_back(flag(setting, supplier_subject(supplier.id), until,
                          supplier_label(facts, supplier.id) +
                              "'s qualification has expired (qualified until " + until +
                              "); requalify it before ordering again.",
                          {{"supplier", supplier_label(facts, supplier.id)},
                           {"status", supplier.status},
                           {"qualified until", until},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}
namespace {

// Whether the supplier holds a certificate of `standard` that is still valid: a renewed
// certificate (new number, new expiry) leaves the old one in the record, expired.
bool holds_current(const Facts& facts, std::string_view supplier, std::string_view standard) {
  return std::any_of(facts.certificates.begin(), facts.certificates.end(), [&](const CertificateFacts& c) {
    return c.supplier == supplier && normalized(c.standard) == normalized(standard) &&
           c.expires >= facts.today;
  });
}

}  // namespace

std::vector<Raised> certificate_expired(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const CertificateFacts& certificate : facts.certificates) {
    if (certificate.expires >= facts.today) continue;
    if (holds_current(facts, certificate.supplier, certificate.standard)) continue;
    const SupplierFacts* supplier = find_supplier(facts, certificate.supplier);
    if (supplier && supplier->status == "rejected") continue;
    const std::string expires = certificate.expires.to_string();
    raised.push_back(flag(setting, supplier_subject(certificate.supplier), certificate.id + ":" + expires,
                          supplier_label(facts, certificate.supplier) + "'s " + certificate.standard +
                              " certificate " + certificate.number + " expired on " + expires + ".",
                          {{"supplier", supplier_label(facts, certificate.supplier)},
                           {"certificate", certificate.id},
                           {"standard", certificate.standard},
                           {"number", certificate.number},
                           {"expired on", expires},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}
namespace {

// ---- Own facilities --------------------------------------------------------------------------

constexpr std::string_view kAccessControl = "access-control";

std::string person_label(const DesignRecipient& r) {
  return r.name.empty() ? r.person : r.name + " (" + r.person + ")";
}

}  // namespace

std::vector<Raised> confidentiality_missing(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const SupplierFacts& supplier : facts.suppliers) {
    if (!supplier.trusted) continue;
    const std::string label = supplier_label(facts, supplier.id);
    for (const DesignRecipient& r : supplier.recipients) {
      if (!r.covered_by.empty()) continue;
      raised.push_back(flag(setting, supplier_subject(supplier.id), r.person,
                            person_label(r) + " at " + label + " received design data (" + r.received +
                                ") without an employee confidentiality agreement in force.",
                            {{"facility", label + ", the company's own"},
                             {"person", person_label(r)},
                             {"received", r.received},
                             {"confidentiality agreements", r.gap},
                             {"checked on", facts.today.to_string()}}));
    }
  }
  return raised;
}

std::vector<Raised> access_control_unverified(const Facts& facts, const RuleSetting& setting) {
  std::vector<Raised> raised;
  for (const SupplierFacts& supplier : facts.suppliers) {
    if (!supplier.trusted || !supplier.active || supplier.access_verified) continue;
    const std::string label = supplier_label(facts, supplier.id);
    raised.push_back(flag(setting, supplier_subject(supplier.id), std::string(kAccessControl),
                          "Access control at " + label + " (the company's own facility) is not verified: " +
                              supplier.access_evidence + ".",
                          {{"facility", label + ", the company's own"},
                           {"access control", supplier.access_evidence},
                           {"checked on", facts.today.to_string()}}));
  }
  return raised;
}

std::string requalification_cleared(const Facts& facts, std::string_view subject, std::string_view) {
  const SupplierFacts* supplier = find_supplier(facts, id_of(subject));
  if (!supplier) return std::string(id_of(subject)) + " is no longer on record";
  const std::string until =
      supplier->qualified_until ? " until " + supplier->qualified_until->to_string() : "";
  return supplier_label(facts, supplier->id) + " is " + supplier->status + until;
}

std::string certificate_cleared(const Facts& facts, std::string_view subject, std::string_view cause) {
  const std::string_view supplier = id_of(subject);
  const std::string_view id = cause.substr(0, cause.find(':'));
  const auto old =
      std::find_if(facts.certificates.begin(), facts.certificates.end(),
                   [&](const CertificateFacts& c) { return c.supplier == supplier && c.id == id; });
  if (old == facts.certificates.end()) return "certificate " + std::string(id) + " is no longer on record";
  for (const CertificateFacts& c : facts.certificates) {
    if (c.supplier != supplier || normalized(c.standard) != normalized(old->standard) ||
        c.expires < facts.today)
      continue;
    return "certificate " + c.id + " (" + c.standard + " " + c.number + ") is valid until " +
           c.expires.to_string();
  }
  return supplier_gone(facts, supplier).value_or("the certificate no longer counts");
}

std::string confidentiality_cleared(const Facts& facts, std::string_view subject, std::string_view person) {
  const std::string_view id = id_of(subject);
  const SupplierFacts* supplier = find_supplier(facts, id);
  if (!supplier) return std::string(id) + " is no longer on record";
  if (!supplier->trusted) return supplier_label(facts, id) + " is no longer the company's own facility";
  for (const DesignRecipient& r : supplier->recipients) {
    if (r.person == person && !r.covered_by.empty()) return person_label(r) + " is bound by " + r.covered_by;
  }
  return std::string(person) + " no longer holds design data of " + supplier_label(facts, id);
}

std::string access_control_cleared(const Facts& facts, std::string_view subject, std::string_view) {
  const std::string_view id = id_of(subject);
  const SupplierFacts* supplier = find_supplier(facts, id);
  if (!supplier) return std::string(id) + " is no longer on record";
  if (!supplier->trusted) return supplier_label(facts, id) + " is no longer the company's own facility";
  if (supplier->access_verified) return supplier->access_evidence;
  return supplier_label(facts, id) + " has no purchase order and no approved assignment";
}

}  // namespace moat::flags::detail
