#include "ledger/domain/own_event.h"

#include "ledger/base/capnp_util.h"
#include "ledger/domain/event_view.h"

namespace ledger::domain {

Result<AppendResult> AppendOwnEvent(EventLog& log, std::string_view stream,
                                    schema::DomainEvent::Which which,
                                    capnp::MessageBuilder& message, const Actor& actor,
                                    uint32_t policy_version) {
  NewEvent event;
  event.type = std::string(EventTypeName(which));
  event.payload = ToFlatBytes(message);
  event.actor = actor;
  event.policy_version = policy_version;
  AppendRequest request;
  request.stream = std::string(stream);
  request.expected = ExpectedVersion::Any();
  request.events.push_back(std::move(event));
  return log.Append(std::move(request));
}

}  // namespace ledger::domain
