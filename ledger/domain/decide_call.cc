#include <algorithm>

#include "ledger/domain/decide_internal.h"
#include "ledger/domain/rules.h"

namespace ledger::domain {

namespace {
const ComplaintState& EmptyState() {
  static const ComplaintState* const kEmpty = new ComplaintState();
  return *kEmpty;
}
}  // namespace

Call::Call(const Action& a, const DecideInput& i)
    : action(a),
      input(i),
      state(i.state ? *i.state : EmptyState()),
      policy(*i.policy),
      rules(i.complaint_policy ? *i.complaint_policy : *i.policy),
      at(a.occurred_at.value_or(i.now)),
      in(a.fields, "", &input_errors_) {
  in.SetEarliest(policy.calendar.Begins(), EarliestText(policy));
}

std::string EarliestText(const Policy& policy) {
  return "the policy's calendar, which begins on " + std::to_string(policy.calendar.first_year) +
         "-01-01";
}

Status Call::InputDone() {
  in.Finish();
  return InvalidFields(input_errors_);
}

void Call::Refuse(std::string field, std::string rule, std::string message) {
  refusals_.push_back({std::move(field), std::move(rule), std::move(message)});
}

Status Call::RefusalsDone() {
  if (refusals_.empty()) return Status::Ok();
  std::string message = refusals_.size() == 1
                            ? refusals_[0].message
                            : std::to_string(refusals_.size()) + " policy rules refuse this action";
  return Status::WithErrors(Code::kFailedPrecondition, std::move(message), refusals_);
}

Status Call::Deny(const std::string& why) const {
  return Status::WithErrors(Code::kPermissionDenied, why, {{"actor.role", "permission", why}});
}

Status Call::DenyField(const std::string& field, const std::string& rule,
                       const std::string& why) const {
  return Status::WithErrors(Code::kPermissionDenied, why, {{field, rule, why}});
}

Status Call::CheckSeparation(std::string_view person, const std::vector<std::string>& exempt_roles,
                             const std::string& what) const {
  if (person.empty() || person != input.actor.id || Contains(exempt_roles, input.actor.role))
    return Status::Ok();
  return DenyField("actor.id", "separation_of_duties",
                   "separation of duties: '" + input.actor.id + "' may not " + what +
                       " (the policy names no exemption for role '" + input.actor.role + "')");
}

schema::DomainEvent::Builder Call::NewEvent(Actor actor, const std::string& causation) {
  PendingEvent p;
  p.message = std::make_unique<capnp::MallocMessageBuilder>(128);
  p.actor = std::move(actor);
  p.occurred_at = at;
  p.causation_id = causation;
  auto root = p.message->initRoot<schema::DomainEvent>();
  decision_.events.push_back(std::move(p));
  return root;
}

schema::DomainEvent::Builder Call::Emit() {
  bool first = decision_.events.empty();
  auto root = NewEvent(input.actor, "");
  if (first && !action.note.empty()) root.setNote(AsText(action.note));
  return root;
}

schema::DomainEvent::Builder Call::EmitSystem(const std::string& causation) {
  return NewEvent(Actor{"system", "system", ""}, causation);
}

std::vector<ClockResult> Call::Clocks() const {
  return EvaluateClocks(ClockFactsOf(state, rules), rules, at);
}

Decision Call::TakeDecision() {
  for (PendingEvent& p : decision_.events) p.type = std::string(EventTypeName(p.event().which()));
  return std::move(decision_);
}

void SetList(capnp::List<capnp::Text>::Builder list, const std::vector<std::string>& items) {
  for (unsigned i = 0; i < items.size(); ++i) list.set(i, AsText(items[i]));
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::vector<std::string> PeopleForRoles(const Policy& policy, const std::vector<std::string>& roles,
                                        const std::string& department) {
  std::vector<std::string> people;
  auto add = [&](const std::string& person) {
    if (!person.empty() && !Contains(people, person)) people.push_back(person);
  };
  const Organisation& org = policy.organisation;
  for (const std::string& role : roles) {
    if (role == "dept_head") {
      if (const Department* d = org.FindDepartment(department)) add(d->head);
    } else if (role == "cs_agent" || role == "cs_head") {
      add(org.cs_head);
    } else if (role == "deputy_gm") {
      add(org.deputy_gm);
    } else if (role == "gm") {
      add(org.gm);
    }
  }
  return people;
}

}  // namespace ledger::domain
