// Decide: intake and triage — receive, transmit, assess_validity, classify, set_level, assign.
#include "ledger/domain/decide_internal.h"
#include "ledger/domain/rules.h"

namespace ledger::domain {
namespace {

using R = ActionReader;

bool IsCustomerServiceRole(std::string_view role) {
  return role == "cs_agent" || role == "cs_head";
}

// Reads the complainant object (personal data) into the event.
void ReadComplainant(Call& c, schema::Complainant::Builder out) {
  std::vector<FieldError> errors;
  const boost::json::object* obj = c.in.Object("complainant", R::kRequired);
  if (obj == nullptr) return;
  // Nested reader errors are collected by the call's own reader through Error().
  ActionReader r(*obj, "complainant.", &errors);
  out.setName(AsText(r.Text("name", R::kRequired)));
  out.setPhone(AsText(r.Text("phone", R::kOptional, 40)));
  out.setUnit(AsText(r.Text("unit", R::kOptional)));
  out.setIsOwner(r.Bool("is_owner", R::kOptional).value_or(false));
  r.Finish();
  for (FieldError& e : errors) c.in.Error(e.field, e.rule, e.message);
}

}  // namespace

Status DecideReceive(Call& c) {
  auto ev = c.Emit().initReceived();
  ev.setChannel(AsText(c.in.Code("channel", R::kRequired, Vocab::kChannel)));
  ReadComplainant(c, ev.initComplainant());
  std::string project = c.in.Text("project", R::kRequired);
  ev.setProject(AsText(project));
  ev.setSubject(AsText(c.in.Text("subject", R::kRequired)));
  ev.setDescription(AsText(c.in.Text("description", R::kRequired, kMaxLongText)));
  ev.setDemands(AsText(c.in.Text("demands", R::kOptional, kMaxLongText)));
  std::string target_department;
  if (const boost::json::object* t = c.in.Object("target", R::kOptional)) {
    std::vector<FieldError> errors;
    ActionReader r(*t, "target.", &errors);
    auto target = ev.initTarget();
    target.setKind(AsText(r.Code("kind", R::kRequired, Vocab::kTargetKind)));
    target.setId(AsText(r.Text("id", R::kRequired)));
    target_department = r.Text("department", R::kOptional);
    target.setDepartment(AsText(target_department));
    r.Finish();
    for (FieldError& e : errors) c.in.Error(e.field, e.rule, e.message);
  }
  ev.setClaimedCompensation(c.in.MoneyAmount("claimed_compensation", R::kOptional).value_or(-1));
  ev.setHeadcount(uint32_t(c.in.Int("headcount", R::kOptional, 1, 100000).value_or(1)));
  std::vector<std::string> flags = c.in.CodeList("flags", R::kOptional, Vocab::kFlag, 8);
  SetList(ev.initFlags(unsigned(flags.size())), flags);
  std::string receiving = c.in.Text("receiving_department", R::kRequired);
  ev.setReceivingDepartment(AsText(receiving));
  std::string staff = c.in.Text("receiving_staff", R::kOptional);
  ev.setReceivingStaff(AsText(staff.empty() ? c.input.actor.id : staff));
  ev.setExternalRef(AsText(c.in.Text("external_ref", R::kOptional, 128)));
  LEDGER_RETURN_IF_ERROR(c.InputDone());

  const Organisation& org = c.policy.organisation;
  if (!org.projects.empty() && org.FindProject(project) == nullptr)
    c.Refuse("project", "unknown_project", "project '" + project + "' is not in the policy");
  if (org.FindDepartment(receiving) == nullptr)
    c.Refuse("receiving_department", "unknown_department",
             "department '" + receiving + "' is not in the policy");
  if (!target_department.empty() && org.FindDepartment(target_department) == nullptr)
    c.Refuse("target.department", "unknown_department",
             "department '" + target_department + "' is not in the policy");
  if (Contains(flags, "reputation") && !IsCustomerServiceRole(c.input.actor.role))
    return c.Deny("only customer service may set the reputation flag");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  // Blame follows the record: the receiving staff member is charged transmission_late, the
  // receiving department is held to the first-contact rule. Both are the caller, never a name
  // the caller types.
  if (!staff.empty() && staff != c.input.actor.id)
    return c.DenyField("receiving_staff", "self_only",
                       "receiving_staff must be the caller ('" + c.input.actor.id +
                           "'); a complaint is filed by whoever received it");
  if (receiving != c.input.actor.department)
    return c.DenyField("receiving_department", "own_department",
                       "receiving_department must be the caller's department ('" +
                           c.input.actor.department + "'), not '" + receiving + "'");
  ev.setTargetComplaints(uint32_t(c.input.cross.target_complaints));
  return Status::Ok();
}

Status DecideTransmit(Call& c) {
  std::string to = c.in.Text("to_department", R::kRequired);
  std::string person = c.in.Text("to_person", R::kOptional);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const std::string& cs = c.policy.organisation.customer_service;
  if (c.policy.organisation.FindDepartment(to) == nullptr)
    c.Refuse("to_department", "unknown_department", "department '" + to + "' is not in the policy");
  if (c.state.receiving_department == cs)
    c.Refuse("to_department", "not_needed",
             "customer service received this complaint: there is nothing to transmit");
  if (c.state.transmitted && c.state.transmitted_to_department == cs)
    c.Refuse("type", "already_transmitted",
             "the complaint was already transmitted to customer service");
  if (!c.state.assignments.empty())
    c.Refuse("type", "already_assigned", "responsibility is already assigned");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initTransmitted();
  ev.setToDepartment(AsText(to));
  ev.setToPerson(AsText(person));
  return Status::Ok();
}

Status DecideAssessValidity(Call& c) {
  std::optional<bool> valid = c.in.Bool("valid", R::kRequired);
  std::string reason = c.in.Code("reason", R::kOptional, Vocab::kInvalidReason);
  if (valid && !*valid && reason.empty() && c.in.ok())
    c.in.Error("reason", "required", "reason is required when the complaint is invalid");
  if (valid && *valid && !reason.empty())
    c.in.Error("reason", "not_allowed", "a valid complaint has no invalidity reason");
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const std::string& cs = c.policy.organisation.customer_service;
  if (c.state.receiving_department != cs && c.state.transmitted_to_department != cs)
    c.Refuse("type", "not_transmitted",
             "the receiving department must transmit the complaint to customer service first");
  if (!c.state.assignments.empty())
    c.Refuse("type", "already_assigned", "validity cannot change after responsibility is assigned");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initValidityAssessed();
  ev.setValid(*valid);
  ev.setReason(AsText(reason));
  return Status::Ok();
}

Status DecideClassify(Call& c) {
  std::string category = c.in.Text("category", R::kRequired);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const Category* cat = c.policy.FindCategory(category);
  if (cat == nullptr)
    c.Refuse("category", "unknown_category", "category '" + category + "' is not in the policy");
  if (!c.state.valid.value_or(false))
    c.Refuse("type", "not_valid", "only a complaint assessed as valid is classified");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initClassified();
  ev.setCategory(AsText(category));
  ev.setClosureClass(AsText(std::string(ClosureClassName(cat->closure_class))));
  ev.setFirstResponsible(AsText(cat->first_responsible));
  return Status::Ok();
}

Status DecideSetLevel(Call& c) {
  std::string name = c.in.Code("level", R::kRequired, Vocab::kLevel);
  std::string reason = c.in.Text("reason", R::kRequired, kMaxLongText);
  std::optional<Level> level = ParseLevel(name);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (*level == c.state.level())
    c.Refuse("level", "unchanged", "the complaint is already at level " + name);
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  RuleMatch rules = EvaluateRules(c.state, c.rules, c.at);
  auto ev = c.Emit().initLevelSet();
  ev.setLevel(AsText(name));
  ev.setPreviousLevel(AsText(std::string(LevelName(c.state.level()))));
  ev.setReason(AsText(reason));
  ev.setRuleLevel(AsText(std::string(LevelName(rules.level))));
  SetList(ev.initRuleCodes(unsigned(rules.codes.size())), rules.codes);
  return Status::Ok();
}

Status DecideAssign(Call& c) {
  std::string department = c.in.Text("department", R::kRequired);
  std::vector<std::string> cooperating = c.in.TextList("cooperating", R::kOptional, 10);
  std::string handler = c.in.Text("handler", R::kRequired);
  std::string reason = c.in.Text("reason", R::kOptional, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const Organisation& org = c.policy.organisation;
  if (org.FindDepartment(department) == nullptr)
    c.Refuse("department", "unknown_department",
             "department '" + department + "' is not in the policy");
  for (size_t i = 0; i < cooperating.size(); ++i) {
    if (org.FindDepartment(cooperating[i]) == nullptr)
      c.Refuse("cooperating[" + std::to_string(i) + "]", "unknown_department",
               "department '" + cooperating[i] + "' is not in the policy");
    if (cooperating[i] == department)
      c.Refuse("cooperating[" + std::to_string(i) + "]", "duplicate",
               "the first-responsible department is not also cooperating");
  }
  if (!c.state.valid.value_or(false))
    c.Refuse("type", "not_valid", "only a valid complaint is assigned");
  if (!c.state.classified)
    c.Refuse("type", "not_classified", "classify the complaint before assigning it");
  // The category's first-responsible department; for service_attitude, the complained-of staff
  // member's department when the target names it.
  const Category* cat = c.policy.FindCategory(c.state.category);
  std::string first = cat ? cat->first_responsible : "";
  if (cat && first.empty() && cat->responsible_is_target_department && c.state.target)
    first = c.state.target->department;
  if (!first.empty() && first != department && reason.empty())
    c.Refuse("reason", "required_when_overriding",
             "the policy names " + first + " for " + c.state.category +
                 "; give a reason to assign " + department);
  if (!c.state.assignments.empty() && reason.empty())
    c.Refuse("reason", "required_when_reassigning", "a reassignment needs a reason");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());

  Level level = c.state.level();
  const std::vector<std::string>& report = c.rules.report_to[size_t(level)];
  std::vector<std::string> notified = PeopleForRoles(c.policy, {"dept_head"}, department);
  for (const std::string& p : PeopleForRoles(c.policy, report, department))
    if (!Contains(notified, p)) notified.push_back(p);
  std::vector<std::string> first_people;
  if (c.input.cross.group_after_individual) {
    first_people.push_back(org.cs_head);
    if (const Project* p = org.FindProject(c.state.project))
      first_people.push_back(p->general_manager);
  }
  auto ev = c.Emit().initResponsibilityAssigned();
  ev.setDepartment(AsText(department));
  SetList(ev.initCooperating(unsigned(cooperating.size())), cooperating);
  ev.setHandler(AsText(handler));
  ev.setReason(AsText(reason));
  SetList(ev.initReportTo(unsigned(report.size())), report);
  SetList(ev.initNotified(unsigned(notified.size())), notified);
  SetList(ev.initFirstResponsiblePeople(unsigned(first_people.size())), first_people);
  ev.setLevel(AsText(std::string(LevelName(level))));
  return Status::Ok();
}

}  // namespace ledger::domain
