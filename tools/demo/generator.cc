// The generator's event loop: arrivals, the queue of next steps, executing them through the
// command service, and keeping a mirror of each complaint's state from the events appended.
#include "tools/demo/generator.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <queue>
#include <unordered_map>

#include "ledger/domain/evolve.h"
#include "tools/demo/sim.h"

namespace demo {

namespace domain = ledger::domain;
using ledger::Duration;
using ledger::Status;
using ledger::Time;

ledger::Time DefaultDemoEnd() { return *ledger::ParseRfc3339("2026-11-20T18:00:00+08:00"); }

ledger::Time DemoStart(const GeneratorOptions& options) {
  return options.end - std::chrono::days(30 * options.months + options.months / 2);
}

namespace {

constexpr Duration kSameIssueWindow = std::chrono::hours(24 * 30);
constexpr Duration kSecondWindow = std::chrono::hours(24 * 85);  // inside the policy's 3 months
constexpr size_t kRecentPerProject = 64;

// A scheduled piece of work: the next step of complaint `sim`, an arrival, or the month's
// ratings. Ordered by time, then by the order it was scheduled in.
struct Task {
  enum class Kind : uint8_t { kStep, kArrival, kRatings };
  Time at{};
  uint64_t seq = 0;
  Kind kind = Kind::kStep;
  uint64_t sim = 0;  // kStep: the sim; kArrival: the arrival's index; kRatings: unused
  bool operator>(const Task& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

// The compact record of a complaint whose steps are over, for the final counts.
struct Final {
  domain::Level level = domain::Level::kGeneral;
  std::string stage, channel;
};

struct Recent {
  Time at{};
  Reference ref;
};

}  // namespace

class Generator::Impl {
 public:
  Impl(api::CommandService* service, ledger::ManualClock* clock, GeneratorOptions options)
      : service_(service),
        log_(&service->log()),
        clock_(clock),
        options_(std::move(options)),
        rng_(options_.seed),
        policy_(service->policies().current()) {}

  ledger::Result<GeneratorStats> Run();

 private:
  void DrawArrivals();
  void ScheduleRatings();
  void Push(Time at, Task::Kind kind, uint64_t sim) { queue_.push({at, seq_++, kind, sim}); }
  Status Arrive(Time at);
  Status RunStep(uint64_t key, Time at);
  void ScheduleNext(uint64_t key, Sim& sim);
  Status Rate(Time at);
  Status Execute(const Planned& planned, const std::string& complaint, const char* step, bool* ok);
  Status Mirror(const api::ActionOutcome& outcome);
  void Apply(const ledger::RecordedEvent& e);
  void AfterStep(Sim& sim, const Step& step);
  void Finish(uint64_t key, Sim& sim);
  void Record(const Sim& sim);
  DrawContext Context(Time at);

  api::CommandService* const service_;
  ledger::EventLog* const log_;
  ledger::ManualClock* const clock_;
  const GeneratorOptions options_;
  Rng rng_;
  std::shared_ptr<const domain::Policy> policy_;
  std::unique_ptr<Staff> staff_;
  World world_;

  std::vector<Time> arrivals_;
  std::priority_queue<Task, std::vector<Task>, std::greater<>> queue_;
  uint64_t seq_ = 0;
  uint64_t next_sim_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Sim>> sims_;
  std::unordered_map<std::string, uint64_t> by_id_;  // complaint id -> sim key (while simulated)
  std::unordered_map<std::string, Final> finals_;    // complaints whose steps are over
  uint64_t mirrored_ = 0;                            // last log position applied to the mirror
  uint64_t receiving_ = 0;                           // the sim whose receive runs now

  std::map<std::string, std::deque<Recent>> recent_;  // project -> recent valid complaints
  std::vector<Recent> closed_;                        // may receive a second complaint
  size_t second_index_ = 0;                           // in closed_: the one Context() offered
  GeneratorStats stats_;
};

Generator::Generator(api::CommandService* service, ledger::ManualClock* clock,
                     GeneratorOptions options)
    : impl_(std::make_unique<Impl>(service, clock, std::move(options))) {}
Generator::~Generator() = default;
ledger::Result<GeneratorStats> Generator::Run() { return impl_->Run(); }

ledger::Result<GeneratorStats> Generator::Impl::Run() {
  if (policy_ == nullptr) return Status::FailedPrecondition("no policy is published");
  if (options_.complaints < 0 || options_.complaints > kMaxComplaints)
    return Status::InvalidArgument("complaints must be from 0 to " +
                                   std::to_string(kMaxComplaints));
  staff_ = std::make_unique<Staff>(*policy_, options_.complaints);
  world_ = World{policy_.get(), staff_.get(), &rng_};
  mirrored_ = log_->GetHead().position;
  DrawArrivals();
  if (!arrivals_.empty()) Push(arrivals_.front(), Task::Kind::kArrival, 0);
  ScheduleRatings();
  while (!queue_.empty()) {
    Task task = queue_.top();
    queue_.pop();
    if (task.at > options_.end) break;
    clock_->Set(std::max(task.at, clock_->Now()));
    switch (task.kind) {
      case Task::Kind::kArrival:
        LEDGER_RETURN_IF_ERROR(Arrive(task.at));
        if (task.sim + 1 < arrivals_.size())
          Push(arrivals_[task.sim + 1], Task::Kind::kArrival, task.sim + 1);
        break;
      case Task::Kind::kStep:
        LEDGER_RETURN_IF_ERROR(RunStep(task.sim, task.at));
        break;
      case Task::Kind::kRatings:
        LEDGER_RETURN_IF_ERROR(Rate(task.at));
        break;
    }
  }
  for (auto& [key, sim] : sims_) Record(*sim);
  sims_.clear();
  if (options_.progress) options_.progress(stats_.complaints, options_.complaints);
  for (const auto& [id, f] : finals_) {
    stats_.by_level[std::string(domain::LevelName(f.level))]++;
    stats_.by_status[f.stage]++;
    stats_.by_channel[f.channel]++;
  }
  stats_.events = log_->GetHead().position;

  return stats_;
}

// Arrival times: days weighted by the calendar (fewer on weekends and holidays), hours weighted
// towards office hours; sorted.
void Generator::Impl::DrawArrivals() {
  const auto offset = policy_->calendar.utc_offset;
  const Time end = options_.end;
  const Time start = DemoStart(options_);
  const auto first_day = std::chrono::floor<std::chrono::days>(start + offset);
  const int64_t days =
      (std::chrono::floor<std::chrono::days>(end + offset) - first_day).count() + 1;
  arrivals_.reserve(size_t(options_.complaints));
  while (int64_t(arrivals_.size()) < options_.complaints) {
    std::chrono::sys_days day = first_day + std::chrono::days(rng_.Int(0, days - 1));
    bool working = policy_->calendar.IsWorkingDay(day);
    if (!working && !rng_.Chance(0.45)) continue;
    int64_t minute = rng_.Chance(0.85) ? rng_.Int(8 * 60, 19 * 60) : rng_.Int(0, 24 * 60 - 1);
    Time t = Time(day.time_since_epoch()) - offset + std::chrono::minutes(minute) +
             std::chrono::seconds(rng_.Int(0, 59));
    if (t <= start || t > end) continue;
    arrivals_.push_back(t);
  }
  std::sort(arrivals_.begin(), arrivals_.end());
}

// Customer service rates every other department once a month, on the month's first working day
// after it ends, at 10:00.
void Generator::Impl::ScheduleRatings() {
  const auto offset = policy_->calendar.utc_offset;
  if (arrivals_.empty()) return;
  auto ymd = ledger::CivilDate(arrivals_.front(), offset);
  std::chrono::year_month month(ymd.year(), ymd.month());
  for (;; month += std::chrono::months(1)) {
    const std::chrono::year_month next = month + std::chrono::months(1);
    std::chrono::sys_days day =
        std::chrono::year_month_day(next.year(), next.month(), std::chrono::day(1));
    while (!policy_->calendar.IsWorkingDay(day)) day += std::chrono::days(1);
    Time at = Time(day.time_since_epoch()) - offset + std::chrono::hours(10);
    if (at > options_.end) break;
    Push(at, Task::Kind::kRatings, 0);
  }
}

Status Generator::Impl::Rate(Time at) {
  const auto offset = policy_->calendar.utc_offset;
  const std::string month = ledger::MonthKey(at - std::chrono::days(20), offset);
  for (const std::string& dept : staff_->departments()) {
    Planned p;
    p.action.type = "rate_department";
    p.action.fields["department"] = dept;
    p.action.fields["month"] = month;
    char score[16];
    std::snprintf(score, sizeof score, "%d.%02d", int(rng_.Int(78, 99)), int(rng_.Int(0, 3) * 25));
    p.action.fields["score"] = score;
    p.actor = staff_->CsHead();
    bool ok = false;
    LEDGER_RETURN_IF_ERROR(Execute(p, "", "rate_department", &ok));
  }
  return Status::Ok();
}

DrawContext Generator::Impl::Context(Time at) {
  static const std::vector<double> kProjectWeights = {35, 30, 15, 20};
  const auto& projects = policy_->organisation.projects;
  DrawContext ctx;
  ctx.policy = policy_.get();
  ctx.staff = staff_.get();
  size_t pi = projects.size() == kProjectWeights.size()
                  ? rng_.Weighted(kProjectWeights)
                  : size_t(rng_.Int(0, int64_t(projects.size()) - 1));
  ctx.project = projects[pi].id;
  std::deque<Recent>& recent = recent_[ctx.project];
  while (!recent.empty() && recent.front().at < at - kSameIssueWindow) recent.pop_front();
  if (!recent.empty()) ctx.same_issue = recent[size_t(rng_.Int(0, int64_t(recent.size()) - 1))].ref;
  // A recently closed complaint (expired ones are dropped on the way).
  second_index_ = closed_.size();
  while (!closed_.empty()) {
    size_t i = size_t(rng_.Int(0, int64_t(closed_.size()) - 1));
    if (closed_[i].at >= at - kSecondWindow) {
      ctx.second_of = closed_[i].ref;
      second_index_ = i;
      break;
    }
    closed_[i] = std::move(closed_.back());
    closed_.pop_back();
  }
  return ctx;
}

Status Generator::Impl::Arrive(Time at) {
  DrawContext ctx = Context(at);
  auto sim = std::make_unique<Sim>();
  sim->plan = DrawPlan(rng_, ctx);
  sim->steps = BuildSteps(sim->plan);
  sim->last = at;
  if (sim->plan.receiver.role != "intake") sim->cs_agent = sim->plan.receiver;
  if (sim->plan.family == Family::kSecond && second_index_ < closed_.size()) {
    // Each closed complaint gets at most one second complaint.
    closed_[second_index_] = std::move(closed_.back());
    closed_.pop_back();
  }
  stats_.families[FamilyName(sim->plan.family)]++;
  const uint64_t key = next_sim_++;
  sims_.emplace(key, std::move(sim));
  receiving_ = key;
  return RunStep(key, at);
}

Status Generator::Impl::RunStep(uint64_t key, Time at) {
  auto it = sims_.find(key);
  if (it == sims_.end()) return Status::Ok();
  Sim& sim = *it->second;
  const Step& step = sim.step();
  std::optional<Planned> planned = BuildAction(sim, world_, at);
  if (!planned) {
    stats_.skipped[StepName(step.kind)]++;
  } else {
    bool ok = false;
    LEDGER_RETURN_IF_ERROR(Execute(*planned, sim.id, StepName(step.kind), &ok));
    if (ok) CountStep(stats_, sim, step, *planned);
    if (step.kind == StepKind::kReceive && !ok) {
      receiving_ = 0;
      sims_.erase(it);
      return Status::Ok();
    }
  }
  sim.last = at;
  AfterStep(sim, step);
  sim.next++;
  ScheduleNext(key, sim);
  return Status::Ok();
}

void Generator::Impl::ScheduleNext(uint64_t key, Sim& sim) {
  while (!sim.done()) {
    std::optional<Time> at = NextTime(sim, world_);
    if (!at) {
      stats_.skipped[StepName(sim.step().kind)]++;
      sim.next++;
      continue;
    }
    if (*at > options_.end) break;
    Push(std::max(*at, sim.last), Task::Kind::kStep, key);
    return;
  }
  Finish(key, sim);
}

// Bookkeeping after a step ran (or was skipped): when the closure target must be worked out
// again, and which pools the complaint joins.
void Generator::Impl::AfterStep(Sim& sim, const Step& step) {
  switch (step.kind) {
    case StepKind::kReceive:
      if (!sim.id.empty() && sim.plan.invalid_reason.empty()) {
        Reference ref{sim.id,
                      sim.plan.project,
                      sim.plan.category,
                      sim.plan.department,
                      sim.plan.issue.subject,
                      sim.plan.complainant};
        std::deque<Recent>& recent = recent_[sim.plan.project];
        recent.push_back({sim.last, std::move(ref)});
        if (recent.size() > kRecentPerProject) recent.pop_front();
      }
      break;
    case StepKind::kReviewPlan:
    case StepKind::kResume:
    case StepKind::kDecideExtension:
    case StepKind::kReopen:
      sim.close_target.reset();
      break;
    case StepKind::kClose:
      if (sim.plan.may_have_second && sim.state.closed())
        closed_.push_back(
            {sim.last, Reference{sim.id, sim.plan.project, sim.plan.category, sim.plan.department,
                                 sim.plan.issue.subject, sim.plan.complainant}});
      break;
    default:
      break;
  }
}

void Generator::Impl::Record(const Sim& sim) {
  if (sim.id.empty()) return;
  finals_[sim.id] = Final{sim.state.level(), std::string(domain::StageName(sim.state.stage())),
                          sim.state.channel};
  by_id_.erase(sim.id);
}

void Generator::Impl::Finish(uint64_t key, Sim& sim) {
  Record(sim);
  sims_.erase(key);
}

Status Generator::Impl::Execute(const Planned& planned, const std::string& complaint,
                                const char* step, bool* ok) {
  ledger::Result<api::ActionOutcome> outcome =
      service_->Execute(planned.action, planned.actor, complaint);
  if (!outcome.ok()) {
    ledger::Code code = outcome.status().code();
    if (code == ledger::Code::kUnavailable || code == ledger::Code::kDataLoss ||
        code == ledger::Code::kInternal)
      return outcome.status();
    stats_.refused++;
    stats_.refusals[planned.action.type + " (" + step + "): " + outcome.status().ToString()]++;
    *ok = false;
    return Status::Ok();
  }
  *ok = true;
  stats_.actions++;
  stats_.actions_by_type[planned.action.type]++;
  if (planned.action.type == "receive") {
    stats_.complaints++;
    if (options_.progress && stats_.complaints % 256 == 0)
      options_.progress(stats_.complaints, options_.complaints);
  }
  return Mirror(*outcome);
}

// Applies to the mirror every event appended since the last time: the action's own, and any
// escalations the service appended to other complaints afterwards.
Status Generator::Impl::Mirror(const api::ActionOutcome& outcome) {
  for (const ledger::RecordedEvent& e : outcome.events) {
    if (e.position() != mirrored_ + 1) break;
    if (receiving_ != 0 && e.type() == "ComplaintReceived") {
      auto it = sims_.find(receiving_);
      if (it != sims_.end() && it->second->id.empty()) {
        it->second->id = std::string(e.stream());
        it->second->state.id = it->second->id;
        by_id_[it->second->id] = receiving_;
      }
      receiving_ = 0;
    }
    Apply(e);
  }
  const uint64_t head = log_->GetHead().position;
  while (mirrored_ < head) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<ledger::RecordedEvent> events,
                            log_->ReadAll(mirrored_ + 1, size_t(head - mirrored_)));
    if (events.empty()) break;
    for (const ledger::RecordedEvent& e : events) Apply(e);
  }
  return Status::Ok();
}

void Generator::Impl::Apply(const ledger::RecordedEvent& e) {
  mirrored_ = e.position();
  auto it = by_id_.find(std::string(e.stream()));
  ledger::Result<domain::EventView> view = domain::ViewOf(e);
  if (!view.ok()) return;
  CountFlags(stats_, view->event);
  if (it != by_id_.end()) {
    domain::Evolve(sims_.at(it->second)->state, *view);
    return;
  }
  auto f = finals_.find(std::string(e.stream()));
  if (f != finals_.end() && view->event.which() == domain::schema::DomainEvent::LEVEL_ESCALATED) {
    auto l =
        domain::ParseLevel(std::string_view(view->event.getLevelEscalated().getLevel().cStr()));
    if (l) f->second.level = *l;
  }
}

}  // namespace demo
