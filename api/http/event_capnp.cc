#include "api/http/event_capnp.h"

#include "api/services/authorization.h"
#include "ledger/base/capnp_util.h"

namespace api {

void FillEnvelopes(capnp::List<ledger::schema::Envelope>::Builder list,
                   const std::vector<ledger::RecordedEvent>& events, const Principal* viewer,
                   const PersonalDataVault* vault) {
  const bool personal = SeesPersonalData(viewer);
  for (unsigned i = 0; i < events.size(); ++i) {
    list.setWithCaveats(i, events[i].envelope());
    if (!personal || (vault != nullptr && !vault->ShowsStoredPayload(events[i], *viewer)))
      list[i].getPayload().clear();
    const ledger::Hash& h = events[i].hash();
    list[i].setHash(capnp::Data::Reader(h.data(), h.size()));
  }
}

void FillHead(schema::ChainHead::Builder out, const ledger::Head& head) {
  out.setPosition(head.position);
  out.setHash(capnp::Data::Reader(head.hash.data(), head.hash.size()));
}

Response CapnpResponse(capnp::MessageBuilder& message, std::string_view root_type,
                       unsigned status) {
  return Response::Text(status, std::string(kCapnpType) + "; type=" + std::string(root_type),
                        ledger::ToFlatBytes(message));
}

}  // namespace api
