#include "ledger/domain/state.h"

#include <array>

#include "ledger/domain/policy.h"

namespace ledger::domain {

std::string_view StageName(Stage s) {
  static constexpr std::array<std::string_view, 11> kNames = {
      "received",       "transmitted",   "assessed", "classified", "assigned", "plan_proposed",
      "plan_sent_back", "plan_approved", "resolved", "confirmed",  "closed"};
  return kNames[size_t(s)];
}

bool ComplaintState::HasFlag(std::string_view flag) const {
  for (const FlagRecord& f : flags)
    if (f.flag == flag) return true;
  return false;
}

bool ComplaintState::has_approved_plan() const {
  for (const PlanRecord& p : plans)
    if (p.reviewed && p.approved) return true;
  return false;
}

Stage ComplaintState::stage() const {
  if (closed()) return Stage::kClosed;
  if (!cycles.empty()) {
    const CycleRecord& c = cycles.back();
    if (!c.confirmations.empty() && c.resolved) return Stage::kConfirmed;
    if (c.resolved) return Stage::kResolved;
  }
  if (const PlanRecord* p = latest_plan()) {
    if (!p->reviewed) return Stage::kPlanProposed;
    return p->approved ? Stage::kPlanApproved : Stage::kPlanSentBack;
  }
  if (!assignments.empty()) return Stage::kAssigned;
  if (classified) return Stage::kClassified;
  if (assessed) return Stage::kAssessed;
  if (transmitted) return Stage::kTransmitted;
  return Stage::kReceived;
}

bool ComplaintState::about_staff() const {
  return category == "service_attitude" || (target && target->kind == "person");
}

std::string ComplaintState::responsible_department(const Policy& policy) const {
  if (const AssignmentRecord* a = assignment()) return a->department;
  if (const Category* c = policy.FindCategory(category)) {
    if (!c->first_responsible.empty()) return c->first_responsible;
    if (c->responsible_is_target_department && target) return target->department;
  }
  return "";
}

}  // namespace ledger::domain
