// Corrections: which fields of which earlier events a `correct` action may supersede, and how a
// correction changes the state. History is never rewritten: the corrected event stays in the log
// and the EventCorrected event says which value replaces it from now on.
#pragma once

#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/domain/events.capnp.h"
#include "ledger/domain/state.h"

namespace ledger::domain {

// What kind of value a correctable field holds (how `value` is parsed).
enum class FieldKind : uint8_t {
  kTime,
  kText,
  kMoney,
  kCount,
  kScore,
  kBool,
  kChannel,
  kTargetKind,
  kRootCause
};

// The kind of `field` on an event of type `type`, or nullopt when it may not be corrected.
// `occurred_at` may be corrected on every event type.
std::optional<FieldKind> CorrectableField(schema::DomainEvent::Which type, std::string_view field);

// The correctable fields of `type`, for error messages ("occurred_at, headcount, ...").
std::string CorrectableFieldsOf(schema::DomainEvent::Which type);

// Checks `value` against the field's kind. InvalidArgument naming field "value" otherwise.
Status CheckCorrectionValue(FieldKind kind, std::string_view value);

// The current value of `field` of the event at `position`, as text ("" when unknown).
std::string CurrentValue(const ComplaintState& state, uint64_t position, std::string_view field);

// The earliest time of a fact on record after the intake (another event's stamp, not counting an
// escalation decided with the intake), or nullopt: the latest time a correction may move the
// intake to.
std::optional<Time> EarliestAfterIntake(const ComplaintState& state);

// Applies a (validated) correction to the state.
void ApplyCorrection(ComplaintState& state, uint64_t position, std::string_view field,
                     std::string_view value);

}  // namespace ledger::domain
