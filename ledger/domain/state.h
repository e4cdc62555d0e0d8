// ComplaintState: what the ledger knows about one complaint, folded from its events.
//
// The aggregate of the event-sourcing shape: `ComplaintState{}` is initial, Evolve(state, event)
// applies one event, Fold() applies a stream. Every fact that a clock, a fine or a finding rests
// on keeps its Stamp (time and event position), so corrections can find it and explanations can
// cite it. Decide (decide.h) reads this state; projections read it too.
//
// Thread-safety: a value; no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/sym.h"
#include "ledger/domain/clocks.h"
#include "ledger/domain/money.h"
#include "ledger/domain/types.h"
#include "ledger/log/append.h"

namespace ledger::domain {

// Where the complaint is in its handling (docs/rules.md#lifecycle), derived from the facts.
enum class Stage : uint8_t {
  kReceived,
  kTransmitted,
  kAssessed,
  kClassified,
  kAssigned,
  kPlanProposed,
  kPlanSentBack,
  kPlanApproved,
  kResolved,
  kConfirmed,
  kClosed,
};
std::string_view StageName(Stage s);

// Texts that repeat across complaints are interned (Sym); texts that are one complaint's own (a
// complainant's name, phone and unit, a file's name and hash, a reference, a line id) are plain
// strings: interning them would only add a pool entry and a table probe each
// (docs/performance.md, "The rebuild, second pass" and "third pass").
// Personal data an event recorded sealed (docs/privacy.md). Only the API layer opens it, at read
// time, for those who may see it: with the key of `subject` and, as associated data, the event's
// stream, version and type. No rule of the domain reads it.
struct SealedPiece {
  std::string field;  // "" for ComplaintReceived (name, phone and unit), else the corrected
                      // field ("complainant.phone", ...)
  std::string subject;
  uint32_t key_version = 0;
  uint64_t version = 0;   // the event's stream version
  uint64_t position = 0;  // the event's position
  std::string type;       // the event's type name ("ComplaintReceived", "EventCorrected")
  std::string sealed;     // nonce || ciphertext || tag

  bool operator==(const SealedPiece&) const = default;
};

struct ComplainantInfo {
  // In the clear only from events recorded before the ledger sealed personal data; empty when
  // the intake sealed them (then `sealed` holds them).
  std::string name;
  std::string phone;
  std::string unit;
  bool is_owner = false;
  std::string subject;  // the data subject: of the sealed intake, else of the first sealed
                        // correction or the migration (PersonalDataSealed); empty while clear
  std::vector<SealedPiece> sealed;  // in log order: the intake's, then sealed corrections'

  bool operator==(const ComplainantInfo&) const = default;
};

struct TargetInfo {
  Sym kind;  // person | department | unit
  Sym id;
  Sym department;

  bool operator==(const TargetInfo&) const = default;
};

struct FlagRecord {
  Sym flag;
  Sym detail;
  Stamp at;

  bool operator==(const FlagRecord&) const = default;
};

struct AssignmentRecord {
  Stamp at;
  Sym department;
  std::vector<Sym> cooperating;
  Sym handler;
  Level level = Level::kGeneral;
  std::vector<Sym> first_responsible_people;
  std::vector<Sym> notified;
  Sym assigned_by;  // actor id

  bool operator==(const AssignmentRecord&) const = default;
};

struct PlanRecord {
  Stamp proposed;
  Sym plan_type, description;
  Time planned_start{}, planned_finish{};
  Money estimated_cost = -1;
  Sym proposed_by;
  std::optional<Stamp> reviewed;
  bool approved = false;
  Sym reviewed_by, reviewer_role, review_comment;

  bool operator==(const PlanRecord&) const = default;
};

// One closure cycle with what happened in it: cycle 0 from intake, one more per reopening.
struct CycleRecord {
  ClosureCycle clock;  // start, closed, policy version
  Sym reopen_reason;
  std::optional<Stamp> resolved;
  Sym resolution, root_cause, corrective_action, resolved_by;
  std::vector<std::pair<Sym, Stamp>> confirmations;  // method, when
  Sym basis;                                         // closing basis
  Level level_at_close = Level::kGeneral;

  bool operator==(const CycleRecord&) const = default;
};

struct LinkRecord {
  Sym other, relation;
  Stamp at;
  Level other_level = Level::kGeneral;

  bool operator==(const LinkRecord&) const = default;
};

struct ExtensionRecord {
  ExtensionFact fact;
  Sym reason, requested_by;
  Sym decided_by, decided_role, comment;

  bool operator==(const ExtensionRecord&) const = default;
};

struct CallbackRecord {
  Stamp at;
  bool acknowledged = false, contacted = false;
  int64_t timeliness = 0, plan = 0, attitude = 0;
  Sym reasons;

  bool operator==(const CallbackRecord&) const = default;
};

struct RecordedFine {
  Stamp at;
  Sym rule;
  Money amount = -1;
  std::vector<Sym> people, departments;
  Sym reason, recorded_by, recorded_role;

  bool operator==(const RecordedFine&) const = default;
};

struct WaiverRecord {
  std::string line_id;
  Sym reason, by, role;
  Stamp at;

  bool operator==(const WaiverRecord&) const = default;
};

struct CorrectionRecord {
  Stamp at;
  Time recorded_at{};
  uint64_t event = 0;
  Sym field, value, previous, reason, by;

  bool operator==(const CorrectionRecord&) const = default;
};

struct EvidenceRecord {
  Stamp at;
  std::string name;
  Sym media_type;
  std::string sha256;
  uint64_t size = 0;

  bool operator==(const EvidenceRecord&) const = default;
};

struct LevelRecord {
  LevelChange change;
  bool manual = false;  // LevelSet (customer service) rather than LevelEscalated (system)
  Sym reason;
  std::vector<Sym> rules;  // LevelEscalated: matched rules; LevelSet: rules at that time
  Level rule_level = Level::kGeneral;  // LevelSet: the rule level when it was set

  bool operator==(const LevelRecord&) const = default;
};

struct ComplaintState {
  std::string id;
  uint64_t version = 0;  // stream version folded so far (0: no complaint)
  uint64_t last_position = 0;
  Time last_recorded_at{};
  uint32_t policy_version = 0;  // of the intake: the rules the complaint is judged under

  // Intake.
  Stamp intake;
  Time intake_recorded_at{};
  bool imported = false;
  Sym channel, project, subject, description, demands;
  ComplainantInfo complainant;
  std::optional<TargetInfo> target;
  Money claimed_compensation = -1;
  int64_t headcount = 1;
  std::vector<FlagRecord> flags;
  Sym receiving_department, receiving_staff;
  std::string external_ref;

  // Cross-complaint facts recorded in this stream (see events.capnp).
  int64_t target_complaints = 0;
  int64_t same_issue_complainants = 0;

  // Flow.
  std::optional<Stamp> transmitted;
  Sym transmitted_to_department, transmitted_to_person;
  std::optional<Stamp> assessed;
  std::optional<bool> valid;
  Sym invalid_reason;
  std::optional<Stamp> classified;
  Sym category;
  std::vector<LevelRecord> levels;  // levels[0]: the level at intake
  std::vector<AssignmentRecord> assignments;
  std::optional<Stamp> first_response;
  int64_t responses = 0;
  std::vector<PlanRecord> plans;
  std::vector<CycleRecord> cycles;  // cycles.back() is the current one
  std::vector<PauseFact> pauses;
  std::vector<LinkRecord> links;
  std::vector<ExtensionRecord> extensions;
  std::optional<Stamp> staff_decision;
  Sym staff_decision_person, staff_decision_text;
  std::optional<CallbackRecord> callback;
  std::vector<RecordedFine> fines;
  std::vector<WaiverRecord> waivers;
  std::vector<CorrectionRecord> corrections;
  std::vector<EvidenceRecord> evidence;

  bool exists() const { return version > 0; }
  Level level() const { return levels.empty() ? Level::kGeneral : levels.back().change.level; }
  bool closed() const { return !cycles.empty() && cycles.back().clock.closed.has_value(); }
  bool paused() const { return !pauses.empty() && !pauses.back().end.has_value(); }
  bool HasFlag(std::string_view flag) const;
  const AssignmentRecord* assignment() const {
    return assignments.empty() ? nullptr : &assignments.back();
  }
  const PlanRecord* latest_plan() const { return plans.empty() ? nullptr : &plans.back(); }
  bool has_approved_plan() const;
  Stage stage() const;
  // Complaints about a staff member: the 8-hour staff-decision clock applies.
  bool about_staff() const;
  // The department responsible now: the assignment's, else the category's first-responsible.
  std::string responsible_department(const Policy& policy) const;

  bool operator==(const ComplaintState&) const = default;
};

}  // namespace ledger::domain
