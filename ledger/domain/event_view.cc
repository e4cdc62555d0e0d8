#include "ledger/domain/event_view.h"

#include <kj/exception.h>

#include <array>

namespace ledger::domain {
namespace {

using W = schema::DomainEvent::Which;

struct TypeName {
  W which;
  std::string_view name;
};

constexpr std::array<TypeName, 38> kTypes = {{
    {W::RECEIVED, "ComplaintReceived"},
    {W::TRANSMITTED, "ComplaintTransmitted"},
    {W::VALIDITY_ASSESSED, "ValidityAssessed"},
    {W::CLASSIFIED, "ComplaintClassified"},
    {W::LEVEL_SET, "LevelSet"},
    {W::LEVEL_ESCALATED, "LevelEscalated"},
    {W::RESPONSIBILITY_ASSIGNED, "ResponsibilityAssigned"},
    {W::CUSTOMER_RESPONDED, "CustomerResponded"},
    {W::PLAN_PROPOSED, "PlanProposed"},
    {W::PLAN_REVIEWED, "PlanReviewed"},
    {W::PROGRESS_RECORDED, "ProgressRecorded"},
    {W::RESOLVED, "ComplaintResolved"},
    {W::RESOLUTION_CONFIRMED, "ResolutionConfirmed"},
    {W::CLOSED, "ComplaintClosed"},
    {W::REOPENED, "ComplaintReopened"},
    {W::CLOCK_PAUSED, "ClockPaused"},
    {W::CLOCK_RESUMED, "ClockResumed"},
    {W::FLAG_ADDED, "FlagAdded"},
    {W::LINKED, "ComplaintLinked"},
    {W::EXTENSION_REQUESTED, "ExtensionRequested"},
    {W::EXTENSION_DECIDED, "ExtensionDecided"},
    {W::STAFF_DECISION_RECORDED, "StaffDecisionRecorded"},
    {W::CALLBACK_RECORDED, "CallbackRecorded"},
    {W::FINE_RECORDED, "FineRecorded"},
    {W::FINE_WAIVED, "FineWaived"},
    {W::DEPARTMENT_RATED, "DepartmentRated"},
    {W::CORRECTED, "EventCorrected"},
    {W::EVIDENCE_ATTACHED, "EvidenceAttached"},
    {W::POLICY_PUBLISHED, "PolicyPublished"},
    {W::IMPORT_RECORDED, "ImportRecorded"},
    {W::STATEMENT_PUBLISHED, "FineStatementPublished"},
    {W::SIGNING_KEY_CHANGED, "SigningKeyChanged"},
    {W::LEGAL_HOLD_PLACED, "LegalHoldPlaced"},
    {W::LEGAL_HOLD_LIFTED, "LegalHoldLifted"},
    {W::ERASURE_REQUESTED, "ErasureRequested"},
    {W::PROCESSING_RESTRICTED, "ProcessingRestricted"},
    {W::SUBJECT_ERASED, "SubjectErased"},
    {W::PERSONAL_DATA_SEALED, "PersonalDataSealed"},
}};

}  // namespace

std::string_view EventTypeName(W which) {
  for (const TypeName& t : kTypes)
    if (t.which == which) return t.name;
  return "Unknown";
}

std::optional<W> ParseEventType(std::string_view name) {
  for (const TypeName& t : kTypes)
    if (t.name == name) return t.which;
  return std::nullopt;
}

Result<EventView> ViewOf(const RecordedEvent& recorded) {
  EventView v;
  v.position = recorded.position();
  v.version = recorded.version();
  v.recorded_at = recorded.recorded_at();
  v.occurred_at = recorded.occurred_at();
  v.actor_id = recorded.actor_id();
  v.actor_role = recorded.actor_role();
  v.actor_department = recorded.actor_department();
  v.policy_version = recorded.policy_version();
  v.imported = recorded.imported();
  bool matches = false;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() {
                 v.event = recorded.payload<schema::DomainEvent>();
                 matches = EventTypeName(v.event.which()) == recorded.type();
               })) {
    return Status::DataLoss("position " + std::to_string(v.position) +
                            ": payload is not a complaint event: " + e->getDescription().cStr());
  }
  if (!matches)
    return Status::DataLoss("position " + std::to_string(v.position) + ": type '" +
                            std::string(recorded.type()) + "' does not match its payload");
  return v;
}

}  // namespace ledger::domain
