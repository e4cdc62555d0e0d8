// Scenario: what happens to one generated complaint, drawn at random when it arrives, and the
// steps (actions) that carry it out. docs/demo.md describes the mix and its weights.
//
// A Plan is the complaint's fate in data — its family (ordinary, invalid, collective, media,
// litigation, ...), intake facts, and modifiers (late response, late plan, closure overdue by N
// days, extension, pause, reopening, fines, corrections, ...). BuildSteps() turns a plan into the
// ordered list of steps the generator performs; each step's time, actor and fields are settled
// by the generator when the step is due, from the complaint's state at that moment.
//
// Thread-safety: values and free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/base/time.h"
#include "ledger/domain/policy.h"
#include "ledger/log/append.h"
#include "tools/demo/texts.h"

namespace demo {

class Rng;
class Staff;

// The main story of a complaint; each is one scenario family of docs/demo.md.
enum class Family : uint8_t {
  kOrdinary,
  kInvalid,
  kCollective,         // 3-9 complainants: major
  kCollective10,       // 10 or more: crisis
  kMedia,              // exposed in the media
  kMediaThreatened,    // the customer threatens the media
  kLitigation,         // threatened, then filed: litigation pause, litigation_concluded
  kGovernment,         // referred by a government department
  kCompensation,       // claimed compensation up to 10000.00: major
  kCompensationLarge,  // above 10000.00: crisis
  kSafety,             // safety risk (sometimes a serious loss later)
  kStaff,              // service attitude: a staff member is complained about
  kSameIssue,          // the same issue as an earlier complaint (linked same_issue)
  kSecond,             // a second complaint within 3 months of an earlier one's closure
  kReputation,         // customer service flags major brand impact: crisis
  kStalled,            // the department never resolves it: still open, overdue
};
inline constexpr int kFamilyCount = 16;
const char* FamilyName(Family f);

enum class Extension : uint8_t { kNone, kApproved, kRefused };
enum class LevelByHand : uint8_t { kNone, kRaise, kBelowRule };
enum class Correction : uint8_t { kNone, kHeadcount, kResponseTime, kCallbackScore };

struct Target {
  std::string kind, id, department;
};

// An earlier complaint a new one refers to (same issue, or the first of a second complaint).
struct Reference {
  std::string id;
  std::string project, category, department, subject;
  Complainant complainant;
};

struct Plan {
  Family family = Family::kOrdinary;

  // Intake.
  std::string project, channel, receiving_department;
  ledger::Actor receiver;
  Complainant complainant;
  Issue issue;
  Handling handling;
  std::string category, department, handler;
  std::vector<std::string> cooperating;
  std::optional<Target> target;
  std::string compensation;  // decimal; empty: none claimed
  int64_t headcount = 1;
  std::vector<std::string> intake_flags;
  std::string external_ref;
  std::string invalid_reason;     // empty: valid
  std::optional<Reference> link;  // linked at triage: same_issue or second_complaint
  std::string link_relation;

  // Timeliness.
  bool transmit_late = false, assign_late = false, respond_late = false, plan_late = false;
  bool staff_decision_late = false;
  int closure_overdue_days = 0;  // 0: closed on time

  // Handling.
  std::vector<std::string> later_flags;  // added by customer service during handling
  LevelByHand level_by_hand = LevelByHand::kNone;
  bool plan_sent_back = false, awaiting_customer = false;
  Extension extension = Extension::kNone;
  int progress_notes = 0;
  bool evidence_at_intake = false, evidence_in_handling = false;
  bool backdated = false;
  Correction correction = Correction::kNone;
  std::string closure_basis = "customer_confirmed";  // empty: never closed (stalled)
  std::string confirm_method = "written";            // or recorded_call
  bool engineering = false;  // closure needs the property company's confirmation too
  bool callback = false;
  bool reopen = false;
  bool may_have_second = false;             // a later complaint may be its second complaint
  std::vector<std::string> recorded_fines;  // rules a manager records after closure
  bool waive = false;
};

// What the drawing needs beyond the rng: the organisation, the people, and earlier complaints a
// new one may refer to.
struct DrawContext {
  const ledger::domain::Policy* policy = nullptr;
  const Staff* staff = nullptr;
  std::optional<Reference> same_issue;  // a recent complaint of the same project, if any
  std::optional<Reference> second_of;   // a recently closed complaint, if any
  std::string project;                  // the project (drawn by the caller)
};

// Draws the family and every choice of one complaint.
Plan DrawPlan(Rng& rng, const DrawContext& context);

// The steps of a plan, in order.
enum class StepKind : uint8_t {
  kReceive,
  kEvidence,
  kTransmit,
  kAssess,
  kRespondInvalid,
  kCloseInvalid,
  kClassify,
  kSetLevel,
  kLink,
  kAssign,
  kRespond,
  kStaffDecision,
  kAddFlag,
  kCorrectHeadcount,
  kProposePlan,
  kReviewPlan,
  kPause,
  kResume,
  kRequestExtension,
  kDecideExtension,
  kProgress,
  kResolve,
  kConfirm,
  kClose,
  kCallback,
  kCorrect,
  kRecordFine,
  kWaiveFine,
  kReopen,
};

struct Step {
  StepKind kind = StepKind::kReceive;
  std::string arg;         // flag, pause reason, confirmation method, fine rule, ...
  bool yes = true;         // review_plan / decide_extension: approved; respond: by customer service
  bool late = false;       // the step misses its clock on purpose
  bool backdated = false;  // recorded more than a day after it occurred
};

std::vector<Step> BuildSteps(const Plan& plan);

}  // namespace demo
