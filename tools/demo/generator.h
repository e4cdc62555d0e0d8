// Generator: fills a ledger with a realistic, deterministic history of complaints
// (docs/demo.md).
//
// Every event is decided by the real rules: the generator performs actions through
// api::CommandService::Execute as the people who would perform them (staff.h), and never writes
// to the log itself. It is an event-driven simulation: each complaint's next step waits in one
// priority queue ordered by (time, sequence); the generator sets the ManualClock to each step's
// time before executing it, so events are appended in time order with recorded_at equal to
// occurred_at, except the few entries it back-dates on purpose.
//
// Determinism: one Rng seeded with `seed` makes every choice, in processing order, and time comes
// only from the ManualClock, so a seed and a size name one ledger, byte for byte.
//
// Thread-safety: a Generator is used by one thread. The service and the clock it is given must
// be the ones the log was opened with (Options::clock), and nothing else may write to the log
// while Run() runs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/services/command_service.h"
#include "ledger/base/clock.h"
#include "ledger/base/status.h"
#include "ledger/base/time.h"

namespace demo {

// 2026-11-20T18:00:00+08:00: the demo's "now", fixed so that the ledger does not depend on the
// day it is generated.
ledger::Time DefaultDemoEnd();

// All demo complaints are received in one year, whose ids have six digits (CMP-2026-000001).
inline constexpr int64_t kMaxComplaints = 999999;

struct GeneratorOptions {
  int64_t complaints = 3000;  // complaints received (second complaints included), <= kMaxComplaints
  uint64_t seed = 1;
  ledger::Time end = DefaultDemoEnd();  // the last moment simulated
  int months = 6;                       // complaints arrive over this many months before `end`
  // Called after every 256th complaint and once at the end with (received so far, total).
  std::function<void(int64_t, int64_t)> progress;
};

// The first moment complaints may arrive: about `months` months before `end`. The policy is
// published before it.
ledger::Time DemoStart(const GeneratorOptions& options);

// What was generated, counted as the actions were executed.
struct GeneratorStats {
  int64_t complaints = 0;  // received
  int64_t actions = 0;     // executed successfully
  uint64_t events = 0;     // events in the log afterwards (the policy included)
  std::map<std::string, int64_t> actions_by_type;
  std::map<std::string, int64_t> families;   // scenario family -> complaints
  std::map<std::string, int64_t> scenarios;  // modifiers actually carried out ("backdated", ...)
  std::map<std::string, int64_t> flags;      // flags set (at intake or later)
  std::map<std::string, int64_t> fines;      // recorded fine rules
  // Every complaint at the end, by its level, its stage (ledger/domain/state.h StageName) and the
  // channel it came in by.
  std::map<std::string, int64_t> by_level, by_status, by_channel;
  // Refused actions (should stay empty): "type: message" -> count.
  std::map<std::string, int64_t> refusals;
  int64_t refused = 0;
  // Steps left out because the situation did not allow them (e.g. an extension requested after
  // its clock had run out): "kind" -> count. Not refusals: the generator did not ask.
  std::map<std::string, int64_t> skipped;
};

class Generator {
 public:
  // `service` and `clock` must outlive the generator; `service` must have been started on a
  // ledger whose policy is published, with `clock` as the log's and the service's clock.
  Generator(api::CommandService* service, ledger::ManualClock* clock, GeneratorOptions options);
  ~Generator();

  // Runs the simulation to `options.end`. Non-OK only when the log fails (Unavailable,
  // DataLoss); refused actions are counted in the stats, not returned.
  ledger::Result<GeneratorStats> Run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace demo
