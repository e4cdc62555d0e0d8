// Internals of the generator shared by generator.cc, timing.cc and actions.cc: one simulated
// complaint (its plan, its steps and a mirror of its state) and the context its steps read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/domain/action.h"
#include "ledger/domain/clocks.h"
#include "ledger/domain/policy.h"
#include "ledger/domain/state.h"
#include "tools/demo/generator.h"
#include "tools/demo/people.h"
#include "tools/demo/rng.h"
#include "tools/demo/scenario.h"

namespace demo {

// One complaint being simulated.
struct Sim {
  Plan plan;
  std::vector<Step> steps;
  size_t next = 0;  // index of the next step
  std::string id;   // the complaint id, once received
  // The complaint as the ledger has it: every event of its stream, folded as it is appended.
  ledger::domain::ComplaintState state;
  ledger::Actor cs_agent;  // the customer-service agent who holds it
  ledger::Time last{};     // when its last step ran
  // When it is to be closed; settled when first needed, cleared when its closure clock moves.
  std::optional<ledger::Time> close_target;

  const Step& step() const { return steps[next]; }
  bool done() const { return next >= steps.size(); }
};

// What timing and actions read besides the complaint.
struct World {
  const ledger::domain::Policy* policy = nullptr;
  const Staff* staff = nullptr;
  Rng* rng = nullptr;
};

// The due time of `kind` (for closure: the current cycle's) evaluated at `at`, if it runs.
std::optional<ledger::Time> DueOf(const Sim& sim, const ledger::domain::Policy& policy,
                                  ledger::domain::ClockKind kind, ledger::Time at);

// When the next step of `sim` runs, after its last step at `sim.last`. nullopt: the step no
// longer fits the situation and is skipped.
std::optional<ledger::Time> NextTime(Sim& sim, const World& world);

// The action of the next step at time `at` and who performs it; nullopt: skipped.
struct Planned {
  ledger::domain::Action action;
  ledger::Actor actor;
};
std::optional<Planned> BuildAction(Sim& sim, const World& world, ledger::Time at);

// The records after the handling (actions_records.cc). Each fills `out` (actor and fields) and
// returns false when the step no longer applies.
bool FillCallback(const Sim& sim, const World& world, Planned& out);
bool FillCorrection(const Sim& sim, const World& world, ledger::Time at, const std::string& what,
                    Planned& out);
bool FillRecordedFine(const Sim& sim, const World& world, ledger::Time at, const std::string& rule,
                      Planned& out);
bool FillWaiver(const Sim& sim, const World& world, ledger::Time at, Planned& out);

// "2026-11-20T18:00:00+08:00" in the policy's time zone.
std::string Rfc3339(const ledger::domain::Policy& policy, ledger::Time t);

// Counting what was generated (tally.cc).
void CountStep(GeneratorStats& stats, const Sim& sim, const Step& step, const Planned& planned);
void CountFlags(GeneratorStats& stats, ledger::domain::schema::DomainEvent::Reader event);

const char* StepName(StepKind kind);

}  // namespace demo
