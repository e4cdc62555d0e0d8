// Escalations the ledger makes by itself, dated when their facts happen
// (docs/rules.md#levels-and-escalation; docs/events.md "Escalations the ledger makes").
//
// A rule that matches because of an action's own facts (a flag, a headcount, a compensation) is
// escalated by that action's decision, in the same append (decide.cc). The two other kinds are
// decided here, each as a LevelEscalated by actor "system" whose occurred_at is the instant the
// rule first matched:
//
//   * time      a rule that matches because time passes (`unresolved_for`, unresolved_week): at
//               the instant its allowance ran out, pauses not counted — appended by the server's
//               scheduler within seconds of that instant, or at its next start;
//   * cross     a rule that matches because of other complaints (same_target_3, repeat_3): at the
//               business time of the fact that made it match — for a target, when the N-th
//               complaint against it occurred (not when it was entered: a backdated or imported
//               history escalates as of the day it happened).
//
// Two limits keep the level history a sequence in time: a rise is never dated before the
// complaint's last level change (a later level change stands; the rise is dated at it), and a
// closed complaint is never escalated by the ledger. A level customer service set by hand while
// the rule already matched is deliberate: a rise of that same rule level does not override it.
//
// Pure: the caller supplies the state, the facts from other complaints and the time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/domain/decide.h"

namespace ledger::domain {

// What other complaints contribute to this one's rule level, with when each fact holds.
struct CrossFactsOverTime {
  // Intake times (business time) of every complaint on record against this one's target, this
  // one included; empty without a target. The count as of T is how many lie at or before T.
  std::vector<Time> target_intakes;
  // Distinct complainants of this one's same-issue group, and the business time of the link
  // that made the group so (0 complainants: no group).
  int64_t same_issue_complainants = 0;
  Time same_issue_at{};
};

// The escalation other complaints' facts cause on `state` (empty when they raise nothing): dated
// at the first instant (not before its last level change, not after `now`) at which they make
// the rule level exceed the level in force. `causation` names the event that brought the fact.
Decision DecideCrossEscalation(const ComplaintState& state, const Policy& policy,
                               const CrossFactsOverTime& facts, Time now,
                               const std::string& causation);

// The instant a time-driven rule will next raise the complaint's level (it may already have
// passed), or nullopt when none will: closed, no time rule above the current level, or a pause
// still running holds the allowance. The scheduler wakes then and calls DecideTimeEscalation.
std::optional<Time> NextTimeEscalation(const ComplaintState& state, const Policy& policy);

// The time-driven escalation due by `now` (empty when none is): dated at the instant its rule
// first matched (not before the last level change).
Decision DecideTimeEscalation(const ComplaintState& state, const Policy& policy, Time now,
                              const std::string& causation);

// A key naming one escalation: the same complaint, level and instant always give the same key,
// so the scheduler's appends are idempotent across restarts ("esc:<level>:<microseconds>").
std::string EscalationKey(const Decision& decision);

}  // namespace ledger::domain
