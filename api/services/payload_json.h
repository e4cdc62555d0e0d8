// The JSON of complaint-domain payloads, by reflection over ledger/domain/events.capnp: field
// names in snake_case, Int64 fields annotated $money as "1300.00" (null for -1), $time as RFC 3339
// in the policy's time zone (null for 0), Data as hex. One renderer for every event type, so a
// field added to the schema appears in the API without code.
#pragma once

#include <chrono>

#include "api/services/event_json.h"

namespace api {

// A PayloadRenderer for complaint-domain events (DomainEvent payloads): the active member's
// fields, plus "note" when the action had one. Personal data is redacted for viewers who may not
// see it. Times are shown at `utc_offset`.
PayloadRenderer DomainPayloadRenderer(std::chrono::minutes utc_offset);

// "claimedCompensation" -> "claimed_compensation".
std::string SnakeCase(std::string_view camel);

}  // namespace api
