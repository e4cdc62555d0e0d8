// Internals of Decide shared by decide_*.cc: one Call per action being decided.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/action_reader.h"
#include "ledger/domain/clocks.h"
#include "ledger/domain/decide.h"

namespace ledger::domain {

class Call {
 public:
  Call(const Action& action, const DecideInput& input);

  const Action& action;
  const DecideInput& input;
  const ComplaintState& state;
  const Policy& policy;  // in force now: roles, codes, organisation
  const Policy& rules;   // the complaint's own version: clocks, levels, fines
  const Time at;         // the action's occurred_at (default: now)
  ActionReader in;       // the action's own fields

  // Ends reading input: unknown fields become errors; InvalidArgument if any problem.
  Status InputDone();
  // Records a policy refusal (422) naming the field and rule.
  void Refuse(std::string field, std::string rule, std::string message);
  // FailedPrecondition carrying every refusal, or OK.
  Status RefusalsDone();
  // PermissionDenied naming the actor's role.
  Status Deny(const std::string& why) const;
  // PermissionDenied naming `field` and `rule` (e.g. "receiving_staff", "self_only").
  Status DenyField(const std::string& field, const std::string& rule, const std::string& why) const;
  // Separation of duties: PermissionDenied (field "actor.id", rule "separation_of_duties") when
  // `person` (who proposed, requested or is charged) is the actor, unless the policy exempts the
  // actor's role from `duty` (SeparationOfDuties); OK otherwise.
  Status CheckSeparation(std::string_view person, const std::vector<std::string>& exempt_roles,
                         const std::string& what) const;

  // A new event by the actor at `at` (the note goes on the first one). Fill its union member.
  schema::DomainEvent::Builder Emit();
  // A new event by the ledger itself ("system").
  schema::DomainEvent::Builder EmitSystem(const std::string& causation);

  // The complaint's clocks evaluated at `at` under its own policy version.
  std::vector<ClockResult> Clocks() const;

  // Appends a LevelEscalated when the decided events raise the rule level (decide.cc).
  void Escalate();

  Decision TakeDecision();

 private:
  schema::DomainEvent::Builder NewEvent(Actor actor, const std::string& causation);

  std::vector<FieldError> input_errors_;
  std::vector<FieldError> refusals_;
  Decision decision_;
};

// Per action type (decide_intake.cc, decide_handling.cc, decide_records.cc).
Status DecideReceive(Call& c);
Status DecideTransmit(Call& c);
Status DecideAssessValidity(Call& c);
Status DecideClassify(Call& c);
Status DecideSetLevel(Call& c);
Status DecideAssign(Call& c);
Status DecideRespond(Call& c);
Status DecideProposePlan(Call& c);
Status DecideReviewPlan(Call& c);
Status DecideRecordProgress(Call& c);
Status DecideResolve(Call& c);
Status DecideConfirm(Call& c);
Status DecideClose(Call& c);
Status DecideReopen(Call& c);
Status DecidePauseClock(Call& c);
Status DecideResumeClock(Call& c);
Status DecideAddFlag(Call& c);
Status DecideLink(Call& c);
Status DecideRequestExtension(Call& c);
Status DecideDecideExtension(Call& c);
Status DecideStaffDecision(Call& c);
Status DecideCallback(Call& c);
Status DecideRecordFine(Call& c);
Status DecideWaiveFine(Call& c);
Status DecideRateDepartment(Call& c);
Status DecideCorrect(Call& c);
Status DecideAttachEvidence(Call& c);
// decide_privacy.cc: the actions on a data subject (stream "privacy").
Status DecidePlaceLegalHold(Call& c);
Status DecideLiftLegalHold(Call& c);
Status DecideRequestErasure(Call& c);
Status DecideSealPersonalData(Call& c);

// Helpers.
// "the policy's calendar, which begins on 2025-01-01": the earliest business time, for messages.
std::string EarliestText(const Policy& policy);
inline capnp::Text::Reader AsText(const std::string& s) { return {s.data(), s.size()}; }
void SetList(capnp::List<capnp::Text>::Builder list, const std::vector<std::string>& items);
// The people a level's report-to roles name (department head, CS head, deputy GM, GM).
std::vector<std::string> PeopleForRoles(const Policy& policy, const std::vector<std::string>& roles,
                                        const std::string& department);
// Whether `list` (of std::string or Sym) holds `item`.
template <class Text>
bool Contains(const std::vector<Text>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}
std::string Join(const std::vector<std::string>& items);
// `t` plus `months` calendar months at `offset`, the day clamped to the month's last day.
Time AddMonths(Time t, int64_t months, std::chrono::minutes offset);

}  // namespace ledger::domain
