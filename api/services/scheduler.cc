#include "api/services/scheduler.h"

#include <boost/json/serialize.hpp>
#include <cstdio>

#include "api/services/views_json.h"
#include "ledger/domain/escalation.h"
#include "projections/alerts.h"

namespace api {

namespace domain = ledger::domain;
using ledger::Result;
using ledger::Status;
using ledger::Time;

Scheduler::Scheduler(CommandService* commands, projections::ProjectionRunner* runner,
                     domain::PolicyStore* policies, ledger::Outbox* outbox, ledger::Clock* clock,
                     Options options)
    : commands_(commands),
      runner_(runner),
      policies_(policies),
      outbox_(outbox),
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
  // Due now, each: alerts that arose while the server was down are published, and escalations
  // passed meanwhile appended (a complaint with nothing due is looked at once and leaves).
  Reschedule(ids, /*changed=*/true);
  runner_->AddBatchListener(
      [this](const std::vector<std::string>& touched) { Reschedule(touched, true); });
}

void Scheduler::Reschedule(const std::vector<std::string>& ids, bool changed) {
  const Time now = clock_->Now();
  std::vector<std::pair<std::string, std::optional<Time>>> next;
  next.reserve(ids.size());
  runner_->Read([&](const projections::LedgerProjection& p) {
    const projections::PolicyLookup lookup = runner_->policies();
    const domain::Policy& fallback = runner_->fallback();
    for (const std::string& id : ids) {
      const projections::TrackedComplaint* t = p.Find(id);
      if (t == nullptr || !t->state.exists() || t->state.closed()) {
        next.emplace_back(id, std::nullopt);
        continue;
      }
      if (changed) {
        next.emplace_back(id, now);
        continue;
      }
      const domain::Policy& own = projections::OwnPolicy(t->state, lookup, fallback);
      std::optional<Time> at = domain::NextTimeEscalation(t->state, own);
      std::optional<Time> alert =
          outbox_ ? projections::NextAlert(*t, lookup, fallback, now) : std::nullopt;
      if (alert && (!at || *alert < *at)) at = alert;
      next.emplace_back(id, at);
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
  for (const auto& entry : due) {
    const Time at = entry.first;
    const std::string& id = entry.second;  // not a binding: lambdas below capture it
    // The projection (in memory) tells whether a rise is due; only then is the complaint loaded
    // and decided on by the write path (which decides again on its latest state).
    bool rise_due = false;
    runner_->Read([&](const projections::LedgerProjection& p) {
      if (const projections::TrackedComplaint* t = p.Find(id)) {
        std::optional<Time> next = domain::NextTimeEscalation(
            t->state, projections::OwnPolicy(t->state, runner_->policies(), runner_->fallback()));
        rise_due = next && *next <= now;
      }
      return 0;
    });
    Result<bool> r = rise_due ? commands_->EscalateInTime(id) : Result<bool>(false);
    Result<size_t> published = r.ok() ? PublishAlerts(id, now) : Result<size_t>(r.status());
    if (!published.ok()) {
      ++failures_;
      if (first_failure.ok()) first_failure = published.status();
      std::lock_guard<std::mutex> lock(mu_);
      Place(id, at);  // tried again at the next round
      continue;
    }
    if (*r) ++appended;
    alerts_ += *published;
    seen.push_back(id);
  }
  escalations_ += appended;
  // Their next instants ahead (another rule or threshold, or none): from the projection, which
  // the batch listener brings up to date again once it has applied what was appended.
  Reschedule(seen, /*changed=*/false);
  if (!first_failure.ok()) return first_failure;
  return appended;
}

Result<size_t> Scheduler::PublishAlerts(const std::string& id, Time now) {
  if (outbox_ == nullptr) return size_t(0);
  std::vector<projections::Alert> alerts;
  std::chrono::minutes offset{480};
  runner_->Read([&](const projections::LedgerProjection& p) {
    offset = runner_->fallback().calendar.utc_offset;
    if (const projections::TrackedComplaint* t = p.Find(id))
      alerts = projections::AlertsOf(*t, runner_->policies(), runner_->fallback(), now);
    return 0;
  });
  LEDGER_ASSIGN_OR_RETURN(const uint64_t before, outbox_->LastSeq());
  size_t added = 0;
  for (const projections::Alert& a : alerts) {
    if (a.at < now - options_.alert_lookback) continue;
    // No personal data in an alert: it may go to any registered webhook.
    std::string body = boost::json::serialize(AlertToJson(a, ViewContext{offset, nullptr}));
    LEDGER_ASSIGN_OR_RETURN(uint64_t seq, outbox_->Append("alert:" + a.Key(), a.complaint, body));
    if (seq > before) ++added;  // a key seen before answers its old seq
  }
  return added;
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
        std::fprintf(stderr,
                     "scheduler: an escalation or alert could not be written (retried): %s\n",
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
  s.alerts = alerts_.load();
  s.failures = failures_.load();
  return s;
}

}  // namespace api
