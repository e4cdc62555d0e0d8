// The JSON of complaint-domain payloads, by reflection over ledger/domain/events.capnp: field
// names in snake_case, Int64 fields annotated $money as "1300.00" (null for -1), $time as RFC 3339
// in the policy's time zone (null for 0), Data as hex. One renderer for every event type, so a
// field added to the schema appears in the API without code.
#pragma once

#include <chrono>

#include "api/services/event_json.h"
#include "api/services/personal_data.h"

namespace api {

// A PayloadRenderer for complaint-domain events (DomainEvent payloads): the active member's
// fields, plus "note" when the action had one. Personal data is redacted for viewers who may not
// see it. Times are shown at `utc_offset`. Sealed personal data (docs/privacy.md) is opened with
// `vault` for viewers who may see it, into the fields it was sealed from ("[erased]" once the
// subject's key is erased, "[sealed]" without a vault); the sealed form stays under "personal".
PayloadRenderer DomainPayloadRenderer(std::chrono::minutes utc_offset,
                                      const PersonalDataVault* vault = nullptr);

// "claimedCompensation" -> "claimed_compensation".
std::string SnakeCase(std::string_view camel);

}  // namespace api
