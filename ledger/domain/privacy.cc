#include "ledger/domain/privacy.h"

namespace ledger::domain {

using W = schema::DomainEvent::Which;

std::vector<std::string> PrivacyState::Erased() const {
  std::vector<std::string> out;
  for (const auto& [subject, record] : subjects)
    if (record.erased_position != 0) out.push_back(subject);
  return out;
}

void EvolvePrivacy(PrivacyState& state, const EventView& e) {
  const auto d = e.event;
  switch (d.which()) {
    case W::LEGAL_HOLD_PLACED: {
      SubjectRecord& s = state.subjects[std::string(d.getLegalHoldPlaced().getSubject())];
      s.legal_hold = true;
      s.hold_reason = d.getLegalHoldPlaced().getReason();
      s.hold_position = e.position;
      break;
    }
    case W::LEGAL_HOLD_LIFTED: {
      SubjectRecord& s = state.subjects[std::string(d.getLegalHoldLifted().getSubject())];
      s.legal_hold = false;
      s.hold_reason.clear();
      s.hold_position = 0;
      break;
    }
    case W::ERASURE_REQUESTED: {
      auto r = d.getErasureRequested();
      SubjectRecord& s = state.subjects[std::string(r.getSubject())];
      s.erasure_requested = e.position;
      s.requested_complaints.clear();
      for (auto id : r.getComplaints()) s.requested_complaints.emplace_back(id);
      break;
    }
    case W::PROCESSING_RESTRICTED: {
      auto r = d.getProcessingRestricted();
      SubjectRecord& s = state.subjects[std::string(r.getSubject())];
      s.restricted = true;
      s.restricted_position = e.position;
      s.grounds.clear();
      for (auto g : r.getGrounds()) s.grounds.emplace_back(g);
      s.restricted_until = FromMicros(r.getUntil());
      s.visible_to.clear();
      for (auto role : r.getVisibleTo()) s.visible_to.emplace_back(role);
      break;
    }
    case W::SUBJECT_ERASED: {
      SubjectRecord& s = state.subjects[std::string(d.getSubjectErased().getSubject())];
      s.erased_position = e.position;
      s.erased_at = e.recorded_at;
      s.restricted = false;
      break;
    }
    default:
      return;
  }
  ++state.version;
}

}  // namespace ledger::domain
