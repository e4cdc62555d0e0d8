// Helpers for tests of the event log: small events with a real Cap'n Proto payload.
#pragma once

#include <string>

#include "ledger/base/capnp_util.h"
#include "ledger/log/append.h"
#include "ledger/log/envelope.capnp.h"

namespace testing_util {

// A payload: a Cap'n Proto Actor struct whose id is `text` (any struct will do for the log).
inline std::string Payload(const std::string& text) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<ledger::schema::Actor>();
  root.setId(text);
  return ledger::ToFlatBytes(message);
}

inline ledger::NewEvent Event(const std::string& type = "ThingHappened",
                              const std::string& text = "x") {
  ledger::NewEvent e;
  e.type = type;
  e.payload = Payload(text);
  e.actor = {"u-1", "tester", "qa"};
  return e;
}

inline ledger::AppendRequest Request(
    const std::string& stream, int events = 1,
    ledger::ExpectedVersion expected = ledger::ExpectedVersion::Any(),
    const std::string& key = "") {
  ledger::AppendRequest r;
  r.stream = stream;
  r.expected = expected;
  r.idempotency_key = key;
  for (int i = 0; i < events; ++i) r.events.push_back(Event("ThingHappened", std::to_string(i)));
  return r;
}

}  // namespace testing_util
