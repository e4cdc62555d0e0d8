// Decide: records around the handling — flags, links, extensions, staff decisions, callbacks,
// fines and waivers, ratings, corrections, evidence.
#include <algorithm>

#include "ledger/domain/corrections.h"
#include "ledger/domain/decide_internal.h"
#include "ledger/domain/fines.h"

namespace ledger::domain {
namespace {

using R = ActionReader;

bool IsCustomerServiceRole(std::string_view role) {
  return role == "cs_agent" || role == "cs_head";
}

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

// The running clock of `kind` (the current cycle's for closure), or null.
const ClockResult* RunningClock(const std::vector<ClockResult>& clocks, ClockKind kind, int cycle) {
  for (const ClockResult& r : clocks)
    if (r.kind == kind && (kind != ClockKind::kClosure || r.cycle == cycle)) return &r;
  return nullptr;
}

// A rating from 0 to 100 (a number, or a string with two decimals) in hundredths; -1 when bad.
int64_t ReadScoreHundredths(Call& c) {
  const boost::json::value* v = c.in.Raw("score", FieldType::kNumber, R::kRequired);
  if (v == nullptr) {
    c.in.Error("score", "required", "score is required");
    return -1;
  }
  int64_t score = -1;
  // Only a number near the range is scaled, so that none overflows (Boost.JSON reads "0e2299" as
  // NaN, which no comparison passes); any other stays out of range.
  if (v->is_int64())
    score = std::clamp<int64_t>(v->get_int64(), -1, 1000) * 100;
  else if (v->is_uint64())
    score = int64_t(std::min<uint64_t>(v->get_uint64(), 1000)) * 100;
  else if (v->is_double() && v->get_double() >= -1 && v->get_double() <= 1000)
    score = int64_t(v->get_double() * 100 + 0.5);
  else if (v->is_string()) {
    Result<Money> m = ParseMoney(v->get_string(), "score");
    if (m.ok()) score = *m;
  }
  if (score < 0 || score > 10000) {
    c.in.Error("score", "range", "score must be a number from 0 to 100");
    return -1;
  }
  return score;
}

}  // namespace

Time AddMonths(Time t, int64_t months, std::chrono::minutes offset) {
  std::chrono::year_month_day d = CivilDate(t, offset);
  Duration time_of_day = (t + offset) - std::chrono::floor<std::chrono::days>(t + offset);
  std::chrono::year_month ym =
      std::chrono::year_month(d.year(), d.month()) + std::chrono::months(months);
  std::chrono::day last =
      std::chrono::year_month_day_last(ym.year(), std::chrono::month_day_last(ym.month())).day();
  std::chrono::year_month_day moved(ym.year(), ym.month(), std::min(d.day(), last));
  return FromCivil(moved, time_of_day, offset);
}

Status DecideAddFlag(Call& c) {
  std::string flag = c.in.Code("flag", R::kRequired, Vocab::kFlag);
  std::string detail = c.in.Text("detail", R::kOptional, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (flag == "reputation" && !IsCustomerServiceRole(c.input.actor.role))
    return c.Deny("only customer service may set the reputation flag");
  if (c.state.HasFlag(flag)) c.Refuse("flag", "already_set", "flag " + flag + " is already set");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initFlagAdded();
  ev.setFlag(AsText(flag));
  ev.setDetail(AsText(detail));
  return Status::Ok();
}

Status DecideLink(Call& c) {
  std::string other = c.in.Text("other", R::kRequired);
  std::string relation = c.in.Code("relation", R::kRequired, Vocab::kLinkRelation);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const std::optional<OtherComplaint>& o = c.input.cross.other;
  if (other == c.state.id)
    c.Refuse("other", "self", "a complaint is not linked to itself");
  else if (!o)
    c.Refuse("other", "unknown_complaint", "complaint '" + other + "' does not exist");
  for (const LinkRecord& l : c.state.links)
    if (l.other == other) c.Refuse("other", "already_linked", "already linked to " + other);
  if (o && relation == "second_complaint") {
    if (o->received_at >= c.state.intake.at)
      c.Refuse("other", "not_earlier", "a second complaint follows the first one");
    if (!o->closed_at) {
      c.Refuse("other", "not_closed", "a second complaint follows the closure of the first");
    } else {
      const auto offset = c.policy.calendar.utc_offset;
      Time window_end = AddMonths(*o->closed_at, c.policy.second_complaint_months, offset);
      if (c.state.intake.at < *o->closed_at || c.state.intake.at > window_end)
        c.Refuse("other", "outside_window",
                 "a second complaint is received within " +
                     std::to_string(c.policy.second_complaint_months) +
                     " months of the first one's closure (" + FormatRfc3339(*o->closed_at, offset) +
                     ")");
    }
  }
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initLinked();
  ev.setOther(AsText(other));
  ev.setRelation(AsText(relation));
  ev.setOtherLevel(AsText(std::string(LevelName(o->level_handled))));
  ev.setSameIssueComplainants(
      relation == "same_issue" ? uint32_t(c.input.cross.same_issue_complainants) : 0);
  ev.setOtherReceivedAt(ToMicros(o->received_at));
  ev.setOtherHeadcount(uint32_t(o->headcount));
  return Status::Ok();
}

Status DecideRequestExtension(Call& c) {
  std::string clock = c.in.Code("clock", R::kRequired, Vocab::kExtensibleClock);
  std::optional<Time> until = c.in.TimeValue("until", R::kRequired);
  std::string reason = c.in.Text("reason", R::kRequired, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  ClockKind kind = *ParseClockKind(clock);
  int cycle = int(c.state.cycles.size()) - 1;
  std::vector<ClockResult> clocks = c.Clocks();
  const ClockResult* running = RunningClock(clocks, kind, cycle);
  if (running == nullptr || !running->due ||
      (running->state != ClockState::kPending && running->state != ClockState::kPaused)) {
    std::string state = running ? std::string(ClockStateName(running->state)) : "not running";
    c.Refuse("clock", "not_running", "the " + clock + " clock is " + state + ": nothing to extend");
  } else if (*until <= *running->due) {
    c.Refuse("until", "not_later",
             "until must be after the current deadline " +
                 FormatRfc3339(*running->due, c.policy.calendar.utc_offset));
  }
  for (const ExtensionRecord& x : c.state.extensions)
    if (x.fact.clock == kind && !x.fact.decided &&
        (kind != ClockKind::kClosure || x.fact.closure_cycle == cycle))
      c.Refuse("clock", "request_pending",
               "an extension of the " + clock + " clock is already waiting");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initExtensionRequested();
  ev.setClock(AsText(clock));
  ev.setUntil(ToMicros(*until));
  ev.setReason(AsText(reason));
  ev.setDue(ToMicros(*running->due));
  return Status::Ok();
}

Status DecideDecideExtension(Call& c) {
  std::optional<int64_t> request = c.in.Int("request", R::kRequired, 1, INT64_MAX);
  std::optional<bool> approved = c.in.Bool("approved", R::kRequired);
  std::string comment = c.in.Text("comment", R::kOptional, kMaxLongText);
  if (approved && !*approved && comment.empty())
    c.in.Error("comment", "required", "comment is required when an extension is refused");
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const std::vector<std::string>& approvers = c.rules.extension_approvers[size_t(c.state.level())];
  if (!Contains(approvers, c.input.actor.role))
    return c.Deny("an extension on a " + std::string(LevelName(c.state.level())) +
                  " complaint is decided by " + Join(approvers) + ", not " + c.input.actor.role);
  const ExtensionRecord* found = nullptr;
  for (const ExtensionRecord& x : c.state.extensions)
    if (x.fact.requested.position == uint64_t(*request)) found = &x;
  if (found == nullptr)
    c.Refuse(
        "request", "unknown_request",
        "position " + std::to_string(*request) + " is not an extension request of this complaint");
  else if (found->fact.decided)
    c.Refuse("request", "already_decided", "this extension request was already decided");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  LEDGER_RETURN_IF_ERROR(c.CheckSeparation(found->requested_by,
                                           c.policy.separation.decide_extension,
                                           "decide an extension they requested"));
  auto ev = c.Emit().initExtensionDecided();
  ev.setRequest(uint64_t(*request));
  ev.setApproved(*approved);
  ev.setComment(AsText(comment));
  ev.setClock(AsText(std::string(ClockKindName(found->fact.clock))));
  ev.setUntil(ToMicros(found->fact.until));
  return Status::Ok();
}

Status DecideStaffDecision(Call& c) {
  std::string person = c.in.Text("person", R::kRequired);
  std::string decision = c.in.Text("decision", R::kRequired, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (!c.state.about_staff())
    c.Refuse("type", "not_about_staff", "the complaint is not about a staff member");
  if (!c.state.valid.value_or(false))
    c.Refuse("type", "not_valid", "a staff decision follows the complaint becoming valid");
  if (c.state.staff_decision)
    c.Refuse("type", "already_recorded", "the staff decision is already recorded");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initStaffDecisionRecorded();
  ev.setPerson(AsText(person));
  ev.setDecision(AsText(decision));
  return Status::Ok();
}

Status DecideCallback(Call& c) {
  const Survey& survey = c.rules.survey;
  std::optional<bool> ack = c.in.Bool("acknowledged", R::kRequired);
  std::optional<bool> contacted = c.in.Bool("contacted", R::kRequired);
  std::optional<int64_t> scores[3];
  const char* names[3] = {"timeliness", "plan", "attitude"};
  for (int i = 0; i < 3; ++i)
    scores[i] = c.in.Int(names[i], R::kRequired, survey.min_score, survey.max_score);
  std::string reasons = c.in.Text("reasons", R::kOptional, kMaxLongText);
  for (int i = 0; i < 3; ++i)
    if (scores[i] && *scores[i] < survey.reason_below && reasons.empty())
      c.in.Error("reasons", "required_below_" + std::to_string(survey.reason_below),
                 std::string(names[i]) + " is below " + std::to_string(survey.reason_below) +
                     ": the customer's reason is required");
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (!c.state.closed()) c.Refuse("type", "not_closed", "the callback survey follows the closure");
  if (c.state.callback)
    c.Refuse("type", "already_recorded", "the callback survey is already recorded");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initCallbackRecorded();
  ev.setAcknowledged(*ack);
  ev.setContacted(*contacted);
  ev.setTimeliness(uint8_t(*scores[0]));
  ev.setPlan(uint8_t(*scores[1]));
  ev.setAttitude(uint8_t(*scores[2]));
  ev.setReasons(AsText(reasons));
  return Status::Ok();
}

Status DecideRecordFine(Call& c) {
  std::string rule = c.in.Text("rule", R::kRequired, 64);
  std::optional<Money> amount = c.in.MoneyAmount("amount", R::kOptional);
  std::vector<std::string> people = c.in.TextList("people", R::kOptional);
  std::vector<std::string> departments = c.in.TextList("departments", R::kOptional);
  std::string reason = c.in.Text("reason", R::kRequired, kMaxLongText);
  if (c.in.ok() && people.empty() && departments.empty())
    c.in.Error("people", "required", "name the people and/or departments charged");
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (!Contains(c.policy.recorded_fine_roles, c.input.actor.role))
    return c.Deny("fines are recorded by " + Join(c.policy.recorded_fine_roles));
  const RecordedFineRule* r = c.rules.fines.FindRecorded(rule);
  if (r == nullptr) {
    c.Refuse("rule", "not_recorded_rule", "'" + rule + "' is not a fine rule a manager records");
    return c.RefusalsDone();
  }
  for (size_t i = 0; i < departments.size(); ++i)
    if (c.policy.organisation.FindDepartment(departments[i]) == nullptr)
      c.Refuse("departments[" + std::to_string(i) + "]", "unknown_department",
               "department '" + departments[i] + "' is not in the policy");
  Money value = amount.value_or(r->amount.value_or(-1));
  if (r->amount && amount && *amount != *r->amount)
    c.Refuse("amount", "fixed_amount", rule + " is " + FormatMoney(*r->amount));
  if (r->min && r->max && (!amount || *amount < *r->min || *amount > *r->max))
    c.Refuse("amount", "range",
             rule + " is set by a manager between " + FormatMoney(*r->min) + " and " +
                 FormatMoney(*r->max));
  if (rule == c.rules.fines.beyond_tiers_rule) {
    std::vector<ClockResult> clocks = c.Clocks();
    if (!OverdueBeyondTiers(c.state, c.rules, clocks, c.at))
      c.Refuse("rule", "not_applicable",
               rule + " applies when closure is more than " +
                   std::to_string(c.rules.fines.last_tier_day()) + " days overdue");
  }
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initFineRecorded();
  ev.setRule(AsText(rule));
  ev.setAmount(value);
  SetList(ev.initPeople(unsigned(people.size())), people);
  SetList(ev.initDepartments(unsigned(departments.size())), departments);
  ev.setReason(AsText(reason));
  return Status::Ok();
}

Status DecideWaiveFine(Call& c) {
  std::string fine = c.in.Text("fine", R::kRequired);
  std::string reason = c.in.Text("reason", R::kRequired, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (!Contains(c.policy.waiver_roles, c.input.actor.role))
    return c.Deny("fines are waived by " + Join(c.policy.waiver_roles));
  std::vector<FineLine> lines = FineLines(c.state, c.rules, c.Clocks(), c.at);
  auto it =
      std::find_if(lines.begin(), lines.end(), [&](const FineLine& l) { return l.id == fine; });
  if (it == lines.end())
    c.Refuse("fine", "unknown_fine", "'" + fine + "' is not a fine line of this complaint");
  else if (it->waived)
    c.Refuse("fine", "already_waived", "this fine line is already waived");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  if (Contains(it->people, c.input.actor.id))
    LEDGER_RETURN_IF_ERROR(c.CheckSeparation(c.input.actor.id, c.policy.separation.waive_fine,
                                             "waive a fine line that charges them"));
  auto ev = c.Emit().initFineWaived();
  ev.setFine(AsText(fine));
  ev.setReason(AsText(reason));
  return Status::Ok();
}

Status DecideRateDepartment(Call& c) {
  std::string department = c.in.Text("department", R::kRequired);
  std::string month = c.in.Text("month", R::kRequired, 7);
  if (!month.empty() && !ParseMonth(month).ok())
    c.in.Error("month", "yyyy_mm", "month must be YYYY-MM");
  int64_t score = ReadScoreHundredths(c);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  if (c.policy.organisation.FindDepartment(department) == nullptr)
    c.Refuse("department", "unknown_department",
             "department '" + department + "' is not in the policy");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initDepartmentRated();
  ev.setDepartment(AsText(department));
  ev.setMonth(AsText(month));
  ev.setScoreHundredths(uint32_t(score));
  return Status::Ok();
}

Status DecideCorrect(Call& c) {
  std::optional<int64_t> event = c.in.Int("event", R::kRequired, 1, INT64_MAX);
  std::string field = c.in.Text("field", R::kRequired, 64);
  std::string value = c.in.Text("value", R::kRequired, kMaxLongText);
  std::string reason = c.in.Text("reason", R::kRequired, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const auto& ref = c.input.cross.referenced;
  if (!ref || ref->stream != c.state.id || ref->position != uint64_t(*event)) {
    c.Refuse("event", "unknown_event",
             "position " + std::to_string(*event) + " is not an event of complaint " + c.state.id);
    return c.RefusalsDone();
  }
  if (ref->type == schema::DomainEvent::CORRECTED ||
      ref->type == schema::DomainEvent::LEVEL_ESCALATED) {
    c.Refuse("event", "not_correctable", "corrections and automatic escalations are not corrected");
    return c.RefusalsDone();
  }
  std::optional<FieldKind> kind = CorrectableField(ref->type, field);
  if (!kind) {
    c.Refuse("field", "not_correctable",
             "field '" + field + "' of " + std::string(EventTypeName(ref->type)) +
                 " cannot be corrected; correctable: " + CorrectableFieldsOf(ref->type));
    return c.RefusalsDone();
  }
  LEDGER_RETURN_IF_ERROR(CheckCorrectionValue(*kind, value));
  // The intake's departments and project must be the policy's, as at receive.
  const Organisation& org = c.policy.organisation;
  if (ref->type == schema::DomainEvent::RECEIVED) {
    if ((field == "receiving_department" || field == "target.department") &&
        org.FindDepartment(value) == nullptr)
      c.Refuse("value", "unknown_department", "department '" + value + "' is not in the policy");
    if (field == "project" && !org.projects.empty() && org.FindProject(value) == nullptr)
      c.Refuse("value", "unknown_project", "project '" + value + "' is not in the policy");
  }
  if (*kind == FieldKind::kTime) {
    Time t = *ParseRfc3339(value);
    if (t < c.policy.calendar.Begins())
      c.Refuse("value", "before_policy",
               "a corrected time cannot be before " + EarliestText(c.policy));
    if (t > c.input.now + c.policy.future_skew)
      c.Refuse("value", "future", "a corrected time cannot be in the future");
    if (ref->position != c.state.intake.position && t < c.state.intake.at)
      c.Refuse("value", "before_intake", "a corrected time cannot be before the intake");
    std::optional<Time> next = EarliestAfterIntake(c.state);
    if (ref->position == c.state.intake.position && next && t > *next)
      c.Refuse("value", "after_later_events",
               "the intake cannot move after the events that followed it (the first at " +
                   FormatRfc3339(*next, c.policy.calendar.utc_offset) + ")");
  }
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initCorrected();
  ev.setEvent(uint64_t(*event));
  ev.setField(AsText(field));
  ev.setValue(AsText(value));
  ev.setReason(AsText(reason));
  ev.setPreviousValue(AsText(CurrentValue(c.state, uint64_t(*event), field)));
  return Status::Ok();
}

Status DecideAttachEvidence(Call& c) {
  std::string name = c.in.Text("name", R::kRequired);
  std::string media_type = c.in.Text("media_type", R::kRequired, 128);
  std::optional<int64_t> size = c.in.Int("size", R::kRequired, 0, INT64_MAX);
  std::string sha = c.in.Text("sha256", R::kRequired, 64);
  if (!sha.empty() && !IsHex64(sha))
    c.in.Error("sha256", "hex64", "sha256 must be 64 lower-case hexadecimal characters");
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  auto ev = c.Emit().initEvidenceAttached();
  ev.setName(AsText(name));
  ev.setMediaType(AsText(media_type));
  ev.setSize(uint64_t(*size));
  ev.setSha256(AsText(sha));
  return Status::Ok();
}

}  // namespace ledger::domain
