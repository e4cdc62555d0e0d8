#include "projections/timeline.h"

#include <map>
#include <set>

#include "ledger/base/capnp_util.h"

namespace projections {

using W = domain::schema::DomainEvent::Which;

namespace {

std::string S(capnp::Text::Reader t) { return std::string(t.begin(), t.size()); }

std::string Money(int64_t fen) { return fen < 0 ? "none" : domain::FormatMoney(fen); }

std::string Join(capnp::List<capnp::Text>::Reader list) {
  std::string out;
  for (auto t : list) out += (out.empty() ? "" : ", ") + S(t);
  return out;
}

// The fields a manager follows, as text, to show what an event changed.
std::map<std::string, std::string> Shape(const domain::ComplaintState& s) {
  std::map<std::string, std::string> m;
  if (!s.exists()) return m;
  m["status"] = s.closed() ? "closed" : "open";
  m["stage"] = std::string(domain::StageName(s.stage()));
  m["level"] = std::string(domain::LevelName(s.level()));
  m["validity"] = !s.valid   ? "not assessed"
                  : *s.valid ? "valid"
                             : "invalid (" + s.invalid_reason + ")";
  if (!s.category.empty()) m["category"] = s.category;
  if (const domain::AssignmentRecord* a = s.assignment()) {
    m["responsible department"] = a->department;
    m["handler"] = a->handler;
  }
  std::string flags;
  for (const domain::FlagRecord& f : s.flags) flags += (flags.empty() ? "" : ", ") + f.flag;
  if (!flags.empty()) m["flags"] = flags;
  m["closure clock"] = s.paused() ? "paused (" + s.pauses.back().reason + ")" : "running";
  m["headcount"] = std::to_string(s.headcount);
  if (s.claimed_compensation >= 0) m["claimed compensation"] = Money(s.claimed_compensation);
  m["cycle"] = std::to_string(s.cycles.size());
  return m;
}

std::vector<std::string> Diff(const std::map<std::string, std::string>& before,
                              const std::map<std::string, std::string>& after) {
  std::vector<std::string> out;
  for (const auto& [k, v] : after) {
    auto it = before.find(k);
    if (it == before.end()) {
      if (!before.empty()) out.push_back(k + ": " + v);
    } else if (it->second != v) {
      out.push_back(k + ": " + it->second + " -> " + v);
    }
  }
  return out;
}

}  // namespace

std::string DescribeFineLine(const domain::FineLine& l) {
  return l.rule + " " + Money(l.amount) + " of " + l.day + " on " + l.complaint;
}

std::string Describe(const domain::EventView& v) {
  auto e = v.event;
  switch (e.which()) {
    case W::RECEIVED: {
      auto r = e.getReceived();
      std::string s = "received via " + S(r.getChannel()) + " by " + S(r.getReceivingDepartment()) +
                      ": " + S(r.getSubject());
      if (r.getHeadcount() > 1) s += " (" + std::to_string(r.getHeadcount()) + " complainants)";
      if (r.getClaimedCompensation() >= 0) s += ", claims " + Money(r.getClaimedCompensation());
      return s;
    }
    case W::TRANSMITTED:
      return "transmitted to " + S(e.getTransmitted().getToDepartment());
    case W::VALIDITY_ASSESSED:
      return e.getValidityAssessed().getValid()
                 ? "assessed valid"
                 : "assessed invalid: " + S(e.getValidityAssessed().getReason());
    case W::CLASSIFIED:
      return "classified as " + S(e.getClassified().getCategory());
    case W::LEVEL_SET:
      return "level set to " + S(e.getLevelSet().getLevel()) + ": " +
             S(e.getLevelSet().getReason());
    case W::LEVEL_ESCALATED:
      return "escalated to " + S(e.getLevelEscalated().getLevel()) + " by rule " +
             Join(e.getLevelEscalated().getRules());
    case W::RESPONSIBILITY_ASSIGNED: {
      auto a = e.getResponsibilityAssigned();
      return "assigned to " + S(a.getDepartment()) + ", handler " + S(a.getHandler()) +
             (a.getNotified().size() ? "; notified " + Join(a.getNotified()) : "");
    }
    case W::CUSTOMER_RESPONDED:
      return std::string(e.getCustomerResponded().getFirst() ? "first response" : "response") +
             " via " + S(e.getCustomerResponded().getChannel()) + ": " +
             S(e.getCustomerResponded().getSummary());
    case W::PLAN_PROPOSED:
      return "plan proposed (" + S(e.getPlanProposed().getPlanType()) +
             "): " + S(e.getPlanProposed().getDescription());
    case W::PLAN_REVIEWED:
      return e.getPlanReviewed().getApproved()
                 ? "plan approved"
                 : "plan sent back: " + S(e.getPlanReviewed().getComment());
    case W::PROGRESS_RECORDED:
      return "progress: " + S(e.getProgressRecorded().getSummary());
    case W::RESOLVED:
      return "resolved (" + S(e.getResolved().getRootCause()) +
             "): " + S(e.getResolved().getResolution());
    case W::RESOLUTION_CONFIRMED:
      return "confirmed (" + S(e.getResolutionConfirmed().getMethod()) + ")";
    case W::CLOSED:
      return "closed: " + S(e.getClosed().getBasis());
    case W::REOPENED:
      return "reopened: " + S(e.getReopened().getReason());
    case W::CLOCK_PAUSED:
      return "closure clock paused: " + S(e.getClockPaused().getReason());
    case W::CLOCK_RESUMED:
      return "closure clock resumed";
    case W::FLAG_ADDED:
      return "flag " + S(e.getFlagAdded().getFlag()) + " added";
    case W::LINKED:
      return "linked to " + S(e.getLinked().getOther()) + " (" + S(e.getLinked().getRelation()) +
             ")";
    case W::EXTENSION_REQUESTED:
      return "extension of the " + S(e.getExtensionRequested().getClock()) +
             " clock requested: " + S(e.getExtensionRequested().getReason());
    case W::EXTENSION_DECIDED:
      return std::string("extension of the ") + S(e.getExtensionDecided().getClock()) + " clock " +
             (e.getExtensionDecided().getApproved() ? "approved" : "refused");
    case W::STAFF_DECISION_RECORDED:
      return "decision about " + S(e.getStaffDecisionRecorded().getPerson()) + ": " +
             S(e.getStaffDecisionRecorded().getDecision());
    case W::CALLBACK_RECORDED: {
      auto c = e.getCallbackRecorded();
      return "callback survey: timeliness " + std::to_string(c.getTimeliness()) + ", plan " +
             std::to_string(c.getPlan()) + ", attitude " + std::to_string(c.getAttitude());
    }
    case W::FINE_RECORDED:
      return "fine recorded: " + S(e.getFineRecorded().getRule()) + " " +
             Money(e.getFineRecorded().getAmount());
    case W::FINE_WAIVED:
      return "fine " + S(e.getFineWaived().getFine()) +
             " waived: " + S(e.getFineWaived().getReason());
    case W::DEPARTMENT_RATED:
      return "department rated";
    case W::CORRECTED: {
      auto c = e.getCorrected();
      // Personal data is never quoted, sealed or recorded in the clear (docs/privacy.md): the
      // event's payload shows it to those who may see it, and records the read.
      if (c.hasPersonal())
        return "correction of position " + std::to_string(c.getEvent()) + " " + S(c.getField()) +
               ": sealed personal data (" + S(c.getReason()) + ")";
      if (ledger::TextView(c.getField()).starts_with("complainant."))
        return "correction of position " + std::to_string(c.getEvent()) + " " + S(c.getField()) +
               ": personal data (" + S(c.getReason()) + ")";
      return "correction of position " + std::to_string(c.getEvent()) + " " + S(c.getField()) +
             ": " + S(c.getPreviousValue()) + " -> " + S(c.getValue()) + " (" + S(c.getReason()) +
             ")";
    }
    case W::EVIDENCE_ATTACHED:
      return "evidence attached: " + S(e.getEvidenceAttached().getName());
    case W::POLICY_PUBLISHED:
      return "policy version published";
    case W::IMPORT_RECORDED:
      return "import recorded";
    case W::STATEMENT_PUBLISHED:
      return "fine statement published";
    case W::SIGNING_KEY_CHANGED:
      return "signing key changed";
    case W::LEGAL_HOLD_PLACED:
      return "legal hold placed";
    case W::LEGAL_HOLD_LIFTED:
      return "legal hold lifted";
    case W::ERASURE_REQUESTED:
      return "erasure requested";
    case W::PROCESSING_RESTRICTED:
      return "processing restricted";
    case W::SUBJECT_ERASED:
      return "personal data erased";
    case W::PERSONAL_DATA_SEALED:
      return "personal data recorded in the clear sealed for data subject " +
             S(e.getPersonalDataSealed().getPersonal().getSubject());
  }
  return "";
}

namespace {

// The running state of BuildTimeline: the complaint folded so far, and the fine lines listed.
class TimelineFold {
 public:
  TimelineFold(const std::string& id, const PolicyLookup& policies, const domain::Policy& fallback)
      : policies_(policies), fallback_(fallback) {
    t_.state.id = id;
  }

  const TrackedComplaint& tracked() const { return t_; }

  // Folds an event the window does not show: the state (and the final clocks) need every event.
  ledger::Status FoldHidden(const domain::EventView& v, Time as_of, bool before) {
    LEDGER_RETURN_IF_ERROR(ledger::GuardDecode("complaint event", [&] {
                             Track(t_, v, policies_, fallback_);
                             return ledger::Status::Ok();
                           }).Annotate("position " + std::to_string(v.position)));
    folded_before_window_ = folded_before_window_ || before;
    previous_at_ = std::min(v.occurred_at, as_of);
    return ledger::Status::Ok();
  }

  // Folds an event the window shows, and returns its entry. `first` for the window's first.
  ledger::Result<TimelineEntry> FoldShown(const domain::EventView& v, Time as_of, bool first) {
    if (folded_before_window_ && first) {
      // The window's first entry shows the lines accrued since the event before it: every line
      // accrued by that event (as its own entry would have listed them) counts as seen.
      (void)NewFines(Derive(t_, policies_, fallback_, previous_at_).fines, nullptr);
    }
    std::map<std::string, std::string> before_shape = Shape(t_.state);
    TimelineEntry entry;
    LEDGER_RETURN_IF_ERROR(ledger::GuardDecode("complaint event", [&] {
                             Track(t_, v, policies_, fallback_);
                             entry.summary = Describe(v);
                             if (v.event.which() == W::CORRECTED) {
                               std::string_view field =
                                   ledger::TextView(v.event.getCorrected().getField());
                               entry.personal_data = field.substr(0, 12) == "complainant.";
                             }
                             return ledger::Status::Ok();
                           }).Annotate("position " + std::to_string(v.position)));
    entry.position = v.position;
    entry.version = v.version;
    entry.occurred_at = v.occurred_at;
    entry.recorded_at = v.recorded_at;
    entry.type = std::string(domain::EventTypeName(v.event.which()));
    entry.actor_id = std::string(v.actor_id);
    entry.actor_role = std::string(v.actor_role);
    entry.actor_department = std::string(v.actor_department);
    entry.imported = v.imported;
    entry.changes = Diff(before_shape, Shape(t_.state));
    Derived d = Derive(t_, policies_, fallback_, std::min(v.occurred_at, as_of));
    entry.clocks = std::move(d.clocks);
    entry.fines = NewFines(d.fines, &entry.waived);
    if (v.event.which() == W::FINE_WAIVED) {
      // Name the waived line by what it is, not by its internal id.
      const std::string fine = S(v.event.getFineWaived().getFine());
      for (const domain::FineLine& l : d.fines)
        if (l.id == fine)
          entry.summary = "fine waived: " + DescribeFineLine(l) + " (" +
                          S(v.event.getFineWaived().getReason()) + ")";
    }
    previous_at_ = std::min(v.occurred_at, as_of);
    return entry;
  }

  // The lines of `lines` not listed yet. Each line is listed once, by the entry by which it
  // accrued (marked if waived by then); the entry that waives a line lists it among its waivers
  // (`waived_now`), whether it was listed before or accrued since the previous entry.
  std::vector<domain::FineLine> NewFines(const std::vector<domain::FineLine>& lines,
                                         std::vector<domain::FineLine>* waived_now) {
    std::vector<domain::FineLine> fresh;
    for (const domain::FineLine& l : lines) {
      const bool was_listed = !listed_.insert(l.id).second;
      if (!was_listed) fresh.push_back(l);
      if (l.waived && waived_.insert(l.id).second && waived_now) waived_now->push_back(l);
    }
    return fresh;
  }

 private:
  const PolicyLookup& policies_;
  const domain::Policy& fallback_;
  TrackedComplaint t_;
  std::set<std::string> listed_, waived_;
  bool folded_before_window_ = false;  // events folded before the window's first entry
  Time previous_at_{};                 // the evaluation time of the last event folded
};

}  // namespace

ledger::Result<Timeline> BuildTimeline(const std::string& id,
                                       const std::vector<ledger::RecordedEvent>& events,
                                       const PolicyLookup& policies, const domain::Policy& fallback,
                                       Time as_of, const domain::FoldOptions& options,
                                       const TimelineWindow& window) {
  Timeline out;
  TimelineFold fold(id, policies, fallback);
  for (const ledger::RecordedEvent& recorded : events) {
    LEDGER_ASSIGN_OR_RETURN(domain::EventView v, domain::ViewOf(recorded));
    if (!domain::Visible(v, options)) continue;
    if (!fold.tracked().state.exists() && v.event.which() != W::RECEIVED)
      return ledger::Status::DataLoss("stream '" + id + "' does not start with ComplaintReceived");
    const bool before = v.version < window.from_version;
    const bool after = !before && out.entries.size() >= window.limit;
    if (before || after) {
      if (after && out.next_version == 0) out.next_version = v.version;
      LEDGER_RETURN_IF_ERROR(fold.FoldHidden(v, as_of, before));
      continue;
    }
    LEDGER_ASSIGN_OR_RETURN(TimelineEntry entry, fold.FoldShown(v, as_of, out.entries.empty()));
    out.entries.push_back(std::move(entry));
  }
  if (fold.tracked().state.exists()) {
    Derived d = Derive(fold.tracked(), policies, fallback, as_of);
    out.clocks = std::move(d.clocks);
    if (out.next_version == 0) out.since_last = fold.NewFines(d.fines, nullptr);
  }
  return out;
}

}  // namespace projections
