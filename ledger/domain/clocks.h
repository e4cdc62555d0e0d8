// The clock engine: deadlines of a complaint, evaluated at a time, with explanations.
// One engine for decide (checks such as "extension beyond the current due") and for every
// projection. docs/rules.md#clocks states the rules; docs/clocks.md explains the choices.
//
// Inputs are plain facts, each stamped with the event position that states it (Stamp), so every
// deadline can say which events it rests on. The engine is pure: no I/O, no clock; `as_of` is
// the evaluation time (business time).
//
// Thread-safety: free functions over values.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger/base/sym.h"
#include "ledger/base/time.h"
#include "ledger/domain/policy.h"
#include "ledger/domain/types.h"

namespace ledger::domain {

// When something happened, and the position of the event that says so (0: none).
struct Stamp {
  Time at{};
  uint64_t position = 0;
  bool operator==(const Stamp&) const = default;
};

struct LevelChange {
  Stamp when;
  Level level = Level::kGeneral;

  bool operator==(const LevelChange&) const = default;
};

struct PauseFact {
  Stamp start;
  std::optional<Stamp> end;  // none: still paused
  Sym reason;                // awaiting_customer | litigation

  bool operator==(const PauseFact&) const = default;
};

struct ExtensionFact {
  ClockKind clock = ClockKind::kClosure;
  Time until{};  // the requested new deadline
  Stamp requested;
  std::optional<Stamp> decided;
  bool approved = false;  // meaningful when decided
  int closure_cycle = 0;  // for kClosure: the cycle it was requested in

  bool operator==(const ExtensionFact&) const = default;
};

// One closure cycle: from intake (cycle 0) or a reopening (cycles 1, 2, ...) to its closing.
struct ClosureCycle {
  Stamp start;  // the intake, or the reopening
  std::optional<Stamp> closed;
  uint32_t policy_version = 0;  // the version the cycle is judged under

  bool operator==(const ClosureCycle&) const = default;
};

// Everything the clocks of one complaint depend on.
struct ClockFacts {
  Stamp intake;                 // occurred_at of ComplaintReceived
  uint32_t policy_version = 0;  // of the intake: the rules the complaint is judged under
  bool received_by_customer_service = false;  // no transmission clock then
  bool safety_risk = false;                   // the safety_risk flag is set (as of evaluation)
  bool about_staff = false;                   // category service_attitude or a person target
  std::optional<ClosureClass> closure_class;  // from the category; none: not classified yet
  std::vector<LevelChange> levels;            // in time order; levels[0] is the level at intake
  std::optional<Stamp> transmitted;           // to customer service
  std::optional<Stamp> assigned;              // responsibility assigned (first time)
  std::optional<Stamp> responded;             // first response to the customer
  std::optional<Stamp> plan_proposed;         // first handling plan
  std::optional<Stamp> valid_since;           // validity assessed as valid
  std::optional<Stamp> found_invalid;   // validity assessed as invalid (the latest assessment)
  std::optional<Stamp> staff_decision;  // decision about the complained-of staff member
  std::vector<ClosureCycle> cycles;     // at least one (from intake) once received
  std::vector<PauseFact> pauses;        // closure-clock pauses, in time order
  std::vector<ExtensionFact> extensions;
};

enum class ClockState : uint8_t {
  kPending,        // running, due in the future
  kMet,            // done by the deadline
  kMissed,         // not done by the deadline (done late, or still not done)
  kPaused,         // closure clock, currently paused
  kNotApplicable,  // e.g. transmission when customer service received the complaint
  kNotStarted,     // e.g. assignment before the transmission, staff decision before validity
};
std::string_view ClockStateName(ClockState s);

// An interval the clock did not count, with its reason and the events behind it.
struct SkippedInterval {
  Time from{};
  Time to{};
  std::string
      reason;  // "weekend", "public holiday", "non-working day", "paused: awaiting_customer"
  std::vector<uint64_t> events;
  // More about the reason, for people: the holiday's name ("Spring Festival (春节)"), with
  // "(provisional)" when the day comes from a not yet published arrangement; empty otherwise.
  std::string detail;
};

struct ExtensionNote {
  Time until{};
  uint64_t requested = 0;  // positions
  uint64_t decided = 0;
  bool applied = false;
  std::string note;  // "moved the deadline", "refused", "approved after the deadline was missed:
                     // not applied"
};

// How a deadline was computed (docs/clocks.md "Explanations").
struct ClockExplanation {
  // Why the clock has no deadline ("received by customer service: nothing to transmit", "starts
  // when the complaint is assessed as valid"); empty when it has one. A clock without a deadline
  // has no start and no level either.
  std::string no_deadline;
  std::optional<Time> start;
  std::string
      start_rule;  // "intake", "next working day's opening after a non-working-day intake", ...
  std::optional<Level> level;
  uint32_t policy_version = 0;
  std::string allowance;  // "2 hours", "15 working days", "4 hours (safety risk)"
  std::vector<SkippedInterval> skipped;
  std::vector<ExtensionNote> extensions;
  std::vector<std::string> notes;  // level recomputations, "missed under general before ..."
  std::vector<uint64_t> events;    // every event position the deadline rests on
};

struct ClockResult {
  ClockKind kind = ClockKind::kResponse;
  int cycle = 0;  // closure cycle index; 0 for the other clocks
  ClockState state = ClockState::kPending;
  std::optional<Time> due;   // none when not applicable / not started
  std::optional<Stamp> met;  // when it was done (even if late)
  ClockExplanation why;
};

// Evaluates every clock of a complaint as of `as_of`, under `policy`. Facts later than `as_of`
// are ignored. Result order: transmission, assignment, response, plan, staff_decision, then one
// closure clock per cycle.
std::vector<ClockResult> EvaluateClocks(const ClockFacts& facts, const Policy& policy, Time as_of);

// The one clock of `kind` (for kClosure: of closure cycle `cycle`) exactly as EvaluateClocks()
// gives it, without working out the others; nullopt when EvaluateClocks() gives no such clock.
// For callers that need one deadline (the demo generator's timing).
std::optional<ClockResult> EvaluateClock(const ClockFacts& facts, const Policy& policy, Time as_of,
                                         ClockKind kind, int cycle = 0);

// The policy of a version, or nullptr when the version is unknown.
using PolicyForVersion = std::function<const Policy*(uint32_t version)>;

// As above, but each closure cycle is judged under its own version (ClosureCycle::policy_version,
// e.g. a reopening after a new policy was published), found with `policy_for`; `policy` (the
// intake's) serves every other clock and any version `policy_for` does not know.
std::vector<ClockResult> EvaluateClocks(const ClockFacts& facts, const Policy& policy, Time as_of,
                                        const PolicyForVersion& policy_for);

// --- Counting rules, exposed for tests and for the explanation texts. ---

// The instant clocks start for a complaint received at `intake`: `intake` itself on a working
// day; otherwise the next working day's opening. Appends what was skipped to `skipped`.
Time ClockStart(Time intake, const Calendar& calendar, std::vector<SkippedInterval>* skipped);

// `start` plus `allowance` under the counting rules (hours elapsed; days = N x 24 h; working
// days step over working days keeping the time of day).
Time AddAllowance(Time start, const Allowance& allowance, const Calendar& calendar);

// Overdue periods: the start instants of the started 24-hour periods after `due` up to `end`,
// not counting time inside `pauses` (closed one hour late = one period). Empty when end <= due.
std::vector<Time> OverduePeriodStarts(Time due, Time end, const std::vector<PauseFact>& pauses);

// The derived closure_overdue amount for overdue day `day` (1-based) under the policy's tiers;
// 0 beyond the last tier (a recorded fine then applies).
Money OverdueDayAmount(const Fines& fines, int64_t day);

}  // namespace ledger::domain
