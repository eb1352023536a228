// SPDX-License-Identifier: Apache-2.0
// Inside the gate (not for other folders): the context one check is evaluated in, the check
// functions the table in gate.cc lists, and the wording they share. A check function returns one
// Check per subject, passed or failed with a reason and a fix; gate.cc fills in the id and
// applies waivers, so a check function never sees them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gate/gate.h"

namespace moat::gate::detail {

struct Context {
  Date today;
  const Settings* settings = nullptr;
  const std::vector<std::string>* company_names = nullptr;
  const Product* product = nullptr;
  const Package* package = nullptr;  // a release's package; nullptr for a launch
  std::vector<Secret> secrets;       // in scope: the package's, or for a launch the product's
  const std::vector<IpRight>* rights = nullptr;
  const std::optional<ApprovedPlan>* plan = nullptr;
  const SupplierFacts* supplier = nullptr;  // set for supplier-level checks
  Date production_start;                    // a launch's; a release's is today
};

using Evaluate = std::vector<Check> (*)(const Context& context);

// supplier_checks.cc
std::vector<Check> supplier_qualified(const Context& context);
std::vector<Check> nnn(const Context& context);
std::vector<Check> po_ip_clause(const Context& context);
std::vector<Check> onsite_agent(const Context& context);
std::vector<Check> recent_audit(const Context& context);
std::vector<Check> owner_visit(const Context& context);
std::vector<Check> employee_confidentiality(const Context& context);
std::vector<Check> access_control(const Context& context);
std::vector<Check> red_flags(const Context& context);
std::vector<Check> files_returned(const Context& context);
// ip_checks.cc
std::vector<Check> ip_filed(const Context& context);
std::vector<Check> priority_deadline(const Context& context);
std::vector<Check> trademark_cn(const Context& context);
// plan_checks.cc
std::vector<Check> plan_assignment(const Context& context);
std::vector<Check> collusion_margin(const Context& context);
std::vector<Check> plan_valid(const Context& context);

// waivers.cc: `check` with the first matching waiver in force applied (status kWaived), or with
// the reason extended by why the matching waivers do not apply (expired, not yet granted, invalid).
Check apply_waivers(Check check, const std::vector<Waiver>& waivers, Date today);

// wording.cc
Check passed(std::string subject, std::string reason);
Check failed(std::string subject, std::string reason, std::string fix);
std::string supplier_subject(const SupplierFacts& supplier);  // "supplier/F03"
std::string supplier_label(const SupplierFacts& supplier);    // "Shenzhen Huasheng … (F03)"
std::string contract_party(const SupplierFacts& supplier);  // "深圳市华晟精密模具有限公司 (9144…)"
std::string right_label(const IpRight& right);              // "CN design 202430123456.7"
std::string secret_label(const Secret& secret);             // "S01 (Enclosure geometry, design)"
std::string listing(const std::vector<std::string>& items);  // "a, b" or "none"
std::string company_name(const Context& context);            // the first of company_names
bool owned_by_company(const Context& context, const IpRight& right);
bool is_filed(const IpRight& right, Date today);  // filed on or before today
bool covers(const IpRight& right, std::string_view secret);
bool has_han(std::string_view text);  // contains a Chinese character

}  // namespace moat::gate::detail
