// The JSON rendering of a logged event: its envelope (every field of ledger/log/envelope.capnp)
// plus a `payload` rendered by a pluggable PayloadRenderer, since payload schemas are domain types.
//
//   {"position": 7, "stream": "CMP-2026-000001", "version": 3,
//    "recorded_at": "2026-01-05T08:00:00.125000Z", "occurred_at": "2026-01-05T07:59:00Z",
//    "actor": {"id": "u-cs-01", "role": "cs_agent", "department": "customer_service"},
//    "type": "ComplaintClassified", "policy_version": 1, "correlation_id": "", "causation_id": "",
//    "idempotency_key": "", "imported": false, "prev_hash": "<64 hex>", "hash": "<64 hex>",
//    "payload": {...}}
//
// Times are RFC 3339 in UTC (ledger/base/time.h). Personal data inside payloads is redacted for
// viewers that may not see it (redaction.h), whatever the renderer returns.
//
// Thread-safety: free functions; a PayloadRenderer is called from several worker threads at once
// and must be thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>

#include "api/services/principal.h"
#include "ledger/base/status.h"
#include "ledger/log/recorded_event.h"

namespace api {

// Renders an event's payload as JSON for `viewer` (null on public routes). A payload it cannot
// decode is DataLoss (the event is then rendered with "payload": null and "payload_error").
// Must catch decoder exceptions itself (kj::Exception): it is the decoding edge.
using PayloadRenderer = std::function<ledger::Result<boost::json::value>(
    const ledger::RecordedEvent&, const Principal* viewer)>;

// The default: every payload renders as null.
PayloadRenderer NullPayloadRenderer();

// The event as a JSON object (see above). An empty `render` is NullPayloadRenderer().
boost::json::object EventToJson(const ledger::RecordedEvent& event, const PayloadRenderer& render,
                                const Principal* viewer);

}  // namespace api
