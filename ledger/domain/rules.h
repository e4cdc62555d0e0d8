// The rule level: the level the policy's escalation rules give a complaint from the facts on
// record (docs/rules.md#levels-and-escalation). The highest matching rule wins ("the higher
// grade wins").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/domain/policy.h"
#include "ledger/domain/state.h"

namespace ledger::domain {

struct RuleMatch {
  Level level = Level::kGeneral;
  std::vector<std::string> codes;        // codes of the rules that gave `level` (none: general)
  std::vector<std::string> all_matches;  // every matching rule as "code:level", for display
};

// Evaluates every escalation rule. Time-based rules (unresolved_for) are evaluated at `as_of`
// and skipped when it is nullopt.
RuleMatch EvaluateRules(const ComplaintState& state, const Policy& policy,
                        std::optional<Time> as_of);

// Whether one rule matches (exposed for tests).
bool RuleMatches(const EscalationRule& rule, const ComplaintState& state, const Policy& policy,
                 std::optional<Time> as_of);

// The clock facts of a complaint, for the clock engine.
ClockFacts ClockFactsOf(const ComplaintState& state, const Policy& policy);

}  // namespace ledger::domain
