// Fine lines of one complaint (docs/rules.md#fines): derived from its clocks, and recorded by
// managers; waivers mark lines without hiding them. Shared by decide (waive_fine checks the line
// exists), the ticket state and the fines projection.
#pragma once

#include <string>
#include <vector>

#include "ledger/domain/clocks.h"
#include "ledger/domain/policy.h"
#include "ledger/domain/state.h"

namespace ledger::domain {

struct FineLine {
  // Stable: "CMP-2026-000123:response_late", ":closure_overdue:c0:d3", ":recorded:4711".
  std::string id;
  std::string complaint;
  std::string rule;
  Money amount = 0;  // -1: no fixed amount (media_investigation)
  std::vector<std::string> people;
  std::vector<std::string> departments;
  Time accrued{};   // the instant it accrued (the deadline, or the overdue period's start)
  std::string day;  // the civil date it is dated, in the policy's time zone: "2026-03-05"
  bool derived = true;
  std::string reason;              // derived: how; recorded: the manager's reason
  std::vector<uint64_t> evidence;  // positions of the events that prove it
  bool waived = false;
  std::string waiver_reason, waived_by;
  uint64_t waiver_position = 0;

  bool operator==(const FineLine&) const = default;
};

// Every fine line of the complaint as of `as_of` (clocks evaluated then), derived then recorded,
// each marked if waived. `clocks` must be EvaluateClocks(ClockFactsOf(state), policy, as_of).
std::vector<FineLine> FineLines(const ComplaintState& state, const Policy& policy,
                                const std::vector<ClockResult>& clocks, Time as_of);

// Closure overdue days beyond the last tier for some cycle (closure_overdue_15 applies).
bool OverdueBeyondTiers(const ComplaintState& state, const Policy& policy,
                        const std::vector<ClockResult>& clocks, Time as_of);

}  // namespace ledger::domain
