// TrackedComplaint: a complaint's state plus what only the event-by-event fold can see — entries
// recorded long after they occurred, and corrections that changed a clock's outcome. Those are
// compliance findings (docs/rules.md#findings) that depend on the policy in force, so they are
// detected here, where the policy is known, rather than in the domain's Evolve.
//
// Pure: the policy lookup and the events are given; nothing reads storage or the clock.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ledger/domain/evolve.h"
#include "ledger/domain/policy.h"

namespace projections {

using ledger::Time;
namespace domain = ledger::domain;

// The policy of a published version (null when unknown). Must stay valid while used.
using PolicyLookup = std::function<const domain::Policy*(uint32_t version)>;

struct Finding {
  std::string kind;  // late_entry | level_below_rule | closure_without_confirmation |
                     // overdue_15_unfined | late_transmission_major | correction_moves_deadline
  std::string complaint;
  Time at{};  // when the finding arose (business time)
  std::string detail;
  std::vector<uint64_t> evidence;  // event positions

  bool operator==(const Finding&) const = default;
};

struct TrackedComplaint {
  domain::ComplaintState state;
  std::vector<Finding> event_findings;  // late entries, corrections that moved a deadline

  bool operator==(const TrackedComplaint&) const = default;
};

// `policies`, remembering the last few versions it found: a published version's policy never
// changes, and a fold asks at every event (a PolicyStore answers under its lock). For one thread:
// a fold makes its own.
PolicyLookup Remembering(PolicyLookup policies);

// The policy a complaint is judged under (its intake's version), falling back to `fallback`.
const domain::Policy& OwnPolicy(const domain::ComplaintState& state, const PolicyLookup& policies,
                                const domain::Policy& fallback);

// Folds one event into a tracked complaint (the event must belong to it and be visible).
void Track(TrackedComplaint& tracked, const domain::EventView& event, const PolicyLookup& policies,
           const domain::Policy& fallback);

// Folds a complaint's stream (version order) with the visibility rules of `options`.
ledger::Result<TrackedComplaint> FoldTracked(const std::string& id,
                                             const std::vector<ledger::RecordedEvent>& events,
                                             const PolicyLookup& policies,
                                             const domain::Policy& fallback,
                                             const domain::FoldOptions& options = {});

}  // namespace projections
