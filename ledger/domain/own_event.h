// The events the ledger records by itself, outside any action (docs/events.md, "Other streams"):
// an import's record, a published fine statement, a signing key's change. Each is one event of a
// DomainEvent member, appended durably on its own stream with no expected version.
//
// Thread-safety: free functions.
#pragma once

#include <capnp/message.h>

#include <string_view>

#include "ledger/domain/events.capnp.h"
#include "ledger/log/event_log.h"

namespace ledger::domain {

// Appends `message` (a DomainEvent whose member is `which`) on `stream` as `actor`.
Result<AppendResult> AppendOwnEvent(EventLog& log, std::string_view stream,
                                    schema::DomainEvent::Which which,
                                    capnp::MessageBuilder& message, const Actor& actor,
                                    uint32_t policy_version);

}  // namespace ledger::domain
