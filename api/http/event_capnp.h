// Cap'n Proto responses (Accept: application/x-capnp): helpers to put logged events into API
// messages (api/http/api.capnp) and to send a message as a response body.
//
// Domain routes follow the same pattern: build a message whose root is their struct in
// api.capnp, fill it, and return CapnpResponse(message, "ComplaintState").
//
// Thread-safety: free functions.
#pragma once

#include <capnp/message.h>

#include <string_view>
#include <vector>

#include "api/http/api.capnp.h"
#include "api/http/http_types.h"
#include "api/services/personal_data.h"
#include "ledger/log/append.h"
#include "ledger/log/envelope.capnp.h"
#include "ledger/log/recorded_event.h"

namespace api {

// Copies `events` into `list` (which must have events.size() elements): each envelope exactly
// as stored, with `hash` set. An event's payload is left out (null) where `viewer` may not be given
// it as stored (stored bytes cannot be redacted field by field): every payload for viewers who may
// not see complainants' personal data (authorization.h SeesPersonalData); for the others, an
// event holding personal data recorded in the clear that `vault` withholds from them
// (PersonalDataVault::ShowsStoredPayload, which records the read it allows). A null `vault`
// withholds nothing more.
void FillEnvelopes(capnp::List<ledger::schema::Envelope>::Builder list,
                   const std::vector<ledger::RecordedEvent>& events, const Principal* viewer,
                   const PersonalDataVault* vault);

void FillHead(schema::ChainHead::Builder out, const ledger::Head& head);

// `message` as the response body (stream framing), Content-Type
// "application/x-capnp; type=<root_type>".
Response CapnpResponse(capnp::MessageBuilder& message, std::string_view root_type,
                       unsigned status = 200);

}  // namespace api
