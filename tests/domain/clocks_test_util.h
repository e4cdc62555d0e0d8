// Helpers for the clock engine tests: times in +08:00, and a complaint's clock facts built up
// step by step, each fact stamped with its own event position.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "ledger/domain/clocks.h"
#include "ledger/domain/policy.h"

namespace ledger::domain::testing_util {

inline Time T(std::string_view rfc3339) {
  Result<Time> t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return t.ok() ? *t : Time{};
}

// A local time in the default policy's zone: "2026-03-10T10:00" -> 2026-03-10T10:00:00+08:00.
inline Time L(std::string_view local) { return T(std::string(local) + ":00+08:00"); }

inline std::string Local(Time t) { return FormatRfc3339(t, std::chrono::minutes(480)); }
inline std::string Local(const std::optional<Time>& t) { return t ? Local(*t) : "(none)"; }

inline const Policy& DefaultP() { return *DefaultPolicy(); }

// A complaint received at `intake` (local) by customer service at `level`; position 1.
inline ClockFacts Received(std::string_view intake, Level level = Level::kGeneral) {
  ClockFacts f;
  f.intake = {L(intake), 1};
  f.policy_version = 1;
  f.received_by_customer_service = true;
  f.closure_class = ClosureClass::kOther;
  f.levels = {{f.intake, level}};
  f.cycles = {{f.intake, std::nullopt, 1}};
  return f;
}

inline Stamp At(std::string_view local, uint64_t position) { return {L(local), position}; }

inline const ClockResult& Find(const std::vector<ClockResult>& results, ClockKind kind,
                               int cycle = 0) {
  for (const ClockResult& r : results)
    if (r.kind == kind && r.cycle == cycle) return r;
  static ClockResult none;
  ADD_FAILURE() << "no clock " << ClockKindName(kind) << " cycle " << cycle;
  return none;
}

inline ClockResult Eval(const ClockFacts& f, ClockKind kind, std::string_view as_of_local,
                        const Policy& p = DefaultP(), int cycle = 0) {
  return Find(EvaluateClocks(f, p, L(as_of_local)), kind, cycle);
}

inline bool Mentions(const std::vector<std::string>& notes, std::string_view text) {
  for (const std::string& n : notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

inline bool HasEvent(const ClockExplanation& why, uint64_t position) {
  return std::find(why.events.begin(), why.events.end(), position) != why.events.end();
}

}  // namespace ledger::domain::testing_util
