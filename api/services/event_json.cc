#include "api/services/event_json.h"

#include "api/services/authorization.h"
#include "api/services/redaction.h"
#include "ledger/base/capnp_util.h"
#include "ledger/base/hash.h"
#include "ledger/base/time.h"

namespace api {

PayloadRenderer NullPayloadRenderer() {
  return [](const ledger::RecordedEvent&, const Principal*) -> ledger::Result<boost::json::value> {
    return boost::json::value(nullptr);
  };
}

boost::json::object EventToJson(const ledger::RecordedEvent& event, const PayloadRenderer& render,
                                const Principal* viewer) {
  ledger::schema::Envelope::Reader env = event.envelope();
  ledger::Actor actor = event.actor();
  boost::json::object o;
  o["position"] = event.position();
  o["stream"] = std::string(event.stream());
  o["version"] = event.version();
  o["recorded_at"] = ledger::FormatRfc3339(event.recorded_at());
  o["occurred_at"] = ledger::FormatRfc3339(event.occurred_at());
  o["actor"] =
      boost::json::object{{"id", actor.id}, {"role", actor.role}, {"department", actor.department}};
  o["type"] = std::string(event.type());
  o["policy_version"] = event.policy_version();
  o["correlation_id"] = ledger::TextCopy(env.getCorrelationId());
  o["causation_id"] = ledger::TextCopy(env.getCausationId());
  o["idempotency_key"] = ledger::TextCopy(env.getIdempotencyKey());
  o["imported"] = event.imported();
  o["prev_hash"] = ledger::ToHex(event.prev_hash());
  o["hash"] = ledger::ToHex(event.hash());
  ledger::Result<boost::json::value> payload =
      render ? render(event, viewer) : NullPayloadRenderer()(event, viewer);
  if (payload.ok()) {
    boost::json::value p = std::move(payload).value();
    RedactPersonalData(viewer, p);
    o["payload"] = std::move(p);
  } else {
    o["payload"] = nullptr;
    o["payload_error"] = payload.status().ToString();
  }
  return o;
}

}  // namespace api
