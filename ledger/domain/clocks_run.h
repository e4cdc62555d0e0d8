// RunClock: one clock's deadline along its history. Internal to the clock engine: clocks.cc
// describes each clock as a ClockSpec (where it starts, what it allows per level, what meets it)
// and RunClock walks the level changes, pauses and extension decisions in time order, moving
// the deadline as docs/rules.md#clocks says (docs/clocks.md has the rules with examples).
//
// Thread-safety: a pure function over values.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger/domain/clocks.h"

namespace ledger::domain::clocks_internal {

struct ClockSpec {
  ClockKind kind = ClockKind::kResponse;
  int cycle = 0;
  Time start{};
  std::string start_rule;
  std::vector<SkippedInterval> skipped;  // days off before the start
  std::vector<uint64_t> events;          // positions behind the start
  std::vector<std::string> notes;        // said before anything the walk adds
  uint32_t policy_version = 0;
  std::chrono::minutes utc_offset{0};  // for the times quoted in notes

  Level level = Level::kGeneral;       // in force at the start
  std::vector<LevelChange> changes;    // after the start, up to as_of, in time order
  std::function<Time(Level)> due_for;  // the deadline from the start under a level
  std::function<std::string(Level)> allowance_text;

  std::optional<Stamp> met;               // up to as_of
  std::vector<PauseFact> pauses;          // closure clocks only; up to as_of (ends later: open)
  std::vector<ExtensionFact> extensions;  // for this clock, requested up to as_of (decisions
                                          // later than as_of removed)
};

ClockResult RunClock(const ClockSpec& spec, Time as_of);

// A clock that does not run: not applicable, or not started yet, with the reason and no start,
// level or deadline.
ClockResult IdleClock(ClockKind kind, ClockState state, std::string reason,
                      uint32_t policy_version);

}  // namespace ledger::domain::clocks_internal
