#include "ledger/domain/evolve.h"

#include <algorithm>

#include "ledger/base/capnp_util.h"
#include "ledger/domain/corrections.h"

namespace ledger::domain {
namespace {

using W = schema::DomainEvent::Which;

// An interned text. A complaint's own texts (state.h) are copied with TextCopy instead.
Sym Str(capnp::Text::Reader t) { return Sym(TextView(t)); }

std::vector<Sym> Strs(capnp::List<capnp::Text>::Reader list) {
  std::vector<Sym> out;
  out.reserve(list.size());
  for (auto t : list) out.push_back(Str(t));
  return out;
}

Level LevelOr(capnp::Text::Reader t, Level fallback) {
  std::optional<Level> l = ParseLevel(std::string_view(t.begin(), t.size()));
  return l ? *l : fallback;
}

SealedPiece PieceOf(const EventView& e, std::string field, schema::SealedPersonalData::Reader p) {
  auto bytes = p.getSealed();
  return {std::move(field),
          TextCopy(p.getSubject()),
          p.getKeyVersion(),
          e.version,
          e.position,
          std::string(EventTypeName(e.event.which())),
          std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size())};
}

void OnReceived(ComplaintState& s, const EventView& e, schema::ComplaintReceived::Reader r) {
  s.policy_version = e.policy_version;
  s.intake = e.stamp();
  s.intake_recorded_at = e.recorded_at;
  s.imported = e.imported;
  s.channel = Str(r.getChannel());
  auto c = r.getComplainant();
  s.complainant = {
      TextCopy(c.getName()), TextCopy(c.getPhone()), TextCopy(c.getUnit()), c.getIsOwner(), "", {}};
  if (r.hasPersonal()) {
    s.complainant.subject = TextCopy(r.getPersonal().getSubject());
    s.complainant.sealed.push_back(PieceOf(e, "", r.getPersonal()));
  }
  s.project = Str(r.getProject());
  s.subject = Str(r.getSubject());
  s.description = Str(r.getDescription());
  s.demands = Str(r.getDemands());
  if (r.hasTarget()) {
    auto t = r.getTarget();
    s.target = TargetInfo{Str(t.getKind()), Str(t.getId()), Str(t.getDepartment())};
  }
  s.claimed_compensation = r.getClaimedCompensation();
  s.headcount = r.getHeadcount();
  for (auto f : r.getFlags()) s.flags.push_back({Str(f), "", e.stamp()});
  s.receiving_department = Str(r.getReceivingDepartment());
  s.receiving_staff = Str(r.getReceivingStaff());
  s.external_ref = TextCopy(r.getExternalRef());
  s.target_complaints = r.getTargetComplaints();
  s.levels.push_back({{e.stamp(), Level::kGeneral}, false, "intake", {}, Level::kGeneral});
  s.cycles.push_back({});
  s.cycles.back().clock = {e.stamp(), std::nullopt, e.policy_version};
}

void OnAssigned(ComplaintState& s, const EventView& e, schema::ResponsibilityAssigned::Reader r) {
  AssignmentRecord a;
  a.at = e.stamp();
  a.department = Str(r.getDepartment());
  a.cooperating = Strs(r.getCooperating());
  a.handler = Str(r.getHandler());
  a.level = LevelOr(r.getLevel(), s.level());
  a.first_responsible_people = Strs(r.getFirstResponsiblePeople());
  a.notified = Strs(r.getNotified());
  a.assigned_by = Sym(e.actor_id);
  s.assignments.push_back(std::move(a));
}

void OnPlan(ComplaintState& s, const EventView& e, schema::PlanProposed::Reader r) {
  PlanRecord p;
  p.proposed = e.stamp();
  p.plan_type = Str(r.getPlanType());
  p.description = Str(r.getDescription());
  p.planned_start = FromMicros(r.getPlannedStart());
  p.planned_finish = FromMicros(r.getPlannedFinish());
  p.estimated_cost = r.getEstimatedCost();
  p.proposed_by = Sym(e.actor_id);
  s.plans.push_back(std::move(p));
}

void OnReview(ComplaintState& s, const EventView& e, schema::PlanReviewed::Reader r) {
  PlanRecord* plan = s.plans.empty() ? nullptr : &s.plans.back();
  for (PlanRecord& p : s.plans)
    if (p.proposed.position == r.getPlan() && r.getPlan() != 0) plan = &p;
  if (plan == nullptr) return;
  plan->reviewed = e.stamp();
  plan->approved = r.getApproved();
  plan->reviewed_by = Sym(e.actor_id);
  plan->reviewer_role = Sym(e.actor_role);
  plan->review_comment = Str(r.getComment());
}

void OnClosed(ComplaintState& s, const EventView& e, schema::ComplaintClosed::Reader r) {
  if (s.paused()) s.pauses.back().end = e.stamp();  // closing ends a pause
  CycleRecord& c = s.cycles.back();
  c.clock.closed = e.stamp();
  c.basis = Str(r.getBasis());
  c.level_at_close = s.level();
}

void OnReopened(ComplaintState& s, const EventView& e, schema::ComplaintReopened::Reader r) {
  CycleRecord c;
  c.clock = {e.stamp(), std::nullopt, e.policy_version};
  c.reopen_reason = Str(r.getReason());
  s.cycles.push_back(std::move(c));
}

void OnExtensionRequested(ComplaintState& s, const EventView& e,
                          schema::ExtensionRequested::Reader r) {
  ExtensionRecord x;
  std::optional<ClockKind> kind = ParseClockKind(TextView(r.getClock()));
  x.fact.clock = kind ? *kind : ClockKind::kClosure;
  x.fact.until = FromMicros(r.getUntil());
  x.fact.requested = e.stamp();
  x.fact.closure_cycle = int(s.cycles.size()) - 1;
  x.reason = Str(r.getReason());
  x.requested_by = Sym(e.actor_id);
  s.extensions.push_back(std::move(x));
}

void OnExtensionDecided(ComplaintState& s, const EventView& e, schema::ExtensionDecided::Reader r) {
  for (ExtensionRecord& x : s.extensions) {
    if (x.fact.requested.position != r.getRequest()) continue;
    x.fact.decided = e.stamp();
    x.fact.approved = r.getApproved();
    x.decided_by = Sym(e.actor_id);
    x.decided_role = Sym(e.actor_role);
    x.comment = Str(r.getComment());
  }
}

void OnCallback(ComplaintState& s, const EventView& e, schema::CallbackRecorded::Reader r) {
  s.callback =
      CallbackRecord{e.stamp(),   r.getAcknowledged(), r.getContacted(),   r.getTimeliness(),
                     r.getPlan(), r.getAttitude(),     Str(r.getReasons())};
}

void OnFine(ComplaintState& s, const EventView& e, schema::FineRecorded::Reader r) {
  s.fines.push_back({e.stamp(), Str(r.getRule()), r.getAmount(), Strs(r.getPeople()),
                     Strs(r.getDepartments()), Str(r.getReason()), Sym(e.actor_id),
                     Sym(e.actor_role)});
}

void OnCorrected(ComplaintState& s, const EventView& e, schema::EventCorrected::Reader r) {
  if (r.hasPersonal()) {
    s.complainant.sealed.push_back(PieceOf(e, TextCopy(r.getField()), r.getPersonal()));
    // A complainant recorded in the clear becomes a data subject with its first sealed
    // correction: the later ones, a migration and an erasure are that subject's.
    if (s.complainant.subject.empty()) s.complainant.subject = s.complainant.sealed.back().subject;
  } else
    ApplyCorrection(s, r.getEvent(), TextView(r.getField()), TextView(r.getValue()));
  s.corrections.push_back({e.stamp(), e.recorded_at, r.getEvent(), Str(r.getField()),
                           Str(r.getValue()), Str(r.getPreviousValue()), Str(r.getReason()),
                           Sym(e.actor_id)});
}

// Personal data recorded in the clear is sealed for a subject (a migration, docs/privacy.md): the
// state keeps it only sealed from here on, and forgets the clear values its corrections quoted.
void OnPersonalDataSealed(ComplaintState& s, const EventView& e,
                          schema::PersonalDataSealed::Reader r) {
  s.complainant.name.clear();
  s.complainant.phone.clear();
  s.complainant.unit.clear();
  s.complainant.subject = TextCopy(r.getPersonal().getSubject());
  s.complainant.sealed.push_back(PieceOf(e, "", r.getPersonal()));
  for (CorrectionRecord& c : s.corrections) {
    const std::string_view field = c.field;
    if (field != "complainant.name" && field != "complainant.phone" && field != "complainant.unit")
      continue;
    c.value = Sym();
    c.previous = Sym();
  }
}

void Apply(ComplaintState& s, const EventView& e) {
  auto ev = e.event;
  switch (ev.which()) {
    case W::RECEIVED:
      return OnReceived(s, e, ev.getReceived());
    case W::TRANSMITTED:
      s.transmitted = e.stamp();
      s.transmitted_to_department = Str(ev.getTransmitted().getToDepartment());
      s.transmitted_to_person = Str(ev.getTransmitted().getToPerson());
      return;
    case W::VALIDITY_ASSESSED:
      s.assessed = e.stamp();
      s.valid = ev.getValidityAssessed().getValid();
      s.invalid_reason = Str(ev.getValidityAssessed().getReason());
      return;
    case W::CLASSIFIED:
      s.classified = e.stamp();
      s.category = Str(ev.getClassified().getCategory());
      return;
    case W::LEVEL_SET: {
      auto r = ev.getLevelSet();
      s.levels.push_back({{e.stamp(), LevelOr(r.getLevel(), s.level())},
                          true,
                          Str(r.getReason()),
                          Strs(r.getRuleCodes()),
                          LevelOr(r.getRuleLevel(), Level::kGeneral)});
      return;
    }
    case W::LEVEL_ESCALATED: {
      auto r = ev.getLevelEscalated();
      s.levels.push_back({{e.stamp(), LevelOr(r.getLevel(), s.level())},
                          false,
                          "",
                          Strs(r.getRules()),
                          LevelOr(r.getLevel(), s.level())});
      s.target_complaints = std::max<int64_t>(s.target_complaints, r.getTargetComplaints());
      s.same_issue_complainants =
          std::max<int64_t>(s.same_issue_complainants, r.getSameIssueComplainants());
      return;
    }
    case W::RESPONSIBILITY_ASSIGNED:
      return OnAssigned(s, e, ev.getResponsibilityAssigned());
    case W::CUSTOMER_RESPONDED:
      if (!s.first_response) s.first_response = e.stamp();
      ++s.responses;
      return;
    case W::PLAN_PROPOSED:
      return OnPlan(s, e, ev.getPlanProposed());
    case W::PLAN_REVIEWED:
      return OnReview(s, e, ev.getPlanReviewed());
    case W::PROGRESS_RECORDED:
      return;
    case W::RESOLVED: {
      auto r = ev.getResolved();
      CycleRecord& c = s.cycles.back();
      c.resolved = e.stamp();
      c.resolution = Str(r.getResolution());
      c.root_cause = Str(r.getRootCause());
      c.corrective_action = Str(r.getCorrectiveAction());
      c.resolved_by = Sym(e.actor_id);
      return;
    }
    case W::RESOLUTION_CONFIRMED:
      s.cycles.back().confirmations.emplace_back(Str(ev.getResolutionConfirmed().getMethod()),
                                                 e.stamp());
      return;
    case W::CLOSED:
      return OnClosed(s, e, ev.getClosed());
    case W::REOPENED:
      return OnReopened(s, e, ev.getReopened());
    case W::CLOCK_PAUSED:
      s.pauses.push_back({e.stamp(), std::nullopt, Str(ev.getClockPaused().getReason())});
      return;
    case W::CLOCK_RESUMED:
      if (s.paused()) s.pauses.back().end = e.stamp();
      return;
    case W::FLAG_ADDED:
      s.flags.push_back(
          {Str(ev.getFlagAdded().getFlag()), Str(ev.getFlagAdded().getDetail()), e.stamp()});
      return;
    case W::LINKED: {
      auto r = ev.getLinked();
      s.links.push_back({Str(r.getOther()), Str(r.getRelation()), e.stamp(),
                         LevelOr(r.getOtherLevel(), Level::kGeneral)});
      s.same_issue_complainants =
          std::max<int64_t>(s.same_issue_complainants, r.getSameIssueComplainants());
      return;
    }
    case W::EXTENSION_REQUESTED:
      return OnExtensionRequested(s, e, ev.getExtensionRequested());
    case W::EXTENSION_DECIDED:
      return OnExtensionDecided(s, e, ev.getExtensionDecided());
    case W::STAFF_DECISION_RECORDED:
      if (!s.staff_decision) {
        s.staff_decision = e.stamp();
        s.staff_decision_person = Str(ev.getStaffDecisionRecorded().getPerson());
        s.staff_decision_text = Str(ev.getStaffDecisionRecorded().getDecision());
      }
      return;
    case W::CALLBACK_RECORDED:
      return OnCallback(s, e, ev.getCallbackRecorded());
    case W::FINE_RECORDED:
      return OnFine(s, e, ev.getFineRecorded());
    case W::FINE_WAIVED: {
      auto r = ev.getFineWaived();
      s.waivers.push_back({TextCopy(r.getFine()), Str(r.getReason()), Sym(e.actor_id),
                           Sym(e.actor_role), e.stamp()});
      return;
    }
    case W::CORRECTED:
      return OnCorrected(s, e, ev.getCorrected());
    case W::EVIDENCE_ATTACHED: {
      auto r = ev.getEvidenceAttached();
      s.evidence.push_back({e.stamp(), TextCopy(r.getName()), Str(r.getMediaType()),
                            TextCopy(r.getSha256()), r.getSize()});
      return;
    }
    case W::DEPARTMENT_RATED:
    case W::POLICY_PUBLISHED:
    case W::IMPORT_RECORDED:
    case W::STATEMENT_PUBLISHED:
    case W::SIGNING_KEY_CHANGED:
    case W::LEGAL_HOLD_PLACED:  // stream "privacy": EvolvePrivacy (privacy.h)
    case W::LEGAL_HOLD_LIFTED:
    case W::ERASURE_REQUESTED:
    case W::PROCESSING_RESTRICTED:
    case W::SUBJECT_ERASED:
      return;
    case W::PERSONAL_DATA_SEALED:
      return OnPersonalDataSealed(s, e, ev.getPersonalDataSealed());
  }
}

}  // namespace

void Evolve(ComplaintState& state, const EventView& event) {
  Apply(state, event);
  state.version = event.version != 0 ? event.version : state.version + 1;
  if (event.position != 0) state.last_position = event.position;
  state.last_recorded_at = event.recorded_at;
}

bool Visible(const EventView& e, const FoldOptions& options) {
  if (options.as_of && e.occurred_at > *options.as_of) return false;
  if (options.known_at && e.recorded_at > *options.known_at) return false;
  return true;
}

Result<ComplaintState> Fold(std::string id, const std::vector<RecordedEvent>& events,
                            const FoldOptions& options) {
  ComplaintState state;
  state.id = std::move(id);
  for (const RecordedEvent& recorded : events) {
    LEDGER_ASSIGN_OR_RETURN(EventView view, ViewOf(recorded));
    if (!Visible(view, options)) continue;
    // A stream that does not start with its intake is not a complaint (or is damaged).
    if (!state.exists() && view.event.which() != W::RECEIVED)
      return Status::DataLoss("stream '" + state.id + "' does not start with ComplaintReceived");
    LEDGER_RETURN_IF_ERROR(GuardDecode("complaint event", [&] {
                             Evolve(state, view);
                             return Status::Ok();
                           }).Annotate("position " + std::to_string(view.position)));
  }
  return state;
}

}  // namespace ledger::domain
