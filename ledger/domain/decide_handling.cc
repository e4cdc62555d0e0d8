// Decide: handling — respond, plans, progress, resolve, confirm, close, reopen, pauses.
#include "ledger/domain/decide_internal.h"

namespace ledger::domain {
namespace {

using R = ActionReader;

bool HasConfirmation(const CycleRecord& c, std::string_view method) {
  for (const auto& [m, at] : c.confirmations)
    if (m == method) return true;
  return false;
}

bool Engineering(const Call& c) {
  const Category* cat = c.rules.FindCategory(c.state.category);
  return cat != nullptr && cat->closure_class == ClosureClass::kEngineering;
}

}  // namespace

Status DecideRespond(Call& c) {
  std::string channel = c.in.Text("channel", R::kRequired, 64);
  std::string summary = c.in.Text("summary", R::kRequired, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  auto ev = c.Emit().initCustomerResponded();
  ev.setChannel(AsText(channel));
  ev.setSummary(AsText(summary));
  ev.setFirst(!c.state.first_response.has_value());
  return Status::Ok();
}

Status DecideProposePlan(Call& c) {
  std::string type = c.in.Code("plan_type", R::kRequired, Vocab::kPlanType);
  std::string description = c.in.Text("description", R::kRequired, kMaxLongText);
  std::optional<Time> start = c.in.TimeValue("planned_start", R::kOptional);
  std::optional<Time> finish = c.in.TimeValue("planned_finish", R::kOptional);
  std::optional<Money> cost = c.in.MoneyAmount("estimated_cost", R::kOptional);
  if (start && finish && *finish < *start)
    c.in.Error("planned_finish", "before_start", "planned_finish is before planned_start");
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (c.state.assignments.empty())
    c.Refuse("type", "not_assigned", "a plan comes after responsibility is assigned");
  if (const PlanRecord* p = c.state.latest_plan(); p && !p->reviewed)
    c.Refuse("type", "plan_pending", "the previous plan has not been reviewed yet");
  if (c.state.cycles.back().resolved)
    c.Refuse("type", "already_resolved", "the complaint is already resolved");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initPlanProposed();
  ev.setPlanType(AsText(type));
  ev.setDescription(AsText(description));
  ev.setPlannedStart(start ? ToMicros(*start) : 0);
  ev.setPlannedFinish(finish ? ToMicros(*finish) : 0);
  ev.setEstimatedCost(cost.value_or(-1));
  return Status::Ok();
}

Status DecideReviewPlan(Call& c) {
  std::optional<bool> approved = c.in.Bool("approved", R::kRequired);
  std::string comment = c.in.Text("comment", R::kOptional, kMaxLongText);
  if (approved && !*approved && comment.empty())
    c.in.Error("comment", "required", "comment is required when a plan is sent back");
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const std::vector<std::string>& approvers = c.rules.plan_approvers[size_t(c.state.level())];
  if (!Contains(approvers, c.input.actor.role))
    return c.Deny("a " + std::string(LevelName(c.state.level())) +
                  " complaint's plan is reviewed by " + Join(approvers) + ", not " +
                  c.input.actor.role);
  const PlanRecord* plan = c.state.latest_plan();
  if (plan == nullptr || plan->reviewed)
    c.Refuse("type", "no_plan_to_review", "there is no plan waiting for review");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  LEDGER_RETURN_IF_ERROR(c.CheckSeparation(plan->proposed_by, c.policy.separation.review_plan,
                                           "review a plan they proposed"));
  auto ev = c.Emit().initPlanReviewed();
  ev.setApproved(*approved);
  ev.setComment(AsText(comment));
  ev.setPlan(plan->proposed.position);
  return Status::Ok();
}

Status DecideRecordProgress(Call& c) {
  std::string summary = c.in.Text("summary", R::kRequired, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (c.state.assignments.empty())
    c.Refuse("type", "not_assigned", "progress is recorded after responsibility is assigned");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  c.Emit().initProgressRecorded().setSummary(AsText(summary));
  return Status::Ok();
}

Status DecideResolve(Call& c) {
  std::string resolution = c.in.Text("resolution", R::kRequired, kMaxLongText);
  std::string cause = c.in.Code("root_cause", R::kRequired, Vocab::kRootCause);
  std::string corrective = c.in.Text("corrective_action", R::kRequired, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (!c.state.has_approved_plan())
    c.Refuse("type", "no_approved_plan", "a complaint is resolved after its plan is approved");
  if (c.state.cycles.back().resolved)
    c.Refuse("type", "already_resolved", "the complaint is already resolved");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initResolved();
  ev.setResolution(AsText(resolution));
  ev.setRootCause(AsText(cause));
  ev.setCorrectiveAction(AsText(corrective));
  return Status::Ok();
}

Status DecideConfirm(Call& c) {
  std::string method = c.in.Code("method", R::kRequired, Vocab::kConfirmationMethod);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (!c.state.cycles.back().resolved)
    c.Refuse("type", "not_resolved", "the result is confirmed after the complaint is resolved");
  else if (HasConfirmation(c.state.cycles.back(), method))
    c.Refuse("method", "already_confirmed", "this confirmation is already recorded");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  c.Emit().initResolutionConfirmed().setMethod(AsText(method));
  return Status::Ok();
}

Status DecideClose(Call& c) {
  std::string basis = c.in.Code("basis", R::kRequired, Vocab::kClosureBasis);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const ComplaintState& s = c.state;
  const CycleRecord& cycle = s.cycles.back();
  const bool invalid = s.valid.has_value() && !*s.valid;
  if (basis == "invalid_explained") {
    if (!invalid)
      c.Refuse("basis", "not_invalid",
               "only a complaint assessed invalid closes as invalid_explained");
    if (!s.first_response)
      c.Refuse("basis", "not_explained", "explain the decision to the customer (respond) first");
  } else if (invalid) {
    c.Refuse("basis", "invalid_complaint",
             "an invalid complaint closes with basis invalid_explained");
  } else if (!s.valid) {
    c.Refuse("type", "not_assessed", "assess the complaint's validity before closing it");
  } else if (basis == "customer_confirmed") {
    if (!cycle.resolved)
      c.Refuse("basis", "not_resolved", "resolve the complaint before closing it");
    if (!HasConfirmation(cycle, "written") && !HasConfirmation(cycle, "recorded_call"))
      c.Refuse("basis", "confirmation_required",
               "customer_confirmed needs the customer's written or recorded-call confirmation");
    if (Engineering(c) && !HasConfirmation(cycle, "property_company"))
      c.Refuse("basis", "property_company_confirmation_required",
               "an engineering complaint also needs the property company's written confirmation");
  } else if (basis == "plan_issued_no_agreement") {
    if (!s.has_approved_plan())
      c.Refuse("basis", "no_plan_issued", "plan_issued_no_agreement needs an approved plan");
  } else if (basis == "litigation_concluded") {
    if (!s.HasFlag("litigation"))
      c.Refuse("basis", "no_litigation", "litigation_concluded needs the litigation flag");
  }
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initClosed();
  ev.setBasis(AsText(basis));
  ev.setCycle(uint32_t(s.cycles.size() - 1));
  return Status::Ok();
}

Status DecideReopen(Call& c) {
  std::string reason = c.in.Text("reason", R::kRequired, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (!c.state.closed()) c.Refuse("type", "not_closed", "only a closed complaint is reopened");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initReopened();
  ev.setReason(AsText(reason));
  ev.setCycle(uint32_t(c.state.cycles.size()));
  return Status::Ok();
}

Status DecidePauseClock(Call& c) {
  std::string reason = c.in.Code("reason", R::kRequired, Vocab::kPauseReason);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (c.state.paused()) c.Refuse("type", "already_paused", "the closure clock is already paused");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  c.Emit().initClockPaused().setReason(AsText(reason));
  return Status::Ok();
}

Status DecideResumeClock(Call& c) {
  std::string reason = c.in.Code("reason", R::kRequired, Vocab::kPauseReason);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (!c.state.paused())
    c.Refuse("type", "not_paused", "the closure clock is not paused");
  else if (c.state.pauses.back().reason != reason)
    c.Refuse("reason", "different_pause",
             "the clock is paused for " + c.state.pauses.back().reason + ", not " + reason);
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  c.Emit().initClockResumed().setReason(AsText(reason));
  return Status::Ok();
}

}  // namespace ledger::domain
