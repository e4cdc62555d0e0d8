#include "api/scheduler.h"

#include <cstdio>

#include "ledger/domain/escalation.h"

namespace api {

namespace domain = ledger::domain;
using ledger::Result;
using ledger::Status;
using ledger::Time;

Scheduler::Scheduler(CommandService* commands, projections::ProjectionRunner* runner,
                     domain::PolicyStore* policies, ledger::Clock* clock, Options options)
    : commands_(commands),
      runner_(runner),
      policies_(policies),
      clock_(clock),
      options_(options) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  std::vector<std::string> ids;
  runner_->Read([&](const projections::LedgerProjection& p) {
    for (const auto& [id, tracked] : p.complaints())
      if (tracked.state.exists() && !tracked.state.closed()) ids.push_back(id);
    return 0;
  });
  Reschedule(ids);
  runner_->AddBatchListener([this](const std::vector<std::string>& touched) { Reschedule(touched); });
}

void Scheduler::Reschedule(const std::vector<std::string>& ids) {
  std::vector<std::pair<std::string, std::optional<Time>>> next;
  next.reserve(ids.size());
  runner_->Read([&](const projections::LedgerProjection& p) {
    for (const std::string& id : ids) {
      const projections::TrackedComplaint* t = p.Find(id);
      if (t == nullptr) {
        next.emplace_back(id, std::nullopt);
        continue;
      }
      std::shared_ptr<const domain::Policy> own = policies_->Get(t->state.policy_version);
      if (!own) own = policies_->current();
      next.emplace_back(id, own ? domain::NextTimeEscalation(t->state, *own) : std::nullopt);
    }
    return 0;
  });
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, at] : next) Place(id, at);
}

void Scheduler::Place(const std::string& id, std::optional<Time> at) {
  auto it = due_.find(id);
  if (it != due_.end()) {
    agenda_.erase({it->second, id});
    due_.erase(it);
  }
  if (!at) return;
  agenda_.emplace(*at, id);
  due_.emplace(id, *at);
}

Result<size_t> Scheduler::RunDue() {
  std::lock_guard<std::mutex> running(run_mu_);
  const Time now = clock_->Now();
  std::vector<std::pair<Time, std::string>> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!agenda_.empty() && agenda_.begin()->first <= now) {
      due.push_back(*agenda_.begin());
      due_.erase(agenda_.begin()->second);
      agenda_.erase(agenda_.begin());
    }
  }
  size_t appended = 0;
  Status first_failure;
  std::vector<std::string> seen;
  for (const auto& [at, id] : due) {
    Result<bool> r = commands_->EscalateInTime(id);
    if (!r.ok()) {
      ++failures_;
      if (first_failure.ok()) first_failure = r.status();
      std::lock_guard<std::mutex> lock(mu_);
      Place(id, at);  // tried again at the next round
      continue;
    }
    if (*r) ++appended;
    seen.push_back(id);
  }
  escalations_ += appended;
  // Their next instants (another rule ahead, or none): from the projection, which the batch
  // listener brings up to date again once it has applied what was appended.
  Reschedule(seen);
  if (!first_failure.ok()) return first_failure;
  return appended;
}

void Scheduler::Run() {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(wake_mu_);
    while (!stopping_) {
      lock.unlock();
      Result<size_t> r = RunDue();
      if (!r.ok())
        std::fprintf(stderr, "scheduler: an escalation could not be appended (retried): %s\n",
                     r.status().ToString().c_str());
      lock.lock();
      wake_.wait_for(lock, options_.period, [this] { return stopping_; });
    }
  });
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SchedulerStats Scheduler::stats() const {
  SchedulerStats s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.agenda = agenda_.size();
  }
  s.escalations = escalations_.load();
  s.failures = failures_.load();
  return s;
}

}  // namespace api
