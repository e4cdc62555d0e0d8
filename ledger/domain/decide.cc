// Decide: the dispatcher, the checks every action shares, and automatic escalation.
#include "ledger/domain/decide.h"

#include <map>
#include <optional>

#include "ledger/base/capnp_util.h"
#include "ledger/domain/catalogue.h"
#include "ledger/domain/decide_internal.h"
#include "ledger/domain/evolve.h"
#include "ledger/domain/rules.h"

namespace ledger::domain {
namespace {

using Handler = Status (*)(Call&);

const std::map<std::string, Handler, std::less<>>& Handlers() {
  static const auto* const kHandlers = new std::map<std::string, Handler, std::less<>>{
      {"receive", DecideReceive},
      {"transmit", DecideTransmit},
      {"assess_validity", DecideAssessValidity},
      {"classify", DecideClassify},
      {"set_level", DecideSetLevel},
      {"assign", DecideAssign},
      {"respond", DecideRespond},
      {"propose_plan", DecideProposePlan},
      {"review_plan", DecideReviewPlan},
      {"record_progress", DecideRecordProgress},
      {"resolve", DecideResolve},
      {"confirm", DecideConfirm},
      {"close", DecideClose},
      {"reopen", DecideReopen},
      {"pause_clock", DecidePauseClock},
      {"resume_clock", DecideResumeClock},
      {"add_flag", DecideAddFlag},
      {"link", DecideLink},
      {"request_extension", DecideRequestExtension},
      {"decide_extension", DecideDecideExtension},
      {"record_staff_decision", DecideStaffDecision},
      {"record_callback", DecideCallback},
      {"record_fine", DecideRecordFine},
      {"waive_fine", DecideWaiveFine},
      {"rate_department", DecideRateDepartment},
      {"correct", DecideCorrect},
      {"attach_evidence", DecideAttachEvidence},
      {"place_legal_hold", DecidePlaceLegalHold},
      {"lift_legal_hold", DecideLiftLegalHold},
      {"request_erasure", DecideRequestErasure},
      {"seal_personal_data", DecideSealPersonalData},
  };
  return *kHandlers;
}

// Whether evolving an event of this kind can change what EvaluateRules() reads (headcount, flags,
// claimed compensation, the cross-complaint counts, links, the cycles' resolutions and closings,
// pauses, the intake) or the levels. The handling records listed cannot (evolve.cc); every other
// kind, including any added later, is assumed to.
bool MayMoveRuleLevel(schema::DomainEvent::Which which) {
  using W = schema::DomainEvent::Which;
  switch (which) {
    case W::TRANSMITTED:
    case W::VALIDITY_ASSESSED:
    case W::CLASSIFIED:
    case W::RESPONSIBILITY_ASSIGNED:
    case W::CUSTOMER_RESPONDED:
    case W::PLAN_PROPOSED:
    case W::PLAN_REVIEWED:
    case W::PROGRESS_RECORDED:
    case W::RESOLUTION_CONFIRMED:
    case W::EXTENSION_REQUESTED:
    case W::EXTENSION_DECIDED:
    case W::STAFF_DECISION_RECORDED:
    case W::CALLBACK_RECORDED:
    case W::FINE_RECORDED:
    case W::FINE_WAIVED:
    case W::EVIDENCE_ATTACHED:
    case W::PERSONAL_DATA_SEALED:
      return false;
    default:
      return true;
  }
}

// Roles that act for a department holding the complaint.
bool ActsForDepartment(std::string_view role) { return role == "handler" || role == "dept_head"; }

Status CheckCommon(Call& c, const ActionSpec& spec) {
  const std::string& type = c.action.type;
  if (!c.policy.RoleMay(c.input.actor.role, type))
    return c.Deny("role '" + c.input.actor.role + "' may not " + type);
  const bool on_complaint = spec.target == ActionTarget::kComplaint;
  if (on_complaint && !c.state.exists())
    return Status::NotFound("complaint '" + c.state.id + "' does not exist");

  std::vector<FieldError> time_errors;
  if (c.at < c.policy.calendar.Begins())
    time_errors.push_back({"occurred_at", "before_policy",
                           "occurred_at " + FormatRfc3339(c.at, c.policy.calendar.utc_offset) +
                               " is before " + EarliestText(c.policy)});
  if (c.at > c.input.now + c.policy.future_skew)
    time_errors.push_back(
        {"occurred_at", "future",
         "occurred_at " + FormatRfc3339(c.at, c.policy.calendar.utc_offset) + " is in the future"});
  if (on_complaint && c.at < c.state.intake.at)
    time_errors.push_back({"occurred_at", "before_intake",
                           "occurred_at is before the complaint's intake (" +
                               FormatRfc3339(c.state.intake.at, c.policy.calendar.utc_offset) +
                               ")"});
  LEDGER_RETURN_IF_ERROR(InvalidFields(std::move(time_errors)));

  // A complaint is a handful to a few hundred events; this bound keeps one stream (and every
  // read of it: state, events, timeline) from growing without end.
  if (on_complaint && c.state.version >= kMaxComplaintEvents) {
    c.Refuse("type", "complaint_full",
             "complaint " + c.state.id + " already holds " + std::to_string(c.state.version) +
                 " events, the most one complaint may hold");
    return c.RefusalsDone();
  }
  if (on_complaint && c.state.closed() && !spec.when_closed) {
    c.Refuse("type", "closed",
             "the complaint is closed; " + type + " needs it open (reopen first)");
    return c.RefusalsDone();
  }
  if (on_complaint && ActsForDepartment(c.input.actor.role)) {
    const AssignmentRecord* a = c.state.assignment();
    if (a == nullptr) {
      c.Refuse("type", "not_assigned", "responsibility has not been assigned yet");
      return c.RefusalsDone();
    }
    const std::string& dept = c.input.actor.department;
    if (dept != a->department && !Contains(a->cooperating, dept))
      return c.Deny("department '" + dept + "' does not hold complaint " + c.state.id +
                    " (held by " + a->department + ")");
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> DeciderTypes() {
  std::vector<std::string> types;
  for (const auto& [type, handler] : Handlers()) types.push_back(type);
  return types;
}

Result<Decision> Decide(const Action& action, const DecideInput& input) {
  if (input.state == nullptr || input.policy == nullptr)
    return Status::Internal("Decide needs a state and a policy");
  Call c(action, input);
  const ActionSpec* spec = FindAction(action.type);
  auto handler = Handlers().find(action.type);
  if (spec == nullptr || handler == Handlers().end())
    return InvalidFields(
        {{"type", "unknown_action", "type '" + action.type + "' is not an action"}});
  LEDGER_RETURN_IF_ERROR(CheckCommon(c, *spec));
  LEDGER_RETURN_IF_ERROR(handler->second(c));
  if (spec->target == ActionTarget::kComplaint || spec->target == ActionTarget::kNewComplaint)
    c.Escalate();
  return c.TakeDecision();
}

// When the decided facts raise the rule level above the level in force, the ledger escalates,
// unless customer service deliberately set the current level with at least this rule level known.
void Call::Escalate() {
  // The facts after the decided events. When none of them can move the rule level, the state as
  // it is gives the same rule match and levels: no need to copy it for a preview.
  std::optional<ComplaintState> preview;
  for (const PendingEvent& p : decision_.events) {
    if (!MayMoveRuleLevel(p.event().which())) continue;
    preview = Preview(state, decision_, input.policy_version, input.now);
    break;
  }
  const ComplaintState& next = preview ? *preview : state;
  RuleMatch after = EvaluateRules(next, rules, at);
  const LevelRecord& last = next.levels.back();
  bool deliberate = last.manual && last.rule_level >= after.level;
  if (after.level <= next.level() || deliberate || decision_.events.empty()) return;
  // Caused by the action's first event (its type: PendingEvent::type is only filled at the end).
  auto e = EmitSystem(std::string(EventTypeName(decision_.events.front().event().which())))
               .initLevelEscalated();
  e.setLevel(AsText(std::string(LevelName(after.level))));
  e.setPreviousLevel(AsText(std::string(LevelName(next.level()))));
  SetList(e.initRules(unsigned(after.codes.size())), after.codes);
}

EventView PendingEvent::View(uint64_t version, uint32_t policy_version, Time now) const {
  EventView v;
  v.version = version;
  v.recorded_at = now;
  v.occurred_at = occurred_at;
  v.actor_id = actor.id;
  v.actor_role = actor.role;
  v.actor_department = actor.department;
  v.policy_version = policy_version;
  v.event = event();
  return v;
}

ComplaintState Preview(const ComplaintState& state, const Decision& decision,
                       uint32_t policy_version, Time now) {
  ComplaintState next = state;
  for (const PendingEvent& p : decision.events) {
    if (p.event().which() == schema::DomainEvent::DEPARTMENT_RATED) continue;
    Evolve(next, p.View(next.version + 1, policy_version, now));
  }
  return next;
}

std::vector<NewEvent> ToNewEvents(const Decision& decision, uint32_t policy_version,
                                  bool imported) {
  std::vector<NewEvent> out;
  out.reserve(decision.events.size());
  for (const PendingEvent& p : decision.events) {
    NewEvent e;
    e.type = p.type;
    e.payload = ToFlatBytes(*p.message);
    e.actor = p.actor;
    e.occurred_at = p.occurred_at;
    e.policy_version = policy_version;
    e.causation_id = p.causation_id;
    e.imported = imported;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace ledger::domain
