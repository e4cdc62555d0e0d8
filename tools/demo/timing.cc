// NextTime: when each step of a complaint happens — relative to the step before it, or to the
// clock it must meet (or miss on purpose).
#include <algorithm>

#include "ledger/domain/rules.h"
#include "tools/demo/sim.h"

namespace demo {
namespace {

using ledger::Duration;
using ledger::Time;
using ledger::domain::ClockKind;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using K = StepKind;

constexpr Duration Min(int64_t n) { return std::chrono::duration_cast<Duration>(minutes(n)); }
constexpr Duration Hours(int64_t n) { return std::chrono::duration_cast<Duration>(hours(n)); }
constexpr Duration Days(int64_t n) { return std::chrono::duration_cast<Duration>(days(n)); }

// `prev + delay`, but before `due - margin` when that is still ahead (an on-time step).
Time OnTime(Time prev, Duration delay, std::optional<Time> due, Duration margin) {
  Time t = prev + delay;
  if (due && *due - margin < t) t = std::max(prev + Min(1), *due - margin);
  return t;
}

// After the deadline, on purpose.
Time Late(Rng& rng, Time prev, std::optional<Time> due, Duration lo, Duration hi) {
  Time base = due ? std::max(prev, *due) : prev + Hours(4);
  return base + rng.Between(lo, hi);
}

Time WholeSeconds(Time t) { return std::chrono::floor<std::chrono::seconds>(t); }

// `a + (b - a) * fraction`, to the second.
Time Between(Time a, Time b, double fraction) {
  return WholeSeconds(a + std::chrono::duration_cast<Duration>((b - a) * fraction));
}

// Office work (reviews, notes, surveys, fines) happens from 08:00 to 21:00 local time: a time in
// the night moves to the next morning (or, `backwards`, to the evening before).
Time Office(Rng& rng, Time t, const ledger::domain::Policy& policy, bool backwards = false) {
  const auto offset = policy.calendar.utc_offset;
  const Time midnight = std::chrono::floor<days>(t + offset) - offset;
  const Duration tod = t - midnight;
  if (tod >= Hours(8) && tod < Hours(21)) return t;
  Time morning = midnight + (tod < Hours(8) ? Days(0) : Days(1)) + Hours(8);
  if (!backwards) return morning + rng.Between(Min(0), Min(120));
  return morning - Days(1) + Hours(12) - rng.Between(Min(0), Min(150));  // 17:30 to 20:00
}

// When the complaint is to be closed: before its closure deadline, or the planned number of
// days after it; in office hours when that does not change which of the two it is.
Time CloseTarget(Sim& sim, const World& w) {
  Rng& rng = *w.rng;
  const Time now = sim.last;
  std::optional<Time> due = DueOf(sim, *w.policy, ClockKind::kClosure, now);
  if (!due) return Office(rng, now + rng.Between(Days(1), Days(3)), *w.policy);
  const int overdue = sim.state.cycles.size() > 1 ? 0 : sim.plan.closure_overdue_days;
  if (overdue > 0) {
    Time t = *due + Days(overdue - 1) + rng.Between(Hours(1), Hours(12));
    return std::max(now + Hours(4), Office(rng, t, *w.policy));
  }
  if (*due - now < Hours(8)) return now + rng.Between(Hours(2), Hours(4));
  Time t = Between(now, *due, 0.35 + 0.55 * rng.Unit());
  Time office = Office(rng, t, *w.policy, true);
  return office >= now + Hours(6) ? office : t;
}

Time ClosingTime(Sim& sim, const World& w) {
  if (!sim.close_target) sim.close_target = CloseTarget(sim, w);
  return *sim.close_target;
}

// A step between the last one and the closure (progress notes, evidence).
Time BeforeClosure(Sim& sim, const World& w) {
  Time target = ClosingTime(sim, w);
  Time end = target - Hours(6);
  if (end <= sim.last + Min(10)) return sim.last + Min(10);
  Time t = Between(sim.last, end, 0.15 + 0.35 * w.rng->Unit());
  Time office = Office(*w.rng, t, *w.policy);
  return office < end ? office : t;
}

// The resolution, a few hours before the closure, in office hours when there is room.
Time Resolution(Sim& sim, const World& w) {
  Time target = ClosingTime(sim, w);
  Time t = target - w.rng->Between(Hours(2), Hours(5));
  Time office = Office(*w.rng, t, *w.policy, true);
  return std::max(sim.last + Min(10), office > sim.last ? office : t);
}

}  // namespace

std::optional<Time> DueOf(const Sim& sim, const ledger::domain::Policy& policy, ClockKind kind,
                          Time at) {
  // Only the clock asked for: the generator asks for a deadline before nearly every step.
  const int cycle = kind == ClockKind::kClosure ? int(sim.state.cycles.size()) - 1 : 0;
  std::optional<ledger::domain::ClockResult> clock = ledger::domain::EvaluateClock(
      ledger::domain::ClockFactsOf(sim.state, policy), policy, at, kind, cycle);
  return clock ? clock->due : std::nullopt;
}

std::optional<Time> NextTime(Sim& sim, const World& w) {
  Rng& rng = *w.rng;
  const Step& s = sim.step();
  const Time prev = sim.last;
  auto due = [&](ClockKind k) { return DueOf(sim, *w.policy, k, prev); };
  switch (s.kind) {
    case K::kReceive:
      return prev;
    case K::kEvidence:
      if (s.arg == "intake") return prev + rng.Between(Min(2), Min(20));
      return BeforeClosure(sim, w);
    case K::kTransmit:
      if (s.late) return Late(rng, prev, due(ClockKind::kTransmission), Min(20), Hours(6));
      return OnTime(prev, rng.Between(Min(5), Min(80)), due(ClockKind::kTransmission), Min(3));
    case K::kAssess:
      return prev + rng.Between(Min(3), Min(20));
    case K::kRespondInvalid:
      return prev + rng.Between(Min(5), Min(30));
    case K::kCloseInvalid:
      return prev + rng.Between(Min(20), Hours(6));
    case K::kClassify:
    case K::kLink:
    case K::kSetLevel:
      return prev + rng.Between(Min(1), Min(6));
    case K::kAssign:
      if (s.late) return Late(rng, prev, due(ClockKind::kAssignment), Min(15), Hours(5));
      return OnTime(prev, rng.Between(Min(2), Min(15)), due(ClockKind::kAssignment), Min(2));
    case K::kRespond:
      if (s.late) return Late(rng, prev, due(ClockKind::kResponse), Min(10), Hours(4));
      return OnTime(prev, rng.Between(Min(2), Min(20)), due(ClockKind::kResponse), Min(1));
    case K::kStaffDecision:
      if (s.late) return Late(rng, prev, due(ClockKind::kStaffDecision), Hours(1), Hours(18));
      return OnTime(prev, rng.Between(Min(20), Hours(4)), due(ClockKind::kStaffDecision), Min(10));
    case K::kCorrectHeadcount:
      return prev + rng.Between(Min(10), Min(50));
    case K::kAddFlag:
      if (s.arg == "litigation")
        return Office(rng, prev + rng.Between(Days(1), Days(3)), *w.policy);
      return Office(rng, prev + rng.Between(Hours(1), Hours(24)), *w.policy);
    case K::kProposePlan:
      if (!sim.state.plans.empty()) return prev + rng.Between(Hours(1), Hours(8));
      if (s.late) return Late(rng, prev, due(ClockKind::kPlan), Min(30), Hours(20));
      return OnTime(prev, rng.Between(Min(15), Hours(3)), due(ClockKind::kPlan), Min(5));
    case K::kReviewPlan:
      return prev + rng.Between(Min(10), Hours(3));
    case K::kDecideExtension:
      return Office(rng, prev + rng.Between(Min(10), Hours(6)), *w.policy);
    case K::kPause:
      if (s.arg == "litigation") return prev + rng.Between(Hours(1), Hours(4));
      return Office(rng, prev + rng.Between(Hours(2), Hours(30)), *w.policy);
    case K::kResume:
      if (s.arg == "litigation")
        return Office(rng, prev + rng.Between(Days(20), Days(60)), *w.policy);
      return Office(rng, prev + rng.Between(Days(1), Days(6)), *w.policy);
    case K::kRequestExtension: {
      std::optional<Time> d = due(ClockKind::kClosure);
      if (!d) return std::nullopt;
      Time t = std::max(prev + Min(30), *d - rng.Between(Hours(6), Hours(36)));
      if (t >= *d - Hours(1)) return std::nullopt;
      return t;
    }
    case K::kProgress:
      return BeforeClosure(sim, w);
    case K::kResolve:
      return Resolution(sim, w);
    case K::kConfirm:
      return prev + rng.Between(Min(5), Min(40));
    case K::kClose:
      return std::max(prev + Min(5), ClosingTime(sim, w));
    case K::kCallback:
      return Office(rng, prev + rng.Between(Days(1), Days(4)), *w.policy);
    case K::kCorrect:
      return Office(rng, prev + rng.Between(Days(1), Days(3)), *w.policy);
    case K::kRecordFine:
      return Office(rng, prev + rng.Between(Days(1), Days(5)), *w.policy);
    case K::kWaiveFine:
      return Office(rng, prev + rng.Between(Days(2), Days(8)), *w.policy);
    case K::kReopen:
      return Office(rng, prev + rng.Between(Days(5), Days(40)), *w.policy);
  }
  return prev;
}

}  // namespace demo
