// The actions on a data subject (docs/privacy.md): legal holds and erasure. Their events go to
// stream "privacy"; the subject's complaints come from CrossFacts::subject.
#include "ledger/domain/decide_internal.h"

namespace ledger::domain {
namespace {

using R = ActionReader;

// The subject the action names, or a refusal: unknown (nothing is sealed for it) or erased.
const CrossFacts::Subject* KnownSubject(Call& c, const std::string& subject) {
  const auto& s = c.input.cross.subject;
  if (!s || s->id != subject) {
    c.Refuse("subject", "unknown_subject",
             "no complaint's personal data is sealed for data subject '" + subject + "'");
    return nullptr;
  }
  if (s->record.erased_position != 0) {
    c.Refuse("subject", "erased",
             "data subject '" + subject + "' was erased at position " +
                 std::to_string(s->record.erased_position));
    return nullptr;
  }
  return &*s;
}

void SetComplaints(capnp::List<capnp::Text>::Builder list, const CrossFacts::Subject& s) {
  for (size_t i = 0; i < s.complaints.size(); ++i)
    list.set(uint32_t(i), AsText(s.complaints[i].id));
}

}  // namespace

Status DecidePlaceLegalHold(Call& c) {
  std::string subject = c.in.Text("subject", R::kRequired);
  std::string reason = c.in.Text("reason", R::kRequired, kMaxLongText);
  std::string reference = c.in.Text("reference", R::kOptional);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const CrossFacts::Subject* s = KnownSubject(c, subject);
  if (s != nullptr && s->record.legal_hold)
    c.Refuse("subject", "already_held",
             "a legal hold on data subject '" + subject + "' is in force since position " +
                 std::to_string(s->record.hold_position));
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initLegalHoldPlaced();
  ev.setSubject(AsText(subject));
  ev.setReason(AsText(reason));
  ev.setReference(AsText(reference));
  return Status::Ok();
}

Status DecideLiftLegalHold(Call& c) {
  std::string subject = c.in.Text("subject", R::kRequired);
  std::string reason = c.in.Text("reason", R::kRequired, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const CrossFacts::Subject* s = KnownSubject(c, subject);
  if (s != nullptr && !s->record.legal_hold)
    c.Refuse("subject", "not_held", "no legal hold on data subject '" + subject + "' is in force");
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  auto ev = c.Emit().initLegalHoldLifted();
  ev.setSubject(AsText(subject));
  ev.setReason(AsText(reason));
  return Status::Ok();
}

// The request is always recorded. Then either the erasure (SubjectErased: the service deletes
// the subject's keys once it is durable) or, while the data must be kept, a restriction naming
// the grounds: a legal hold in force, a complaint still open, or a closure less than the policy's
// retention period ago.
Status DecideRequestErasure(Call& c) {
  std::string subject = c.in.Text("subject", R::kRequired);
  std::string reason = c.in.Text("reason", R::kRequired, kMaxLongText);
  std::string reference = c.in.Text("reference", R::kOptional);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const CrossFacts::Subject* s = KnownSubject(c, subject);
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());

  std::vector<std::string> grounds;
  if (s->record.legal_hold) grounds.push_back("legal_hold");
  std::vector<std::string> open;
  Time until{};
  const int64_t years = c.policy.privacy.retention_years;
  for (const OtherComplaint& o : s->complaints) {
    if (!o.closed_at)
      open.push_back(o.id);
    else
      until = std::max(until, AddMonths(*o.closed_at, years * 12, c.policy.calendar.utc_offset));
  }
  // Erasure happens now, whatever occurred_at says: retention is measured at `now`.
  const bool retained = !open.empty() || until > c.input.now;
  if (retained) grounds.push_back("retention");

  auto req = c.Emit().initErasureRequested();
  req.setSubject(AsText(subject));
  req.setReason(AsText(reason));
  req.setReference(AsText(reference));
  SetComplaints(req.initComplaints(uint32_t(s->complaints.size())), *s);
  if (grounds.empty()) {
    auto erased = c.Emit().initSubjectErased();
    erased.setSubject(AsText(subject));
    SetComplaints(erased.initComplaints(uint32_t(s->complaints.size())), *s);
    return Status::Ok();
  }
  auto r = c.Emit().initProcessingRestricted();
  r.setSubject(AsText(subject));
  SetList(r.initGrounds(uint32_t(grounds.size())), grounds);
  r.setUntil(open.empty() && retained ? ToMicros(until) : 0);
  SetList(r.initOpenComplaints(uint32_t(open.size())), open);
  SetList(r.initVisibleTo(uint32_t(c.policy.privacy.restricted_visible_to.size())),
          c.policy.privacy.restricted_visible_to);
  r.setRetentionYears(uint32_t(years));
  return Status::Ok();
}

// Seals the personal data a complaint recorded in the clear, before the ledger sealed personal
// data (a migration by appending). The event carries no personal data here: the write path seals
// the complainant's current name, phone and unit into it before the append (api/services/
// personal_data.h), and refuses the action where nothing is sealed. Only whether the complaint
// still holds clear personal data is read, never its content.
Status DecideSealPersonalData(Call& c) {
  std::string reason = c.in.Text("reason", R::kRequired, kMaxLongText);
  LEDGER_RETURN_IF_ERROR(c.InputDone());
  const ComplainantInfo& who = c.state.complainant;
  if (who.name.empty() && who.phone.empty() && who.unit.empty())
    c.Refuse("type", "not_clear",
             "complaint " + c.state.id + " holds no personal data recorded in the clear" +
                 (who.subject.empty() ? "" : ": it is sealed for data subject " + who.subject));
  LEDGER_RETURN_IF_ERROR(c.RefusalsDone());
  c.Emit().initPersonalDataSealed().setReason(AsText(reason));
  return Status::Ok();
}

}  // namespace ledger::domain
