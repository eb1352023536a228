// SPDX-License-Identifier: Apache-2.0
#include "app/views.h"

#include <cmath>

#include "app/audit.h"
#include "app/plan_jobs.h"
#include "legal/agreement_check.h"

namespace moat::app {

using nlohmann::json;

namespace {

json text_or_null(const std::string& text) {
  return text.empty() ? json() : json(text);
}

json check_json(const legal::CheckResult& c) {
  return {{"id", c.id},         {"title", c.title},   {"severity", legal::severity_name(c.severity)},
          {"passed", c.passed}, {"reason", c.reason}, {"fix", c.fix},
          {"source", c.source}};
}

}  // namespace

json date_json(const std::optional<Date>& date) {
  return date ? json(date->to_string()) : json();
}
json number_json(const std::optional<double>& value) {
  return value ? json(*value) : json();
}

// What `verified` rests on: the checkpoint it starts from, the events rehashed after it, and
// what was left to a full audit.
json ledger_head_json(const HeadCheck& head) {
  json checked = {{"from_checkpoint", head.checkpoint_size},
                  {"events_rehashed", head.events_rehashed},
                  {"tree_head", head.ok},
                  {"witness", head.witness_present},
                  {"not_checked", head.checkpoint_size > 0 ? json::array({"events covered by the checkpoint",
                                                                          "records against the ledger"})
                                                           : json::array({"records against the ledger"})}};
  if (!head.ok) checked["problem"] = head.problem;
  return checked;
}

json user_json(const User& user) {
  return {{"name", user.name},
          {"display_name", text_or_null(user.display_name)},
          {"role", role_name(user.role)},
          {"supplier", text_or_null(user.supplier)},
          {"person", text_or_null(user.person)}};
}

json summary_json(const WorkspaceSummary& s) {
  json products = json::array();
  for (const auto& p : s.products) {
    products.push_back({{"id", p.id},
                        {"name", p.name},
                        {"parts", p.parts},
                        {"parts_not_fitted", p.parts_not_fitted},
                        {"secrets", p.secrets},
                        {"secret_weight", p.secret_weight},
                        {"derives", p.derives},
                        {"recipes", p.recipes},
                        {"packages", p.packages},
                        {"quotes", p.quotes},
                        {"packages_without_quotes", p.packages_without_quotes}});
  }
  json parties = json::array();
  for (const auto& party : s.affiliated_parties)
    parties.push_back({{"party", party.id}, {"members", party.members}});
  return {
      {"company", s.company},
      {"home_jurisdiction", s.home_jurisdiction},
      {"products", products},
      {"suppliers", s.suppliers},
      {"suppliers_by_city", s.suppliers_by_city},
      {"suppliers_by_status", s.suppliers_by_status},
      {"trusted", s.trusted},
      {"parties", s.parties},
      {"affiliated_parties", parties},
      {"people", s.people},
      {"ledger", {{"events", s.events}, {"verified", s.ledger_ok}, {"checked", ledger_head_json(s.ledger)}}}};
}

json listed_event_json(const ledger::Event& e) {
  json listed = event_json(e);
  listed["changed"] = changed_fields(listed["before"], listed["after"], e.action);
  return listed;
}

json event_json(const ledger::Event& e) {
  const auto parsed = [](const std::optional<std::string>& s) {
    if (!s) return json(nullptr);
    json value = json::parse(*s, nullptr, false);
    return value.is_discarded() ? json(*s) : value;
  };
  return {{"seq", e.seq},
          {"at", e.at},
          {"actor", e.actor},
          {"action", e.action},
          {"entity", e.entity},
          {"key", e.key},
          {"before", parsed(e.before)},
          {"after", parsed(e.after)},
          {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

json frontier_json(const std::vector<plan::FrontierPoint>& points) {
  json out = json::array();
  for (const auto& point : points) {
    out.push_back({{"collusion", point.collusion},
                   {"max_exposure_share", point.max_exposure_share},
                   {"status", plan::status_name(point.plan.status)},
                   {"cost", number_json(point.plan.cost)},
                   {"lower_bound", number_json(point.plan.lower_bound)}});
  }
  return out;
}

json saved_plan_json(const SavedPlan& saved) {
  json assignments = json::array();
  for (const plan::Assignment& a : saved.plan.assignments) {
    assignments.push_back({{"package", a.package}, {"supplier", a.supplier}, {"units", a.units}});
  }
  return {{"plan", saved.id},
          {"state", saved.state},
          {"status", plan::status_name(saved.plan.status)},
          {"cost", number_json(saved.plan.cost)},
          {"collusion", saved.collusion},
          {"max_exposure_share", saved.max_exposure_share},
          {"created_at", saved.created_at},
          {"approved_by", saved.approved_by.empty() ? json() : json(saved.approved_by)},
          {"assignments", std::move(assignments)}};
}

json plan_job_json(const PlanJobView& job) {
  const auto text_or_null = [](const std::string& text) { return text.empty() ? json() : json(text); };
  return {{"id", job.id},
          {"product", job.product},
          {"state", job.state},
          {"started_by", job.started_by},
          {"started_at", job.started_at},
          {"ended_at", text_or_null(job.ended_at)},
          {"time_limit", job.time_limit},
          {"elapsed", std::round(job.elapsed * 10) / 10},
          {"cost", number_json(job.cost)},
          {"lower_bound", number_json(job.lower_bound)},
          {"gap", number_json(job.gap)},
          {"plan", text_or_null(job.plan)},
          {"status", text_or_null(job.status)},
          {"error", text_or_null(job.error)}};
}

json exposure_json(const ExposureReport& report) {
  json parties = json::array();
  for (const ExposureRow& row : report.rows) {
    json held = json::array(), inferred = json::array();
    for (std::size_t s = 0; s < row.cells.size(); ++s) {
      if (row.cells[s] != ' ') held.push_back(report.secrets[s]);
      if (row.cells[s] == 'I') inferred.push_back(report.secrets[s]);
    }
    parties.push_back({{"party", row.party},
                       {"suppliers", row.suppliers},
                       {"trusted", row.trusted},
                       {"share", row.share},
                       {"cap", row.cap},
                       {"over_cap", row.over_cap},
                       {"secrets", held},
                       {"inferred", inferred},
                       {"cells", std::string(row.cells.begin(), row.cells.end())}});
  }
  json recipes = json::array();
  for (const plan::RecipeExposure& r : report.recipes) {
    recipes.push_back({{"recipe", r.recipe},
                       {"min_coalition", r.min_coalition ? json(*r.min_coalition) : json(nullptr)},
                       {"coalition", r.coalition}});
  }
  return {{"plan", report.plan_id},
          {"collusion", report.collusion},
          {"secrets", report.secrets},
          {"parties", parties},
          {"recipes", recipes}};
}

json verdict_json(const gate::Verdict& verdict) {
  json checks = json::array();
  for (const gate::Check& c : verdict.checks) {
    const std::string reason = c.waiver.empty() ? c.reason : c.reason + " (" + c.waiver + ")";
    json check = {{"id", c.id},
                  {"subject", c.subject},
                  {"status", gate::status_name(c.status)},
                  {"reason", reason},
                  {"fix", c.fix}};
    for (const gate::MissingClauses& m : c.missing_clauses) {
      check["missing_clauses"].push_back({{"agreement", m.agreement.empty() ? json() : json(m.agreement)},
                                          {"supplier", m.supplier},
                                          {"clauses", m.clauses}});
    }
    checks.push_back(std::move(check));
  }
  return {{"verdict", gate::verdict_name(verdict)}, {"checks", checks}};
}

json flag_json(const Flag& f) {
  json evidence = json::array();
  for (const auto& e : f.evidence) evidence.push_back({{"name", e.name}, {"value", e.value}});
  return {{"id", f.id},
          {"rule", f.rule},
          {"severity", f.severity},
          {"subject", f.subject},
          {"cause", f.cause},
          {"summary", f.summary},
          {"evidence", evidence},
          {"state", f.state},
          {"raised_at", f.raised_at},
          {"updated_by", text_or_null(f.updated_by)},
          {"updated_at", text_or_null(f.updated_at)},
          {"reason", text_or_null(f.reason)},
          {"resolution", text_or_null(f.resolution)},
          {"new", f.raised_now},
          {"changed", text_or_null(f.changed_now)}};
}

json agreement_json(const AgreementReview& a) {
  json checks = json::array();
  for (const auto& c : a.checks) checks.push_back(check_json(c));
  return {{"id", a.id},
          {"kind", a.kind},
          {"supplier", a.supplier},
          {"suppliers", a.suppliers},
          {"products", a.products},
          {"effective", date_json(a.effective)},
          {"expires", date_json(a.expires)},
          {"passes", a.passes},
          {"expiring", a.expiring},
          {"contracted_by", text_or_null(a.contracted_by)},
          {"people", a.people},
          {"checks", checks}};
}

json order_json(const OrderReview& o) {
  return {{"id", o.id},
          {"supplier", o.supplier},
          {"product", o.product},
          {"package", text_or_null(o.package)},
          {"quantity", o.quantity},
          {"issued", o.issued},
          {"ip_clause", text_or_null(o.ip_clause)},
          {"penalty", number_json(o.penalty)},
          {"currency", text_or_null(o.currency)},
          {"ok", o.problems.empty()},
          {"problems", o.problems}};
}

json deadline_json(const legal::Deadline& d) {
  return {{"right", d.right},
          {"rule", d.rule},
          {"title", d.title},
          {"category", legal::category_name(d.category)},
          {"due", d.due.to_string()},
          {"nominal", d.nominal.to_string()},
          {"opens", date_json(d.opens)},
          {"office", d.office},
          {"missed", d.missed},
          {"action", d.action},
          {"source", d.source},
          {"note", text_or_null(d.note)}};
}

json qualification_json(const QualificationRow& r) {
  return {{"supplier", r.supplier},
          {"name", r.name},
          {"status", r.status},
          {"tier", r.tier},
          {"max_exposure_share", number_json(r.max_exposure_share)},
          {"qualified_until", r.qualified_until},
          {"last_assessment", r.last_assessment},
          {"certificates", r.certificates}};
}

json right_json(const IpRightRow& row) {
  const IpRightInput& r = row.right;
  json events = json::array();
  for (const auto& e : row.events) events.push_back({{"event", e.name}, {"date", e.on.to_string()}});
  return {{"id", r.id},
          {"kind", r.kind},
          {"jurisdiction", r.jurisdiction},
          {"title", r.title},
          {"mark", text_or_null(r.mark)},
          {"script", text_or_null(r.script)},
          {"nice_classes", r.nice_classes},
          {"subclasses", r.subclasses},
          {"application_number", text_or_null(r.application_number)},
          {"registration_number", text_or_null(r.registration_number)},
          {"filed", date_json(r.filed)},
          {"priority", date_json(r.priority)},
          {"published", date_json(r.published)},
          {"registered", date_json(r.registered)},
          {"expires", date_json(r.expires)},
          {"pct", r.pct},
          {"made_in_china", r.made_in_china},
          {"owner", text_or_null(r.owner)},
          {"products", r.products},
          {"parts", r.parts},
          {"secrets", r.secrets},
          {"events", events}};
}

json waiver_json(const WaiverRow& row) {
  const gate::Waiver& w = row.waiver;
  return {{"id", row.id},
          {"check", w.check},
          {"subject", w.subject},
          {"product", text_or_null(row.product)},
          {"role", w.role},
          {"reason", w.reason},
          {"by", w.by},
          {"granted", w.granted.to_string()},
          {"expires", date_json(w.expires)}};
}

json visit_json(const VisitResult& visit) {
  json out = {{"visit", visit.id}, {"findings", visit.findings}};
  if (visit.score) {
    out["score"] = visit.score->share * 100;
    out["passed"] = visit.score->passed;
    out["failed"] = visit.score->failed;
    out["failed_critical"] = visit.score->failed_critical;
  }
  return out;
}

}  // namespace moat::app
