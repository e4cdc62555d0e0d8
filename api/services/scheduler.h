// Scheduler: the work a running server does because time passes, not because a request came:
//   * the escalations time brings (ledger/domain/escalation.h: unresolved_week), appended within
//     a period of their instant, and at start for every instant passed while the server was down;
//   * deadline alerts (projections/alerts.h), published to the outbox (ledger/log/outbox.h) as they
//     arise — for webhooks and the live alert stream — each once (its key names it).
//
// It keeps an agenda: for each open complaint, the next instant something is due for it. The
// agenda is built from the kept projection at Start() and kept current as the projection applies
// the log (ProjectionRunner::AddBatchListener): a complaint that changed is looked at again at
// once (a change can make an alert due now: an extension, a new level). RunDue() acts on every
// instant the clock has passed; a thread calls it every `period`, and tests call it after moving
// a ManualClock (they never sleep).
//
// Escalations go through the CommandService with a key made from the complaint, level and
// instant: a rise is appended once, across restarts and however often it is decided. Alerts that
// arose longer than `alert_lookback` ago are not published (a server started on an old ledger
// does not replay years of warnings).
//
// Thread-safety: RunDue() may be called from any thread (one at a time acts); the batch listener
// runs on the runner's thread. Start/Run/Stop from one controlling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/services/command_service.h"
#include "ledger/base/clock.h"
#include "ledger/log/outbox.h"
#include "projections/runner.h"

namespace api {

struct SchedulerStats {
  size_t agenda = 0;         // complaints with an instant ahead
  uint64_t escalations = 0;  // escalations appended since start
  uint64_t alerts = 0;       // alerts published since start (new to the outbox)
  uint64_t failures = 0;     // complaints whose escalation or alerts could not be written
                             // (retried at the next round)
};

class Scheduler {
 public:
  struct Options {
    std::chrono::milliseconds period{1000};  // how often the thread looks at the clock
    ledger::Duration alert_lookback = std::chrono::hours(24 * 7);
  };

  // None owned; all must outlive the scheduler. `outbox` may be null (no alerts published).
  Scheduler(CommandService* commands, projections::ProjectionRunner* runner,
            ledger::domain::PolicyStore* policies, ledger::Outbox* outbox, ledger::Clock* clock,
            Options options);
  ~Scheduler();

  // Builds the agenda from every complaint the projection holds and follows its batches. Call
  // once, after the runner is open (and before it follows, so that no batch is missed).
  void Start();
  // Starts the thread that calls RunDue() every period.
  void Run();
  // Stops the thread. Idempotent.
  void Stop();

  // Acts on every instant of the agenda at or before clock->Now(): appends the escalations due and
  // publishes the alerts that arose; returns how many escalations it appended. A failure leaves
  // the complaint on the agenda, tried again next time.
  ledger::Result<size_t> RunDue();

  SchedulerStats stats() const;

 private:
  // Looks at complaints again: `changed` ones are due now (a change can make an alert due at
  // once); the others at their next instant ahead, if any.
  void Reschedule(const std::vector<std::string>& ids, bool changed);
  void Place(const std::string& id, std::optional<ledger::Time> at);
  // Publishes the complaint's alerts that arose by `now` (within the lookback). New ones counted.
  ledger::Result<size_t> PublishAlerts(const std::string& id, ledger::Time now);

  CommandService* const commands_;
  projections::ProjectionRunner* const runner_;
  ledger::domain::PolicyStore* const policies_;
  ledger::Outbox* const outbox_;
  ledger::Clock* const clock_;
  const Options options_;

  mutable std::mutex mu_;  // guards the agenda
  std::set<std::pair<ledger::Time, std::string>> agenda_;
  std::unordered_map<std::string, ledger::Time> due_;  // id -> its instant in agenda_
  std::mutex run_mu_;                                  // one RunDue at a time
  std::atomic<uint64_t> escalations_{0}, alerts_{0}, failures_{0};

  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace api
