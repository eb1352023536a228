// SPDX-License-Identifier: Apache-2.0
// Planning as a background job, for `moat serve`: a product's plan solved on a thread of its own
// while whoever started it reads how it stands (the best valid plan's cost so far, the proven
// lower bound, the gap between them, the time spent) and may cancel it. A job that ends saves its
// plan as a draft exactly as `moat plan --product P --save` does (save_plan: one ledger event); a
// cancelled job saves nothing, and cancelling stops the planner through its deadline
// (plan/deadline.h), as its time limit would. One job per product at a time. The jobs live in the
// process that runs them: a server stopped while one runs ends it (saving nothing), and servers
// sharing a PostgreSQL workspace each know their own.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/session.h"
#include "app/sourcing.h"
#include "app/workspace.h"
#include "core/result.h"

namespace moat::app {

// (cost - bound) / cost: how far the best plan found may still be from the cheapest; nullopt
// until both are known (0 once they meet).
std::optional<double> plan_gap(std::optional<double> cost, std::optional<double> lower_bound);

struct PlanJobView {
  std::string id;  // "job-3"
  std::string product;
  std::string state;  // running, cancelling, done, cancelled, failed
  std::string started_by;
  std::string started_at;             // ISO 8601 UTC
  std::string ended_at;               // empty while it runs
  double time_limit = 0;              // seconds
  double elapsed = 0;                 // seconds, so far or in all
  std::optional<double> cost;         // the best valid plan's so far (the saved plan's once done)
  std::optional<double> lower_bound;  // proven
  std::optional<double> gap;
  std::string plan;    // once done: the saved draft's id (plan-N)
  std::string status;  // once done: the plan's status (optimal, feasible, infeasible, unknown)
  std::string error;   // once failed: why
};

struct PlanJobRequest {
  std::string product;
  InstanceOptions instance;  // collusion, cap, today
  double time_limit = 30;    // seconds
};

class PlanJobs {
 public:
  // Jobs save into the workspace in `dir`, each through a handle of its own.
  explicit PlanJobs(std::filesystem::path dir);
  // Cancels the jobs still running and waits for them (nothing of theirs is saved).
  ~PlanJobs();
  PlanJobs(const PlanJobs&) = delete;
  PlanJobs& operator=(const PlanJobs&) = delete;

  // Builds the product's instance with `workspace` (as `moat plan --product` does) and starts
  // solving it. Errors: kNotFound for an unknown product, kInput as product_instance, kConflict
  // when a job of the product is still running (the message names it).
  Result<PlanJobView> start(Workspace& workspace, const Session& session, const PlanJobRequest& request);
  // The job `id` of `product`; nullopt when there is none.
  std::optional<PlanJobView> find(const std::string& product, const std::string& id) const;
  // The product's jobs, newest first (the last few that ended, and the running one).
  std::vector<PlanJobView> list(const std::string& product) const;
  // Stops a running job; it ends as cancelled within moments, saving nothing. Errors: kNotFound
  // for no such job, kConflict when it has already ended (or is saving its plan).
  Result<PlanJobView> cancel(const std::string& product, const std::string& id);

 private:
  struct Job;
  void run(const std::shared_ptr<Job>& job, plan::Instance instance, Session session);
  void forget_ended(const std::string& product);

  std::filesystem::path dir_;
  mutable std::mutex mutex_;
  std::int64_t next_ = 1;
  std::vector<std::shared_ptr<Job>> jobs_;  // in the order started
};

}  // namespace moat::app
