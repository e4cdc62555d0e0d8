// Decide: an action, against the complaint's state, the policy in force and the actor's role,
// becomes events — or an error that names the field(s) and the rule, and nothing happens.
//
//   Decide(action, input) -> Decision{events} | Status
//
// Errors: InvalidArgument (bad input; every field problem at once), PermissionDenied (the role may
// not do this, or not at this level), NotFound (no such complaint), FailedPrecondition (a policy
// rule refuses it: wrong stage, missing confirmation, ...; errors() names the field and rule).
//
// Decide is pure: the caller supplies the time (`now`) and the facts from other complaints
// (CrossFacts). When the action's facts raise the rule level above the current level, the
// decision also carries a LevelEscalated event by actor "system", naming the rules, dated with
// the action. Escalations by the passage of time and by other complaints' facts are decided in
// escalation.h.
#pragma once

#include <capnp/message.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/domain/action.h"
#include "ledger/domain/event_view.h"
#include "ledger/domain/events.capnp.h"
#include "ledger/domain/policy.h"
#include "ledger/domain/privacy.h"
#include "ledger/domain/state.h"
#include "ledger/log/append.h"

namespace ledger::domain {

// The most events one complaint's stream may hold; an action beyond it is refused (422,
// rule "complaint_full"). The ledger's own escalations are not actions and are still appended.
inline constexpr uint64_t kMaxComplaintEvents = 5000;

// What the decider needs to know about other complaints. The service fills it in.
struct OtherComplaint {
  std::string id;
  Time received_at{};
  std::optional<Time> closed_at;          // the latest closure, if closed now
  Level level_handled = Level::kGeneral;  // highest level when closed
  int64_t headcount = 1;
  std::string complainant_key;
};

struct CrossFacts {
  // receive: complaints on record against the same target, this one included (0: no target).
  int64_t target_complaints = 0;
  // link: the other complaint (nullopt: it does not exist).
  std::optional<OtherComplaint> other;
  // link same_issue: distinct complainants of the linked group once linked.
  int64_t same_issue_complainants = 0;
  // assign: this complaint is a group complaint linked to an earlier individual one about the
  // same issue (docs/rules.md#fines: CS head and project GM become first responsible).
  bool group_after_individual = false;
  // correct: the event the action names (nullopt: no event at that position).
  struct Referenced {
    uint64_t position = 0;
    std::string stream;
    schema::DomainEvent::Which type = schema::DomainEvent::RECEIVED;
  };
  std::optional<Referenced> referenced;
  // Actions on a data subject (place_legal_hold, lift_legal_hold, request_erasure): the subject
  // the action names, as the ledger knows it (nullopt: no complaint is sealed for it).
  struct Subject {
    std::string id;
    std::vector<OtherComplaint> complaints;  // its complaints, closed_at set while closed
    SubjectRecord record;                    // what stream "privacy" holds about it
  };
  std::optional<Subject> subject;
};

struct DecideInput {
  const ComplaintState* state = nullptr;     // the complaint (an empty state for receive)
  const Policy* policy = nullptr;            // the policy in force now
  uint32_t policy_version = 0;               // its version, recorded on every event
  const Policy* complaint_policy = nullptr;  // the complaint's own version (clocks); null: `policy`
  Actor actor;
  Time now{};
  CrossFacts cross;
  bool imported = false;  // import: occurred_at may be far in the past
};

// One decided event, not yet appended.
struct PendingEvent {
  std::string type;
  std::unique_ptr<capnp::MallocMessageBuilder> message;  // root: schema::DomainEvent
  Actor actor;
  Time occurred_at{};
  std::string causation_id;

  schema::DomainEvent::Reader event() const {
    return message->getRoot<schema::DomainEvent>().asReader();
  }
  // A view for Evolve; `version` is the stream version it will get.
  EventView View(uint64_t version, uint32_t policy_version, Time now) const;
};

struct Decision {
  std::vector<PendingEvent> events;
};

Result<Decision> Decide(const Action& action, const DecideInput& input);

// The action types Decide has a decider for. Each must be in the catalogue and each catalogue
// action must have one (tests/domain/catalogue_test.cc); an action without one is refused as
// unknown.
std::vector<std::string> DeciderTypes();

// The events of a decision in the log's form (payload serialized), ready for EventLog::Append.
std::vector<NewEvent> ToNewEvents(const Decision& decision, uint32_t policy_version, bool imported);

// The state after the decision's events (for checks and for tests).
ComplaintState Preview(const ComplaintState& state, const Decision& decision,
                       uint32_t policy_version, Time now);

}  // namespace ledger::domain
