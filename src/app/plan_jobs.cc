// SPDX-License-Identifier: Apache-2.0
#include "app/plan_jobs.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

namespace moat::app {
namespace {

using Clock = std::chrono::steady_clock;

// The ended jobs of a product that are kept to be read (the newest).
constexpr std::size_t kEndedKept = 10;

}  // namespace

std::optional<double> plan_gap(std::optional<double> cost, std::optional<double> lower_bound) {
  if (!cost || !lower_bound) return std::nullopt;
  if (*cost <= 0) return 0.0;
  return std::max(0.0, (*cost - *lower_bound) / *cost);
}

struct PlanJobs::Job {
  mutable std::mutex mutex;
  PlanJobView view;     // under `mutex`
  bool saving = false;  // the plan is being saved: too late to cancel
  Clock::time_point started = Clock::now();
  std::shared_ptr<std::atomic<bool>> stop = std::make_shared<std::atomic<bool>>(false);
  std::thread thread;

  PlanJobView snapshot() const {
    const std::lock_guard lock(mutex);
    PlanJobView out = view;
    if (out.state != "running") return out;
    out.elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    if (stop->load()) out.state = "cancelling";  // stopping: ends as cancelled within moments
    return out;
  }

  bool ended() const {
    const std::lock_guard lock(mutex);
    return !view.ended_at.empty();
  }

  // Ends the job in `state` (under `mutex`).
  void end(const std::string& state, const Session& session) {
    view.state = state;
    view.ended_at = session.now();
    view.elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  }
};

PlanJobs::PlanJobs(std::filesystem::path dir) : dir_(std::move(dir)) {}

PlanJobs::~PlanJobs() {
  const std::lock_guard lock(mutex_);
  for (const auto& job : jobs_) job->stop->store(true);
  for (const auto& job : jobs_) {
    if (job->thread.joinable()) job->thread.join();
  }
}

Result<PlanJobView> PlanJobs::start(Workspace& workspace, const Session& session,
                                    const PlanJobRequest& request) {
  {
    const std::lock_guard lock(mutex_);
    for (const auto& job : jobs_) {
      const PlanJobView view = job->snapshot();
      if (view.product == request.product && !job->ended()) {
        return Error(ErrorCode::kConflict, "product",
                     "product '" + request.product + "' is being planned already (" + view.id +
                         "): cancel it or wait for it to end");
      }
    }
  }
  MOAT_TRY(plan::Instance instance, product_instance(workspace, request.product, request.instance));
  MOAT_CHECK(check_plannable(instance, request.product));
  const std::lock_guard lock(mutex_);
  for (const auto& job : jobs_) {  // another request may have started one meanwhile
    if (job->snapshot().product == request.product && !job->ended()) {
      return Error(ErrorCode::kConflict, "product",
                   "product '" + request.product + "' is being planned already");
    }
  }
  forget_ended(request.product);
  auto job = std::make_shared<Job>();
  job->view.id = "job-" + std::to_string(next_++);
  job->view.product = request.product;
  job->view.state = "running";
  job->view.started_by = session.actor;
  job->view.started_at = session.now();
  job->view.time_limit = request.time_limit;
  jobs_.push_back(job);
  job->thread = std::thread([this, job, instance = std::move(instance), session]() mutable {
    run(job, std::move(instance), std::move(session));
  });
  return job->snapshot();
}

void PlanJobs::run(const std::shared_ptr<Job>& job, plan::Instance instance, Session session) {
  auto workspace = Workspace::open(dir_);
  if (!workspace.ok()) {
    const std::lock_guard lock(job->mutex);
    job->view.error = workspace.error().to_string();
    job->end("failed", session);
    return;
  }
  plan::SolveOptions options{job->view.time_limit, true, job->started};
  options.stop = job->stop;
  options.on_progress = [&job](const plan::SolveProgress& progress) {
    const std::lock_guard lock(job->mutex);
    if (progress.cost) job->view.cost = progress.cost;
    if (progress.lower_bound) job->view.lower_bound = progress.lower_bound;
    job->view.gap = plan_gap(job->view.cost, job->view.lower_bound);
  };
  const plan::Plan solved = app::solve(instance, options);
  {
    const std::lock_guard lock(job->mutex);
    if (job->stop->load()) {  // cancelled: what the planner had by then is not a plan to keep
      job->end("cancelled", session);
      return;
    }
    job->saving = true;
  }
  auto saved = save_plan(**workspace, session, job->view.product, instance, solved);
  const std::lock_guard lock(job->mutex);
  if (!saved.ok()) {
    job->view.error = saved.error().to_string();
    job->end("failed", session);
    return;
  }
  job->view.plan = saved->id;
  job->view.status = std::string(plan::status_name(solved.status));
  job->view.cost = solved.cost;
  if (solved.lower_bound) job->view.lower_bound = solved.lower_bound;
  if (solved.status == plan::PlanStatus::kOptimal) job->view.lower_bound = solved.cost;
  job->view.gap = plan_gap(job->view.cost, job->view.lower_bound);
  job->end("done", session);
}

void PlanJobs::forget_ended(const std::string& product) {
  std::size_t kept = 0;
  for (auto it = jobs_.rbegin(); it != jobs_.rend();) {
    Job& job = **it;
    const PlanJobView view = job.snapshot();
    if (view.product != product || !job.ended() || ++kept <= kEndedKept) {
      ++it;
      continue;
    }
    if (job.thread.joinable()) job.thread.join();  // ended: the thread is leaving already
    it = decltype(it)(jobs_.erase(std::next(it).base()));
  }
}

std::optional<PlanJobView> PlanJobs::find(const std::string& product, const std::string& id) const {
  const std::lock_guard lock(mutex_);
  for (const auto& job : jobs_) {
    PlanJobView view = job->snapshot();
    if (view.id == id && view.product == product) return view;
  }
  return std::nullopt;
}

std::vector<PlanJobView> PlanJobs::list(const std::string& product) const {
  const std::lock_guard lock(mutex_);
  std::vector<PlanJobView> out;
  for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it) {
    PlanJobView view = (*it)->snapshot();
    if (view.product == product) out.push_back(std::move(view));
  }
  return out;
}

Result<PlanJobView> PlanJobs::cancel(const std::string& product, const std::string& id) {
  const std::lock_guard lock(mutex_);
  for (const auto& job : jobs_) {
    {
      const std::lock_guard job_lock(job->mutex);
      if (job->view.id != id || job->view.product != product) continue;
      if (job->view.state != "running" || job->saving) {
        return Error(ErrorCode::kConflict, "job",
                     "job " + id + " has " + (job->saving ? "finished and is saving its plan" : "ended") +
                         ": nothing to cancel");
      }
      job->stop->store(true);
    }
    return job->snapshot();
  }
  return Error(ErrorCode::kNotFound, "job", "product '" + product + "' has no planning job '" + id + "'");
}

}  // namespace moat::app
