// Counting what was generated, as it is executed: the flags set, and the scenarios carried out
// (late steps, overdue closures, extensions, pauses, corrections, ...). See GeneratorStats.
#include "tools/demo/sim.h"

namespace demo {

namespace domain = ledger::domain;

void CountFlags(GeneratorStats& stats, domain::schema::DomainEvent::Reader event) {
  using W = domain::schema::DomainEvent::Which;
  if (event.which() == W::RECEIVED) {
    for (auto flag : event.getReceived().getFlags()) stats.flags[flag.cStr()]++;
  } else if (event.which() == W::FLAG_ADDED) {
    stats.flags[event.getFlagAdded().getFlag().cStr()]++;
  }
}

void CountStep(GeneratorStats& stats, const Sim& sim, const Step& step, const Planned& planned) {
  auto& sc = stats.scenarios;
  if (step.late) sc[std::string("late:") + StepName(step.kind)]++;
  switch (step.kind) {
    case StepKind::kProgress:
      if (planned.action.occurred_at) sc["backdated"]++;
      break;
    case StepKind::kClose:
      if (sim.plan.closure_overdue_days > 0 && sim.state.cycles.size() == 1) {
        sc["closure_overdue"]++;
        if (sim.plan.closure_overdue_days > 15) sc["closure_overdue_15"]++;
      }
      break;
    case StepKind::kSetLevel:
      sc[sim.plan.level_by_hand == LevelByHand::kRaise ? "level_raised" : "level_below_rule"]++;
      break;
    case StepKind::kPause:
      sc["pause:" + step.arg]++;
      break;
    case StepKind::kDecideExtension:
      sc[step.yes ? "extension_approved" : "extension_refused"]++;
      break;
    case StepKind::kLink:
      sc["link:" + sim.plan.link_relation]++;
      break;
    case StepKind::kCorrect:
    case StepKind::kCorrectHeadcount:
      sc["correction:" + (step.arg.empty() ? std::string("headcount") : step.arg)]++;
      break;
    case StepKind::kRecordFine:
      stats.fines[step.arg]++;
      break;
    case StepKind::kReviewPlan:
      if (!step.yes) sc["plan_sent_back"]++;
      break;
    case StepKind::kReopen:
      sc["reopened"]++;
      break;
    default:
      break;
  }
}

}  // namespace demo
