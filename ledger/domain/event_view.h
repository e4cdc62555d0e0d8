// EventView: one complaint-domain event as Evolve reads it — a recorded event, or one that decide
// has built and not yet appended (position 0).
//
// The views point into storage they do not own (the RecordedEvent or the message builder); they
// are valid while that lives.
#pragma once

#include <optional>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/domain/clocks.h"
#include "ledger/domain/events.capnp.h"
#include "ledger/log/recorded_event.h"

namespace ledger::domain {

struct EventView {
  uint64_t position = 0;  // 0: not appended yet
  uint64_t version = 0;
  Time recorded_at{};
  Time occurred_at{};
  std::string_view actor_id, actor_role, actor_department;
  uint32_t policy_version = 0;
  bool imported = false;
  schema::DomainEvent::Reader event;

  Stamp stamp() const { return {occurred_at, position}; }
};

// Reads a recorded event as a complaint-domain event. DataLoss when its payload is not a
// DomainEvent or its union member does not match its type name.
Result<EventView> ViewOf(const RecordedEvent& recorded);

// "ComplaintReceived" for DomainEvent::RECEIVED, and so on (docs/events.md).
std::string_view EventTypeName(schema::DomainEvent::Which which);
std::optional<schema::DomainEvent::Which> ParseEventType(std::string_view name);

}  // namespace ledger::domain
