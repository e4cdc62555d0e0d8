// The action catalogue's table. Field limits are the ones the deciders read with (a test compares
// them); kShort and kLong are action_reader.h's kMaxShortText and kMaxLongText.
#include "ledger/domain/catalogue.h"

#include <algorithm>
#include <array>

// Each field names only what it has (designated initializers); the others keep their defaults on
// purpose, which GCC's -Wmissing-field-initializers would report for every line.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ledger::domain {
namespace {

using F = FieldType;
using E = std::string_view;

constexpr int64_t kShort = 200;
constexpr int64_t kLong = 4000;
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

// --- the fields every action carries, and an import line's --------------------------------
constexpr auto kActor = std::to_array<FieldSpec>({
    {.name = "id", .type = F::kText, .required = true, .meaning = "the person", .max = kShort},
    {.name = "role",
     .type = F::kText,
     .required = true,
     .meaning = "a role of the policy",
     .max = kShort},
    {.name = "department", .type = F::kText, .meaning = "the person's department", .max = kShort},
});
constexpr auto kCommon = std::to_array<FieldSpec>({
    {.name = "type", .type = F::kText, .required = true, .meaning = "the action type", .max = 64},
    {.name = "occurred_at",
     .type = F::kTime,
     .meaning = "when it happened in business time (default: now)"},
    {.name = "expected_version",
     .type = F::kVersion,
     .meaning = "optimistic concurrency: the complaint's version the caller saw"},
    {.name = "idempotency_key",
     .type = F::kText,
     .meaning = "the same key with the same request answers the first result",
     .max = kShort},
    {.name = "note", .type = F::kText, .meaning = "a free note kept with the event", .max = kLong},
});
constexpr auto kImport = std::to_array<FieldSpec>({
    {.name = "complaint",
     .type = F::kText,
     .required = true,
     .meaning = "the complaint id, or ref: and its external_ref (not for receive, rate_department)",
     .max = kShort},
    {.name = "actor",
     .type = F::kObject,
     .required = true,
     .meaning = "who acted (an import replays other people's actions)",
     .members = kActor},
});

// --- intake and triage ----------------------------------------------------------------------
constexpr auto kComplainant = std::to_array<FieldSpec>({
    {.name = "name", .type = F::kText, .required = true, .meaning = "personal data", .max = kShort},
    {.name = "phone", .type = F::kText, .meaning = "personal data", .max = 40},
    {.name = "unit", .type = F::kText, .meaning = "the complainant's unit", .max = kShort},
    {.name = "is_owner", .type = F::kBool, .meaning = "the complainant owns the unit"},
});
constexpr auto kTarget = std::to_array<FieldSpec>({
    {.name = "kind",
     .type = F::kCode,
     .required = true,
     .meaning = "what the complaint is about",
     .vocab = Vocab::kTargetKind},
    {.name = "id",
     .type = F::kText,
     .required = true,
     .meaning = "the person, department or unit",
     .max = kShort},
    {.name = "department", .type = F::kText, .meaning = "the target's department", .max = kShort},
});
constexpr auto kReceive = std::to_array<FieldSpec>({
    {.name = "channel",
     .type = F::kCode,
     .required = true,
     .meaning = "how it came in",
     .vocab = Vocab::kChannel},
    {.name = "complainant",
     .type = F::kObject,
     .required = true,
     .meaning = "who complains",
     .members = kComplainant},
    {.name = "project",
     .type = F::kText,
     .required = true,
     .meaning = "a project of the policy",
     .max = kShort},
    {.name = "subject", .type = F::kText, .required = true, .meaning = "one line", .max = kShort},
    {.name = "description",
     .type = F::kText,
     .required = true,
     .meaning = "what happened",
     .max = kLong},
    {.name = "demands", .type = F::kText, .meaning = "what the complainant asks for", .max = kLong},
    {.name = "target",
     .type = F::kObject,
     .meaning = "who or what it is about",
     .members = kTarget},
    {.name = "claimed_compensation", .type = F::kMoney, .meaning = "the amount claimed"},
    {.name = "headcount",
     .type = F::kInt,
     .meaning = "people complaining together (default 1)",
     .max = 100000,
     .min = 1},
    {.name = "flags",
     .type = F::kCodeList,
     .meaning = "facts known at intake",
     .max = 8,
     .vocab = Vocab::kFlag},
    {.name = "receiving_department",
     .type = F::kText,
     .required = true,
     .meaning = "the caller's own department",
     .max = kShort},
    {.name = "receiving_staff",
     .type = F::kText,
     .meaning = "the caller's own id (default: the caller)",
     .max = kShort},
    {.name = "external_ref",
     .type = F::kText,
     .meaning = "the id in another system; a second receive with it answers the first",
     .max = 128},
});
constexpr auto kTransmit = std::to_array<FieldSpec>({
    {.name = "to_department",
     .type = F::kText,
     .required = true,
     .meaning = "customer service's department id",
     .max = kShort},
    {.name = "to_person", .type = F::kText, .meaning = "who took it over", .max = kShort},
});
constexpr auto kAssessValidity = std::to_array<FieldSpec>({
    {.name = "valid", .type = F::kBool, .required = true, .meaning = "a valid complaint"},
    {.name = "reason",
     .type = F::kCode,
     .meaning = "required when not valid",
     .vocab = Vocab::kInvalidReason},
});
constexpr auto kClassify = std::to_array<FieldSpec>({
    {.name = "category",
     .type = F::kText,
     .required = true,
     .meaning = "a category of the policy",
     .max = kShort},
});
constexpr auto kSetLevel = std::to_array<FieldSpec>({
    {.name = "level",
     .type = F::kCode,
     .required = true,
     .meaning = "the new level",
     .vocab = Vocab::kLevel},
    {.name = "reason", .type = F::kText, .required = true, .meaning = "why", .max = kLong},
});
constexpr auto kAssign = std::to_array<FieldSpec>({
    {.name = "department",
     .type = F::kText,
     .required = true,
     .meaning = "the responsible department",
     .max = kShort},
    {.name = "cooperating", .type = F::kTextList, .meaning = "departments that help", .max = 10},
    {.name = "handler",
     .type = F::kText,
     .required = true,
     .meaning = "the handling person",
     .max = kShort},
    {.name = "reason", .type = F::kText, .meaning = "why (a reassignment)", .max = kLong},
});

// --- handling -------------------------------------------------------------------------------
constexpr auto kRespond = std::to_array<FieldSpec>({
    {.name = "channel",
     .type = F::kText,
     .required = true,
     .meaning = "how the customer was reached (free code)",
     .max = 64},
    {.name = "summary",
     .type = F::kText,
     .required = true,
     .meaning = "what was said",
     .max = kLong},
});
constexpr auto kProposePlan = std::to_array<FieldSpec>({
    {.name = "plan_type",
     .type = F::kCode,
     .required = true,
     .meaning = "what the plan does",
     .vocab = Vocab::kPlanType},
    {.name = "description",
     .type = F::kText,
     .required = true,
     .meaning = "the plan",
     .max = kLong},
    {.name = "planned_start", .type = F::kTime, .meaning = "when work starts"},
    {.name = "planned_finish", .type = F::kTime, .meaning = "when work ends (not before start)"},
    {.name = "estimated_cost", .type = F::kMoney, .meaning = "what it costs"},
});
constexpr auto kReviewPlan = std::to_array<FieldSpec>({
    {.name = "approved", .type = F::kBool, .required = true, .meaning = "approved or sent back"},
    {.name = "comment", .type = F::kText, .meaning = "required when sent back", .max = kLong},
});
constexpr auto kRecordProgress = std::to_array<FieldSpec>({
    {.name = "summary",
     .type = F::kText,
     .required = true,
     .meaning = "what was done",
     .max = kLong},
});
constexpr auto kResolve = std::to_array<FieldSpec>({
    {.name = "resolution",
     .type = F::kText,
     .required = true,
     .meaning = "what was done",
     .max = kLong},
    {.name = "root_cause",
     .type = F::kCode,
     .required = true,
     .meaning = "what caused it",
     .vocab = Vocab::kRootCause},
    {.name = "corrective_action",
     .type = F::kText,
     .required = true,
     .meaning = "what keeps it from happening again",
     .max = kLong},
});
constexpr auto kConfirm = std::to_array<FieldSpec>({
    {.name = "method",
     .type = F::kCode,
     .required = true,
     .meaning = "how it was confirmed",
     .vocab = Vocab::kConfirmationMethod},
});
constexpr auto kClose = std::to_array<FieldSpec>({
    {.name = "basis",
     .type = F::kCode,
     .required = true,
     .meaning = "on what grounds",
     .vocab = Vocab::kClosureBasis},
});
constexpr auto kReopen = std::to_array<FieldSpec>({
    {.name = "reason", .type = F::kText, .required = true, .meaning = "why", .max = kLong},
});
constexpr auto kPause = std::to_array<FieldSpec>({
    {.name = "reason",
     .type = F::kCode,
     .required = true,
     .meaning = "why the clock stops",
     .vocab = Vocab::kPauseReason},
});
constexpr auto kResume = std::to_array<FieldSpec>({
    {.name = "reason",
     .type = F::kCode,
     .required = true,
     .meaning = "the pause that ends",
     .vocab = Vocab::kPauseReason},
});

// --- records --------------------------------------------------------------------------------
constexpr auto kAddFlag = std::to_array<FieldSpec>({
    {.name = "flag",
     .type = F::kCode,
     .required = true,
     .meaning = "the fact",
     .vocab = Vocab::kFlag},
    {.name = "detail", .type = F::kText, .meaning = "what is known", .max = kLong},
});
constexpr auto kLink = std::to_array<FieldSpec>({
    {.name = "other",
     .type = F::kText,
     .required = true,
     .meaning = "the other complaint's id",
     .max = kShort},
    {.name = "relation",
     .type = F::kCode,
     .required = true,
     .meaning = "how they are linked",
     .vocab = Vocab::kLinkRelation},
});
constexpr auto kRequestExtension = std::to_array<FieldSpec>({
    {.name = "clock",
     .type = F::kCode,
     .required = true,
     .meaning = "the clock to move",
     .vocab = Vocab::kExtensibleClock},
    {.name = "until", .type = F::kTime, .required = true, .meaning = "the new deadline"},
    {.name = "reason", .type = F::kText, .required = true, .meaning = "why", .max = kLong},
});
constexpr auto kDecideExtension = std::to_array<FieldSpec>({
    {.name = "request",
     .type = F::kInt,
     .required = true,
     .meaning = "the position of the ExtensionRequested",
     .max = kMaxInt,
     .min = 1},
    {.name = "approved", .type = F::kBool, .required = true, .meaning = "approved or refused"},
    {.name = "comment", .type = F::kText, .meaning = "required when refused", .max = kLong},
});
constexpr auto kStaffDecision = std::to_array<FieldSpec>({
    {.name = "person",
     .type = F::kText,
     .required = true,
     .meaning = "the complained-of staff member",
     .max = kShort},
    {.name = "decision",
     .type = F::kText,
     .required = true,
     .meaning = "what was decided",
     .max = kLong},
});
constexpr auto kCallback = std::to_array<FieldSpec>({
    {.name = "acknowledged",
     .type = F::kBool,
     .required = true,
     .meaning = "the customer acknowledges the result"},
    {.name = "contacted",
     .type = F::kBool,
     .required = true,
     .meaning = "the handler contacted the customer"},
    {.name = "timeliness",
     .type = F::kInt,
     .required = true,
     .meaning = "score, within the policy's survey range",
     .max = kPolicyBound,
     .min = kPolicyBound},
    {.name = "plan",
     .type = F::kInt,
     .required = true,
     .meaning = "score, within the policy's survey range",
     .max = kPolicyBound,
     .min = kPolicyBound},
    {.name = "attitude",
     .type = F::kInt,
     .required = true,
     .meaning = "score, within the policy's survey range",
     .max = kPolicyBound,
     .min = kPolicyBound},
    {.name = "reasons",
     .type = F::kText,
     .meaning = "required when a score is below the policy's reason_below",
     .max = kLong},
});
constexpr auto kRecordFine = std::to_array<FieldSpec>({
    {.name = "rule",
     .type = F::kText,
     .required = true,
     .meaning = "a recorded fine rule of the policy",
     .max = 64},
    {.name = "amount", .type = F::kMoney, .meaning = "when the rule has no fixed amount"},
    {.name = "people", .type = F::kTextList, .meaning = "people charged", .max = 50},
    {.name = "departments", .type = F::kTextList, .meaning = "departments charged", .max = 50},
    {.name = "reason", .type = F::kText, .required = true, .meaning = "why", .max = kLong},
});
constexpr auto kWaiveFine = std::to_array<FieldSpec>({
    {.name = "fine",
     .type = F::kText,
     .required = true,
     .meaning = "the fine line's id",
     .max = kShort},
    {.name = "reason", .type = F::kText, .required = true, .meaning = "why", .max = kLong},
});
constexpr auto kPlaceLegalHold = std::to_array<FieldSpec>({
    {.name = "subject",
     .type = F::kText,
     .required = true,
     .meaning = "the data subject (its id)",
     .max = kShort},
    {.name = "reason",
     .type = F::kText,
     .required = true,
     .meaning = "the matter, the court or authority",
     .max = kLong},
    {.name = "reference", .type = F::kText, .meaning = "case number, letter", .max = kShort},
});
constexpr auto kLiftLegalHold = std::to_array<FieldSpec>({
    {.name = "subject",
     .type = F::kText,
     .required = true,
     .meaning = "the data subject (its id)",
     .max = kShort},
    {.name = "reason", .type = F::kText, .required = true, .meaning = "why", .max = kLong},
});
constexpr auto kRequestErasure = std::to_array<FieldSpec>({
    {.name = "subject",
     .type = F::kText,
     .required = true,
     .meaning = "the data subject (its id)",
     .max = kShort},
    {.name = "reason", .type = F::kText, .required = true, .meaning = "the request", .max = kLong},
    {.name = "reference",
     .type = F::kText,
     .meaning = "the request's reference (letter, ticket)",
     .max = kShort},
});
constexpr auto kSealPersonalData = std::to_array<FieldSpec>({
    {.name = "reason", .type = F::kText, .required = true, .meaning = "why", .max = kLong},
});
constexpr auto kRateDepartment = std::to_array<FieldSpec>({
    {.name = "department",
     .type = F::kText,
     .required = true,
     .meaning = "the department rated",
     .max = kShort},
    {.name = "month", .type = F::kText, .required = true, .meaning = "YYYY-MM", .max = 7},
    {.name = "score",
     .type = F::kNumber,
     .required = true,
     .meaning = "the platform score, two decimal places at most",
     .max = 100,
     .min = 0},
});
constexpr auto kCorrect = std::to_array<FieldSpec>({
    {.name = "event",
     .type = F::kInt,
     .required = true,
     .meaning = "the position of the event corrected",
     .max = kMaxInt,
     .min = 1},
    {.name = "field",
     .type = F::kText,
     .required = true,
     .meaning = "a correctable field",
     .max = 64},
    {.name = "value",
     .type = F::kText,
     .required = true,
     .meaning = "the new value, as an action would give it",
     .max = kLong},
    {.name = "reason", .type = F::kText, .required = true, .meaning = "why", .max = kLong},
});
constexpr auto kAttachEvidence = std::to_array<FieldSpec>({
    {.name = "name",
     .type = F::kText,
     .required = true,
     .meaning = "the file's name",
     .max = kShort},
    {.name = "media_type",
     .type = F::kText,
     .required = true,
     .meaning = "e.g. image/jpeg",
     .max = 128},
    {.name = "size",
     .type = F::kInt,
     .required = true,
     .meaning = "bytes",
     .max = kMaxInt,
     .min = 0},
    {.name = "sha256",
     .type = F::kText,
     .required = true,
     .meaning = "64 lower-case hex digits of the file's SHA-256",
     .max = 64},
});

// --- the events each records ----------------------------------------------------------------
constexpr auto kReceived = std::to_array<E>({"ComplaintReceived"});
constexpr auto kTransmitted = std::to_array<E>({"ComplaintTransmitted"});
constexpr auto kValidity = std::to_array<E>({"ValidityAssessed"});
constexpr auto kClassified = std::to_array<E>({"ComplaintClassified"});
constexpr auto kLevelSet = std::to_array<E>({"LevelSet"});
constexpr auto kAssigned = std::to_array<E>({"ResponsibilityAssigned"});
constexpr auto kResponded = std::to_array<E>({"CustomerResponded"});
constexpr auto kProposed = std::to_array<E>({"PlanProposed"});
constexpr auto kReviewed = std::to_array<E>({"PlanReviewed"});
constexpr auto kProgress = std::to_array<E>({"ProgressRecorded"});
constexpr auto kResolved = std::to_array<E>({"ComplaintResolved"});
constexpr auto kConfirmed = std::to_array<E>({"ResolutionConfirmed"});
constexpr auto kClosed = std::to_array<E>({"ComplaintClosed"});
constexpr auto kReopened = std::to_array<E>({"ComplaintReopened"});
constexpr auto kPaused = std::to_array<E>({"ClockPaused"});
constexpr auto kResumed = std::to_array<E>({"ClockResumed"});
constexpr auto kFlagged = std::to_array<E>({"FlagAdded"});
constexpr auto kLinked = std::to_array<E>({"ComplaintLinked"});
constexpr auto kExtRequested = std::to_array<E>({"ExtensionRequested"});
constexpr auto kExtDecided = std::to_array<E>({"ExtensionDecided"});
constexpr auto kStaffDecided = std::to_array<E>({"StaffDecisionRecorded"});
constexpr auto kCalledBack = std::to_array<E>({"CallbackRecorded"});
constexpr auto kFined = std::to_array<E>({"FineRecorded"});
constexpr auto kWaived = std::to_array<E>({"FineWaived"});
constexpr auto kRated = std::to_array<E>({"DepartmentRated"});
constexpr auto kCorrected = std::to_array<E>({"EventCorrected"});
constexpr auto kAttached = std::to_array<E>({"EvidenceAttached"});
constexpr auto kHeld = std::to_array<E>({"LegalHoldPlaced"});
constexpr auto kLifted = std::to_array<E>({"LegalHoldLifted"});
constexpr auto kSealedPersonal = std::to_array<E>({"PersonalDataSealed"});
constexpr auto kErasure =
    std::to_array<E>({"ErasureRequested", "SubjectErased", "ProcessingRestricted"});

using T = ActionTarget;

constexpr auto kActions = std::to_array<ActionSpec>({
    {"receive", "record a new complaint", T::kNewComplaint, false, kReceive, kReceived},
    {"transmit", "pass the complaint to customer service", T::kComplaint, false, kTransmit,
     kTransmitted},
    {"assess_validity", "decide whether it is a valid complaint", T::kComplaint, false,
     kAssessValidity, kValidity},
    {"classify", "set the category (and so the closure class)", T::kComplaint, false, kClassify,
     kClassified},
    {"set_level", "set the level by hand, with a reason", T::kComplaint, false, kSetLevel,
     kLevelSet},
    {"assign", "assign the responsible department and handler", T::kComplaint, false, kAssign,
     kAssigned},
    {"respond", "record a response to the customer", T::kComplaint, false, kRespond, kResponded},
    {"propose_plan", "propose a handling plan", T::kComplaint, false, kProposePlan, kProposed},
    {"review_plan", "approve a plan or send it back", T::kComplaint, false, kReviewPlan, kReviewed},
    {"record_progress", "record progress", T::kComplaint, false, kRecordProgress, kProgress},
    {"resolve", "resolve the current cycle", T::kComplaint, false, kResolve, kResolved},
    {"confirm", "record a confirmation of the result", T::kComplaint, false, kConfirm, kConfirmed},
    {"close", "close the current cycle", T::kComplaint, false, kClose, kClosed},
    {"reopen", "reopen a closed complaint: a new cycle", T::kComplaint, true, kReopen, kReopened},
    {"pause_clock", "stop the closure clock", T::kComplaint, false, kPause, kPaused},
    {"resume_clock", "restart the closure clock", T::kComplaint, false, kResume, kResumed},
    {"add_flag", "add a fact flag", T::kComplaint, true, kAddFlag, kFlagged},
    {"link", "link to another complaint", T::kComplaint, true, kLink, kLinked},
    {"request_extension", "ask for a later deadline", T::kComplaint, false, kRequestExtension,
     kExtRequested},
    {"decide_extension", "approve or refuse an extension", T::kComplaint, false, kDecideExtension,
     kExtDecided},
    {"record_staff_decision", "record the decision about a complained-of staff member",
     T::kComplaint, false, kStaffDecision, kStaffDecided},
    {"record_callback", "record the callback survey after closure", T::kComplaint, true, kCallback,
     kCalledBack},
    {"record_fine", "record a fine under a recorded fine rule", T::kComplaint, true, kRecordFine,
     kFined},
    {"waive_fine", "waive a fine line", T::kComplaint, true, kWaiveFine, kWaived},
    {"rate_department", "record a department's monthly platform score", T::kDepartment, false,
     kRateDepartment, kRated},
    {"correct", "correct a field of an earlier event", T::kComplaint, true, kCorrect, kCorrected},
    {"attach_evidence", "attach a file's fingerprint as evidence", T::kComplaint, true,
     kAttachEvidence, kAttached},
    {"place_legal_hold", "keep a data subject's personal data: no erasure while held", T::kSubject,
     false, kPlaceLegalHold, kHeld},
    {"lift_legal_hold", "lift a legal hold", T::kSubject, false, kLiftLegalHold, kLifted},
    {"request_erasure",
     "erase a data subject's personal data, or restrict it while it must be kept", T::kSubject,
     false, kRequestErasure, kErasure},
    {"seal_personal_data",
     "seal personal data recorded in the clear (before sealing) for a data subject", T::kComplaint,
     true, kSealPersonalData, kSealedPersonal},
});

}  // namespace

std::span<const ActionSpec> Actions() { return kActions; }

const ActionSpec* FindAction(std::string_view type) {
  auto it = std::find_if(kActions.begin(), kActions.end(),
                         [&](const ActionSpec& a) { return a.type == type; });
  return it == kActions.end() ? nullptr : &*it;
}

std::span<const FieldSpec> CommonFields() { return kCommon; }
std::span<const FieldSpec> ImportFields() { return kImport; }

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case F::kText:
      return "text";
    case F::kCode:
      return "code";
    case F::kCodeList:
      return "code_list";
    case F::kTextList:
      return "text_list";
    case F::kBool:
      return "bool";
    case F::kInt:
      return "integer";
    case F::kMoney:
      return "money";
    case F::kTime:
      return "time";
    case F::kObject:
      return "object";
    case F::kNumber:
      return "number";
    case F::kVersion:
      return "version";
  }
  return "?";
}

}  // namespace ledger::domain
