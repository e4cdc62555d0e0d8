// EvaluateClocks: describes each clock of a complaint (docs/rules.md#clocks) as a ClockSpec and
// runs it (clocks_run.cc). Facts later than `as_of` are dropped here, once, so that the walk
// never sees the future.
#include "ledger/domain/clocks.h"

#include <algorithm>

#include "ledger/domain/clocks_run.h"

namespace ledger::domain {
namespace {

using clocks_internal::ClockSpec;
using clocks_internal::IdleClock;
using clocks_internal::RunClock;

std::string Pos(uint64_t p) { return "event " + std::to_string(p); }

// "8 hours", "90 minutes".
std::string FormatElapsed(Duration d) {
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(d).count();
  if (minutes % 60 == 0) return Allowance{Allowance::Unit::kHours, minutes / 60}.ToString();
  return std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
}

// What every clock of the complaint shares: the facts up to as_of, and the intake's start.
struct Context {
  const ClockFacts& facts;
  const Policy& policy;
  Time as_of;
  // The version the clocks are judged under, as explanations name it: the policy's own (a
  // what-if evaluation passes another version's policy), else the intake's.
  uint32_t version = 0;
  std::vector<LevelChange> levels;  // up to as_of; [0] is the level at intake
  Time start{};                     // the clock start of the intake
  std::string start_rule;
  std::vector<SkippedInterval> skipped;

  std::optional<Stamp> Seen(const std::optional<Stamp>& s) const {
    return s && s->at <= as_of ? s : std::nullopt;
  }
};

Context MakeContext(const ClockFacts& f, const Policy& p, Time as_of) {
  Context c{f, p, as_of, p.version != 0 ? p.version : f.policy_version, {}, {}, {}, {}};
  for (const LevelChange& l : f.levels)
    if (c.levels.empty() || l.when.at <= as_of) c.levels.push_back(l);
  if (c.levels.empty()) c.levels.push_back({f.intake, Level::kGeneral});
  std::stable_sort(
      c.levels.begin() + 1, c.levels.end(), [](const LevelChange& a, const LevelChange& b) {
        return a.when.at != b.when.at ? a.when.at < b.when.at : a.when.position < b.when.position;
      });
  c.start = ClockStart(f.intake.at, p.calendar, &c.skipped);
  for (SkippedInterval& s : c.skipped) s.events.push_back(f.intake.position);
  c.start_rule = c.start == f.intake.at
                     ? "intake (" + Pos(f.intake.position) + ")"
                     : "next working day's opening after a non-working-day intake (" +
                           Pos(f.intake.position) + ")";
  return c;
}

// A spec starting at `start`, with the level in force then and the later changes.
ClockSpec BaseSpec(const Context& c, ClockKind kind, Time start, std::string rule, uint32_t version,
                   const Calendar& calendar) {
  ClockSpec s;
  s.kind = kind;
  s.start = start;
  s.start_rule = std::move(rule);
  s.policy_version = version;
  s.utc_offset = calendar.utc_offset;
  s.level = c.levels[0].level;
  s.events.push_back(c.facts.intake.position);
  s.events.push_back(c.levels[0].when.position);
  for (size_t i = 1; i < c.levels.size(); ++i) {
    if (c.levels[i].when.at <= start) {
      s.level = c.levels[i].level;
      s.events.push_back(c.levels[i].when.position);
    } else {
      s.changes.push_back(c.levels[i]);
    }
  }
  for (const ExtensionFact& x : c.facts.extensions) {
    if (x.clock != kind || x.requested.at > c.as_of) continue;
    ExtensionFact seen = x;
    seen.decided = c.Seen(x.decided);
    s.extensions.push_back(seen);
  }
  return s;
}

// A clock counted from the intake's clock start with the level's allowance `field`.
ClockSpec LevelClock(const Context& c, ClockKind kind, Allowance LevelClocks::*field) {
  ClockSpec s = BaseSpec(c, kind, c.start, c.start_rule, c.version, c.policy.calendar);
  s.skipped = c.skipped;
  const Policy& p = c.policy;
  Time start = c.start;
  s.due_for = [&p, start, field](Level l) {
    return AddAllowance(start, p.clocks[size_t(l)].*field, p.calendar);
  };
  s.allowance_text = [&p, field](Level l) { return (p.clocks[size_t(l)].*field).ToString(); };
  return s;
}

ClockResult Transmission(const Context& c) {
  if (c.facts.received_by_customer_service)
    return IdleClock(ClockKind::kTransmission, ClockState::kNotApplicable,
                     "received by customer service: nothing to transmit", c.version);
  ClockSpec s = LevelClock(c, ClockKind::kTransmission, &LevelClocks::transmission);
  s.met = c.Seen(c.facts.transmitted);
  return RunClock(s, c.as_of);
}

ClockResult Assignment(const Context& c) {
  ClockSpec s = LevelClock(c, ClockKind::kAssignment, &LevelClocks::transmission);
  if (c.facts.received_by_customer_service) {
    s.start_rule += "; customer service received the complaint";
  } else if (std::optional<Stamp> t = c.Seen(c.facts.transmitted)) {
    if (t->at > c.start) {
      s = BaseSpec(c, ClockKind::kAssignment, t->at,
                   "transmission to customer service (" + Pos(t->position) + ")", c.version,
                   c.policy.calendar);
      const Policy& p = c.policy;
      Time start = t->at;
      s.due_for = [&p, start](Level l) {
        return AddAllowance(start, p.clocks[size_t(l)].transmission, p.calendar);
      };
      s.allowance_text = [&p](Level l) { return p.clocks[size_t(l)].transmission.ToString(); };
    } else {
      s.start_rule += "; transmitted to customer service before it (" + Pos(t->position) + ")";
    }
    s.events.push_back(t->position);
  } else {
    return IdleClock(ClockKind::kAssignment, ClockState::kNotStarted,
                     "starts when the complaint is transmitted to customer service", c.version);
  }
  s.met = c.Seen(c.facts.assigned);
  return RunClock(s, c.as_of);
}

ClockResult Response(const Context& c) {
  if (!c.facts.safety_risk) {
    ClockSpec s = LevelClock(c, ClockKind::kResponse, &LevelClocks::response);
    s.met = c.Seen(c.facts.responded);
    return RunClock(s, c.as_of);
  }
  // Safety risk: from the raw intake whatever the calendar, within the cap or the level's
  // response time, whichever ends first.
  Time intake = c.facts.intake.at;
  ClockSpec s = BaseSpec(c, ClockKind::kResponse, intake,
                         "intake (" + Pos(c.facts.intake.position) +
                             "); safety risk: counted from the intake whatever the calendar",
                         c.version, c.policy.calendar);
  const Policy& p = c.policy;
  s.due_for = [&p, intake](Level l) {
    return std::min(intake + p.safety_response_cap,
                    AddAllowance(intake, p.clocks[size_t(l)].response, p.calendar));
  };
  s.allowance_text = [&p, intake](Level l) {
    const Allowance& a = p.clocks[size_t(l)].response;
    std::string cap = FormatElapsed(p.safety_response_cap);
    if (AddAllowance(intake, a, p.calendar) <= intake + p.safety_response_cap)
      return a.ToString() + " (the level's response time, within the " + cap + " safety-risk cap)";
    return cap + " (safety-risk cap, shorter than the level's " + a.ToString() + ")";
  };
  s.met = c.Seen(c.facts.responded);
  return RunClock(s, c.as_of);
}

ClockResult Plan(const Context& c) {
  ClockSpec s = LevelClock(c, ClockKind::kPlan, &LevelClocks::plan);
  s.met = c.Seen(c.facts.plan_proposed);
  return RunClock(s, c.as_of);
}

ClockResult StaffDecision(const Context& c) {
  if (!c.facts.about_staff)
    return IdleClock(ClockKind::kStaffDecision, ClockState::kNotApplicable,
                     "not a complaint about a staff member", c.version);
  std::optional<Stamp> valid = c.Seen(c.facts.valid_since);
  if (!valid)
    return IdleClock(ClockKind::kStaffDecision, ClockState::kNotStarted,
                     "starts when the complaint is assessed as valid", c.version);
  ClockSpec s = BaseSpec(c, ClockKind::kStaffDecision, valid->at,
                         "validity assessed as valid (" + Pos(valid->position) + ")", c.version,
                         c.policy.calendar);
  s.changes.clear();  // the same time at every level
  s.events.push_back(valid->position);
  Time start = valid->at;
  Duration allowed = c.policy.staff_decision;
  s.due_for = [start, allowed](Level) { return start + allowed; };
  s.allowance_text = [allowed](Level) { return FormatElapsed(allowed) + " (elapsed)"; };
  s.met = c.Seen(c.facts.staff_decision);
  return RunClock(s, c.as_of);
}

std::string ClosureStartRule(int cycle, bool shifted, uint64_t position) {
  std::string what = cycle == 0 ? "intake" : "reopening";
  return (shifted ? "next working day's opening after a non-working-day " + what : what) + " (" +
         Pos(position) + ")";
}

ClockResult Closure(const Context& c, int cycle, const ClosureCycle& cy,
                    const PolicyForVersion& policy_for) {
  uint32_t version = cy.policy_version != 0 ? cy.policy_version : c.facts.policy_version;
  const Policy* p = &c.policy;
  if (version != c.facts.policy_version && policy_for)
    if (const Policy* found = policy_for(version)) p = found;
  if (p->version != 0) version = p->version;  // the version actually used (what-if: another)
  std::vector<SkippedInterval> skipped;
  Time start = ClockStart(cy.start.at, p->calendar, &skipped);
  for (SkippedInterval& s : skipped) s.events.push_back(cy.start.position);
  ClockSpec s = BaseSpec(c, ClockKind::kClosure, start,
                         ClosureStartRule(cycle, start != cy.start.at, cy.start.position), version,
                         p->calendar);
  s.cycle = cycle;
  s.skipped = std::move(skipped);
  s.events.push_back(cy.start.position);
  std::erase_if(s.extensions, [cycle](const ExtensionFact& x) { return x.closure_cycle != cycle; });
  ClosureClass cls = c.facts.closure_class.value_or(ClosureClass::kOther);
  if (!c.facts.closure_class)
    s.notes.push_back("not classified yet: closure class 'other' assumed");
  const ClosureRule& rule = p->closure[size_t(cls)];
  if (rule.target) s.notes.push_back("target (informative): " + rule.target->ToString());
  s.due_for = [&rule, p, start](Level l) { return AddAllowance(start, rule.For(l), p->calendar); };
  s.allowance_text = [&rule, cls](Level l) {
    std::string why = std::string(ClosureClassName(cls));
    if (rule.by_level[size_t(l)]) why += ", " + std::string(LevelName(l));
    return rule.For(l).ToString() + " (" + why + ")";
  };
  for (const PauseFact& pause : c.facts.pauses) {
    if (pause.start.at > c.as_of) continue;
    s.pauses.push_back(pause);
    if (pause.end && pause.end->at > c.as_of) s.pauses.back().end.reset();
  }
  s.met = c.Seen(cy.closed);
  return RunClock(s, c.as_of);
}

std::vector<ClockResult> Closures(const Context& c, const PolicyForVersion& policy_for) {
  std::vector<ClosureCycle> cycles = c.facts.cycles;
  if (cycles.empty()) cycles.push_back({c.facts.intake, std::nullopt, c.facts.policy_version});
  std::vector<ClockResult> out;
  for (size_t i = 0; i < cycles.size(); ++i)
    if (cycles[i].start.at <= c.as_of) out.push_back(Closure(c, int(i), cycles[i], policy_for));
  return out;
}

// A clock the complaint no longer needs: not met, and not yet due when the complaint was first
// closed (every clock but closure) or found invalid (assignment and plan, `on_invalid`: an
// invalid complaint is explained and closed, not handled). Missed before that, it stays missed.
ClockResult Lapse(const Context& c, ClockResult r, bool on_invalid) {
  if (r.met || r.state == ClockState::kMet || r.state == ClockState::kNotApplicable) return r;
  std::optional<Stamp> end;
  std::string what;
  if (std::optional<Stamp> invalid = c.Seen(c.facts.found_invalid); on_invalid && invalid) {
    end = invalid;
    what = "the complaint was found invalid";
  }
  if (!c.facts.cycles.empty())
    if (std::optional<Stamp> closed = c.Seen(c.facts.cycles.front().closed);
        closed && (!end || closed->at < end->at)) {
      end = closed;
      what = "the complaint was closed";
    }
  if (!end || (r.due && *r.due <= end->at)) return r;
  r.state = ClockState::kNotApplicable;
  r.why.notes.push_back(what + " (" + Pos(end->position) +
                        ") before this clock fell due: not needed");
  r.why.events.push_back(end->position);
  return r;
}

// What every clock but closure is before the intake.
ClockResult BeforeIntake(ClockKind kind, const ClockFacts& facts) {
  return IdleClock(kind, ClockState::kNotStarted,
                   "the complaint was received after the evaluation time", facts.policy_version);
}

}  // namespace

std::vector<ClockResult> EvaluateClocks(const ClockFacts& facts, const Policy& policy, Time as_of,
                                        const PolicyForVersion& policy_for) {
  std::vector<ClockResult> out;
  if (facts.intake.at > as_of) {
    for (ClockKind k : {ClockKind::kTransmission, ClockKind::kAssignment, ClockKind::kResponse,
                        ClockKind::kPlan, ClockKind::kStaffDecision})
      out.push_back(BeforeIntake(k, facts));
    return out;
  }
  Context c = MakeContext(facts, policy, as_of);
  out.push_back(Lapse(c, Transmission(c), false));
  out.push_back(Lapse(c, Assignment(c), true));
  out.push_back(Lapse(c, Response(c), false));
  out.push_back(Lapse(c, Plan(c), true));
  out.push_back(Lapse(c, StaffDecision(c), false));
  for (ClockResult& r : Closures(c, policy_for)) out.push_back(std::move(r));
  return out;
}

std::vector<ClockResult> EvaluateClocks(const ClockFacts& facts, const Policy& policy, Time as_of) {
  return EvaluateClocks(facts, policy, as_of, PolicyForVersion());
}

// The same steps as EvaluateClocks() above, for one clock.
std::optional<ClockResult> EvaluateClock(const ClockFacts& facts, const Policy& policy, Time as_of,
                                         ClockKind kind, int cycle) {
  if (facts.intake.at > as_of) {
    if (kind == ClockKind::kClosure) return std::nullopt;
    return BeforeIntake(kind, facts);
  }
  Context c = MakeContext(facts, policy, as_of);
  switch (kind) {
    case ClockKind::kTransmission:
      return Lapse(c, Transmission(c), false);
    case ClockKind::kAssignment:
      return Lapse(c, Assignment(c), true);
    case ClockKind::kResponse:
      return Lapse(c, Response(c), false);
    case ClockKind::kPlan:
      return Lapse(c, Plan(c), true);
    case ClockKind::kStaffDecision:
      return Lapse(c, StaffDecision(c), false);
    case ClockKind::kClosure: {
      ClosureCycle intake{facts.intake, std::nullopt, facts.policy_version};
      const size_t cycles = facts.cycles.empty() ? 1 : facts.cycles.size();
      if (cycle < 0 || size_t(cycle) >= cycles) return std::nullopt;
      const ClosureCycle& cy = facts.cycles.empty() ? intake : facts.cycles[size_t(cycle)];
      if (cy.start.at > as_of) return std::nullopt;
      return Closure(c, cycle, cy, PolicyForVersion());
    }
  }
  return std::nullopt;
}

}  // namespace ledger::domain
