// SPDX-License-Identifier: Apache-2.0
// Inside flags (not for other folders): the rule functions the table in rules.cc lists, by theme
// (supplier_rules.cc, visit_rules.cc, material_rules.cc, plan_rules.cc, legal_rules.cc,
// release_rules.cc, watch_rules.cc), and the wording and lookups they share. An evaluation returns the flags
// its rule raises with their subject, cause, summary and evidence; rules.cc fills in the rule's id and
// severity. A cleared function says why a flag's cause no longer holds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flags/rules.h"

namespace moat::flags::detail {

// Ratios at exactly their threshold do not raise; this absorbs rounding in the division.
inline constexpr double kTolerance = 1e-9;
inline constexpr std::string_view kAudit = "audit";
inline constexpr std::string_view kOwnerVisit = "owner-visit";
inline constexpr std::string_view kCritical = "critical";

// ---- Wording and lookups (rules.cc) ---------------------------------------------------------

// Whole numbers without decimals, others with at most two (2.999 is "3", not "3.").
std::string number(double value);
std::string percent(double share);
std::string listing(const std::vector<std::string>& items);
std::string supplier_subject(std::string_view id);
std::string tool_subject(std::string_view id);
Raised flag(const RuleSetting& setting, std::string subject, std::string cause, std::string summary,
            std::vector<Evidence> evidence);
Date add_days(Date date, double days);
// Names typed by people (sites, subcontractors) match trimmed and case-insensitively.
std::string normalized(std::string_view name);
bool listed(const std::vector<std::string>& names, std::string_view name);
const SupplierFacts* find_supplier(const Facts& facts, std::string_view id);
// "Dongguan Hengtai Precision (S07)", or the id alone when moat has no name for it.
std::string supplier_label(const Facts& facts, std::string_view id);
// "F04" of "supplier/F04"; the rest after the first slash.
std::string_view id_of(std::string_view subject);
// Why a supplier-level duty ended without the duty being done: the supplier is gone, no
// longer active, or the company's own facility.
std::optional<std::string> supplier_gone(const Facts& facts, std::string_view id);

// supplier_rules.cc
std::vector<Raised> requalification_overdue(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> certificate_expired(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> confidentiality_missing(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> access_control_unverified(const Facts& facts, const RuleSetting& setting);
std::string requalification_cleared(const Facts& facts, std::string_view subject, std::string_view);
std::string certificate_cleared(const Facts& facts, std::string_view subject, std::string_view cause);
std::string confidentiality_cleared(const Facts& facts, std::string_view subject, std::string_view person);
std::string access_control_cleared(const Facts& facts, std::string_view subject, std::string_view);

// visit_rules.cc
std::vector<Raised> audit_overdue(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> critical_finding_overdue(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> unapproved_subcontractor(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> unknown_site(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> capacity_swing(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> owner_visit_missing(const Facts& facts, const RuleSetting& setting);
std::string audit_cleared(const Facts& facts, std::string_view subject, std::string_view);
std::string finding_cleared(const Facts& facts, std::string_view subject, std::string_view);
std::string owner_visit_cleared(const Facts& facts, std::string_view subject, std::string_view);

// material_rules.cc
std::vector<Raised> unaccounted_units(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> tooling_unapproved_location(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> tooling_moved_unrecorded(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> tooling_shots_unexplained(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> tooling_change_unapproved(const Facts& facts, const RuleSetting& setting);
std::string unaccounted_cleared(const Facts& facts, std::string_view subject, std::string_view cause);

// plan_rules.cc
std::vector<Raised> affiliated_collusion(const Facts& facts, const RuleSetting& setting);

// legal_rules.cc
std::vector<Raised> agreement_missing(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> agreement_quality(const Facts& facts, const RuleSetting& setting);
// Why a quality flag on an agreement cleared: it expired, was removed, or its failing checks
// (`checks`, the flag's cause) changed.
std::string agreement_quality_cleared(const Facts& facts, std::string_view subject, std::string_view checks);
std::vector<Raised> agreement_expiring(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> ip_owned_by_other(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> trademark_not_filed_cn(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> disclosure_before_filing(const Facts& facts, const RuleSetting& setting);
std::string agreement_missing_cleared(const Facts& facts, std::string_view subject, std::string_view product);

// release_rules.cc
std::vector<Raised> release_not_returned(const Facts& facts, const RuleSetting& setting);

// watch_rules.cc
std::vector<Raised> counterfeit_traced(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> complaint_relisted(const Facts& facts, const RuleSetting& setting);
std::vector<Raised> complaint_unanswered(const Facts& facts, const RuleSetting& setting);

}  // namespace moat::flags::detail
